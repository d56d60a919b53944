//! Reads a task's super tables through TMQ and turns rows into records.
//!
//! Offsets: a source partition is (TMQ topic, vgroup); a record's offset is
//! (`offset`, `skip`): resume reading at WAL version `offset` and drop the
//! first `skip` rows received from there. The last row of a TMQ message
//! carries (position after the message, 0); earlier rows carry (position
//! before it, rows up to and including themselves). So whatever prefix of a
//! message Kafka acknowledged, a restart resumes right after it.
//!
//! The receive future is kept alive across polls: the crate's own
//! `recv_timeout` drops a message that arrives as its timeout fires.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use taos::sync::{Queryable, Taos};
use taos::{AsAsyncConsumer, AsyncTBuilder, Dsn, IsAsyncData, IsOffset, Timeout, TmqBuilder};
use taos::{Consumer, RawBlock};

use super::config::SourceConfig;
use super::record::{OutRow, Polled, RowPosition};
use super::render;
use super::tags::TagCache;
use crate::connection;
use crate::error::{TdError, TdResult};
use crate::nodelay;
use crate::structured::sql::ident;

/// One TMQ message, fetched in the background.
struct Fetched {
    topic: String,
    vgroup: i32,
    blocks: Vec<RawBlock>,
    /// The position after the message.
    after: i64,
}

type PendingReceive = tokio::task::JoinHandle<taos::RawResult<Option<Fetched>>>;

/// A vgroup of one of the task's topics, as TDengine assigned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub topic: String,
    pub vgroup: i32,
    pub begin: i64,
    pub end: i64,
}

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
    consumer: Arc<Consumer>,
    pending: Option<PendingReceive>,
    taos: Taos,
    tags: TagCache,
    stable_of_topic: HashMap<String, String>,
    /// Next WAL version to read per (topic, vgroup): the start of the next message.
    positions: HashMap<(String, i32), i64>,
    /// Rows still to drop per (topic, vgroup) when resuming inside a message.
    skips: HashMap<(String, i32), u64>,
    /// Connect's stored (offset, skip) per (topic, vgroup).
    stored: HashMap<(String, i32), (i64, u64)>,
    /// Offsets Kafka has acknowledged, committed to TDengine between receives.
    commits: Vec<(String, i32, i64)>,
    nodelay: nodelay::Scans,
    health: Health,
    events: Events,
    /// Rows received from TDengine, including those skipped when resuming.
    rows_read: u64,
}

/// Rare happenings worth a log line in the worker (assignments, seeks, the
/// first message of each vgroup), so a stalled or repositioned vgroup can be
/// told apart from an idle one. Drained through `stats`.
#[derive(Default)]
struct Events {
    lines: Vec<String>,
    /// Vgroups that delivered since start.
    delivered: std::collections::HashSet<(String, i32)>,
    /// The group's subscriptions as TDengine last listed them, and when.
    subscriptions: String,
    listed: Option<std::time::Instant>,
}

impl Events {
    fn push(&mut self, line: String) {
        if self.lines.len() < 200 {
            self.lines.push(line);
        }
    }
}

/// How often an idle reader lists its group's subscriptions (for the events).
const SUBSCRIPTIONS_EVERY: Duration = Duration::from_secs(10);

/// Lag and WAL retention, refreshed between messages (TMQ requests must not
/// overlap a receive in flight).
#[derive(Default)]
struct Health {
    /// The database's WAL_RETENTION_PERIOD in seconds, when known.
    retention_s: Option<i64>,
    /// WAL entries not yet read, summed over vgroups.
    lag: i64,
    /// Since when each lagging vgroup has been behind.
    behind_since: HashMap<(String, i32), std::time::Instant>,
    checked: Option<std::time::Instant>,
    /// Vgroups already warned about (once per episode of lag).
    warned: std::collections::HashSet<(String, i32)>,
    warnings: Vec<String>,
}

/// How often lag is measured while messages flow.
const HEALTH_EVERY: Duration = Duration::from_secs(5);

impl SourceReader {
    /// Creates the TMQ topics (if missing) and subscribes to them.
    pub fn open(config: SourceConfig) -> TdResult<Self> {
        let taos = connection::connect(&config.connection, Some(&config.database))?;
        let mut stable_of_topic = HashMap::new();
        for stable in &config.stables {
            let topic = config.tmq_topic(stable);
            let sql = format!(
                "CREATE TOPIC IF NOT EXISTS {} AS STABLE {}.{}",
                topic,
                ident(&config.database).map_err(TdError::fatal)?,
                ident(stable).map_err(TdError::fatal)?
            );
            taos.exec(&sql)
                .map_err(|e| TdError::from_taos(&format!("creating TMQ topic {topic}"), e))?;
            stable_of_topic.insert(topic, stable.clone());
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("tdconnect-tmq")
            .enable_all()
            .build()
            .map_err(|e| TdError::fatal(format!("starting the TMQ runtime: {e}")))?;
        let dsn = consumer_dsn(&config)?;
        let topics: Vec<String> = stable_of_topic.keys().cloned().collect();
        let consumer = rt.block_on(async {
            let mut c = TmqBuilder::from_dsn(dsn)?.build().await?;
            c.subscribe(topics).await?;
            Ok::<_, taos::Error>(c)
        });
        let consumer = consumer.map_err(|e| TdError::from_taos("subscribing", e))?;
        let mut nodelay = nodelay::Scans::new(connection::websocket_port(&config.connection));
        // The consumer's sockets so far; the first message scans again, for
        // sockets the ws client opens on first poll.
        nodelay.after(nodelay::SQL);
        Ok(SourceReader {
            config,
            rt,
            consumer: Arc::new(consumer),
            pending: None,
            taos,
            tags: TagCache::default(),
            stable_of_topic,
            positions: HashMap::new(),
            skips: HashMap::new(),
            stored: HashMap::new(),
            commits: Vec::new(),
            nodelay,
            health: Health::default(),
            events: Events::default(),
            rows_read: 0,
        })
        .map(|mut reader| {
            reader.health.retention_s = reader.wal_retention();
            reader
        })
    }

    /// The vgroups TDengine assigned to this consumer.
    pub fn assignments(&self) -> Vec<Assigned> {
        let consumer = self.consumer.clone();
        let found = self
            .rt
            .block_on(async move { consumer.assignments().await });
        let mut out = Vec::new();
        for (topic, list) in found.unwrap_or_default() {
            for a in list {
                out.push(Assigned {
                    topic: topic.clone(),
                    vgroup: a.vgroup_id(),
                    begin: a.begin(),
                    end: a.end(),
                });
            }
        }
        out
    }

    /// Every (TMQ topic, vgroup) this reader may be given: the task's topics
    /// times the database's vgroups. TDengine may assign a vgroup late (a
    /// crashed predecessor still holds it), so offsets are looked up for all.
    pub fn partitions(&self) -> TdResult<Vec<(String, i32)>> {
        let mut sql =
            String::from("SELECT vgroup_id FROM information_schema.ins_vgroups WHERE db_name = ");
        crate::structured::sql::string_literal(&self.config.database, &mut sql);
        let vgroups: Vec<i32> = connection::first_column(&self.taos, sql, "listing vgroups")?
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect();
        let mut out = Vec::new();
        for topic in self.stable_of_topic.keys() {
            out.extend(vgroups.iter().map(|v| (topic.clone(), *v)));
        }
        Ok(out)
    }

    /// Takes Connect's stored offsets and positions the vgroups assigned
    /// now; vgroups assigned later are positioned when they first deliver.
    /// Returns warnings (stored offsets no longer in the WAL: rows were lost).
    pub fn start(&mut self, stored: &[StartAt]) -> TdResult<Vec<String>> {
        for s in stored {
            self.stored
                .insert((s.topic.clone(), s.vgroup), (s.offset, s.skip));
        }
        let mut warnings = Vec::new();
        let assigned = self.assignments();
        self.events.push(format!(
            "start: {} stored offset(s) {}; assigned now: {}",
            stored.len(),
            stored
                .iter()
                .map(|s| format!("{}/{}@{}+{}", s.topic, s.vgroup, s.offset, s.skip))
                .collect::<Vec<_>>()
                .join(" "),
            assigned
                .iter()
                .map(|a| format!("{}/{} WAL {}..{}", a.topic, a.vgroup, a.begin, a.end))
                .collect::<Vec<_>>()
                .join(" ")
        ));
        for a in assigned {
            if a.begin >= 0 {
                warnings.extend(self.position(&a)?);
            }
        }
        Ok(warnings)
    }

    /// Seeks a vgroup to its stored offset, else to the start or end of the
    /// retained WAL (`subscription.from`).
    fn position(&mut self, a: &Assigned) -> TdResult<Option<String>> {
        let key = (a.topic.clone(), a.vgroup);
        let mut warning = None;
        let (target, skip) = match self.stored.get(&key) {
            Some(&(offset, _)) if offset < a.begin => {
                warning = Some(format!(
                    "TMQ topic {} vgroup {}: stored offset {offset} is older than the retained WAL \
                     (begins at {}); rows in between were dropped by TDengine (raise WAL_RETENTION_PERIOD)",
                    a.topic, a.vgroup, a.begin
                ));
                (a.begin, 0)
            }
            Some(&(offset, skip)) => (offset, skip),
            None if self.config.from_earliest => (a.begin.max(0), 0),
            None => (a.end.max(0), 0),
        };
        let consumer = Arc::get_mut(&mut self.consumer)
            .ok_or_else(|| TdError::fatal("consumer busy while positioning"))?;
        self.rt
            .block_on(consumer.offset_seek(&a.topic, a.vgroup, target))
            .map_err(|e| {
                TdError::from_taos(&format!("seeking {} vgroup {}", a.topic, a.vgroup), e)
            })?;
        self.events.push(format!(
            "seek {}/{} to {target} (skip {skip}; WAL {}..{})",
            a.topic, a.vgroup, a.begin, a.end
        ));
        self.positions.insert(key.clone(), target);
        if skip > 0 {
            self.skips.insert(key, skip);
        }
        Ok(warning)
    }

    /// Kafka acknowledged everything of the vgroup before `offset`.
    pub fn commit(&mut self, topic: &str, vgroup: i32, offset: i64) {
        self.commits.push((topic.to_owned(), vgroup, offset));
    }

    /// Starts receiving the next message in the background: the receive,
    /// its blocks and the position after it, while the shim and Kafka deal
    /// with the previous one.
    fn prefetch(&mut self) {
        let consumer = self.consumer.clone();
        self.pending = Some(self.rt.spawn(async move {
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
        }));
    }

    /// Waits up to `wait` for the next TMQ message and returns its rows as
    /// records (None when nothing arrived).
    pub fn poll(&mut self, wait: Duration) -> TdResult<Option<Polled>> {
        if self.pending.is_none() {
            self.apply_commits()?;
            self.prefetch();
        }
        let Some(pending) = self.pending.as_mut() else {
            return Ok(None);
        };
        // The timer must be made inside the runtime; the receive survives it.
        let joined = match self
            .rt
            .block_on(async { tokio::time::timeout(wait, pending).await })
        {
            Err(_elapsed) => {
                // Nothing arrived for a whole wait: the consumer has caught up.
                self.health.lag = 0;
                self.health.behind_since.clear();
                self.health.warned.clear();
                self.note_subscriptions();
                return Ok(None);
            }
            Ok(joined) => joined,
        };
        self.pending = None;
        let fetched = joined
            .map_err(|e| TdError::fatal(format!("TMQ receive task: {e}")))?
            .map_err(|e| TdError::from_taos("receiving", e))?;
        let Some(Fetched {
            topic,
            vgroup,
            blocks,
            after,
        }) = fetched
        else {
            return Ok(None);
        };
        let key = (topic.clone(), vgroup);
        if !self.positions.contains_key(&key)
            && (self.stored.contains_key(&key) || self.config.from_earliest)
        {
            // A vgroup assigned after start (a crashed predecessor held it):
            // this message came from wherever TMQ chose; drop it, seek to
            // where Connect's offsets say, and read again. The assignment may
            // not be listed yet; the seek does not need its bounds.
            self.events.push(format!(
                "{topic}/{vgroup} assigned late: its first message ({} block(s), ending at {after}) is \
                 dropped and the vgroup repositioned",
                blocks.len()
            ));
            drop(blocks);
            let assigned = self
                .assignments()
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
        if self
            .health
            .checked
            .is_none_or(|at| at.elapsed() > HEALTH_EVERY)
        {
            self.check_health();
        }
        self.apply_commits()?;
        self.prefetch();
        let stable = self
            .stable_of_topic
            .get(&topic)
            .cloned()
            .ok_or_else(|| TdError::fatal(format!("message from unknown TMQ topic {topic}")))?;
        // Unknown only for a late vgroup with nothing stored and
        // subscription.from=latest: its first message is taken as it comes.
        let before = self.positions.insert(key.clone(), after).unwrap_or(after);
        if self.events.delivered.insert(key.clone()) {
            self.events.push(format!(
                "{topic}/{vgroup}: first message since start, WAL {before}..{after}"
            ));
        }
        self.nodelay.after(nodelay::TMQ);
        let mut out = Polled::new(
            self.config.kafka_topic(&stable),
            stable,
            Some((topic, vgroup)),
        );
        for block in &blocks {
            self.rows_of(block, &mut out)?;
        }
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

    /// Measures lag per vgroup; warns when a vgroup has been behind for half
    /// the WAL retention (TDengine drops WAL regardless of consumers) and
    /// when the WAL start has passed the read position (rows were lost).
    fn check_health(&mut self) {
        self.health.checked = Some(std::time::Instant::now());
        let mut lag = 0;
        for a in self.assignments() {
            let key = (a.topic.clone(), a.vgroup);
            let Some(&position) = self.positions.get(&key) else {
                continue;
            };
            if a.begin > position {
                self.health.warnings.push(format!(
                    "TMQ topic {} vgroup {}: TDengine dropped WAL entries {position}..{} before they were read \
                     (WAL_RETENTION_PERIOD too short for this lag); those rows are lost",
                    a.topic, a.vgroup, a.begin
                ));
                self.positions.insert(key.clone(), a.begin);
            }
            let behind = (a.end - position).max(0);
            lag += behind;
            if behind == 0 {
                self.health.behind_since.remove(&key);
                self.health.warned.remove(&key);
                continue;
            }
            let since = *self
                .health
                .behind_since
                .entry(key.clone())
                .or_insert_with(std::time::Instant::now);
            if let Some(retention) = self.health.retention_s.filter(|r| *r > 0) {
                let behind_s = since.elapsed().as_secs() as i64;
                if behind_s * 2 >= retention && self.health.warned.insert(key) {
                    self.health.warnings.push(format!(
                        "TMQ topic {} vgroup {}: {behind} WAL entries behind for {behind_s} s; TDengine keeps \
                         WAL for {retention} s (WAL_RETENTION_PERIOD) whether or not they were read",
                        a.topic, a.vgroup
                    ));
                }
            }
        }
        self.health.lag = lag;
    }

    /// `key=value` lines for the task's metrics: lag, seconds behind, WAL
    /// retention; then the warnings raised since the last call.
    pub fn stats(&mut self) -> String {
        let behind_ms = self
            .health
            .behind_since
            .values()
            .map(|t| t.elapsed().as_millis() as i64)
            .max()
            .unwrap_or(0);
        let mut out = format!(
            "rows_read={}\nlag={}\nbehind_ms={behind_ms}\nwal_retention_s={}\n",
            self.rows_read,
            self.health.lag,
            self.health.retention_s.unwrap_or(-1)
        );
        for w in self.health.warnings.drain(..) {
            out.push_str("warning=");
            out.push_str(&w.replace('\n', " "));
            out.push('\n');
        }
        for e in self.events.lines.drain(..) {
            out.push_str("event=");
            out.push_str(&e.replace('\n', " "));
            out.push('\n');
        }
        out
    }

    /// While idle: which consumer holds each vgroup of the group, as an
    /// event when that changed (read over the plain connection, since the
    /// consumer is busy with its receive).
    fn note_subscriptions(&mut self) {
        if self
            .events
            .listed
            .is_some_and(|at| at.elapsed() < SUBSCRIPTIONS_EVERY)
        {
            return;
        }
        self.events.listed = Some(std::time::Instant::now());
        let mut sql = String::from(
            "SELECT topic_name, vgroup_id, consumer_id, `offset` FROM information_schema.ins_subscriptions \
             WHERE consumer_group = ",
        );
        crate::structured::sql::string_literal(&self.config.group_id, &mut sql);
        let Ok(rows) = connection::rows(&self.taos, sql, "listing subscriptions") else {
            return;
        };
        let mut listed: Vec<String> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_string().unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        listed.sort();
        let listed = listed.join(" ");
        if listed != self.events.subscriptions {
            self.events.push(format!(
                "group {} subscriptions: {listed}",
                self.config.group_id
            ));
            self.events.subscriptions = listed;
        }
    }

    fn wal_retention(&self) -> Option<i64> {
        connection::database_setting(&self.taos, &self.config.database, "wal_retention_period")
            .ok()??
            .parse()
            .ok()
    }

    /// Appends a block's rows (their positions are set by the caller).
    fn rows_of(&mut self, block: &RawBlock, out: &mut Polled) -> TdResult<()> {
        let table = block.table_name().unwrap_or_default();
        let fields = block.fields();
        let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
        let types: Vec<taos::Ty> = fields.iter().map(|f| f.ty()).collect();
        let tags = self
            .tags
            .get(&self.taos, &self.config.database, &out.stable, table)?;
        let index = out.table(table);
        let mut cells = Vec::with_capacity(names.len());
        for row in 0..block.nrows() {
            render::cells_into(block, row, names.len(), &mut cells);
            let r = render::row(
                self.config.out_format,
                &out.stable,
                &names,
                &types,
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

    fn apply_commits(&mut self) -> TdResult<()> {
        for (topic, vgroup, offset) in std::mem::take(&mut self.commits) {
            let consumer = self.consumer.clone();
            self.rt
                .block_on(async move { consumer.commit_offset(&topic, vgroup, offset).await })
                .map_err(|e| TdError::from_taos("committing a TMQ offset", e))?;
        }
        Ok(())
    }

    /// Commits what Kafka acknowledged and leaves the consumer group.
    pub fn close(mut self) {
        // A message fetched but not handed over is read again after a
        // restart (its offset was never stored).
        if let Some(pending) = self.pending.take() {
            pending.abort();
        }
        let _ = self.apply_commits();
        // Dropping a native consumer blocks for seconds (tmq_unsubscribe): off this thread.
        let consumer = self.consumer;
        self.rt.spawn_blocking(move || drop(consumer));
        self.rt.shutdown_background();
    }
}

/// The consumer's DSN: the connection's, with credentials and TMQ settings.
fn consumer_dsn(config: &SourceConfig) -> TdResult<Dsn> {
    let c = &config.connection;
    let mut dsn = Dsn::from_str(&c.dsn)
        .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", c.dsn)))?;
    dsn.username = Some(c.user.clone());
    dsn.password = Some(c.password.clone());
    dsn.subject = None;
    if let Some(lib) = &c.native_library {
        dsn.params.insert("libraryPath".into(), lib.clone());
    }
    let reset = if config.from_earliest {
        "earliest"
    } else {
        "latest"
    };
    for (k, v) in [
        ("group.id", config.group_id.as_str()),
        ("auto.offset.reset", reset),
        ("enable.auto.commit", "false"),
    ] {
        dsn.params.insert(k.into(), v.into());
    }
    Ok(dsn)
}
