//! A Kafka record to be, as either read method produces it.

/// Where a record came from, which is what Connect stores as its offset.
#[derive(Debug, Clone, PartialEq)]
pub enum Position {
    /// Subscription: partition (TMQ topic, vgroup), offset (WAL version, rows to skip).
    Tmq {
        topic: String,
        vgroup: i32,
        offset: i64,
        skip: u64,
    },
    /// Query: partition = the queried (super) table, offset = (row time in the
    /// database precision, child table); (time, child table) is unique and
    /// totally ordered, so equal timestamps are neither lost nor repeated.
    Query { ts: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutRecord {
    pub kafka_topic: String,
    /// The child table (or normal table).
    pub key: String,
    pub value: Vec<u8>,
    /// Row time in ms (the Kafka record timestamp).
    pub timestamp_ms: i64,
    pub position: Position,
    /// The super table read (in query mode a normal table reads as itself).
    pub stable: String,
    pub table: String,
}
