//! Row → record value: InfluxDB line protocol (escaped so that tags and
//! strings with spaces, commas, quotes and `=` survive) or a JSON object.
//! Timestamps stay integers in the database precision.

use taos::BorrowedValue;

use super::columns::DecimalType;

/// One JSON value of a cell. Bytes (VARBINARY, GEOMETRY as WKB) are base64,
/// JSON tags are embedded as JSON, floats that JSON cannot hold are null.
pub fn json_value(v: &BorrowedValue<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        BorrowedValue::Null(_) => J::Null,
        BorrowedValue::Bool(b) => J::Bool(*b),
        BorrowedValue::TinyInt(x) => J::from(*x),
        BorrowedValue::SmallInt(x) => J::from(*x),
        BorrowedValue::Int(x) => J::from(*x),
        BorrowedValue::BigInt(x) => J::from(*x),
        BorrowedValue::UTinyInt(x) => J::from(*x),
        BorrowedValue::USmallInt(x) => J::from(*x),
        BorrowedValue::UInt(x) => J::from(*x),
        BorrowedValue::UBigInt(x) => J::from(*x),
        BorrowedValue::Float(x) => {
            serde_json::Number::from_f64(f64::from(*x)).map_or(J::Null, J::Number)
        }
        BorrowedValue::Double(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        BorrowedValue::VarChar(s) => J::String((*s).to_owned()),
        BorrowedValue::NChar(s) => J::String(s.to_string()),
        BorrowedValue::Timestamp(t) => J::from(t.as_raw_i64()),
        BorrowedValue::Json(bytes) => serde_json::from_slice(bytes)
            .unwrap_or_else(|_| J::String(String::from_utf8_lossy(bytes).into())),
        BorrowedValue::VarBinary(b) | BorrowedValue::Geometry(b) => J::String(base64(b)),
        BorrowedValue::Blob(b) | BorrowedValue::MediumBlob(b) => J::String(base64(b)),
        BorrowedValue::Decimal(d) => J::String(format!("{d:?}")),
    }
}

/// Appends a JSON object of the row's columns followed by the table's
/// pre-rendered tag members (`,"tag":value...`), without building a tree.
/// Cells marked in `decimals` (DECIMAL read as text) become exact JSON numbers.
pub fn json_row(
    names: &[&str],
    cells: &[BorrowedValue<'_>],
    decimals: &[Option<DecimalType>],
    tag_members: &str,
    out: &mut Vec<u8>,
) {
    out.push(b'{');
    for (i, (name, cell)) in names.iter().zip(cells).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match (decimals.get(i).copied().flatten(), cell) {
            (Some(_), BorrowedValue::VarChar(text)) if is_json_number(text.trim()) => {
                let _ = serde_json::to_writer(&mut *out, name);
                out.push(b':');
                out.extend_from_slice(text.trim().as_bytes());
            }
            _ => json_member(name, cell, out),
        }
    }
    if names.is_empty() {
        out.extend_from_slice(tag_members.trim_start_matches(',').as_bytes());
    } else {
        out.extend_from_slice(tag_members.as_bytes());
    }
    out.push(b'}');
}

/// A plain decimal as JSON allows it: `-`? digits (no leading zero) (`.` digits)?.
fn is_json_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(digits)
}

/// `"name":value`.
pub fn json_member(name: &str, v: &BorrowedValue<'_>, out: &mut Vec<u8>) {
    use std::io::Write;
    let _ = serde_json::to_writer(&mut *out, name);
    out.push(b':');
    let _ = match v {
        BorrowedValue::Null(_) => out.write_all(b"null"),
        BorrowedValue::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
        BorrowedValue::TinyInt(x) => write!(out, "{x}"),
        BorrowedValue::SmallInt(x) => write!(out, "{x}"),
        BorrowedValue::Int(x) => write!(out, "{x}"),
        BorrowedValue::BigInt(x) => write!(out, "{x}"),
        BorrowedValue::UTinyInt(x) => write!(out, "{x}"),
        BorrowedValue::USmallInt(x) => write!(out, "{x}"),
        BorrowedValue::UInt(x) => write!(out, "{x}"),
        BorrowedValue::UBigInt(x) => write!(out, "{x}"),
        BorrowedValue::Timestamp(t) => write!(out, "{}", t.as_raw_i64()),
        BorrowedValue::VarChar(s) => {
            serde_json::to_writer(&mut *out, s).map_err(std::io::Error::other)
        }
        other => {
            serde_json::to_writer(&mut *out, &json_value(other)).map_err(std::io::Error::other)
        }
    };
}

/// Appends a line-protocol field value: `1i`, `7u`, `2.5`, `true`,
/// `"text"`; bytes as a quoted `\x..` hex string. False for NULL (the field
/// is then left out).
pub fn line_field(v: &BorrowedValue<'_>, out: &mut String) -> bool {
    use std::fmt::Write;
    match v {
        BorrowedValue::Null(_) => return false,
        BorrowedValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        BorrowedValue::TinyInt(x) => {
            let _ = write!(out, "{x}i8");
        }
        BorrowedValue::SmallInt(x) => {
            let _ = write!(out, "{x}i16");
        }
        BorrowedValue::Int(x) => {
            let _ = write!(out, "{x}i32");
        }
        BorrowedValue::BigInt(x) => {
            let _ = write!(out, "{x}i64");
        }
        BorrowedValue::UTinyInt(x) => {
            let _ = write!(out, "{x}u8");
        }
        BorrowedValue::USmallInt(x) => {
            let _ = write!(out, "{x}u16");
        }
        BorrowedValue::UInt(x) => {
            let _ = write!(out, "{x}u32");
        }
        BorrowedValue::UBigInt(x) => {
            let _ = write!(out, "{x}u64");
        }
        BorrowedValue::Float(x) => {
            let _ = write!(out, "{x}f32");
        }
        BorrowedValue::Double(x) => {
            let _ = write!(out, "{x}f64");
        }
        BorrowedValue::Timestamp(t) => {
            let _ = write!(out, "{}i64", t.as_raw_i64());
        }
        BorrowedValue::VarChar(s) => quoted(s, out),
        BorrowedValue::NChar(s) => quoted(s, out),
        BorrowedValue::Json(b) => quoted(&String::from_utf8_lossy(b), out),
        BorrowedValue::Decimal(d) => quoted(&format!("{d:?}"), out),
        BorrowedValue::VarBinary(b) | BorrowedValue::Geometry(b) => quoted(&hex(b), out),
        BorrowedValue::Blob(b) | BorrowedValue::MediumBlob(b) => quoted(&hex(b), out),
    }
    true
}

/// Text of a tag value for line protocol (tags are strings there).
pub fn tag_text(v: &BorrowedValue<'_>) -> Option<String> {
    Some(match v {
        BorrowedValue::Null(_) => return None,
        BorrowedValue::VarChar(s) => (*s).to_owned(),
        BorrowedValue::NChar(s) => s.to_string(),
        BorrowedValue::Json(b) => String::from_utf8_lossy(b).into_owned(),
        BorrowedValue::VarBinary(b) | BorrowedValue::Geometry(b) => hex(b),
        BorrowedValue::Timestamp(t) => t.as_raw_i64().to_string(),
        other => json_value(other).to_string(),
    })
}

/// Measurement names escape commas and spaces.
pub fn push_measurement(name: &str, out: &mut String) {
    escape(name, &[',', ' '], out);
}

/// Tag keys, tag values and field keys escape commas, `=` and spaces.
pub fn push_key(name: &str, out: &mut String) {
    escape(name, &[',', '=', ' '], out);
}

fn escape(s: &str, special: &[char], out: &mut String) {
    for c in s.chars() {
        if special.contains(&c) || c == '\\' {
            out.push('\\');
        }
        match c {
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + b.len() * 2);
    s.push_str("\\x");
    for byte in b {
        s.push_str(&format!("{byte:02x}"));
    }
    s
}

fn base64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &x)| n | u32::from(x) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use taos::taos_query::common::Timestamp;

    #[test]
    fn json_covers_unsigned_bytes_and_json_tags() {
        assert_eq!(
            json_value(&BorrowedValue::UBigInt(u64::MAX)).to_string(),
            "18446744073709551615"
        );
        assert_eq!(
            json_value(&BorrowedValue::VarBinary(Cow::Borrowed(b"\x01\x02\xff"))),
            "AQL/"
        );
        assert_eq!(
            json_value(&BorrowedValue::Geometry(Cow::Borrowed(b"ab"))),
            "YWI="
        );
        assert_eq!(
            json_value(&BorrowedValue::Json(Cow::Borrowed(br#"{"k":"v"}"#))),
            serde_json::json!({"k": "v"})
        );
        assert_eq!(
            json_value(&BorrowedValue::Double(f64::NAN)),
            serde_json::Value::Null
        );
        assert_eq!(
            json_value(&BorrowedValue::Timestamp(Timestamp::Microseconds(5))),
            serde_json::json!(5)
        );
    }

    #[test]
    fn json_rows_match_the_tree_form() {
        let names = ["ts", "v", "note", "big", "f"];
        let cells = [
            BorrowedValue::Timestamp(Timestamp::Milliseconds(7)),
            BorrowedValue::Null(taos::Ty::Int),
            BorrowedValue::VarChar("a \"q\"\n"),
            BorrowedValue::UBigInt(u64::MAX),
            BorrowedValue::Double(0.5),
        ];
        let mut out = Vec::new();
        json_row(&names, &cells, &[], r#","site":"x""#, &mut out);
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"ts": 7, "v": null, "note": "a \"q\"\n", "big": u64::MAX, "f": 0.5, "site": "x"})
        );
    }

    #[test]
    fn decimals_are_exact_json_numbers() {
        let d = Some(DecimalType {
            precision: 38,
            scale: 10,
        });
        let mut out = Vec::new();
        json_row(
            &["d", "n"],
            &[
                BorrowedValue::VarChar("123456789012345678.0123456789"),
                BorrowedValue::Null(taos::Ty::VarChar),
            ],
            &[d, d],
            "",
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"d":123456789012345678.0123456789,"n":null}"#
        );
        assert!(is_json_number("-0.50") && is_json_number("7"));
        assert!(!is_json_number("01") && !is_json_number("1.") && !is_json_number("NaN"));
    }

    #[test]
    fn line_escapes_keys_tags_and_strings() {
        let mut out = String::new();
        push_measurement("my meters,x", &mut out);
        out.push(',');
        push_key("loc ation", &mut out);
        out.push('=');
        push_key(
            &tag_text(&BorrowedValue::VarChar("San Francisco, CA=1")).unwrap(),
            &mut out,
        );
        out.push(' ');
        push_key("note", &mut out);
        out.push('=');
        assert!(line_field(
            &BorrowedValue::VarChar(r#"say "hi" \ bye"#),
            &mut out
        ));
        assert_eq!(
            out,
            r#"my\ meters\,x,loc\ ation=San\ Francisco\,\ CA\=1 note="say \"hi\" \\ bye""#
        );
        let mut n = String::new();
        assert!(line_field(&BorrowedValue::UInt(7), &mut n));
        assert!(!line_field(&BorrowedValue::Null(taos::Ty::Int), &mut n));
        assert_eq!(n, "7u32");
    }
}
