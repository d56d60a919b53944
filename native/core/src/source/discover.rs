//! The super tables of a database, for splitting them among tasks.

use taos::sync::{Fetchable, Queryable};

use crate::config::ConnectionConfig;
use crate::connection;
use crate::error::{TdError, TdResult};
use crate::structured::sql::ident;

pub fn super_tables(connection: &ConnectionConfig, database: &str) -> TdResult<Vec<String>> {
    crate::config::check_database_name(database)?;
    let taos = connection::connect(connection, None)?;
    let rows = taos
        .query(format!(
            "SHOW {}.STABLES",
            ident(database).map_err(TdError::fatal)?
        ))
        .and_then(|mut rs| rs.to_rows_vec())
        .map_err(|e| TdError::from_taos(&format!("listing the super tables of {database}"), e))?;
    let mut names: Vec<String> = rows
        .iter()
        .filter_map(|row| row.first().and_then(|v| v.to_string().ok()))
        .collect();
    names.sort();
    Ok(names)
}
