//! Decoder for the batch buffer the Java shim fills (format version 4).
//!
//! ```text
//! header (little-endian):
//!   u32 magic  = 0x42434454 ("TDCB")
//!   u16 format = 4
//!   u16 flags  = 0 (reserved)
//!   u32 count  = number of records
//!   u32 topic table offset (from the start of the buffer)
//! per record (from byte 16 up to the topic table):
//!   u16 topic     = index into the topic table
//!   i32 partition
//!   i64 timestamp = Kafka record timestamp in ms, i64::MIN when absent
//!   u32 key       = key length, u32::MAX for a null key; then the UTF-8 key
//!   u8  kind      = 0 null value | 1 UTF-8 text | 2 structured (see sink::structured::value)
//!   u32 length    = payload bytes (0 for null)
//!   [length]      payload
//! topic table (ends the buffer):
//!   u16 topics = number of distinct topics
//!   per topic:  u16 length, UTF-8 name
//! ```
//! The topic table comes last so the shim can append records across
//! `put()` calls and learn new topics as they come.
//! Records borrow from the buffer: decoding copies nothing.

use crate::error::{TdError, TdResult};

pub const MAGIC: u32 = 0x4243_4454;
pub const FORMAT: u16 = 4;
pub const HEADER_LEN: usize = 16;
/// Smallest encoded record: topic, partition, timestamp, key length, kind, length.
const MIN_RECORD_LEN: usize = 23;

pub const KIND_NULL: u8 = 0;
pub const KIND_TEXT: u8 = 1;
pub const KIND_STRUCTURED: u8 = 2;
pub const NO_TIMESTAMP: i64 = i64::MIN;
pub const NULL_KEY: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
    /// A text record that is not valid UTF-8: a data error of that record,
    /// reported in batch order by the writer.
    InvalidText,
    /// Encoded fields of a Struct or Map (decoded by `sink::structured::value`).
    Structured(&'a [u8]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Index into [`Batch::topics`].
    pub topic: u16,
    pub partition: i32,
    /// Kafka record timestamp, ms.
    pub timestamp: Option<i64>,
    /// The key as text (None when null or not UTF-8).
    pub key: Option<&'a str>,
    pub value: Value<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch<'a> {
    pub topics: Vec<&'a str>,
    pub records: Vec<Record<'a>>,
}

/// Decodes a whole batch. A malformed frame is fatal (it is a shim bug, not
/// bad user data); invalid UTF-8 inside a record is that record's data error.
pub fn decode(buf: &[u8]) -> TdResult<Batch<'_>> {
    let mut r = Reader { buf, pos: 0 };
    if r.u32()? != MAGIC {
        return Err(TdError::fatal("batch buffer: bad magic"));
    }
    let format = r.u16()?;
    if format != FORMAT {
        return Err(TdError::fatal(format!(
            "batch buffer: format {format}, this library reads {FORMAT}"
        )));
    }
    let _flags = r.u16()?;
    let count = r.u32()? as usize;
    // Refuse counts the buffer cannot hold before allocating for them.
    if count > buf.len().saturating_sub(HEADER_LEN) / MIN_RECORD_LEN {
        return Err(TdError::fatal(format!(
            "batch buffer: {count} records cannot fit in {} bytes",
            buf.len()
        )));
    }
    let table_at = r.u32()? as usize;
    if table_at < HEADER_LEN || table_at > buf.len() {
        return Err(TdError::fatal(format!(
            "batch buffer: topic table at {table_at} outside {} bytes",
            buf.len()
        )));
    }
    let topics = decode_topics(&buf[table_at..])?;
    let mut r = Reader {
        buf: &buf[..table_at],
        pos: HEADER_LEN,
    };
    let mut records = Vec::with_capacity(count);
    for index in 0..count {
        let topic = r.u16()?;
        if topic as usize >= topics.len() {
            return Err(TdError::fatal(format!(
                "batch buffer: record #{index} names topic {topic} of {}",
                topics.len()
            )));
        }
        let partition = r.u32()? as i32;
        let timestamp = Some(r.u64()? as i64).filter(|t| *t != NO_TIMESTAMP);
        let key = match r.u32()? {
            NULL_KEY => None,
            n => std::str::from_utf8(r.take(n as usize)?).ok(),
        };
        let kind = r.u8()?;
        let len = r.u32()? as usize;
        let payload = r.take(len)?;
        let value = match kind {
            KIND_NULL => Value::Null,
            KIND_TEXT => std::str::from_utf8(payload).map_or(Value::InvalidText, Value::Text),
            KIND_STRUCTURED => Value::Structured(payload),
            other => {
                return Err(TdError::fatal(format!(
                    "batch buffer: record #{index} has unknown kind {other}"
                )))
            }
        };
        records.push(Record {
            topic,
            partition,
            timestamp,
            key,
            value,
        });
    }
    if r.pos != table_at {
        return Err(TdError::fatal(format!(
            "batch buffer: {} bytes between the records and the topic table",
            table_at - r.pos
        )));
    }
    Ok(Batch { topics, records })
}

fn decode_topics(table: &[u8]) -> TdResult<Vec<&str>> {
    let mut r = Reader { buf: table, pos: 0 };
    let count = r.u16()? as usize;
    // A topic takes at least 2 bytes: never reserve more than the table holds.
    let mut topics = Vec::with_capacity(count.min(table.len() / 2));
    for _ in 0..count {
        let len = r.u16()? as usize;
        topics.push(
            std::str::from_utf8(r.take(len)?)
                .map_err(|_| TdError::fatal("batch buffer: topic name is not UTF-8"))?,
        );
    }
    if r.pos != table.len() {
        return Err(TdError::fatal(format!(
            "batch buffer: {} trailing bytes",
            table.len() - r.pos
        )));
    }
    Ok(topics)
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> TdResult<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.buf.len())
            .ok_or_else(|| TdError::fatal("batch buffer: truncated"))?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u8(&mut self) -> TdResult<u8> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> TdResult<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> TdResult<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> TdResult<u64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
}

/// Encoder with the same layout, for tests and benchmarks on the Rust side.
pub fn encode(batch: &Batch<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + batch.records.len() * 64);
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(batch.records.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // topic table offset, set below
    for record in &batch.records {
        out.extend_from_slice(&record.topic.to_le_bytes());
        out.extend_from_slice(&record.partition.to_le_bytes());
        out.extend_from_slice(&record.timestamp.unwrap_or(NO_TIMESTAMP).to_le_bytes());
        match record.key {
            None => out.extend_from_slice(&NULL_KEY.to_le_bytes()),
            Some(k) => {
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(k.as_bytes());
            }
        }
        match record.value {
            Value::Null | Value::InvalidText => {
                out.push(KIND_NULL);
                out.extend_from_slice(&0u32.to_le_bytes());
            }
            Value::Text(s) => {
                out.push(KIND_TEXT);
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            Value::Structured(b) => {
                out.push(KIND_STRUCTURED);
                out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                out.extend_from_slice(b);
            }
        }
    }
    let table_at = out.len() as u32;
    out[12..16].copy_from_slice(&table_at.to_le_bytes());
    out.extend_from_slice(&(batch.topics.len() as u16).to_le_bytes());
    for t in &batch.topics {
        out.extend_from_slice(&(t.len() as u16).to_le_bytes());
        out.extend_from_slice(t.as_bytes());
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn rec(topic: u16, value: Value<'_>) -> Record<'_> {
        Record {
            topic,
            partition: 0,
            timestamp: None,
            key: None,
            value,
        }
    }

    /// A batch of the given values, all on topic "metrics".
    fn batch<'a>(values: &[Value<'a>]) -> Batch<'a> {
        Batch {
            topics: vec!["metrics"],
            records: values.iter().map(|&value| rec(0, value)).collect(),
        }
    }

    #[test]
    fn round_trips() {
        let b = Batch {
            topics: vec!["a", "b.c"],
            records: vec![
                Record {
                    topic: 1,
                    partition: 7,
                    timestamp: Some(1_700_000_000_000),
                    key: Some("dev-1"),
                    value: Value::Text("m,t=a v=1i 1"),
                },
                rec(0, Value::Null),
                rec(1, Value::Structured(&[0, 0])),
            ],
        };
        assert_eq!(decode(&encode(&b)).unwrap(), b);
    }

    #[test]
    fn rejects_bad_magic_truncation_and_unknown_topics() {
        let mut buf = encode(&batch(&[Value::Text("abc")]));
        assert!(matches!(
            decode(&buf[..buf.len() - 1]),
            Err(TdError::Fatal { .. })
        ));
        assert_eq!(&buf[HEADER_LEN..HEADER_LEN + 2], &[0, 0]);
        buf[HEADER_LEN] = 9;
        assert!(matches!(decode(&buf), Err(TdError::Fatal { .. })));
        buf[0] ^= 1;
        assert!(matches!(decode(&buf), Err(TdError::Fatal { .. })));
    }

    #[test]
    fn rejects_absurd_count() {
        let mut buf = encode(&batch(&[]));
        buf[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode(&buf), Err(TdError::Fatal { .. })));
    }

    #[test]
    fn invalid_utf8_marks_only_that_record() {
        let mut buf = encode(&batch(&[Value::Text("ok"), Value::Text("xx")]));
        let last = buf.len() - (2 + 2 + "metrics".len()) - 1;
        buf[last] = 0xff;
        let decoded = decode(&buf).unwrap();
        assert_eq!(decoded.records[0].value, Value::Text("ok"));
        assert_eq!(decoded.records[1].value, Value::InvalidText);
    }
}
