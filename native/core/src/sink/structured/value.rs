//! Field values of a structured record as the shim encodes them (kind 2):
//!
//! ```text
//! u16 field count
//! per field: u16 name length, UTF-8 name (nested names joined with '_'),
//!            u8 type, value:
//!   0 null | 1 bool u8 | 2 i8 | 3 i16 | 4 i32 | 5 i64 | 6 f32 | 7 f64
//!   8 string (u32 length, UTF-8) | 9 bytes (u32 length)
//!   10 timestamp (i64 ms since epoch, Connect Timestamp)
//!   11 date (i32 days since epoch) | 12 time (i32 ms since midnight)
//!   13 decimal (u32 length, plain decimal text)
//!   14 decimal of declared precision (u8 precision, u32 length, plain decimal text)
//! ```

use crate::error::{TdError, TdResult};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Null,
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    Str(&'a str),
    Bytes(&'a [u8]),
    TimestampMs(i64),
    Date(i32),
    TimeMs(i32),
    /// Plain decimal text and its declared precision (0: none declared).
    Decimal(&'a str, u8),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    pub name: &'a str,
    pub value: FieldValue<'a>,
}

/// Decodes one structured payload; a malformed one is that record's data error.
pub fn decode_fields(index: usize, buf: &[u8]) -> TdResult<Vec<Field<'_>>> {
    let bad = |what: &str| TdError::data(index, format!("structured value: {what}"));
    let mut pos = 0usize;
    let mut take = |n: usize| -> TdResult<&[u8]> {
        let end = pos
            .checked_add(n)
            .filter(|e| *e <= buf.len())
            .ok_or_else(|| bad("truncated"))?;
        let out = &buf[pos..end];
        pos = end;
        Ok(out)
    };
    fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
        let mut a = [0u8; N];
        a.copy_from_slice(b);
        a
    }
    let count = u16::from_le_bytes(arr(take(2)?)) as usize;
    // A field takes at least 3 bytes: never reserve more than the payload holds.
    let mut fields = Vec::with_capacity(count.min(buf.len() / 3));
    for _ in 0..count {
        let len = u16::from_le_bytes(arr(take(2)?)) as usize;
        let name = std::str::from_utf8(take(len)?).map_err(|_| bad("field name is not UTF-8"))?;
        let tag = take(1)?[0];
        let value = match tag {
            0 => FieldValue::Null,
            1 => FieldValue::Bool(take(1)?[0] != 0),
            2 => FieldValue::I8(i8::from_le_bytes(arr(take(1)?))),
            3 => FieldValue::I16(i16::from_le_bytes(arr(take(2)?))),
            4 => FieldValue::I32(i32::from_le_bytes(arr(take(4)?))),
            5 => FieldValue::I64(i64::from_le_bytes(arr(take(8)?))),
            6 => FieldValue::F32(f32::from_le_bytes(arr(take(4)?))),
            7 => FieldValue::F64(f64::from_le_bytes(arr(take(8)?))),
            8 | 13 | 14 => {
                let precision = if tag == 14 { take(1)?[0] } else { 0 };
                let n = u32::from_le_bytes(arr(take(4)?)) as usize;
                let s = std::str::from_utf8(take(n)?).map_err(|_| bad("string is not UTF-8"))?;
                if tag == 8 {
                    FieldValue::Str(s)
                } else {
                    FieldValue::Decimal(s, precision)
                }
            }
            9 => {
                let n = u32::from_le_bytes(arr(take(4)?)) as usize;
                FieldValue::Bytes(take(n)?)
            }
            10 => FieldValue::TimestampMs(i64::from_le_bytes(arr(take(8)?))),
            11 => FieldValue::Date(i32::from_le_bytes(arr(take(4)?))),
            12 => FieldValue::TimeMs(i32::from_le_bytes(arr(take(4)?))),
            other => return Err(bad(&format!("unknown type tag {other}"))),
        };
        fields.push(Field { name, value });
    }
    if pos != buf.len() {
        return Err(bad("trailing bytes"));
    }
    Ok(fields)
}

/// Encoder with the same layout, for tests and benchmarks.
pub fn encode_fields(fields: &[Field<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(fields.len() as u16).to_le_bytes());
    for f in fields {
        out.extend_from_slice(&(f.name.len() as u16).to_le_bytes());
        out.extend_from_slice(f.name.as_bytes());
        let text = |out: &mut Vec<u8>, tag: u8, b: &[u8]| {
            out.push(tag);
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        };
        match f.value {
            FieldValue::Null => out.push(0),
            FieldValue::Bool(v) => out.extend_from_slice(&[1, v as u8]),
            FieldValue::I8(v) => out.extend_from_slice(&[2, v as u8]),
            FieldValue::I16(v) => {
                out.push(3);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::I32(v) => {
                out.push(4);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::I64(v) => {
                out.push(5);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::F32(v) => {
                out.push(6);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::F64(v) => {
                out.push(7);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::Str(s) => text(&mut out, 8, s.as_bytes()),
            FieldValue::Bytes(b) => text(&mut out, 9, b),
            FieldValue::TimestampMs(v) => {
                out.push(10);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::Date(v) => {
                out.push(11);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::TimeMs(v) => {
                out.push(12);
                out.extend_from_slice(&v.to_le_bytes())
            }
            FieldValue::Decimal(s, 0) => text(&mut out, 13, s.as_bytes()),
            FieldValue::Decimal(s, precision) => {
                out.push(14);
                out.push(precision);
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
    fn every_type_round_trips() {
        let fields = vec![
            Field {
                name: "n",
                value: FieldValue::Null,
            },
            Field {
                name: "b",
                value: FieldValue::Bool(true),
            },
            Field {
                name: "i8",
                value: FieldValue::I8(-3),
            },
            Field {
                name: "i16",
                value: FieldValue::I16(-300),
            },
            Field {
                name: "i32",
                value: FieldValue::I32(70_000),
            },
            Field {
                name: "i64",
                value: FieldValue::I64(-(1 << 40)),
            },
            Field {
                name: "f32",
                value: FieldValue::F32(1.5),
            },
            Field {
                name: "f64",
                value: FieldValue::F64(-2.25),
            },
            Field {
                name: "s",
                value: FieldValue::Str("héllo"),
            },
            Field {
                name: "raw",
                value: FieldValue::Bytes(&[0, 255]),
            },
            Field {
                name: "ts",
                value: FieldValue::TimestampMs(1_700_000_000_000),
            },
            Field {
                name: "d",
                value: FieldValue::Date(19_000),
            },
            Field {
                name: "t",
                value: FieldValue::TimeMs(3_600_000),
            },
            Field {
                name: "dec",
                value: FieldValue::Decimal("12.340", 0),
            },
            Field {
                name: "dec10",
                value: FieldValue::Decimal("-1.5", 10),
            },
        ];
        assert_eq!(decode_fields(0, &encode_fields(&fields)).unwrap(), fields);
    }

    #[test]
    fn malformed_payload_is_a_data_error_of_the_record() {
        let mut buf = encode_fields(&[Field {
            name: "x",
            value: FieldValue::I32(1),
        }]);
        buf.pop();
        assert!(matches!(
            decode_fields(9, &buf),
            Err(TdError::Data { index: 9, .. })
        ));
    }
}
