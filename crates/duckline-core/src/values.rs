//! Arrow values as the JSON values of pages (API.md "Values in pages"): numbers, strings,
//! booleans, `null`; DATE as `"YYYY-MM-DD"`; TIMESTAMP as ISO 8601; integers beyond 2^53 as strings.

use arrow_array::cast::AsArray;
use std::sync::Arc;

use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{DataType, TimeUnit};
use serde_json::Value;

use crate::Result;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

fn int(v: i64) -> Value {
    if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&v) {
        Value::from(v)
    } else {
        Value::String(v.to_string())
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or_else(|| Value::String(v.to_string()), Value::Number)
}

/// Converts every value of `array` to JSON.
///
/// Errors: [`crate::Error::Engine`] if Arrow cannot format a value of an unusual type.
pub fn column_values(array: &ArrayRef) -> Result<Vec<Value>> {
    let n = array.len();
    let mut out = Vec::with_capacity(n);
    macro_rules! prim {
        ($t:ty, $f:expr) => {{
            let a = array.as_primitive::<$t>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    $f(a.value(i))
                });
            }
        }};
    }
    match array.data_type() {
        DataType::Null => out.resize(n, Value::Null),
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::Bool(a.value(i))
                });
            }
        }
        DataType::Int8 => prim!(Int8Type, |v: i8| Value::from(v)),
        DataType::Int16 => prim!(Int16Type, |v: i16| Value::from(v)),
        DataType::Int32 => prim!(Int32Type, |v: i32| Value::from(v)),
        DataType::Int64 => prim!(Int64Type, int),
        DataType::UInt8 => prim!(UInt8Type, |v: u8| Value::from(v)),
        DataType::UInt16 => prim!(UInt16Type, |v: u16| Value::from(v)),
        DataType::UInt32 => prim!(UInt32Type, |v: u32| Value::from(v)),
        DataType::UInt64 => prim!(UInt64Type, |v: u64| i64::try_from(v)
            .map_or_else(|_| Value::String(v.to_string()), int)),
        DataType::Float32 => prim!(Float32Type, |v: f32| float(f64::from(v))),
        DataType::Float64 => prim!(Float64Type, float),
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::String(a.value(i).to_owned())
                });
            }
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::String(a.value(i).to_owned())
                });
            }
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            for i in 0..n {
                out.push(if a.is_null(i) {
                    Value::Null
                } else {
                    Value::String(a.value(i).to_owned())
                });
            }
        }
        DataType::Decimal128(..) | DataType::Decimal256(..) => {
            let formatter = ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default())?;
            for i in 0..n {
                out.push(if array.is_null(i) {
                    Value::Null
                } else {
                    let text = formatter.value(i).to_string();
                    text.parse::<f64>().map_or(Value::String(text), float)
                });
            }
        }
        DataType::Timestamp(unit, Some(_)) => {
            // Instants are stored in UTC: format the UTC wall time and mark it `Z` (no tz database
            // needed, so no chrono-tz in the wasm binary).
            let naive: ArrayRef = match unit {
                TimeUnit::Second => Arc::new(
                    array
                        .as_primitive::<TimestampSecondType>()
                        .clone()
                        .with_timezone_opt(None::<String>),
                ),
                TimeUnit::Millisecond => Arc::new(
                    array
                        .as_primitive::<TimestampMillisecondType>()
                        .clone()
                        .with_timezone_opt(None::<String>),
                ),
                TimeUnit::Microsecond => Arc::new(
                    array
                        .as_primitive::<TimestampMicrosecondType>()
                        .clone()
                        .with_timezone_opt(None::<String>),
                ),
                TimeUnit::Nanosecond => Arc::new(
                    array
                        .as_primitive::<TimestampNanosecondType>()
                        .clone()
                        .with_timezone_opt(None::<String>),
                ),
            };
            for v in column_values(&naive)? {
                out.push(match v {
                    Value::String(s) => Value::String(format!("{s}Z")),
                    other => other,
                });
            }
        }
        _ => {
            // Dates (`2013-01-01`), naive timestamps (`2013-01-01T10:00:00`), intervals...
            let formatter = ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default())?;
            for i in 0..n {
                out.push(if array.is_null(i) {
                    Value::Null
                } else {
                    Value::String(formatter.value(i).to_string())
                });
            }
        }
    }
    Ok(out)
}

/// Rows of `batches` (all of one schema) as JSON arrays, columns in batch order.
///
/// Errors: as [`column_values`].
pub fn rows(batches: &[arrow_array::RecordBatch]) -> Result<Vec<Vec<Value>>> {
    let mut out = Vec::new();
    for batch in batches {
        let columns = batch
            .columns()
            .iter()
            .map(column_values)
            .collect::<Result<Vec<_>>>()?;
        for r in 0..batch.num_rows() {
            out.push(columns.iter().map(|c| c[r].clone()).collect());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use arrow_array::{Date32Array, Int64Array, TimestampMicrosecondArray};

    use super::*;

    #[test]
    fn dates_timestamps_and_big_integers() {
        let d: ArrayRef = Arc::new(Date32Array::from(vec![Some(15706), None]));
        assert_eq!(
            column_values(&d).unwrap(),
            vec![Value::from("2013-01-01"), Value::Null]
        );
        let t: ArrayRef = Arc::new(
            TimestampMicrosecondArray::from(vec![1_357_034_400_000_000]).with_timezone("UTC"),
        );
        assert_eq!(
            column_values(&t).unwrap(),
            vec![Value::from("2013-01-01T10:00:00Z")]
        );
        let i: ArrayRef = Arc::new(Int64Array::from(vec![1, 1 << 60]));
        assert_eq!(
            column_values(&i).unwrap(),
            vec![Value::from(1), Value::from((1_i64 << 60).to_string())]
        );
    }
}
