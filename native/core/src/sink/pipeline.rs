//! Two writes of one task in flight: batch N+1 is parsed and its INSERTs
//! built (and new tables made) while batch N's INSERTs run, then run
//! itself once N's have ended. Writes end in the order the shim numbered
//! them, so each child table's rows keep their record order across
//! batches.
//!
//! A write submitted while its predecessor was in flight (`pipelined`) is
//! not attempted when that predecessor failed (data error included): the
//! shim writes the predecessor's rest first and then this one again, so no
//! later row lands before an earlier one. Batches the fast path does not
//! take (see [`SinkWriter::prepare`]) are written whole, in turn.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::config::SinkConfig;
use super::parts::exec_parts;
use super::prepare::Prepared;
use super::SinkWriter;
use crate::error::{TdError, TdResult};

/// Longest a write waits for its turn; the shim gives up on a write far
/// sooner (a turn waits for at most one write in flight before it).
const TURN_WAIT: Duration = Duration::from_secs(600);

pub struct PipelinedSink {
    writer: Mutex<SinkWriter>,
    turns: Mutex<Turns>,
    moved: Condvar,
}

#[derive(Default)]
struct Turns {
    /// The write whose preparation is next.
    prepare: u64,
    /// The write whose INSERTs run next.
    finish: u64,
    /// Whether the last write that ended failed.
    last_failed: bool,
    closed: bool,
}

#[derive(Clone, Copy)]
enum Stage {
    Prepare,
    Finish,
}

impl PipelinedSink {
    pub fn open(config: SinkConfig) -> TdResult<Self> {
        Ok(PipelinedSink {
            writer: Mutex::new(SinkWriter::open(config)?),
            turns: Mutex::new(Turns::default()),
            moved: Condvar::new(),
        })
    }

    /// Writes a batch; `seq` numbers the writes of this sink from 0 without
    /// gaps, `pipelined` says the write before it was still in flight when
    /// this one was submitted. Same contract as [`SinkWriter::write`].
    pub fn write(&self, seq: u64, pipelined: bool, buf: &[u8]) -> TdResult<usize> {
        let prepared = {
            let _turn = self.turn(Stage::Prepare, seq)?;
            self.writer()?.prepare(buf)
        };
        let mut turn = self.turn(Stage::Finish, seq)?;
        let outcome = if pipelined && turn.sink.turns().last_failed {
            Err(TdError::Retriable(
                "not attempted: the write before it failed".into(),
            ))
        } else {
            self.finish(prepared, buf)
        };
        turn.failed = outcome.is_err();
        outcome
    }

    fn finish(&self, prepared: TdResult<Option<Prepared>>, buf: &[u8]) -> TdResult<usize> {
        match prepared {
            Ok(Some(Prepared { parts, rows })) => match exec_parts(parts) {
                Ok(()) => Ok(rows),
                Err(e @ TdError::Retriable(_)) => self.writer()?.settle(Err(e)),
                // Refused rows, a table dropped meanwhile: the whole write
                // path narrows and remakes (rows written twice are harmless).
                Err(_) => self.writer()?.write(buf),
            },
            Err(e @ TdError::Retriable(_)) => Err(e),
            Ok(None) | Err(_) => self.writer()?.write(buf),
        }
    }

    /// Wakes every write waiting for a turn: the sink is being closed.
    pub fn close(&self) {
        self.turns().closed = true;
        self.moved.notify_all();
    }

    fn writer(&self) -> TdResult<MutexGuard<'_, SinkWriter>> {
        self.writer.lock().map_err(|_| {
            TdError::fatal("native state was poisoned by an earlier panic; restart the task")
        })
    }

    fn turns(&self) -> MutexGuard<'_, Turns> {
        // Turns are never left half-updated: a poisoned lock is still sound.
        self.turns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until it is write `seq`'s turn at `stage`; the turn passes on
    /// when the returned guard is dropped (also on a panic).
    fn turn(&self, stage: Stage, seq: u64) -> TdResult<Turn<'_>> {
        let deadline = Instant::now() + TURN_WAIT;
        let mut turns = self.turns();
        loop {
            if turns.closed {
                return Err(TdError::Retriable("the writer was closed".into()));
            }
            let now = match stage {
                Stage::Prepare => turns.prepare,
                Stage::Finish => turns.finish,
            };
            if now == seq {
                return Ok(Turn {
                    sink: self,
                    stage,
                    failed: true,
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(TdError::Retriable(format!(
                    "write {seq} waited {} s for write {now} to end",
                    TURN_WAIT.as_secs()
                )));
            }
            turns = self
                .moved
                .wait_timeout(turns, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|p| p.into_inner().0);
        }
    }
}

/// A write's turn at a stage; passes the turn on when dropped.
struct Turn<'a> {
    sink: &'a PipelinedSink,
    stage: Stage,
    /// (Finish) the outcome to tell the next write; a panic counts as failed.
    failed: bool,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut turns = self.sink.turns();
        match self.stage {
            Stage::Prepare => turns.prepare += 1,
            Stage::Finish => {
                turns.finish += 1;
                turns.last_failed = self.failed;
            }
        }
        drop(turns);
        self.sink.moved.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{self, Batch, Record, Value};
    use std::sync::Arc;

    /// A sink whose server refuses connections: every write fails retriably.
    fn unreachable_sink() -> Arc<PipelinedSink> {
        let config = SinkConfig::from_json(
            r#"{"connection":{"dsn":"ws://127.0.0.1:1","user":"root","password":"p",
                "request_timeout_ms":2000},"database":"metrics","protocol":"line","precision":"ms"}"#,
        )
        .unwrap();
        Arc::new(PipelinedSink::open(config).unwrap())
    }

    fn frame() -> Vec<u8> {
        batch::encode(&Batch {
            topics: vec!["t"],
            records: vec![Record {
                topic: 0,
                partition: 0,
                timestamp: None,
                key: None,
                value: Value::Text("m,a=1 v=1i 1700000000000"),
            }],
        })
    }

    #[test]
    fn writes_end_in_their_order_and_one_after_a_failure_is_not_attempted() {
        let sink = unreachable_sink();
        let second = {
            let sink = sink.clone();
            std::thread::spawn(move || sink.write(1, true, &frame()))
        };
        std::thread::sleep(Duration::from_millis(200));
        assert!(!second.is_finished(), "write 1 ran before write 0");
        let first = sink.write(0, false, &frame());
        assert!(matches!(first, Err(TdError::Retriable(_))), "{first:?}");
        let second = second.join().unwrap();
        match second {
            Err(TdError::Retriable(m)) => assert!(m.contains("not attempted"), "{m}"),
            other => panic!("{other:?}"),
        }
        // Written again once the shim settled both: attempted, not skipped.
        match sink.write(2, false, &frame()) {
            Err(TdError::Retriable(m)) => assert!(!m.contains("not attempted"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn closing_wakes_a_write_waiting_for_its_turn() {
        let sink = unreachable_sink();
        let waiting = {
            let sink = sink.clone();
            std::thread::spawn(move || sink.write(5, true, &frame()))
        };
        std::thread::sleep(Duration::from_millis(100));
        sink.close();
        match waiting.join().unwrap() {
            Err(TdError::Retriable(m)) => assert!(m.contains("closed"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
