//! Super table DDL from mapped rows: `DESCRIBE` into a schema, `CREATE
//! STABLE` from the first row's shape, and the `ALTER` clauses a row needs
//! (new columns and tags, wider text).

use super::mapping::Row;
use super::schema::{
    natural_type, text_len, width_for, ColType, Kind, StableSchema, MAX_WIDTH, TS_COLUMN,
};
use super::value::{Field, FieldValue};
use crate::connection::Conn;
use crate::error::{TdError, TdResult};
use crate::sql::{checked_ident, ident, qualified};

/// `DESCRIBE`; None when the super table does not exist.
pub fn describe(conn: &Conn, db: &str, stable: &str) -> TdResult<Option<StableSchema>> {
    let table = qualified(db, stable).map_err(TdError::fatal)?;
    let rows = match conn.query_rows(format!("DESCRIBE {table}")) {
        Ok(rows) => rows,
        // PAR_TABLE_NOT_EXIST, MND_STB_NOT_EXIST, TDB_TABLE_NOT_EXIST
        Err(e) if matches!(e.code(), 0x2603 | 0x0362 | 0x0618) => return Ok(None),
        Err(e) => return Err(e.into_td(&format!("describing {table}"))),
    };
    let mut schema = StableSchema::default();
    for r in rows {
        let text = |i: usize| {
            r.get(i)
                .and_then(|v| v.to_string().ok())
                .unwrap_or_default()
        };
        let name = text(0);
        let length = text(2).parse::<u32>().unwrap_or(0);
        let col = ColType::from_describe(&text(1), length);
        if text(3).eq_ignore_ascii_case("TAG") {
            schema.tags.push((name, col));
        } else {
            schema.columns.push((name, col));
        }
    }
    Ok(Some(schema))
}

fn field_type(index: usize, f: &Field<'_>, decimals: bool) -> TdResult<ColType> {
    // A field that is null in the first record gets a text type; it widens later.
    Ok(natural_type(&f.value, decimals)
        .map_err(|m| TdError::data(index, format!("field '{}': {m}", f.name)))?
        .unwrap_or(ColType {
            kind: Kind::Varchar,
            width: 32,
        }))
}

/// CREATE STABLE from the first row's shape.
pub fn create_stable_sql(db: &str, row: &Row<'_>, decimals: bool) -> TdResult<String> {
    let index = row.record;
    let mut cols = vec![format!(
        "{} TIMESTAMP",
        ident(TS_COLUMN).map_err(TdError::fatal)?
    )];
    for c in row
        .columns
        .iter()
        .filter(|c| !matches!(c.value, FieldValue::Null))
    {
        cols.push(format!(
            "{} {}",
            checked_ident(index, c.name)?,
            field_type(index, c, decimals)?.sql()
        ));
    }
    if cols.len() < 2 {
        return Err(TdError::data(
            index,
            "the record has no non-null column to create a super table from",
        ));
    }
    let mut tags = Vec::new();
    for t in &row.tags {
        tags.push(format!(
            "{} {}",
            checked_ident(index, t.name)?,
            field_type(index, t, false)?.sql()
        ));
    }
    if tags.is_empty() {
        return Err(TdError::data(
            index,
            "the record has none of the tag fields",
        ));
    }
    Ok(format!(
        "CREATE STABLE IF NOT EXISTS {} ({}) TAGS ({})",
        qualified(db, &row.stable).map_err(|e| TdError::data(index, e))?,
        cols.join(", "),
        tags.join(", ")
    ))
}

/// ALTER clauses the row needs: new columns and tags, wider text; Err for a
/// value no new column can hold.
pub fn plan_evolution(
    schema: &StableSchema,
    row: &Row<'_>,
    decimals: bool,
) -> Result<Vec<String>, String> {
    let mut changes = Vec::new();
    let mut plan = |fields: &[Field<'_>], is_tag: bool| -> Result<(), String> {
        let (what, existing) = if is_tag {
            ("TAG", &schema.tags)
        } else {
            ("COLUMN", &schema.columns)
        };
        for f in fields {
            let Ok(name) = ident(f.name) else { continue }; // refused when rendering
            match existing.iter().find(|(n, _)| n == f.name) {
                None => {
                    let t = natural_type(&f.value, decimals && !is_tag)
                        .map_err(|m| format!("field '{}': {m}", f.name))?;
                    if let Some(t) = t {
                        changes.push(format!("ADD {what} {name} {}", t.sql()));
                    }
                }
                Some((_, t)) if t.is_text() => {
                    if let Some(len) = text_len(&f.value, t.kind) {
                        if len > t.width && len <= MAX_WIDTH {
                            let wider = ColType {
                                kind: t.kind,
                                width: width_for(len),
                            };
                            changes.push(format!("MODIFY {what} {name} {}", wider.sql()));
                        }
                    }
                }
                Some(_) => {}
            }
        }
        Ok(())
    };
    plan(&row.columns, false)?;
    plan(&row.tags, true)?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::structured::fixtures::{row, schema};

    #[test]
    fn create_uses_the_first_rows_shape() {
        let r = row(
            0,
            "d1",
            vec![
                Field {
                    name: "temp",
                    value: FieldValue::F64(1.0),
                },
                Field {
                    name: "empty",
                    value: FieldValue::Null,
                },
                Field {
                    name: "odd name",
                    value: FieldValue::Str("x"),
                },
            ],
        );
        assert_eq!(
            create_stable_sql("db", &r, false).unwrap(),
            "CREATE STABLE IF NOT EXISTS `db`.`meters` (`ts` TIMESTAMP, `temp` DOUBLE, `odd name` VARCHAR(32)) TAGS (`site` VARCHAR(32))"
        );
    }

    #[test]
    fn evolution_adds_and_widens() {
        let r = row(
            0,
            "d1",
            vec![
                Field {
                    name: "temp",
                    value: FieldValue::F64(1.0),
                },
                Field {
                    name: "note",
                    value: FieldValue::Str("longer than eight"),
                },
                Field {
                    name: "hum",
                    value: FieldValue::I32(5),
                },
                Field {
                    name: "unknown_null",
                    value: FieldValue::Null,
                },
            ],
        );
        assert_eq!(
            plan_evolution(&schema(), &r, false).unwrap(),
            vec!["MODIFY COLUMN `note` VARCHAR(32)", "ADD COLUMN `hum` INT"]
        );
    }
}
