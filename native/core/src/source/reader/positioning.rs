//! Where a subscription reader's vgroups start: Connect's stored offsets at
//! start, the positions reading had reached after a reconnect, else
//! `subscription.from`.

use super::{SourceReader, StartAt};
use crate::connection;
use crate::error::TdResult;
use crate::nodelay;
use crate::source::tmq::Assigned;

impl SourceReader {
    /// Every (TMQ topic, vgroup) this reader may be given: the task's topics
    /// times the database's vgroups. TDengine may assign a vgroup late (a
    /// crashed predecessor still holds it), so offsets are looked up for all.
    pub fn partitions(&mut self) -> TdResult<Vec<(String, i32)>> {
        let mut sql =
            String::from("SELECT vgroup_id FROM information_schema.ins_vgroups WHERE db_name = ");
        crate::sql::string_literal(&self.config.database, &mut sql);
        let conn = self.conn()?;
        let vgroups: Vec<i32> = connection::first_column(&conn, sql, "listing vgroups")?
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
        let assigned = self.tmq()?.assignments()?;
        self.events.push(format!(
            "start: {} stored offset(s) {}; assigned now: {}",
            stored.len(),
            stored
                .iter()
                .map(|s| format!("{}/{}@{}+{}", s.topic, s.vgroup, s.offset, s.skip))
                .collect::<Vec<_>>()
                .join(" "),
            describe(&assigned)
        ));
        self.position_all(assigned)
    }

    fn position_all(&mut self, assigned: Vec<Assigned>) -> TdResult<Vec<String>> {
        let mut warnings = Vec::new();
        for a in assigned {
            if a.begin >= 0 {
                warnings.extend(self.position(&a)?);
            }
        }
        Ok(warnings)
    }

    /// Opens a new consumer after a failure and seeks every assigned vgroup
    /// to where reading stopped.
    pub(super) fn reopen(&mut self) -> TdResult<()> {
        if let Some(old) = self.tmq.take() {
            old.close();
        }
        self.seeked.clear();
        self.nodelay.reset();
        self.conn()?;
        let mut tmq = self.subscribe()?;
        let assigned = tmq.assignments()?;
        self.tmq = Some(tmq);
        self.events.push(format!(
            "reconnected; assigned now: {}",
            describe(&assigned)
        ));
        for w in self.position_all(assigned)? {
            self.health.warnings.push(w);
        }
        self.nodelay.after(nodelay::SQL);
        Ok(())
    }

    /// Seeks a vgroup to where reading stopped, else to its stored offset,
    /// else to the start or end of the retained WAL (`subscription.from`).
    pub(super) fn position(&mut self, a: &Assigned) -> TdResult<Option<String>> {
        let key = (a.topic.clone(), a.vgroup);
        let mut warning = None;
        let known = match self.positions.get(&key) {
            Some(&p) => Some((p, self.skips.get(&key).copied().unwrap_or(0))),
            None => self.stored.get(&key).copied(),
        };
        let (target, skip) = match known {
            Some((offset, _)) if a.begin >= 0 && offset < a.begin => {
                warning = Some(format!(
                    "TMQ topic {} vgroup {}: offset {offset} to resume from is older than the retained WAL \
                     (begins at {}); rows in between were dropped by TDengine (raise WAL_RETENTION_PERIOD)",
                    a.topic, a.vgroup, a.begin
                ));
                (a.begin, 0)
            }
            Some(at) => at,
            None if self.config.from_earliest => (a.begin.max(0), 0),
            None => (a.end.max(0), 0),
        };
        self.tmq()?.seek(&a.topic, a.vgroup, target)?;
        self.events.push(format!(
            "seek {}/{} to {target} (skip {skip}; WAL {}..{})",
            a.topic, a.vgroup, a.begin, a.end
        ));
        self.positions.insert(key.clone(), target);
        self.seeked.insert(key.clone());
        if skip > 0 {
            self.skips.insert(key, skip);
        } else {
            self.skips.remove(&key);
        }
        Ok(warning)
    }
}

/// Assignments as `topic/vgroup WAL begin..end`, for events.
fn describe(assigned: &[Assigned]) -> String {
    assigned
        .iter()
        .map(|a| format!("{}/{} WAL {}..{}", a.topic, a.vgroup, a.begin, a.end))
        .collect::<Vec<_>>()
        .join(" ")
}
