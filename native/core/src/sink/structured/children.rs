//! Subtables of structured rows, made once: `CREATE TABLE IF NOT EXISTS`
//! for the subtables a write names that are not known to exist, then a
//! check that each belongs to the row's super table (a name can already be
//! taken by another super table's subtable or a normal table, and rows must
//! not land there). Rows are then inserted without `USING … TAGS`, the
//! cheaper path on the server.

use std::collections::{HashMap, HashSet};

use super::insert::{create_statements, Prepared};
use crate::connection::Conn;
use crate::error::{TdError, TdResult};
use crate::sql::string_literal;

/// Subtables known to exist, by database.
#[derive(Default)]
pub struct Children {
    made: HashMap<String, HashSet<String>>,
}

impl Children {
    /// Forgets them (after a failure: tables may have been dropped).
    pub fn forget(&mut self) {
        self.made.clear();
    }

    /// Makes the rows' subtables that are not known to exist. A data error
    /// names the first row whose subtable belongs elsewhere.
    pub fn ensure(&mut self, conn: &Conn, db: &str, rows: &[Prepared]) -> TdResult<()> {
        let made = self.made.entry(db.to_owned()).or_default();
        let mut seen = HashSet::new();
        let new: Vec<&Prepared> = rows
            .iter()
            .filter(|r| !made.contains(&r.subtable) && seen.insert(r.subtable.as_str()))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        for sql in create_statements(&new) {
            conn.exec(sql)
                .map_err(|e| e.into_td("creating subtables"))?;
        }
        let owners = owners(conn, db, &new)?;
        let mut wrong = None;
        for r in &new {
            match owners.get(&r.subtable) {
                Some(Some(stable)) if *stable == r.stable => {
                    made.insert(r.subtable.clone());
                }
                owner => {
                    let first = rows
                        .iter()
                        .find(|p| p.subtable == r.subtable)
                        .map_or(r.record, |p| p.record);
                    let why = match owner {
                        Some(Some(other)) => format!("belongs to super table '{other}'"),
                        Some(None) => "is a normal table".to_owned(),
                        None => "was not created".to_owned(),
                    };
                    if wrong
                        .as_ref()
                        .is_none_or(|(i, _): &(usize, String)| first < *i)
                    {
                        wrong = Some((first, format!(
                            "subtable '{}' {why}, not to super table '{}' (choose another subtable.name.format)",
                            r.subtable, r.stable
                        )));
                    }
                }
            }
        }
        match wrong {
            Some((index, message)) => Err(TdError::data(index, message)),
            None => Ok(()),
        }
    }
}

/// The super table of each named subtable that exists (None: a normal table).
fn owners(conn: &Conn, db: &str, rows: &[&Prepared]) -> TdResult<HashMap<String, Option<String>>> {
    let mut out = HashMap::new();
    for chunk in rows.chunks(2000) {
        let mut sql = String::from(
            "SELECT table_name, stable_name FROM information_schema.ins_tables WHERE db_name = ",
        );
        string_literal(db, &mut sql);
        sql.push_str(" AND table_name IN (");
        for (i, r) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            string_literal(&r.subtable, &mut sql);
        }
        sql.push(')');
        let found = conn
            .query_rows(sql)
            .map_err(|e| e.into_td("checking subtables"))?;
        for row in found {
            let text = |i: usize| {
                row.get(i)
                    .and_then(|v| v.to_string().ok())
                    .unwrap_or_default()
            };
            let stable = text(1);
            let stable =
                (!stable.is_empty() && !stable.eq_ignore_ascii_case("null")).then_some(stable);
            out.insert(text(0), stable);
        }
    }
    Ok(out)
}
