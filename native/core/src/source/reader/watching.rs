//! What a subscription reader does while nothing arrives: checks that the
//! server still answers, lists its group's subscriptions for the events;
//! and what it reports (lag, WAL retention) through `stats`.

use std::time::{Duration, Instant};

use super::SourceReader;
use crate::connection;
use crate::error::TdResult;
use crate::source::health::SUBSCRIPTIONS_EVERY;

impl SourceReader {
    /// Nothing arrived for a whole wait. A receive waiting longer than the
    /// request timeout may sit on a dead connection: one request to the
    /// server tells (a failure reconnects).
    pub(super) fn idle(&mut self) -> TdResult<()> {
        self.health.caught_up();
        let timeout = Duration::from_millis(self.config.connection.request_timeout_ms.max(1));
        let waited = self.tmq()?.receiving_for().unwrap_or_default();
        if waited > timeout && self.probed.is_none_or(|at| at.elapsed() > timeout) {
            self.probed = Some(Instant::now());
            let conn = self.conn()?;
            conn.exec("SELECT SERVER_STATUS()")
                .map_err(|e| e.into_td("checking the server while idle"))?;
        }
        self.note_subscriptions();
        Ok(())
    }

    /// `key=value` lines for the task's metrics: lag, seconds behind, WAL
    /// retention; then the warnings and events raised since the last call.
    pub fn stats(&mut self) -> String {
        self.health.stats(self.rows_read, &mut self.events)
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
        crate::sql::string_literal(&self.config.group_id, &mut sql);
        let Ok(rows) = self
            .conn()
            .and_then(|c| connection::rows(&c, sql, "listing subscriptions"))
        else {
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

    pub(super) fn wal_retention(&mut self) -> Option<i64> {
        let conn = self.conn().ok()?;
        connection::database_setting(&conn, &self.config.database, "wal_retention_period")
            .ok()??
            .parse()
            .ok()
    }
}
