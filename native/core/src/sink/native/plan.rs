//! Making a super table fit a call's rows as schemaless does: created with
//! `_ts` and the fields and tags in first-seen order, new ones appended,
//! text widened to the call's longest value; a value of another type than
//! its column is that record's data error (schemaless refuses it too).

use super::schema::{SmlType, Stable};
use std::sync::Arc;

use super::{NativeRow, Series};
use crate::connection::Conn;
use crate::error::{TdError, TdResult};
use crate::fasthash::FastSet;
use crate::sink::lines::same_key;
use crate::sql::{ident, qualified};

/// The timestamp column schemaless creates (`smlTsDefaultName`).
pub const TS: &str = "_ts";

/// The fields and tags of the rows, first-seen order, widest widths; Err
/// (a refusal of the call) when one key has two types.
fn wanted(rows: &[&NativeRow]) -> TdResult<Stable> {
    let mut s = Stable::default();
    // A series' tags are the same on each of its rows: merged at its first.
    let mut series: FastSet<*const Series> = FastSet::default();
    for r in rows {
        for (i, (k, v)) in r.fields.fields.iter().enumerate() {
            merge(&mut s.columns, i, k, SmlType::of(v), r.record)?;
        }
        if series.insert(Arc::as_ptr(&r.series)) {
            for (i, (k, v)) in r.series.tags.iter().enumerate() {
                merge(&mut s.tags, i, k, SmlType::tag(v), r.record)?;
            }
        }
    }
    Ok(s)
}

/// Merges `key` (the `hint`-th of its row: lines of one shape list their
/// keys in the same order, so it is looked for there first).
fn merge(
    list: &mut Vec<(String, SmlType)>,
    hint: usize,
    key: &str,
    t: SmlType,
    record: usize,
) -> TdResult<()> {
    let at = match list.get(hint) {
        Some((n, _)) if same_key(n, key) => Some(hint),
        _ => list.iter().position(|(n, _)| same_key(n, key)),
    };
    match at.map(|i| &mut list[i]) {
        None => list.push((key.to_owned(), t)),
        Some((_, have)) if have.same_kind(t) => *have = have.widest(t),
        Some((_, have)) => {
            return Err(TdError::Rejected(format!(
                "record {record}: field '{key}' is {} here and {} before in the same write",
                t.sql(),
                have.sql()
            )))
        }
    }
    Ok(())
}

/// The schema after making `stable` fit the rows (created or altered).
pub fn fit(
    conn: &Conn,
    db: &str,
    stable: &str,
    known: Option<Stable>,
    rows: &[&NativeRow],
) -> TdResult<Stable> {
    let want = wanted(rows)?;
    let table = qualified(db, stable).map_err(TdError::fatal)?;
    let schema = match known {
        Some(s) => s,
        None => match describe(conn, &table)? {
            Some(s) => s,
            None => {
                conn.exec(create_sql(&table, &want)?)
                    .map_err(|e| e.into_td(&format!("creating super table {table}")))?;
                describe(conn, &table)?.ok_or_else(|| {
                    TdError::fatal(format!("super table {table} missing after creation"))
                })?
            }
        },
    };
    let changes = changes(&schema, &want)?;
    if changes.is_empty() {
        return Ok(schema);
    }
    for change in &changes {
        let sql = format!("ALTER STABLE {table} {change}");
        if let Err(e) = conn.exec(sql.clone()) {
            // Another writer may have made the same change first.
            if !matches!(e.code(), 0x0369 | 0x036B | 0x036C) {
                return Err(e.into_td(&sql));
            }
        }
    }
    describe(conn, &table)?.ok_or_else(|| TdError::fatal(format!("super table {table} vanished")))
}

fn create_sql(table: &str, want: &Stable) -> TdResult<String> {
    let mut columns = vec![format!("`{TS}` TIMESTAMP")];
    for (k, t) in &want.columns {
        columns.push(format!("{} {}", ident(k).map_err(TdError::fatal)?, t.sql()));
    }
    let mut tags = Vec::new();
    for (k, t) in &want.tags {
        tags.push(format!("{} {}", ident(k).map_err(TdError::fatal)?, t.sql()));
    }
    Ok(format!(
        "CREATE STABLE IF NOT EXISTS {table} ({}) TAGS ({})",
        columns.join(", "),
        tags.join(", ")
    ))
}

/// ALTER clauses: tags first (as schemaless), then columns; Err for a type
/// the existing table does not have.
fn changes(schema: &Stable, want: &Stable) -> TdResult<Vec<String>> {
    if schema.columns.first().is_none_or(|(n, _)| n != TS) {
        return Err(TdError::Rejected(format!(
            "its first column is not {TS}: the super table was not made by schemaless writes"
        )));
    }
    let mut out = Vec::new();
    for (what, have, wanted) in [
        ("TAG", &schema.tags, &want.tags),
        ("COLUMN", &schema.columns, &want.columns),
    ] {
        for (k, t) in wanted {
            let name = ident(k).map_err(TdError::fatal)?;
            match have.iter().find(|(n, _)| n == k) {
                None => out.push(format!("ADD {what} {name} {}", t.sql())),
                Some((_, h)) if !h.same_kind(*t) => {
                    return Err(TdError::Rejected(format!(
                        "{} '{k}' is {} in TDengine, {} here",
                        what.to_lowercase(),
                        h.sql(),
                        t.sql()
                    )))
                }
                Some((_, h)) if h.text_width() < t.text_width() => {
                    out.push(format!("MODIFY {what} {name} {}", t.sql()))
                }
                Some(_) => {}
            }
        }
    }
    Ok(out)
}

/// DESCRIBE; None when the super table does not exist.
fn describe(conn: &Conn, table: &str) -> TdResult<Option<Stable>> {
    let rows = match conn.query_rows(format!("DESCRIBE {table}")) {
        Ok(rows) => rows,
        Err(e) if matches!(e.code(), 0x2603 | 0x0362 | 0x0618) => return Ok(None),
        Err(e) => return Err(e.into_td(&format!("describing {table}"))),
    };
    let mut s = Stable::default();
    for r in rows {
        let text = |i: usize| {
            r.get(i)
                .and_then(|v| v.to_string().ok())
                .unwrap_or_default()
        };
        let t = SmlType::from_describe(&text(1), text(2).parse().unwrap_or(0));
        if text(3).eq_ignore_ascii_case("TAG") {
            s.tags.push((text(0), t));
        } else {
            s.columns.push((text(0), t));
        }
    }
    Ok(Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::lines;

    fn rows<'a>(text: &[&'a str]) -> Vec<NativeRow<'a>> {
        text.iter()
            .enumerate()
            .map(|(i, t)| {
                let row = lines::parse(t).unwrap();
                NativeRow {
                    record: i,
                    series: std::sync::Arc::new(super::super::Series {
                        stable: row.prefix.stable,
                        tags: row.prefix.tags,
                        child: "c".into(),
                    }),
                    fields: row.fields,
                }
            })
            .collect()
    }

    #[test]
    fn a_call_wants_first_seen_order_and_the_widest_text() {
        let r = rows(&[
            "m,a=x f=1,s=\"ab\" 1",
            "m,b=yy,a=zzzzz g=2i,s=\"abcdefgh\" 2",
        ]);
        let w = wanted(&r.iter().collect::<Vec<_>>()).unwrap();
        let names: Vec<String> = w
            .columns
            .iter()
            .map(|(n, t)| format!("{n} {}", t.sql()))
            .collect();
        assert_eq!(names, ["f DOUBLE", "s VARCHAR(16)", "g BIGINT"]);
        let tags: Vec<String> = w
            .tags
            .iter()
            .map(|(n, t)| format!("{n} {}", t.sql()))
            .collect();
        assert_eq!(tags, ["a NCHAR(8)", "b NCHAR(4)"]);
        let table = create_sql("`db`.`m`", &w).unwrap();
        assert!(
            table.starts_with("CREATE STABLE IF NOT EXISTS `db`.`m` (`_ts` TIMESTAMP, `f` DOUBLE")
        );
        let conflict = rows(&["m,a=x f=1 1", "m,a=x f=1i 2"]);
        assert!(matches!(
            wanted(&conflict.iter().collect::<Vec<_>>()),
            Err(TdError::Rejected(_))
        ));
    }

    #[test]
    fn existing_tables_gain_and_widen_but_keep_their_types() {
        let have = Stable {
            columns: vec![
                (TS.into(), SmlType::Timestamp),
                ("f".into(), SmlType::Double),
                ("s".into(), SmlType::Varchar(4)),
            ],
            tags: vec![("a".into(), SmlType::NChar(2))],
        };
        let r = rows(&["m,a=xyz,b=1 f=1,s=\"abcdef\",n=1i 1"]);
        let w = wanted(&r.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(
            changes(&have, &w).unwrap(),
            [
                "MODIFY TAG `a` NCHAR(4)",
                "ADD TAG `b` NCHAR(2)",
                "MODIFY COLUMN `s` VARCHAR(8)",
                "ADD COLUMN `n` BIGINT"
            ]
        );
        let r = rows(&["m,a=x f=1i 1"]);
        assert!(changes(&have, &wanted(&r.iter().collect::<Vec<_>>()).unwrap()).is_err());
    }
}
