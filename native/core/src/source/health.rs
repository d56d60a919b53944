//! What a subscription reader reports besides records: lag per vgroup and
//! the WAL-retention guard, and rare events worth a log line (assignments,
//! seeks, first messages, reconnections), drained through `stats`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use super::tmq::Assigned;

/// Rare happenings worth a log line in the worker, so a stalled or
/// repositioned vgroup can be told apart from an idle one.
#[derive(Default)]
pub struct Events {
    lines: Vec<String>,
    /// Vgroups that delivered since start.
    pub delivered: HashSet<(String, i32)>,
    /// The group's subscriptions as TDengine last listed them, and when.
    pub subscriptions: String,
    pub listed: Option<Instant>,
}

impl Events {
    pub fn push(&mut self, line: String) {
        if self.lines.len() < 200 {
            self.lines.push(line);
        }
    }
}

/// How often an idle reader lists its group's subscriptions (for the events).
pub const SUBSCRIPTIONS_EVERY: Duration = Duration::from_secs(10);

/// How often lag is measured while messages flow.
pub const HEALTH_EVERY: Duration = Duration::from_secs(5);

/// Lag and WAL retention, refreshed between messages (TMQ requests must not
/// overlap a receive in flight).
#[derive(Default)]
pub struct Health {
    /// The database's WAL_RETENTION_PERIOD in seconds, when known.
    pub retention_s: Option<i64>,
    /// WAL entries not yet read, summed over vgroups.
    pub lag: i64,
    /// Since when each lagging vgroup has been behind.
    behind_since: HashMap<(String, i32), Instant>,
    pub checked: Option<Instant>,
    /// Vgroups already warned about (once per episode of lag).
    warned: HashSet<(String, i32)>,
    pub warnings: Vec<String>,
}

impl Health {
    /// Nothing arrived for a whole wait: the consumer has caught up.
    pub fn caught_up(&mut self) {
        self.lag = 0;
        self.behind_since.clear();
        self.warned.clear();
    }

    pub fn due(&self) -> bool {
        self.checked.is_none_or(|at| at.elapsed() > HEALTH_EVERY)
    }

    /// Measures lag per vgroup against the read `positions`; warns when a
    /// vgroup has been behind for half the WAL retention (TDengine drops WAL
    /// regardless of consumers) and when the WAL start has passed the read
    /// position (rows were lost; the position moves to the WAL start).
    pub fn check(&mut self, assigned: Vec<Assigned>, positions: &mut HashMap<(String, i32), i64>) {
        self.checked = Some(Instant::now());
        let mut lag = 0;
        for a in assigned {
            let key = (a.topic.clone(), a.vgroup);
            let Some(&position) = positions.get(&key) else {
                continue;
            };
            if a.begin > position {
                self.warnings.push(format!(
                    "TMQ topic {} vgroup {}: TDengine dropped WAL entries {position}..{} before they were read \
                     (WAL_RETENTION_PERIOD too short for this lag); those rows are lost",
                    a.topic, a.vgroup, a.begin
                ));
                positions.insert(key.clone(), a.begin);
            }
            let behind = (a.end - position).max(0);
            lag += behind;
            if behind == 0 {
                self.behind_since.remove(&key);
                self.warned.remove(&key);
                continue;
            }
            let since = *self
                .behind_since
                .entry(key.clone())
                .or_insert_with(Instant::now);
            if let Some(retention) = self.retention_s.filter(|r| *r > 0) {
                let behind_s = since.elapsed().as_secs() as i64;
                if behind_s * 2 >= retention && self.warned.insert(key) {
                    self.warnings.push(format!(
                        "TMQ topic {} vgroup {}: {behind} WAL entries behind for {behind_s} s; TDengine keeps \
                         WAL for {retention} s (WAL_RETENTION_PERIOD) whether or not they were read",
                        a.topic, a.vgroup
                    ));
                }
            }
        }
        self.lag = lag;
    }

    /// `key=value` lines for the task's metrics, then the warnings and
    /// events raised since the last call.
    pub fn stats(&mut self, rows_read: u64, events: &mut Events) -> String {
        let behind_ms = self
            .behind_since
            .values()
            .map(|t| t.elapsed().as_millis() as i64)
            .max()
            .unwrap_or(0);
        let mut out = format!(
            "rows_read={rows_read}\nlag={}\nbehind_ms={behind_ms}\nwal_retention_s={}\n",
            self.lag,
            self.retention_s.unwrap_or(-1)
        );
        for w in self.warnings.drain(..) {
            out.push_str("warning=");
            out.push_str(&w.replace('\n', " "));
            out.push('\n');
        }
        for e in events.lines.drain(..) {
            out.push_str("event=");
            out.push_str(&e.replace('\n', " "));
            out.push('\n');
        }
        out
    }
}
