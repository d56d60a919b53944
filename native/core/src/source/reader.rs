//! Reads a task's super tables through TMQ and turns rows into records.
//!
//! Offsets: a source partition is (TMQ topic, vgroup); a record's offset is
//! (`offset`, `skip`): resume reading at WAL version `offset` and drop the
//! first `skip` rows received from there. The last row of a TMQ message
//! carries (position after the message, 0); earlier rows carry (position
//! before it, rows up to and including themselves). So whatever prefix of a
//! message Kafka acknowledged, a restart resumes right after it.
//!
//! Outages: any transient failure (a request unanswered within
//! `request.timeout.ms`, a broken connection) drops the consumer and the
//! plain connection; the next poll opens new ones and seeks every vgroup to
//! the position after the last message handed to the shim, so nothing is
//! skipped or repeated. While idle, a receive that has waited longer than
//! the request timeout is checked with one request to the server.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use taos::RawBlock;

use super::columns::{self, DecimalType};
use super::config::SourceConfig;
use super::health::{Events, Health};
use super::record::{OutRow, Polled, RowPosition};
use super::render;
use super::tags::TagCache;
use super::tmq::{Assigned, Fetched, Tmq};
use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use crate::nodelay;

mod positioning;
mod topics;
mod watching;

use topics::{consumer_dsn, topic_sql};

/// Where to start a vgroup (from Connect's offset storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartAt {
    pub topic: String,
    pub vgroup: i32,
    pub offset: i64,
    pub skip: u64,
}

pub struct SourceReader {
    config: SourceConfig,
    rt: tokio::runtime::Runtime,
    /// None after a transient failure: the next poll opens a new consumer.
    tmq: Option<Tmq>,
    /// Plain connection (tags, vgroups, subscriptions), reopened after a failure.
    taos: connection::Reconnecting,
    tags: TagCache,
    stable_of_topic: HashMap<String, String>,
    /// DECIMAL columns (read cast to text) per super table.
    decimals: HashMap<String, HashMap<String, DecimalType>>,
    /// Next WAL version to read per (topic, vgroup): the start of the next message.
    positions: HashMap<(String, i32), i64>,
    /// Vgroups the current consumer was positioned on (or delivered from).
    seeked: HashSet<(String, i32)>,
    /// Rows still to drop per (topic, vgroup) when resuming inside a message.
    skips: HashMap<(String, i32), u64>,
    /// Connect's stored (offset, skip) per (topic, vgroup).
    stored: HashMap<(String, i32), (i64, u64)>,
    /// Offsets Kafka has acknowledged, committed to TDengine between receives.
    commits: Vec<(String, i32, i64)>,
    nodelay: nodelay::Scans,
    health: Health,
    events: Events,
    /// When the server was last asked whether it is alive while idle.
    probed: Option<Instant>,
    /// Rows received from TDengine, including those skipped when resuming.
    rows_read: u64,
}

impl SourceReader {
    /// Creates the TMQ topics (if missing) and subscribes to them.
    pub fn open(config: SourceConfig) -> TdResult<Self> {
        let taos = connection::connect(&config.connection, Some(&config.database))?;
        let mut stable_of_topic = HashMap::new();
        let mut decimals = HashMap::new();
        for stable in &config.stables {
            let described = columns::describe(&taos, &config.database, stable)?;
            let (topic, sql) = topic_sql(&config, stable, &described)?;
            taos.exec(sql)
                .map_err(|e| e.into_td(&format!("creating TMQ topic {topic}")))?;
            decimals.insert(stable.clone(), described.decimals());
            stable_of_topic.insert(topic, stable.clone());
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tdconnect-tmq")
            .enable_all()
            .build()
            .map_err(|e| TdError::fatal(format!("starting the TMQ runtime: {e}")))?;
        let mut nodelay = nodelay::Scans::new(connection::websocket_port(&config.connection));
        let mut reader = SourceReader {
            config,
            rt,
            tmq: None,
            taos: connection::Reconnecting::new(taos),
            tags: TagCache::default(),
            stable_of_topic,
            decimals,
            positions: HashMap::new(),
            seeked: HashSet::new(),
            skips: HashMap::new(),
            stored: HashMap::new(),
            commits: Vec::new(),
            nodelay: nodelay::Scans::new(None),
            health: Health::default(),
            events: Events::default(),
            probed: None,
            rows_read: 0,
        };
        reader.tmq = Some(reader.subscribe()?);
        // The consumer's sockets so far; the first message scans again, for
        // sockets the ws client opens on first poll.
        nodelay.after(nodelay::SQL);
        reader.nodelay = nodelay;
        reader.health.retention_s = reader.wal_retention();
        Ok(reader)
    }

    fn subscribe(&self) -> TdResult<Tmq> {
        let timeout = Duration::from_millis(self.config.connection.request_timeout_ms.max(1));
        let topics: Vec<String> = self.stable_of_topic.keys().cloned().collect();
        Tmq::open(
            self.rt.handle().clone(),
            consumer_dsn(&self.config)?,
            topics,
            timeout,
        )
    }

    /// The plain connection, opened again after a failure.
    fn conn(&mut self) -> TdResult<Conn> {
        self.taos
            .get(&self.config.connection, &self.config.database)
    }

    fn tmq(&mut self) -> TdResult<&mut Tmq> {
        self.tmq
            .as_mut()
            .filter(|t| t.usable())
            .ok_or_else(|| TdError::Retriable("the TMQ consumer was lost; reconnecting".into()))
    }

    /// Kafka acknowledged everything of the vgroup before `offset`.
    pub fn commit(&mut self, topic: &str, vgroup: i32, offset: i64) {
        self.commits.push((topic.to_owned(), vgroup, offset));
    }

    /// Waits up to `wait` for the next TMQ message and returns its rows as
    /// records (None when nothing arrived). After a transient failure the
    /// consumer is dropped; the next call reconnects.
    pub fn poll(&mut self, wait: Duration) -> TdResult<Option<Polled>> {
        if !self.tmq.as_ref().is_some_and(Tmq::usable) {
            self.reopen()?;
        }
        let polled = self.receive(wait);
        if let Err(TdError::Retriable(message)) = &polled {
            if let Some(old) = self.tmq.take() {
                old.close();
            }
            self.taos.drop_connection();
            if message.contains("without an answer") || message.contains("no answer from TDengine")
            {
                // Perhaps a column the client cannot decode (added upstream).
                self.check_columns()?;
            }
        }
        polled
    }

    /// Refuses a super table that has gained a column the client cannot
    /// decode: a BLOB, or a DECIMAL its topic does not cast.
    fn check_columns(&mut self) -> TdResult<()> {
        let conn = self.conn()?;
        for stable in self.stable_of_topic.values() {
            let described = columns::describe(&conn, &self.config.database, stable)?;
            let cast = self.decimals.get(stable);
            if let Some((name, _)) = described
                .columns
                .iter()
                .find(|(n, d)| d.is_some() && !cast.is_some_and(|c| c.contains_key(n)))
            {
                return Err(TdError::fatal(format!(
                    "{}.{stable}: column `{name}` became DECIMAL after the TMQ topic was created; \
                     drop the topic {} and restart the task (it then reads through a topic that \
                     casts the column; rows resume from subscription.from), or read in query mode",
                    self.config.database,
                    self.config.tmq_topic(stable)
                )));
            }
        }
        Ok(())
    }

    fn receive(&mut self, wait: Duration) -> TdResult<Option<Polled>> {
        if self.tmq()?.receiving_for().is_none() {
            self.apply_commits()?;
            self.tmq()?.start_receive()?;
        }
        let Some(Fetched {
            topic,
            vgroup,
            blocks,
            after,
        }) = self.tmq()?.wait(wait)?
        else {
            return self.idle().map(|_| None);
        };
        self.probed = None;
        let key = (topic.clone(), vgroup);
        if !self.seeked.contains(&key)
            && (self.positions.contains_key(&key)
                || self.stored.contains_key(&key)
                || self.config.from_earliest)
        {
            // A vgroup assigned after start (a crashed predecessor held it)
            // or after a reconnect: this message came from wherever TMQ
            // chose; drop it, seek to where reading stopped (or Connect's
            // offsets say), and read again. The seek does not need bounds.
            self.events.push(format!(
                "{topic}/{vgroup} assigned late: its first message ({} block(s), ending at {after}) is \
                 dropped and the vgroup repositioned",
                blocks.len()
            ));
            drop(blocks);
            let assigned = self
                .tmq()?
                .assignments()?
                .into_iter()
                .find(|a| a.topic == topic && a.vgroup == vgroup)
                .unwrap_or(Assigned {
                    topic: topic.clone(),
                    vgroup,
                    begin: -1,
                    end: -1,
                });
            if let Some(w) = self.position(&assigned)? {
                self.health.warnings.push(w);
            }
            return Ok(None);
        }
        if self.health.due() {
            let assigned = self.tmq()?.assignments()?;
            self.health.check(assigned, &mut self.positions);
        }
        self.apply_commits()?;
        let stable = self
            .stable_of_topic
            .get(&topic)
            .cloned()
            .ok_or_else(|| TdError::fatal(format!("message from unknown TMQ topic {topic}")))?;
        let mut out = Polled::new(
            self.config.kafka_topic(&stable),
            stable,
            Some((topic.clone(), vgroup)),
        );
        for block in &blocks {
            self.rows_of(block, &mut out)?;
        }
        // Nothing can fail from here on: the message is handed over.
        self.tmq()?.start_receive()?;
        // Unknown only for a late vgroup with nothing stored and
        // subscription.from=latest: its first message is taken as it comes.
        let before = self.positions.insert(key.clone(), after).unwrap_or(after);
        self.seeked.insert(key.clone());
        if self.events.delivered.insert(key.clone()) {
            self.events.push(format!(
                "{topic}/{vgroup}: first message since start, WAL {before}..{after}"
            ));
        }
        self.nodelay.after(nodelay::TMQ);
        let n = out.rows.len();
        self.rows_read += n as u64;
        for (k, r) in out.rows.iter_mut().enumerate() {
            r.position = if k + 1 == n {
                RowPosition::Tmq {
                    offset: after,
                    skip: 0,
                }
            } else {
                RowPosition::Tmq {
                    offset: before,
                    skip: k as u64 + 1,
                }
            };
        }
        if let Some(skip) = self.skips.remove(&key) {
            let dropped = (skip as usize).min(n);
            out.rows.drain(..dropped);
        }
        Ok(Some(out))
    }

    /// Appends a block's rows (their positions are set by the caller).
    fn rows_of(&mut self, block: &RawBlock, out: &mut Polled) -> TdResult<()> {
        let table = block.table_name().unwrap_or_default();
        let fields = block.fields();
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        let types: Vec<taos::Ty> = fields.iter().map(|f| f.ty()).collect();
        let decimals: Vec<Option<DecimalType>> = match self.decimals.get(&out.stable) {
            Some(d) if !d.is_empty() => names.iter().map(|n| d.get(*n).copied()).collect(),
            _ => Vec::new(),
        };
        let conn = self.conn()?;
        let tags = self
            .tags
            .get(&conn, &self.config.database, &out.stable, table)?;
        let index = out.table(table);
        let mut cells = Vec::with_capacity(names.len());
        for row in 0..block.nrows() {
            render::cells_into(block, row, names.len(), &mut cells);
            let r = render::row(
                self.config.out_format,
                &out.stable,
                &names,
                &types,
                &decimals,
                &cells,
                tags,
            );
            out.rows.push(OutRow {
                table: index,
                value: r.value,
                timestamp_ms: r.ts_ms,
                position: RowPosition::Tmq { offset: 0, skip: 0 },
            });
        }
        Ok(())
    }

    /// Mirrors Kafka's acknowledgements into TMQ. Connect's offsets are
    /// authoritative, so a commit TDengine refuses (the vgroup moved to
    /// another consumer, the same value again) is dropped, not fatal; a
    /// transient failure keeps it for after the reconnect.
    fn apply_commits(&mut self) -> TdResult<()> {
        while let Some((topic, vgroup, offset)) = self.commits.first().cloned() {
            match self.tmq()?.commit(&topic, vgroup, offset) {
                Ok(()) => {}
                Err(e @ TdError::Retriable(_)) => return Err(e),
                Err(e) => self.events.push(format!(
                    "TMQ commit of {topic}/{vgroup} at {offset} dropped: {e}"
                )),
            }
            self.commits.remove(0);
        }
        Ok(())
    }

    /// Commits what Kafka acknowledged and leaves the consumer group.
    pub fn close(mut self) {
        // A message fetched but not handed over is read again after a
        // restart (its offset was never stored). Commits need the consumer
        // back from a receive in flight: it is aborted instead.
        if self
            .tmq
            .as_ref()
            .is_some_and(|t| t.usable() && t.receiving_for().is_none())
        {
            let _ = self.apply_commits();
        }
        if let Some(tmq) = self.tmq.take() {
            tmq.close();
        }
        self.rt.shutdown_background();
    }
}
