//! Writes mapped rows: makes the super table fit them (create, add columns
//! and tags, widen text), turns each row into SQL fragments (a data error
//! for that record if a value does not fit) and sends multi-table INSERTs.

use std::collections::HashMap;

use crate::connection::{self, Conn};

use super::decimal;
use super::mapping::{MappingConfig, Row};
use super::schema::{literal, natural_type, text_len, width_for, ColType, StableSchema, MAX_WIDTH};
use super::sql::{checked_ident, ident, push_ident, push_qualified, qualified};
use super::value::{Field, FieldValue};
use crate::config::Precision;
use crate::error::{TdError, TdResult};

/// Name of the timestamp column of super tables the connector creates.
pub const TS_COLUMN: &str = "ts";
/// Stay under TDengine's default 1 MB statement limit.
const MAX_STATEMENT_BYTES: usize = 900_000;

/// One row ready to insert.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub record: usize,
    /// `db`.`subtable` USING `db`.`stable` (tags) TAGS (values) (columns)
    pub clause: String,
    /// (ts, values...)
    pub values: String,
}

impl crate::sink::HasRecord for Prepared {
    fn record(&self) -> usize {
        self.record
    }
}

pub struct StructuredWriter {
    mapping: MappingConfig,
    precision: Precision,
    /// Super table schemas by database, then super table name.
    schemas: HashMap<String, HashMap<String, StableSchema>>,
    /// Whether the server has DECIMAL columns; asked when a decimal first
    /// needs a column, again after the schemas are forgotten.
    decimals: Option<bool>,
}

impl StructuredWriter {
    pub fn new(mapping: MappingConfig, precision: Precision) -> Self {
        StructuredWriter {
            mapping,
            precision,
            schemas: HashMap::new(),
            decimals: None,
        }
    }

    pub fn mapping(&self) -> &MappingConfig {
        &self.mapping
    }

    /// Prepares one row, adapting the super table first when allowed.
    pub fn prepare(&mut self, conn: &Conn, db: &str, row: &Row<'_>) -> TdResult<Prepared> {
        let index = row.record;
        let decimals = self.decimals(conn, row)?;
        if self.cached(db, &row.stable).is_none() {
            let schema = match describe(conn, db, &row.stable)? {
                Some(s) => s,
                None if self.mapping.auto_create => {
                    conn.exec(create_stable_sql(db, row, decimals)?)
                        .map_err(|e| e.into_td(&format!("creating super table {}", row.stable)))?;
                    describe(conn, db, &row.stable)?.ok_or_else(|| {
                        TdError::fatal(format!("super table {} missing after creation", row.stable))
                    })?
                }
                None => {
                    return Err(TdError::data(
                        index,
                        format!(
                            "super table '{}' does not exist and auto.create is off",
                            row.stable
                        ),
                    ))
                }
            };
            self.cache(db, &row.stable, schema);
        }
        let changes = self
            .cached(db, &row.stable)
            .map(|schema| plan_evolution(schema, row, decimals))
            .transpose()
            .map_err(|m| TdError::data(index, m))?
            .unwrap_or_default();
        if !changes.is_empty() {
            if !self.mapping.auto_evolve {
                return Err(TdError::data(
                    index,
                    format!("needs {} and auto.evolve is off", changes.join(", ")),
                ));
            }
            let table = qualified(db, &row.stable).map_err(|e| TdError::data(index, e))?;
            for change in &changes {
                let sql = format!("ALTER STABLE {table} {change}");
                if let Err(e) = conn.exec(sql.clone()) {
                    // Another task may have made the same change first.
                    if !matches!(e.code(), 0x0369 | 0x036B) {
                        return Err(e.into_td(&sql));
                    }
                }
            }
            let schema = describe(conn, db, &row.stable)?
                .ok_or_else(|| TdError::fatal(format!("super table {} vanished", row.stable)))?;
            self.cache(db, &row.stable, schema);
        }
        let schema = self
            .cached(db, &row.stable)
            .ok_or_else(|| TdError::fatal("schema cache lost an entry"))?;
        render_row(db, row, schema, self.precision).map_err(|m| TdError::data(index, m))
    }

    fn cached(&self, db: &str, stable: &str) -> Option<&StableSchema> {
        self.schemas.get(db)?.get(stable)
    }

    fn cache(&mut self, db: &str, stable: &str, schema: StableSchema) {
        self.schemas
            .entry(db.to_owned())
            .or_default()
            .insert(stable.to_owned(), schema);
    }

    /// Forgets cached schemas (after a write failed because of a schema change).
    pub fn forget_schemas(&mut self) {
        self.schemas.clear();
        self.decimals = None;
    }

    /// Whether decimals of this row may create DECIMAL columns; asks the
    /// server only for a row that has a decimal.
    fn decimals(&mut self, conn: &Conn, row: &Row<'_>) -> TdResult<bool> {
        if let Some(known) = self.decimals {
            return Ok(known);
        }
        if !row
            .columns
            .iter()
            .any(|f| matches!(f.value, FieldValue::Decimal(..)))
        {
            return Ok(false);
        }
        let version = connection::first_column(
            conn,
            "SELECT SERVER_VERSION()".into(),
            "reading the server version",
        )?;
        let known = version
            .first()
            .is_some_and(|v| decimal::server_has_decimal(v));
        self.decimals = Some(known);
        Ok(known)
    }
}

/// `DESCRIBE`; None when the super table does not exist.
fn describe(conn: &Conn, db: &str, stable: &str) -> TdResult<Option<StableSchema>> {
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
            kind: super::schema::Kind::Varchar,
            width: 32,
        }))
}

/// CREATE STABLE from the first row's shape.
fn create_stable_sql(db: &str, row: &Row<'_>, decimals: bool) -> TdResult<String> {
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
fn plan_evolution(
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

/// The row's INSERT fragments; Err says why a value does not fit.
fn render_row(
    db: &str,
    row: &Row<'_>,
    schema: &StableSchema,
    precision: Precision,
) -> Result<Prepared, String> {
    let mut clause = String::with_capacity(64 + 32 * (row.tags.len() + row.columns.len()));
    push_qualified(db, &row.subtable, &mut clause)?;
    clause.push_str(" USING ");
    push_qualified(db, &row.stable, &mut clause)?;
    clause.push_str(" (");
    let mut tag_values = String::with_capacity(16 * row.tags.len());
    for (i, t) in row.tags.iter().enumerate() {
        let ty = schema
            .tag(t.name)
            .ok_or_else(|| format!("tag '{}' is not in the super table", t.name))?;
        if i > 0 {
            clause.push_str(", ");
            tag_values.push_str(", ");
        }
        push_ident(t.name, &mut clause)?;
        literal(&t.value, ty, precision, &mut tag_values)
            .map_err(|e| format!("tag '{}': {e}", t.name))?;
    }
    clause.push_str(") TAGS (");
    clause.push_str(&tag_values);
    clause.push_str(") (");
    let ts_name = schema
        .columns
        .first()
        .map(|(n, _)| n.as_str())
        .unwrap_or(TS_COLUMN);
    push_ident(ts_name, &mut clause)?;
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
        clause.push_str(", ");
        push_ident(c.name, &mut clause)?;
        values.push_str(", ");
        literal(&c.value, ty, precision, &mut values)
            .map_err(|e| format!("field '{}': {e}", c.name))?;
    }
    clause.push(')');
    values.push(')');
    Ok(Prepared {
        record: row.record,
        clause,
        values,
    })
}

/// INSERT statements for the rows: rows sharing a clause (same subtable,
/// tags and columns) share one VALUES list; statements stay under 1 MB.
pub fn insert_statements(rows: &[Prepared]) -> Vec<String> {
    let mut order: Vec<&str> = Vec::new();
    let mut by_clause: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in rows {
        by_clause
            .entry(r.clause.as_str())
            .or_insert_with(|| {
                order.push(r.clause.as_str());
                Vec::new()
            })
            .push(r.values.as_str());
    }
    let mut statements = Vec::new();
    let mut sql = String::from("INSERT INTO");
    for clause in order {
        let mut open = false;
        for v in &by_clause[clause] {
            if sql.len() + clause.len() + v.len() + 16 > MAX_STATEMENT_BYTES
                && sql.len() > "INSERT INTO".len()
            {
                statements.push(std::mem::replace(&mut sql, String::from("INSERT INTO")));
                open = false;
            }
            if !open {
                sql.push(' ');
                sql.push_str(clause);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structured::schema::Kind;

    fn row<'a>(record: usize, sub: &str, cols: Vec<Field<'a>>) -> Row<'a> {
        Row {
            record,
            stable: "meters".into(),
            subtable: sub.into(),
            ts: 1000 + record as i64,
            tags: vec![Field {
                name: "site",
                value: FieldValue::Str("n'orth"),
            }],
            columns: cols,
        }
    }

    fn schema() -> StableSchema {
        StableSchema {
            columns: vec![
                ("ts".into(), ColType::of(Kind::Timestamp)),
                ("temp".into(), ColType::of(Kind::Double)),
                (
                    "note".into(),
                    ColType {
                        kind: Kind::Varchar,
                        width: 8,
                    },
                ),
            ],
            tags: vec![(
                "site".into(),
                ColType {
                    kind: Kind::Varchar,
                    width: 32,
                },
            )],
        }
    }

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
        assert_eq!(
            p.clause,
            "`db`.`d1` USING `db`.`meters` (`site`) TAGS ('n\\'orth') (`ts`, `temp`, `note`)"
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
    fn statements_group_rows_by_clause() {
        let p = |record, clause: &str, values: &str| Prepared {
            record,
            clause: clause.into(),
            values: values.into(),
        };
        let sql = insert_statements(&[p(0, "A", "(1)"), p(1, "B", "(2)"), p(2, "A", "(3)")]);
        assert_eq!(sql, vec!["INSERT INTO A VALUES (1) (3) B VALUES (2)"]);
        let big: Vec<Prepared> = (0..3000)
            .map(|i| p(i, "A", &format!("({i}, '{}')", "x".repeat(1000))))
            .collect();
        let statements = insert_statements(&big);
        assert!(statements.len() >= 3 && statements.iter().all(|s| s.len() <= MAX_STATEMENT_BYTES));
    }
}
