//! Field values of line protocol, typed as TDengine's schemaless insert
//! types them (`smlParseValue`, `smlParseNumber`): suffixes `i8`…`i64`/`i`,
//! `u8`…`u64`/`u`, `f32`, `f64` or none (DOUBLE: an integer without a
//! suffix is a DOUBLE), bools `t`/`f`/`true`/`false` in any case, `"…"`
//! VARCHAR and `L"…"` NCHAR.

#[derive(Debug, Clone, PartialEq)]
pub enum SmlValue {
    Bool(bool),
    TinyInt(i8),
    SmallInt(i16),
    Int(i32),
    BigInt(i64),
    UTinyInt(u8),
    USmallInt(u16),
    UInt(u32),
    UBigInt(u64),
    Float(f32),
    Double(f64),
    Varchar(String),
    NChar(String),
}

/// From `from` (the first byte of a value), the value's end and the
/// position of the byte after it (`,`, ` ` or the end of the line).
pub fn scan(b: &[u8], from: usize) -> Option<(usize, usize)> {
    let quoted = match b.get(from) {
        Some(b'"') => Some(from),
        Some(b'L') if b.get(from + 1) == Some(&b'"') => Some(from + 1),
        _ => None,
    };
    let Some(open) = quoted else {
        let end = b[from..]
            .iter()
            .position(|c| matches!(c, b',' | b' '))
            .map_or(b.len(), |p| from + p);
        // Backslashes or quotes in a bare value: left to the server.
        return (!b[from..end].iter().any(|c| matches!(c, b'\\' | b'"'))).then_some((end, end));
    };
    let mut i = open + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => {
                let end = i + 1;
                return matches!(b.get(end), None | Some(b',') | Some(b' ')).then_some((end, end));
            }
            _ => i += 1,
        }
    }
    None
}

impl SmlValue {
    /// The typed value of a raw field value, or None when left to the server.
    pub fn parse(raw: &str, max_string: usize) -> Option<SmlValue> {
        if let Some(body) = raw.strip_prefix("L\"") {
            let text = string_content(body.strip_suffix('"')?)?;
            return (text.len() <= max_string).then_some(SmlValue::NChar(text));
        }
        if let Some(body) = raw.strip_prefix('"') {
            let text = string_content(body.strip_suffix('"')?)?;
            return (text.len() <= max_string).then_some(SmlValue::Varchar(text));
        }
        let is = |word: &str| raw.eq_ignore_ascii_case(word);
        if is("t") || is("true") {
            return Some(SmlValue::Bool(true));
        }
        if is("f") || is("false") {
            return Some(SmlValue::Bool(false));
        }
        number(raw)
    }
}

/// A string field's content: `\"` and `\\` unescaped, other backslashes kept.
fn string_content(body: &str) -> Option<String> {
    super::unescape(body, b"\"\\")
}

/// Length of the decimal number at the start (what C's strtod reads of it).
fn number_len(b: &[u8]) -> usize {
    let mut i = usize::from(matches!(b.first(), Some(b'+') | Some(b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return 0;
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+') | Some(b'-')) {
            j += 1;
        }
        if digits(&mut j) > 0 {
            i = j;
        }
    }
    i
}

fn number(raw: &str) -> Option<SmlValue> {
    let len = number_len(raw.as_bytes());
    if len == 0 {
        return None;
    }
    let (text, suffix) = raw.split_at(len);
    let d: f64 = text.parse().ok()?;
    if !d.is_finite() {
        return None;
    }
    let integer = !text.contains(['.', 'e', 'E']);
    let within = |lo: f64, hi: f64| (lo..=hi).contains(&d);
    // Suffixes are at most 3 bytes: lower-cased on the stack.
    if suffix.len() > 3 {
        return None;
    }
    let mut lower = [0u8; 3];
    for (l, c) in lower.iter_mut().zip(suffix.bytes()) {
        *l = c.to_ascii_lowercase();
    }
    let suffix = std::str::from_utf8(&lower[..suffix.len()]).ok()?;
    Some(match suffix {
        "" | "f64" => SmlValue::Double(d),
        "f32" => {
            if !within(-f64::from(f32::MAX), f64::from(f32::MAX)) {
                return None;
            }
            SmlValue::Float(d as f32)
        }
        // Range checked on the double, then truncated (as TDengine does).
        "i8" if within(-128.0, 127.0) => SmlValue::TinyInt(d.trunc() as i8),
        "i16" if within(-32768.0, 32767.0) => SmlValue::SmallInt(d.trunc() as i16),
        "i32" if within(-2147483648.0, 2147483647.0) => SmlValue::Int(d.trunc() as i32),
        "u8" if within(0.0, 255.0) => SmlValue::UTinyInt(d.trunc() as u8),
        "u16" if within(0.0, 65535.0) => SmlValue::USmallInt(d.trunc() as u16),
        "u32" if within(0.0, 4294967295.0) => SmlValue::UInt(d.trunc() as u32),
        // strtoll/strtoull on the text: only plain integers are certain.
        "i" | "i64" if integer => SmlValue::BigInt(text.parse().ok()?),
        "u" | "u64" if integer && !text.starts_with('-') => SmlValue::UBigInt(text.parse().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::SmlValue::{self, *};

    fn v(raw: &str) -> Option<SmlValue> {
        SmlValue::parse(raw, 100)
    }

    #[test]
    fn suffixes_type_as_schemaless_does() {
        assert_eq!(v("220"), Some(Double(220.0)));
        assert_eq!(v("220i"), Some(BigInt(220)));
        assert_eq!(v("-5I64"), Some(BigInt(-5)));
        assert_eq!(v("1.9i8"), Some(TinyInt(1)));
        assert_eq!(v("1e5i32"), Some(Int(100_000)));
        assert_eq!(v("128i8"), None);
        assert_eq!(v("7u"), Some(UBigInt(7)));
        assert_eq!(v("-7u"), None);
        assert_eq!(v("2.5f32"), Some(Float(2.5)));
        assert_eq!(v(".5"), Some(Double(0.5)));
        assert_eq!(v("1e3"), Some(Double(1000.0)));
        assert_eq!(v("TrUe"), Some(Bool(true)));
        assert_eq!(v("F"), Some(Bool(false)));
        assert_eq!(v("tru"), None);
        assert_eq!(v("\"x\\\\y\\n\""), Some(Varchar("x\\y\\n".into())));
        assert_eq!(v("L\"中\""), Some(NChar("中".into())));
        assert_eq!(v("1.5x"), None);
        assert_eq!(v("nan"), None);
    }
}
