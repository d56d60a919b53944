//! Sink configuration, as the Java shim sends it (JSON).

use serde::Deserialize;

use super::structured::mapping::MappingConfig;
use crate::config::{check_database_name, without_position, ConnectionConfig, Precision};
use crate::error::{TdError, TdResult};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Line,
    Telnet,
    Json,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct SinkConfig {
    pub connection: ConnectionConfig,
    /// One database for every topic...
    #[serde(default)]
    pub database: Option<String>,
    /// ...or one per topic: prefix + topic (TDengine's own connector's rule).
    #[serde(default)]
    pub database_prefix: Option<String>,
    pub protocol: Protocol,
    pub precision: Precision,
    /// Most lines sent in one schemaless call.
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// How structured records become rows.
    #[serde(default)]
    pub mapping: MappingConfig,
    /// Text values are JSON objects mapped like structured records
    /// (`text.values=json`), not schemaless protocol text.
    #[serde(default)]
    pub text_json: bool,
    /// How line protocol is written (`write.path`).
    #[serde(default)]
    pub write_path: WritePath,
    /// Connections one write of the native path is spread over.
    #[serde(default = "default_write_parallelism")]
    pub write_parallelism: usize,
    /// Whether the native path binds rows (stmt2) where it can
    /// (`write.binding`: `auto`) or always sends SQL (`sql`, the default).
    #[serde(default)]
    pub write_binding: bool,
}

fn default_write_parallelism() -> usize {
    2
}

/// `schemaless`: TDengine's schemaless insert parses the lines on the
/// server; `native`: the connector parses line protocol and writes SQL into
/// the same tables (see `sink::native`).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WritePath {
    Schemaless,
    #[default]
    Native,
}

fn default_batch_size() -> usize {
    3000
}

impl SinkConfig {
    pub fn from_json(json: &str) -> TdResult<Self> {
        let cfg: SinkConfig = serde_json::from_str(json)
            .map_err(|e| TdError::fatal(format!("sink configuration: {}", without_position(&e))))?;
        match (&cfg.database, &cfg.database_prefix) {
            (Some(db), _) => check_database_name(db)?,
            (None, Some(_)) => {}
            (None, None) => {
                return Err(TdError::fatal(
                    "sink configuration: neither a database nor a database prefix",
                ))
            }
        }
        if cfg.batch_size == 0 {
            return Err(TdError::fatal("batch.size must be at least 1"));
        }
        Ok(cfg)
    }

    /// The database a topic's records go to. With a prefix, characters a
    /// database name cannot hold ('.', '-', ...) become '_'.
    pub fn database_for(&self, topic: &str) -> TdResult<String> {
        if let Some(db) = &self.database {
            return Ok(db.clone());
        }
        let prefix = self.database_prefix.as_deref().unwrap_or_default();
        let name: String = format!("{prefix}{topic}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        check_database_name(&name)?;
        Ok(name)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shim_json() {
        let cfg = SinkConfig::from_json(
            r#"{"connection":{"dsn":"ws://127.0.0.1:6041","user":"root","password":"p"},
                "database":"metrics","protocol":"line","precision":"us"}"#,
        )
        .unwrap();
        assert_eq!(cfg.protocol, Protocol::Line);
        assert_eq!(cfg.precision, Precision::Us);
        assert_eq!(cfg.connection.native_library, None);
        assert_eq!(cfg.connection.attempts, 1);
        assert_eq!(cfg.batch_size, 3000);
        assert_eq!(cfg.database_for("any.topic").unwrap(), "metrics");
    }

    #[test]
    fn database_prefix_names_a_database_per_topic() {
        let cfg = SinkConfig::from_json(
            r#"{"connection":{"dsn":"ws://h:6041","user":"u","password":"p"},
                "database_prefix":"kafka_","protocol":"line","precision":"ms"}"#,
        )
        .unwrap();
        assert_eq!(
            cfg.database_for("iot.sensors-eu").unwrap(),
            "kafka_iot_sensors_eu"
        );
        assert!(cfg.database_for(&"t".repeat(80)).is_err());
    }

    #[test]
    fn a_target_database_is_required() {
        let err = SinkConfig::from_json(
            r#"{"connection":{"dsn":"ws://h:6041","user":"u","password":"p"},
                "protocol":"line","precision":"ms"}"#,
        );
        assert!(matches!(err, Err(TdError::Fatal { .. })));
    }
}
