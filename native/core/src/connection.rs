//! Opening TDengine connections from a [`ConnectionConfig`].

use std::str::FromStr;

use taos::sync::{Fetchable, Queryable, TBuilder, Taos, TaosBuilder};
use taos::{Dsn, Value};

use crate::config::{ConnectionConfig, Precision};
use crate::error::{TdError, TdResult};

/// Connects with the configured credentials; `database` becomes the
/// connection's default database (schemaless writes go there). Transient
/// failures are retried `attempts` times, `backoff_ms` apart.
///
/// A ws connection is only opened by its first request, so one request is
/// made here: a server that is down, wrong credentials or a missing
/// database show now, and count against `attempts`, not on the first write.
pub fn connect(cfg: &ConnectionConfig, database: Option<&str>) -> TdResult<Taos> {
    let dsn = build_dsn(cfg, database)?;
    let builder = TaosBuilder::from_dsn(dsn)
        .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", cfg.dsn)))?;
    let mut attempt = 1;
    loop {
        let connected = builder
            .build()
            .and_then(|taos| taos.exec("SELECT SERVER_STATUS()").map(|_| taos));
        match connected {
            Ok(taos) => return Ok(taos),
            Err(e) => match TdError::from_taos(&format!("connecting to {}", cfg.dsn), e) {
                TdError::Retriable(_) if attempt < cfg.attempts => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(cfg.backoff_ms));
                }
                other => return Err(other),
            },
        }
    }
}

/// The taosAdapter port of a WebSocket DSN; None for native connections.
pub fn websocket_port(cfg: &ConnectionConfig) -> Option<u16> {
    let dsn = Dsn::from_str(&cfg.dsn).ok()?;
    let ws = dsn.driver.starts_with("ws") || dsn.protocol.as_deref() == Some("ws");
    ws.then(|| dsn.addresses.first().and_then(|a| a.port).unwrap_or(6041))
}

fn build_dsn(cfg: &ConnectionConfig, database: Option<&str>) -> TdResult<Dsn> {
    let mut dsn = Dsn::from_str(&cfg.dsn)
        .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", cfg.dsn)))?;
    // Credentials go into the parsed DSN, never into the string, so no
    // password character needs escaping.
    dsn.username = Some(cfg.user.clone());
    dsn.password = Some(cfg.password.clone());
    dsn.subject = database.map(str::to_owned);
    if let Some(lib) = &cfg.native_library {
        dsn.params.insert("libraryPath".into(), lib.clone());
    }
    Ok(dsn)
}

/// Every row of a (small) query result; `what` names the query in errors.
pub fn rows(taos: &Taos, sql: String, what: &str) -> TdResult<Vec<Vec<Value>>> {
    taos.query(sql)
        .and_then(|mut rs| rs.to_rows_vec())
        .map_err(|e| TdError::from_taos(what, e))
}

/// The first column of every row, as text.
pub fn first_column(taos: &Taos, sql: String, what: &str) -> TdResult<Vec<String>> {
    Ok(rows(taos, sql, what)?
        .iter()
        .filter_map(|row| row.first().and_then(|v| v.to_string().ok()))
        .collect())
}

/// One column of the database's row in `information_schema.ins_databases`
/// (`precision`, `wal_retention_period`, ...) as text; None when the
/// database does not exist.
pub fn database_setting(taos: &Taos, database: &str, column: &str) -> TdResult<Option<String>> {
    let mut sql = format!("SELECT `{column}` FROM information_schema.ins_databases WHERE name = ");
    crate::structured::sql::string_literal(database, &mut sql);
    let what = format!("reading {column} of database {database}");
    Ok(first_column(taos, sql, &what)?.into_iter().next())
}

/// Creates the database unless it exists (its precision only matters when
/// it is created). Several tasks start at once and race on this, so
/// transient answers ("database in creating status") are retried for a while.
pub fn ensure_database(taos: &Taos, database: &str, precision: Precision) -> TdResult<()> {
    crate::config::check_database_name(database)?;
    let sql = format!(
        "CREATE DATABASE IF NOT EXISTS `{database}` PRECISION '{}'",
        precision.as_sql()
    );
    let mut attempt = 0;
    loop {
        match taos.exec(&sql) {
            Ok(_) => return Ok(()),
            Err(e) => match TdError::from_taos(&format!("creating database {database}"), e) {
                TdError::Retriable(_) if attempt < DDL_ATTEMPTS => {
                    attempt += 1;
                    std::thread::sleep(DDL_RETRY_DELAY);
                }
                other => return Err(other),
            },
        }
    }
}

const DDL_ATTEMPTS: u32 = 60;
const DDL_RETRY_DELAY: std::time::Duration = std::time::Duration::from_millis(500);

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(dsn: &str) -> ConnectionConfig {
        ConnectionConfig {
            dsn: dsn.into(),
            user: "root".into(),
            password: "p@ss:w/rd?".into(),
            native_library: Some("/opt/lib/libtaos.so".into()),
            attempts: 1,
            backoff_ms: 0,
        }
    }

    #[test]
    fn credentials_and_database_are_set_on_the_parsed_dsn() {
        let dsn = build_dsn(&cfg("ws://127.0.0.1:6041"), Some("metrics")).unwrap();
        assert_eq!(dsn.driver, "ws");
        assert_eq!(dsn.password.as_deref(), Some("p@ss:w/rd?"));
        assert_eq!(dsn.subject.as_deref(), Some("metrics"));
        assert_eq!(dsn.params["libraryPath"], "/opt/lib/libtaos.so");
    }

    #[test]
    fn bad_dsn_is_fatal() {
        assert!(matches!(
            build_dsn(&cfg("::::"), None),
            Err(TdError::Fatal { .. })
        ));
    }
}
