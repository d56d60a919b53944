//! Source configuration, as the Java shim sends it (JSON).

use serde::Deserialize;

use crate::config::ConnectionConfig;
use crate::error::{TdError, TdResult};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OutFormat {
    Line,
    Json,
    Struct,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReadMethod {
    #[default]
    Subscription,
    Query,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct SourceConfig {
    pub connection: ConnectionConfig,
    pub database: String,
    /// Super tables this task reads (in query mode also normal tables).
    pub stables: Vec<String>,
    pub topic_prefix: String,
    #[serde(default = "dash")]
    pub topic_delimiter: String,
    #[serde(default = "yes")]
    pub topic_per_stable: bool,
    #[serde(default)]
    pub topic_ignore_db: bool,
    pub out_format: OutFormat,
    /// TDengine consumer group of the connector's tasks.
    pub group_id: String,
    /// Where a vgroup without a stored offset starts: true earliest, false latest.
    #[serde(default)]
    pub from_earliest: bool,
    #[serde(default)]
    pub read_method: ReadMethod,
    /// Query mode: rows per page.
    #[serde(default = "page_rows")]
    pub fetch_max_rows: u64,
    /// Query mode: longest time window per query in ms (0: up to now).
    #[serde(default)]
    pub query_interval_ms: i64,
    /// Query mode: rows younger than this (ms) are left for a later poll.
    #[serde(default)]
    pub query_delay_ms: i64,
    /// Query mode: where tables without a stored offset start (else their first row).
    #[serde(default)]
    pub timestamp_initial: Option<String>,
}

fn page_rows() -> u64 {
    10_000
}

fn dash() -> String {
    "-".into()
}
fn yes() -> bool {
    true
}

impl SourceConfig {
    pub fn from_json(json: &str) -> TdResult<Self> {
        let cfg: SourceConfig = serde_json::from_str(json)
            .map_err(|e| TdError::fatal(format!("source configuration: {e}")))?;
        crate::config::check_database_name(&cfg.database)?;
        Ok(cfg)
    }

    /// Kafka topic of a super table's rows, named as TDengine's own connector names them.
    pub fn kafka_topic(&self, stable: &str) -> String {
        let d = &self.topic_delimiter;
        match (self.topic_per_stable, self.topic_ignore_db) {
            (true, true) => format!("{}{d}{stable}", self.topic_prefix),
            (true, false) => format!("{}{d}{}{d}{stable}", self.topic_prefix, self.database),
            (false, _) => format!("{}{d}{}", self.topic_prefix, self.database),
        }
    }

    /// The TMQ topic the connector creates for a super table.
    pub fn tmq_topic(&self, stable: &str) -> String {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect()
        };
        format!("tdconnect_{}_{}", clean(&self.database), clean(stable))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(per_stable: bool, ignore_db: bool) -> SourceConfig {
        SourceConfig {
            connection: ConnectionConfig {
                dsn: "ws://h:6041".into(),
                user: "root".into(),
                password: "taosdata".into(),
                native_library: None,
                tls_ca_file: None,
                tls_verify_hostname: true,
                attempts: 1,
                backoff_ms: 0,
                request_timeout_ms: 1000,
            },
            database: "power".into(),
            stables: vec!["meters".into()],
            topic_prefix: "tdengine".into(),
            topic_delimiter: "-".into(),
            topic_per_stable: per_stable,
            topic_ignore_db: ignore_db,
            out_format: OutFormat::Json,
            group_id: "g".into(),
            from_earliest: true,
            read_method: ReadMethod::Subscription,
            fetch_max_rows: 100,
            query_interval_ms: 0,
            query_delay_ms: 0,
            timestamp_initial: None,
        }
    }

    #[test]
    fn topics_are_named_like_the_official_connector() {
        assert_eq!(
            cfg(true, false).kafka_topic("meters"),
            "tdengine-power-meters"
        );
        assert_eq!(cfg(true, true).kafka_topic("meters"), "tdengine-meters");
        assert_eq!(cfg(false, false).kafka_topic("meters"), "tdengine-power");
        assert_eq!(cfg(true, false).tmq_topic("m.x"), "tdconnect_power_m_x");
    }
}
