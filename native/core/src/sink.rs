//! The sink's write path for text records: decode a batch, route each
//! record's lines to its database, write them with schemaless calls of at
//! most `batch_size` lines, and narrow a rejected call down to one record.
//!
//! Contract with the shim: `Ok` means every record was acknowledged; a
//! [`TdError::Data`] for record *i* means every record before *i* was
//! acknowledged and record *i* is bad (records after *i* may or may not have
//! been written; writing them again is harmless, as TDengine overwrites a
//! row with the same timestamp in the same subtable).

use std::collections::HashMap;

use taos::sync::{Queryable, Taos};
use taos::taos_query::common::{SchemalessPrecision, SchemalessProtocol, SmlDataBuilder};

use crate::batch::{self, Value};
use crate::config::{Precision, Protocol, SinkConfig};
use crate::connection;
use crate::error::{TdError, TdResult};
use crate::nodelay;
use crate::structured::json_text::{self, JsonFields};
use crate::structured::mapping::{map_record, RecordMeta, Row};
use crate::structured::value::decode_fields;
use crate::structured::writer::{insert_statements, Prepared, StructuredWriter};

/// One line (row) of a record, remembering which record it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub record: usize,
    pub text: String,
}

/// A unit of a write that belongs to one record (a line, a prepared row).
pub trait HasRecord {
    fn record(&self) -> usize;
}

impl HasRecord for Line {
    fn record(&self) -> usize {
        self.record
    }
}

pub struct SinkWriter {
    config: SinkConfig,
    /// Connections by database, opened on first use.
    connections: HashMap<String, Taos>,
    structured: StructuredWriter,
    nodelay: nodelay::Scans,
    /// Kinds of request (nodelay::SCHEMALESS, SQL) the current write made.
    requests: u8,
}

impl SinkWriter {
    /// Checks the configuration and, for a fixed database, connects now so
    /// that bad credentials or URLs fail the task at start.
    pub fn open(config: SinkConfig) -> TdResult<Self> {
        let structured = StructuredWriter::new(config.mapping.clone(), config.precision);
        let nodelay = nodelay::Scans::new(connection::websocket_port(&config.connection));
        let mut writer = SinkWriter {
            config,
            connections: HashMap::new(),
            structured,
            nodelay,
            requests: 0,
        };
        if let Some(db) = writer.config.database.clone() {
            writer.connection(&db)?;
        }
        Ok(writer)
    }

    /// Connects with the database as default, creating it first if that
    /// fails for a reason other than a transient one (most often: it does
    /// not exist yet). An existing database costs a single connect.
    fn connection(&mut self, database: &str) -> TdResult<&Taos> {
        if !self.connections.contains_key(database) {
            let cfg = &self.config.connection;
            let taos = match connection::connect(cfg, Some(database)) {
                Ok(taos) => taos,
                Err(e @ TdError::Retriable(_)) => return Err(e),
                Err(_) => {
                    let admin = connection::connect(cfg, None)?;
                    connection::ensure_database(&admin, database, self.config.precision)?;
                    drop(admin);
                    connection::connect(cfg, Some(database))?
                }
            };
            self.connections.insert(database.to_owned(), taos);
        }
        self.connections
            .get(database)
            .ok_or_else(|| TdError::fatal("connection cache lost an entry"))
    }

    /// Writes a batch; returns the rows (lines) acknowledged.
    pub fn write(&mut self, buf: &[u8]) -> TdResult<usize> {
        self.requests = 0;
        let result = self.write_batch(buf);
        self.nodelay.after(self.requests);
        if matches!(result, Err(TdError::Retriable(_))) {
            // The connection may be dead (server restarted, network cut):
            // reconnect on the next attempt rather than reuse it.
            self.connections.clear();
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
            group_lines(&batch, &databases, protocol)
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
            self.requests |= nodelay::SCHEMALESS;
            let target = SchemalessTarget {
                taos: self.connection(&database)?,
                protocol,
                precision,
            };
            for chunk in lines.chunks(batch_size) {
                match write_narrowing(&|l: &[Line]| target.put(l), chunk) {
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
            self.connection(&db)?;
            let taos = &self.connections[&db];
            let mut prepared = Vec::with_capacity(rows.len());
            for row in rows.iter().filter(|r| r.record < limit) {
                match self.structured.prepare(taos, &db, row) {
                    Ok(p) => prepared.push(p),
                    Err(e @ TdError::Data { .. }) => {
                        *first_bad = Some(e);
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
            let put = |rows: &[Prepared]| -> TdResult<()> {
                for sql in insert_statements(rows) {
                    taos.exec(&sql)
                        .map_err(|e| TdError::from_taos("insert", e))?;
                }
                Ok(())
            };
            match write_narrowing(&put, &prepared) {
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

/// Splits records into lines grouped by target database, in record order.
/// Also returns the data error of the first record that is not valid UTF-8.
fn group_lines(
    batch: &batch::Batch<'_>,
    databases: &[String],
    protocol: Protocol,
) -> (Vec<(String, Vec<Line>)>, Option<TdError>) {
    let mut groups: Vec<(String, Vec<Line>)> = Vec::new();
    let mut group_of_topic: Vec<Option<usize>> = vec![None; databases.len()];
    let mut invalid = None;
    for (index, record) in batch.records.iter().enumerate() {
        let text = match record.value {
            Value::Text(text) => text,
            Value::Null | Value::Structured(_) => continue, // tombstones: no row; structured: elsewhere
            Value::InvalidText => {
                invalid.get_or_insert_with(|| TdError::data(index, "value is not valid UTF-8"));
                continue;
            }
        };
        let topic = record.topic as usize;
        let group = *group_of_topic[topic].get_or_insert_with(|| {
            let db = &databases[topic];
            groups.iter().position(|(d, _)| d == db).unwrap_or_else(|| {
                groups.push((db.clone(), Vec::new()));
                groups.len() - 1
            })
        });
        let lines = &mut groups[group].1;
        match protocol {
            Protocol::Json => {
                if !text.trim().is_empty() {
                    lines.push(Line {
                        record: index,
                        text: text.to_owned(),
                    });
                }
            }
            Protocol::Line | Protocol::Telnet => lines.extend(
                text.split('\n')
                    .map(|l| l.trim_end_matches('\r'))
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| Line {
                        record: index,
                        text: l.to_owned(),
                    }),
            ),
        }
    }
    (groups, invalid)
}

/// Writes the items; when TDengine rejects the call's data, halves it until
/// the first rejected item is found and reports its record. Items before it
/// are written; nothing after it is attempted.
pub fn write_narrowing<T: HasRecord>(
    put: &dyn Fn(&[T]) -> TdResult<()>,
    items: &[T],
) -> TdResult<usize> {
    match put(items) {
        Ok(()) => Ok(items.len()),
        Err(TdError::Rejected(message)) => {
            if items.len() == 1 {
                return Err(TdError::data(items[0].record(), message));
            }
            let (left, right) = items.split_at(items.len() / 2);
            Ok(write_narrowing(put, left)? + write_narrowing(put, right)?)
        }
        Err(other) => Err(other),
    }
}

struct SchemalessTarget<'a> {
    taos: &'a Taos,
    protocol: Protocol,
    precision: Precision,
}

impl SchemalessTarget<'_> {
    fn put(&self, lines: &[Line]) -> TdResult<()> {
        let data = SmlDataBuilder::default()
            .protocol(match self.protocol {
                Protocol::Line => SchemalessProtocol::Line,
                Protocol::Telnet => SchemalessProtocol::Telnet,
                Protocol::Json => SchemalessProtocol::Json,
            })
            .precision(match self.precision {
                Precision::Ms => SchemalessPrecision::Millisecond,
                Precision::Us => SchemalessPrecision::Microsecond,
                Precision::Ns => SchemalessPrecision::Nanosecond,
            })
            .data(lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>())
            .build()
            .map_err(|e| TdError::fatal(format!("building schemaless request: {e}")))?;
        self.taos
            .put(&data)
            .map_err(|e| TdError::from_taos("schemaless write", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::tests::rec;
    use crate::batch::Batch;
    use std::cell::RefCell;

    /// Rejects any call containing a line with "BAD"; records what it wrote.
    struct Fake {
        written: RefCell<Vec<String>>,
        calls: RefCell<usize>,
    }

    impl Fake {
        fn put(&self, lines: &[Line]) -> TdResult<()> {
            *self.calls.borrow_mut() += 1;
            if lines.iter().any(|l| l.text.contains("BAD")) {
                return Err(TdError::Rejected("SML_INVALID_DATA".into()));
            }
            self.written
                .borrow_mut()
                .extend(lines.iter().map(|l| l.text.clone()));
            Ok(())
        }
    }

    fn fake() -> Fake {
        Fake {
            written: RefCell::new(Vec::new()),
            calls: RefCell::new(0),
        }
    }

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                record: i,
                text: (*t).into(),
            })
            .collect()
    }

    #[test]
    fn a_clean_call_is_one_put() {
        let f = fake();
        assert_eq!(
            write_narrowing(&|l: &[Line]| f.put(l), &lines(&["a", "b", "c"])).unwrap(),
            3
        );
        assert_eq!(*f.calls.borrow(), 1);
    }

    #[test]
    fn narrowing_finds_the_first_bad_record_and_writes_everything_before_it() {
        let f = fake();
        let input: Vec<String> = (0..1000)
            .map(|i| {
                if i == 637 || i == 900 {
                    format!("BAD{i}")
                } else {
                    format!("ok{i}")
                }
            })
            .collect();
        let refs: Vec<&str> = input.iter().map(String::as_str).collect();
        let err = write_narrowing(&|l: &[Line]| f.put(l), &lines(&refs)).unwrap_err();
        assert!(matches!(err, TdError::Data { index: 637, .. }), "{err:?}");
        let written = f.written.borrow();
        for i in 0..637 {
            assert!(written.contains(&format!("ok{i}")), "ok{i} not written");
        }
        assert!(*f.calls.borrow() < 40, "{} calls", f.calls.borrow());
    }

    #[test]
    fn other_errors_are_not_narrowed() {
        let down =
            |_: &[Line]| -> TdResult<()> { Err(TdError::Retriable("connection refused".into())) };
        assert!(matches!(
            write_narrowing(&down, &lines(&["a", "b"])),
            Err(TdError::Retriable(_))
        ));
    }

    #[test]
    fn lines_are_grouped_by_database_in_record_order() {
        let batch = Batch {
            topics: vec!["a", "b"],
            records: vec![
                rec(0, Value::Text("m v=1 1\nm v=2 2\n")),
                rec(1, Value::Null),
                rec(1, Value::Text("n v=3 3")),
                rec(0, Value::InvalidText),
                rec(0, Value::Text("  ")),
            ],
        };
        let dbs = vec!["db_a".to_string(), "db_b".to_string()];
        let (groups, invalid) = group_lines(&batch, &dbs, Protocol::Line);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "db_a");
        assert_eq!(
            groups[0]
                .1
                .iter()
                .map(|l| (l.record, l.text.as_str()))
                .collect::<Vec<_>>(),
            vec![(0, "m v=1 1"), (0, "m v=2 2")]
        );
        assert_eq!(groups[1].1[0].record, 2);
        assert!(matches!(invalid, Some(TdError::Data { index: 3, .. })));
    }

    #[test]
    fn json_records_are_one_document_each() {
        let batch = Batch {
            topics: vec!["a"],
            records: vec![rec(
                0,
                Value::Text("[{\"metric\":\"m\"},\n{\"metric\":\"n\"}]"),
            )],
        };
        let (groups, _) = group_lines(&batch, &["db".to_string()], Protocol::Json);
        assert_eq!(groups[0].1.len(), 1);
    }
}
