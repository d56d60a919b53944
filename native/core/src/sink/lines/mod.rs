//! InfluxDB line protocol parsed natively, with the results TDengine's own
//! schemaless insert gives (its rules: `clientSmlLine.c` of TDengine 3.3).
//! Only lines whose meaning is certain are parsed here; anything else (no
//! tags, no timestamp, unusual escapes or literals, limits near TDengine's)
//! is left to the server's schemaless insert, never guessed at.

mod value;

use std::borrow::Cow;

pub use value::SmlValue;

/// TDengine's limits (`clientSml.c`): measurement and key lengths.
const MAX_MEASUREMENT: usize = 192;
const MAX_KEY: usize = 64;
/// Longest tag value (NCHAR) and string field this parser takes on.
const MAX_TAG_VALUE: usize = 4096;
const MAX_STRING: usize = 16_384;

/// The series part of a line (`measurement,tags`): shared by every line of
/// one child table, so it is parsed once per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Prefix {
    /// Measurement as written (escapes kept, `.` → `_`): what the child
    /// table name is hashed from.
    pub hashed_measurement: String,
    /// Super table name: the measurement unescaped, `.` → `_`.
    pub stable: String,
    /// Tags in line order (values are NCHAR).
    pub tags: Vec<(String, String)>,
}

/// The rest of a line: fields in line order and the timestamp as written,
/// in the call's precision (> 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Fields<'a> {
    /// Keys borrowed from the line unless they hold escapes.
    pub fields: Vec<(Cow<'a, str>, SmlValue)>,
    pub ts: i64,
}

/// A whole line (tests, tools).
#[derive(Debug, Clone, PartialEq)]
pub struct LineRow<'a> {
    pub prefix: Prefix,
    pub fields: Fields<'a>,
}

/// The line's series text (`measurement,tags`, the key of its child table)
/// and where its fields start; None when the line is left to the server.
pub fn split(line: &str) -> Option<(&str, usize)> {
    let b = line.as_bytes();
    // Runs of backslashes have quirks of their own in TDengine's parser.
    if line.contains("\\\\") || b.first().is_none_or(|c| *c == b' ' || *c == b'#') {
        return None;
    }
    let (_, end) = scan(b, 0, b" ")?;
    let mut at = end;
    while b.get(at) == Some(&b' ') {
        at += 1;
    }
    (end < b.len()).then_some((&line[..end], at))
}

/// The series of a line's prefix text, or None when left to the server.
pub fn parse_prefix(text: &str) -> Option<Prefix> {
    let b = text.as_bytes();
    let (measurement, mut at) = scan(b, 0, b", ")?;
    if b.get(at) != Some(&b',') {
        return None; // no tags: schemaless adds a `_tag_null` tag; left to it
    }
    let raw_measurement = &text[..measurement];
    let stable = unescape(raw_measurement, b", \\")?.replace('.', "_");
    if stable.is_empty() || stable.len() > MAX_MEASUREMENT {
        return None;
    }
    let mut tags = Vec::new();
    loop {
        at += 1; // the ',' before a tag
        let (key_end, eq) = scan(b, at, b"= ,")?;
        if b.get(eq) != Some(&b'=') {
            return None;
        }
        let key = key(&text[at..key_end])?.into_owned();
        let (value_end, next) = scan(b, eq + 1, b" ,=")?;
        if b.get(next) == Some(&b'=') || value_end == eq + 1 {
            return None;
        }
        let value = unescape(&text[eq + 1..value_end], b", =\\")?;
        if value.len() > MAX_TAG_VALUE {
            return None;
        }
        tags.push((key, value));
        at = next;
        match b.get(at) {
            Some(b',') => continue,
            None => break,
            _ => return None,
        }
    }
    if has_duplicates(tags.iter().map(|(k, _)| k.as_str())) {
        return None;
    }
    Some(Prefix {
        hashed_measurement: raw_measurement.replace('.', "_"),
        stable,
        tags,
    })
}

/// The fields and timestamp of `line` from `at` (see [`split`]).
pub fn parse_fields<'a>(
    line: &'a str,
    mut at: usize,
    tags: &[(String, String)],
) -> Option<Fields<'a>> {
    let b = line.as_bytes();
    let mut fields = Vec::new();
    loop {
        let (key_end, eq) = scan(b, at, b"= ,")?;
        if b.get(eq) != Some(&b'=') {
            return None;
        }
        let key = key(&line[at..key_end])?;
        let (value_end, next) = value::scan(b, eq + 1)?;
        fields.push((key, SmlValue::parse(&line[eq + 1..value_end], MAX_STRING)?));
        at = next;
        match b.get(at) {
            Some(b',') => at += 1,
            Some(b' ') => break,
            _ => return None, // no timestamp: "now", left to the server
        }
    }
    while b.get(at) == Some(&b' ') {
        at += 1;
    }
    let ts_text = &line[at..];
    // Digits only (TDengine ignores anything after a space; not guessed at).
    if ts_text.is_empty() || ts_text.len() > 19 || !ts_text.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let ts: i64 = ts_text.parse().ok().filter(|t| *t > 0)?;
    let keys = tags
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(fields.iter().map(|(k, _)| k.as_ref()));
    if has_duplicates(keys) {
        return None;
    }
    Some(Fields { fields, ts })
}

/// A whole line, or None when it is left to the server.
pub fn parse(line: &str) -> Option<LineRow<'_>> {
    let (text, at) = split(line)?;
    let prefix = parse_prefix(text)?;
    let fields = parse_fields(line, at, &prefix.tags)?;
    Some(LineRow { prefix, fields })
}

/// From `from`, the end of a token (first unescaped byte of `stops`) and
/// that byte's position (== len at the end of the line).
#[inline]
fn scan(b: &[u8], from: usize, stops: &[u8]) -> Option<(usize, usize)> {
    // A table of the stop bytes: one lookup per byte.
    let mut stop = [false; 256];
    for &s in stops {
        stop[usize::from(s)] = true;
    }
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            i += 2; // the escaped byte is part of the token
            continue;
        }
        if stop[usize::from(c)] {
            return Some((i, i));
        }
        i += 1;
    }
    Some((b.len().min(i), b.len()))
}

/// TDengine's unescape: a backslash before a byte of `set` goes; other
/// backslashes stay.
fn unescape(raw: &str, set: &[u8]) -> Option<String> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() && set.contains(&b[i + 1]) {
            out.push(b[i + 1]);
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn key(raw: &str) -> Option<Cow<'_, str>> {
    // One pass over the bytes: escapes, backticks and control characters
    // (C0, DEL, and C1 as UTF-8 `C2 80`..`C2 9F`).
    let b = raw.as_bytes();
    let mut escaped = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\\' => escaped = true,
            b'`' | 0..=0x1f | 0x7f => return None,
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => return None,
            _ => {}
        }
    }
    let k = if escaped {
        let k = unescape(raw, b", =\\")?;
        if k.chars().any(char::is_control) || k.contains('`') {
            return None;
        }
        Cow::Owned(k)
    } else {
        Cow::Borrowed(raw)
    };
    (!k.is_empty() && k.len() <= MAX_KEY && k != "_ts").then_some(k)
}

fn has_duplicates<'a>(mut keys: impl Iterator<Item = &'a str> + Clone) -> bool {
    // One pass over a signature bit of each key proves most lines free of
    // duplicates without comparing keys or allocating; only keys whose bit
    // was seen twice are then compared, pairwise (past 64 keys, hashed).
    let mut seen = 0u64;
    let mut twice = 0u64;
    let mut n = 0usize;
    for k in keys.clone() {
        let bit = signature_bit(k);
        twice |= seen & bit;
        seen |= bit;
        n += 1;
    }
    if twice == 0 {
        return false;
    }
    if n > 64 {
        let mut set = std::collections::HashSet::with_capacity(n);
        return keys.any(|k| !set.insert(k));
    }
    let mut suspects = keys.filter(move |k| twice & signature_bit(k) != 0);
    while let Some(a) = suspects.next() {
        let bit = signature_bit(a);
        if suspects
            .clone()
            .any(|b| signature_bit(b) == bit && same_key(a, b))
        {
            return true;
        }
    }
    false
}

/// One of 64 bits, from a key's length and end bytes.
#[inline]
fn signature_bit(k: &str) -> u64 {
    let b = k.as_bytes();
    let sig = (b.len() as u64)
        .wrapping_mul(31)
        .wrapping_add(u64::from(b.first().copied().unwrap_or(0)))
        .wrapping_mul(31)
        .wrapping_add(u64::from(b.last().copied().unwrap_or(0)));
    1u64 << (sig % 64)
}

/// `a == b`, telling most unequal keys apart before comparing their bytes
/// (this runs several times per line).
#[inline]
pub fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.as_bytes().first() == b.as_bytes().first()
        && a.as_bytes().last() == b.as_bytes().last()
        && a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_lines_parse_with_schemaless_types() {
        let row = parse("meters,location=SF,groupid=2 current=1.2,voltage=220i,phase=0.3f32,on=T,note=\"a \\\"q\\\"\" 1700000000000").unwrap();
        let (p, row) = (row.prefix, row.fields);
        assert_eq!(p.stable, "meters");
        assert_eq!(
            p.tags,
            vec![
                ("location".into(), "SF".into()),
                ("groupid".into(), "2".into())
            ]
        );
        assert_eq!(row.fields[0], ("current".into(), SmlValue::Double(1.2)));
        assert_eq!(row.fields[1], ("voltage".into(), SmlValue::BigInt(220)));
        assert_eq!(row.fields[2], ("phase".into(), SmlValue::Float(0.3)));
        assert_eq!(row.fields[3], ("on".into(), SmlValue::Bool(true)));
        assert_eq!(
            row.fields[4],
            ("note".into(), SmlValue::Varchar("a \"q\"".into()))
        );
        assert_eq!(row.ts, 1_700_000_000_000);
    }

    #[test]
    fn escapes_follow_tdengine() {
        let row = parse(r#"my\ m.x,loc\ a=San\ Francisco\,\ CA f\=1=1i8 5"#).unwrap();
        assert_eq!(row.prefix.stable, "my m_x");
        assert_eq!(row.prefix.hashed_measurement, r"my\ m_x");
        assert_eq!(
            row.prefix.tags,
            vec![("loc a".into(), "San Francisco, CA".into())]
        );
        assert_eq!(
            row.fields.fields,
            vec![("f=1".into(), SmlValue::TinyInt(1))]
        );
    }

    #[test]
    fn uncertain_lines_are_left_to_the_server() {
        for line in [
            "m f=1 5",           // no tags
            "m,t=1 f=1",         // no timestamp
            "m,t=1 f=1 0",       // "now"
            "m,t=1 f=1 5 extra", // trailing text
            r"m,t=a\\ f=1 5",    // backslash runs
            "m,t=1 f=1e3i 5",    // strtoll truncation
            "m,t=1 f=inf 5",     // non-finite
            "m,t=1 f=B\"x\" 5",  // varbinary
            "m,t=1,t=2 f=1 5",   // duplicate key
            "m,t=1 t=1 5",       // tag and field
            "m,t= f=1 5",        // empty tag value
            "m,t=1 _ts=1 5",     // the timestamp column
            " m,t=1 f=1 5",      // leading space
        ] {
            assert_eq!(parse(line), None, "{line}");
        }
    }

    #[test]
    fn keys_alike_in_length_and_ends_are_not_duplicates() {
        // Same signature (length, first and last byte): compared, not equal.
        assert!(!has_duplicates(["axb", "ayb", "azb"].into_iter()));
        assert!(has_duplicates(["axb", "ayb", "axb"].into_iter()));
    }

    #[test]
    fn duplicate_keys_are_found_among_many() {
        for n in [3usize, 20, 70, 130] {
            let keys: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            assert!(!has_duplicates(keys.iter().map(String::as_str)), "{n}");
            for dup in [0, n / 2, n - 1] {
                let mut with = keys.clone();
                with.push(keys[dup].clone());
                assert!(has_duplicates(with.iter().map(String::as_str)), "{n} {dup}");
            }
        }
        let wide: String = (0..20).map(|i| format!("c{i}={i}.5,")).collect();
        let line = format!("wide,location=a,groupid=1 {wide}on=t 5");
        assert_eq!(parse(&line).map(|r| r.fields.fields.len()), Some(21));
        assert_eq!(parse(&format!("wide,c3=a {wide}on=t 5")), None);
    }
}
