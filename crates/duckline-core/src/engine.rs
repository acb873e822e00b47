//! The [`Engine`] trait: the SQL engine (DuckDB natively or DuckDB-WASM in the browser) as the core
//! sees it.

use arrow_array::RecordBatch;

use crate::Result;

/// A DuckDB instance the core drives with SQL.
///
/// Implementations: `duckline-native` (the `duckdb` crate) and `duckline-wasm` (DuckDB-WASM through
/// its JS API). No `Send` bound: the browser is single-threaded. Every method maps a DuckDB failure
/// to [`crate::Error::Engine`] carrying DuckDB's message.
#[expect(
    async_fn_in_trait,
    reason = "implementations are single-threaded; no Send bound wanted"
)]
pub trait Engine {
    /// Runs one or more SQL statements that return no rows the caller needs.
    async fn execute(&self, sql: &str) -> Result<()>;

    /// Runs a query and returns its whole result as Arrow record batches.
    ///
    /// Callers only use it for bounded results (a page, one row-id chunk of a delta, counts), never a
    /// whole table. Column types follow DuckDB's Arrow export (VARCHAR -> Utf8, DATE -> Date32,
    /// TIMESTAMP -> Timestamp(µs), BIGINT -> Int64, ...).
    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>>;

    /// Creates a new table named `table` (an unquoted identifier in the main schema) with the
    /// batches' schema and rows. `batches` may be empty only if `schema` is given by the first batch,
    /// so callers always pass at least one (possibly zero-row) batch.
    async fn create_table_from_batches(&self, table: &str, batches: Vec<RecordBatch>)
    -> Result<()>;

    /// Makes `bytes` readable from SQL (e.g. by `read_csv`) and returns the path to use in SQL.
    /// `name` is a plain file name chosen by the caller, unique while registered.
    async fn register_file(&self, name: &str, bytes: &[u8]) -> Result<String>;

    /// Releases a file registered with [`Engine::register_file`]. Unknown names are ignored.
    async fn unregister_file(&self, name: &str) -> Result<()>;

    /// A monotonic clock in milliseconds, for `StepInfo.durationMs` and benchmarks.
    fn now_millis(&self) -> f64;
}
