//! A write's INSERT statements and stmt2 binds split over connections: each
//! child table's rows on one connection (so they stay in record order), the
//! connections written in parallel.

use crate::connection::Conn;
use crate::error::{TdError, TdResult};
use crate::stmt2::{Bind, Binder};

/// What one connection writes, in order: SQL statements, then binds (of
/// other child tables, so their order does not matter).
pub struct Part {
    pub conn: Conn,
    pub statements: Vec<String>,
    pub binds: Vec<Bind>,
    /// The connection's stmt2 session; Some when `binds` is not empty.
    pub binder: Option<Binder>,
}

impl Part {
    fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.binds.is_empty()
    }
}

/// Runs every part, the parts in parallel; the first error (in part order).
pub fn exec_parts(parts: Vec<Part>) -> TdResult<()> {
    let run = |part: Part| -> TdResult<()> {
        for sql in part.statements {
            part.conn.exec(sql).map_err(|e| e.into_td("insert"))?;
        }
        if let Some(binder) = &part.binder {
            for bind in &part.binds {
                binder.write(bind)?;
            }
        }
        Ok(())
    };
    let mut busy: Vec<Part> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    if busy.len() == 1 {
        return busy.pop().map_or(Ok(()), run);
    }
    std::thread::scope(|s| {
        let running: Vec<_> = busy.into_iter().map(|p| s.spawn(move || run(p))).collect();
        let mut outcome = Ok(());
        for r in running {
            let done = r
                .join()
                .unwrap_or_else(|_| Err(TdError::fatal("a write thread panicked")));
            if outcome.is_ok() {
                outcome = done;
            }
        }
        outcome
    })
}
