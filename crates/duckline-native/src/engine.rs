//! [`NativeEngine`]: [`duckline_core::Engine`] over the `duckdb` crate linked to libduckdb 1.4.3.

use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::Instant;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, TimeUnit};
use duckdb::Connection;
use duckline_core::{Engine, Error, Result};
use tempfile::TempDir;

use crate::convert;

/// An in-memory DuckDB 1.4.3 database driven through the `duckdb` crate: the native twin of the
/// browser's DuckDB-WASM engine.
///
/// Settings applied at creation, the same as the browser build:
/// `autoinstall_known_extensions = false`, `autoload_known_extensions = false` (extensions are not
/// loadable in the browser either, so both engines fail the same way), `TimeZone = 'UTC'` (this
/// libduckdb has ICU built in and would otherwise take the machine's zone, e.g. `Etc/UTC`, which
/// changes TIMESTAMPTZ casts and the Arrow type's zone label), and `memory_limit` when one is
/// given. Everything else is DuckDB's default (threads = number of cores).
///
/// Unlike DuckDB-WASM, this libduckdb has the `parquet`, `json`, `icu`, `core_functions`,
/// `autocomplete` and `jemalloc` extensions linked in and loaded: SQL that works here (e.g.
/// `read_parquet`, `COPY ... (FORMAT parquet)`) may fail in the browser.
///
/// # Arrow types of query results
///
/// [`Engine::query`] returns DuckDB's own Arrow export (default settings, the same code DuckDB-WASM
/// uses), measured on this build:
///
/// | DuckDB type | Arrow `DataType` |
/// | --- | --- |
/// | `BOOLEAN` | `Boolean` |
/// | `TINYINT` / `SMALLINT` / `INTEGER` / `BIGINT` | `Int8` / `Int16` / `Int32` / `Int64` |
/// | `UTINYINT` / `USMALLINT` / `UINTEGER` / `UBIGINT` | `UInt8` / `UInt16` / `UInt32` / `UInt64` |
/// | `HUGEINT` | `Decimal128(38, 0)` |
/// | `FLOAT` / `DOUBLE` | `Float32` / `Float64` |
/// | `DECIMAL(p, s)` (e.g. `DECIMAL(10,2)`) | `Decimal128(p, s)` (e.g. `Decimal128(10, 2)`) |
/// | `VARCHAR` | `Utf8` |
/// | `BLOB` | `Binary` |
/// | `DATE` | `Date32` |
/// | `TIME` | `Time64(Microsecond)` |
/// | `TIMESTAMP` | `Timestamp(Microsecond, None)` |
/// | `TIMESTAMP_S` / `TIMESTAMP_MS` / `TIMESTAMP_NS` | `Timestamp(Second / Millisecond / Nanosecond, None)` |
/// | `TIMESTAMPTZ` | `Timestamp(Microsecond, Some("UTC"))` |
/// | `INTERVAL` | `Interval(MonthDayNano)` |
/// | `UUID` | `Utf8` |
///
/// Every field comes back nullable. A query that returns no rows still yields one empty batch
/// carrying the result schema.
///
/// # Arrow types accepted by `create_table_from_batches`
///
/// `Boolean`, `Int8..Int64`, `UInt8..UInt64`, `Float32/64`, `Utf8`, `LargeUtf8`, `Utf8View`
/// (-> `VARCHAR`), `Binary`, `LargeBinary`, `BinaryView`, `FixedSizeBinary` (-> `BLOB`), `Date32`,
/// `Date64` (-> `DATE`), `Time32/64` (-> `TIME`), `Timestamp(unit, None)` (-> `TIMESTAMP_S`,
/// `TIMESTAMP_MS`, `TIMESTAMP`, `TIMESTAMP_NS` by unit), `Timestamp(_, Some(tz))` (-> `TIMESTAMPTZ`,
/// the instant is kept), `Decimal128(p, s)` with `s >= 0` (-> `DECIMAL(p, s)`), `Interval(_)` (->
/// `INTERVAL`). These are the types DuckDB's own Arrow scan (DuckDB-WASM's
/// `insertArrowFromIPCStream`) maps the same way. Others (lists, structs, dictionaries, ...) are
/// rejected with [`Error::Engine`].
///
/// Not `Send`/`Sync`: like the browser engine it lives on one thread.
pub struct NativeEngine {
    conn: Connection,
    files: TempDir,
    started: Instant,
}

impl std::fmt::Debug for NativeEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeEngine")
            .field("files", &self.files.path())
            .finish_non_exhaustive()
    }
}

/// A DuckDB (or `duckdb` crate) failure as the core's error, carrying DuckDB's text.
fn engine_err(e: duckdb::Error) -> Error {
    Error::Engine(e.to_string())
}

/// Runs `f`, turning a panic inside the `duckdb` crate (it unwraps in a few FFI paths) into
/// [`Error::Engine`] instead of unwinding through the caller.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Err(Error::Engine(format!(
            "{what}: duckdb crate panicked: {detail}"
        )))
    })
}

/// `name` as a double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The DuckDB column type a column of Arrow type `dt` gets, matching both DuckDB's Arrow scan and
/// the `duckdb` crate's appender conversion.
fn duckdb_type(dt: &DataType) -> Option<String> {
    let name = match dt {
        DataType::Boolean => "BOOLEAN",
        DataType::Int8 => "TINYINT",
        DataType::Int16 => "SMALLINT",
        DataType::Int32 => "INTEGER",
        DataType::Int64 => "BIGINT",
        DataType::UInt8 => "UTINYINT",
        DataType::UInt16 => "USMALLINT",
        DataType::UInt32 => "UINTEGER",
        DataType::UInt64 => "UBIGINT",
        DataType::Float32 => "FLOAT",
        DataType::Float64 => "DOUBLE",
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "VARCHAR",
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => "BLOB",
        DataType::Date32 | DataType::Date64 => "DATE",
        DataType::Time32(_) | DataType::Time64(_) => "TIME",
        DataType::Timestamp(_, Some(_)) => "TIMESTAMPTZ",
        DataType::Timestamp(TimeUnit::Second, None) => "TIMESTAMP_S",
        DataType::Timestamp(TimeUnit::Millisecond, None) => "TIMESTAMP_MS",
        DataType::Timestamp(TimeUnit::Microsecond, None) => "TIMESTAMP",
        DataType::Timestamp(TimeUnit::Nanosecond, None) => "TIMESTAMP_NS",
        DataType::Interval(_) => "INTERVAL",
        DataType::Decimal128(p, s)
            if (1..=38).contains(p) && *s >= 0 && i16::from(*s) <= i16::from(*p) =>
        {
            return Some(format!("DECIMAL({p},{s})"));
        }
        _ => return None,
    };
    Some(name.to_owned())
}

/// `CREATE TABLE main."table" ("col" TYPE, ...)` for `schema`.
fn create_table_sql(table: &str, schema: &Schema) -> Result<String> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            duckdb_type(field.data_type())
                .map(|ty| format!("{} {ty}", quote_ident(field.name())))
                .ok_or_else(|| {
                    Error::Engine(format!(
                        "column {:?}: Arrow type {} cannot be loaded into DuckDB",
                        field.name(),
                        field.data_type()
                    ))
                })
        })
        .collect::<Result<Vec<_>>>()?;
    if columns.is_empty() {
        return Err(Error::Engine(format!(
            "table {table:?}: a table needs at least one column"
        )));
    }
    Ok(format!(
        "CREATE TABLE main.{} ({})",
        quote_ident(table),
        columns.join(", ")
    ))
}

/// Checks that `name` is a plain file name: not empty, no `/`, `\` or NUL, not `.` or `..`.
fn check_file_name(name: &str) -> Result<()> {
    let bad = name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0']);
    if bad {
        return Err(Error::Engine(format!(
            "register_file: {name:?} is not a plain file name"
        )));
    }
    Ok(())
}

/// An I/O failure of the engine's private file folder.
fn file_err(what: &str, name: &str, e: &io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            Error::StorageFull(format!("{what} {name:?}: {e}"))
        }
        _ => Error::Engine(format!("{what} {name:?}: {e}")),
    }
}

impl NativeEngine {
    /// Opens a fresh in-memory DuckDB database.
    ///
    /// `memory_limit_mb` sets DuckDB's `memory_limit` in MiB (DuckDB's `MiB` unit); `None` keeps
    /// DuckDB's default (80% of RAM). Extension autoloading and autoinstalling are switched off, as
    /// in the browser. Registered files live in a private temporary folder removed on drop.
    ///
    /// # Errors
    ///
    /// [`Error::Engine`] if DuckDB cannot start or rejects a setting, or the temporary folder
    /// cannot be created.
    pub fn open_in_memory(memory_limit_mb: Option<u32>) -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(engine_err)?;
        conn.execute_batch(
            "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; \
             SET TimeZone = 'UTC';",
        )
        .map_err(engine_err)?;
        if let Some(mb) = memory_limit_mb {
            conn.execute_batch(&format!("SET memory_limit = '{mb}MiB';"))
                .map_err(engine_err)?;
        }
        let files = tempfile::Builder::new()
            .prefix("duckline-engine-")
            .tempdir()
            .map_err(|e| Error::Engine(format!("cannot create the engine's file folder: {e}")))?;
        Ok(Self {
            conn,
            files,
            started: Instant::now(),
        })
    }

    /// The folder holding files registered with [`Engine::register_file`] (deleted on drop).
    #[must_use]
    pub fn files_dir(&self) -> &std::path::Path {
        self.files.path()
    }

    fn query_sync(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        let mut stmt = self.conn.prepare(sql).map_err(engine_err)?;
        let arrow = stmt.query_arrow([]).map_err(engine_err)?;
        let schema = arrow.get_schema();
        let batches: Vec<_> = arrow.collect();
        convert::batches_from_duckdb(&schema, &batches)
    }

    /// Appends every row of `batches` to the existing table `main.table`.
    fn append_all(&self, table: &str, batches: &[RecordBatch]) -> Result<()> {
        let mut appender = self
            .conn
            .appender_to_db(table, "main")
            .map_err(engine_err)?;
        for batch in batches.iter().filter(|b| b.num_rows() > 0) {
            let batch = convert::batch_to_duckdb(batch)?;
            appender.append_record_batch(batch).map_err(engine_err)?;
        }
        appender.flush().map_err(engine_err)
    }

    fn create_table_sync(&self, table: &str, batches: &[RecordBatch]) -> Result<()> {
        let Some(first) = batches.first() else {
            return Err(Error::Engine(format!(
                "create_table_from_batches({table:?}): no batch given, so no schema"
            )));
        };
        let schema = first.schema();
        if let Some(other) = batches
            .iter()
            .find(|b| b.schema().fields() != schema.fields())
        {
            return Err(Error::Engine(format!(
                "create_table_from_batches({table:?}): batches disagree on the schema ({} vs {})",
                schema,
                other.schema()
            )));
        }
        let ddl = create_table_sql(table, &schema)?;
        // No transaction of our own: the core may have one open, the duckdb crate's
        // `is_autocommit` does not see transactions begun with SQL, and probing with a BEGIN that
        // fails would abort the caller's transaction. So: CREATE, append, and if the append fails,
        // drop the table just created. A failing CREATE (e.g. a taken name) drops nothing.
        guarded("create_table_from_batches", || {
            self.conn.execute_batch(&ddl).map_err(engine_err)
        })?;
        let appended = guarded("create_table_from_batches", || {
            self.append_all(table, batches)
        });
        if appended.is_err() {
            let drop = format!("DROP TABLE IF EXISTS main.{}", quote_ident(table));
            // Best effort (it fails if the failure aborted the caller's transaction, whose
            // rollback then removes the table): the append error is the one to report.
            let _ = self.conn.execute_batch(&drop);
        }
        appended
    }
}

impl Engine for NativeEngine {
    /// Runs the statements with `execute_batch`; results of queries among them are discarded.
    async fn execute(&self, sql: &str) -> Result<()> {
        guarded("execute", || {
            self.conn.execute_batch(sql).map_err(engine_err)
        })
    }

    /// Runs a query and returns all its rows. Given several statements, DuckDB runs the earlier
    /// ones and returns the last one's rows.
    ///
    /// Always returns at least one batch: a result without rows is one empty batch with the
    /// result's schema, so callers can rely on `batches[0].schema()`. All batches share that
    /// schema; types follow the table in [`NativeEngine`]'s docs.
    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        guarded("query", || self.query_sync(sql))
    }

    /// Creates `main."table"` with one nullable column per field of the first batch (types as in
    /// [`NativeEngine`]'s docs) and appends every row. All batches must have the same fields.
    /// Zero-row batches are fine: one zero-row batch creates an empty table. Runs inside the
    /// caller's transaction if one is open. A failure while loading rows drops the new table
    /// (inside a transaction, DuckDB aborts it: the caller must `ROLLBACK`). A taken name fails
    /// and leaves the existing table alone.
    async fn create_table_from_batches(
        &self,
        table: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<()> {
        self.create_table_sync(table, &batches)
    }

    /// Writes `bytes` to `<private temp folder>/<name>` and returns that absolute path; quote it as
    /// a SQL string literal. `name` must be a plain file name, else [`Error::Engine`]; a disk-full
    /// failure is [`Error::StorageFull`]. Registering a name again replaces its content.
    async fn register_file(&self, name: &str, bytes: &[u8]) -> Result<String> {
        check_file_name(name)?;
        let path: PathBuf = self.files.path().join(name);
        fs::write(&path, bytes).map_err(|e| file_err("register_file", name, &e))?;
        path.into_os_string()
            .into_string()
            .map_err(|p| Error::Engine(format!("register_file: path {p:?} is not UTF-8")))
    }

    /// Deletes the file; unknown names (and names that are not plain file names) are ignored.
    async fn unregister_file(&self, name: &str) -> Result<()> {
        if check_file_name(name).is_err() {
            return Ok(());
        }
        match fs::remove_file(self.files.path().join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(file_err("unregister_file", name, &e))
            }
            _ => Ok(()),
        }
    }

    /// Milliseconds since this engine was created, from the monotonic [`Instant`] clock, with
    /// sub-millisecond precision.
    fn now_millis(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }
}
