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
    pub database: String,
    pub protocol: Protocol,
    pub precision: Precision,
}

impl SinkConfig {
    pub fn from_json(json: &str) -> TdResult<Self> {
        let cfg: SinkConfig = serde_json::from_str(json)
            .map_err(|e| TdError::fatal(format!("sink configuration from the shim: {e}")))?;
        check_database_name(&cfg.database)?;
        Ok(cfg)
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
    }

    #[test]
    fn refuses_unsafe_database_names() {
        assert!(check_database_name("metrics_01").is_ok());
        for bad in ["", "a`b", "a b", "x;drop", &"a".repeat(65)] {
            assert!(check_database_name(bad).is_err(), "{bad}");
        }
    }
}
