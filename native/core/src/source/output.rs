//! Records handed to the shim after a poll, in one byte array
//! (little-endian):
//!
//! ```text
//! u32 count
//! per record: str kafka topic | str key | u32 length + value bytes | i64 timestamp ms
//!             u8 kind, then
//!               0 (subscription): str TMQ topic | i32 vgroup | i64 offset | i64 skip
//!               1 (query):        i64 row time in the database precision
//!             str super table | str table
//! str = u16 length + UTF-8
//! ```

use super::record::{OutRecord, Position};

pub fn encode(records: &[OutRecord]) -> Vec<u8> {
    let size: usize = records
        .iter()
        .map(|r| 64 + r.value.len() + r.key.len() * 2 + r.kafka_topic.len() * 2)
        .sum();
    let mut out = Vec::with_capacity(4 + size);
    out.extend_from_slice(&(records.len() as u32).to_le_bytes());
    for r in records {
        text(&r.kafka_topic, &mut out);
        text(&r.key, &mut out);
        out.extend_from_slice(&(r.value.len() as u32).to_le_bytes());
        out.extend_from_slice(&r.value);
        out.extend_from_slice(&r.timestamp_ms.to_le_bytes());
        match &r.position {
            Position::Tmq {
                topic,
                vgroup,
                offset,
                skip,
            } => {
                out.push(0);
                text(topic, &mut out);
                out.extend_from_slice(&vgroup.to_le_bytes());
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&(*skip as i64).to_le_bytes());
            }
            Position::Query { ts } => {
                out.push(1);
                out.extend_from_slice(&ts.to_le_bytes());
            }
        }
        text(&r.stable, &mut out);
        text(&r.table, &mut out);
    }
    out
}

/// Names longer than 65535 bytes cannot occur (TDengine limits them to 192).
fn text(s: &str, out: &mut Vec<u8>) {
    let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}
