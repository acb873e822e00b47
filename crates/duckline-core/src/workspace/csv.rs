//! Reading CSV bytes: decoding ([`crate::decode`]), the options DuckDB's sniffer does not guess
//! (delimiter fallback, decimal comma) and `previewCsv`.
//!
//! Every read of CSV text goes through [`Workspace::read_csv_guessed`]: `sniff_csv` with the given
//! options resolves the delimiter, quote and header, a ragged file falls back to the header line's
//! delimiter, `read_csv` runs with them explicitly, and a `;` file whose text columns all read as
//! decimal-comma numbers is read again with `decimal_separator = ','`. The options it returns are
//! complete: reload passes them to the same `read_csv` and never guesses again.

use std::fmt::Write as _;

use crate::decode;
use crate::model::{
    CSV_PREVIEW_ROWS, ColumnInfo, ColumnMeta, CsvDialect, CsvOptions, CsvPreview, DecimalSeparator,
};
use crate::sql::{self, ROW_ID};
use crate::{Engine, Error, Result, Store, Workspace, values};

use super::MAX_COLUMN_COUNT;
use super::sql_results::first_string;

/// Rows `previewCsv` reads to guess types and the decimal mark (the file's first rows).
const PREVIEW_SAMPLE_ROWS: u64 = 1_000;

impl<E: Engine, S: Store> Workspace<E, S> {
    /// The options `import_csv` would use on `bytes`, its columns and its first
    /// [`CSV_PREVIEW_ROWS`] rows, creating nothing. Types and the decimal-mark guess come from the
    /// first [`PREVIEW_SAMPLE_ROWS`] rows (an import looks at every row: a value further down can
    /// make a column VARCHAR there).
    ///
    /// Errors: as [`Workspace::import_csv`] (without `TableExists`).
    pub async fn preview_csv(&self, bytes: &[u8], options: &CsvOptions) -> Result<CsvPreview> {
        csv_reader_options(options)?;
        let decoded = decode::decode(bytes, options.encoding.as_deref())?;
        check_csv_text(&decoded.text)?;
        check_header_width(&decoded.text, options)?;
        let options = CsvOptions {
            encoding: Some(decoded.encoding),
            ..options.clone()
        };
        let mut st = self.lock().await?;
        let scratch = st.temp("csv_preview");
        let file = format!("duckline-{scratch}.csv");
        let path = self.engine.register_file(&file, &decoded.text).await?;
        let previewed = async {
            let (schema, _, effective) = self
                .read_csv_guessed(
                    &scratch,
                    &path,
                    &decoded.text,
                    &options,
                    Some(PREVIEW_SAMPLE_ROWS),
                )
                .await?;
            let batches = self
                .engine
                .query(&format!(
                    "SELECT {} FROM {} ORDER BY {ROW_ID} LIMIT {CSV_PREVIEW_ROWS}",
                    schema
                        .iter()
                        .map(|c| sql::ident(&sql::column_name(c.id)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    sql::ident(&scratch)
                ))
                .await?;
            Ok::<_, Error>(CsvPreview {
                options: dialect(&effective)
                    .ok_or_else(|| Error::Engine("the CSV options were not all resolved".into()))?,
                columns: schema
                    .iter()
                    .map(|c| ColumnInfo {
                        name: c.name.clone(),
                        data_type: c.data_type.clone(),
                    })
                    .collect(),
                rows: values::rows(&batches)?,
            })
        }
        .await;
        self.drop_tables(std::slice::from_ref(&scratch)).await;
        self.engine.unregister_file(&file).await.ok();
        previewed.map_err(|e| match e {
            Error::Engine(m) => Error::InvalidInput(format!("cannot read CSV: {m}")),
            other => other,
        })
    }

    /// Creates `table` (as [`Workspace::create_from_csv`]) from the UTF-8 CSV text registered at
    /// `path`, resolving every option `options` leaves out (the module's rules). `text` is the
    /// registered text itself (for the delimiter fallback). Returns the schema, the row count and the complete
    /// options used (`options.encoding` is kept as given: the caller has decoded already).
    ///
    /// Errors: [`Error::InvalidCommand`] for bad options, [`Error::Engine`] when DuckDB cannot read
    /// the text (the caller words it as [`Error::InvalidInput`]).
    pub(super) async fn read_csv_guessed(
        &self,
        table: &str,
        path: &str,
        text: &[u8],
        options: &CsvOptions,
        limit: Option<u64>,
    ) -> Result<(Vec<ColumnMeta>, u64, CsvOptions)> {
        let mut effective = options.clone();
        effective.skip_rows.get_or_insert(0);
        if effective.delimiter.is_none() || effective.header.is_none() || effective.quote.is_none()
        {
            let sniffed = self.sniff(path, &effective).await?;
            // DuckDB's sniffer falls back to one column of whole lines when rows are ragged; read
            // with the delimiter the header shows instead, so strict mode reports the bad row.
            let fallback = likely_delimiter(text, effective.skip_rows.unwrap_or(0)).filter(|d| {
                sniffed.columns == 1 && options.delimiter.is_none() && *d != sniffed.delimiter
            });
            let sniffed = match fallback {
                Some(d) => {
                    self.sniff(
                        path,
                        &CsvOptions {
                            delimiter: Some(d.to_owned()),
                            ..effective.clone()
                        },
                    )
                    .await?
                }
                None => sniffed,
            };
            effective.delimiter.get_or_insert(sniffed.delimiter);
            effective.header.get_or_insert(sniffed.header);
            if effective.quote.is_none() {
                effective.quote = sniffed.quote;
            }
        }
        if effective.delimiter.as_deref() == Some(",")
            && effective.decimal_separator == Some(DecimalSeparator::Comma)
        {
            return Err(Error::InvalidCommand(
                "CSV options: the decimal separator \",\" needs a delimiter other than \",\""
                    .into(),
            ));
        }
        let (mut schema, mut row_count) = self
            .create_from_csv(table, &csv_source(path, &effective)?, limit)
            .await?;
        if effective.decimal_separator.is_none() {
            let comma = effective.delimiter.as_deref() == Some(";")
                && self.has_decimal_comma_column(table, &schema).await?;
            if comma {
                self.drop_tables(&[table.to_owned()]).await;
                effective.decimal_separator = Some(DecimalSeparator::Comma);
                (schema, row_count) = self
                    .create_from_csv(table, &csv_source(path, &effective)?, limit)
                    .await?;
            } else {
                effective.decimal_separator = Some(DecimalSeparator::Dot);
            }
        }
        Ok((schema, row_count, effective))
    }

    /// DuckDB's sniffer on the registered file with `options`: delimiter, quote (`None` when
    /// it found none), header and the number of columns.
    async fn sniff(&self, path: &str, options: &CsvOptions) -> Result<Sniffed> {
        let batches = self
            .engine
            .query(&format!(
                "SELECT Delimiter, Quote, CAST(HasHeader AS VARCHAR), CAST(len(Columns) AS VARCHAR) \
                 FROM sniff_csv({}{})",
                sql::literal(path),
                csv_reader_options(options)?
            ))
            .await?;
        let field = |i| first_string(&batches, i).unwrap_or_default();
        let quote = field(1);
        Ok(Sniffed {
            delimiter: field(0),
            // "(empty)" when the sample has no quoted field.
            quote: (quote.chars().count() == 1 && quote != "\0").then_some(quote),
            header: field(2) == "true",
            columns: field(3).parse().unwrap_or(0),
        })
    }

    /// Whether some VARCHAR column of `table` holds at least one value and only values like
    /// `1,5`, `-12,25` or `7` (a decimal comma number), the guess of a decimal comma.
    async fn has_decimal_comma_column(&self, table: &str, schema: &[ColumnMeta]) -> Result<bool> {
        let tests: Vec<String> = schema
            .iter()
            .filter(|c| c.data_type == "VARCHAR")
            .map(|c| {
                let c = sql::ident(&sql::column_name(c.id));
                format!(
                    "(bool_and(regexp_full_match(trim({c}), '[+-]?[0-9]+(,[0-9]+)?')) \
                     AND bool_or(contains({c}, ',')))"
                )
            })
            .collect();
        if tests.is_empty() {
            return Ok(false);
        }
        let batches = self
            .engine
            .query(&format!(
                "SELECT CAST(coalesce({}, false) AS VARCHAR) FROM {}",
                tests.join(" OR "),
                sql::ident(table)
            ))
            .await?;
        Ok(first_string(&batches, 0).as_deref() == Some("true"))
    }
}

/// What `sniff_csv` found.
struct Sniffed {
    delimiter: String,
    quote: Option<String>,
    header: bool,
    columns: usize,
}

/// The [`CsvDialect`] of complete options (those [`Workspace::read_csv_guessed`] returns); `None`
/// when one is missing (a CSV original recorded before issue 11).
pub(super) fn dialect(options: &CsvOptions) -> Option<CsvDialect> {
    Some(CsvDialect {
        delimiter: options.delimiter.clone()?,
        header: options.header?,
        encoding: options.encoding.clone()?,
        skip_rows: options.skip_rows.unwrap_or(0),
        decimal_separator: options.decimal_separator.unwrap_or(DecimalSeparator::Dot),
    })
}

/// Rejects what DuckDB's sniffer would misread instead of refusing: empty and binary text (after
/// decoding: UTF-16 without a byte order mark and not named is binary here).
pub(super) fn check_csv_text(text: &[u8]) -> Result<()> {
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::InvalidInput("the file is empty".into()));
    }
    let head = &text[..text.len().min(64 * 1024)];
    if head.contains(&0) {
        return Err(Error::InvalidInput(
            "the file is binary, not CSV (it contains NUL bytes; for UTF-16 without a byte order \
             mark, name the encoding)"
                .into(),
        ));
    }
    Ok(())
}

/// Rejects a CSV whose header line (after `skipRows` lines) has more than [`MAX_COLUMN_COUNT`]
/// fields before DuckDB reads it (reading 10,000 columns and naming them took minutes). Counts the
/// delimiters of that line outside double quotes: a quoted header with line breaks is counted up to
/// its first one, which can only undercount.
pub(super) fn check_header_width(text: &[u8], options: &CsvOptions) -> Result<()> {
    let skip = options.skip_rows.unwrap_or(0);
    let Some(delimiter) = options
        .delimiter
        .as_deref()
        .map(|d| if d == "\\t" { "\t" } else { d })
        .or_else(|| likely_delimiter(text, skip))
    else {
        return Ok(());
    };
    let [delimiter] = delimiter.as_bytes() else {
        return Ok(());
    };
    let line = text
        .split(|b| *b == b'\n')
        .nth(usize::try_from(skip).unwrap_or(usize::MAX))
        .unwrap_or_default();
    let mut quoted = false;
    let mut fields = 1;
    for b in line {
        match *b {
            b'"' => quoted = !quoted,
            b if b == *delimiter && !quoted => fields += 1,
            _ => {}
        }
    }
    if fields > MAX_COLUMN_COUNT {
        return Err(Error::InvalidInput(format!(
            "the header has {fields} columns: a table has at most {MAX_COLUMN_COUNT}"
        )));
    }
    Ok(())
}

/// The delimiter the header line (the line after `skip` lines) most likely uses (`,` `;` tab
/// `|`), if any.
fn likely_delimiter(text: &[u8], skip: u64) -> Option<&'static str> {
    let line = text
        .split(|b| *b == b'\n')
        .nth(usize::try_from(skip).unwrap_or(usize::MAX))
        .unwrap_or_default();
    [(b',', ","), (b';', ";"), (b'\t', "\t"), (b'|', "|")]
        .into_iter()
        .map(|(b, s)| (line.iter().filter(|c| **c == b).count(), s))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
}

/// The `read_csv(...)` call of an import (and of its reload) of the registered file `path`.
pub(super) fn csv_source(path: &str, options: &CsvOptions) -> Result<String> {
    Ok(format!(
        "read_csv({}{})",
        sql::literal(path),
        csv_reader_options(options)?
    ))
}

/// `read_csv` / `sniff_csv` named parameters for `options` (leading comma included).
///
/// Errors: [`Error::InvalidCommand`] for a delimiter or quote that is not one character, or an
/// empty date format.
pub(super) fn csv_reader_options(options: &CsvOptions) -> Result<String> {
    // `skip`: DuckDB's sniffer may otherwise skip leading rows it finds inconsistent, silently
    // dropping data of a ragged file; with it, a ragged file is an error.
    let mut out = format!(
        ", auto_detect = true, strict_mode = true, skip = {}",
        options.skip_rows.unwrap_or(0)
    );
    let single = |name: &str, value: &Option<String>| -> Result<Option<String>> {
        match value {
            None => Ok(None),
            Some(v) if v.chars().count() == 1 || (name == "delimiter" && v == "\\t") => {
                Ok(Some(v.clone()))
            }
            Some(v) => Err(Error::InvalidCommand(format!(
                "CSV option {name} must be one character, got {v:?}"
            ))),
        }
    };
    if let Some(d) = single("delimiter", &options.delimiter)? {
        let _ = write!(out, ", delim = {}", sql::literal(&d));
    }
    if let Some(q) = single("quote", &options.quote)? {
        let _ = write!(out, ", quote = {}", sql::literal(&q));
    }
    if let Some(h) = options.header {
        let _ = write!(out, ", header = {h}");
    }
    if let Some(nulls) = &options.null_strings {
        let list = nulls
            .iter()
            .map(|n| sql::literal(n))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(out, ", nullstr = [{list}]");
    }
    if let Some(d) = options.decimal_separator {
        let _ = write!(out, ", decimal_separator = {}", sql::literal(d.as_str()));
    }
    match options.date_format.as_deref() {
        Some(f) if f.trim().is_empty() => {
            return Err(Error::InvalidCommand(
                "CSV option dateFormat must be a strptime pattern such as \"%d/%m/%Y\", got an \
                 empty string"
                    .into(),
            ));
        }
        Some(f) => {
            let _ = write!(out, ", dateformat = {}", sql::literal(f));
        }
        None => {}
    }
    Ok(out)
}
