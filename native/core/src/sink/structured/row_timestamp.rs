//! A row's timestamp from the record's timestamp field: integers in the
//! configured unit (or by magnitude), Connect Timestamp/Date, text (ISO-8601
//! or the configured pattern), converted exactly to the database precision.

use super::mapping_config::{MappingConfig, TimestampUnit};
use super::schema::ms_to_precision;
use super::timestamp_text::parse_text;
use super::value::FieldValue;
use crate::config::Precision;

pub fn field_timestamp(
    v: FieldValue<'_>,
    cfg: &MappingConfig,
    precision: Precision,
) -> Result<i64, String> {
    let out_of_range = || format!("{v:?} is out of range");
    match v {
        FieldValue::Str(text) if cfg.timestamp_format.is_none() && is_integer(text) => {
            let n = text.trim().parse::<i64>().map_err(|_| out_of_range())?;
            field_timestamp(FieldValue::I64(n), cfg, precision)
        }
        FieldValue::Str(text) => {
            let ns = parse_text(text, cfg.timestamp_format.as_ref())?;
            let per: i128 = match precision {
                Precision::Ms => 1_000_000,
                Precision::Us => 1_000,
                Precision::Ns => 1,
            };
            if ns % per != 0 {
                return Err(format!(
                    "'{text}' has more precision than the database's {precision:?}"
                ));
            }
            i64::try_from(ns / per).map_err(|_| out_of_range())
        }
        FieldValue::TimestampMs(ms) => ms_to_precision(ms, precision).ok_or_else(out_of_range),
        FieldValue::Date(days) => {
            ms_to_precision(i64::from(days) * 86_400_000, precision).ok_or_else(out_of_range)
        }
        FieldValue::I32(_) | FieldValue::I64(_) => {
            let n = match v {
                FieldValue::I32(x) => i64::from(x),
                FieldValue::I64(x) => x,
                _ => 0,
            };
            let unit = match cfg.timestamp_unit {
                TimestampUnit::Auto => match n.unsigned_abs() {
                    0..=99_999_999_999 => TimestampUnit::S,
                    100_000_000_000..=99_999_999_999_999 => TimestampUnit::Ms,
                    100_000_000_000_000..=99_999_999_999_999_999 => TimestampUnit::Us,
                    _ => TimestampUnit::Ns,
                },
                u => u,
            };
            // Convert to the database precision exactly, refusing lost digits.
            let per_second: i64 = match unit {
                TimestampUnit::S => 1,
                TimestampUnit::Ms => 1_000,
                TimestampUnit::Us => 1_000_000,
                _ => 1_000_000_000,
            };
            let target: i64 = match precision {
                Precision::Ms => 1_000,
                Precision::Us => 1_000_000,
                Precision::Ns => 1_000_000_000,
            };
            if target >= per_second {
                n.checked_mul(target / per_second).ok_or_else(out_of_range)
            } else if n % (per_second / target) == 0 {
                Ok(n / (per_second / target))
            } else {
                Err(format!(
                    "{n} has more precision than the database's {precision:?}"
                ))
            }
        }
        other => Err(format!(
            "{other:?} is not a timestamp (use a Timestamp, Date, integer or text field)"
        )),
    }
}

fn is_integer(text: &str) -> bool {
    let t = text.trim().strip_prefix('-').unwrap_or(text.trim());
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert_exactly() {
        let unit = |u| MappingConfig {
            timestamp_unit: u,
            ..MappingConfig::default()
        };
        assert_eq!(
            field_timestamp(
                FieldValue::I64(1_700_000_000_123),
                &unit(TimestampUnit::Auto),
                Precision::Ns
            ),
            Ok(1_700_000_000_123_000_000)
        );
        assert_eq!(
            field_timestamp(
                FieldValue::I64(1_700_000_000_123_000),
                &unit(TimestampUnit::Us),
                Precision::Ms
            ),
            Ok(1_700_000_000_123)
        );
        assert!(field_timestamp(
            FieldValue::Bool(true),
            &unit(TimestampUnit::Auto),
            Precision::Ms
        )
        .is_err());
    }

    #[test]
    fn text_timestamps_read_iso_digits_or_the_pattern_exactly() {
        let iso = MappingConfig::default();
        assert_eq!(
            field_timestamp(
                FieldValue::Str("2023-11-14T22:13:20.123Z"),
                &iso,
                Precision::Us
            ),
            Ok(1_700_000_000_123_000)
        );
        assert_eq!(
            field_timestamp(FieldValue::Str("1700000000"), &iso, Precision::Ms),
            Ok(1_700_000_000_000)
        );
        let e = field_timestamp(
            FieldValue::Str("2023-11-14T22:13:20.1234Z"),
            &iso,
            Precision::Ms,
        )
        .unwrap_err();
        assert!(e.contains("more precision"), "{e}");
        let patterned: MappingConfig =
            serde_json::from_str(r#"{"timestamp_format":"dd.MM.yyyy HH:mm"}"#).unwrap();
        assert_eq!(
            field_timestamp(
                FieldValue::Str("14.11.2023 22:13"),
                &patterned,
                Precision::Ms
            ),
            Ok(1_699_999_980_000)
        );
        let bad = serde_json::from_str::<MappingConfig>(r#"{"timestamp_format":"EEE"}"#);
        assert!(bad.unwrap_err().to_string().contains("not supported"));
    }
}
