//! The tables of a database a source reads, for splitting them among tasks:
//! super tables, and in query mode also normal tables (those outside any
//! super table).

use crate::config::ConnectionConfig;
use crate::connection;
use crate::error::{TdError, TdResult};
use crate::sql::{ident, string_literal};

pub fn tables(
    connection: &ConnectionConfig,
    database: &str,
    with_normal: bool,
) -> TdResult<Vec<String>> {
    crate::config::check_database_name(database)?;
    let taos = connection::connect(connection, None)?;
    let what = format!("listing the tables of {database}");
    let names_of = |sql: String| connection::first_column(&taos, sql, &what);
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
