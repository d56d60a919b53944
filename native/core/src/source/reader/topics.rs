//! The TMQ side of a subscription reader: the topic it creates per super
//! table and the consumer's DSN.

use std::str::FromStr;

use taos::Dsn;

use crate::error::{TdError, TdResult};
use crate::source::columns::TableColumns;
use crate::source::config::SourceConfig;
use crate::sql::ident;

/// The TMQ topic of a super table and the statement creating it: the
/// whole super table, or, when it has DECIMAL columns, a select that casts
/// them to text (its columns are fixed at creation: a column added later is
/// not read).
pub(super) fn topic_sql(
    config: &SourceConfig,
    stable: &str,
    described: &TableColumns,
) -> TdResult<(String, String)> {
    let table = format!(
        "{}.{}",
        ident(&config.database).map_err(TdError::fatal)?,
        ident(stable).map_err(TdError::fatal)?
    );
    let base = config.tmq_topic(stable);
    Ok(match described.select_list()? {
        None => (
            base.clone(),
            format!("CREATE TOPIC IF NOT EXISTS {base} AS STABLE {table}"),
        ),
        Some(list) => {
            let topic = format!("{base}_cast");
            let sql = format!("CREATE TOPIC IF NOT EXISTS {topic} AS SELECT {list} FROM {table}");
            (topic, sql)
        }
    })
}

/// The consumer's DSN: the connection's, with credentials and TMQ settings.
pub(super) fn consumer_dsn(config: &SourceConfig) -> TdResult<Dsn> {
    let c = &config.connection;
    let (routed, _tunnel) = crate::tls::route(c)?; // tunnels live for the process
    let mut dsn = Dsn::from_str(&routed)
        .map_err(|e| TdError::fatal(format!("connection.url '{}': {e}", c.dsn)))?;
    dsn.username = Some(c.user.clone());
    dsn.password = Some(c.password.clone());
    dsn.subject = None;
    if let Some(lib) = &c.native_library {
        dsn.params.insert("libraryPath".into(), lib.clone());
    }
    let reset = if config.from_earliest {
        "earliest"
    } else {
        "latest"
    };
    for (k, v) in [
        ("group.id", config.group_id.as_str()),
        ("auto.offset.reset", reset),
        ("enable.auto.commit", "false"),
    ] {
        dsn.params.insert(k.into(), v.into());
    }
    Ok(dsn)
}
