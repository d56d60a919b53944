//! Tag values of child tables. TMQ `AS STABLE` topics keep flowing when a
//! super table gains columns but carry no tags, so tags are read with
//! `SELECT TAGS tbname, ...` (one row per child table) and cached by table;
//! a table not yet known, or a stale cache, reloads its super table.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use taos::BorrowedValue;

use super::format::{json_member, push_key, tag_text};
use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use crate::sql::ident;

/// How long tag values are trusted before a super table is read again
/// (catches `ALTER TABLE ... SET TAG`).
const TTL: Duration = Duration::from_secs(30);

/// Tags of one child table, pre-rendered for both output formats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableTags {
    /// `,"tag":value...`, appended to each JSON row.
    pub json_members: String,
    /// `,tag=value,...` for line protocol (NULL tags left out).
    pub line: String,
    /// The values with their types, for `out.format=struct`.
    pub typed: Vec<(String, taos::Ty, taos::Value)>,
}

impl TableTags {
    pub fn from_values<'a>(tags: impl IntoIterator<Item = (&'a str, BorrowedValue<'a>)>) -> Self {
        let mut t = TableTags::default();
        for (name, v) in tags {
            let mut member = Vec::new();
            json_member(name, &v, &mut member);
            t.json_members.push(',');
            t.json_members.push_str(&String::from_utf8_lossy(&member));
            t.typed.push((name.to_owned(), v.ty(), v.to_value()));
            if let Some(text) = tag_text(&v) {
                t.line.push(',');
                push_key(name, &mut t.line);
                t.line.push('=');
                push_key(&text, &mut t.line);
            }
        }
        t
    }
}

#[derive(Default)]
struct StableTags {
    tables: HashMap<String, TableTags>,
    loaded: Option<Instant>,
}

#[derive(Default)]
pub struct TagCache {
    stables: HashMap<String, StableTags>,
}

impl TagCache {
    /// Tags of `table` (a child of `stable`); empty when the table has none
    /// (a plain table) or has just been dropped.
    pub fn get(
        &mut self,
        conn: &Conn,
        db: &str,
        stable: &str,
        table: &str,
    ) -> TdResult<&TableTags> {
        let entry = self.stables.entry(stable.to_owned()).or_default();
        let stale = entry.loaded.is_none_or(|at| at.elapsed() > TTL);
        if stale || !entry.tables.contains_key(table) {
            // A miss right after a load means the table has no tag row (yet).
            if stale
                || entry
                    .loaded
                    .is_some_and(|at| at.elapsed() > Duration::from_secs(1))
            {
                entry.tables = load(conn, db, stable)?;
                entry.loaded = Some(Instant::now());
            }
        }
        static NONE: std::sync::OnceLock<TableTags> = std::sync::OnceLock::new();
        Ok(entry
            .tables
            .get(table)
            .unwrap_or_else(|| NONE.get_or_init(TableTags::default)))
    }
}

fn load(conn: &Conn, db: &str, stable: &str) -> TdResult<HashMap<String, TableTags>> {
    let q = |name: &str| ident(name).map_err(TdError::fatal);
    let described = connection::rows(
        conn,
        format!("DESCRIBE {}.{}", q(db)?, q(stable)?),
        &format!("describing {db}.{stable}"),
    )?;
    // DESCRIBE rows: field, type, length, note ("TAG" for tags).
    let tag_names: Vec<String> = described
        .iter()
        .filter(|row| {
            row.get(3)
                .is_some_and(|n| n.to_string().is_ok_and(|s| s == "TAG"))
        })
        .filter_map(|row| row.first().and_then(|n| n.to_string().ok()))
        .collect();
    if tag_names.is_empty() {
        return Ok(HashMap::new());
    }
    let columns: Vec<String> = tag_names.iter().map(|n| q(n)).collect::<TdResult<_>>()?;
    let rows = connection::rows(
        conn,
        format!(
            "SELECT TAGS tbname, {} FROM {}.{}",
            columns.join(", "),
            q(db)?,
            q(stable)?
        ),
        &format!("reading tags of {db}.{stable}"),
    )?;
    let mut tables = HashMap::with_capacity(rows.len());
    for row in rows {
        let Some(name) = row.first().and_then(|v| v.to_string().ok()) else {
            continue;
        };
        let values = tag_names
            .iter()
            .zip(row.iter().skip(1))
            .map(|(n, v)| (n.as_str(), v.to_borrowed_value()));
        tables.insert(name, TableTags::from_values(values));
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_render_for_both_formats() {
        let t = TableTags::from_values([
            ("site", BorrowedValue::VarChar("north yard")),
            ("gid", BorrowedValue::Int(3)),
            ("none", BorrowedValue::Null(taos::Ty::Int)),
        ]);
        assert_eq!(t.line, r",site=north\ yard,gid=3");
        assert_eq!(
            t.json_members,
            r#","site":"north yard","gid":3,"none":null"#
        );
    }
}
