//! Mapped rows as INSERT fragments (the subtable, how it is made, its
//! columns and the row's values), grouped into multi-table INSERT
//! statements into existing subtables (made once beforehand, see
//! `children`) under TDengine's statement limit.

use std::collections::HashMap;

use super::literal::literal;
use super::mapping::Row;
use super::schema::{StableSchema, TS_COLUMN};
use crate::config::Precision;
use crate::sql::{push_ident, push_qualified};

/// Stay under TDengine's default 1 MB statement limit.
const MAX_STATEMENT_BYTES: usize = 900_000;

/// One row ready to insert.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub record: usize,
    /// The subtable, unqualified.
    pub subtable: String,
    /// `db`.`subtable`
    pub target: String,
    /// The super table, unqualified (to check who owns an existing subtable).
    pub stable: String,
    /// ` USING `db`.`stable` (tags) TAGS (values)`: how the subtable is made.
    pub using: String,
    /// ` (ts, columns...)`
    pub columns: String,
    /// (ts, values...)
    pub values: String,
}

impl crate::sink::narrowing::HasRecord for Prepared {
    fn record(&self) -> usize {
        self.record
    }
}

/// The row's INSERT fragments; Err says why a value does not fit.
pub fn render_row(
    db: &str,
    row: &Row<'_>,
    schema: &StableSchema,
    precision: Precision,
) -> Result<Prepared, String> {
    let mut target = String::with_capacity(48);
    push_qualified(db, &row.subtable, &mut target)?;
    let mut using = String::with_capacity(64 + 32 * row.tags.len());
    using.push_str(" USING ");
    push_qualified(db, &row.stable, &mut using)?;
    using.push_str(" (");
    let mut tag_values = String::with_capacity(16 * row.tags.len());
    for (i, t) in row.tags.iter().enumerate() {
        let ty = schema
            .tag(t.name)
            .ok_or_else(|| format!("tag '{}' is not in the super table", t.name))?;
        if i > 0 {
            using.push_str(", ");
            tag_values.push_str(", ");
        }
        push_ident(t.name, &mut using)?;
        literal(&t.value, ty, precision, &mut tag_values)
            .map_err(|e| format!("tag '{}': {e}", t.name))?;
    }
    using.push_str(") TAGS (");
    using.push_str(&tag_values);
    using.push(')');
    let ts_name = schema
        .columns
        .first()
        .map(|(n, _)| n.as_str())
        .unwrap_or(TS_COLUMN);
    let mut columns = String::with_capacity(8 + 16 * row.columns.len());
    columns.push_str(" (");
    push_ident(ts_name, &mut columns)?;
    let mut values = String::with_capacity(24 + 16 * row.columns.len());
    {
        use std::fmt::Write;
        let _ = write!(values, "({}", row.ts);
    }
    for c in &row.columns {
        if c.name == ts_name {
            return Err(format!(
                "field '{}' collides with the timestamp column; set timestamp.field to it or exclude it",
                c.name
            ));
        }
        let ty = schema
            .column(c.name)
            .ok_or_else(|| format!("column '{}' is not in the super table", c.name))?;
        columns.push_str(", ");
        push_ident(c.name, &mut columns)?;
        values.push_str(", ");
        literal(&c.value, ty, precision, &mut values)
            .map_err(|e| format!("field '{}': {e}", c.name))?;
    }
    columns.push(')');
    values.push(')');
    Ok(Prepared {
        record: row.record,
        subtable: row.subtable.clone(),
        target,
        stable: row.stable.clone(),
        using,
        columns,
        values,
    })
}

/// INSERT statements for the rows, into subtables that exist: rows of one
/// subtable with the same columns share one VALUES list; statements stay
/// under 1 MB.
pub fn insert_statements(rows: &[Prepared]) -> Vec<String> {
    let mut order: Vec<(&str, &str)> = Vec::new();
    let mut by_clause: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for r in rows {
        let key = (r.target.as_str(), r.columns.as_str());
        by_clause
            .entry(key)
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(r.values.as_str());
    }
    let mut statements = Vec::new();
    let mut sql = String::from("INSERT INTO");
    for key in order {
        let (target, columns) = key;
        let mut open = false;
        for v in &by_clause[&key] {
            if sql.len() + target.len() + columns.len() + v.len() + 16 > MAX_STATEMENT_BYTES
                && sql.len() > "INSERT INTO".len()
            {
                statements.push(std::mem::replace(&mut sql, String::from("INSERT INTO")));
                open = false;
            }
            if !open {
                sql.push(' ');
                sql.push_str(target);
                sql.push_str(columns);
                sql.push_str(" VALUES");
                open = true;
            }
            sql.push(' ');
            sql.push_str(v);
        }
    }
    if sql.len() > "INSERT INTO".len() {
        statements.push(sql);
    }
    statements
}

/// `CREATE TABLE IF NOT EXISTS` for each row's subtable (rows of distinct
/// subtables), statements under 1 MB.
pub fn create_statements(rows: &[&Prepared]) -> Vec<String> {
    let mut statements = Vec::new();
    let mut sql = String::new();
    for r in rows {
        let adding = r.target.len() + r.using.len() + 16;
        if !sql.is_empty() && sql.len() + adding > MAX_STATEMENT_BYTES {
            statements.push(std::mem::take(&mut sql));
        }
        if sql.is_empty() {
            sql.push_str("CREATE TABLE");
        }
        sql.push_str(" IF NOT EXISTS ");
        sql.push_str(&r.target);
        sql.push_str(&r.using);
    }
    if !sql.is_empty() {
        statements.push(sql);
    }
    statements
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::structured::fixtures::{row, schema};
    use crate::sink::structured::value::{Field, FieldValue};

    #[test]
    fn rows_render_with_quoted_names_and_escaped_values() {
        let r = row(
            3,
            "d1",
            vec![
                Field {
                    name: "temp",
                    value: FieldValue::I32(20),
                },
                Field {
                    name: "note",
                    value: FieldValue::Str("a'b"),
                },
            ],
        );
        let p = render_row("db", &r, &schema(), Precision::Ms).unwrap();
        assert_eq!(p.target, "`db`.`d1`");
        assert_eq!(p.using, " USING `db`.`meters` (`site`) TAGS ('n\\'orth')");
        assert_eq!(p.columns, " (`ts`, `temp`, `note`)");
        assert_eq!(
            create_statements(&[&p]),
            vec!["CREATE TABLE IF NOT EXISTS `db`.`d1` USING `db`.`meters` (`site`) TAGS ('n\\'orth')"]
        );
        assert_eq!(p.values, "(1003, 20.0, 'a\\'b')");
        let bad = row(
            4,
            "d1",
            vec![Field {
                name: "temp",
                value: FieldValue::Str("hot"),
            }],
        );
        assert!(render_row("db", &bad, &schema(), Precision::Ms)
            .unwrap_err()
            .contains("field 'temp'"));
        let clash = row(
            5,
            "d1",
            vec![Field {
                name: "ts",
                value: FieldValue::I32(1),
            }],
        );
        assert!(render_row("db", &clash, &schema(), Precision::Ms)
            .unwrap_err()
            .contains("collides"));
    }

    #[test]
    fn statements_group_rows_by_subtable_and_columns() {
        let p = |record, target: &str, values: &str| Prepared {
            record,
            subtable: target.into(),
            target: target.into(),
            stable: "s".into(),
            using: " USING s".into(),
            columns: " (ts)".into(),
            values: values.into(),
        };
        let sql = insert_statements(&[p(0, "A", "(1)"), p(1, "B", "(2)"), p(2, "A", "(3)")]);
        assert_eq!(
            sql,
            vec!["INSERT INTO A (ts) VALUES (1) (3) B (ts) VALUES (2)"]
        );
        let big: Vec<Prepared> = (0..3000)
            .map(|i| p(i, "A", &format!("({i}, '{}')", "x".repeat(1000))))
            .collect();
        let statements = insert_statements(&big);
        assert!(statements.len() >= 3 && statements.iter().all(|s| s.len() <= MAX_STATEMENT_BYTES));
    }
}
