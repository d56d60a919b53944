//! A value as an SQL literal of an existing column's type: lossless or a
//! data error, never silent truncation.

use super::schema::{ms_to_precision, text_len, ColType, Kind};
use super::value::FieldValue;
use crate::config::Precision;
use crate::decimal;

fn integer(v: &FieldValue<'_>) -> Option<i64> {
    match *v {
        FieldValue::I8(x) => Some(x.into()),
        FieldValue::I16(x) => Some(x.into()),
        FieldValue::I32(x) | FieldValue::TimeMs(x) => Some(x.into()),
        FieldValue::I64(x) => Some(x),
        _ => None,
    }
}

/// Appends `v` as a literal of column type `t`, or says why it does not fit.
pub fn literal(
    v: &FieldValue<'_>,
    t: &ColType,
    precision: Precision,
    out: &mut String,
) -> Result<(), String> {
    use std::fmt::Write;
    let mismatch = || format!("{v:?} does not fit a {} column", t.sql());
    if matches!(v, FieldValue::Null) {
        out.push_str("NULL");
        return Ok(());
    }
    match t.kind {
        Kind::Bool => match v {
            FieldValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            _ => return Err(mismatch()),
        },
        Kind::TinyInt | Kind::SmallInt | Kind::Int | Kind::BigInt => {
            let x = integer(v).ok_or_else(mismatch)?;
            let (lo, hi) = match t.kind {
                Kind::TinyInt => (i8::MIN.into(), i8::MAX.into()),
                Kind::SmallInt => (i16::MIN.into(), i16::MAX.into()),
                Kind::Int => (i32::MIN.into(), i32::MAX.into()),
                _ => (i64::MIN, i64::MAX),
            };
            if x < lo || x > hi {
                return Err(format!("{x} is out of range for a {} column", t.sql()));
            }
            let _ = write!(out, "{x}");
        }
        Kind::Float | Kind::Double => {
            let x = match *v {
                FieldValue::F32(f) => f64::from(f),
                FieldValue::F64(f) => {
                    if t.kind == Kind::Float && f64::from(f as f32) != f && f.is_finite() {
                        return Err(format!("{f} would lose precision in a FLOAT column"));
                    }
                    f
                }
                _ => {
                    let i = integer(v).ok_or_else(mismatch)?;
                    let exact = if t.kind == Kind::Float {
                        1i64 << 24
                    } else {
                        1i64 << 53
                    };
                    if i.abs() > exact {
                        return Err(format!("{i} would lose precision in a {} column", t.sql()));
                    }
                    i as f64
                }
            };
            if !x.is_finite() {
                return Err(format!("{x} cannot be stored"));
            }
            let _ = write!(out, "{x:?}");
        }
        Kind::Decimal(p, s) => match v {
            FieldValue::Decimal(text, _) => decimal::literal(text, p, s, out)?,
            _ => {
                let x = integer(v).ok_or_else(mismatch)?;
                decimal::literal(&x.to_string(), p, s, out)?;
            }
        },
        Kind::Varchar | Kind::NChar => match v {
            FieldValue::Str(s) | FieldValue::Decimal(s, _) => {
                if text_len(v, t.kind).unwrap_or(u32::MAX) > t.width {
                    return Err(format!(
                        "text of {} bytes is longer than {}",
                        s.len(),
                        t.sql()
                    ));
                }
                crate::sql::string_literal(s, out);
            }
            _ => return Err(mismatch()),
        },
        Kind::Varbinary => match v {
            FieldValue::Bytes(b) => {
                if b.len() as u64 > u64::from(t.width) {
                    return Err(format!("{} bytes are longer than {}", b.len(), t.sql()));
                }
                out.push_str("'\\x");
                for byte in *b {
                    let _ = write!(out, "{byte:02X}");
                }
                out.push('\'');
            }
            _ => return Err(mismatch()),
        },
        Kind::Timestamp => {
            let ts = match *v {
                FieldValue::TimestampMs(ms) => ms_to_precision(ms, precision),
                FieldValue::Date(days) => ms_to_precision(i64::from(days) * 86_400_000, precision),
                _ => return Err(mismatch()),
            }
            .ok_or_else(|| format!("{v:?} is out of range for {precision:?} timestamps"))?;
            let _ = write!(out, "{ts}");
        }
        Kind::Other => return Err(format!("the connector does not write {} columns", t.sql())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: FieldValue<'_>, t: ColType) -> Result<String, String> {
        let mut s = String::new();
        literal(&v, &t, Precision::Us, &mut s).map(|_| s)
    }

    #[test]
    fn values_convert_losslessly_or_fail() {
        assert_eq!(
            lit(FieldValue::I32(5), ColType::of(Kind::BigInt)).unwrap(),
            "5"
        );
        assert!(lit(FieldValue::I64(300), ColType::of(Kind::TinyInt)).is_err());
        assert_eq!(
            lit(FieldValue::I32(7), ColType::of(Kind::Double)).unwrap(),
            "7.0"
        );
        assert!(lit(FieldValue::F64(0.1), ColType::of(Kind::Float)).is_err());
        assert_eq!(
            lit(FieldValue::F64(0.5), ColType::of(Kind::Float)).unwrap(),
            "0.5"
        );
        assert!(lit(FieldValue::Str("x"), ColType::of(Kind::Int)).is_err());
        assert!(lit(
            FieldValue::Str("toolong"),
            ColType {
                kind: Kind::Varchar,
                width: 3
            }
        )
        .is_err());
        assert_eq!(
            lit(
                FieldValue::TimestampMs(1_700_000_000_123),
                ColType::of(Kind::Timestamp)
            )
            .unwrap(),
            "1700000000123000"
        );
        assert_eq!(
            lit(FieldValue::Date(1), ColType::of(Kind::Timestamp)).unwrap(),
            "86400000000"
        );
        assert_eq!(
            lit(
                FieldValue::Bytes(&[1, 0xab]),
                ColType {
                    kind: Kind::Varbinary,
                    width: 8
                }
            )
            .unwrap(),
            "'\\x01AB'"
        );
        assert_eq!(
            lit(FieldValue::Null, ColType::of(Kind::Int)).unwrap(),
            "NULL"
        );
        assert!(lit(FieldValue::F64(f64::NAN), ColType::of(Kind::Double)).is_err());
    }

    #[test]
    fn decimals_render_exactly_in_their_column() {
        let dec = ColType::of(Kind::Decimal(10, 2));
        assert_eq!(
            lit(FieldValue::Decimal("1.50", 0), dec.clone()).unwrap(),
            "'1.5'"
        );
        assert_eq!(lit(FieldValue::I32(7), dec.clone()).unwrap(), "'7'");
        assert!(lit(FieldValue::Decimal("1.555", 0), dec).is_err());
    }
}
