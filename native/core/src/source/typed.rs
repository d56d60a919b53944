//! `out.format=struct`: a row's columns and tags with their TDengine types,
//! from which the shim builds a Connect `Struct` (see SourceStructs.java).
//!
//! ```text
//! u16 field count
//! per field: u16 name length, UTF-8 name, u8 TDengine type code, u8 1 = NULL / 0 = value, value:
//!   BOOL u8 | TINYINT i8 | SMALLINT i16 | INT i32 | BIGINT i64
//!   TINYINT..BIGINT UNSIGNED u8 | u16 | u32 | u64
//!   FLOAT f32 | DOUBLE f64 | TIMESTAMP i64 in the database precision + u8 precision (0 ms, 1 us, 2 ns)
//!   VARCHAR, BINARY, NCHAR, JSON: u32 length + UTF-8 | VARBINARY, GEOMETRY (WKB): u32 length + bytes
//! DECIMAL (type code 17) carries u8 precision, u8 scale between the type
//! code and the NULL flag; its value is u32 length + the plain decimal text.
//! ```

use taos::taos_query::common::Timestamp;
use taos::{BorrowedValue, Ty};

use super::columns::DecimalType;

/// Appends a DECIMAL column read as text.
pub fn decimal_field(name: &str, d: DecimalType, v: &BorrowedValue<'_>, out: &mut Vec<u8>) {
    let name = &name.as_bytes()[..name.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(&[Ty::Decimal as u8, d.precision, d.scale]);
    match v {
        BorrowedValue::VarChar(s) => {
            out.push(0);
            bytes(s.trim().as_bytes(), out);
        }
        _ => out.push(1),
    }
}

/// Appends one field.
pub fn field(name: &str, ty: Ty, v: &BorrowedValue<'_>, out: &mut Vec<u8>) {
    let name = &name.as_bytes()[..name.len().min(u16::MAX as usize)];
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(name);
    out.push(ty as u8);
    if matches!(v, BorrowedValue::Null(_)) {
        out.push(1);
        return;
    }
    out.push(0);
    match v {
        BorrowedValue::Null(_) => {}
        BorrowedValue::Bool(b) => out.push(u8::from(*b)),
        BorrowedValue::TinyInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::SmallInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::Int(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::BigInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::UTinyInt(x) => out.push(*x),
        BorrowedValue::USmallInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::UInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::UBigInt(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::Float(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::Double(x) => out.extend_from_slice(&x.to_le_bytes()),
        BorrowedValue::Timestamp(t) => {
            out.extend_from_slice(&t.as_raw_i64().to_le_bytes());
            out.push(match t {
                Timestamp::Milliseconds(_) => 0,
                Timestamp::Microseconds(_) => 1,
                Timestamp::Nanoseconds(_) => 2,
            });
        }
        BorrowedValue::VarChar(s) => bytes(s.as_bytes(), out),
        BorrowedValue::NChar(s) => bytes(s.as_bytes(), out),
        BorrowedValue::Json(b) | BorrowedValue::VarBinary(b) | BorrowedValue::Geometry(b) => {
            bytes(b, out)
        }
        BorrowedValue::Blob(b) | BorrowedValue::MediumBlob(b) => bytes(b, out),
        BorrowedValue::Decimal(d) => bytes(format!("{d:?}").as_bytes(), out),
    }
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn nulls_keep_their_type_and_values_their_width() {
        let mut out = Vec::new();
        field(
            "big",
            Ty::UBigInt,
            &BorrowedValue::UBigInt(u64::MAX),
            &mut out,
        );
        field("n", Ty::Int, &BorrowedValue::Null(Ty::Int), &mut out);
        field(
            "g",
            Ty::Geometry,
            &BorrowedValue::Geometry(Cow::Borrowed(b"\x01")),
            &mut out,
        );
        assert_eq!(&out[..6], &[3, 0, b'b', b'i', b'g', Ty::UBigInt as u8]);
        assert_eq!(out[6], 0);
        assert_eq!(&out[7..15], &u64::MAX.to_le_bytes());
        assert_eq!(&out[15..20], &[1, 0, b'n', Ty::Int as u8, 1]);
        assert_eq!(
            &out[20..],
            &[1, 0, b'g', Ty::Geometry as u8, 0, 1, 0, 0, 0, 1]
        );
    }

    #[test]
    fn decimals_carry_precision_and_scale_also_when_null() {
        let d = DecimalType {
            precision: 10,
            scale: 2,
        };
        let mut out = Vec::new();
        decimal_field("p", d, &BorrowedValue::VarChar("-1.50"), &mut out);
        decimal_field("q", d, &BorrowedValue::Null(Ty::VarChar), &mut out);
        assert_eq!(&out[..7], &[1, 0, b'p', 17, 10, 2, 0]);
        assert_eq!(&out[7..16], &[5, 0, 0, 0, b'-', b'1', b'.', b'5', b'0']);
        assert_eq!(&out[16..], &[1, 0, b'q', 17, 10, 2, 1]);
    }
}
