//! What one poll hands to Kafka, as either read method produces it: one TMQ
//! message (one topic and vgroup) or one query page (one table). Names shared
//! by every row are held once; child tables once each, in a dictionary.

use std::collections::HashMap;

/// Where a row came from, which is what Connect stores as its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowPosition {
    /// Subscription: resume at WAL version `offset` and drop `skip` rows from there.
    Tmq { offset: i64, skip: u64 },
    /// Query: the row time in the database precision; with the child table,
    /// (time, child table) is unique and totally ordered, so equal
    /// timestamps are neither lost nor repeated.
    Query { ts: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutRow {
    /// Index into [`Polled::tables`]: the record key and `tdengine.table` header.
    pub table: u32,
    pub value: Vec<u8>,
    /// Row time in ms (the Kafka record timestamp).
    pub timestamp_ms: i64,
    pub position: RowPosition,
}

#[derive(Debug, Default)]
pub struct Polled {
    pub kafka_topic: String,
    /// The super table read (in query mode a normal table reads as itself).
    pub stable: String,
    /// The TMQ topic and vgroup; None for a query page (its partition is the table).
    pub tmq: Option<(String, i32)>,
    pub tables: Vec<String>,
    pub rows: Vec<OutRow>,
    index: HashMap<String, u32>,
}

impl Polled {
    pub fn new(kafka_topic: String, stable: String, tmq: Option<(String, i32)>) -> Self {
        Polled {
            kafka_topic,
            stable,
            tmq,
            ..Polled::default()
        }
    }

    /// The dictionary index of a child table, added when new.
    pub fn table(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.tables.len() as u32;
        self.tables.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }
}
