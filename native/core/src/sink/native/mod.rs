//! `write.path=native`: line protocol parsed in the connector (see
//! `sink::lines`) and written as SQL, with the tables TDengine's schemaless
//! insert would give: super tables created and evolved alike (column order,
//! types, widths), child tables under schemaless's own names, created once
//! and cached (made again if dropped), rows sent as multi-table INSERTs
//! into them. Lines the parser leaves alone go through schemaless as before,
//! in record order.

mod insert;
mod name;
mod plan;
mod schema;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::lines::{self, LineRow};
use super::narrowing::{write_narrowing, HasRecord};
use super::text::{Line, SchemalessTarget};
use crate::config::Precision;
use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use schema::Stable;

/// A parsed line with its record and child table.
#[derive(Debug, Clone)]
pub struct NativeRow {
    pub record: usize,
    pub row: LineRow,
    pub child: String,
}

impl HasRecord for NativeRow {
    fn record(&self) -> usize {
        self.record
    }
}

/// What the native path knows of the server, per connection's lifetime of
/// the writer: super table schemas, child tables made, database precisions.
#[derive(Default)]
pub struct NativeLines {
    stables: HashMap<(String, String), Stable>,
    children: HashSet<(String, String)>,
    precisions: HashMap<String, Precision>,
}

impl NativeLines {
    /// Forgets what it knows (after a failure: tables may have been dropped).
    pub fn forget(&mut self) {
        self.stables.clear();
        self.children.clear();
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
        let parsed: Vec<Option<NativeRow>> = lines
            .iter()
            .map(|l| {
                let row = lines::parse(&l.text)?;
                let child = name::child_table(&row.hashed_measurement, &row.tags)?;
                Some(NativeRow {
                    record: l.record,
                    row,
                    child,
                })
            })
            .collect();
        let mut written = 0;
        let mut at = 0;
        while at < lines.len() {
            let native = parsed[at].is_some();
            let end = (at..lines.len())
                .find(|&i| parsed[i].is_some() != native)
                .unwrap_or(lines.len());
            written += if native {
                let rows: Vec<NativeRow> = parsed[at..end].iter().flatten().cloned().collect();
                self.write_rows(&schemaless.conn, db, schemaless.precision, &rows)?
            } else {
                write_narrowing(&|l: &[Line]| schemaless.put(l), &lines[at..end])?
            };
            at = end;
        }
        Ok(written)
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
                Err(e) if gone(&e) => {
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
        let mut stables: Vec<&str> = Vec::new();
        for r in rows {
            if !stables.contains(&r.row.stable.as_str()) {
                stables.push(&r.row.stable);
            }
        }
        for stable in stables {
            let of_stable: Vec<&NativeRow> =
                rows.iter().filter(|r| r.row.stable == stable).collect();
            let key = (db.to_owned(), stable.to_owned());
            let known = self.stables.get(&key).cloned();
            let schema = plan::fit(conn, db, stable, known, &of_stable)?;
            self.stables.insert(key, schema);
        }
        let new_children: Vec<&NativeRow> = {
            let mut seen = HashSet::new();
            rows.iter()
                .filter(|r| !self.children.contains(&(db.to_owned(), r.child.clone())))
                .filter(|r| seen.insert(r.child.as_str()))
                .collect()
        };
        for sql in insert::create_children(db, &new_children)? {
            conn.exec(sql)
                .map_err(|e| e.into_td("creating child tables"))?;
        }
        for r in new_children {
            self.children.insert((db.to_owned(), r.child.clone()));
        }
        for sql in insert::statements(db, rows, precision, db_precision)? {
            conn.exec(sql).map_err(|e| e.into_td("insert"))?;
        }
        Ok(())
    }
}

/// A table the caches believed in is gone (dropped while we wrote).
fn gone(e: &TdError) -> bool {
    let text = e.to_string();
    // PAR_TABLE_NOT_EXIST, MND_STB_NOT_EXIST, TDB_TABLE_NOT_EXIST, TDB_INVALID_TABLE_ID
    ["0x2603", "0x0362", "0x0618", "0x0603"]
        .iter()
        .any(|code| text.contains(code))
}
