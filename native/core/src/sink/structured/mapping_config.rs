//! How structured records become rows (`tags`, `timestamp.*`, `include`,
//! `exclude`, `auto.create`, `auto.evolve`, name templates), as the shim sends it.

use serde::{Deserialize, Deserializer};

use super::timestamp_text::TextFormat;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TimestampUnit {
    /// Seconds, ms, us or ns by magnitude (10, 13, 16 or 19 digits).
    Auto,
    S,
    Ms,
    Us,
    Ns,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct MappingConfig {
    /// Super table name template: `${topic}` (default), `${field.NAME}`, ...
    #[serde(default = "topic_template")]
    pub stable: String,
    /// Subtable name template; None: super table + hash of the tag values.
    #[serde(default)]
    pub subtable: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Field holding the row timestamp; None: the Kafka record timestamp.
    #[serde(default)]
    pub timestamp_field: Option<String>,
    #[serde(default = "auto_unit")]
    pub timestamp_unit: TimestampUnit,
    /// Pattern of text timestamps; None: ISO-8601.
    #[serde(default, deserialize_with = "text_format")]
    pub timestamp_format: Option<TextFormat>,
    /// Fields written as columns: all when empty.
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default = "yes")]
    pub auto_create: bool,
    #[serde(default = "yes")]
    pub auto_evolve: bool,
}

fn topic_template() -> String {
    "${topic}".into()
}
fn auto_unit() -> TimestampUnit {
    TimestampUnit::Auto
}
fn yes() -> bool {
    true
}
fn text_format<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TextFormat>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(p) if p.is_empty() => Ok(None),
        Some(p) => TextFormat::compile(&p)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

impl Default for MappingConfig {
    fn default() -> Self {
        MappingConfig {
            stable: topic_template(),
            subtable: None,
            tags: Vec::new(),
            timestamp_field: None,
            timestamp_unit: TimestampUnit::Auto,
            timestamp_format: None,
            include: Vec::new(),
            exclude: Vec::new(),
            auto_create: true,
            auto_evolve: true,
        }
    }
}
