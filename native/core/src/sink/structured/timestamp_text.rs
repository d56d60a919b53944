//! Timestamps written as text: ISO-8601 / RFC 3339 by default, or a
//! `timestamp.format` pattern in Java `DateTimeFormatter` letters (what
//! Kafka Connect users already write for `TimestampConverter`), translated
//! once into a chrono format.

use chrono::format::{parse, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// A `timestamp.format` pattern, checked and translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFormat {
    java: String,
    strftime: String,
}

impl TextFormat {
    /// Translates a Java pattern; the letters understood are y/u (year),
    /// M, d, H, m, s, S (3, 6 or 9: fraction), X/x/Z (offset or `Z`), and
    /// quoted literals. Anything else is refused here, at start.
    pub fn compile(java: &str) -> Result<TextFormat, String> {
        let mut out = String::new();
        let chars: Vec<char> = java.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            if c == '\'' {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == '\'')
                    .ok_or_else(|| format!("timestamp.format '{java}': unclosed quote"))?;
                push_literal(&mut out, &chars[i + 1..i + 1 + end]);
                i += end + 2;
                continue;
            }
            let spec = match (c, run) {
                ('y' | 'u', 4) => "%Y",
                ('M', 2) => "%m",
                ('M', 1) | ('d', 1) | ('H', 1) | ('m', 1) | ('s', 1) => {
                    return Err(format!(
                        "timestamp.format '{java}': use two-digit fields ({c}{c})"
                    ))
                }
                ('d', 2) => "%d",
                ('H', 2) => "%H",
                ('m', 2) => "%M",
                ('s', 2) => "%S",
                ('S', 3) => "%3f",
                ('S', 6) => "%6f",
                ('S', 9) => "%9f",
                ('X' | 'x' | 'Z', 1..=3) => "%#z",
                (c, _) if c.is_ascii_alphabetic() => {
                    return Err(format!(
                        "timestamp.format '{java}': pattern letters {} are not supported \
                         (supported: yyyy MM dd HH mm ss SSS SSSSSS SSSSSSSSS XXX Z 'literal')",
                        c.to_string().repeat(run)
                    ))
                }
                _ => {
                    push_literal(&mut out, &chars[i..i + run]);
                    i += run;
                    continue;
                }
            };
            out.push_str(spec);
            i += run;
        }
        Ok(TextFormat {
            java: java.to_owned(),
            strftime: out,
        })
    }

    /// Nanoseconds since the epoch; a pattern without an offset reads UTC.
    fn parse(&self, text: &str) -> Result<i128, String> {
        let mut parsed = Parsed::new();
        parse(&mut parsed, text, StrftimeItems::new(&self.strftime)).map_err(|e| {
            format!(
                "'{text}' does not match timestamp.format '{}': {e}",
                self.java
            )
        })?;
        let at = if parsed.offset().is_some() {
            parsed.to_datetime().map(|d| d.naive_utc())
        } else {
            parsed
                .to_naive_datetime_with_offset(0)
                .or_else(|e| parsed.to_naive_date().map(midnight).map_err(|_| e))
        };
        at.map(nanos).map_err(|e| {
            format!(
                "'{text}' is not a complete timestamp for '{}': {e}",
                self.java
            )
        })
    }
}

fn push_literal(out: &mut String, chars: &[char]) {
    for &c in chars {
        match c {
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
    }
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

fn nanos(t: NaiveDateTime) -> i128 {
    let utc = t.and_utc();
    i128::from(utc.timestamp()) * 1_000_000_000 + i128::from(utc.timestamp_subsec_nanos())
}

/// Reads a text timestamp as nanoseconds since the epoch: with the pattern
/// when one is configured, else RFC 3339 (`2024-05-01T12:00:00.5+02:00`)
/// or `yyyy-MM-dd[ T]HH:mm:ss[.fraction]` in UTC.
pub fn parse_text(text: &str, format: Option<&TextFormat>) -> Result<i128, String> {
    let text = text.trim();
    if let Some(f) = format {
        return f.parse(text);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(nanos(t.naive_utc()));
    }
    for pattern in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, pattern) {
            return Ok(nanos(t));
        }
    }
    Err(format!(
        "'{text}' is not an ISO-8601 timestamp (set timestamp.format for other layouts)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i128 = 1_714_564_800_000_000_000; // 2024-05-01T12:00:00Z

    #[test]
    fn iso_forms_are_read_without_a_pattern() {
        assert_eq!(parse_text("2024-05-01T12:00:00Z", None), Ok(T0));
        assert_eq!(parse_text("2024-05-01T14:00:00+02:00", None), Ok(T0));
        assert_eq!(
            parse_text("2024-05-01 12:00:00.25", None),
            Ok(T0 + 250_000_000)
        );
        assert_eq!(parse_text("2024-05-01T12:00:00", None), Ok(T0));
        assert!(parse_text("yesterday", None)
            .unwrap_err()
            .contains("timestamp.format"));
    }

    #[test]
    fn java_patterns_translate() {
        let f = TextFormat::compile("dd/MM/yyyy HH:mm:ss.SSS").unwrap();
        assert_eq!(
            parse_text("01/05/2024 12:00:00.007", Some(&f)),
            Ok(T0 + 7_000_000)
        );
        let f = TextFormat::compile("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").unwrap();
        assert_eq!(
            parse_text("2024-05-01T13:00:00.000001+01:00", Some(&f)),
            Ok(T0 + 1_000)
        );
        assert_eq!(parse_text("2024-05-01T12:00:00.000000Z", Some(&f)), Ok(T0));
        let f = TextFormat::compile("yyyyMMdd").unwrap();
        assert_eq!(
            parse_text("20240501", Some(&f)),
            Ok(T0 - 12 * 3_600_000_000_000)
        );
        let f = TextFormat::compile("yyyy%MM%dd HH:mm:ss").unwrap();
        assert_eq!(parse_text("2024%05%01 12:00:00", Some(&f)), Ok(T0));
    }

    #[test]
    fn mismatches_and_unknown_letters_are_clear() {
        let f = TextFormat::compile("yyyy-MM-dd HH:mm:ss").unwrap();
        let e = parse_text("2024-05-01T12:00:00", Some(&f)).unwrap_err();
        assert!(
            e.contains("does not match timestamp.format 'yyyy-MM-dd HH:mm:ss'"),
            "{e}"
        );
        let e = TextFormat::compile("EEE, dd MMM yyyy").unwrap_err();
        assert!(e.contains("EEE"), "{e}");
        assert!(TextFormat::compile("yyyy-MM-dd'T").is_err());
    }
}
