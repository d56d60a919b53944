//! From a structured record to a row: super table and subtable names
//! (templates), tags, timestamp and columns.

pub use super::mapping_config::{MappingConfig, TimestampUnit};
use super::row_timestamp::field_timestamp;
use super::schema::ms_to_precision;
use super::value::{Field, FieldValue};
use crate::config::Precision;
use crate::error::{TdError, TdResult};

/// Tag holding the topic when no tag fields are configured (a super table needs a tag).
pub const TOPIC_TAG: &str = "kafka_topic";

/// What a record knows besides its fields.
#[derive(Debug, Clone, Copy)]
pub struct RecordMeta<'a> {
    pub index: usize,
    pub topic: &'a str,
    pub partition: i32,
    pub key: Option<&'a str>,
    /// Kafka record timestamp, ms.
    pub timestamp: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    pub record: usize,
    pub stable: String,
    pub subtable: String,
    /// In the database's precision.
    pub ts: i64,
    pub tags: Vec<Field<'a>>,
    pub columns: Vec<Field<'a>>,
}

pub fn map_record<'a>(
    cfg: &MappingConfig,
    precision: Precision,
    meta: RecordMeta<'a>,
    fields: Vec<Field<'a>>,
) -> TdResult<Row<'a>> {
    let err = |m: String| TdError::data(meta.index, m);
    let find = |name: &str| fields.iter().find(|f| f.name == name).map(|f| f.value);
    let stable = table_name(render(&cfg.stable, &meta, &fields).map_err(err)?);
    let ts = match &cfg.timestamp_field {
        Some(name) => match find(name) {
            None | Some(FieldValue::Null) => {
                return Err(err(format!("timestamp field '{name}' is missing or null")))
            }
            Some(v) => field_timestamp(v, cfg, precision)
                .map_err(|m| err(format!("timestamp field '{name}': {m}")))?,
        },
        None => {
            let ms = meta.timestamp.ok_or_else(|| {
                err("record has no Kafka timestamp and no timestamp.field is set".into())
            })?;
            ms_to_precision(ms, precision)
                .ok_or_else(|| err(format!("timestamp {ms} out of range")))?
        }
    };
    let tags: Vec<Field<'a>> = if cfg.tags.is_empty() {
        vec![Field {
            name: TOPIC_TAG,
            value: FieldValue::Str(meta.topic),
        }]
    } else {
        // Tags in configured order; a missing tag field leaves that tag NULL.
        cfg.tags
            .iter()
            .filter_map(|t| fields.iter().find(|f| f.name == t).cloned())
            .collect()
    };
    let subtable = match &cfg.subtable {
        Some(template) => table_name(render(template, &meta, &fields).map_err(err)?),
        None => default_subtable(&stable, &tags),
    };
    let columns = fields
        .iter()
        .filter(|f| {
            Some(f.name) != cfg.timestamp_field.as_deref()
                && !cfg.tags.iter().any(|t| t == f.name)
                && (cfg.include.is_empty() || cfg.include.iter().any(|i| i == f.name))
                && !cfg.exclude.iter().any(|e| e == f.name)
        })
        .cloned()
        .collect();
    Ok(Row {
        record: meta.index,
        stable,
        subtable,
        ts,
        tags,
        columns,
    })
}

/// TDengine refuses '.' in table names even when quoted (column names may
/// hold it); topics like `iot.sensors` become `iot_sensors`.
fn table_name(name: String) -> String {
    if name.contains('.') {
        name.replace('.', "_")
    } else {
        name
    }
}

/// A stable subtable name from the tag values, so replays hit the same subtable.
fn default_subtable(stable: &str, tags: &[Field<'_>]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(stable.as_bytes());
    for t in tags {
        feed(&[0xff]);
        feed(t.name.as_bytes());
        feed(&[0xfe]);
        feed(display(&t.value).as_bytes());
    }
    let prefix: String = stable.chars().take(150).collect();
    format!("{prefix}_{h:016x}")
}

/// Text of a value for names and hashing.
pub fn display(v: &FieldValue<'_>) -> String {
    match *v {
        FieldValue::Null => String::new(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::I8(x) => x.to_string(),
        FieldValue::I16(x) => x.to_string(),
        FieldValue::I32(x) | FieldValue::TimeMs(x) | FieldValue::Date(x) => x.to_string(),
        FieldValue::I64(x) | FieldValue::TimestampMs(x) => x.to_string(),
        FieldValue::F32(x) => x.to_string(),
        FieldValue::F64(x) => x.to_string(),
        FieldValue::Str(s) | FieldValue::Decimal(s, _) => s.to_owned(),
        FieldValue::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

/// Expands `${topic}`, `${partition}`, `${key}` and `${field.NAME}`.
fn render(template: &str, meta: &RecordMeta<'_>, fields: &[Field<'_>]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed '${{' in '{template}'"))?
            + start;
        let name = &rest[start + 2..end];
        match name {
            "topic" => out.push_str(meta.topic),
            "partition" => out.push_str(&meta.partition.to_string()),
            "key" => out.push_str(meta.key.ok_or("record has no key for ${key}")?),
            _ => {
                let field = name
                    .strip_prefix("field.")
                    .ok_or_else(|| format!("unknown placeholder ${{{name}}}"))?;
                let v = fields
                    .iter()
                    .find(|f| f.name == field)
                    .map(|f| f.value)
                    .filter(|v| !matches!(v, FieldValue::Null))
                    .ok_or_else(|| {
                        format!("field '{field}' for ${{field.{field}}} is missing or null")
                    })?;
                out.push_str(&display(&v));
            }
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> RecordMeta<'static> {
        RecordMeta {
            index: 4,
            topic: "iot",
            partition: 2,
            key: Some("k1"),
            timestamp: Some(1_700_000_000_000),
        }
    }

    fn fields() -> Vec<Field<'static>> {
        vec![
            Field {
                name: "device_id",
                value: FieldValue::Str("d-7"),
            },
            Field {
                name: "site",
                value: FieldValue::Str("north"),
            },
            Field {
                name: "temp",
                value: FieldValue::F64(21.5),
            },
            Field {
                name: "at",
                value: FieldValue::I64(1_700_000_000),
            },
        ]
    }

    #[test]
    fn templates_tags_timestamp_and_columns() {
        let cfg = MappingConfig {
            stable: "m_${topic}".into(),
            subtable: Some("d_${field.device_id}_${partition}".into()),
            tags: vec!["site".into(), "device_id".into()],
            timestamp_field: Some("at".into()),
            ..MappingConfig::default()
        };
        let row = map_record(&cfg, Precision::Ms, meta(), fields()).unwrap();
        assert_eq!(row.stable, "m_iot");
        assert_eq!(row.subtable, "d_d-7_2");
        assert_eq!(row.ts, 1_700_000_000_000); // seconds by magnitude
        assert_eq!(
            row.tags.iter().map(|t| t.name).collect::<Vec<_>>(),
            vec!["site", "device_id"]
        );
        assert_eq!(
            row.columns.iter().map(|c| c.name).collect::<Vec<_>>(),
            vec!["temp"]
        );
    }

    #[test]
    fn dots_in_table_names_become_underscores() {
        let m = RecordMeta {
            topic: "iot.sensors",
            ..meta()
        };
        let cfg = MappingConfig {
            subtable: Some("${field.device_id}.x".into()),
            ..MappingConfig::default()
        };
        let row = map_record(&cfg, Precision::Ms, m, fields()).unwrap();
        assert_eq!(row.stable, "iot_sensors");
        assert_eq!(row.subtable, "d-7_x");
    }

    #[test]
    fn defaults_use_the_kafka_timestamp_and_a_topic_tag() {
        let row = map_record(&MappingConfig::default(), Precision::Us, meta(), fields()).unwrap();
        assert_eq!(row.stable, "iot");
        assert_eq!(row.ts, 1_700_000_000_000_000);
        assert_eq!(
            row.tags,
            vec![Field {
                name: TOPIC_TAG,
                value: FieldValue::Str("iot")
            }]
        );
        assert_eq!(row.columns.len(), 4);
        let again = map_record(&MappingConfig::default(), Precision::Us, meta(), fields()).unwrap();
        assert_eq!(row.subtable, again.subtable, "deterministic subtable names");
    }

    #[test]
    fn problems_are_data_errors_of_the_record() {
        let cfg = MappingConfig {
            timestamp_field: Some("nope".into()),
            ..MappingConfig::default()
        };
        assert!(matches!(
            map_record(&cfg, Precision::Ms, meta(), fields()),
            Err(TdError::Data { index: 4, .. })
        ));
        let cfg = MappingConfig {
            subtable: Some("${field.missing}".into()),
            ..MappingConfig::default()
        };
        assert!(map_record(&cfg, Precision::Ms, meta(), fields()).is_err());
        let cfg = MappingConfig {
            timestamp_field: Some("at".into()),
            timestamp_unit: TimestampUnit::Ns,
            ..MappingConfig::default()
        };
        // Sub-millisecond digits are refused, not truncated.
        let mut f = fields();
        f[3].value = FieldValue::I64(1_700_000_000_000_000_123);
        assert!(map_record(&cfg, Precision::Ms, meta(), f).is_err());
    }
}
