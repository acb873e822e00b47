//! The data shapes duckline hands out (API.md types), serialised in camelCase exactly as the JS
//! API names them. Each derives `TS`: the npm package's TypeScript declarations are rendered from
//! these types (`tests/typescript.rs`), so a field changed here changes them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::command::Command;
pub use crate::schema::ColumnMeta;

/// API.md `ColumnInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnInfo {
    /// Display name.
    pub name: String,
    /// DuckDB type name.
    #[serde(rename = "type")]
    pub data_type: String,
}

/// API.md `TableInfo`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableInfo {
    /// Table name.
    pub name: String,
    /// Rows at the current position.
    pub row_count: u64,
    /// Visible columns in display order.
    pub columns: Vec<ColumnInfo>,
    /// Timeline position (0 = as imported).
    pub position: usize,
    /// Number of steps in the timeline, including redoable ones.
    pub step_count: usize,
    /// How a CSV import read its bytes; `None` for Parquet imports, `stack`/`join` results and
    /// CSV imports made before duckline recorded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub csv: Option<CsvDialect>,
}

/// API.md `StepInfo`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StepInfo {
    /// 1-based position this step produces (the current position for a step-less result).
    pub index: usize,
    /// The command as applied (defaults filled in, e.g. `asOf`).
    pub command: Command,
    /// Human text, e.g. "Trim name".
    pub label: String,
    /// 1 cell rewrite, 2 schema only, 3 rows or whole table (COMMANDS.md).
    #[ts(type = "1 | 2 | 3")]
    pub tier: u8,
    /// Rows whose values actually changed, or rows inserted/deleted.
    pub rows_affected: u64,
    /// Bytes this step wrote to the store (delta files and manifest), in bytes.
    pub bytes_written: u64,
    /// Wall time of the call, in milliseconds.
    pub duration_ms: f64,
    /// Human warnings, e.g. "1,204 values could not be parsed as dates and became NULL".
    pub warnings: Vec<String>,
}

/// API.md `timeline()` result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Current position; steps after it are redoable.
    pub position: usize,
    /// Every step, in order.
    pub steps: Vec<StepInfo>,
}

/// API.md `RowPage`: one keyset page of rows in display order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowPage {
    /// Column names of `rows`.
    pub columns: Vec<String>,
    /// Stable hidden row ids, aligned with `rows`.
    pub row_ids: Vec<i64>,
    /// One array per row, aligned with `columns` (values as in [`crate::values`]).
    pub rows: Vec<Vec<serde_json::Value>>,
    /// Opaque cursor for the next page, `None` after the last row.
    pub next_cursor: Option<String>,
}

/// API.md `DiffStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DiffStatus {
    /// Present now, absent at `from`.
    Added,
    /// Present at `from`, absent now.
    Removed,
    /// Present in both with at least one changed cell.
    Modified,
}

impl DiffStatus {
    /// Code stored in the diff index.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Added => 1,
            Self::Removed => 2,
            Self::Modified => 3,
        }
    }

    /// Inverse of [`DiffStatus::code`].
    #[must_use]
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Added),
            2 => Some(Self::Removed),
            3 => Some(Self::Modified),
            _ => None,
        }
    }
}

/// Changed cells of one column in a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnChange {
    /// Column name (current name; the old name for removed columns).
    pub name: String,
    /// Cells of modified rows whose value differs.
    pub changed_cells: u64,
}

/// What a [`SchemaChange`] did to its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SchemaChangeKind {
    /// The column exists now and not at `from`.
    Added,
    /// The column existed at `from` and not now.
    Removed,
    /// The same column under a new name.
    Renamed,
    /// The same column with a new type.
    Retyped,
}

/// One schema difference between the two states of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SchemaChange {
    /// What changed.
    pub kind: SchemaChangeKind,
    /// Column name (current name where it exists).
    pub column: String,
    /// E.g. `dest -> destination` or `VARCHAR -> DATE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<String>,
}

/// API.md `DiffSummary`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffSummary {
    /// Rows present now and not at `from`.
    pub added: u64,
    /// Rows present at `from` and not now.
    pub removed: u64,
    /// Rows in both with a changed cell.
    pub modified: u64,
    /// Rows in both with no changed cell.
    pub unchanged: u64,
    /// Per compared column, its changed cells.
    pub columns: Vec<ColumnChange>,
    /// Columns added, removed, renamed or retyped.
    pub schema_changes: Vec<SchemaChange>,
}

/// One row of a [`DiffPage`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffRow {
    /// Its status.
    pub status: DiffStatus,
    /// Stable row id.
    pub row_id: i64,
    /// Names of changed columns (modified rows only).
    pub changed: Vec<String>,
    /// Values at `from`, aligned with the page's columns; `None` for added rows.
    pub before: Option<Vec<serde_json::Value>>,
    /// Values now; `None` for removed rows.
    pub after: Option<Vec<serde_json::Value>>,
}

/// API.md `DiffPage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffPage {
    /// Column names of `before`/`after`.
    pub columns: Vec<String>,
    /// Changed rows in display order.
    pub rows: Vec<DiffRow>,
    /// Opaque cursor for the next page, `None` after the last changed row.
    pub next_cursor: Option<String>,
}

/// API.md `CsvOptions`: how `importCsv` / `previewCsv` read CSV bytes. Every option left out is
/// guessed (see each field); the options an import used are recorded ([`CsvDialect`],
/// `TableInfo.csv`) and reload reads the stored bytes with them again.
///
/// Header names are DuckDB's: an empty header cell becomes `column<n>` (`n` its 0-based position,
/// zero-padded to the width of the column count, e.g. `column1` of three columns) and a repeated
/// name gets `_<k>` (`a`, `a_1`); they are ordinary names afterwards (`rename_column`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct CsvOptions {
    /// Field delimiter, one character or `"\t"` (default: DuckDB's sniffer; when it finds one
    /// column on a ragged file, the most frequent of `,` `;` tab `|` in the header line).
    pub delimiter: Option<String>,
    /// Whether the first line after `skipRows` names the columns (default: DuckDB's sniffer).
    pub header: Option<bool>,
    /// Quote character (default: detected).
    pub quote: Option<String>,
    /// Strings read as NULL, e.g. `["NA"]` for nycflights13 (default: DuckDB's, the empty string).
    pub null_strings: Option<Vec<String>>,
    /// A WHATWG encoding label, e.g. `"utf-8"`, `"utf-16le"`, `"windows-1252"` (default: guessed
    /// from a byte order mark, else UTF-8 when the bytes are valid UTF-8, else windows-1252;
    /// [`crate::decode`]).
    pub encoding: Option<String>,
    /// Lines above the header (or the first row) to skip, e.g. title lines (default 0).
    pub skip_rows: Option<u64>,
    /// The decimal mark of numbers (default: `","` when the delimiter is `;` and every value of
    /// some text column reads as a number with a decimal comma, e.g. `1,5` or `-12,25`;
    /// else `"."`).
    pub decimal_separator: Option<DecimalSeparator>,
    /// A `strptime` pattern for DATE columns passed to DuckDB as `dateformat`, e.g. `"%d/%m/%Y"`
    /// (default: DuckDB's detection, ISO 8601 and a few others).
    pub date_format: Option<String>,
}

/// The decimal mark of numbers in a CSV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum DecimalSeparator {
    /// `1.5`
    #[serde(rename = ".")]
    Dot,
    /// `1,5`
    #[serde(rename = ",")]
    Comma,
}

impl DecimalSeparator {
    /// The character itself.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dot => ".",
            Self::Comma => ",",
        }
    }
}

/// API.md `XlsxOptions`: which sheet `importXlsx` reads.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct XlsxOptions {
    /// The sheet's name as the workbook lists it (default: the first sheet).
    pub sheet: Option<String>,
}

/// How a CSV import read (or `previewCsv` would read) its bytes: every guessed option resolved.
/// API.md `CsvPreview.options` and `TableInfo.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CsvDialect {
    /// Field delimiter.
    pub delimiter: String,
    /// Whether the first line after `skip_rows` named the columns.
    pub header: bool,
    /// The WHATWG name of the encoding in lower case, e.g. `"utf-8"`, `"utf-16le"`,
    /// `"windows-1252"`.
    pub encoding: String,
    /// Lines skipped above the header.
    pub skip_rows: u64,
    /// The decimal mark of numbers.
    pub decimal_separator: DecimalSeparator,
}

/// API.md `CsvPreview`: what `importCsv` with the same options would make of the bytes, without
/// creating a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CsvPreview {
    /// The options resolved (guesses filled in); passing them to `importCsv` reads the same way.
    pub options: CsvDialect,
    /// Columns with their DuckDB types.
    pub columns: Vec<ColumnInfo>,
    /// The first rows ([`CSV_PREVIEW_ROWS`] at most), values as in pages.
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// Rows in a [`CsvPreview`].
pub const CSV_PREVIEW_ROWS: usize = 20;

/// Options of `rows()` / `rowsAt()`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct RowsOptions {
    /// Cursor from a previous page (`rows()` only).
    pub after: Option<String>,
    /// Rows per page: default [`crate::DEFAULT_PAGE_ROW_COUNT`], at most [`crate::MAX_PAGE_ROW_COUNT`].
    pub limit: Option<u64>,
    /// Columns to fetch (default all, in display order).
    pub columns: Option<Vec<String>>,
}

/// Options of `diff.page()` / `diff.pageAt()`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(optional_fields = nullable)]
pub struct DiffPageOptions {
    /// Cursor from a previous page (`page()` only).
    pub after: Option<String>,
    /// Rows per page: default [`crate::DEFAULT_PAGE_ROW_COUNT`], at most [`crate::MAX_PAGE_ROW_COUNT`].
    pub limit: Option<u64>,
    /// Only rows with these statuses (default all).
    pub statuses: Option<Vec<DiffStatus>>,
    /// Columns to fetch (default: current columns, then removed ones).
    pub columns: Option<Vec<String>>,
}

/// API.md `storage()` figures the core can know; the platform adds usage and quota
/// ([`StorageInfo`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageFigures {
    /// Files in the workspace folder.
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// API.md `storage()`: the workspace folder's files and the origin's storage estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StorageInfo {
    /// Files in the workspace folder.
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The origin's usage (`navigator.storage.estimate()`), in bytes.
    pub usage_bytes: u64,
    /// The origin's quota, in bytes (0 when unknown, e.g. `storage: "memory"`).
    pub quota_bytes: u64,
}

/// Per-table DuckDB memory, API.md `memory()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TableMemory {
    /// Table name.
    pub name: String,
    /// Bytes DuckDB accounts to it (0 when not loaded).
    pub bytes: u64,
}

/// API.md `memory()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "MemoryInfo")]
pub struct MemoryFigures {
    /// DuckDB's total accounted memory (`duckdb_memory()`), in bytes.
    pub duckdb_bytes: u64,
    /// Per loaded table.
    pub tables: Vec<TableMemory>,
}

/// Options of `ws.compare(left, right, options)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompareOptions {
    /// Key columns matching rows of the two tables (at least one).
    pub keys: Vec<String>,
}

/// Options of `table.applyRecipe(recipe, options)`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyRecipeOptions {
    /// The keys of the recipe's `hash` steps whose `secret` is `null`, one per such step, in order.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub secrets: Vec<String>,
}
