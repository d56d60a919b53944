//! One poll's records for the shim, in one byte array (little-endian).
//! Names every row shares are written once, child tables once each:
//!
//! ```text
//! str kafka topic | str super table | u8 kind, then
//!   0 (subscription): str TMQ topic | i32 vgroup
//!   1 (query):        nothing (the partition is the super table)
//! u32 table count | str per table
//! u32 record count | per record:
//!   u32 table index (key and table header) | u32 length + value bytes | i64 timestamp ms
//!   0: i64 offset | i64 skip      1: i64 row time in the database precision
//! str = u16 length + UTF-8
//! ```

use super::record::{Polled, RowPosition};

pub fn encode(polled: &Polled) -> Vec<u8> {
    let size: usize = polled.rows.iter().map(|r| 28 + r.value.len()).sum();
    let mut out = Vec::with_capacity(64 + size + polled.tables.len() * 16);
    text(&polled.kafka_topic, &mut out);
    text(&polled.stable, &mut out);
    match &polled.tmq {
        Some((topic, vgroup)) => {
            out.push(0);
            text(topic, &mut out);
            out.extend_from_slice(&vgroup.to_le_bytes());
        }
        None => out.push(1),
    }
    out.extend_from_slice(&(polled.tables.len() as u32).to_le_bytes());
    for t in &polled.tables {
        text(t, &mut out);
    }
    out.extend_from_slice(&(polled.rows.len() as u32).to_le_bytes());
    for r in &polled.rows {
        out.extend_from_slice(&r.table.to_le_bytes());
        out.extend_from_slice(&(r.value.len() as u32).to_le_bytes());
        out.extend_from_slice(&r.value);
        out.extend_from_slice(&r.timestamp_ms.to_le_bytes());
        match r.position {
            RowPosition::Tmq { offset, skip } => {
                out.extend_from_slice(&offset.to_le_bytes());
                out.extend_from_slice(&(skip as i64).to_le_bytes());
            }
            RowPosition::Query { ts } => out.extend_from_slice(&ts.to_le_bytes()),
        }
    }
    out
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

    #[test]
    fn shared_names_are_written_once_and_tables_by_index() {
        let mut polled = Polled::new("td-db-m".into(), "m".into(), Some(("t".into(), 2)));
        for (name, offset) in [("a", 1), ("b", 2), ("a", 3)] {
            let table = polled.table(name);
            polled.rows.push(crate::source::record::OutRow {
                table,
                value: b"{}".to_vec(),
                timestamp_ms: 7,
                position: RowPosition::Tmq { offset, skip: 0 },
            });
        }
        let out = encode(&polled);
        // topic (2+7), stable (2+1), kind, TMQ topic (2+1), vgroup
        let mut at = 9 + 3 + 1 + 3 + 4;
        assert_eq!(&out[at..at + 4], &2u32.to_le_bytes()); // tables a, b
        at += 4 + 3 + 3;
        assert_eq!(&out[at..at + 4], &3u32.to_le_bytes()); // records
        at += 4;
        let record = 4 + 4 + 2 + 8 + 16;
        assert_eq!(
            &out[at + 2 * record..at + 2 * record + 4],
            &0u32.to_le_bytes()
        ); // "a" again
    }
}
