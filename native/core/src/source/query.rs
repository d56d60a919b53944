//! `read.method=query`: each (super) table is read by time-window queries,
//! in (row time, child table) order, one page of `fetch.max.rows` at a time.
//!
//! Within a super table, the row time alone is not unique (every child table
//! may have a row at the same instant), but (time, child table) is, since a
//! child table's timestamp is its primary key. The offset is that pair, and
//! the next page starts strictly after it:
//! `(ts > T OR (ts = T AND tbname > 'child')) ORDER BY ts, tbname`,
//! so rows sharing a timestamp at a page or window edge are neither lost nor
//! repeated. Windows end `timestamp.delay.interval.ms` before now, so rows
//! still being written for the last moments are read once they have landed.

use std::collections::HashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use taos::Ty;

use super::columns::{self, DecimalType};
use super::config::SourceConfig;
use super::record::{OutRow, Polled, RowPosition};
use super::render;
use super::tags::TableTags;
use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use crate::nodelay;
use crate::sql::qualified;

mod cursor;

pub use cursor::Bound;
use cursor::{Cursor, Layout, SELECT_LIST_EVERY};

pub struct QueryReader {
    config: SourceConfig,
    /// Reopened after a transient failure.
    taos: connection::Reconnecting,
    nodelay: nodelay::Scans,
    /// Database time units per millisecond (1, 1000, 1000000).
    per_ms: i64,
    cursors: Vec<Cursor>,
    /// Round-robin: the cursor the next poll starts with.
    next: usize,
    /// How far behind the newest row read is, when the last page was full.
    behind_ms: i64,
    rows_read: u64,
}

impl QueryReader {
    pub fn open(config: SourceConfig) -> TdResult<Self> {
        let taos = connection::connect(&config.connection, Some(&config.database))?;
        let per_ms = database_units_per_ms(&taos, &config.database)?;
        let mut described = Vec::with_capacity(config.stables.len());
        for table in &config.stables {
            described.push(columns::describe(&taos, &config.database, table)?);
        }
        let initial = match &config.timestamp_initial {
            Some(text) if !text.trim().is_empty() => Some(parse_initial(text, per_ms)?),
            _ => None,
        };
        let cursors = config
            .stables
            .iter()
            .zip(described)
            .map(|(t, d)| {
                let mut c = Cursor {
                    table: t.clone(),
                    from: initial.map(|ts| Bound { ts, after: None }),
                    layout: None,
                    select: None,
                    decimals: HashMap::new(),
                    described: Instant::now(),
                };
                c.describe(d)?;
                Ok(c)
            })
            .collect::<TdResult<Vec<_>>>()?;
        let nodelay = nodelay::Scans::new(connection::websocket_port(&config.connection));
        Ok(QueryReader {
            config,
            taos: connection::Reconnecting::new(taos),
            nodelay,
            per_ms,
            cursors,
            next: 0,
            behind_ms: 0,
            rows_read: 0,
        })
    }

    /// The tables read: the source partitions.
    pub fn partitions(&self) -> Vec<String> {
        self.cursors.iter().map(|c| c.table.clone()).collect()
    }

    /// Resumes tables from Connect's stored offsets: (table, row time, child table).
    pub fn start(&mut self, stored: &[(String, i64, String)]) {
        for (table, ts, child) in stored {
            if let Some(c) = self.cursors.iter_mut().find(|c| &c.table == table) {
                c.from = Some(Bound {
                    ts: *ts,
                    after: Some(child.clone()),
                });
            }
        }
    }

    /// The next page of the first table (round-robin) that has new rows; None
    /// when none has. Runs at most one query per table (two with windows).
    pub fn poll(&mut self) -> TdResult<Option<Polled>> {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let upper = (now_ms - self.config.query_delay_ms) * self.per_ms;
        let page = self.first_page(upper, now_ms);
        if let Err(TdError::Retriable(message)) = &page {
            // The connection may be dead: reconnect on the next poll. The
            // cursors stay, so reading resumes exactly where it was.
            self.taos.drop_connection();
            self.nodelay.reset();
            if message.contains("no answer from TDengine") {
                // Perhaps a column the client cannot decode (added upstream).
                let conn = self.conn()?;
                for c in &self.cursors {
                    columns::describe(&conn, &self.config.database, &c.table)?;
                }
            }
        } else {
            self.nodelay.after(nodelay::SQL);
        }
        page
    }

    /// The plain connection, opened again after a failure.
    fn conn(&mut self) -> TdResult<Conn> {
        self.taos
            .get(&self.config.connection, &self.config.database)
    }

    fn first_page(&mut self, upper: i64, now_ms: i64) -> TdResult<Option<Polled>> {
        for _ in 0..self.cursors.len() {
            let i = self.next;
            self.next = (self.next + 1) % self.cursors.len();
            if let Some(page) = self.page(i, upper)? {
                self.rows_read += page.rows.len() as u64;
                let full = page.rows.len() as u64 >= self.config.fetch_max_rows;
                self.behind_ms = match page.rows.last() {
                    Some(r) if full => (now_ms - r.timestamp_ms).max(0),
                    _ => 0,
                };
                return Ok(Some(page));
            }
        }
        self.behind_ms = 0;
        Ok(None)
    }

    pub fn stats(&self) -> String {
        format!(
            "rows_read={}\nlag=0\nbehind_ms={}\nwal_retention_s=-1\n",
            self.rows_read, self.behind_ms
        )
    }

    /// The table's next page; None when it has no new rows (or was dropped).
    fn page(&mut self, i: usize, upper: i64) -> TdResult<Option<Polled>> {
        let window = self.config.query_interval_ms * self.per_ms;
        let from = self.cursors[i].from.clone();
        let end = match &from {
            Some(b) if window > 0 => upper.min(b.ts.saturating_add(window)),
            _ => upper,
        };
        let table = self.cursors[i].table.clone();
        if self.cursors[i].select.is_some()
            && self.cursors[i].described.elapsed() > SELECT_LIST_EVERY
        {
            let conn = self.conn()?;
            let columns = columns::describe(&conn, &self.config.database, &table)?;
            self.cursors[i].describe(columns)?;
        }
        let target = qualified(&self.config.database, &table).map_err(TdError::fatal)?;
        let lower = from
            .as_ref()
            .map(|b| format!("{} AND ", b.condition()))
            .unwrap_or_default();
        let sql = format!(
            "SELECT {}, tbname FROM {target} WHERE {lower}_c0 < {end} ORDER BY _c0, tbname LIMIT {}",
            self.cursors[i].select.as_deref().unwrap_or("*"),
            self.config.fetch_max_rows
        );
        let Some(page) = self.read(i, &sql)? else {
            return Ok(None);
        };
        if let Some(last) = page.rows.last() {
            if let RowPosition::Query { ts } = last.position {
                self.cursors[i].from = Some(Bound {
                    ts,
                    after: Some(page.tables[last.table as usize].clone()),
                });
            }
            return Ok(Some(page));
        }
        if end < upper {
            // An empty window: jump to the next row rather than crawl windows.
            let next =
                format!("SELECT _c0 FROM {target} WHERE {lower}_c0 < {upper} ORDER BY _c0 LIMIT 1");
            let conn = self.conn()?;
            let rows = connection::rows(&conn, next, &format!("reading {table}"))?;
            if let Some(ts) =
                rows.first()
                    .and_then(|r| r.first())
                    .and_then(|v| match v.to_borrowed_value() {
                        taos::BorrowedValue::Timestamp(t) => Some(t.as_raw_i64()),
                        _ => None,
                    })
            {
                self.cursors[i].from = Some(Bound { ts, after: None });
                return self.page(i, upper);
            }
        }
        Ok(None)
    }

    /// Runs a page query; None when the table has been dropped (discovery
    /// will reconfigure the task).
    fn read(&mut self, i: usize, sql: &str) -> TdResult<Option<Polled>> {
        let table = self.cursors[i].table.clone();
        let conn = self.conn()?;
        let (fields, blocks) = match conn.query_blocks(sql) {
            Ok(result) => result,
            Err(e) if is_missing_table(&e) => return Ok(None),
            Err(e) => return Err(e.into_td(&format!("reading {table}"))),
        };
        let names: Vec<String> = fields.iter().map(|f| f.name().to_owned()).collect();
        let types: Vec<Ty> = fields.iter().map(|f| f.ty()).collect();
        // The last result column is tbname.
        let shown = &names[..names.len().saturating_sub(1)];
        let columns = self.columns_of(i, shown)?;
        let column_names: Vec<&str> = shown[..columns].iter().map(String::as_str).collect();
        let decimals: Vec<Option<DecimalType>> = match &self.cursors[i].decimals {
            d if d.is_empty() => Vec::new(),
            d => column_names.iter().map(|n| d.get(*n).copied()).collect(),
        };
        let mut out = Polled::new(self.config.kafka_topic(&table), table.clone(), None);
        let mut tags_of: HashMap<String, TableTags> = HashMap::new();
        for block in blocks {
            let mut all = Vec::with_capacity(names.len());
            for row in 0..block.nrows() {
                render::cells_into(&block, row, names.len(), &mut all);
                let Some(taos::BorrowedValue::VarChar(child)) = all.last() else {
                    continue;
                };
                let index = out.table(child);
                let tags = tags_of.entry((*child).to_owned()).or_insert_with(|| {
                    TableTags::from_values(
                        shown[columns..]
                            .iter()
                            .map(String::as_str)
                            .zip(all[columns..shown.len()].iter().cloned()),
                    )
                });
                let r = render::row(
                    self.config.out_format,
                    &table,
                    &column_names,
                    &types[..columns],
                    &decimals,
                    &all[..columns],
                    tags,
                );
                out.rows.push(OutRow {
                    table: index,
                    value: r.value,
                    timestamp_ms: r.ts_ms,
                    position: RowPosition::Query { ts: r.ts_raw },
                });
            }
        }
        Ok(Some(out))
    }

    /// How many of the result's leading fields are columns (DESCRIBE, cached
    /// until the result's fields change: a column or tag added upstream).
    fn columns_of(&mut self, i: usize, shown: &[String]) -> TdResult<usize> {
        if let Some(l) = &self.cursors[i].layout {
            if l.names == shown {
                return Ok(l.columns);
            }
        }
        let table = self.cursors[i].table.clone();
        let conn = self.conn()?;
        let described = connection::rows(
            &conn,
            format!(
                "DESCRIBE {}",
                qualified(&self.config.database, &table).map_err(TdError::fatal)?
            ),
            &format!("describing {table}"),
        )?;
        // DESCRIBE rows: field, type, length, note ("TAG" for tags).
        let columns = described
            .iter()
            .filter(|row| {
                !row.get(3)
                    .is_some_and(|n| n.to_string().is_ok_and(|s| s == "TAG"))
            })
            .count()
            .min(shown.len());
        self.cursors[i].layout = Some(Layout {
            names: shown.to_vec(),
            columns,
        });
        Ok(columns)
    }
}

fn is_missing_table(e: &connection::Failed) -> bool {
    // PAR_TABLE_NOT_EXIST, MND_STB_NOT_EXIST, TDB_TABLE_NOT_EXIST; a dropped
    // table can also come back as PAR_GET_META_ERROR ("Fail to get table
    // info, error: Table does not exist").
    matches!(e, connection::Failed::Server(_))
        && (matches!(e.code(), 0x2603 | 0x0362 | 0x0603)
            || e.to_string().contains("Table does not exist"))
}

fn database_units_per_ms(conn: &Conn, database: &str) -> TdResult<i64> {
    let precision = connection::database_setting(conn, database, "precision")?
        .ok_or_else(|| TdError::fatal(format!("database {database} does not exist")))?;
    Ok(match precision.as_str() {
        "us" => 1_000,
        "ns" => 1_000_000,
        _ => 1,
    })
}

/// `timestamp.initial`: `yyyy-MM-dd HH:mm:ss` (UTC), RFC 3339 with an offset,
/// or epoch milliseconds; in database units.
pub fn parse_initial(text: &str, per_ms: i64) -> TdResult<i64> {
    let text = text.trim();
    let ms = if let Ok(ms) = text.parse::<i64>() {
        ms
    } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        t.timestamp_millis()
    } else {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .map_err(|e| {
                TdError::fatal(format!(
                    "timestamp.initial '{text}': expected yyyy-MM-dd HH:mm:ss (UTC), RFC 3339 or epoch ms ({e})"
                ))
            })?
            .and_utc()
            .timestamp_millis()
    };
    Ok(ms.saturating_mul(per_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_timestamps_parse_in_database_units() {
        assert_eq!(parse_initial("1970-01-01 00:00:01", 1).unwrap(), 1_000);
        assert_eq!(
            parse_initial("1970-01-01T00:00:01+00:00", 1_000).unwrap(),
            1_000_000
        );
        assert_eq!(parse_initial("42", 1_000_000).unwrap(), 42_000_000);
        assert!(parse_initial("yesterday", 1).is_err());
    }
}
