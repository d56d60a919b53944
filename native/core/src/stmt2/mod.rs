//! Parameter-bound writes (stmt2) over taosAdapter's WebSocket, which the
//! `taos` crate 0.12 does not offer: TDengine's fastest write path (no SQL
//! text to build or parse per row), for servers from 3.3.5 on.
//!
//! A [`Session`] is one WebSocket logged in to one database. It prepares
//! each distinct INSERT once and keeps the statement; a write is then a
//! bind (one binary message holding every table's rows) and an exec, each
//! answered before the next is sent (taosAdapter handles a connection's
//! messages concurrently, so they are never pipelined).

mod binder;
pub mod encode;
mod link;

pub use binder::{Bind, Binder};

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use serde_json::{json, Value};

use crate::config::ConnectionConfig;
use crate::error::{TdError, TdResult};
use link::{refusal, Link};

/// taosAdapter's binary action of a stmt2 bind, and its body's version.
const BIND_ACTION: u64 = 9;
const BIND_VERSION: u16 = 1;
/// Statements kept per session; past this many they are closed and prepared anew.
const MAX_STATEMENTS: usize = 64;

pub struct Session {
    link: Link,
    /// The client library version taosAdapter runs (from its login answer).
    version: String,
    statements: HashMap<String, u64>,
    next_request: u64,
    /// The schema generation the statements were prepared under.
    generation: u64,
}

impl Session {
    /// Logs in to `database` over the WebSocket of `cfg` (`ws://`, or
    /// `wss://` through the TLS tunnel), within `request.timeout.ms`.
    pub fn connect(cfg: &ConnectionConfig, database: &str) -> TdResult<Session> {
        let (routed, tunnel) = crate::tls::route(cfg)?;
        let dsn = taos::Dsn::from_str(&routed)
            .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", cfg.dsn)))?;
        let address = dsn.addresses.first();
        let host = address
            .and_then(|a| a.host.clone())
            .unwrap_or_else(|| "localhost".into());
        let port = address.and_then(|a| a.port).unwrap_or(6041);
        let timeout = Duration::from_millis(cfg.request_timeout_ms.max(1));
        let (user, password, db) = (cfg.user.clone(), cfg.password.clone(), database.to_owned());
        let what = format!("connecting to {} for parameter binding", cfg.dsn);
        // The address lookup and connect run under the deadline too.
        let opened = crate::deadline::call(timeout, &what, move || {
            let mut link = Link::open(&host, port, timeout)?;
            let answer = link.request(
                "login",
                &json!({"action": "conn", "args": {"req_id": 1, "user": user, "password": password, "db": db}}),
            )?;
            if let Some(e) = refusal("login", &answer) {
                return Err(e);
            }
            let version = answer["version"].as_str().unwrap_or("").to_owned();
            Ok((link, version))
        });
        let (link, version) = opened.map_err(|e| crate::tls::explain(tunnel.as_ref(), e))?;
        Ok(Session {
            link,
            version,
            statements: HashMap::new(),
            next_request: 2,
            generation: 0,
        })
    }

    /// Whether the server side binds many tables at once (stmt2: 3.3.5 on).
    pub fn supports_stmt2(&self) -> bool {
        at_least(&self.version, [3, 3, 5, 0])
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn broken(&self) -> bool {
        self.link.broken()
    }

    /// Writes one bind `body` (see [`encode::BindBody`]) with the INSERT
    /// `sql`; statements of an older schema `generation` are prepared anew.
    /// Returns the rows TDengine says it wrote.
    pub fn write(&mut self, sql: &str, generation: u64, body: &[u8]) -> TdResult<usize> {
        if generation != self.generation || self.statements.len() >= MAX_STATEMENTS {
            self.close_statements();
            self.generation = generation;
        }
        let id = match self.statements.get(sql) {
            Some(id) => *id,
            None => {
                let id = self.prepare(sql)?;
                self.statements.insert(sql.to_owned(), id);
                id
            }
        };
        let outcome = self.bind_and_exec(id, body);
        if outcome.is_err() {
            // Its table metadata may be stale (a table dropped or altered).
            self.close_statements();
        }
        outcome
    }

    fn bind_and_exec(&mut self, id: u64, body: &[u8]) -> TdResult<usize> {
        let req = self.request_id();
        let mut message = Vec::with_capacity(30 + body.len());
        message.extend_from_slice(&req.to_le_bytes());
        message.extend_from_slice(&id.to_le_bytes());
        message.extend_from_slice(&BIND_ACTION.to_le_bytes());
        message.extend_from_slice(&BIND_VERSION.to_le_bytes());
        message.extend_from_slice(&(-1i32).to_le_bytes()); // every column
        message.extend_from_slice(body);
        let answer = self.link.request_binary("binding rows", message)?;
        if let Some(e) = refusal("binding rows", &answer) {
            return Err(e);
        }
        let answer = self.call("insert", "stmt2_exec", json!({"stmt_id": id}))?;
        Ok(answer["affected"].as_u64().unwrap_or(0) as usize)
    }

    fn prepare(&mut self, sql: &str) -> TdResult<u64> {
        let init = self.call(
            "preparing an insert",
            "stmt2_init",
            json!({"single_stb_insert": true, "single_table_bind_once": false}),
        )?;
        let id = init["stmt_id"]
            .as_u64()
            .ok_or_else(|| TdError::fatal(format!("stmt2_init answered without an id: {init}")))?;
        match self.call(
            "preparing an insert",
            "stmt2_prepare",
            json!({"stmt_id": id, "sql": sql, "get_fields": false}),
        ) {
            Ok(_) => Ok(id),
            Err(e) => {
                self.close(id);
                Err(e)
            }
        }
    }

    fn close_statements(&mut self) {
        let ids: Vec<u64> = self.statements.drain().map(|(_, id)| id).collect();
        for id in ids {
            self.close(id);
        }
    }

    fn close(&mut self, id: u64) {
        if !self.link.broken() {
            let _ = self.call("closing a statement", "stmt2_close", json!({"stmt_id": id}));
        }
    }

    /// A JSON request; its `args` get the request id.
    fn call(&mut self, what: &str, action: &str, mut args: Value) -> TdResult<Value> {
        args["req_id"] = json!(self.request_id());
        let answer = self
            .link
            .request(what, &json!({"action": action, "args": args}))?;
        match refusal(what, &answer) {
            Some(e) => Err(e),
            None => Ok(answer),
        }
    }

    fn request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }
}

/// Whether a version text (`3.3.7.5.alpha`) is at least `min`.
fn at_least(version: &str, min: [u32; 4]) -> bool {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let have: Vec<u32> = (0..4).map(|_| parts.next().unwrap_or(0)).collect();
    have.as_slice() >= min.as_slice()
}

#[cfg(test)]
mod tests {
    use super::at_least;

    #[test]
    fn versions_compare() {
        assert!(at_least("3.3.7.5.alpha", [3, 3, 5, 0]));
        assert!(at_least("3.3.5.0", [3, 3, 5, 0]));
        assert!(!at_least("3.3.2.0", [3, 3, 5, 0]));
        assert!(at_least("3.4.0.0", [3, 3, 5, 0]));
        assert!(!at_least("", [3, 3, 5, 0]));
    }
}
