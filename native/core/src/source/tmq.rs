//! A subscription reader's TMQ consumer, with every request bounded by
//! `request.timeout.ms`.
//!
//! The consumer has one owner at a time: the reader, a bounded request's
//! helper thread (see [`crate::deadline`]), or the background receive that
//! fetches the next message while the previous one goes to Kafka, which
//! hands it back with the message over a channel. A request or receive that
//! never answers therefore keeps the consumer: it is lost, [`Tmq::usable`]
//! turns false, and the reader opens a new one at the positions it knows.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use taos::{AsAsyncConsumer, AsyncTBuilder, Consumer, Dsn, IsAsyncData, IsOffset, RawBlock};
use taos::{Timeout, TmqBuilder};

use crate::deadline;
use crate::error::{TdError, TdResult};

/// One TMQ message, fetched in the background.
pub struct Fetched {
    pub topic: String,
    pub vgroup: i32,
    pub blocks: Vec<RawBlock>,
    /// The position after the message.
    pub after: i64,
}

/// A vgroup of one of the task's topics, as TDengine assigned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub topic: String,
    pub vgroup: i32,
    pub begin: i64,
    pub end: i64,
}

type Received = (Consumer, taos::RawResult<Option<Fetched>>);

struct Receiving {
    answer: mpsc::Receiver<Received>,
    task: tokio::task::JoinHandle<()>,
    since: Instant,
}

pub struct Tmq {
    rt: tokio::runtime::Handle,
    /// None while a receive holds it, or once it was lost.
    consumer: Option<Consumer>,
    receiving: Option<Receiving>,
    timeout: Duration,
}

impl Tmq {
    /// Builds a consumer from `dsn` and subscribes to `topics`.
    pub fn open(
        rt: tokio::runtime::Handle,
        dsn: Dsn,
        topics: Vec<String>,
        timeout: Duration,
    ) -> TdResult<Self> {
        if let Some(path) = dsn.params.get("libraryPath") {
            native_library_for_consumers(path);
        }
        let handle = rt.clone();
        let consumer = deadline::call(timeout, "subscribing", move || {
            handle
                .block_on(async {
                    let mut c = TmqBuilder::from_dsn(dsn)?.build().await?;
                    c.subscribe(topics).await?;
                    Ok::<_, taos::Error>(c)
                })
                .map_err(|e| TdError::from_taos("subscribing", e))
        })?;
        Ok(Tmq {
            rt,
            consumer: Some(consumer),
            receiving: None,
            timeout,
        })
    }

    /// False once the consumer was lost to a request that never answered.
    pub fn usable(&self) -> bool {
        self.consumer.is_some() || self.receiving.is_some()
    }

    /// Runs `job` on the consumer under the deadline; the consumer comes
    /// back unless the deadline passed.
    fn bounded<T: Send + 'static>(
        &mut self,
        what: &str,
        job: impl FnOnce(&mut Consumer, &tokio::runtime::Handle) -> taos::RawResult<T> + Send + 'static,
    ) -> TdResult<T> {
        let mut consumer = self.consumer.take().ok_or_else(|| {
            TdError::Retriable(format!("{what}: the TMQ consumer was lost; reconnecting"))
        })?;
        let rt = self.rt.clone();
        let (consumer, outcome) = deadline::call(self.timeout, what, move || {
            let outcome = job(&mut consumer, &rt);
            Ok((consumer, outcome))
        })?;
        self.consumer = Some(consumer);
        outcome.map_err(|e| TdError::from_taos(what, e))
    }

    /// The vgroups TDengine assigned to this consumer.
    pub fn assignments(&mut self) -> TdResult<Vec<Assigned>> {
        let found = self.bounded("listing TMQ assignments", |c, rt| {
            Ok(rt.block_on(c.assignments()).unwrap_or_default())
        })?;
        let mut out = Vec::new();
        for (topic, list) in found {
            for a in list {
                out.push(Assigned {
                    topic: topic.clone(),
                    vgroup: a.vgroup_id(),
                    begin: a.begin(),
                    end: a.end(),
                });
            }
        }
        Ok(out)
    }

    pub fn seek(&mut self, topic: &str, vgroup: i32, offset: i64) -> TdResult<()> {
        let t = topic.to_owned();
        self.bounded(&format!("seeking {topic} vgroup {vgroup}"), move |c, rt| {
            rt.block_on(c.offset_seek(&t, vgroup, offset))
        })
    }

    pub fn commit(&mut self, topic: &str, vgroup: i32, offset: i64) -> TdResult<()> {
        let t = topic.to_owned();
        self.bounded("committing a TMQ offset", move |c, rt| {
            rt.block_on(c.commit_offset(&t, vgroup, offset))
        })
    }

    /// Starts receiving the next message in the background (no-op when a
    /// receive is in flight).
    pub fn start_receive(&mut self) -> TdResult<()> {
        if self.receiving.is_some() {
            return Ok(());
        }
        let consumer = self.consumer.take().ok_or_else(|| {
            TdError::Retriable("receiving: the TMQ consumer was lost; reconnecting".into())
        })?;
        let (tx, answer) = mpsc::sync_channel(1);
        let task = self.rt.spawn(async move {
            let fetched = receive(&consumer).await;
            let _ = tx.send((consumer, fetched));
        });
        self.receiving = Some(Receiving {
            answer,
            task,
            since: Instant::now(),
        });
        Ok(())
    }

    /// Waits up to `wait` for the receive in flight: Ok(None) when nothing
    /// arrived yet (the receive goes on).
    pub fn wait(&mut self, wait: Duration) -> TdResult<Option<Fetched>> {
        let Some(receiving) = &self.receiving else {
            return Ok(None);
        };
        match receiving.answer.recv_timeout(wait) {
            Ok((consumer, fetched)) => {
                self.receiving = None;
                self.consumer = Some(consumer);
                fetched.map_err(|e| TdError::from_taos("receiving", e))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.receiving = None;
                Err(TdError::Retriable(
                    "receiving: the TMQ receive ended without an answer".into(),
                ))
            }
        }
    }

    /// How long the receive in flight has waited.
    pub fn receiving_for(&self) -> Option<Duration> {
        self.receiving.as_ref().map(|r| r.since.elapsed())
    }

    /// Gives the consumer up without waiting: a receive in flight is aborted
    /// and the consumer is dropped on a thread of its own (dropping a native
    /// consumer blocks for seconds in tmq_unsubscribe).
    pub fn close(mut self) {
        if let Some(r) = self.receiving.take() {
            r.task.abort();
        }
        if let Some(consumer) = self.consumer.take() {
            let rt = self.rt.clone();
            let _ = std::thread::Builder::new()
                .name("tdconnect-tmq-close".into())
                .spawn(move || {
                    let _context = rt.enter();
                    drop(consumer)
                });
        }
    }
}

/// The native TMQ builder of the `taos` crate (0.12) takes `libraryPath`
/// out of the DSN before it makes the connection builder, which then opens
/// libtaos from `TAOS_LIBRARY_PATH` or the system search path only. So the
/// configured library is also put there, once per process and only when the
/// variable is unset (set early, before TDengine's client threads run).
fn native_library_for_consumers(path: &str) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TAOS_LIBRARY_PATH").is_none() {
            std::env::set_var("TAOS_LIBRARY_PATH", path);
        }
    });
}

/// One message: its blocks and the position after it.
async fn receive(consumer: &Consumer) -> taos::RawResult<Option<Fetched>> {
    let Some((offset, message)) = consumer.recv_timeout(Timeout::Never).await? else {
        return Ok(None);
    };
    let topic = offset.topic().to_owned();
    let vgroup = offset.vgroup_id();
    let mut blocks = Vec::new();
    if let Some(data) = message.into_data() {
        while let Some(block) = data.fetch_raw_block().await? {
            blocks.push(block);
        }
    }
    let after = consumer.position(&topic, vgroup).await?;
    Ok(Some(Fetched {
        topic,
        vgroup,
        blocks,
        after,
    }))
}
