//! Parquet encoding and decoding of chunks, in Rust (DESIGN.md: DuckDB-WASM has no Parquet offline).

use std::sync::Arc;

use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::{Error, Result};

/// Rows per chunk file, and so per row group (DESIGN.md: chunked by row-id ranges of 250,000).
pub const DEFAULT_CHUNK_ROW_COUNT: u64 = 250_000;

/// Rows encoded between two calls of [`encode_reporting`]'s `on_rows`: a 250,000-row chunk of 30
/// columns is about a second of encoding in the browser, and progress reports in between keep a
/// progress bar moving (issue 10: a report at least every 250 ms on a 1M-row step).
pub const ENCODE_SLICE_ROW_COUNT: usize = 16_384;

/// Encodes batches (one schema) into one Parquet file with a single row group.
///
/// LZ4_RAW: pure Rust (builds for wasm32 without clang) and the fastest codec measured in Chromium
/// (reference/duckdb-wasm-platform.md §3: 3.5 s write / 0.37 s read for 1M x 31).
///
/// Errors: [`Error::Storage`] if encoding fails; `batches` must not be empty.
pub fn encode(batches: &[RecordBatch]) -> Result<Vec<u8>> {
    encode_reporting(batches, &mut |_| Ok(()))
}

/// [`encode`], calling `on_rows(rows encoded so far)` after each slice of at most
/// [`ENCODE_SLICE_ROW_COUNT`] rows; an error from `on_rows` (e.g. [`Error::Cancelled`]) stops the
/// encoding and is returned.
///
/// Errors: [`Error::Storage`] if encoding fails, or what `on_rows` returns.
pub fn encode_reporting(
    batches: &[RecordBatch],
    on_rows: &mut dyn FnMut(usize) -> Result<()>,
) -> Result<Vec<u8>> {
    let schema = batches
        .first()
        .map(RecordBatch::schema)
        .ok_or_else(|| Error::Storage("parquet: no batches to encode".into()))?;
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let props = WriterProperties::builder()
        .set_compression(Compression::LZ4_RAW)
        .set_max_row_group_row_count(Some(rows.max(1)))
        .build();
    let mut out = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut out, schema, Some(props))?;
    let mut done = 0;
    for batch in batches {
        for slice in slices(batch) {
            writer.write(&slice)?;
            done += slice.num_rows();
            on_rows(done)?;
        }
    }
    writer.close()?;
    Ok(out)
}

/// `batch` in zero-copy slices of at most [`ENCODE_SLICE_ROW_COUNT`] rows.
pub fn slices(batch: &RecordBatch) -> impl Iterator<Item = RecordBatch> + '_ {
    (0..batch.num_rows())
        .step_by(ENCODE_SLICE_ROW_COUNT)
        .map(|offset| {
            batch.slice(
                offset,
                ENCODE_SLICE_ROW_COUNT.min(batch.num_rows() - offset),
            )
        })
}

/// Decodes a Parquet file into record batches, keeping only `columns` when given (by name).
///
/// Errors: [`Error::Corrupt`] naming `path` when the bytes are not valid Parquet.
pub fn decode(path: &str, bytes: Vec<u8>, columns: Option<&[&str]>) -> Result<Vec<RecordBatch>> {
    let corrupt = |e: &dyn std::fmt::Display| Error::Corrupt {
        path: path.into(),
        message: e.to_string(),
    };
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
        .map_err(|e| corrupt(&e))?
        .with_batch_size(64 * 1024);
    if let Some(columns) = columns {
        let schema = Arc::clone(builder.schema());
        let roots: Vec<usize> = columns
            .iter()
            .map(|c| schema.index_of(c).map_err(|e| corrupt(&e)))
            .collect::<Result<_>>()?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        builder = builder.with_projection(mask);
    }
    let schema = Arc::clone(builder.schema());
    let reader = builder.build().map_err(|e| corrupt(&e))?;
    let mut batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt(&e))?;
    if batches.is_empty() {
        let projected = match columns {
            Some(cols) => Arc::new(
                schema.project(
                    &cols
                        .iter()
                        .filter_map(|c| schema.index_of(c).ok())
                        .collect::<Vec<_>>(),
                )?,
            ),
            None => schema,
        };
        batches.push(RecordBatch::new_empty(projected));
    }
    Ok(batches)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Int64Array, RecordBatch};

    use super::{ENCODE_SLICE_ROW_COUNT, decode, encode, encode_reporting};
    use crate::Error;

    fn batch(rows: usize) -> RecordBatch {
        let ids = Int64Array::from_iter_values((0..rows).map(|i| i as i64));
        RecordBatch::try_from_iter([("_row_id", Arc::new(ids) as _)]).expect("batch")
    }

    #[test]
    fn encode_reporting_reports_each_slice_and_encodes_the_same_file() {
        let rows = 2 * ENCODE_SLICE_ROW_COUNT + 5;
        let batches = [batch(rows), batch(3)];
        let mut seen = Vec::new();
        let bytes = encode_reporting(&batches, &mut |done| {
            seen.push(done);
            Ok(())
        })
        .expect("encode");
        let slice = ENCODE_SLICE_ROW_COUNT;
        assert_eq!(seen, vec![slice, 2 * slice, rows, rows + 3]);
        assert_eq!(bytes, encode(&batches).expect("encode"));
        let back = decode("t.parquet", bytes, None).expect("decode");
        assert_eq!(
            back.iter().map(RecordBatch::num_rows).sum::<usize>(),
            rows + 3
        );
    }

    #[test]
    fn an_error_from_on_rows_stops_the_encoding() {
        let mut calls = 0;
        let result = encode_reporting(&[batch(3 * ENCODE_SLICE_ROW_COUNT)], &mut |_| {
            calls += 1;
            Err(Error::Cancelled)
        });
        assert!(matches!(result, Err(Error::Cancelled)));
        assert_eq!(calls, 1);
    }
}
