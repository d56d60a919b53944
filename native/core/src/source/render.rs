//! One row of TDengine data as a record value in the configured
//! `out.format`, whichever read method fetched it.

use taos::{BorrowedValue, RawBlock, Ty};

use super::columns::DecimalType;
use super::config::OutFormat;
use super::format::{json_row, line_field, push_key, push_measurement};
use super::tags::TableTags;
use super::typed;

/// A rendered row: the value and the row time (raw, in the database precision, and in ms).
pub struct Rendered {
    pub value: Vec<u8>,
    pub ts_raw: i64,
    pub ts_ms: i64,
}

/// Fills `cells` with the first `columns` cells of `row` in `block` (the
/// rest, if any, are tags or pseudo columns the caller handles); one vector
/// serves every row of a block.
pub fn cells_into<'b>(
    block: &'b RawBlock,
    row: usize,
    columns: usize,
    cells: &mut Vec<BorrowedValue<'b>>,
) {
    cells.clear();
    cells.extend((0..columns).map(|c| {
        block
            .get_ref(row, c)
            .unwrap_or(BorrowedValue::Null(Ty::Null))
    }));
}

/// Renders a row whose first cell is its timestamp. `decimals` (empty, or
/// one entry per cell) marks DECIMAL columns read as text: JSON writes them
/// as exact numbers, line protocol as strings, structs as Connect decimals.
pub fn row(
    format: OutFormat,
    measurement: &str,
    names: &[&str],
    types: &[Ty],
    decimals: &[Option<DecimalType>],
    cells: &[BorrowedValue<'_>],
    tags: &TableTags,
) -> Rendered {
    let (ts_raw, ts_ms) = match cells.first() {
        Some(BorrowedValue::Timestamp(t)) => (t.as_raw_i64(), to_ms(t)),
        _ => (0, 0),
    };
    let value = match format {
        OutFormat::Json => {
            let mut row = Vec::with_capacity(32 + names.len() * 16 + tags.json_members.len());
            json_row(names, cells, decimals, &tags.json_members, &mut row);
            row
        }
        OutFormat::Struct => {
            let mut payload = Vec::with_capacity(64 + names.len() * 16);
            let count = (names.len() + tags.typed.len()).min(u16::MAX as usize) as u16;
            payload.extend_from_slice(&count.to_le_bytes());
            for (i, ((name, ty), cell)) in names.iter().zip(types).zip(cells).enumerate() {
                match decimals.get(i).copied().flatten() {
                    Some(d) => typed::decimal_field(name, d, cell, &mut payload),
                    None => typed::field(name, *ty, cell, &mut payload),
                }
            }
            for (name, ty, v) in &tags.typed {
                typed::field(name, *ty, &v.to_borrowed_value(), &mut payload);
            }
            payload
        }
        OutFormat::Line => {
            let mut line = String::new();
            push_measurement(measurement, &mut line);
            line.push_str(&tags.line);
            let mut sep = ' ';
            for (name, cell) in names.iter().zip(cells).skip(1) {
                let mark = line.len();
                line.push(sep);
                push_key(name, &mut line);
                line.push('=');
                if line_field(cell, &mut line) {
                    sep = ',';
                } else {
                    line.truncate(mark);
                }
            }
            line.push(' ');
            line.push_str(&ts_raw.to_string());
            line.into_bytes()
        }
    };
    Rendered {
        value,
        ts_raw,
        ts_ms,
    }
}

fn to_ms(t: &taos::taos_query::common::Timestamp) -> i64 {
    use taos::taos_query::common::Timestamp;
    match t {
        Timestamp::Milliseconds(v) => *v,
        Timestamp::Microseconds(v) => v.div_euclid(1_000),
        Timestamp::Nanoseconds(v) => v.div_euclid(1_000_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos::taos_query::common::Timestamp;

    fn sample(format: OutFormat) -> Rendered {
        let tags = TableTags::from_values([("site", BorrowedValue::VarChar("a b"))]);
        row(
            format,
            "m",
            &["ts", "v", "gone"],
            &[Ty::Timestamp, Ty::Int, Ty::Int],
            &[],
            &[
                BorrowedValue::Timestamp(Timestamp::Microseconds(1_500_123)),
                BorrowedValue::Int(7),
                BorrowedValue::Null(Ty::Int),
            ],
            &tags,
        )
    }

    #[test]
    fn rows_render_in_each_format_with_the_row_time() {
        let line = sample(OutFormat::Line);
        assert_eq!(
            String::from_utf8(line.value).unwrap(),
            r"m,site=a\ b v=7i32 1500123"
        );
        assert_eq!((line.ts_raw, line.ts_ms), (1_500_123, 1_500));
        let json = String::from_utf8(sample(OutFormat::Json).value).unwrap();
        assert_eq!(json, r#"{"ts":1500123,"v":7,"gone":null,"site":"a b"}"#);
        let typed = sample(OutFormat::Struct).value;
        assert_eq!(u16::from_le_bytes([typed[0], typed[1]]), 4);
    }
}
