//! Rows of the native path as stmt2 binds: per super table, one
//! `INSERT INTO ? (_ts, fields…) VALUES (?, …)` bound with every child
//! table's rows (record order kept within a child table). Only rows whose
//! meaning is the same as their SQL's are bound: a super table's rows must
//! all list the same fields with the same types (a row leaves the fields
//! it lacks untouched in SQL, a bound NULL would not), and child table
//! names must need no quoting. The rest is left to SQL.

use super::insert::convert;
use super::plan::TS;
use super::NativeRow;
use crate::config::Precision;
use crate::error::{TdError, TdResult};
use crate::fasthash::FastMap;
use crate::sink::lines::{same_key, SmlValue};
use crate::sql::push_ident;
use crate::stmt2::encode::{BindBody, BindType, Cell};
use crate::stmt2::Bind;

/// The binds of `rows` (one connection's part) and the rows left for SQL.
pub fn binds<'r>(
    rows: &[&'r NativeRow<'r>],
    precision: Precision,
    db_precision: Precision,
    generation: u64,
) -> TdResult<(Vec<Bind>, Vec<&'r NativeRow<'r>>)> {
    let mut stables: Vec<Vec<&NativeRow>> = Vec::new();
    let mut of_stable: FastMap<&str, usize> = FastMap::default();
    for &r in rows {
        let i = *of_stable
            .entry(r.series.stable.as_str())
            .or_insert_with(|| {
                stables.push(Vec::new());
                stables.len() - 1
            });
        stables[i].push(r);
    }
    let mut out = Vec::new();
    let mut left = Vec::new();
    for group in stables {
        match bind_stable(&group, precision, db_precision, generation)? {
            Some(bind) => out.push(bind),
            None => left.extend(group),
        }
    }
    Ok((out, left))
}

fn bind_stable(
    rows: &[&NativeRow],
    precision: Precision,
    db_precision: Precision,
    generation: u64,
) -> TdResult<Option<Bind>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let fields = &first.fields.fields;
    let mut types = Vec::with_capacity(fields.len());
    for (_, v) in fields {
        types.push(bind_type(v));
    }
    let uniform = rows.iter().all(|r| {
        plain(&r.series.child)
            && r.fields.fields.len() == fields.len()
            && r.fields
                .fields
                .iter()
                .zip(fields)
                .zip(&types)
                .all(|(((k, v), (k0, _)), t)| same_key(k, k0) && bind_type(v) == *t)
    });
    if !uniform {
        return Ok(None);
    }
    // Child tables in first-seen order, each with its rows in record order.
    let mut children: Vec<Vec<&NativeRow>> = Vec::new();
    let mut of_child: FastMap<&str, usize> = FastMap::default();
    for &r in rows {
        let i = *of_child.entry(r.series.child.as_str()).or_insert_with(|| {
            children.push(Vec::new());
            children.len() - 1
        });
        children[i].push(r);
    }
    let mut body = BindBody::new(1 + fields.len());
    let mut cells: Vec<Cell> = Vec::new();
    for child in &children {
        if body.table(&child[0].series.child).is_none() {
            return Ok(None);
        }
        cells.clear();
        cells.extend(
            child
                .iter()
                .map(|r| Cell::Int(convert(r.fields.ts, precision, db_precision))),
        );
        body.column(BindType::Timestamp, &cells);
        for (i, t) in types.iter().enumerate() {
            cells.clear();
            cells.extend(child.iter().map(|r| cell(&r.fields.fields[i].1)));
            body.column(*t, &cells);
        }
    }
    let Some(body) = body.finish() else {
        return Ok(None);
    };
    let mut sql = String::with_capacity(64 + 16 * fields.len());
    sql.push_str("INSERT INTO ? (`");
    sql.push_str(TS);
    sql.push('`');
    for (k, _) in fields {
        sql.push_str(", ");
        push_ident(k, &mut sql).map_err(TdError::fatal)?;
    }
    sql.push_str(") VALUES (?");
    for _ in fields {
        sql.push_str(", ?");
    }
    sql.push(')');
    Ok(Some(Bind {
        sql,
        generation,
        body,
        rows: rows.len(),
    }))
}

/// A child table name stmt2 takes as it is: TDengine lowercases an
/// unquoted name and reads `.` as a database separator.
fn plain(name: &str) -> bool {
    let b = name.as_bytes();
    b.first()
        .is_some_and(|c| c.is_ascii_lowercase() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

fn bind_type(v: &SmlValue) -> BindType {
    match v {
        SmlValue::Bool(_) => BindType::Bool,
        SmlValue::TinyInt(_) => BindType::TinyInt,
        SmlValue::SmallInt(_) => BindType::SmallInt,
        SmlValue::Int(_) => BindType::Int,
        SmlValue::BigInt(_) => BindType::BigInt,
        SmlValue::UTinyInt(_) => BindType::UTinyInt,
        SmlValue::USmallInt(_) => BindType::USmallInt,
        SmlValue::UInt(_) => BindType::UInt,
        SmlValue::UBigInt(_) => BindType::UBigInt,
        SmlValue::Float(_) => BindType::Float,
        SmlValue::Double(_) => BindType::Double,
        SmlValue::Varchar(_) => BindType::Varchar,
        SmlValue::NChar(_) => BindType::NChar,
    }
}

fn cell<'a>(v: &'a SmlValue) -> Cell<'a> {
    match v {
        SmlValue::Bool(b) => Cell::Int(i64::from(*b)),
        SmlValue::TinyInt(x) => Cell::Int(i64::from(*x)),
        SmlValue::SmallInt(x) => Cell::Int(i64::from(*x)),
        SmlValue::Int(x) => Cell::Int(i64::from(*x)),
        SmlValue::BigInt(x) => Cell::Int(*x),
        SmlValue::UTinyInt(x) => Cell::UInt(u64::from(*x)),
        SmlValue::USmallInt(x) => Cell::UInt(u64::from(*x)),
        SmlValue::UInt(x) => Cell::UInt(u64::from(*x)),
        SmlValue::UBigInt(x) => Cell::UInt(*x),
        SmlValue::Float(x) => Cell::Float(*x),
        SmlValue::Double(x) => Cell::Double(*x),
        SmlValue::Varchar(s) | SmlValue::NChar(s) => Cell::Text(s.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::native::test_row as row;

    #[test]
    fn uniform_stables_bind_and_the_rest_is_left() {
        let rows = [
            row(0, "t_a", "m,t=1 v=1i,s=\"x\" 5"),
            row(1, "t_b", "m,t=2 v=2i,s=\"y\" 5"),
            row(2, "t_a", "m,t=1 v=3i,s=\"z\" 6"),
            row(3, "t_c", "n,t=1 v=1i 7"),
            row(4, "t_c", "n,t=1 w=1i 8"),
            row(5, "Upper", "o,t=1 v=1i 8"),
        ];
        let refs: Vec<&NativeRow> = rows.iter().collect();
        let (binds, left) = binds(&refs, Precision::Ms, Precision::Ms, 3).unwrap();
        assert_eq!(binds.len(), 1);
        assert_eq!(
            binds[0].sql,
            "INSERT INTO ? (`_ts`, `v`, `s`) VALUES (?, ?, ?)"
        );
        assert_eq!((binds[0].rows, binds[0].generation), (3, 3));
        // Two tables: t_a (2 rows) then t_b (1 row).
        assert_eq!(&binds[0].body[4..8], &2u32.to_le_bytes());
        assert_eq!(&binds[0].body[32..40], b"t_a\0t_b\0");
        let left: Vec<usize> = left.iter().map(|r| r.record).collect();
        assert_eq!(left, [3, 4, 5]);
    }

    #[test]
    fn names_needing_quotes_are_not_bound() {
        assert!(plain("t_0a9f"));
        assert!(!plain("T_0a9f"));
        assert!(!plain("db.t"));
        assert!(!plain("9t"));
        assert!(!plain(""));
    }
}
