//! The Connect → TDengine type table (the column type a value creates, and
//! widths of text columns) and the schema of a super table as read from
//! `DESCRIBE`; values into existing columns are `literal`'s.
//!
//! | Connect / JSON value        | TDengine column            |
//! |-----------------------------|----------------------------|
//! | BOOLEAN                     | BOOL                       |
//! | INT8 / INT16 / INT32 / INT64| TINYINT / SMALLINT / INT / BIGINT |
//! | FLOAT32 / FLOAT64           | FLOAT / DOUBLE             |
//! | STRING                      | VARCHAR(n), n = power of two ≥ 32 that fits (widened as needed) |
//! | BYTES                       | VARBINARY(n)               |
//! | Timestamp (logical)         | TIMESTAMP (database precision) |
//! | Date (logical)              | TIMESTAMP (midnight UTC)   |
//! | Time (logical)              | INT (ms since midnight)    |
//! | Decimal (logical)           | DECIMAL(p,s) on servers 3.3.6+ (see decimal.rs); VARCHAR (exact text) before, and for tags |

use super::value::FieldValue;
use crate::config::Precision;
use crate::decimal;

/// Name of the timestamp column of super tables the connector creates.
pub const TS_COLUMN: &str = "ts";
/// Widest VARCHAR/VARBINARY the connector creates or widens to.
pub const MAX_WIDTH: u32 = 16382;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    Varchar,
    NChar,
    Varbinary,
    Timestamp,
    /// DECIMAL(precision, scale).
    Decimal(u8, u8),
    /// A type the connector does not write (JSON, GEOMETRY, unsigned, ...).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColType {
    pub kind: Kind,
    /// Bytes (VARCHAR/VARBINARY) or characters (NCHAR); 0 otherwise.
    pub width: u32,
}

impl ColType {
    pub fn of(kind: Kind) -> Self {
        ColType { kind, width: 0 }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Varchar | Kind::NChar | Kind::Varbinary)
    }

    pub fn sql(&self) -> String {
        match self.kind {
            Kind::Bool => "BOOL".into(),
            Kind::TinyInt => "TINYINT".into(),
            Kind::SmallInt => "SMALLINT".into(),
            Kind::Int => "INT".into(),
            Kind::BigInt => "BIGINT".into(),
            Kind::Float => "FLOAT".into(),
            Kind::Double => "DOUBLE".into(),
            Kind::Varchar => format!("VARCHAR({})", self.width),
            Kind::NChar => format!("NCHAR({})", self.width),
            Kind::Varbinary => format!("VARBINARY({})", self.width),
            Kind::Timestamp => "TIMESTAMP".into(),
            Kind::Decimal(p, s) => format!("DECIMAL({p},{s})"),
            Kind::Other => "OTHER".into(),
        }
    }

    /// Parses a `DESCRIBE` type name and length.
    pub fn from_describe(type_name: &str, length: u32) -> Self {
        if let Some((p, s)) = decimal::from_describe(type_name) {
            return ColType::of(Kind::Decimal(p, s));
        }
        let kind = match type_name.to_ascii_uppercase().as_str() {
            "BOOL" => Kind::Bool,
            "TINYINT" => Kind::TinyInt,
            "SMALLINT" => Kind::SmallInt,
            "INT" => Kind::Int,
            "BIGINT" => Kind::BigInt,
            "FLOAT" => Kind::Float,
            "DOUBLE" => Kind::Double,
            "VARCHAR" | "BINARY" => Kind::Varchar,
            "NCHAR" => Kind::NChar,
            "VARBINARY" => Kind::Varbinary,
            "TIMESTAMP" => Kind::Timestamp,
            _ => Kind::Other,
        };
        ColType {
            kind,
            width: if matches!(kind, Kind::Varchar | Kind::NChar | Kind::Varbinary) {
                length
            } else {
                0
            },
        }
    }
}

/// Bytes (or characters, for NCHAR) a text value needs.
pub fn text_len(v: &FieldValue<'_>, kind: Kind) -> Option<u32> {
    let n = match v {
        FieldValue::Str(s) | FieldValue::Decimal(s, _) => {
            if kind == Kind::NChar {
                s.chars().count()
            } else {
                s.len()
            }
        }
        FieldValue::Bytes(b) => b.len(),
        _ => return None,
    };
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Width for a new or widened text column: a power of two ≥ 32.
pub fn width_for(len: u32) -> u32 {
    len.max(32)
        .checked_next_power_of_two()
        .unwrap_or(MAX_WIDTH)
        .min(MAX_WIDTH)
}

/// The column type a value creates; None for null (no type to infer).
/// `decimals`: the server has DECIMAL and the field is a column (tags cannot
/// be DECIMAL); otherwise a decimal creates VARCHAR. Err: a decimal no
/// DECIMAL column can hold.
pub fn natural_type(v: &FieldValue<'_>, decimals: bool) -> Result<Option<ColType>, String> {
    Ok(Some(match v {
        FieldValue::Null => return Ok(None),
        FieldValue::Decimal(text, declared) if decimals => {
            let (p, s) = decimal::column_for(text, *declared)?;
            ColType::of(Kind::Decimal(p, s))
        }
        FieldValue::Bool(_) => ColType::of(Kind::Bool),
        FieldValue::I8(_) => ColType::of(Kind::TinyInt),
        FieldValue::I16(_) => ColType::of(Kind::SmallInt),
        FieldValue::I32(_) | FieldValue::TimeMs(_) => ColType::of(Kind::Int),
        FieldValue::I64(_) => ColType::of(Kind::BigInt),
        FieldValue::F32(_) => ColType::of(Kind::Float),
        FieldValue::F64(_) => ColType::of(Kind::Double),
        FieldValue::TimestampMs(_) | FieldValue::Date(_) => ColType::of(Kind::Timestamp),
        FieldValue::Str(_) | FieldValue::Decimal(..) => ColType {
            kind: Kind::Varchar,
            width: width_for(text_len(v, Kind::Varchar).unwrap_or(0)),
        },
        FieldValue::Bytes(_) => ColType {
            kind: Kind::Varbinary,
            width: width_for(text_len(v, Kind::Varbinary).unwrap_or(0)),
        },
    }))
}

/// Milliseconds since the epoch in the database's precision.
pub fn ms_to_precision(ms: i64, precision: Precision) -> Option<i64> {
    match precision {
        Precision::Ms => Some(ms),
        Precision::Us => ms.checked_mul(1_000),
        Precision::Ns => ms.checked_mul(1_000_000),
    }
}

/// Columns and tags of a super table, in table order (the first column is the timestamp).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StableSchema {
    pub columns: Vec<(String, ColType)>,
    pub tags: Vec<(String, ColType)>,
}

impl StableSchema {
    pub fn column(&self, name: &str) -> Option<&ColType> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    pub fn tag(&self, name: &str) -> Option<&ColType> {
        self.tags.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_types_follow_the_table() {
        assert_eq!(
            natural_type(&FieldValue::I16(1), true)
                .unwrap()
                .unwrap()
                .sql(),
            "SMALLINT"
        );
        assert_eq!(
            natural_type(&FieldValue::Str("abc"), true)
                .unwrap()
                .unwrap()
                .sql(),
            "VARCHAR(32)"
        );
        assert_eq!(
            natural_type(&FieldValue::Str(&"x".repeat(100)), true)
                .unwrap()
                .unwrap()
                .sql(),
            "VARCHAR(128)"
        );
        assert_eq!(
            natural_type(&FieldValue::Date(1), true)
                .unwrap()
                .unwrap()
                .sql(),
            "TIMESTAMP"
        );
        let dec = FieldValue::Decimal("1.5", 0);
        assert_eq!(
            natural_type(&dec, false).unwrap().unwrap().kind,
            Kind::Varchar
        );
        assert_eq!(
            natural_type(&dec, true).unwrap().unwrap().sql(),
            "DECIMAL(38,1)"
        );
        assert!(natural_type(&FieldValue::Decimal("1.5", 1), true).is_err());
        assert!(natural_type(&FieldValue::Null, true).unwrap().is_none());
    }

    #[test]
    fn describe_types_parse() {
        assert_eq!(
            ColType::from_describe("VARCHAR", 64),
            ColType {
                kind: Kind::Varchar,
                width: 64
            }
        );
        assert_eq!(ColType::from_describe("BINARY", 20).kind, Kind::Varchar);
        assert_eq!(ColType::from_describe("INT", 4).width, 0);
        assert_eq!(ColType::from_describe("JSON", 4095).kind, Kind::Other);
        assert_eq!(
            ColType::from_describe("DECIMAL(10, 2)", 8).kind,
            Kind::Decimal(10, 2)
        );
    }
}
