//! XLSX in and out (issue 11): `ws.importXlsx(name, data, { sheet })` reads one sheet with the
//! `calamine` crate; `table.export("xlsx")` writes one with `rust_xlsxwriter`.
//!
//! Import: the first row of the sheet's used range names the columns (an empty name becomes
//! `column<n>` and a repeated one `<name>_<k>`, as DuckDB names CSV headers; a header cell merged
//! across columns names each of them, so `Sales` over three columns gives `Sales`, `Sales_1`,
//! `Sales_2`). Each column's type comes from its cells: whole numbers BIGINT, other numbers DOUBLE,
//! booleans BOOLEAN, dates without a time DATE, dates with one TIMESTAMP, and VARCHAR for text or
//! a mix (numbers, booleans and dates then keep their text: `1.5`, `true`, `2024-03-01`). Empty
//! cells, empty strings and error cells (`#DIV/0!`) are NULL; rows with no value are skipped, as
//! DuckDB skips blank CSV lines. The original is the decoded rows as chunk files, as for Parquet.

use std::collections::HashSet;
use std::io::Cursor;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use calamine::{Data, Reader, Xlsx};
use chrono::{Datelike, NaiveDateTime};

use crate::call::Call;
use crate::model::XlsxOptions;
use crate::{Engine, Error, Result, Store, Workspace};

/// Rows per record batch handed to DuckDB.
const XLSX_BATCH_ROW_COUNT: usize = 65_536;

/// Rows of an XLSX sheet, the header row included (Excel's limit).
pub const XLSX_MAX_ROW_COUNT: u64 = 1_048_576;

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// The serial day number of 1970-01-01 in Excel's 1900 date system.
const EXCEL_UNIX_EPOCH_SERIAL: f64 = 25_569.0;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Imports one sheet of an XLSX workbook (`options.sheet`, default the first) as a new table
    /// named `name`, typed as the module says. Reports to `call` as
    /// [`Workspace::import_parquet`] does.
    ///
    /// Errors: [`Error::InvalidInput`] (not an XLSX file, an empty sheet), [`Error::InvalidCommand`]
    /// (no sheet of that name; the message lists the sheets), [`Error::TableExists`],
    /// [`Error::Cancelled`]; nothing changes on failure.
    pub async fn import_xlsx(
        &self,
        name: &str,
        bytes: Vec<u8>,
        options: &XlsxOptions,
        call: &Call,
    ) -> Result<u32> {
        let batches = xlsx_batches(bytes, options)?;
        self.import_batches(name, batches, call).await
    }
}

/// What a column's cells hold so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    /// No value yet.
    #[default]
    Empty,
    Int,
    Float,
    Bool,
    Date,
    DateTime,
    Text,
}

impl Kind {
    /// The kind of a column holding values of `self` and of `other`.
    fn widen(self, other: Kind) -> Kind {
        use Kind::{Date, DateTime, Empty, Float, Int, Text};
        match (self, other) {
            (Empty, k) | (k, Empty) => k,
            (a, b) if a == b => a,
            (Int, Float) | (Float, Int) => Float,
            (Date, DateTime) | (DateTime, Date) => DateTime,
            _ => Text,
        }
    }

    fn data_type(self) -> DataType {
        match self {
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            Kind::Date => DataType::Date32,
            // Microseconds: DuckDB's TIMESTAMP (milliseconds would be TIMESTAMP_MS).
            Kind::DateTime => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::Empty | Kind::Text => DataType::Utf8,
        }
    }
}

/// One cell as a value of its own kind; `None` for NULL.
fn cell(data: &Data) -> Option<(Kind, Value)> {
    match data {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) if s.is_empty() => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Some((Kind::Text, Value::Text(s.clone())))
        }
        Data::Bool(b) => Some((Kind::Bool, Value::Bool(*b))),
        Data::Int(i) => Some((Kind::Int, Value::Int(*i))),
        Data::Float(f) => Some(number(*f)),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => {
                if t.time() == chrono::NaiveTime::MIN {
                    Some((Kind::Date, Value::DateTime(t)))
                } else {
                    Some((Kind::DateTime, Value::DateTime(t)))
                }
            }
            // A duration (`[h]:mm`) or a serial outside Excel's range: its number of days.
            _ => Some(number(dt.as_f64())),
        },
    }
}

/// A number cell: BIGINT when whole (Excel stores every number as a double).
fn number(f: f64) -> (Kind, Value) {
    // Whole and within ±2^53: the cast is exact.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        (Kind::Int, Value::Int(f as i64))
    } else {
        (Kind::Float, Value::Float(f))
    }
}

/// A decoded cell.
#[derive(Clone, Debug)]
enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    Text(String),
}

impl Value {
    /// The text of the value in a VARCHAR column.
    fn text(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::DateTime(t) if t.time() == chrono::NaiveTime::MIN => {
                t.format("%Y-%m-%d").to_string()
            }
            Value::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
            Value::Text(s) => s.clone(),
        }
    }
}

/// The chosen sheet of an XLSX workbook as record batches (see the module).
///
/// Errors: as [`Workspace::import_xlsx`].
pub(crate) fn xlsx_batches(bytes: Vec<u8>, options: &XlsxOptions) -> Result<Vec<RecordBatch>> {
    if bytes.is_empty() {
        return Err(Error::InvalidInput("the file is empty".into()));
    }
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| Error::InvalidInput(format!("not a readable XLSX file: {e}")))?;
    let sheets = book.sheet_names();
    let sheet = match &options.sheet {
        Some(s) if sheets.contains(s) => s.clone(),
        Some(s) => {
            return Err(Error::InvalidCommand(format!(
                "the workbook has no sheet {s:?}; its sheets are {sheets:?}"
            )));
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| Error::InvalidInput("the workbook has no sheets".into()))?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| Error::InvalidInput(format!("cannot read sheet {sheet:?}: {e}")))?;
    let merged = book
        .merge_cells_by_sheet_name(&sheet)
        .map_err(|e| Error::InvalidInput(format!("cannot read sheet {sheet:?}: {e}")))?;
    let Some((first_row, first_col)) = range.start() else {
        return Err(Error::InvalidInput(format!("sheet {sheet:?} is empty")));
    };
    let mut rows = range.rows();
    let header = rows.next().unwrap_or_default().to_vec();
    // A header cell merged across columns: its value names each of them.
    let mut header_names: Vec<Option<String>> = header
        .iter()
        .map(|c| cell(c).map(|(_, v)| v.text()))
        .collect();
    for dims in &merged {
        if dims.start.0 > first_row || dims.end.0 < first_row {
            continue;
        }
        let start = dims.start.1.saturating_sub(first_col) as usize;
        let end = (dims.end.1.saturating_sub(first_col) as usize)
            .min(header_names.len().saturating_sub(1));
        if let Some(Some(name)) = header_names.get(start).cloned() {
            for n in header_names.iter_mut().take(end + 1).skip(start + 1) {
                n.get_or_insert_with(|| name.clone());
            }
        }
    }
    let names = column_names(&header_names);
    let body: Vec<Vec<Option<(Kind, Value)>>> = rows
        .map(|r| r.iter().map(cell).collect::<Vec<_>>())
        .filter(|r| r.iter().any(Option::is_some))
        .collect();
    let mut kinds = vec![Kind::Empty; names.len()];
    for row in &body {
        for (k, c) in kinds.iter_mut().zip(row) {
            if let Some((kind, _)) = c {
                *k = k.widen(*kind);
            }
        }
    }
    let schema = Arc::new(Schema::new(
        names
            .iter()
            .zip(&kinds)
            .map(|(n, k)| Field::new(n, k.data_type(), true))
            .collect::<Vec<_>>(),
    ));
    let mut batches = Vec::new();
    for slice in body.chunks(XLSX_BATCH_ROW_COUNT) {
        let columns = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| column(*k, slice.iter().map(|r| r.get(i).and_then(Option::as_ref))))
            .collect::<Vec<_>>();
        batches.push(RecordBatch::try_new(Arc::clone(&schema), columns)?);
    }
    if batches.is_empty() {
        batches.push(RecordBatch::new_empty(schema));
    }
    Ok(batches)
}

/// Header names with DuckDB's rules for empty (`column<n>`, `n` 0-based and zero-padded to the
/// width of the column count) and repeated (`<name>_<k>`) names.
fn column_names(header: &[Option<String>]) -> Vec<String> {
    let width = header.len().saturating_sub(1).to_string().len();
    let mut seen = HashSet::new();
    header
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let base = n.clone().unwrap_or_else(|| format!("column{i:0width$}"));
            let mut name = base.clone();
            let mut k = 1;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{k}");
                k += 1;
            }
            name
        })
        .collect()
}

/// One column of `kind` from its cells.
fn column<'a>(kind: Kind, cells: impl Iterator<Item = Option<&'a (Kind, Value)>>) -> ArrayRef {
    macro_rules! build {
        ($builder:expr, $pattern:pat => $value:expr) => {{
            let mut b = $builder;
            for c in cells {
                match c.map(|(_, v)| v) {
                    Some($pattern) => b.append_value($value),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish()) as ArrayRef
        }};
    }
    match kind {
        Kind::Int => build!(Int64Builder::new(), Value::Int(i) => *i),
        Kind::Float => {
            let mut b = Float64Builder::new();
            for c in cells {
                match c.map(|(_, v)| v) {
                    Some(Value::Float(f)) => b.append_value(*f),
                    Some(Value::Int(i)) => b.append_value(*i as f64),
                    _ => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
        Kind::Bool => build!(BooleanBuilder::new(), Value::Bool(v) => *v),
        Kind::Date => build!(
            Date32Builder::new(),
            Value::DateTime(t) => t.date().num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
        ),
        Kind::DateTime => build!(
            TimestampMicrosecondBuilder::new(),
            Value::DateTime(t) => t.and_utc().timestamp_micros()
        ),
        Kind::Empty | Kind::Text => {
            let mut b = StringBuilder::new();
            for c in cells {
                match c {
                    Some((_, v)) => b.append_value(v.text()),
                    None => b.append_null(),
                }
            }
            Arc::new(b.finish())
        }
    }
}

/// One sheet being written by `table.export("xlsx")`: a header row of display names, then each
/// chunk's rows. Numbers are Excel numbers (BIGINT beyond ±2^53 loses precision, as in Excel),
/// booleans booleans, DATE and TIMESTAMP dates with `yyyy-mm-dd` / `yyyy-mm-dd hh:mm:ss` formats,
/// everything else text as in pages; NULL is an empty cell.
pub(super) struct SheetWriter {
    sheet: rust_xlsxwriter::Worksheet,
    next_row: u32,
    date: rust_xlsxwriter::Format,
    datetime: rust_xlsxwriter::Format,
}

impl SheetWriter {
    /// A sheet named after the table (Excel's 31 characters, without `[]:*?/\`) with the header.
    ///
    /// Errors: [`Error::InvalidCommand`] when `row_count` rows and the header exceed
    /// [`XLSX_MAX_ROW_COUNT`].
    pub(super) fn new(table_name: &str, header: &[&str], row_count: u64) -> Result<Self> {
        if row_count >= XLSX_MAX_ROW_COUNT {
            return Err(Error::InvalidCommand(format!(
                "an XLSX sheet holds {} rows below its header and the table has {row_count}: \
                 export CSV or Parquet instead",
                XLSX_MAX_ROW_COUNT - 1
            )));
        }
        let mut sheet = rust_xlsxwriter::Worksheet::new();
        let name: String = table_name
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .take(31)
            .collect();
        sheet.set_name(if name.trim().is_empty() {
            "Sheet1"
        } else {
            &name
        })?;
        for (col, h) in (0..).zip(header) {
            sheet.write_string(0, col, *h)?;
        }
        Ok(Self {
            sheet,
            next_row: 1,
            date: rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd"),
            datetime: rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
        })
    }

    /// Appends the rows of `batch` (visible columns in display order).
    ///
    /// Errors: [`Error::InvalidCommand`] for a text cell longer than Excel's 32,767 characters.
    pub(super) fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let row0 = self.next_row;
        for (col, array) in (0..).zip(batch.columns()) {
            let array = prepared(array)?;
            for i in 0..array.len() {
                if array.is_null(i) {
                    continue;
                }
                let row = row0 + u32::try_from(i).unwrap_or(u32::MAX);
                self.write_cell(row, col, &array, i)?;
            }
        }
        self.next_row = row0 + u32::try_from(batch.num_rows()).unwrap_or(u32::MAX);
        Ok(())
    }

    fn write_cell(&mut self, row: u32, col: u16, array: &ArrayRef, i: usize) -> Result<()> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::{Date32Type, Float64Type, TimestampMillisecondType};
        match array.data_type() {
            DataType::Float64 => {
                self.sheet
                    .write_number(row, col, array.as_primitive::<Float64Type>().value(i))?;
            }
            DataType::Boolean => {
                self.sheet
                    .write_boolean(row, col, array.as_boolean().value(i))?;
            }
            DataType::Date32 => {
                let days = array.as_primitive::<Date32Type>().value(i);
                let serial = f64::from(days) + EXCEL_UNIX_EPOCH_SERIAL;
                self.write_serial(row, col, serial, false, || {
                    chrono::DateTime::from_timestamp(i64::from(days) * 86_400, 0)
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                })?;
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                let ms = array.as_primitive::<TimestampMillisecondType>().value(i);
                let serial = ms as f64 / 86_400_000.0 + EXCEL_UNIX_EPOCH_SERIAL;
                self.write_serial(row, col, serial, true, || {
                    chrono::DateTime::from_timestamp_millis(ms)
                        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.f").to_string())
                        .unwrap_or_default()
                })?;
            }
            _ => {
                let text = array.as_string::<i32>().value(i);
                if text.chars().count() > 32_767 {
                    return Err(Error::InvalidCommand(format!(
                        "row {row}, column {}: an XLSX cell holds 32,767 characters and this \
                         value has {}; export CSV or Parquet instead",
                        col + 1,
                        text.chars().count()
                    )));
                }
                self.sheet.write_string(row, col, text)?;
            }
        }
        Ok(())
    }

    /// A date cell, or its text when Excel's dates (1900-01-01 to 9999-12-31) cannot hold it.
    fn write_serial(
        &mut self,
        row: u32,
        col: u16,
        serial: f64,
        with_time: bool,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        match rust_xlsxwriter::ExcelDateTime::from_serial_datetime(serial) {
            Ok(t) if serial >= 1.0 => {
                let format = if with_time {
                    &self.datetime
                } else {
                    &self.date
                };
                self.sheet.write_datetime_with_format(row, col, t, format)?;
            }
            _ => {
                self.sheet.write_string(row, col, text())?;
            }
        }
        Ok(())
    }

    /// The workbook's bytes.
    pub(super) fn finish(self) -> Result<Vec<u8>> {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.push_worksheet(self.sheet);
        Ok(book.save_to_buffer()?)
    }
}

/// `array` as one of the types [`SheetWriter::write_cell`] writes: numbers as DOUBLE, booleans,
/// DATE, TIMESTAMP in milliseconds, and the rest as its Arrow display text.
fn prepared(array: &ArrayRef) -> Result<ArrayRef> {
    let target = match array.data_type() {
        DataType::Boolean | DataType::Date32 | DataType::Float64 | DataType::Utf8 => {
            return Ok(Arc::clone(array));
        }
        t if t.is_numeric() => DataType::Float64,
        DataType::Timestamp(_, _) => DataType::Timestamp(TimeUnit::Millisecond, None),
        _ => {
            let formatter = arrow_cast::display::ArrayFormatter::try_new(
                array.as_ref(),
                &arrow_cast::display::FormatOptions::default(),
            )?;
            let mut b = StringBuilder::new();
            for i in 0..array.len() {
                if array.is_null(i) {
                    b.append_null();
                } else {
                    b.append_value(formatter.value(i).to_string());
                }
            }
            return Ok(Arc::new(b.finish()));
        }
    };
    Ok(arrow_cast::cast(array, &target)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_follow_duckdb() {
        let names = column_names(&[Some("a".into()), None, Some("a".into()), Some("a_1".into())]);
        assert_eq!(names, ["a", "column1", "a_1", "a_1_1"]);
    }

    #[test]
    fn kinds_widen() {
        assert_eq!(Kind::Int.widen(Kind::Float), Kind::Float);
        assert_eq!(Kind::Date.widen(Kind::DateTime), Kind::DateTime);
        assert_eq!(Kind::Int.widen(Kind::Bool), Kind::Text);
        assert_eq!(Kind::Empty.widen(Kind::Bool), Kind::Bool);
    }

    #[test]
    fn not_xlsx_is_invalid_input() {
        for bad in [&b""[..], b"PK\x03\x04 not a zip", b"a,b\n1,2\n"] {
            let err = xlsx_batches(bad.to_vec(), &XlsxOptions::default()).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{err}");
        }
    }

    #[test]
    fn written_sheet_reads_back() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("n", DataType::Int64, true),
            Field::new("s", DataType::Utf8, true),
            Field::new("d", DataType::Date32, true),
        ]));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(arrow_array::Int64Array::from(vec![Some(1), None])),
                Arc::new(arrow_array::StringArray::from(vec![Some("x"), Some("y")])),
                Arc::new(arrow_array::Date32Array::from(vec![Some(19_723), None])),
            ],
        )
        .unwrap();
        let mut w = SheetWriter::new("t", &["n", "s", "d"], 2).unwrap();
        w.write(&batch).unwrap();
        let bytes = w.finish().unwrap();
        let batches = xlsx_batches(bytes, &XlsxOptions::default()).unwrap();
        let b = &batches[0];
        assert_eq!(b.num_rows(), 2);
        assert_eq!(b.schema().field(0).data_type(), &DataType::Int64);
        assert_eq!(b.schema().field(1).data_type(), &DataType::Utf8);
        assert_eq!(b.schema().field(2).data_type(), &DataType::Date32);
        assert!(b.column(0).is_null(1));
        assert_eq!(
            arrow_array::cast::AsArray::as_primitive::<arrow_array::types::Date32Type>(b.column(2))
                .value(0),
            19_723
        );
    }

    #[test]
    fn too_many_rows_for_a_sheet() {
        let err = SheetWriter::new("t", &["a"], XLSX_MAX_ROW_COUNT)
            .err()
            .unwrap();
        assert_eq!(err.code(), crate::ErrorCode::InvalidCommand);
        assert!(SheetWriter::new("t", &["a"], XLSX_MAX_ROW_COUNT - 1).is_ok());
    }
}
