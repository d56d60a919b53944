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
        let refused = create(conn, &new)?;
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
                    let why = match (refused.get(&r.subtable), owner) {
                        (Some(e), _) => format!("TDengine refused to make it: {e}"),
                        (None, Some(Some(other))) => {
                            format!("the name belongs to super table '{other}'")
                        }
                        (None, Some(None)) => "the name is a normal table's".to_owned(),
                        (None, None) => "it was not created".to_owned(),
                    };
                    if wrong
                        .as_ref()
                        .is_none_or(|(i, _): &(usize, String)| first < *i)
                    {
                        wrong = Some((first, format!(
                            "subtable '{}' of super table '{}': {why} (choose another subtable.name.format)",
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

/// Makes the subtables, many per statement. When TDengine refuses one
/// (e.g. `Table already exists in other stables`), each is made alone: the
/// refused ones are returned with the reason, unless every one is refused
/// alike, which is the server's answer to all of them (returned as such).
fn create(conn: &Conn, rows: &[&Prepared]) -> TdResult<HashMap<String, String>> {
    let mut refused = HashMap::new();
    let together = create_statements(rows).into_iter().try_for_each(|sql| {
        conn.exec(sql)
            .map(|_| ())
            .map_err(|e| e.into_td("creating subtables"))
    });
    match together {
        Ok(()) => return Ok(refused),
        Err(e @ TdError::Retriable(_)) => return Err(e),
        Err(_) => {}
    }
    let mut last = None;
    for r in rows {
        for sql in create_statements(&[r]) {
            if let Err(e) = conn.exec(sql) {
                let e = e.into_td("creating a subtable");
                if matches!(e, TdError::Retriable(_)) {
                    return Err(e);
                }
                refused.insert(r.subtable.clone(), e.to_string());
                last = Some(e);
            }
        }
    }
    match last {
        Some(e) if refused.len() == rows.len() && rows.len() > 1 => Err(e),
        _ => Ok(refused),
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
