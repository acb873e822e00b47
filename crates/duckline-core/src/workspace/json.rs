//! `ws.importJson(name, data)` (issue 11): a JSON array of objects or newline-delimited JSON
//! (one object per line) becomes a table.
//!
//! Nested objects are flattened into dotted column names (`{"a": {"b": 1}}` gives column `a.b`);
//! arrays are kept as their JSON text. Column types are inferred by the `arrow-json` reader over
//! every row (integers BIGINT, mixed integers and decimals DOUBLE, booleans BOOLEAN, anything mixed
//! or a string VARCHAR; values of another type in a VARCHAR column keep their JSON text). Columns
//! are in order of first appearance. The original is the decoded rows as chunk files, as for
//! Parquet: the JSON bytes are not kept (they are several times larger than the chunks).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{ArrowError, DataType, Field, Schema};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::{Engine, Error, Result, Store, Workspace};

/// Rows per record batch handed to DuckDB.
const JSON_BATCH_ROW_COUNT: usize = 65_536;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Imports JSON bytes (UTF-8, an optional byte order mark; a top-level array of objects, or
    /// objects one per line) as a new table named `name`, flattened and typed as the module says.
    /// Reports to `call` as [`Workspace::import_parquet`] does.
    ///
    /// Errors: [`Error::InvalidInput`] (not JSON, an item that is not an object, no rows or no
    /// keys, with the position), [`Error::TableExists`], [`Error::Cancelled`]; nothing changes on
    /// failure.
    pub async fn import_json(&self, name: &str, bytes: Vec<u8>, call: &Call) -> Result<u32> {
        let batches = json_batches(&bytes)?;
        drop(bytes);
        self.import_batches(name, batches, call).await
    }
}

/// The rows of JSON bytes as record batches (see the module).
///
/// Errors: [`Error::InvalidInput`] as [`Workspace::import_json`] says.
pub(crate) fn json_batches(bytes: &[u8]) -> Result<Vec<RecordBatch>> {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::InvalidInput("the file is empty".into()));
    }
    let items: Vec<Value> = if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        serde_json::from_slice(text)
            .map_err(|e| Error::InvalidInput(format!("not valid JSON: {e}")))?
    } else {
        serde_json::Deserializer::from_slice(text)
            .into_iter::<Value>()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::InvalidInput(format!("not valid JSON or NDJSON: {e}")))?
    };
    let mut rows = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Value::Object(object) = item else {
            return Err(Error::InvalidInput(format!(
                "item {} is {}, not an object: importJson reads an array of objects or one object \
                 per line",
                i + 1,
                kind(&item)
            )));
        };
        let mut flat = Map::new();
        flatten("", object, &mut flat);
        rows.push(Value::Object(flat));
    }
    if rows.is_empty() {
        return Err(Error::InvalidInput(
            "the JSON holds no objects, so no columns".into(),
        ));
    }
    let inferred =
        arrow_json::reader::infer_json_schema_from_iterator(rows.iter().map(Ok::<_, ArrowError>))
            .map_err(|e| Error::InvalidInput(format!("cannot type the JSON columns: {e}")))?;
    if inferred.fields().is_empty() {
        return Err(Error::InvalidInput(
            "the JSON objects have no keys, so no columns".into(),
        ));
    }
    // A column of nulls only has no type: VARCHAR, as DuckDB's CSV reader does.
    let schema = Arc::new(Schema::new(
        inferred
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Null => Field::new(f.name(), DataType::Utf8, true),
                _ => f.as_ref().clone().with_nullable(true),
            })
            .collect::<Vec<_>>(),
    ));
    let mut decoder = arrow_json::ReaderBuilder::new(Arc::clone(&schema))
        .with_batch_size(JSON_BATCH_ROW_COUNT)
        .with_coerce_primitive(true)
        .build_decoder()?;
    let mut batches = Vec::new();
    for slice in rows.chunks(JSON_BATCH_ROW_COUNT) {
        decoder
            .serialize(slice)
            .map_err(|e| Error::InvalidInput(format!("cannot read the JSON rows: {e}")))?;
        if let Some(batch) = decoder.flush()? {
            batches.push(batch);
        }
    }
    Ok(batches)
}

/// Moves the entries of `object` into `out` under `prefix.key` names: objects recursively,
/// arrays as their JSON text, scalars as they are. An empty object adds nothing.
fn flatten(prefix: &str, object: Map<String, Value>, out: &mut Map<String, Value>) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            Value::Array(_) => {
                out.insert(name, Value::String(value.to_string()));
            }
            scalar => {
                out.insert(name, scalar);
            }
        }
    }
}

/// "a number", "an array", ... for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;

    fn columns(bytes: &[u8]) -> Vec<(String, DataType)> {
        let batches = json_batches(bytes).expect("json");
        batches[0]
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect()
    }

    #[test]
    fn array_and_ndjson_read_alike() {
        let array = br#"[{"id": 1, "name": "Ann"}, {"id": 2, "name": null}]"#;
        let ndjson = b"{\"id\": 1, \"name\": \"Ann\"}\n{\"id\": 2, \"name\": null}\n";
        assert_eq!(columns(array), columns(ndjson));
        let batches = json_batches(ndjson).unwrap();
        assert_eq!(batches[0].num_rows(), 2);
        assert_eq!(
            batches[0].column(0).as_primitive::<Int64Type>().values(),
            &[1, 2]
        );
    }

    #[test]
    fn nested_objects_flatten_and_arrays_stay_text() {
        let got = columns(br#"[{"a": {"b": 1, "c": {"d": true}}, "tags": [1, "x"], "e": {}}]"#);
        assert_eq!(
            got,
            vec![
                ("a.b".into(), DataType::Int64),
                ("a.c.d".into(), DataType::Boolean),
                ("tags".into(), DataType::Utf8),
            ]
        );
        let batches = json_batches(br#"[{"tags": [1, "x"]}]"#).unwrap();
        assert_eq!(
            batches[0].column(0).as_string::<i32>().value(0),
            r#"[1,"x"]"#
        );
    }

    #[test]
    fn mixed_types_widen() {
        let got = columns(br#"[{"n": 1, "m": 1, "k": null}, {"n": 2.5, "m": "x", "k": null}]"#);
        assert_eq!(
            got,
            vec![
                ("n".into(), DataType::Float64),
                ("m".into(), DataType::Utf8),
                ("k".into(), DataType::Utf8),
            ]
        );
        let batches = json_batches(br#"[{"m": 1}, {"m": "x"}]"#).unwrap();
        assert_eq!(batches[0].column(0).as_string::<i32>().value(0), "1");
    }

    #[test]
    fn bad_json_is_invalid_input() {
        for bad in [
            &b""[..],
            b"  \n",
            b"[1, 2]",
            b"[]",
            b"[{}]",
            b"{\"a\": 1}\n{\"a\": ",
            b"not json",
        ] {
            let err = json_batches(bad).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{bad:?}: {err}");
        }
    }
}
