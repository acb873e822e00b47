//! `table.export(format)` (API.md): the current state of a table as CSV, Parquet or XLSX bytes, without
//! the hidden columns, with display names, in display order.
//!
//! Rows are streamed in chunks of the workspace's chunk size (keyset pages on `(_order, _row_id)`,
//! so each chunk is one bounded query and the file is in display order), never one whole-table
//! query. Both formats are written in Rust: CSV by the small RFC 4180 writer below (values as in
//! pages, [`crate::values`]), Parquet by `parquet::arrow::ArrowWriter` with one row group per chunk.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::call::{Call, Phase, Span};
use crate::model::ColumnMeta;
use crate::persist::manifest::TableEntry;
use crate::persist::parquet::slices as parquet_slices;
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::workspace::xlsx::SheetWriter;
use crate::{Engine, Error, Result, Store, Workspace, values};

/// The file formats of `table.export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// RFC 4180 CSV: a header row of display names, `,` separated, `\n` line ends, fields quoted
    /// when they hold `,` `"` CR or LF (quotes doubled); NULL is an empty field and the empty
    /// string a quoted `""`; dates `YYYY-MM-DD`, timestamps ISO 8601 (as in pages).
    Csv,
    /// Parquet (LZ4_RAW), one row group per chunk, columns named by their display names.
    Parquet,
    /// An XLSX workbook of one sheet named after the table (`rust_xlsxwriter`): a header row of
    /// display names, typed cells (`workspace/xlsx.rs`); at most
    /// [`XLSX_MAX_ROW_COUNT`](crate::XLSX_MAX_ROW_COUNT) rows with the header.
    Xlsx,
}

impl ExportFormat {
    /// Parses `"csv"`, `"parquet"` or `"xlsx"`. Errors: [`Error::InvalidCommand`] otherwise.
    pub fn parse(format: &str) -> Result<Self> {
        match format {
            "csv" => Ok(Self::Csv),
            "parquet" => Ok(Self::Parquet),
            "xlsx" => Ok(Self::Xlsx),
            other => Err(Error::InvalidCommand(format!(
                "export format must be \"csv\", \"parquet\" or \"xlsx\", got {other:?}"
            ))),
        }
    }
}

/// Options of `table.export(format, options)` (API.md); CSV only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct ExportOptions {
    /// Field delimiter of CSV, one character other than `"`, CR and LF, or `"\t"` for a tab
    /// (default `,`). Fields holding it are quoted.
    pub delimiter: Option<String>,
    /// Whether CSV starts with the UTF-8 byte order mark `EF BB BF`, which makes Excel read the
    /// file as UTF-8 rather than in the locale's code page (default `false`).
    pub bom: Option<bool>,
}

impl ExportOptions {
    /// The delimiter byte these options give `format`.
    ///
    /// Errors: [`Error::InvalidCommand`] for a delimiter that is not one ASCII character other
    /// than `"` CR LF, or any option with a format other than CSV.
    fn delimiter(&self, format: ExportFormat) -> Result<u8> {
        if format != ExportFormat::Csv && (self.delimiter.is_some() || self.bom.is_some()) {
            return Err(Error::InvalidCommand(
                "export options delimiter and bom apply to \"csv\" only".into(),
            ));
        }
        match self.delimiter.as_deref() {
            None => Ok(b','),
            Some("\\t") => Ok(b'\t'),
            Some(d) if d.len() == 1 && !matches!(d.as_bytes()[0], b'"' | b'\r' | b'\n') => {
                Ok(d.as_bytes()[0])
            }
            Some(d) => Err(Error::InvalidCommand(format!(
                "export option delimiter must be one ASCII character other than a quote, CR or \
                 LF, got {d:?}"
            ))),
        }
    }
}

/// Where the exported chunks go.
enum Sink {
    /// The file so far and the delimiter.
    Csv(Vec<u8>, u8),
    Parquet(Box<Option<ArrowWriter<Vec<u8>>>>),
    Xlsx(Box<SheetWriter>),
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// The table at its current position as `format` bytes: visible columns only, display names,
    /// display order. Read-only. Reports to `call`: capture (the table loaded), execute (each
    /// chunk of `chunk_row_count` rows read and encoded; the fraction is rows done of the table's).
    ///
    /// Errors: [`Error::NotFound`] (unknown table), [`Error::InvalidCommand`] (options),
    /// [`Error::Engine`], [`Error::Cancelled`].
    pub async fn export(
        &self,
        table_id: u32,
        format: ExportFormat,
        options: &ExportOptions,
        call: &Call,
    ) -> Result<Vec<u8>> {
        // Bad options are rejected before anything is loaded.
        options.delimiter(format)?;
        let mut st = self.lock().await?;
        call.report(Phase::Capture, 0.0, None)?;
        let entry = st.entry(table_id)?.clone();
        self.ensure_loaded(&mut st, table_id).await?;
        let total_row_count = usize::try_from(entry.row_count()).unwrap_or(usize::MAX);
        let mut done_row_count = 0;
        let span = Span::new(Phase::Execute, 0.0, 1.0);
        let schema = entry.schema().to_vec();
        let chunk = self.chunk_row_count.max(1);
        let mut select = format!("SELECT {ORDER_KEY}, {ROW_ID}");
        for c in &schema {
            let _ = write!(select, ", {}", sql::ident(&sql::column_name(c.id)));
        }
        let _ = write!(select, " FROM {}", sql::table_name(table_id));
        let mut sink = Sink::new(format, options, &entry, &schema)?;
        let mut after: Option<(f64, i64)> = None;
        loop {
            let filter = after
                .map(|(o, r)| {
                    let o = sql::double(o);
                    format!(" WHERE {ORDER_KEY} > {o} OR ({ORDER_KEY} = {o} AND {ROW_ID} > {r})")
                })
                .unwrap_or_default();
            let batches = self
                .engine
                .query(&format!(
                    "{select}{filter} ORDER BY {ORDER_KEY}, {ROW_ID} LIMIT {chunk}"
                ))
                .await?;
            let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
            if let Some(last) = batches.iter().rev().find(|b| b.num_rows() > 0) {
                let key = values::rows(&[last.slice(last.num_rows() - 1, 1).project(&[0, 1])?])?;
                let key = key.first().map(|k| (k[0].as_f64(), k[1].as_i64()));
                if let Some((Some(o), Some(r))) = key {
                    after = Some((o, r));
                }
            }
            let mut chunk_done_row_count = 0;
            for batch in &batches {
                let visible = batch.project(&(2..batch.num_columns()).collect::<Vec<_>>())?;
                // Encoding a chunk takes seconds at 1M rows: report per slice.
                for slice in parquet_slices(&visible) {
                    sink.write(&slice, &schema, chunk)?;
                    chunk_done_row_count += slice.num_rows();
                    span.report(
                        call,
                        (done_row_count + chunk_done_row_count).min(total_row_count),
                        total_row_count,
                        "row",
                    )?;
                }
            }
            sink.end_chunk()?;
            done_row_count += rows;
            span.report(
                call,
                done_row_count.min(total_row_count),
                total_row_count,
                "row",
            )?;
            if (rows as u64) < chunk {
                break;
            }
        }
        sink.finish(&schema, chunk)
    }
}

impl Sink {
    /// The sink of `format` with its header (CSV, XLSX) written.
    ///
    /// Errors: [`Error::InvalidCommand`] (a CSV delimiter, a table too tall for XLSX).
    fn new(
        format: ExportFormat,
        options: &ExportOptions,
        entry: &TableEntry,
        schema: &[ColumnMeta],
    ) -> Result<Self> {
        let delimiter = options.delimiter(format)?;
        Ok(match format {
            ExportFormat::Csv => {
                let mut out = Vec::new();
                if options.bom == Some(true) {
                    out.extend_from_slice(b"\xef\xbb\xbf");
                }
                write_csv_record(
                    &mut out,
                    delimiter,
                    schema.iter().map(|c| Some(c.name.as_str())),
                );
                Sink::Csv(out, delimiter)
            }
            ExportFormat::Parquet => Sink::Parquet(Box::new(None)),
            ExportFormat::Xlsx => Sink::Xlsx(Box::new(SheetWriter::new(
                &entry.name,
                &schema.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
                entry.row_count(),
            )?)),
        })
    }

    /// Appends one batch of visible columns (physical names; `schema` gives the display names).
    fn write(&mut self, visible: &RecordBatch, schema: &[ColumnMeta], chunk: u64) -> Result<()> {
        match self {
            Sink::Csv(out, d) => write_csv_batch(out, *d, visible)?,
            Sink::Xlsx(sheet) => sheet.write(visible)?,
            Sink::Parquet(writer) => {
                // A zero-row batch still carries the Arrow types: it makes the writer.
                let renamed = renamed(visible, schema)?;
                if writer.is_none() {
                    **writer = Some(parquet_writer(renamed.schema(), chunk)?);
                }
                if let Some(w) = (**writer).as_mut()
                    && renamed.num_rows() > 0
                {
                    w.write(&renamed)?;
                }
            }
        }
        Ok(())
    }

    /// Ends one chunk: one Parquet row group per chunk.
    fn end_chunk(&mut self) -> Result<()> {
        if let Sink::Parquet(writer) = self
            && let Some(w) = (**writer).as_mut()
        {
            w.flush()?;
        }
        Ok(())
    }

    /// The file's bytes.
    fn finish(self, schema: &[ColumnMeta], chunk: u64) -> Result<Vec<u8>> {
        match self {
            Sink::Csv(out, _) => Ok(out),
            Sink::Xlsx(sheet) => sheet.finish(),
            Sink::Parquet(writer) => {
                let writer = match *writer {
                    Some(w) => w,
                    // The engine returned no batch at all: the columns are written as strings.
                    None => parquet_writer(empty_schema(schema), chunk)?,
                };
                Ok(writer.into_inner()?)
            }
        }
    }
}

fn parquet_writer(schema: Arc<Schema>, chunk: u64) -> Result<ArrowWriter<Vec<u8>>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::LZ4_RAW)
        .set_max_row_group_row_count(Some(usize::try_from(chunk).unwrap_or(usize::MAX)))
        .build();
    Ok(ArrowWriter::try_new(Vec::new(), schema, Some(props))?)
}

/// `batch` (the physical columns of `schema`, in order) with its columns named by display name.
fn renamed(batch: &RecordBatch, schema: &[ColumnMeta]) -> Result<RecordBatch> {
    let fields: Vec<Field> = batch
        .schema()
        .fields()
        .iter()
        .zip(schema)
        .map(|(f, c)| Field::new(&c.name, f.data_type().clone(), true))
        .collect();
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        batch.columns().to_vec(),
    )?)
}

fn empty_schema(schema: &[ColumnMeta]) -> Arc<Schema> {
    Arc::new(Schema::new(
        schema
            .iter()
            .map(|c| Field::new(&c.name, DataType::Utf8, true))
            .collect::<Vec<_>>(),
    ))
}

fn write_csv_batch(out: &mut Vec<u8>, delimiter: u8, batch: &RecordBatch) -> Result<()> {
    let columns: Vec<Vec<Value>> = batch
        .columns()
        .iter()
        .map(values::column_values)
        .collect::<Result<_>>()?;
    let mut text = Vec::with_capacity(columns.len());
    for r in 0..batch.num_rows() {
        text.clear();
        for c in &columns {
            text.push(match &c[r] {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            });
        }
        write_csv_record(out, delimiter, text.iter().map(Option::as_deref));
    }
    Ok(())
}

/// One CSV record: `None` is an empty field (NULL); fields holding the delimiter, `"`, CR or LF,
/// and the empty string, are quoted with embedded quotes doubled (RFC 4180).
fn write_csv_record<'a>(
    out: &mut Vec<u8>,
    delimiter: u8,
    fields: impl Iterator<Item = Option<&'a str>>,
) {
    let special = [char::from(delimiter), '"', '\n', '\r'];
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        match field {
            None => {}
            Some(s) if s.is_empty() || s.contains(special) => {
                out.push(b'"');
                out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            }
            Some(s) => out.extend_from_slice(s.as_bytes()),
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_quote_only_what_needs_it() {
        let mut out = Vec::new();
        write_csv_record(
            &mut out,
            b',',
            [
                Some("a"),
                None,
                Some(""),
                Some("x,y"),
                Some("say \"hi\"\nok"),
            ]
            .into_iter(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "a,,\"\",\"x,y\",\"say \"\"hi\"\"\nok\"\n"
        );
    }

    #[test]
    fn other_delimiters_quote_their_own_character() {
        let mut out = Vec::new();
        write_csv_record(&mut out, b';', [Some("1,5"), Some("a;b")].into_iter());
        assert_eq!(String::from_utf8(out).unwrap_or_default(), "1,5;\"a;b\"\n");
        let tab = ExportOptions {
            delimiter: Some("\\t".into()),
            bom: None,
        };
        assert_eq!(tab.delimiter(ExportFormat::Csv).ok(), Some(b'\t'));
        for bad in ["", "ab", "\"", "\n", "é"] {
            let o = ExportOptions {
                delimiter: Some(bad.into()),
                bom: None,
            };
            assert!(o.delimiter(ExportFormat::Csv).is_err(), "{bad:?}");
        }
        let bom = ExportOptions {
            delimiter: None,
            bom: Some(true),
        };
        assert!(bom.delimiter(ExportFormat::Parquet).is_err());
    }

    #[test]
    fn formats_parse() {
        assert_eq!(ExportFormat::parse("csv").ok(), Some(ExportFormat::Csv));
        assert_eq!(ExportFormat::parse("xlsx").ok(), Some(ExportFormat::Xlsx));
        assert!(ExportFormat::parse("json").is_err());
    }
}
