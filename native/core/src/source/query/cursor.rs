//! A query-mode table's reading state: where its next page starts, its
//! result layout, and its select list.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::error::TdResult;
use crate::source::columns::{DecimalType, TableColumns};
use crate::sql::string_literal;

/// Where a table's next page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// Row time in the database precision.
    pub ts: i64,
    /// Rows at `ts` up to and including this child table were read already;
    /// None: rows at `ts` are all still to read.
    pub after: Option<String>,
}

impl Bound {
    /// The WHERE condition of rows after this bound.
    pub(super) fn condition(&self) -> String {
        match &self.after {
            None => format!("_c0 >= {}", self.ts),
            Some(table) => {
                let mut lit = String::new();
                string_literal(table, &mut lit);
                format!(
                    "(_c0 > {ts} OR (_c0 = {ts} AND tbname > {lit}))",
                    ts = self.ts
                )
            }
        }
    }
}

/// Which result columns are columns (the rest are tags, then tbname).
pub(super) struct Layout {
    pub(super) names: Vec<String>,
    pub(super) columns: usize,
}

pub(super) struct Cursor {
    pub(super) table: String,
    pub(super) from: Option<Bound>,
    pub(super) layout: Option<Layout>,
    /// Select list casting DECIMAL columns to text; None: `*`.
    pub(super) select: Option<String>,
    pub(super) decimals: HashMap<String, DecimalType>,
    /// When the select list was made: it is made again every
    /// [`SELECT_LIST_EVERY`], so columns added upstream are read.
    pub(super) described: Instant,
}

pub(super) const SELECT_LIST_EVERY: Duration = Duration::from_secs(60);

impl Cursor {
    pub(super) fn describe(&mut self, columns: TableColumns) -> TdResult<()> {
        self.select = columns.select_list_with_tags()?;
        self.decimals = columns.decimals();
        self.described = Instant::now();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_resume_strictly_after_the_last_row_read() {
        let b = Bound {
            ts: 1_000,
            after: Some("d'1".into()),
        };
        assert_eq!(
            b.condition(),
            r"(_c0 > 1000 OR (_c0 = 1000 AND tbname > 'd\'1'))"
        );
        let b = Bound { ts: 5, after: None };
        assert_eq!(b.condition(), "_c0 >= 5");
    }
}
