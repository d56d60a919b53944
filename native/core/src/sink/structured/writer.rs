//! Prepares mapped rows for writing: makes the super table fit them
//! (create, add columns and tags, widen text; see `ddl`), then turns each
//! row into INSERT fragments (see `insert`), a data error for that record if
//! a value does not fit.

use std::collections::HashMap;

use crate::connection::{self, Conn};

use super::children::Children;
use super::ddl::{create_stable_sql, describe, plan_evolution};
use super::insert::{insert_statements, render_row, Prepared};
use super::mapping::{MappingConfig, Row};
use super::schema::StableSchema;
use super::value::FieldValue;
use crate::config::Precision;
use crate::decimal;
use crate::error::{TdError, TdResult};
use crate::sink::narrowing::write_narrowing;
use crate::sql::qualified;

pub struct StructuredWriter {
    mapping: MappingConfig,
    precision: Precision,
    /// Super table schemas by database, then super table name.
    schemas: HashMap<String, HashMap<String, StableSchema>>,
    /// Whether the server has DECIMAL columns; asked when a decimal first
    /// needs a column, again after the schemas are forgotten.
    decimals: Option<bool>,
    children: Children,
}

impl StructuredWriter {
    pub fn new(mapping: MappingConfig, precision: Precision) -> Self {
        StructuredWriter {
            mapping,
            precision,
            schemas: HashMap::new(),
            decimals: None,
            children: Children::default(),
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
        self.children.forget();
    }

    /// Writes prepared rows of one database (see `sink::narrowing` for the
    /// contract): their subtables made first, then multi-table INSERTs; a
    /// subtable dropped meanwhile is made again, once.
    pub fn write(&mut self, conn: &Conn, db: &str, rows: &[Prepared]) -> TdResult<usize> {
        let (rows, wrong) = match self.children.ensure(conn, db, rows) {
            Ok(()) => (rows, None),
            Err(e @ TdError::Data { index, .. }) => {
                let before = rows.iter().take_while(|r| r.record < index).count();
                (&rows[..before], Some(e))
            }
            Err(other) => return Err(other),
        };
        let children = std::cell::RefCell::new(&mut self.children);
        let insert = |rows: &[Prepared]| -> TdResult<()> {
            for sql in insert_statements(rows) {
                conn.exec(sql).map_err(|e| e.into_td("insert"))?;
            }
            Ok(())
        };
        let put = |rows: &[Prepared]| -> TdResult<()> {
            match insert(rows) {
                Err(e) if e.is_missing_table() => {
                    let mut children = children.borrow_mut();
                    children.forget();
                    // A refused subtable here is one of these rows': narrowed
                    // like any refusal, so the rows before it are written first.
                    children.ensure(conn, db, rows).map_err(|e| match e {
                        TdError::Data { message, .. } => TdError::Rejected(message),
                        other => other,
                    })?;
                    insert(rows)
                }
                other => other,
            }
        };
        let written = write_narrowing(&put, rows)?;
        match wrong {
            Some(e) => Err(e),
            None => Ok(written),
        }
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
