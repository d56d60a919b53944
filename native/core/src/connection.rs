//! Opening TDengine connections from a [`ConnectionConfig`], and [`Conn`]:
//! a connection whose every request is bounded by `request.timeout.ms`.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use taos::sync::{Fetchable, Queryable, TBuilder, Taos, TaosBuilder};
use taos::taos_query::common::SmlData;
use taos::{Dsn, Field, RawBlock, Value};

use crate::config::{ConnectionConfig, Precision};
use crate::deadline;
use crate::error::{TdError, TdResult};

/// What a bounded request failed with: the server's answer (its code
/// decides what it means), or no answer within the deadline.
#[derive(Debug)]
pub enum Failed {
    Server(taos::Error),
    Unanswered(TdError),
}

impl Failed {
    /// TDengine's error code (low 16 bits); 0 when nothing answered.
    pub fn code(&self) -> i32 {
        match self {
            Failed::Server(e) => i32::from(e.code()) & 0xffff,
            Failed::Unanswered(_) => 0,
        }
    }

    /// Classified, with `what` naming the request.
    pub fn into_td(self, what: &str) -> TdError {
        match self {
            Failed::Server(e) => TdError::from_taos(what, e),
            Failed::Unanswered(e) => e,
        }
    }
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Server(e) => write!(f, "{e}"),
            Failed::Unanswered(e) => write!(f, "{e}"),
        }
    }
}

pub type Answer<T> = Result<T, Failed>;

/// A TDengine connection whose requests each finish, fail or are abandoned
/// within the configured timeout (see [`crate::deadline`]). Cloning shares
/// the connection. After an abandoned request the connection is
/// [`Conn::broken`] and should be dropped.
#[derive(Clone)]
pub struct Conn {
    taos: Arc<Mutex<Taos>>,
    timeout: Duration,
    broken: Arc<std::sync::atomic::AtomicBool>,
}

impl Conn {
    /// A request abandoned on this connection: it may never answer again.
    pub fn broken(&self) -> bool {
        self.broken.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn run<T: Send + 'static>(
        &self,
        what: &str,
        job: impl FnOnce(&Taos) -> Result<T, taos::Error> + Send + 'static,
    ) -> Answer<T> {
        let taos = self.taos.clone();
        let outcome = deadline::call(self.timeout, what, move || {
            // A poisoned lock only means an earlier request panicked.
            let guard = taos.lock().unwrap_or_else(|p| p.into_inner());
            Ok(job(&guard))
        });
        match outcome {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Failed::Server(e)),
            Err(e) => {
                self.broken
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                Err(Failed::Unanswered(e))
            }
        }
    }

    /// Runs a statement; the rows it affected.
    pub fn exec(&self, sql: impl Into<String>) -> Answer<usize> {
        let sql = sql.into();
        self.run("SQL request", move |t| t.exec(&sql))
    }

    /// Every row of a (small) result.
    pub fn query_rows(&self, sql: impl Into<String>) -> Answer<Vec<Vec<Value>>> {
        let sql = sql.into();
        self.run("query", move |t| t.query(sql)?.to_rows_vec())
    }

    /// A result's fields and raw blocks, fetched whole.
    pub fn query_blocks(&self, sql: impl Into<String>) -> Answer<(Vec<Field>, Vec<RawBlock>)> {
        let sql = sql.into();
        self.run("query", move |t| {
            let mut rs = t.query(sql)?;
            let fields = rs.fields().to_vec();
            let blocks = rs.blocks().collect::<Result<Vec<_>, _>>()?;
            Ok((fields, blocks))
        })
    }

    /// A schemaless write.
    pub fn put(&self, data: SmlData) -> Answer<()> {
        self.run("schemaless write", move |t| t.put(&data))
    }
}

/// Connects with the configured credentials; `database` becomes the
/// connection's default database (schemaless writes go there). Transient
/// failures are retried `attempts` times, `backoff_ms` apart; each attempt
/// is bounded by `request.timeout.ms`.
///
/// A ws connection is only opened by its first request, so one request is
/// made here: a server that is down, wrong credentials or a missing
/// database show now, and count against `attempts`, not on the first write.
pub fn connect(cfg: &ConnectionConfig, database: Option<&str>) -> TdResult<Conn> {
    connect_with(cfg, database, cfg.attempts)
}

/// One attempt to connect: reconnecting after a failure, where the task's
/// own retry budget and backoff decide when to try again.
pub fn reconnect(cfg: &ConnectionConfig, database: Option<&str>) -> TdResult<Conn> {
    connect_with(cfg, database, 1)
}

fn connect_with(cfg: &ConnectionConfig, database: Option<&str>, attempts: u32) -> TdResult<Conn> {
    let (routed, tunnel) = crate::tls::route(cfg)?;
    if let Some(t) = &tunnel {
        t.take_refusal(); // an old one explains nothing now
    }
    let dsn = build_dsn(
        &ConnectionConfig {
            dsn: routed,
            ..cfg.clone()
        },
        database,
    )?;
    let builder = TaosBuilder::from_dsn(dsn)
        .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", cfg.dsn)))?;
    let builder = Arc::new(builder);
    let timeout = Duration::from_millis(cfg.request_timeout_ms.max(1));
    let what = format!("connecting to {}", cfg.dsn);
    let mut attempt = 1;
    loop {
        let b = builder.clone();
        let context = what.clone();
        let connected = deadline::call(timeout, &what, move || {
            b.build()
                .and_then(|taos| taos.exec("SELECT SERVER_STATUS()").map(|_| taos))
                .map_err(|e| TdError::from_taos(&context, e))
        });
        match connected.map_err(|e| crate::tls::explain(tunnel.as_ref(), e)) {
            Ok(taos) => {
                return Ok(Conn {
                    taos: Arc::new(Mutex::new(taos)),
                    timeout,
                    broken: Arc::default(),
                })
            }
            Err(TdError::Retriable(_)) if attempt < attempts => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(cfg.backoff_ms));
            }
            Err(other) => return Err(other),
        }
    }
}

/// A connection that is opened again (one attempt) on first use after it
/// was dropped or broken: a reader's plain connection.
pub struct Reconnecting {
    conn: Option<Conn>,
}

impl Reconnecting {
    pub fn new(conn: Conn) -> Self {
        Reconnecting { conn: Some(conn) }
    }

    /// The connection, reconnecting to `database` if it was dropped or broke.
    pub fn get(&mut self, cfg: &ConnectionConfig, database: &str) -> TdResult<Conn> {
        if self.conn.as_ref().is_some_and(Conn::broken) {
            self.conn = None;
        }
        if let Some(conn) = &self.conn {
            return Ok(conn.clone());
        }
        let conn = reconnect(cfg, Some(database))?;
        self.conn = Some(conn.clone());
        Ok(conn)
    }

    /// Forgets the connection (after a transient failure).
    pub fn drop_connection(&mut self) {
        self.conn = None;
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
pub fn rows(conn: &Conn, sql: String, what: &str) -> TdResult<Vec<Vec<Value>>> {
    conn.query_rows(sql).map_err(|e| e.into_td(what))
}

/// The first column of every row, as text.
pub fn first_column(conn: &Conn, sql: String, what: &str) -> TdResult<Vec<String>> {
    Ok(rows(conn, sql, what)?
        .iter()
        .filter_map(|row| row.first().and_then(|v| v.to_string().ok()))
        .collect())
}

/// One column of the database's row in `information_schema.ins_databases`
/// (`precision`, `wal_retention_period`, ...) as text; None when the
/// database does not exist.
pub fn database_setting(conn: &Conn, database: &str, column: &str) -> TdResult<Option<String>> {
    let mut sql = format!("SELECT `{column}` FROM information_schema.ins_databases WHERE name = ");
    crate::sql::string_literal(database, &mut sql);
    let what = format!("reading {column} of database {database}");
    Ok(first_column(conn, sql, &what)?.into_iter().next())
}

/// Creates the database unless it exists (its precision only matters when
/// it is created). Several tasks start at once and race on this, so
/// transient answers ("database in creating status") are retried for a while.
pub fn ensure_database(conn: &Conn, database: &str, precision: Precision) -> TdResult<()> {
    crate::config::check_database_name(database)?;
    let sql = format!(
        "CREATE DATABASE IF NOT EXISTS `{database}` PRECISION '{}'",
        precision.as_sql()
    );
    let mut attempt = 0;
    loop {
        match conn.exec(sql.clone()) {
            Ok(_) => return Ok(()),
            Err(e) => match e.into_td(&format!("creating database {database}")) {
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
            tls_ca_file: None,
            tls_verify_hostname: true,
            attempts: 1,
            backoff_ms: 0,
            request_timeout_ms: 1000,
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
