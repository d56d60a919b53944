//! The tables of a database a source reads, for splitting them among tasks:
//! super tables, and in query mode also normal tables (those outside any
//! super table).

use taos::sync::{Fetchable, Queryable};

use crate::config::ConnectionConfig;
use crate::connection;
use crate::error::{TdError, TdResult};
use crate::structured::sql::{ident, string_literal};

pub fn tables(
    connection: &ConnectionConfig,
    database: &str,
    with_normal: bool,
) -> TdResult<Vec<String>> {
    crate::config::check_database_name(database)?;
    let taos = connection::connect(connection, None)?;
    let names_of = |sql: String| -> TdResult<Vec<String>> {
        let rows = taos
            .query(sql)
            .and_then(|mut rs| rs.to_rows_vec())
            .map_err(|e| TdError::from_taos(&format!("listing the tables of {database}"), e))?;
        Ok(rows
            .iter()
            .filter_map(|row| row.first().and_then(|v| v.to_string().ok()))
            .collect())
    };
    let mut names = names_of(format!(
        "SHOW {}.STABLES",
        ident(database).map_err(TdError::fatal)?
    ))?;
    if with_normal {
        let mut sql = String::from(
            "SELECT table_name FROM information_schema.ins_tables WHERE type = 'NORMAL_TABLE' AND db_name = ",
        );
        string_literal(database, &mut sql);
        names.extend(names_of(sql)?);
    }
    names.sort();
    Ok(names)
}
