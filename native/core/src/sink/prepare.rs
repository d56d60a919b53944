//! The first half of a pipelined write (see [`super::pipeline`]): a batch
//! of line protocol the native path takes whole is parsed, its super tables
//! fitted and child tables made, and its INSERTs built, so that they can be
//! run while the next batch is prepared.

use super::config::{Protocol, WritePath};
use super::parts::Part;
use super::text::{group_lines, SchemalessTarget};
use super::SinkWriter;
use crate::batch::{self, Value};
use crate::error::TdResult;
use crate::nodelay;

/// A batch's INSERTs, ready to run, and the rows they write.
pub struct Prepared {
    pub parts: Vec<Part>,
    pub rows: usize,
}

impl SinkWriter {
    /// The batch's INSERTs, or None when the batch needs the whole write
    /// path ([`SinkWriter::write`]): structured or invalid records, lines
    /// for schemaless, another protocol or write path.
    pub fn prepare(&mut self, buf: &[u8]) -> TdResult<Option<Prepared>> {
        let result = self.prepare_batch(buf);
        self.nodelay.after(nodelay::SQL);
        self.settle(result)
    }

    fn prepare_batch(&mut self, buf: &[u8]) -> TdResult<Option<Prepared>> {
        let (protocol, precision) = (self.config.protocol, self.config.precision);
        if self.config.write_path != WritePath::Native
            || protocol != Protocol::Line
            || self.config.text_json
        {
            return Ok(None);
        }
        let batch = batch::decode(buf)?;
        if batch
            .records
            .iter()
            .any(|r| !matches!(r.value, Value::Text(_)))
        {
            return Ok(None);
        }
        let mut databases = Vec::with_capacity(batch.topics.len());
        for topic in &batch.topics {
            databases.push(self.config.database_for(topic)?);
        }
        let (groups, invalid) = group_lines(&batch, &databases, protocol, precision);
        if invalid.is_some() {
            return Ok(None);
        }
        let mut prepared = Prepared {
            parts: Vec::new(),
            rows: 0,
        };
        for (database, lines) in groups {
            if lines.len() > self.config.batch_size {
                return Ok(None);
            }
            let target = SchemalessTarget {
                conn: self.connection(&database)?,
                protocol,
                precision,
                websocket: !self.config.connection.dsn.starts_with("taos://"),
            };
            match self.native.prepare_lines(&target, &database, &lines)? {
                Some(parts) => prepared.parts.extend(parts),
                None => return Ok(None),
            }
            prepared.rows += lines.len();
        }
        Ok(Some(prepared))
    }
}
