//! The SQL of the native path: child tables made once, and rows as
//! multi-table INSERTs into them. A row lists only the fields its line has,
//! so a field a line leaves out stays untouched, as with schemaless; rows of
//! one child table keep their record order.

use super::plan::TS;
use super::NativeRow;
use crate::config::Precision;
use crate::error::{TdError, TdResult};
use crate::fasthash::FastMap;
use crate::sink::lines::{same_key, SmlValue};
use crate::sql::{push_ident, push_qualified, string_literal};

/// Stay under TDengine's default 1 MB statement limit.
const MAX_STATEMENT: usize = 900_000;

/// `CREATE TABLE IF NOT EXISTS` for each new child table (its first row's tags).
pub fn create_children(db: &str, rows: &[&NativeRow]) -> TdResult<Vec<String>> {
    let mut out = Vec::new();
    let mut sql = String::new();
    for r in rows {
        let mut one = String::with_capacity(128);
        one.push(' ');
        push_qualified(db, &r.series.child, &mut one).map_err(TdError::fatal)?;
        one.push_str(" USING ");
        push_qualified(db, &r.series.stable, &mut one).map_err(TdError::fatal)?;
        one.push_str(" (");
        for (i, (k, _)) in r.series.tags.iter().enumerate() {
            if i > 0 {
                one.push_str(", ");
            }
            push_ident(k, &mut one).map_err(TdError::fatal)?;
        }
        one.push_str(") TAGS (");
        for (i, (_, v)) in r.series.tags.iter().enumerate() {
            if i > 0 {
                one.push_str(", ");
            }
            string_literal(v, &mut one);
        }
        one.push(')');
        flush_if_full(&mut sql, &mut out, one.len());
        if sql.is_empty() {
            sql.push_str("CREATE TABLE");
        }
        sql.push_str(" IF NOT EXISTS");
        sql.push_str(&one);
    }
    if !sql.is_empty() {
        out.push(sql);
    }
    Ok(out)
}

fn flush_if_full(sql: &mut String, out: &mut Vec<String>, adding: usize) {
    if !sql.is_empty() && sql.len() + adding > MAX_STATEMENT {
        out.push(std::mem::take(sql));
    }
}

/// One child table's run of rows with the same fields.
struct Clause<'a> {
    row: &'a NativeRow<'a>,
    values: String,
}

/// The rows' INSERT statements.
pub fn statements(
    db: &str,
    rows: &[&NativeRow],
    precision: Precision,
    db_precision: Precision,
) -> TdResult<Vec<String>> {
    // Clauses per (child, fields), in the order they start; a row joins its
    // child table's last clause when its fields are the same.
    let mut clauses: Vec<Clause<'_>> = Vec::new();
    // By child table name: lines of two series (tags in another order) can
    // name one child table.
    let mut last_of_child: FastMap<&str, usize> = FastMap::default();
    for &r in rows {
        let i = match last_of_child.get(r.series.child.as_str()).copied() {
            Some(i) if same_fields(clauses[i].row, r) => i,
            _ => {
                last_of_child.insert(&r.series.child, clauses.len());
                clauses.push(Clause {
                    row: r,
                    values: String::new(),
                });
                clauses.len() - 1
            }
        };
        let values = &mut clauses[i].values;
        values.push_str(" (");
        values.push_str(itoa::Buffer::new().format(convert(r.fields.ts, precision, db_precision)));
        for (_, v) in &r.fields.fields {
            values.push_str(", ");
            literal(v, values);
        }
        values.push(')');
    }
    let mut out = Vec::new();
    let mut sql = String::new();
    for clause in clauses {
        let mut head = String::with_capacity(64);
        head.push(' ');
        push_qualified(db, &clause.row.series.child, &mut head).map_err(TdError::fatal)?;
        head.push_str(" (`");
        head.push_str(TS);
        head.push('`');
        for (k, _) in &clause.row.fields.fields {
            head.push_str(", ");
            push_ident(k, &mut head).map_err(TdError::fatal)?;
        }
        head.push_str(") VALUES");
        flush_if_full(&mut sql, &mut out, head.len() + clause.values.len());
        if sql.is_empty() {
            sql.push_str("INSERT INTO");
        }
        sql.push_str(&head);
        sql.push_str(&clause.values);
    }
    if !sql.is_empty() {
        out.push(sql);
    }
    Ok(out)
}

fn same_fields(a: &NativeRow, b: &NativeRow) -> bool {
    a.fields.fields.len() == b.fields.fields.len()
        && a.fields
            .fields
            .iter()
            .zip(&b.fields.fields)
            .all(|((x, _), (y, _))| same_key(x, y))
}

/// A timestamp from the call's precision into the database's (TDengine's
/// `convertTimePrecision`: saturating multiply, truncating divide).
pub(super) fn convert(ts: i64, from: Precision, to: Precision) -> i64 {
    let rank = |p: Precision| match p {
        Precision::Ms => 0u32,
        Precision::Us => 1,
        Precision::Ns => 2,
    };
    let (f, t) = (rank(from), rank(to));
    if t >= f {
        ts.saturating_mul(1000i64.pow(t - f))
    } else {
        ts / 1000i64.pow(f - t)
    }
}

fn literal(v: &SmlValue, out: &mut String) {
    let mut ints = itoa::Buffer::new();
    let mut floats = ryu::Buffer::new();
    let text = match v {
        SmlValue::Bool(b) => {
            if *b {
                "true"
            } else {
                "false"
            }
        }
        SmlValue::TinyInt(x) => ints.format(*x),
        SmlValue::SmallInt(x) => ints.format(*x),
        SmlValue::Int(x) => ints.format(*x),
        SmlValue::BigInt(x) => ints.format(*x),
        SmlValue::UTinyInt(x) => ints.format(*x),
        SmlValue::USmallInt(x) => ints.format(*x),
        SmlValue::UInt(x) => ints.format(*x),
        SmlValue::UBigInt(x) => ints.format(*x),
        // Shortest text that reads back as the same double (a float as the
        // double it widens to, so the server rounds it back exactly). The
        // parser keeps only finite values.
        SmlValue::Float(x) => floats.format_finite(f64::from(*x)),
        SmlValue::Double(x) => floats.format_finite(*x),
        SmlValue::Varchar(s) | SmlValue::NChar(s) => {
            string_literal(s, out);
            return;
        }
    };
    out.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::native::test_row as row;

    #[test]
    fn rows_group_by_child_and_columns_in_order() {
        let rows = [
            row(0, "t_a", "m,t=1 v=1i,s=\"it's\" 5"),
            row(1, "t_b", "m,t=2 v=2i,s=\"x\" 5"),
            row(2, "t_a", "m,t=1 v=3i,s=\"y\" 6"),
            row(3, "t_a", "m,t=1 v=4i 7"),
            row(4, "t_a", "m,t=1 v=5i,s=\"z\" 8"),
        ];
        let sql = statements(
            "db",
            &rows.iter().collect::<Vec<_>>(),
            Precision::Ms,
            Precision::Us,
        )
        .unwrap();
        assert_eq!(
            sql,
            [
                "INSERT INTO `db`.`t_a` (`_ts`, `v`, `s`) VALUES (5000, 1, 'it\\'s') (6000, 3, 'y') \
                 `db`.`t_b` (`_ts`, `v`, `s`) VALUES (5000, 2, 'x') \
                 `db`.`t_a` (`_ts`, `v`) VALUES (7000, 4) \
                 `db`.`t_a` (`_ts`, `v`, `s`) VALUES (8000, 5, 'z')"
            ]
        );
        let create = create_children("db", &[&rows[0], &rows[1]]).unwrap();
        assert_eq!(
            create,
            ["CREATE TABLE IF NOT EXISTS `db`.`t_a` USING `db`.`m` (`t`) TAGS ('1') IF NOT EXISTS `db`.`t_b` USING `db`.`m` (`t`) TAGS ('2')"]
        );
    }

    #[test]
    fn timestamps_convert_like_tdengine() {
        assert_eq!(convert(1_500, Precision::Us, Precision::Ms), 1);
        assert_eq!(convert(-1_500, Precision::Us, Precision::Ms), -1);
        assert_eq!(
            convert(i64::MAX / 10, Precision::Ms, Precision::Ns),
            i64::MAX
        );
        assert_eq!(convert(7, Precision::Ms, Precision::Ms), 7);
    }
}
