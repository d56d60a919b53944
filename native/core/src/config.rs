//! Configuration the shim sends once when it opens a handle, as JSON. The
//! Java config classes validate and normalise user input (URL forms, enums);
//! this side only deserialises the result.

use serde::Deserialize;

use crate::error::{TdError, TdResult};

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// `ws://host:port`, `wss://host:port` or `taos://host:port`.
    pub dsn: String,
    pub user: String,
    pub password: String,
    /// Path of libtaos for `taos://` DSNs; default is the loader's search path.
    #[serde(default)]
    pub native_library: Option<String>,
    /// PEM bundle of CAs trusted for `wss://` (see tls/); default: the system's.
    #[serde(default)]
    pub tls_ca_file: Option<String>,
    /// Whether `wss://` checks that the certificate names the host.
    #[serde(default = "yes")]
    pub tls_verify_hostname: bool,
    /// Connection attempts before giving up on a transient failure.
    #[serde(default = "one")]
    pub attempts: u32,
    /// Pause between connection attempts.
    #[serde(default)]
    pub backoff_ms: u64,
    /// Longest wait for any one TDengine request (`request.timeout.ms`);
    /// a request unanswered by then is abandoned with its connection.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

fn default_request_timeout_ms() -> u64 {
    30_000
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Line,
    Telnet,
    Json,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Ms,
    Us,
    Ns,
}

impl Precision {
    pub fn as_sql(self) -> &'static str {
        match self {
            Precision::Ms => "ms",
            Precision::Us => "us",
            Precision::Ns => "ns",
        }
    }
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
    pub mapping: crate::structured::mapping::MappingConfig,
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
    #[default]
    Schemaless,
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

/// TDengine database names are letters, digits and `_`, at most 64 bytes;
/// checking here keeps any other character out of SQL we build.
pub fn check_database_name(name: &str) -> TdResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(TdError::fatal(format!(
            "database name '{name}' must be 1-64 letters, digits or '_'"
        )))
    }
}

/// A serde error's text without the " at line 1 column 312" of the JSON the
/// shim generated (meaningless to a user).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((message, _)) if e.line() > 0 => message.to_owned(),
        _ => text,
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

    #[test]
    fn refuses_unsafe_database_names() {
        assert!(check_database_name("metrics_01").is_ok());
        for bad in ["", "a`b", "a b", "x;drop", &"a".repeat(65)] {
            assert!(check_database_name(bad).is_err(), "{bad}");
        }
    }
}
