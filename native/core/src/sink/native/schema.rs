//! Column types and widths as TDengine's schemaless insert creates them
//! (`smlFindNearestPowerOf2`, `getBytes`), and a super table's schema as
//! DESCRIBE shows it.

use crate::sink::lines::SmlValue;

/// Widest VARCHAR and NCHAR schemaless creates.
const MAX_VARCHAR: u32 = 65_517;
const MAX_NCHAR: u32 = 16_379;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmlType {
    Bool,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    UTinyInt,
    USmallInt,
    UInt,
    UBigInt,
    Float,
    Double,
    Varchar(u32),
    NChar(u32),
    Timestamp,
    /// Anything schemaless does not write.
    Other,
}

/// Width for a text of `len` bytes: the smallest power of two above it,
/// or the length itself from 1024 on.
pub fn width(len: usize) -> u32 {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    if len >= 1024 {
        len
    } else {
        (len + 1).next_power_of_two()
    }
}

impl SmlType {
    /// The type (and, for text, the width) a value needs.
    pub fn of(v: &SmlValue) -> SmlType {
        match v {
            SmlValue::Bool(_) => SmlType::Bool,
            SmlValue::TinyInt(_) => SmlType::TinyInt,
            SmlValue::SmallInt(_) => SmlType::SmallInt,
            SmlValue::Int(_) => SmlType::Int,
            SmlValue::BigInt(_) => SmlType::BigInt,
            SmlValue::UTinyInt(_) => SmlType::UTinyInt,
            SmlValue::USmallInt(_) => SmlType::USmallInt,
            SmlValue::UInt(_) => SmlType::UInt,
            SmlValue::UBigInt(_) => SmlType::UBigInt,
            SmlValue::Float(_) => SmlType::Float,
            SmlValue::Double(_) => SmlType::Double,
            SmlValue::Varchar(s) => SmlType::Varchar(width(s.len()).min(MAX_VARCHAR)),
            SmlValue::NChar(s) => SmlType::NChar(width(s.len()).min(MAX_NCHAR)),
        }
    }

    /// A tag value's type.
    pub fn tag(value: &str) -> SmlType {
        SmlType::NChar(width(value.len()).min(MAX_NCHAR))
    }

    /// Same type, whatever the width.
    pub fn same_kind(self, other: SmlType) -> bool {
        match (self, other) {
            (SmlType::Varchar(_), SmlType::Varchar(_)) | (SmlType::NChar(_), SmlType::NChar(_)) => {
                true
            }
            (a, b) => a == b,
        }
    }

    pub fn text_width(self) -> Option<u32> {
        match self {
            SmlType::Varchar(w) | SmlType::NChar(w) => Some(w),
            _ => None,
        }
    }

    /// The wider of two text types of one kind.
    pub fn widest(self, other: SmlType) -> SmlType {
        match (self, other) {
            (SmlType::Varchar(a), SmlType::Varchar(b)) => SmlType::Varchar(a.max(b)),
            (SmlType::NChar(a), SmlType::NChar(b)) => SmlType::NChar(a.max(b)),
            (a, _) => a,
        }
    }

    pub fn sql(self) -> String {
        match self {
            SmlType::Bool => "BOOL".into(),
            SmlType::TinyInt => "TINYINT".into(),
            SmlType::SmallInt => "SMALLINT".into(),
            SmlType::Int => "INT".into(),
            SmlType::BigInt => "BIGINT".into(),
            SmlType::UTinyInt => "TINYINT UNSIGNED".into(),
            SmlType::USmallInt => "SMALLINT UNSIGNED".into(),
            SmlType::UInt => "INT UNSIGNED".into(),
            SmlType::UBigInt => "BIGINT UNSIGNED".into(),
            SmlType::Float => "FLOAT".into(),
            SmlType::Double => "DOUBLE".into(),
            SmlType::Varchar(w) => format!("VARCHAR({w})"),
            SmlType::NChar(w) => format!("NCHAR({w})"),
            SmlType::Timestamp => "TIMESTAMP".into(),
            SmlType::Other => "OTHER".into(),
        }
    }

    /// From DESCRIBE's type name and length.
    pub fn from_describe(type_name: &str, length: u32) -> SmlType {
        match type_name.to_ascii_uppercase().as_str() {
            "BOOL" => SmlType::Bool,
            "TINYINT" => SmlType::TinyInt,
            "SMALLINT" => SmlType::SmallInt,
            "INT" => SmlType::Int,
            "BIGINT" => SmlType::BigInt,
            "TINYINT UNSIGNED" => SmlType::UTinyInt,
            "SMALLINT UNSIGNED" => SmlType::USmallInt,
            "INT UNSIGNED" => SmlType::UInt,
            "BIGINT UNSIGNED" => SmlType::UBigInt,
            "FLOAT" => SmlType::Float,
            "DOUBLE" => SmlType::Double,
            "VARCHAR" | "BINARY" => SmlType::Varchar(length),
            "NCHAR" => SmlType::NChar(length),
            "TIMESTAMP" => SmlType::Timestamp,
            _ => SmlType::Other,
        }
    }
}

/// A super table's columns (the first is the timestamp) and tags.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stable {
    pub columns: Vec<(String, SmlType)>,
    pub tags: Vec<(String, SmlType)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_schemaless() {
        assert_eq!(width(0), 1);
        assert_eq!(width(1), 2);
        assert_eq!(width(2), 4);
        assert_eq!(width(3), 4);
        assert_eq!(width(4), 8);
        assert_eq!(width(8), 16);
        assert_eq!(width(1023), 1024);
        assert_eq!(width(1024), 1024);
        assert_eq!(width(1500), 1500);
        assert_eq!(SmlType::tag("中文").sql(), "NCHAR(8)");
        assert_eq!(
            SmlType::of(&SmlValue::Varchar("abc".into())).sql(),
            "VARCHAR(4)"
        );
        assert_eq!(SmlType::from_describe("NCHAR", 8), SmlType::NChar(8));
        assert_eq!(
            SmlType::from_describe("BIGINT UNSIGNED", 8),
            SmlType::UBigInt
        );
    }
}
