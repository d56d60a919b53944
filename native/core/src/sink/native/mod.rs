//! `write.path=native`: line protocol parsed in the connector (see
//! `sink::lines`) and written as SQL, with the tables TDengine's schemaless
//! insert would give: super tables created and evolved alike (column order,
//! types, widths), child tables under schemaless's own names, created once
//! and cached (made again if dropped), rows bound to them with stmt2 over
//! WebSocket where the server has it (see `binders`), else sent as
//! multi-table INSERTs into them. Lines the parser leaves alone go through schemaless as before,
//! in record order.

mod bind;
mod binders;
mod insert;
mod name;
mod plan;
mod schema;

use std::cell::RefCell;
use std::collections::HashMap;

use std::sync::Arc;

use super::lines::{self, Fields};
use super::narrowing::{write_narrowing, HasRecord};
use super::parts::{exec_parts, Part};
use super::text::{Line, SchemalessTarget};
use crate::config::{ConnectionConfig, Precision};
use crate::connection::{self, Conn};
use crate::error::TdResult;
use crate::fasthash::{FastMap, FastSet};
use binders::Binders;
use schema::Stable;

/// A child table as lines name it: its super table, tags and name.
#[derive(Debug)]
pub struct Series {
    pub stable: String,
    pub tags: Vec<(String, String)>,
    pub child: String,
}

/// A parsed line with its record and child table.
#[derive(Debug, Clone)]
pub struct NativeRow<'a> {
    pub record: usize,
    pub series: Arc<Series>,
    pub fields: Fields<'a>,
}

/// Series remembered by their text; past this many the memory is cleared.
const MAX_SERIES: usize = 200_000;

impl HasRecord for NativeRow<'_> {
    fn record(&self) -> usize {
        self.record
    }
}

/// What the native path knows of the server, per connection's lifetime of
/// the writer: super table schemas, child tables made, database precisions;
/// and the extra connections its writes are spread over.
#[derive(Default)]
pub struct NativeLines {
    connection: Option<ConnectionConfig>,
    /// Connections a write's rows are spread over (child tables kept whole).
    parallelism: usize,
    /// The extra connections per database (the first is the writer's own).
    pool: HashMap<String, Vec<Conn>>,
    stables: HashMap<(String, String), Stable>,
    /// Child tables made, per database.
    children: HashMap<String, FastSet<String>>,
    precisions: HashMap<String, Precision>,
    /// Series by their text (`measurement,tags`); None: left to the server.
    series: FastMap<String, Option<Arc<Series>>>,
    binders: Binders,
}

impl NativeLines {
    /// `bind`: rows may be bound (stmt2) where the connection and server allow.
    pub fn new(connection: ConnectionConfig, parallelism: usize, bind: bool) -> Self {
        let websocket = connection::websocket_port(&connection).is_some();
        NativeLines {
            binders: Binders::new((bind && websocket).then(|| connection.clone())),
            connection: Some(connection),
            parallelism: parallelism.max(1),
            ..NativeLines::default()
        }
    }

    /// Forgets what it knows (after a failure: tables may have been dropped,
    /// connections broken).
    pub fn forget(&mut self) {
        self.stables.clear();
        self.children.clear();
        self.pool.clear();
        self.binders.forget();
    }

    /// The connections to spread a write over: `conn` and up to
    /// `parallelism - 1` more (one attempt each; fewer when they fail).
    fn connections(&mut self, conn: &Conn, db: &str) -> Vec<Conn> {
        let extra = self.pool.entry(db.to_owned()).or_default();
        extra.retain(|c| !c.broken());
        if let Some(cfg) = &self.connection {
            while extra.len() + 1 < self.parallelism {
                match connection::reconnect(cfg, Some(db)) {
                    Ok(c) => extra.push(c),
                    Err(e) => {
                        log::warn!(
                            "writing over {} connections, not {}: {e}",
                            extra.len() + 1,
                            self.parallelism
                        );
                        break;
                    }
                }
            }
        }
        std::iter::once(conn.clone())
            .chain(extra.iter().cloned())
            .collect()
    }

    /// Writes `lines` (one database's, in record order): runs of lines the
    /// parser takes natively, the others through `schemaless`. Returns the
    /// lines written; a data error stops at its record.
    pub fn write_lines(
        &mut self,
        schemaless: &SchemalessTarget,
        db: &str,
        lines: &[Line],
    ) -> TdResult<usize> {
        let mut parsed = self.parse(lines);
        let mut written = 0;
        let mut at = 0;
        while at < lines.len() {
            let native = parsed[at].is_some();
            let end = (at..lines.len())
                .find(|&i| parsed[i].is_some() != native)
                .unwrap_or(lines.len());
            written += if native {
                let rows: Vec<NativeRow> = parsed[at..end]
                    .iter_mut()
                    .filter_map(Option::take)
                    .collect();
                self.write_rows(&schemaless.conn, db, schemaless.precision, &rows)?
            } else {
                write_narrowing(&|l: &[Line]| schemaless.put(l), &lines[at..end])?
            };
            at = end;
        }
        Ok(written)
    }

    /// Each line as a row, or None where the parser leaves it to schemaless.
    fn parse<'a>(&mut self, lines: &[Line<'a>]) -> Vec<Option<NativeRow<'a>>> {
        if self.series.len() > MAX_SERIES {
            self.series.clear();
        }
        lines
            .iter()
            .map(|l| {
                let (text, at) = lines::split(l.text)?;
                let series = match self.series.get(text) {
                    Some(known) => known.clone()?,
                    None => {
                        let series = series_of(text);
                        self.series.insert(text.to_owned(), series.clone());
                        series?
                    }
                };
                let prefix_tags = &series.tags;
                let fields = lines::parse_fields(l.text, at, prefix_tags)?;
                Some(NativeRow {
                    record: l.record,
                    series,
                    fields,
                })
            })
            .collect()
    }

    /// The INSERTs of `lines` (one database's, in record order) when the
    /// parser takes every line: super tables fitted and child tables made
    /// now, the rows left to [`exec_parts`]. None: some line goes through
    /// schemaless, so the lines are for [`NativeLines::write_lines`].
    pub fn prepare_lines(
        &mut self,
        schemaless: &SchemalessTarget,
        db: &str,
        lines: &[Line],
    ) -> TdResult<Option<Vec<Part>>> {
        let parsed = self.parse(lines);
        if parsed.iter().any(Option::is_none) {
            return Ok(None);
        }
        let rows: Vec<NativeRow> = parsed.into_iter().flatten().collect();
        let conn = &schemaless.conn;
        let db_precision = self.db_precision(conn, db)?;
        self.plan(conn, db, schemaless.precision, db_precision, &rows)
            .map(Some)
    }

    fn write_rows(
        &mut self,
        conn: &Conn,
        db: &str,
        precision: Precision,
        rows: &[NativeRow],
    ) -> TdResult<usize> {
        let db_precision = self.db_precision(conn, db)?;
        let state = RefCell::new(self);
        let put = |rows: &[NativeRow]| -> TdResult<()> {
            let mut state = state.borrow_mut();
            match state.put(conn, db, precision, db_precision, rows) {
                // A table dropped behind our back: make it again, once.
                Err(e) if e.is_missing_table() => {
                    state.forget();
                    state.put(conn, db, precision, db_precision, rows)
                }
                other => other,
            }
        };
        write_narrowing(&put, rows)
    }

    fn db_precision(&mut self, conn: &Conn, db: &str) -> TdResult<Precision> {
        if let Some(p) = self.precisions.get(db) {
            return Ok(*p);
        }
        let p = match connection::database_setting(conn, db, "precision")?.as_deref() {
            Some("us") => Precision::Us,
            Some("ns") => Precision::Ns,
            _ => Precision::Ms,
        };
        self.precisions.insert(db.to_owned(), p);
        Ok(p)
    }

    fn put(
        &mut self,
        conn: &Conn,
        db: &str,
        precision: Precision,
        db_precision: Precision,
        rows: &[NativeRow],
    ) -> TdResult<()> {
        exec_parts(self.plan(conn, db, precision, db_precision, rows)?)
    }

    /// Fits the super tables to `rows`, makes their new child tables, and
    /// gives the rows' INSERTs spread over the connections.
    fn plan(
        &mut self,
        conn: &Conn,
        db: &str,
        precision: Precision,
        db_precision: Precision,
        rows: &[NativeRow],
    ) -> TdResult<Vec<Part>> {
        // Rows by super table (first-seen order), a series' once.
        let mut stables: Vec<(&str, Vec<&NativeRow>)> = Vec::new();
        let mut stable_of: FastMap<*const Series, usize> = FastMap::default();
        for r in rows {
            let i = *stable_of.entry(Arc::as_ptr(&r.series)).or_insert_with(|| {
                let name = r.series.stable.as_str();
                stables
                    .iter()
                    .position(|(s, _)| *s == name)
                    .unwrap_or_else(|| {
                        stables.push((name, Vec::new()));
                        stables.len() - 1
                    })
            });
            stables[i].1.push(r);
        }
        for (stable, of_stable) in stables {
            let key = (db.to_owned(), stable.to_owned());
            let known = self.stables.get(&key).cloned();
            let schema = plan::fit(conn, db, stable, known.clone(), &of_stable)?;
            if known.as_ref() != Some(&schema) {
                self.binders.schema_changed();
            }
            self.stables.insert(key, schema);
        }
        let made = self.children.entry(db.to_owned()).or_default();
        let new_children: Vec<&NativeRow> = {
            // Each series once (rows of one series share its Arc), then by name.
            let mut series: FastSet<*const Series> = FastSet::default();
            let mut seen = FastSet::default();
            rows.iter()
                .filter(|r| series.insert(Arc::as_ptr(&r.series)))
                .filter(|r| !made.contains(&r.series.child))
                .filter(|r| seen.insert(r.series.child.as_str()))
                .collect()
        };
        for sql in insert::create_children(db, &new_children)? {
            conn.exec(sql)
                .map_err(|e| e.into_td("creating child tables"))?;
        }
        let made = self.children.entry(db.to_owned()).or_default();
        for r in new_children {
            made.insert(r.series.child.clone());
        }
        let conns = self.connections(conn, db);
        let mut parts: Vec<Vec<&NativeRow>> = vec![Vec::new(); conns.len()];
        for r in rows {
            parts[spread(&r.series.child, conns.len())].push(r);
        }
        let binders = self.binders.for_write(db, conns.len())?;
        let generation = self.binders.generation();
        conns
            .into_iter()
            .zip(parts)
            .enumerate()
            .map(|(i, (conn, part))| {
                let binder = binders.as_ref().and_then(|b| b.get(i).cloned());
                let (binds, left) = match binder {
                    Some(_) => bind::binds(&part, precision, db_precision, generation)?,
                    None => (Vec::new(), part),
                };
                Ok(Part {
                    conn,
                    statements: insert::statements(db, &left, precision, db_precision)?,
                    binds,
                    binder,
                })
            })
            .collect()
    }
}

/// Which of `n` connections writes a child table's rows (always the same).
fn spread(child: &str, n: usize) -> usize {
    use std::hash::BuildHasher;
    (crate::fasthash::FastState::default().hash_one(child) % n as u64) as usize
}

/// A row of one line under the child table `child` (tests).
#[cfg(test)]
pub(crate) fn test_row<'a>(record: usize, child: &str, text: &'a str) -> NativeRow<'a> {
    let row = lines::parse(text).expect("a line the parser takes");
    NativeRow {
        record,
        series: Arc::new(Series {
            stable: row.prefix.stable,
            tags: row.prefix.tags,
            child: child.into(),
        }),
        fields: row.fields,
    }
}

fn series_of(text: &str) -> Option<Arc<Series>> {
    let prefix = lines::parse_prefix(text)?;
    let child = name::child_table(&prefix.hashed_measurement, &prefix.tags)?;
    Some(Arc::new(Series {
        stable: prefix.stable,
        tags: prefix.tags,
        child,
    }))
}
