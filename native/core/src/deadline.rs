//! Every TDengine request runs under a deadline (`request.timeout.ms`).
//!
//! Neither the `taos` crate's sync API nor libtaos can cancel a request that
//! the server never answers (a black-holed taosAdapter, a half-open TCP
//! connection): the WebSocket client awaits its reply channel forever. So a
//! request runs on a helper thread and the caller waits on an OS channel with
//! a timeout. A request that outlives its deadline is abandoned: the caller
//! gets a retriable error and drops the connection; the helper thread ends
//! whenever the request does (it owns everything it touches), so a wedged
//! connection holds no lock or thread that any other request needs.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{TdError, TdResult};

/// Requests abandoned in this process since it started.
static ABANDONED: AtomicU64 = AtomicU64::new(0);

/// Requests abandoned so far, process-wide.
pub fn abandoned() -> u64 {
    ABANDONED.load(Ordering::Relaxed)
}

/// Runs `job` on a helper thread and waits at most `timeout` for it.
/// `what` names the request in the error of an abandoned one.
pub fn call<T, F>(timeout: Duration, what: &str, job: F) -> TdResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> TdResult<T> + Send + 'static,
{
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("tdconnect-request".into())
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|payload| {
                let text = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                // The client library panics on some broken connections
                // (an unwrap on a closed reply channel): a lost connection.
                Err(TdError::Retriable(format!(
                    "TDengine client failed inside a request: {text}"
                )))
            });
            // The caller may have given up already; then nobody listens.
            let _ = tx.send(outcome);
        })
        .map_err(|e| TdError::Retriable(format!("{what}: no thread for the request: {e}")))?;
    match rx.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            ABANDONED.fetch_add(1, Ordering::Relaxed);
            Err(TdError::Retriable(format!(
                "{what}: no answer from TDengine within {} ms (request.timeout.ms); \
                 request abandoned, connection dropped",
                timeout.as_millis()
            )))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(TdError::Retriable(format!(
            "{what}: the request ended without an answer"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn an_answer_in_time_is_returned() {
        let v = call(Duration::from_secs(5), "q", || Ok(7)).unwrap();
        assert_eq!(v, 7);
    }

    #[test]
    fn a_request_past_its_deadline_is_abandoned_as_retriable() {
        let before = abandoned();
        let t0 = Instant::now();
        let err = call(Duration::from_millis(100), "write", || {
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        })
        .unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(2));
        assert!(
            matches!(&err, TdError::Retriable(m) if m.contains("request.timeout.ms")),
            "{err}"
        );
        assert!(abandoned() > before);
    }

    #[test]
    fn a_panic_inside_the_request_is_a_retriable_error() {
        let err = call(Duration::from_secs(5), "q", || -> TdResult<()> {
            panic!("channel closed")
        })
        .unwrap_err();
        assert!(matches!(&err, TdError::Retriable(m) if m.contains("channel closed")));
    }
}
