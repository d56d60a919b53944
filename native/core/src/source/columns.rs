//! Column types the connector's TDengine client (the `taos` crate 0.12)
//! cannot decode: DECIMAL and BLOB of TDengine 3.3.6+. Its block decoder
//! panics on them inside its own runtime, so the request would only end at
//! its deadline, again and again. A source checks its tables with DESCRIBE
//! when it opens and whenever a read ends without an answer, and refuses
//! such a table with an error naming the column.

use crate::connection::{self, Conn};
use crate::error::{TdError, TdResult};
use crate::structured::sql::qualified;

/// Type names (as DESCRIBE shows them) the client cannot read.
const UNREADABLE: [&str; 3] = ["DECIMAL", "BLOB", "MEDIUMBLOB"];

/// Fails, naming the column, when `db.table` has a column or tag of an
/// unreadable type.
pub fn refuse_unreadable(conn: &Conn, db: &str, table: &str) -> TdResult<()> {
    let target = qualified(db, table).map_err(TdError::fatal)?;
    let described = connection::rows(
        conn,
        format!("DESCRIBE {target}"),
        &format!("describing {target}"),
    )?;
    for row in described {
        let text = |i: usize| {
            row.get(i)
                .and_then(|v| v.to_string().ok())
                .unwrap_or_default()
        };
        if let Some(kind) = unreadable(&text(1)) {
            return Err(TdError::fatal(format!(
                "{db}.{table}: column `{}` is {}; the connector cannot read {kind} columns yet \
                 (its TDengine client has no decoder for them). Leave the table out \
                 (stables.exclude) or read a stream or view that casts the column to VARCHAR.",
                text(0),
                text(1)
            )));
        }
    }
    Ok(())
}

fn unreadable(type_name: &str) -> Option<&'static str> {
    let upper = type_name.trim().to_ascii_uppercase();
    UNREADABLE.into_iter().find(|k| {
        upper == *k
            || upper
                .strip_prefix(k)
                .is_some_and(|rest| rest.starts_with('('))
    })
}

#[cfg(test)]
mod tests {
    use super::unreadable;

    #[test]
    fn decimal_and_blob_are_unreadable() {
        assert_eq!(unreadable("DECIMAL(10, 2)"), Some("DECIMAL"));
        assert_eq!(unreadable("BLOB"), Some("BLOB"));
        assert_eq!(unreadable("MEDIUMBLOB"), Some("MEDIUMBLOB"));
        assert_eq!(unreadable("VARCHAR(32)"), None);
        assert_eq!(unreadable("DECIMALS"), None);
    }
}
