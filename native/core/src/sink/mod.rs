//! The sink's write path: decode a batch, route each record to its
//! database, write text records with schemaless calls of at most
//! `batch_size` lines and structured records with multi-table INSERTs, and
//! narrow a refused call down to one record.
//!
//! Contract with the shim: `Ok` means every record was acknowledged; a
//! [`TdError::Data`] for record *i* means every record before *i* was
//! acknowledged and record *i* is bad (records after *i* may or may not have
//! been written; writing them again is harmless, as TDengine overwrites a
//! row with the same timestamp in the same subtable).

pub mod config;
pub mod lines;
pub(crate) mod narrowing;
mod native;
mod parts;
pub mod pipeline;
mod prepare;
pub mod structured;
pub mod text;

use std::collections::HashMap;

pub use narrowing::{write_narrowing, HasRecord};
pub use text::Line;

use crate::batch::{self, Value};
use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use crate::nodelay;
use config::{Protocol, SinkConfig, WritePath};
use structured::json_text::{self, JsonFields};
use structured::mapping::{map_record, RecordMeta, Row};
use structured::value::decode_fields;
use structured::writer::StructuredWriter;
use text::{group_lines, SchemalessTarget};

pub struct SinkWriter {
    config: SinkConfig,
    /// Connections by database, opened on first use.
    connections: HashMap<String, Conn>,
    structured: StructuredWriter,
    native: native::NativeLines,
    nodelay: nodelay::Scans,
    /// Kinds of request (nodelay::SCHEMALESS, SQL) the current write made.
    requests: u8,
}

impl SinkWriter {
    /// Checks the configuration and, for a fixed database, connects now (one
    /// attempt) so that bad credentials or URLs fail the task at start. A
    /// server that is unreachable now is not an error here: the writes retry.
    pub fn open(config: SinkConfig) -> TdResult<Self> {
        let structured = StructuredWriter::new(config.mapping.clone(), config.precision);
        let native = native::NativeLines::new(
            config.connection.clone(),
            config.write_parallelism,
            config.write_binding,
        );
        let nodelay = nodelay::Scans::new(connection::websocket_port(&config.connection));
        let mut writer = SinkWriter {
            config,
            connections: HashMap::new(),
            structured,
            native,
            nodelay,
            requests: 0,
        };
        if let Some(db) = writer.config.database.clone() {
            match writer.connection(&db) {
                Ok(_) | Err(TdError::Retriable(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(writer)
    }

    /// Connects with the database as default, creating it first if that
    /// fails for a reason other than a transient one (most often: it does
    /// not exist yet). An existing database costs a single connect.
    fn connection(&mut self, database: &str) -> TdResult<Conn> {
        if self.connections.get(database).is_some_and(Conn::broken) {
            self.connections.remove(database);
        }
        if !self.connections.contains_key(database) {
            let cfg = &self.config.connection;
            // One attempt: the shim's retry budget spaces further ones, and
            // a task starting while TDengine is away starts all the same.
            let connect = connection::reconnect;
            let taos = match connect(cfg, Some(database)) {
                Ok(taos) => taos,
                Err(e @ TdError::Retriable(_)) => return Err(e),
                Err(_) => {
                    let admin = connect(cfg, None)?;
                    connection::ensure_database(&admin, database, self.config.precision)?;
                    connect(cfg, Some(database))?
                }
            };
            self.connections.insert(database.to_owned(), taos);
        }
        self.connections
            .get(database)
            .cloned()
            .ok_or_else(|| TdError::fatal("connection cache lost an entry"))
    }

    /// Writes a batch; returns the rows (lines) acknowledged.
    pub fn write(&mut self, buf: &[u8]) -> TdResult<usize> {
        self.requests = 0;
        let result = self.write_batch(buf);
        self.nodelay.after(self.requests);
        self.settle(result)
    }

    /// After a transient failure the connections may be dead (server
    /// restarted, network cut): reconnect on the next attempt rather than
    /// reuse them.
    fn settle<T>(&mut self, result: TdResult<T>) -> TdResult<T> {
        if matches!(result, Err(TdError::Retriable(_))) {
            self.connections.clear();
            self.native.forget();
            self.nodelay.reset();
        }
        result
    }

    fn write_batch(&mut self, buf: &[u8]) -> TdResult<usize> {
        let batch = batch::decode(buf)?;
        let mut databases = Vec::with_capacity(batch.topics.len());
        for topic in &batch.topics {
            databases.push(self.config.database_for(topic)?);
        }
        let (protocol, precision, batch_size) = (
            self.config.protocol,
            self.config.precision,
            self.config.batch_size,
        );
        let (groups, invalid) = if self.config.text_json {
            (Vec::new(), None) // text is JSON objects: written with the structured records
        } else {
            group_lines(&batch, &databases, protocol, precision)
        };
        let mut first_bad = invalid;
        let mut rows = 0;
        for (database, lines) in groups {
            // Records after an already found bad one will be sent again.
            let limit = first_bad.as_ref().map_or(usize::MAX, bad_index);
            let lines: Vec<Line> = lines.into_iter().filter(|l| l.record < limit).collect();
            if lines.is_empty() {
                continue;
            }
            let native = self.config.write_path == WritePath::Native && protocol == Protocol::Line;
            self.requests |= if native {
                nodelay::SQL | nodelay::SCHEMALESS
            } else {
                nodelay::SCHEMALESS
            };
            let target = SchemalessTarget {
                conn: self.connection(&database)?,
                protocol,
                precision,
                websocket: !self.config.connection.dsn.starts_with("taos://"),
            };
            for chunk in lines.chunks(batch_size) {
                let written = if native {
                    self.native.write_lines(&target, &database, chunk)
                } else {
                    write_narrowing(&|l: &[Line]| target.put(l), chunk)
                };
                match written {
                    Ok(n) => rows += n,
                    Err(bad @ TdError::Data { .. }) => {
                        if first_bad
                            .as_ref()
                            .is_none_or(|f| bad_index(&bad) < bad_index(f))
                        {
                            first_bad = Some(bad);
                        }
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        rows += self.write_structured(&batch, &databases, &mut first_bad)?;
        match first_bad {
            Some(bad) => Err(bad),
            None => Ok(rows),
        }
    }

    /// Structured records of the batch: mapped to rows, the super tables
    /// adapted, rows inserted. Keeps the contract of [`SinkWriter::write`]
    /// through `first_bad`.
    fn write_structured(
        &mut self,
        batch: &batch::Batch<'_>,
        databases: &[String],
        first_bad: &mut Option<TdError>,
    ) -> TdResult<usize> {
        // JSON text parsed up front: rows borrow their names and strings from it.
        let json: Vec<Option<TdResult<JsonFields>>> = if self.config.text_json {
            batch
                .records
                .iter()
                .enumerate()
                .map(|(index, record)| match record.value {
                    Value::Text(text) => Some(json_text::parse(index, text)),
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut by_db: Vec<(String, Vec<Row<'_>>)> = Vec::new();
        for (index, record) in batch.records.iter().enumerate() {
            if first_bad.as_ref().is_some_and(|b| bad_index(b) <= index) {
                break;
            }
            let fields = match (record.value, json.get(index)) {
                (Value::Structured(payload), _) => decode_fields(index, payload),
                (Value::Text(_), Some(Some(parsed))) => parsed
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|p| p.fields(index)),
                (Value::InvalidText, _) if self.config.text_json => {
                    Err(TdError::data(index, "value is not valid UTF-8"))
                }
                _ => continue,
            };
            let meta = RecordMeta {
                index,
                topic: batch.topics[record.topic as usize],
                partition: record.partition,
                key: record.key,
                timestamp: record.timestamp,
            };
            let mapped = fields.and_then(|fields| {
                map_record(
                    self.structured.mapping(),
                    self.config.precision,
                    meta,
                    fields,
                )
            });
            match mapped {
                Ok(row) => {
                    let db = &databases[record.topic as usize];
                    match by_db.iter_mut().find(|(d, _)| d == db) {
                        Some((_, rows)) => rows.push(row),
                        None => by_db.push((db.clone(), vec![row])),
                    }
                }
                Err(e @ TdError::Data { .. }) => *first_bad = Some(e),
                Err(other) => return Err(other),
            }
        }
        let mut written = 0;
        if !by_db.is_empty() {
            self.requests |= nodelay::SQL;
        }
        for (db, rows) in by_db {
            let limit = first_bad.as_ref().map_or(usize::MAX, bad_index);
            let conn = self.connection(&db)?;
            let mut prepared = Vec::with_capacity(rows.len());
            for row in rows.iter().filter(|r| r.record < limit) {
                match self.structured.prepare(&conn, &db, row) {
                    Ok(p) => prepared.push(p),
                    Err(e @ TdError::Data { .. }) => {
                        *first_bad = Some(e);
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
            match self.structured.write(&conn, &db, &prepared) {
                Ok(n) => written += n,
                Err(bad @ TdError::Data { .. }) => {
                    if first_bad
                        .as_ref()
                        .is_none_or(|f| bad_index(&bad) < bad_index(f))
                    {
                        *first_bad = Some(bad);
                    }
                }
                Err(other) => {
                    // A concurrent schema change may have made the cache stale.
                    self.structured.forget_schemas();
                    return Err(other);
                }
            }
        }
        Ok(written)
    }
}

fn bad_index(e: &TdError) -> usize {
    match e {
        TdError::Data { index, .. } => *index,
        _ => usize::MAX,
    }
}
