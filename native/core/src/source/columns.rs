//! The columns of a table the source reads, from DESCRIBE. The connector's
//! TDengine client (the `taos` crate 0.12) cannot decode DECIMAL or BLOB
//! blocks of TDengine 3.3.6+: its decoder panics inside its own runtime, so
//! a request would only end at its deadline, again and again. DECIMAL
//! columns are therefore read cast to VARCHAR (exact: the server renders
//! every value with the column's scale) and handed on as decimals; a BLOB
//! column is refused with an error naming it.

use std::collections::HashMap;

use crate::connection::{self, Conn};
use crate::decimal;
use crate::error::{TdError, TdResult};
use crate::sql::{ident, qualified};

/// Type names (as DESCRIBE shows them) the client cannot read at all.
const UNREADABLE: [&str; 2] = ["BLOB", "MEDIUMBLOB"];

/// DECIMAL(precision, scale) of a column read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalType {
    pub precision: u8,
    pub scale: u8,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableColumns {
    /// Columns in table order (the first is the timestamp) with their DECIMAL type, if any.
    pub columns: Vec<(String, Option<DecimalType>)>,
    pub tags: Vec<String>,
}

impl TableColumns {
    pub fn has_decimals(&self) -> bool {
        self.columns.iter().any(|(_, d)| d.is_some())
    }

    /// Decimal columns by name.
    pub fn decimals(&self) -> HashMap<String, DecimalType> {
        self.columns
            .iter()
            .filter_map(|(n, d)| d.map(|d| (n.clone(), d)))
            .collect()
    }

    /// The columns as a select list, DECIMAL ones cast to text under their
    /// own names; None when no column needs a cast (`*` serves).
    pub fn select_list(&self) -> TdResult<Option<String>> {
        if !self.has_decimals() {
            return Ok(None);
        }
        let mut list = Vec::with_capacity(self.columns.len());
        for (name, d) in &self.columns {
            let quoted = ident(name).map_err(TdError::fatal)?;
            list.push(match d {
                // Sign, point and every digit.
                Some(d) => format!("CAST({quoted} AS VARCHAR({})) AS {quoted}", d.precision + 2),
                None => quoted,
            });
        }
        Ok(Some(list.join(", ")))
    }

    /// The select list followed by the tags; None when `*` serves.
    pub fn select_list_with_tags(&self) -> TdResult<Option<String>> {
        let Some(mut list) = self.select_list()? else {
            return Ok(None);
        };
        for tag in &self.tags {
            list.push_str(", ");
            list.push_str(&ident(tag).map_err(TdError::fatal)?);
        }
        Ok(Some(list))
    }
}

/// DESCRIBE `db.table`; fails, naming the column, on a type the client cannot read.
pub fn describe(conn: &Conn, db: &str, table: &str) -> TdResult<TableColumns> {
    let target = qualified(db, table).map_err(TdError::fatal)?;
    let described = connection::rows(
        conn,
        format!("DESCRIBE {target}"),
        &format!("describing {target}"),
    )?;
    let mut out = TableColumns::default();
    for row in described {
        let text = |i: usize| {
            row.get(i)
                .and_then(|v| v.to_string().ok())
                .unwrap_or_default()
        };
        let (name, type_name) = (text(0), text(1));
        if let Some(kind) = unreadable(&type_name) {
            return Err(TdError::fatal(format!(
                "{db}.{table}: column `{name}` is {type_name}; the connector cannot read {kind} columns \
                 (its TDengine client has no decoder for them). Leave the table out \
                 (stables.exclude) or read a stream or view without the column."
            )));
        }
        if text(3).eq_ignore_ascii_case("TAG") {
            out.tags.push(name);
        } else {
            let d = decimal::from_describe(&type_name)
                .map(|(precision, scale)| DecimalType { precision, scale });
            out.columns.push((name, d));
        }
    }
    Ok(out)
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
    use super::*;

    #[test]
    fn blobs_are_unreadable_and_decimals_are_cast() {
        assert_eq!(unreadable("BLOB"), Some("BLOB"));
        assert_eq!(unreadable("MEDIUMBLOB"), Some("MEDIUMBLOB"));
        assert_eq!(unreadable("DECIMAL(10, 2)"), None);
        assert_eq!(unreadable("BLOBS"), None);
        let d = DecimalType {
            precision: 10,
            scale: 2,
        };
        let table = TableColumns {
            columns: vec![("ts".into(), None), ("price".into(), Some(d))],
            tags: vec!["site".into()],
        };
        assert_eq!(
            table.select_list_with_tags().unwrap().unwrap(),
            "`ts`, CAST(`price` AS VARCHAR(12)) AS `price`, `site`"
        );
        assert_eq!(table.decimals().get("price"), Some(&d));
        let plain = TableColumns {
            columns: vec![("ts".into(), None)],
            tags: vec![],
        };
        assert_eq!(plain.select_list().unwrap(), None);
    }
}
