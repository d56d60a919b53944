//! A source task's reader, whichever `read.method` it uses, with the text
//! formats of partitions and stored offsets the shim exchanges with it:
//!
//! ```text
//! partition lines   subscription: tmq_topic<TAB>vgroup     query: table
//! stored offsets    subscription: tmq_topic<TAB>vgroup<TAB>offset<TAB>skip
//!                   query:        table<TAB>row time<TAB>child table
//! ```

use std::time::Duration;

use super::config::{ReadMethod, SourceConfig};
use super::query::QueryReader;
use super::reader::{SourceReader, StartAt};
use super::record::Polled;
use crate::error::{TdError, TdResult};

pub enum TaskReader {
    // Boxed: both readers are large and live behind a handle anyway.
    Subscription(Box<SourceReader>),
    Query(Box<QueryReader>),
}

impl TaskReader {
    pub fn open(config: SourceConfig) -> TdResult<Self> {
        Ok(match config.read_method {
            ReadMethod::Subscription => {
                TaskReader::Subscription(Box::new(SourceReader::open(config)?))
            }
            ReadMethod::Query => TaskReader::Query(Box::new(QueryReader::open(config)?)),
        })
    }

    /// The source partitions whose stored offsets the shim looks up, one line each.
    pub fn partitions(&mut self) -> TdResult<Vec<String>> {
        Ok(match self {
            TaskReader::Subscription(r) => r
                .partitions()?
                .into_iter()
                .map(|(topic, vgroup)| format!("{topic}\t{vgroup}"))
                .collect(),
            TaskReader::Query(r) => r.partitions(),
        })
    }

    /// Positions the reader at the stored offsets; returns warnings.
    pub fn start(&mut self, stored_lines: &str) -> TdResult<Vec<String>> {
        let lines = stored_lines.lines().filter(|l| !l.is_empty());
        let bad =
            |line: &str| TdError::fatal(format!("stored offset line from the shim: '{line}'"));
        match self {
            TaskReader::Subscription(r) => {
                let stored = lines
                    .map(
                        |line| match line.split('\t').collect::<Vec<_>>().as_slice() {
                            [topic, vgroup, offset, skip] => Ok(StartAt {
                                topic: (*topic).to_owned(),
                                vgroup: vgroup.parse().map_err(|_| bad(line))?,
                                offset: offset.parse().map_err(|_| bad(line))?,
                                skip: skip.parse().map_err(|_| bad(line))?,
                            }),
                            _ => Err(bad(line)),
                        },
                    )
                    .collect::<TdResult<Vec<_>>>()?;
                r.start(&stored)
            }
            TaskReader::Query(r) => {
                let stored = lines
                    .map(
                        |line| match line.splitn(3, '\t').collect::<Vec<_>>().as_slice() {
                            [table, ts, child] => Ok((
                                (*table).to_owned(),
                                ts.parse().map_err(|_| bad(line))?,
                                (*child).to_owned(),
                            )),
                            _ => Err(bad(line)),
                        },
                    )
                    .collect::<TdResult<Vec<_>>>()?;
                r.start(&stored);
                Ok(Vec::new())
            }
        }
    }

    /// The next records. Subscription waits up to `wait` for a TMQ message;
    /// query returns at once (the shim waits poll.interval.ms when idle).
    pub fn poll(&mut self, wait: Duration) -> TdResult<Option<Polled>> {
        match self {
            TaskReader::Subscription(r) => r.poll(wait),
            TaskReader::Query(r) => r.poll(),
        }
    }

    pub fn stats(&mut self) -> String {
        match self {
            TaskReader::Subscription(r) => r.stats(),
            TaskReader::Query(r) => r.stats(),
        }
    }

    /// Kafka acknowledged a vgroup's records before `offset` (subscription only).
    pub fn commit(&mut self, topic: &str, vgroup: i32, offset: i64) {
        if let TaskReader::Subscription(r) = self {
            r.commit(topic, vgroup, offset);
        }
    }

    pub fn close(self) {
        if let TaskReader::Subscription(r) = self {
            (*r).close();
        }
    }
}
