//! Moving record batches between arrow 60 (the workspace, [`arrow_array`]) and arrow 56 (what the
//! `duckdb` crate 1.4.3 speaks) through Arrow IPC stream bytes. No `unsafe`: the C data interface
//! would need it; IPC costs one copy each way and keeps every type the IPC format knows.

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::RecordBatch;
use duckdb::arrow::datatypes::SchemaRef as SchemaRef56;
use duckdb::arrow::record_batch::RecordBatch as RecordBatch56;
use duckline_core::{Error, Result};

/// arrow 56 errors (a different `ArrowError` type than the core's `From` impl knows).
fn arrow56_err(e: impl std::fmt::Display) -> Error {
    Error::Engine(format!("arrow: {e}"))
}

/// One workspace batch as the `duckdb` crate's batch type.
pub(crate) fn batch_to_duckdb(batch: &RecordBatch) -> Result<RecordBatch56> {
    let mut bytes = Vec::new();
    {
        let mut writer = arrow_ipc::writer::StreamWriter::try_new(&mut bytes, &batch.schema())?;
        writer.write(batch)?;
        writer.finish()?;
    }
    let mut reader = arrow_ipc_56::reader::StreamReader::try_new(Cursor::new(bytes), None)
        .map_err(arrow56_err)?;
    match reader.next() {
        Some(batch) => batch.map_err(arrow56_err),
        None => Err(Error::Engine(
            "arrow: IPC round trip lost a batch".to_owned(),
        )),
    }
}

/// A query result from the `duckdb` crate as workspace batches: always at least one batch (an
/// empty one carrying `schema` when DuckDB returned no rows).
pub(crate) fn batches_from_duckdb(
    schema: &SchemaRef56,
    batches: &[RecordBatch56],
) -> Result<Vec<RecordBatch>> {
    let mut bytes = Vec::new();
    {
        let mut writer =
            arrow_ipc_56::writer::StreamWriter::try_new(&mut bytes, schema).map_err(arrow56_err)?;
        for batch in batches {
            writer.write(batch).map_err(arrow56_err)?;
        }
        writer.finish().map_err(arrow56_err)?;
    }
    let reader = arrow_ipc::reader::StreamReader::try_new(Cursor::new(bytes), None)?;
    let schema = reader.schema();
    let mut out = reader.collect::<Result<Vec<_>, _>>()?;
    if out.is_empty() {
        out.push(RecordBatch::new_empty(Arc::clone(&schema)));
    }
    Ok(out)
}
