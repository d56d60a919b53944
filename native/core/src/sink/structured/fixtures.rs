//! Rows and a super table schema the structured writer's tests share.

use super::mapping::Row;
use super::schema::{ColType, Kind, StableSchema};
use super::value::{Field, FieldValue};

pub fn row<'a>(record: usize, sub: &str, cols: Vec<Field<'a>>) -> Row<'a> {
    Row {
        record,
        stable: "meters".into(),
        subtable: sub.into(),
        ts: 1000 + record as i64,
        tags: vec![Field {
            name: "site",
            value: FieldValue::Str("n'orth"),
        }],
        columns: cols,
    }
}

pub fn schema() -> StableSchema {
    StableSchema {
        columns: vec![
            ("ts".into(), ColType::of(Kind::Timestamp)),
            ("temp".into(), ColType::of(Kind::Double)),
            (
                "note".into(),
                ColType {
                    kind: Kind::Varchar,
                    width: 8,
                },
            ),
        ],
        tags: vec![(
            "site".into(),
            ColType {
                kind: Kind::Varchar,
                width: 32,
            },
        )],
    }
}
