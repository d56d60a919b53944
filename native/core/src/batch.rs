//! Decoder for the batch buffer the Java shim fills (format version 1).
//!
//! ```text
//! header (12 bytes, little-endian):
//!   u32 magic  = 0x42434454 ("TDCB")
//!   u16 format = 1
//!   u16 flags  = 0 (reserved)
//!   u32 count  = number of records
//! per record:
//!   u8  kind   = 0 null value | 1 UTF-8 text
//!   u32 length = payload bytes (0 for null)
//!   [length]   payload
//! ```
//! Records borrow from the buffer: decoding copies nothing.

use crate::error::{TdError, TdResult};

pub const MAGIC: u32 = 0x4243_4454;
pub const FORMAT: u16 = 1;
pub const HEADER_LEN: usize = 12;

pub const KIND_NULL: u8 = 0;
pub const KIND_TEXT: u8 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Text(&'a str),
}

/// Decodes a whole batch. A malformed frame is fatal (it is a shim bug, not
/// bad user data); invalid UTF-8 inside a record is that record's data error.
pub fn decode(buf: &[u8]) -> TdResult<Vec<Value<'_>>> {
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
    // Each record takes at least 5 bytes: refuse counts the buffer cannot hold.
    if count > buf.len().saturating_sub(HEADER_LEN) / 5 {
        return Err(TdError::fatal(format!(
            "batch buffer: {count} records cannot fit in {} bytes",
            buf.len()
        )));
    }
    let mut values = Vec::with_capacity(count);
    for index in 0..count {
        let kind = r.u8()?;
        let len = r.u32()? as usize;
        let payload = r.take(len)?;
        values.push(match kind {
            KIND_NULL => Value::Null,
            KIND_TEXT => Value::Text(
                std::str::from_utf8(payload)
                    .map_err(|e| TdError::data(index, format!("value is not valid UTF-8: {e}")))?,
            ),
            other => {
                return Err(TdError::fatal(format!(
                    "batch buffer: record #{index} has unknown kind {other}"
                )))
            }
        });
    }
    if r.pos != buf.len() {
        return Err(TdError::fatal(format!(
            "batch buffer: {} trailing bytes",
            buf.len() - r.pos
        )));
    }
    Ok(values)
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
}

/// Encoder with the same layout, for tests and benchmarks on the Rust side.
pub fn encode(values: &[Value<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + values.len() * 64);
    out.extend_from_slice(&MAGIC.to_le_bytes());
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for v in values {
        match v {
            Value::Null => {
                out.push(KIND_NULL);
                out.extend_from_slice(&0u32.to_le_bytes());
            }
            Value::Text(s) => {
                out.push(KIND_TEXT);
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let values = [Value::Text("m,t=a v=1i 1"), Value::Null, Value::Text("")];
        assert_eq!(decode(&encode(&values)).unwrap(), values);
    }

    #[test]
    fn rejects_bad_magic_and_truncation() {
        let mut buf = encode(&[Value::Text("abc")]);
        assert!(matches!(
            decode(&buf[..buf.len() - 1]),
            Err(TdError::Fatal { .. })
        ));
        buf[0] ^= 1;
        assert!(matches!(decode(&buf), Err(TdError::Fatal { .. })));
    }

    #[test]
    fn rejects_absurd_count() {
        let mut buf = encode(&[]);
        buf[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode(&buf), Err(TdError::Fatal { .. })));
    }

    #[test]
    fn invalid_utf8_is_a_data_error_of_that_record() {
        let mut buf = encode(&[Value::Text("ok"), Value::Text("xx")]);
        let last = buf.len() - 1;
        buf[last] = 0xff;
        assert_eq!(
            decode(&buf).unwrap_err(),
            TdError::Data {
                index: 1,
                message: "value is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 1"
                    .into()
            }
        );
    }
}
