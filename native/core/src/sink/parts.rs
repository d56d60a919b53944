//! A write's INSERT statements split over connections: each child table's
//! rows on one connection (so they stay in record order), the connections
//! written in parallel.

use crate::connection::Conn;
use crate::error::{TdError, TdResult};

/// The statements one connection runs, in order.
pub struct Part {
    pub conn: Conn,
    pub statements: Vec<String>,
}

/// Runs every part, the parts in parallel; the first error (in part order).
pub fn exec_parts(parts: Vec<Part>) -> TdResult<()> {
    let run = |part: Part| -> TdResult<()> {
        for sql in part.statements {
            part.conn.exec(sql).map_err(|e| e.into_td("insert"))?;
        }
        Ok(())
    };
    let mut busy: Vec<Part> = parts
        .into_iter()
        .filter(|p| !p.statements.is_empty())
        .collect();
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
