//! Records handed to the shim after a poll, in one byte array
//! (little-endian). A poll's records share their Kafka topic, super table
//! and source partition (one TMQ message is one topic and vgroup; one query
//! page is one table), so those are written once per section, and child
//! table names once per section in a dictionary:
//!
//! ```text
//! u32 section count
//! section: str kafka topic | str super table | u8 kind, then
//!            0 (subscription): str TMQ topic | i32 vgroup
//!            1 (query):        nothing (the partition is the super table)
//!          u16 table count | str per table
//!          u32 record count | per record:
//!            u16 table index (key and table header) | u32 length + value bytes | i64 timestamp ms
//!            0: i64 offset | i64 skip      1: i64 row time in the database precision
//! str = u16 length + UTF-8
//! ```

use std::collections::HashMap;

use super::record::{OutRecord, Position};

pub fn encode(records: &[OutRecord]) -> Vec<u8> {
    let size: usize = records.iter().map(|r| 32 + r.value.len()).sum();
    let mut out = Vec::with_capacity(64 + size);
    let mut sections = 0u32;
    out.extend_from_slice(&0u32.to_le_bytes());
    let mut start = 0;
    while start < records.len() {
        let first = &records[start];
        // At most u16::MAX records, so the table dictionary's u16 indexes suffice.
        let end = start
            + records[start..]
                .iter()
                .take(u16::MAX as usize)
                .take_while(|r| same_section(first, r))
                .count();
        section(&records[start..end], &mut out);
        sections += 1;
        start = end;
    }
    out[..4].copy_from_slice(&sections.to_le_bytes());
    out
}

fn same_section(a: &OutRecord, b: &OutRecord) -> bool {
    a.kafka_topic == b.kafka_topic
        && a.stable == b.stable
        && match (&a.position, &b.position) {
            (
                Position::Tmq {
                    topic: t1,
                    vgroup: v1,
                    ..
                },
                Position::Tmq {
                    topic: t2,
                    vgroup: v2,
                    ..
                },
            ) => t1 == t2 && v1 == v2,
            (Position::Query { .. }, Position::Query { .. }) => true,
            _ => false,
        }
}

fn section(records: &[OutRecord], out: &mut Vec<u8>) {
    let first = &records[0];
    text(&first.kafka_topic, out);
    text(&first.stable, out);
    match &first.position {
        Position::Tmq { topic, vgroup, .. } => {
            out.push(0);
            text(topic, out);
            out.extend_from_slice(&vgroup.to_le_bytes());
        }
        Position::Query { .. } => out.push(1),
    }
    let mut index: HashMap<&str, u16> = HashMap::new();
    let mut tables: Vec<&str> = Vec::new();
    let indexes: Vec<u16> = records
        .iter()
        .map(|r| {
            *index.entry(r.table.as_str()).or_insert_with(|| {
                tables.push(r.table.as_str());
                (tables.len() - 1) as u16
            })
        })
        .collect();
    out.extend_from_slice(&(tables.len() as u16).to_le_bytes());
    for t in &tables {
        text(t, out);
    }
    out.extend_from_slice(&(records.len() as u32).to_le_bytes());
    for (r, i) in records.iter().zip(indexes) {
        out.extend_from_slice(&i.to_le_bytes());
        out.extend_from_slice(&(r.value.len() as u32).to_le_bytes());
        out.extend_from_slice(&r.value);
        out.extend_from_slice(&r.timestamp_ms.to_le_bytes());
        match &r.position {
            Position::Tmq { offset, skip, .. } => {
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&(*skip as i64).to_le_bytes());
            }
            Position::Query { ts } => out.extend_from_slice(&ts.to_le_bytes()),
        }
    }
}

/// Names longer than 65535 bytes cannot occur (TDengine limits them to 192).
fn text(s: &str, out: &mut Vec<u8>) {
    let bytes = &s.as_bytes()[..s.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(table: &str, vgroup: i32, offset: i64) -> OutRecord {
        OutRecord {
            kafka_topic: "td-db-m".into(),
            key: table.into(),
            value: b"{}".to_vec(),
            timestamp_ms: 7,
            position: Position::Tmq {
                topic: "t".into(),
                vgroup,
                offset,
                skip: 0,
            },
            stable: "m".into(),
            table: table.into(),
        }
    }

    #[test]
    fn shared_names_are_written_once_per_section() {
        let out = encode(&[
            rec("a", 2, 1),
            rec("b", 2, 2),
            rec("a", 2, 3),
            rec("a", 3, 4),
        ]);
        assert_eq!(u32::from_le_bytes([out[0], out[1], out[2], out[3]]), 2);
        // Section 1: topic, stable, kind 0, TMQ topic, vgroup 2, tables [a, b], 3 records.
        let mut at = 4;
        let skip_str = |at: &mut usize| {
            let n = u16::from_le_bytes([out[*at], out[*at + 1]]) as usize;
            *at += 2 + n;
        };
        skip_str(&mut at);
        skip_str(&mut at);
        assert_eq!(out[at], 0);
        at += 1;
        skip_str(&mut at);
        assert_eq!(
            i32::from_le_bytes([out[at], out[at + 1], out[at + 2], out[at + 3]]),
            2
        );
        at += 4;
        assert_eq!(u16::from_le_bytes([out[at], out[at + 1]]), 2);
        at += 2 + 3 + 3;
        assert_eq!(
            u32::from_le_bytes([out[at], out[at + 1], out[at + 2], out[at + 3]]),
            3
        );
        at += 4;
        // The third record points at table 0 ("a").
        let record = 2 + 4 + 2 + 8 + 16;
        assert_eq!(
            u16::from_le_bytes([out[at + 2 * record], out[at + 2 * record + 1]]),
            0
        );
    }
}
