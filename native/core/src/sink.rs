//! The sink's write path: one decoded batch → one schemaless write.

use taos::sync::{Queryable, Taos};
use taos::taos_query::common::{SchemalessPrecision, SchemalessProtocol, SmlDataBuilder};

use crate::batch::{self, Value};
use crate::config::{Precision, Protocol, SinkConfig};
use crate::connection;
use crate::error::{TdError, TdResult};

pub struct SinkWriter {
    config: SinkConfig,
    taos: Taos,
}

impl SinkWriter {
    /// Connects, creates the target database if missing and reconnects with
    /// it as the default database.
    pub fn open(config: SinkConfig) -> TdResult<Self> {
        let admin = connection::connect(&config.connection, None)?;
        connection::ensure_database(&admin, &config.database, config.precision)?;
        drop(admin);
        let taos = connection::connect(&config.connection, Some(&config.database))?;
        Ok(SinkWriter { config, taos })
    }

    /// Writes every record of the batch; returns how many rows (lines) were
    /// sent. Returns only once TDengine acknowledged the whole write.
    pub fn write(&mut self, buf: &[u8]) -> TdResult<usize> {
        let values = batch::decode(buf)?;
        let lines = self.lines(&values);
        if lines.is_empty() {
            return Ok(0);
        }
        let rows = lines.len();
        let data = SmlDataBuilder::default()
            .protocol(protocol(self.config.protocol))
            .precision(precision(self.config.precision))
            .data(lines)
            .build()
            .map_err(|e| TdError::fatal(format!("building schemaless request: {e}")))?;
        self.taos
            .put(&data)
            .map_err(|e| TdError::from_taos("schemaless write", e))?;
        Ok(rows)
    }

    /// Text records hold one or more lines (line/telnet protocol) or one JSON
    /// document; null values (tombstones) carry no row.
    fn lines(&self, values: &[Value<'_>]) -> Vec<String> {
        let mut out = Vec::with_capacity(values.len());
        for v in values {
            if let Value::Text(text) = v {
                match self.config.protocol {
                    Protocol::Json => {
                        if !text.trim().is_empty() {
                            out.push((*text).to_owned())
                        }
                    }
                    Protocol::Line | Protocol::Telnet => out.extend(
                        text.split('\n')
                            .map(|l| l.trim_end_matches('\r'))
                            .filter(|l| !l.trim().is_empty())
                            .map(str::to_owned),
                    ),
                }
            }
        }
        out
    }
}

fn protocol(p: Protocol) -> SchemalessProtocol {
    match p {
        Protocol::Line => SchemalessProtocol::Line,
        Protocol::Telnet => SchemalessProtocol::Telnet,
        Protocol::Json => SchemalessProtocol::Json,
    }
}

fn precision(p: Precision) -> SchemalessPrecision {
    match p {
        Precision::Ms => SchemalessPrecision::Millisecond,
        Precision::Us => SchemalessPrecision::Microsecond,
        Precision::Ns => SchemalessPrecision::Nanosecond,
    }
}
