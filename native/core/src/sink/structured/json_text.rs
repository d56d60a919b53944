//! `text.values=json`: String/byte[] values holding JSON objects, read here
//! instead of through JsonConverter (no Jackson tree, no Java Map, no field
//! encoding in the JVM). Objects flatten like the shim flattens Maps: nested
//! names joined with `_`. JSON has integers (BIGINT), floats (DOUBLE),
//! strings, booleans and null; arrays have no column type and are refused.

use serde_json::Value as Json;

use super::value::{Field, FieldValue};
use crate::error::{TdError, TdResult};

/// One record's fields: flattened names and their leaf values.
#[derive(Debug)]
pub struct JsonFields {
    names: Vec<String>,
    leaves: Vec<Json>,
}

/// Parses record `index`'s text; anything but a JSON object is a data error.
pub fn parse(index: usize, text: &str) -> TdResult<JsonFields> {
    let bad = |m: String| TdError::data(index, m);
    let Json::Object(object) =
        serde_json::from_str::<Json>(text).map_err(|e| bad(format!("value is not JSON: {e}")))?
    else {
        return Err(bad("value is JSON but not an object".into()));
    };
    let mut out = JsonFields {
        names: Vec::with_capacity(object.len()),
        leaves: Vec::with_capacity(object.len()),
    };
    flatten("", object, &mut out);
    Ok(out)
}

fn flatten(prefix: &str, object: serde_json::Map<String, Json>, out: &mut JsonFields) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}_{key}")
        };
        match value {
            Json::Object(inner) => flatten(&name, inner, out),
            leaf => {
                out.names.push(name);
                out.leaves.push(leaf);
            }
        }
    }
}

impl JsonFields {
    /// The fields, borrowing names and strings from `self`.
    pub fn fields(&self, index: usize) -> TdResult<Vec<Field<'_>>> {
        self.names
            .iter()
            .zip(&self.leaves)
            .map(|(name, leaf)| {
                let value = match leaf {
                    Json::Null => FieldValue::Null,
                    Json::Bool(b) => FieldValue::Bool(*b),
                    Json::Number(n) => match (n.as_i64(), n.as_f64()) {
                        (Some(i), _) => FieldValue::I64(i),
                        (None, Some(_)) if n.is_u64() => {
                            return Err(TdError::data(
                                index,
                                format!("field '{name}': {n} is out of range for BIGINT"),
                            ))
                        }
                        (None, Some(f)) => FieldValue::F64(f),
                        (None, None) => {
                            return Err(TdError::data(
                                index,
                                format!("field '{name}': {n} is not a number TDengine can hold"),
                            ))
                        }
                    },
                    Json::String(s) => FieldValue::Str(s),
                    Json::Array(_) => {
                        return Err(TdError::data(
                            index,
                            format!("field '{name}': JSON arrays have no TDengine column type"),
                        ))
                    }
                    Json::Object(_) => FieldValue::Null, // flattened by parse
                };
                Ok(Field { name, value })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_flatten_into_typed_fields() {
        let parsed = parse(
            3,
            r#"{"device":"d \"1\"","load":2.5,"seq":7,"ok":true,"none":null,"geo":{"lat":1.5,"at":{"x":1}}}"#,
        )
        .unwrap();
        let fields = parsed.fields(3).unwrap();
        let get = |n: &str| fields.iter().find(|f| f.name == n).map(|f| f.value);
        assert_eq!(get("device"), Some(FieldValue::Str("d \"1\"")));
        assert_eq!(get("load"), Some(FieldValue::F64(2.5)));
        assert_eq!(get("seq"), Some(FieldValue::I64(7)));
        assert_eq!(get("ok"), Some(FieldValue::Bool(true)));
        assert_eq!(get("none"), Some(FieldValue::Null));
        assert_eq!(get("geo_lat"), Some(FieldValue::F64(1.5)));
        assert_eq!(get("geo_at_x"), Some(FieldValue::I64(1)));
        assert_eq!(fields.len(), 7);
    }

    #[test]
    fn non_objects_arrays_and_huge_integers_are_data_errors_of_their_record() {
        for (text, says) in [
            ("[1,2]", "not an object"),
            ("{\"a\":", "not JSON"),
            ("{\"a\":[1]}", "arrays"),
            ("{\"a\":18446744073709551615}", "out of range"),
        ] {
            let err = parse(9, text)
                .and_then(|p| p.fields(9).map(|_| ()))
                .unwrap_err();
            match err {
                TdError::Data { index, message } => {
                    assert_eq!(index, 9);
                    assert!(message.contains(says), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
