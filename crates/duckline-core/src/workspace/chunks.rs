//! Chunk files: a query streamed into Parquet files of `chunk_row_count` row ids each, and one
//! file read back into a DuckDB table (optionally only its rows up to a row id).

use arrow_array::RecordBatch;
use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;

use crate::call::{Call, Span};
use crate::persist::manifest::FileRef;
use crate::persist::parquet as parquet_io;
use crate::sql::ROW_ID;
use crate::{Engine, Error, Result, Store, Workspace};

use super::sql_results::first_i64;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Streams `select` (which must return `_row_id`) into Parquet files of at most
    /// `chunk_row_count` row ids each, named `<prefix>-<chunk index>.parquet`; chunks without rows
    /// are skipped. Paths are pushed to `written` as they are written, for clean-up on failure.
    /// Each chunk reports its progress in `span` of `call`.
    ///
    /// Errors: engine and store errors, [`Error::Cancelled`] when `call` was cancelled.
    pub(super) async fn write_chunks(
        &self,
        select: &str,
        prefix: &str,
        written: &mut Vec<FileRef>,
        (call, span): (&Call, Span),
    ) -> Result<Vec<FileRef>> {
        let bounds = self
            .engine
            .query(&format!(
                "SELECT min({ROW_ID}), max({ROW_ID}) FROM ({select})"
            ))
            .await?;
        let (Some(min), Some(max)) = (first_i64(&bounds, 0), first_i64(&bounds, 1)) else {
            return Ok(Vec::new());
        };
        let chunk = i64::try_from(self.chunk_row_count).unwrap_or(i64::MAX);
        let mut files = Vec::new();
        let first = min.div_euclid(chunk);
        let count = usize::try_from(max.div_euclid(chunk) - first + 1).unwrap_or(usize::MAX);
        let mut index = first;
        while index * chunk <= max {
            let (lo, hi) = (index * chunk, (index + 1) * chunk);
            let batches = self
                .engine
                .query(&format!(
                    "SELECT * FROM ({select}) WHERE {ROW_ID} >= {lo} AND {ROW_ID} < {hi} ORDER BY {ROW_ID}"
                ))
                .await?;
            let row_count: usize = batches.iter().map(RecordBatch::num_rows).sum();
            if row_count > 0 {
                let part = span.part(usize::try_from(index - first).unwrap_or(0), count);
                let bytes = parquet_io::encode_reporting(&batches, &mut |rows| {
                    part.report(call, rows, row_count, "row of this chunk file")
                })?;
                let path = format!("{prefix}-{index:05}.parquet");
                let file = FileRef {
                    path,
                    row_count: row_count as u64,
                    bytes: bytes.len() as u64,
                    first_row_id: Some(lo),
                };
                written.push(file.clone());
                self.store.write(&file.path, &bytes).await?;
                files.push(file);
            }
            index += 1;
            let done = usize::try_from(index - first).unwrap_or(count);
            span.report(call, done, count, "chunk file")?;
        }
        Ok(files)
    }

    /// Reads one chunk file into a new DuckDB table `name` (columns as stored).
    pub(super) async fn load_file(
        &self,
        file: &FileRef,
        name: &str,
        columns: Option<&[&str]>,
    ) -> Result<()> {
        self.load_file_within(file, name, columns, None).await
    }

    /// [`Workspace::load_file`] keeping only the rows with `_row_id <= max_row_id` (when given).
    pub(super) async fn load_file_within(
        &self,
        file: &FileRef,
        name: &str,
        columns: Option<&[&str]>,
        max_row_id: Option<i64>,
    ) -> Result<()> {
        let bytes = self.store.read(&file.path).await?;
        let mut batches = parquet_io::decode(&file.path, bytes, columns)?;
        if let Some(max) = max_row_id {
            batches = batches
                .iter()
                .map(|b| rows_up_to(b, max))
                .collect::<Result<_>>()?;
        }
        self.engine.create_table_from_batches(name, batches).await
    }
}

/// The rows of `batch` whose `_row_id` is at most `max`.
fn rows_up_to(batch: &RecordBatch, max: i64) -> Result<RecordBatch> {
    let ids = batch
        .column_by_name(ROW_ID)
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| Error::Engine(format!("a delta chunk without a BIGINT {ROW_ID}")))?;
    let keep: arrow_array::BooleanArray = ids
        .iter()
        .map(|id| Some(id.is_some_and(|id| id <= max)))
        .collect();
    Ok(arrow_select::filter::filter_record_batch(batch, &keep)?)
}
