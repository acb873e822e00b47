//! Small SQL helpers of the workspace: column lists of a schema and the first values of a result.

use std::fmt::Write as _;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, RecordBatch};

use crate::model::ColumnMeta;
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Error, Result};

/// `"_row_id", "_order", "c1", ...` for a visible schema.
pub(super) fn physical_columns(schema: &[ColumnMeta]) -> String {
    let mut out = format!("{ROW_ID}, {ORDER_KEY}");
    for c in schema {
        let _ = write!(out, ", {}", sql::ident(&sql::column_name(c.id)));
    }
    out
}

pub(super) fn column_definitions(schema: &[ColumnMeta]) -> String {
    let mut out = format!("{ROW_ID} BIGINT, {ORDER_KEY} DOUBLE");
    for c in schema {
        let _ = write!(
            out,
            ", {} {}",
            sql::ident(&sql::column_name(c.id)),
            c.data_type
        );
    }
    out
}

pub(super) fn column_type(schema: &[ColumnMeta], column_id: u32) -> Result<&str> {
    schema
        .iter()
        .find(|c| c.id == column_id)
        .map(|c| c.data_type.as_str())
        .ok_or_else(|| Error::Storage(format!("manifest names no column {column_id}")))
}

pub(super) fn first_i64(batches: &[RecordBatch], column: usize) -> Option<i64> {
    let batch = batches.iter().find(|b| b.num_rows() > 0)?;
    let array = arrow_cast::cast(batch.column(column), &arrow_schema::DataType::Int64).ok()?;
    let array = array.as_primitive::<Int64Type>();
    (!array.is_null(0)).then(|| array.value(0))
}

pub(super) fn first_string(batches: &[RecordBatch], column: usize) -> Option<String> {
    let batch = batches.iter().find(|b| b.num_rows() > 0)?;
    let array = arrow_cast::cast(batch.column(column), &arrow_schema::DataType::Utf8).ok()?;
    let array = array.as_string::<i32>();
    (!array.is_null(0)).then(|| array.value(0).to_owned())
}

/// Pairs of two string columns of a result (e.g. DESCRIBE's name and type).
pub(super) fn string_pairs(
    batches: &[RecordBatch],
    a: usize,
    b: usize,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for batch in batches {
        let x = arrow_cast::cast(batch.column(a), &arrow_schema::DataType::Utf8)?;
        let y = arrow_cast::cast(batch.column(b), &arrow_schema::DataType::Utf8)?;
        let (x, y) = (x.as_string::<i32>(), y.as_string::<i32>());
        for i in 0..batch.num_rows() {
            out.push((x.value(i).to_owned(), y.value(i).to_owned()));
        }
    }
    Ok(out)
}
