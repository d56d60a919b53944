//! A write connection's stmt2 session, shared between the writer that plans
//! binds and the thread that runs them: logged in on first use and again
//! after it broke.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::Session;
use crate::config::ConnectionConfig;
use crate::error::{TdError, TdResult};

/// One bind: the INSERT it binds to, the schema generation it was built
/// under, its body ([`super::encode::BindBody`]) and the rows it holds.
pub struct Bind {
    pub sql: String,
    pub generation: u64,
    pub body: Vec<u8>,
    pub rows: usize,
}

#[derive(Clone)]
pub struct Binder {
    session: Arc<Mutex<Option<Session>>>,
    cfg: Arc<ConnectionConfig>,
    database: String,
    /// Set when TDengine refused a bind: the writer then writes SQL for a while.
    refused: Arc<AtomicBool>,
}

impl Binder {
    pub fn new(
        cfg: Arc<ConnectionConfig>,
        database: &str,
        session: Option<Session>,
        refused: Arc<AtomicBool>,
    ) -> Self {
        Binder {
            session: Arc::new(Mutex::new(session)),
            cfg,
            database: database.to_owned(),
            refused,
        }
    }

    /// Writes the bind; a transient failure drops the session (the next
    /// write logs in again), a refusal is remembered for the writer.
    pub fn write(&self, bind: &Bind) -> TdResult<usize> {
        // A poisoned lock only means an earlier write panicked; the session
        // is dropped below if it is broken.
        let mut slot = self.session.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(Session::broken) {
            *slot = None;
        }
        let session = match slot.as_mut() {
            Some(s) => s,
            None => slot.insert(Session::connect(&self.cfg, &self.database)?),
        };
        let outcome = session.write(&bind.sql, bind.generation, &bind.body);
        match &outcome {
            Err(TdError::Retriable(_)) => *slot = None,
            Err(_) => self.refused.store(true, Ordering::Relaxed),
            Ok(_) => {}
        }
        outcome
    }
}
