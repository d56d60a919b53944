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
pub(crate) fn without_position(e: &serde_json::Error) -> String {
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
    fn refuses_unsafe_database_names() {
        assert!(check_database_name("metrics_01").is_ok());
        for bad in ["", "a`b", "a b", "x;drop", &"a".repeat(65)] {
            assert!(check_database_name(bad).is_err(), "{bad}");
        }
    }
}
