//! Whether the native path's writes are bound (stmt2) or sent as SQL, and
//! the stmt2 sessions they are bound over: one per write connection and
//! database. Binding needs a WebSocket connection and a server from 3.3.5
//! on (learned from the first session's login); after TDengine refused a
//! bind the next writes go as SQL, whose refusals name the bad record
//! exactly, before binding is tried again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::config::ConnectionConfig;
use crate::error::{TdError, TdResult};
use crate::stmt2::{Binder, Session};

/// Writes sent as SQL after a refused bind: enough to narrow a refused
/// batch down to its bad record.
const SQL_AFTER_REFUSAL: u32 = 64;

#[derive(Default)]
pub struct Binders {
    /// None: this writer never binds (native protocol, or turned off).
    cfg: Option<Arc<ConnectionConfig>>,
    /// Whether the server binds; None until the first session logged in.
    supported: Option<bool>,
    by_db: HashMap<String, Vec<Binder>>,
    refused: Arc<AtomicBool>,
    sql_writes_left: u32,
    /// Bumped whenever a super table's schema changed.
    generation: u64,
}

impl Binders {
    /// Binders over the WebSocket of `cfg`; None never binds.
    pub fn new(cfg: Option<ConnectionConfig>) -> Self {
        Binders {
            cfg: cfg.map(Arc::new),
            ..Binders::default()
        }
    }

    /// The binders of a write to `db` over `n` connections, or None when
    /// this write goes as SQL.
    pub fn for_write(&mut self, db: &str, n: usize) -> TdResult<Option<Vec<Binder>>> {
        let Some(cfg) = self.cfg.clone() else {
            return Ok(None);
        };
        if self.supported == Some(false) {
            return Ok(None);
        }
        if self.refused.swap(false, Ordering::Relaxed) {
            self.sql_writes_left = SQL_AFTER_REFUSAL;
        }
        if self.sql_writes_left > 0 {
            self.sql_writes_left -= 1;
            return Ok(None);
        }
        let pool = self.by_db.entry(db.to_owned()).or_default();
        if self.supported.is_none() {
            match Session::connect(&cfg, db) {
                Ok(session) => {
                    let supported = session.supports_stmt2();
                    let version = match session.version() {
                        "" => "of a version it does not say (before 3.3.5)",
                        v => v,
                    };
                    log::info!(
                        "taosAdapter runs TDengine client {version}: the native path writes {}",
                        if supported {
                            "parameter-bound rows (stmt2)"
                        } else {
                            "SQL (stmt2 needs 3.3.5 or later)"
                        }
                    );
                    self.supported = Some(supported);
                    if !supported {
                        return Ok(None);
                    }
                    pool.push(Binder::new(
                        cfg.clone(),
                        db,
                        Some(session),
                        self.refused.clone(),
                    ));
                }
                Err(e @ TdError::Retriable(_)) => return Err(e),
                Err(e) => {
                    log::warn!(
                        "the native path writes SQL: parameter binding is not available: {e}"
                    );
                    self.supported = Some(false);
                    return Ok(None);
                }
            }
        }
        while pool.len() < n {
            pool.push(Binder::new(cfg.clone(), db, None, self.refused.clone()));
        }
        Ok(Some(pool[..n].to_vec()))
    }

    pub fn schema_changed(&mut self) {
        self.generation += 1;
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Drops the sessions (after a failure they may be broken).
    pub fn forget(&mut self) {
        self.by_db.clear();
    }
}
