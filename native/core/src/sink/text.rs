//! Text records (line protocol, OpenTSDB telnet and JSON): split into the
//! units of a schemaless call, grouped by target database, and written.

use taos::taos_query::common::{SchemalessPrecision, SchemalessProtocol, SmlDataBuilder};

use super::config::Protocol;
use super::narrowing::HasRecord;
use crate::batch::{self, Value};
use crate::config::Precision;
use crate::connection::Conn;
use crate::error::{TdError, TdResult};

/// One unit of a schemaless call, remembering its record: a line (line
/// protocol, telnet) or the data points of one JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    pub record: usize,
    /// Borrowed from the batch frame.
    pub text: &'a str,
}

impl HasRecord for Line<'_> {
    fn record(&self) -> usize {
        self.record
    }
}

/// Splits records into lines grouped by target database, in record order.
/// Also returns the data error of the first record that cannot be sent at
/// all: not UTF-8, empty, or (JSON) not an OpenTSDB JSON document.
pub fn group_lines<'a>(
    batch: &batch::Batch<'a>,
    databases: &[String],
    protocol: Protocol,
    precision: Precision,
) -> (Vec<(String, Vec<Line<'a>>)>, Option<TdError>) {
    let mut groups: Vec<(String, Vec<Line<'a>>)> = Vec::new();
    let mut group_of_topic: Vec<Option<usize>> = vec![None; databases.len()];
    let mut invalid = None;
    for (index, record) in batch.records.iter().enumerate() {
        let text = match record.value {
            Value::Text(text) => text,
            Value::Null | Value::Structured(_) => continue, // tombstones: no row; structured: elsewhere
            Value::InvalidText => {
                invalid.get_or_insert_with(|| TdError::data(index, "value is not valid UTF-8"));
                continue;
            }
        };
        if invalid.is_some() {
            break; // records after a bad one are sent again after it was handled
        }
        let topic = record.topic as usize;
        let group = *group_of_topic[topic].get_or_insert_with(|| {
            let db = &databases[topic];
            groups.iter().position(|(d, _)| d == db).unwrap_or_else(|| {
                groups.push((db.clone(), Vec::new()));
                groups.len() - 1
            })
        });
        let lines = &mut groups[group].1;
        let before = lines.len();
        match protocol {
            Protocol::Json => match json_points(text) {
                Ok(Some(points)) => lines.push(Line {
                    record: index,
                    text: points,
                }),
                Ok(None) => {}
                Err(reason) => invalid = Some(TdError::data(index, reason)),
            },
            Protocol::Line | Protocol::Telnet => {
                for l in text
                    .split('\n')
                    .map(|l| l.trim_end_matches('\r'))
                    .filter(|l| !l.trim().is_empty())
                {
                    if let Err(reason) = timestamp_in_range(l, protocol, precision) {
                        invalid = Some(TdError::data(index, reason));
                        break;
                    }
                    lines.push(Line {
                        record: index,
                        text: l,
                    });
                }
            }
        }
        if invalid.is_some() {
            lines.truncate(before);
            break;
        }
        if lines.len() == before && invalid.is_none() {
            invalid = Some(TdError::data(
                index,
                "empty value: no line or data point to write",
            ));
        }
    }
    (groups, invalid)
}

/// Refuses a line whose timestamp cannot be a TDengine time: one that does
/// not fit in 64-bit nanoseconds. Servers differ there (3.3.2 refuses the
/// line, 3.3.7 stores the largest time instead), so the connector decides.
fn timestamp_in_range(line: &str, protocol: Protocol, precision: Precision) -> Result<(), String> {
    let mut tokens = line.split(' ').filter(|t| !t.is_empty());
    let token = match protocol {
        // measurement[,tags] fields [timestamp]: the last token, if digits.
        Protocol::Line => line.rsplit(' ').next().filter(|t| t.len() < line.len()),
        // metric timestamp value tags...
        _ => tokens.nth(1),
    };
    let Some(t) = token.filter(|t| {
        let digits = t.strip_prefix('-').unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }) else {
        return Ok(());
    };
    let per_unit: i64 = match precision {
        Precision::Ms => 1_000_000,
        Precision::Us => 1_000,
        Precision::Ns => 1,
    };
    match t.parse::<i64>().ok().and_then(|v| v.checked_mul(per_unit)) {
        Some(_) => Ok(()),
        None => Err(format!(
            "timestamp {t} is out of TDengine's range (beyond 64-bit nanoseconds)"
        )),
    }
}

/// The data points of one OpenTSDB JSON document as the elements of a JSON
/// array (without the brackets), so that several records' documents can be
/// sent as one array: TDengine 3.3.7 reads only the first of several
/// documents in one call. None for an empty array.
fn json_points(text: &str) -> Result<Option<&str>, String> {
    let text = text.trim();
    serde_json::from_str::<serde::de::IgnoredAny>(text)
        .map_err(|e| format!("not valid JSON: {e}"))?;
    if text.starts_with('{') {
        Ok(Some(text))
    } else if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let inner = inner.trim();
        Ok((!inner.is_empty()).then_some(inner))
    } else {
        Err("not an OpenTSDB JSON object or array of objects".into())
    }
}

/// Schemaless calls into one database's connection.
pub struct SchemalessTarget {
    pub conn: Conn,
    pub protocol: Protocol,
    pub precision: Precision,
    /// Over taosAdapter's WebSocket (see [`in_nanoseconds`]).
    pub websocket: bool,
}

impl SchemalessTarget {
    pub fn put(&self, lines: &[Line<'_>]) -> TdResult<()> {
        // taosAdapter (3.3.2 to 3.3.8) takes the client's "us" for nanoseconds:
        // microsecond line protocol goes as nanoseconds instead.
        let (precision, micros) = match (self.protocol, self.precision) {
            (Protocol::Line, Precision::Us) if self.websocket => (Precision::Ns, true),
            (_, p) => (p, false),
        };
        let data: Vec<String> = match self.protocol {
            // One array of every document's points: one document per call.
            Protocol::Json => {
                let mut all = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
                all.push('[');
                for (i, l) in lines.iter().enumerate() {
                    if i > 0 {
                        all.push(',');
                    }
                    all.push_str(l.text);
                }
                all.push(']');
                vec![all]
            }
            Protocol::Line if micros => lines.iter().map(|l| in_nanoseconds(l.text)).collect(),
            Protocol::Line | Protocol::Telnet => lines.iter().map(|l| l.text.to_owned()).collect(),
        };
        let data = SmlDataBuilder::default()
            .protocol(match self.protocol {
                Protocol::Line => SchemalessProtocol::Line,
                Protocol::Telnet => SchemalessProtocol::Telnet,
                Protocol::Json => SchemalessProtocol::Json,
            })
            .precision(match precision {
                Precision::Ms => SchemalessPrecision::Millisecond,
                Precision::Us => SchemalessPrecision::Microsecond,
                Precision::Ns => SchemalessPrecision::Nanosecond,
            })
            .data(data)
            .build()
            .map_err(|e| TdError::fatal(format!("building schemaless request: {e}")))?;
        self.conn
            .put(data)
            .map_err(|e| e.into_td("schemaless write"))
    }
}

/// A microsecond line in nanoseconds: its timestamp token (the last one,
/// when all digits) times 1000. "0" (now) and a line without a timestamp
/// stay; a timestamp that would overflow stays too (TDengine refuses it).
fn in_nanoseconds(line: &str) -> String {
    let body = line.trim_end_matches([' ', '\t', '\r']);
    let ts = body.rsplit(' ').next().unwrap_or_default();
    let convertible = ts.len() < body.len()
        && ts != "0"
        && !ts.is_empty()
        && ts.bytes().all(|c| c.is_ascii_digit())
        && ts
            .parse::<i64>()
            .ok()
            .and_then(|t| t.checked_mul(1000))
            .is_some();
    if convertible {
        format!("{body}000")
    } else {
        line.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::tests::rec;
    use crate::batch::Batch;

    #[test]
    fn microsecond_lines_become_nanosecond_lines() {
        assert_eq!(
            in_nanoseconds("m,t=1 v=1i 1700000000000001"),
            "m,t=1 v=1i 1700000000000001000"
        );
        assert_eq!(in_nanoseconds("m,t=1 v=1i 0"), "m,t=1 v=1i 0");
        assert_eq!(in_nanoseconds("m,t=1 v=1i"), "m,t=1 v=1i");
        assert_eq!(in_nanoseconds("m,t=1 s=\"a 12\""), "m,t=1 s=\"a 12\"");
        assert_eq!(
            in_nanoseconds("m v=1 9223372036854775807"),
            "m v=1 9223372036854775807"
        );
    }

    #[test]
    fn lines_are_grouped_by_database_in_record_order() {
        let batch = Batch {
            topics: vec!["a", "b"],
            records: vec![
                rec(0, Value::Text("m v=1 1\nm v=2 2\n")),
                rec(1, Value::Null),
                rec(1, Value::Text("n v=3 3")),
                rec(0, Value::InvalidText),
                rec(0, Value::Text("m v=4 4")),
            ],
        };
        let dbs = vec!["db_a".to_string(), "db_b".to_string()];
        let (groups, invalid) = group_lines(&batch, &dbs, Protocol::Line, Precision::Ms);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].0, "db_a");
        assert_eq!(
            groups[0]
                .1
                .iter()
                .map(|l| (l.record, l.text))
                .collect::<Vec<_>>(),
            vec![(0, "m v=1 1"), (0, "m v=2 2")]
        );
        assert_eq!(groups[1].1[0].record, 2);
        assert!(matches!(invalid, Some(TdError::Data { index: 3, .. })));
    }

    #[test]
    fn a_timestamp_beyond_the_range_is_a_data_error() {
        let ok = |l: &str, p: Protocol| timestamp_in_range(l, p, Precision::Ms).is_ok();
        assert!(ok("m v=1i 1700000000000", Protocol::Line));
        assert!(ok("m v=1i", Protocol::Line));
        assert!(ok("m s=\"a 99999999999999999999\"", Protocol::Line));
        assert!(!ok("m v=1i 99999999999999999999", Protocol::Line));
        assert!(!ok("m v=1i 9300000000000", Protocol::Line)); // beyond 2262 in ns
        assert!(ok("m 1700000000 1.5 t=a", Protocol::Telnet));
        assert!(!ok("m 99999999999999999999 1.5 t=a", Protocol::Telnet));
        assert!(timestamp_in_range("m v=1i 9300000000000", Protocol::Line, Precision::Ns).is_ok());
    }

    #[test]
    fn an_empty_value_is_a_data_error_of_its_record() {
        for empty in ["", "  ", "\n\r\n"] {
            let batch = Batch {
                topics: vec!["a"],
                records: vec![rec(0, Value::Text("m v=1 1")), rec(0, Value::Text(empty))],
            };
            let (_, invalid) =
                group_lines(&batch, &["db".to_string()], Protocol::Line, Precision::Ms);
            assert!(
                matches!(invalid, Some(TdError::Data { index: 1, ref message }) if message.contains("empty")),
                "{empty:?}: {invalid:?}"
            );
        }
    }

    #[test]
    fn json_documents_become_the_points_of_one_array() {
        let batch = Batch {
            topics: vec!["a"],
            records: vec![
                rec(0, Value::Text("[{\"metric\":\"m\"},\n{\"metric\":\"n\"}]")),
                rec(0, Value::Text(" {\"metric\":\"o\"} ")),
            ],
        };
        let (groups, invalid) =
            group_lines(&batch, &["db".to_string()], Protocol::Json, Precision::Ms);
        assert!(invalid.is_none());
        let texts: Vec<&str> = groups[0].1.iter().map(|l| l.text).collect();
        assert_eq!(
            texts,
            [
                "{\"metric\":\"m\"},\n{\"metric\":\"n\"}",
                "{\"metric\":\"o\"}"
            ]
        );
    }

    #[test]
    fn malformed_json_is_refused_before_it_is_sent() {
        for bad in ["{\"metric\":", "42", "[1,2", "[]"] {
            let batch = Batch {
                topics: vec!["a"],
                records: vec![rec(0, Value::Text(bad))],
            };
            let (_, invalid) =
                group_lines(&batch, &["db".to_string()], Protocol::Json, Precision::Ms);
            assert!(
                matches!(invalid, Some(TdError::Data { index: 0, .. })),
                "{bad}"
            );
        }
    }
}
