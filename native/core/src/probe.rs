//! What `validate()` learns from the server itself, before any task runs:
//! whether the URL answers, the credentials are taken, the database exists
//! (or this user may create it), and the source's super tables exist. Each
//! finding names the config key at fault. The whole probe is bounded, so a
//! black-holed server costs a few seconds, never a hung REST call.

use std::time::Duration;

use crate::config::ConnectionConfig;
use crate::connection::{self, Conn};
use crate::deadline;
use crate::error::TdError;
use crate::sql::string_literal;

/// How long validation may spend on the server.
const PROBE_BUDGET: Duration = Duration::from_secs(4);

/// What to check besides the connection.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub database: Option<String>,
    /// The sink may create a missing database (then the user must be able to).
    pub may_create_database: bool,
    /// Super tables the source must find (stables.include).
    pub stables: Vec<String>,
}

/// `(config key, problem)` pairs; empty when the server is as configured.
pub fn check(cfg: &ConnectionConfig, expect: Expect) -> Vec<(String, String)> {
    let mut cfg = cfg.clone();
    cfg.attempts = 1;
    cfg.request_timeout_ms = cfg.request_timeout_ms.min(PROBE_BUDGET.as_millis() as u64);
    let dsn = cfg.dsn.clone();
    let outcome = deadline::call(PROBE_BUDGET, "checking the server", move || {
        Ok(check_within(&cfg, &expect))
    });
    outcome.unwrap_or_else(|e| {
        vec![(
            "connection.url".into(),
            format!(
                "{dsn} did not answer within {} s: {e}",
                PROBE_BUDGET.as_secs()
            ),
        )]
    })
}

fn check_within(cfg: &ConnectionConfig, expect: &Expect) -> Vec<(String, String)> {
    let conn = match connection::connect(cfg, None) {
        Ok(conn) => conn,
        Err(e) => return vec![connect_problem(cfg, &e)],
    };
    let mut problems = Vec::new();
    if let Some(db) = &expect.database {
        match exists(&conn, "information_schema.ins_databases", "name", db, None) {
            Ok(true) => {
                for stable in &expect.stables {
                    match exists(
                        &conn,
                        "information_schema.ins_stables",
                        "stable_name",
                        stable,
                        Some(db),
                    ) {
                        Ok(true) => {}
                        Ok(false) => problems.push((
                            "stables.include".into(),
                            format!("super table {db}.{stable} does not exist"),
                        )),
                        Err(e) => problems.push(("stables.include".into(), e)),
                    }
                }
            }
            Ok(false) if expect.may_create_database && may_create(&conn, &cfg.user) => {}
            Ok(false) => problems.push((
                "connection.database".into(),
                if expect.may_create_database {
                    format!(
                        "database {db} does not exist and user {} may not create it",
                        cfg.user
                    )
                } else {
                    format!("database {db} does not exist")
                },
            )),
            Err(e) => problems.push(("connection.database".into(), e)),
        }
    }
    problems
}

/// Which key a failed connect points at: credentials, or the URL.
fn connect_problem(cfg: &ConnectionConfig, e: &TdError) -> (String, String) {
    let text = e.to_string();
    for key in ["connection.tls.verify.hostname", "connection.tls.ca.file"] {
        if text.contains(key) {
            return (key.into(), text);
        }
    }
    let lower = text.to_ascii_lowercase();
    let credentials = [
        "0x0357",
        "0x0351",
        "0x0354",
        "0x0315",
        "0xe006",
        "authentication",
        "password",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    if credentials {
        (
            "connection.password".into(),
            format!("TDengine refused user '{}': {text}", cfg.user),
        )
    } else {
        ("connection.url".into(), format!("cannot connect: {text}"))
    }
}

/// Whether a row with `column = name` (and `db_name = db`) is in `table`.
fn exists(
    conn: &Conn,
    table: &str,
    column: &str,
    name: &str,
    db: Option<&str>,
) -> Result<bool, String> {
    let mut sql = format!("SELECT {column} FROM {table} WHERE {column} = ");
    string_literal(name, &mut sql);
    if let Some(db) = db {
        sql.push_str(" AND db_name = ");
        string_literal(db, &mut sql);
    }
    connection::rows(conn, sql, &format!("looking up {name}"))
        .map(|rows| !rows.is_empty())
        .map_err(|e| e.to_string())
}

/// Whether the user is a superuser (who may create databases).
fn may_create(conn: &Conn, user: &str) -> bool {
    let mut sql = String::from("SELECT `super` FROM information_schema.ins_users WHERE name = ");
    string_literal(user, &mut sql);
    connection::first_column(conn, sql, "reading the user's privileges")
        .map(|v| {
            v.first()
                .is_some_and(|s| s == "1" || s.eq_ignore_ascii_case("true"))
        })
        .unwrap_or(false)
}

/// The server's version (`SELECT SERVER_VERSION()`), for the task's start
/// line; None when it does not answer within the probe budget.
pub fn server_version(cfg: &ConnectionConfig) -> Option<String> {
    let mut cfg = cfg.clone();
    cfg.attempts = 1;
    cfg.request_timeout_ms = cfg.request_timeout_ms.min(PROBE_BUDGET.as_millis() as u64);
    deadline::call(PROBE_BUDGET, "reading the server version", move || {
        let conn = connection::connect(&cfg, None)?;
        connection::first_column(
            &conn,
            "SELECT SERVER_VERSION()".into(),
            "reading the server version",
        )
    })
    .ok()?
    .into_iter()
    .next()
}
