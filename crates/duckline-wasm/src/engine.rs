//! [`WasmEngine`]: [`duckline_core::Engine`] over DuckDB-WASM.
//!
//! DuckDB-WASM runs in its own worker and wasm instance; every call is a `postMessage` round trip
//! through the JS glue `js/duckdb_glue.js` (an esbuild bundle of `js/duckdb_glue.src.js` with
//! `@duckdb/duckdb-wasm` and `apache-arrow` inlined, built by `scripts/build-js-assets.sh`). Data
//! crosses as Arrow IPC bytes, copied once each way: results arrive as an IPC *file*, tables are
//! sent as an IPC *stream* in a fresh JS-owned buffer that DuckDB-WASM detaches.

use std::io::Cursor;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_ipc::reader::FileReader;
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{DataType, Field, FieldRef, Fields, Schema, SchemaRef};
use duckline_core::{Engine, Error, Result};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::error::js_message;

/// The JS glue (see the module docs). Connections are DuckDB-WASM connection ids.
mod glue {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/duckdb_glue.js")]
    extern "C" {
        #[wasm_bindgen(js_name = resolveUrl, catch)]
        pub fn resolve_url(url: &str) -> Result<String, JsValue>;
        #[wasm_bindgen(js_name = createDuckDB, catch)]
        pub async fn create_duckdb(
            worker_url: &str,
            wasm_url: &str,
            timeout_ms: f64,
            log_level: &str,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = isAsyncDuckDB)]
        pub fn is_async_duckdb(value: &JsValue) -> bool;
        #[wasm_bindgen(catch)]
        pub async fn connect(db: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn disconnect(db: &JsValue, conn: f64) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = runQuery, catch)]
        pub async fn run_query(db: &JsValue, conn: f64, sql: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = insertArrowFromIPCStream, catch)]
        pub async fn insert_arrow_from_ipc_stream(
            db: &JsValue,
            conn: f64,
            bytes: js_sys::Uint8Array,
            name: &str,
            create: bool,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = registerFileBuffer, catch)]
        pub async fn register_file_buffer(
            db: &JsValue,
            name: &str,
            bytes: js_sys::Uint8Array,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = dropFile, catch)]
        pub async fn drop_file(db: &JsValue, name: &str) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = getVersion, catch)]
        pub async fn get_version(db: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        pub async fn terminate(db: &JsValue) -> Result<JsValue, JsValue>;
    }
}

/// How much duckline reports on the console (API.md `logLevel`). Levels are ordered: each one
/// includes the ones before it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing from duckline; DuckDB-WASM's own errors only.
    Error,
    /// The default: from duckline only what a result cannot carry (an open that fell back to
    /// an older manifest generation); DuckDB-WASM's warnings and errors.
    #[default]
    Warn,
    /// Also every public call with its duration (`console.info`).
    Info,
    /// Also every SQL statement and Arrow upload with its duration and row count
    /// (`console.debug`), each as a `duckline sql` User Timing measure as well.
    Debug,
}

impl LogLevel {
    /// `"error" | "warn" | "info" | "debug"`. Errors: [`Error::InvalidCommand`] for anything else.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "error" => Ok(Self::Error),
            "warn" => Ok(Self::Warn),
            "info" => Ok(Self::Info),
            "debug" => Ok(Self::Debug),
            other => Err(Error::InvalidCommand(format!(
                "logLevel must be \"error\", \"warn\", \"info\" or \"debug\", got {other:?}"
            ))),
        }
    }

    /// The JS name, as [`LogLevel::parse`] takes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
        }
    }
}

/// The package's own copy of the `eh` bundle (`js/bundles.js`).
mod package {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/bundles.js")]
    extern "C" {
        #[wasm_bindgen(js_name = packageWasmUrl)]
        pub fn wasm_url() -> String;
        #[wasm_bindgen(js_name = packageWorkerUrl)]
        pub fn worker_url() -> String;
    }
}

/// Where the DuckDB-WASM `eh` bundle is served (API.md `duckdbBundles`). URLs may be absolute or
/// relative; relative ones are resolved against `location.href` (DuckDB-WASM hangs on relative
/// URLs, so they are never passed on as such).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuckDbBundles {
    /// URL of `duckdb-eh.wasm` (34 MB).
    pub main_module: String,
    /// URL of `duckdb-browser-eh.worker.js`.
    pub main_worker: String,
}

impl DuckDbBundles {
    /// The `duckdb/` folder of the npm package, named so that bundlers emit both files (see
    /// `js/bundles.js`): the default when `duckdbBundles` is not given.
    #[must_use]
    pub fn in_package() -> Self {
        Self {
            main_module: package::wasm_url(),
            main_worker: package::worker_url(),
        }
    }

    /// The two files of the `eh` bundle under one folder URL, e.g. `"/vendor/"` gives
    /// `/vendor/duckdb-eh.wasm` and `/vendor/duckdb-browser-eh.worker.js` (a missing trailing `/` is
    /// added). `scripts/build-js-assets.sh` copies both files from npm's `@duckdb/duckdb-wasm/dist`.
    #[must_use]
    pub fn in_folder(folder: &str) -> Self {
        let sep = if folder.ends_with('/') { "" } else { "/" };
        Self {
            main_module: format!("{folder}{sep}duckdb-eh.wasm"),
            main_worker: format!("{folder}{sep}duckdb-browser-eh.worker.js"),
        }
    }
}

/// Settings applied when a [`WasmEngine`] starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineOptions {
    /// DuckDB `memory_limit` in MiB (API.md `memoryLimitMb`). `None` keeps DuckDB-WASM's default
    /// (3.1 GiB; the worker's heap can never exceed 4 GiB and never shrinks).
    pub memory_limit_mb: Option<u32>,
    /// [`WasmEngine::from_bundles`] gives up after this many milliseconds of loading and
    /// instantiating DuckDB-WASM ([`Error::Engine`]). `None` waits forever. A wrong URL usually
    /// fails fast, but DuckDB-WASM has been seen to hang instead of rejecting.
    pub instantiate_timeout_ms: Option<u32>,
    /// [`LogLevel::Debug`] logs and measures every statement (see [`LogLevel`]).
    pub log_level: LogLevel,
}

/// A DuckDB-WASM database and one connection to it, as a [`duckline_core::Engine`].
///
/// Every statement runs on the one connection, so transactions, temp tables and session settings
/// behave as on a single native connection. At start it runs `SET autoinstall_known_extensions =
/// false; SET autoload_known_extensions = false` (the npm builds would fetch extensions such as
/// `parquet` from DuckDB's server; offline that hangs or fails obscurely, and the native engine does
/// the same) and, if asked, `SET memory_limit`. These are database-wide settings, so they also apply
/// to an [`AsyncDuckDB`](WasmEngine::from_duckdb) brought by the caller.
///
/// # Arrow types of query results
/// DuckDB-WASM 1.32.0 (DuckDB 1.4.3) returns, as observed by `tests/browser.rs`:
///
/// | DuckDB type | Arrow type from [`Engine::query`] |
/// | --- | --- |
/// | BIGINT / INTEGER / SMALLINT / TINYINT | Int64 / Int32 / Int16 / Int8 |
/// | UBIGINT / HUGEINT | UInt64 / Decimal128(38, 0) |
/// | DOUBLE / FLOAT | Float64 / Float32 |
/// | DECIMAL(p, s) | Decimal128(p, s) (any p ≤ 38) |
/// | VARCHAR | Utf8 |
/// | BOOLEAN | Boolean |
/// | DATE | Date32 |
/// | TIMESTAMP | Timestamp(Microsecond, None) |
/// | TIMESTAMP WITH TIME ZONE | Timestamp(Microsecond, Some("UTC")) |
/// | TIME | Time64(Microsecond) |
/// | INTERVAL | Interval(MonthDayNano) |
/// | BLOB | Binary |
/// | UUID | Utf8 |
/// | BIGINT[] / VARCHAR[] | List(Int64) / List(Utf8); the child field is named after the column |
/// | STRUCT(k INTEGER) | Struct(k: Int32) |
///
/// Tables created by [`Engine::create_table_from_batches`] get DuckDB's mapping of the batch
/// types: Int64 -> BIGINT, Int32 -> INTEGER, Float64 -> DOUBLE, Float32 -> FLOAT, Utf8 -> VARCHAR,
/// Boolean -> BOOLEAN, Date32 -> DATE, Timestamp(µs, None) -> TIMESTAMP, Timestamp(µs, any zone)
/// -> TIMESTAMP WITH TIME ZONE (the instant is kept; it comes back labelled `"UTC"`),
/// Decimal128(p, s) -> DECIMAL(p, s), List(Utf8) -> VARCHAR[]. LargeUtf8/Utf8View (and
/// LargeBinary/BinaryView) are cast to Utf8 (Binary) first, also inside lists and structs, so they
/// come back as Utf8. Every column is nullable.
pub struct WasmEngine {
    db: JsValue,
    conn: f64,
    owns_db: bool,
    /// [`LogLevel::Debug`]: every statement is logged and measured.
    log_sql: bool,
    /// Set by [`WasmEngine::close`]; otherwise drop closes (see the `Drop` impl).
    closed: bool,
}

impl std::fmt::Debug for WasmEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmEngine")
            .field("conn", &self.conn)
            .field("owns_db", &self.owns_db)
            .finish_non_exhaustive()
    }
}

impl WasmEngine {
    /// Starts a new DuckDB-WASM worker from the `eh` bundle at `bundles`, instantiates it (an
    /// in-memory database) and connects. Takes ~1.4 s on a 2-core machine from localhost.
    ///
    /// Errors: [`Error::Engine`] when a URL is invalid, the worker or wasm cannot be loaded, or
    /// [`EngineOptions::instantiate_timeout_ms`] elapses; the worker is then terminated.
    pub async fn from_bundles(bundles: &DuckDbBundles, options: &EngineOptions) -> Result<Self> {
        let worker = glue::resolve_url(&bundles.main_worker).map_err(engine_error)?;
        let wasm = glue::resolve_url(&bundles.main_module).map_err(engine_error)?;
        let timeout = options.instantiate_timeout_ms.map_or(0.0, f64::from);
        let db = glue::create_duckdb(&worker, &wasm, timeout, options.log_level.as_str())
            .await
            .map_err(engine_error)?;
        match Self::start(db.clone(), true, options).await {
            Ok(engine) => Ok(engine),
            Err(e) => {
                let _ = glue::terminate(&db).await;
                Err(e)
            }
        }
    }

    /// Uses an instantiated `AsyncDuckDB` of the caller (API.md `duckdb` option); opens a new
    /// connection on it. [`WasmEngine::close`] closes only that connection. The instance should use
    /// DuckDB-WASM's default query config (no `castBigIntToDouble` etc.), or result types differ
    /// from the table in [`WasmEngine`]'s docs.
    ///
    /// Errors: [`Error::InvalidCommand`] if `db` is not an `AsyncDuckDB` (duck-typed, so instances
    /// from another copy of `@duckdb/duckdb-wasm` work), [`Error::Engine`] if connecting or the
    /// start-up settings fail.
    pub async fn from_duckdb(db: JsValue, options: &EngineOptions) -> Result<Self> {
        if !glue::is_async_duckdb(&db) {
            return Err(Error::InvalidCommand(
                "the duckdb option is not an AsyncDuckDB instance".into(),
            ));
        }
        Self::start(db, false, options).await
    }

    async fn start(db: JsValue, owns_db: bool, options: &EngineOptions) -> Result<Self> {
        let conn = glue::connect(&db).await.map_err(engine_error)?;
        let conn = conn
            .as_f64()
            .ok_or_else(|| Error::Engine(format!("connect returned {conn:?}")))?;
        let mut engine = Self {
            db,
            conn,
            owns_db,
            log_sql: options.log_level >= LogLevel::Debug,
            closed: false,
        };
        let mut setup = String::from(
            "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;",
        );
        if let Some(mb) = options.memory_limit_mb {
            setup.push_str(&format!(" SET memory_limit = '{mb}MiB';"));
        }
        if let Err(e) = engine.execute(&setup).await {
            let _ = glue::disconnect(&engine.db, engine.conn).await;
            engine.closed = true;
            return Err(e);
        }
        Ok(engine)
    }

    /// The `AsyncDuckDB` JS object this engine uses (e.g. to share it with other code).
    #[must_use]
    pub fn duckdb(&self) -> &JsValue {
        &self.db
    }

    /// DuckDB's library version, e.g. `"v1.4.3"`. Errors: [`Error::Engine`].
    pub async fn version(&self) -> Result<String> {
        let v = glue::get_version(&self.db).await.map_err(engine_error)?;
        v.as_string()
            .ok_or_else(|| Error::Engine(format!("getVersion returned {v:?}")))
    }

    /// Closes the connection and, if this engine started the DuckDB-WASM worker
    /// ([`WasmEngine::from_bundles`]), terminates it, freeing its whole heap. Errors: [`Error::Engine`]
    /// if disconnecting fails (the worker is terminated anyway). Dropping the engine does the same
    /// in the background, without reporting errors.
    pub async fn close(mut self) -> Result<()> {
        self.closed = true;
        let disconnected = glue::disconnect(&self.db, self.conn)
            .await
            .map_err(engine_error);
        if self.owns_db {
            glue::terminate(&self.db).await.map_err(engine_error)?;
        }
        disconnected.map(|_| ())
    }

    /// Runs SQL and returns the last statement's result as Arrow IPC file bytes (JS-owned).
    async fn run(&self, sql: &str) -> Result<Uint8Array> {
        let result = glue::run_query(&self.db, self.conn, sql)
            .await
            .map_err(engine_error)?;
        result
            .dyn_into::<Uint8Array>()
            .map_err(|v| Error::Engine(format!("runQuery returned {v:?}, not bytes")))
    }

    /// At [`LogLevel::Debug`]: `console.debug` of what ran since `start` (a `performance.now()`),
    /// its duration, its result's row count (`None`: not known) or its error, plus a `duckline sql`
    /// User Timing measure over the same span.
    fn log_statement<T>(&self, what: &str, start: f64, result: &Result<T>, rows: Option<usize>) {
        if !self.log_sql {
            return;
        }
        let end = crate::trace::now();
        let outcome = match (result, rows) {
            (Err(e), _) => format!("failed: {e}"),
            (Ok(_), Some(rows)) => format!("{rows} rows"),
            (Ok(_), None) => "ok".to_owned(),
        };
        crate::trace::debug(&format!(
            "duckline sql {:.1} ms, {outcome}: {what}",
            end - start
        ));
        crate::trace::measure(
            "duckline sql",
            start,
            end,
            result.is_err(),
            &[("statement", what), ("outcome", &outcome)],
        );
    }
}

/// Encodes `batches` (cast to `schema`, each dropped once encoded) as one Arrow IPC stream with its
/// end-of-stream marker, copied into a fresh JS-owned (so transferable) buffer.
fn encode_ipc_stream(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Uint8Array> {
    let mut writer = StreamWriter::try_new(Vec::new(), schema)?;
    for batch in batches {
        writer.write(&conform_batch(batch, schema)?)?;
    }
    writer.finish()?;
    let bytes = writer.into_inner()?;
    let js = Uint8Array::new_with_length(len_u32(bytes.len())?);
    js.copy_from(&bytes);
    Ok(js)
}

impl Drop for WasmEngine {
    /// Closes like [`WasmEngine::close`], in a background task: a dropped engine (e.g. a freed JS
    /// `Workspace`) must not leave a DuckDB-WASM worker and its heap (up to 4 GiB) behind.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let (db, conn, owns_db) = (self.db.clone(), self.conn, self.owns_db);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = glue::disconnect(&db, conn).await;
            if owns_db {
                let _ = glue::terminate(&db).await;
            }
        });
    }
}

impl Engine for WasmEngine {
    /// Errors: [`Error::Engine`] with DuckDB's message (e.g. `Catalog Error: Table with name x does
    /// not exist!`).
    async fn execute(&self, sql: &str) -> Result<()> {
        let start = crate::trace::now();
        let result = self.run(sql).await;
        // Counting rows decodes the result: only when it is logged.
        let rows = match &result {
            Ok(bytes) if self.log_sql => {
                decode_ipc_file(bytes.to_vec()).ok().map(|b| row_count(&b))
            }
            _ => None,
        };
        self.log_statement(sql, start, &result, rows);
        result.map(|_| ())
    }

    /// Decodes DuckDB-WASM's IPC file into its record batches (2,048 rows each at most, as DuckDB
    /// produces them); a result without rows gives one empty batch carrying the schema. Types: see
    /// [`WasmEngine`]. Errors: [`Error::Engine`] from DuckDB or from decoding.
    async fn query(&self, sql: &str) -> Result<Vec<RecordBatch>> {
        let start = crate::trace::now();
        let result = match self.run(sql).await {
            Ok(bytes) => decode_ipc_file(bytes.to_vec()),
            Err(e) => Err(e),
        };
        let rows = result.as_ref().ok().map(|b| row_count(b));
        self.log_statement(sql, start, &result, rows);
        result
    }

    /// Sends the batches as one Arrow IPC stream (each batch is dropped once encoded) to
    /// DuckDB-WASM's `insertArrowFromIPCStream` with `{ name: table, create: true }`, in one call:
    /// the stream exists once in Rust memory, once in a JS buffer (transferred to the worker) and
    /// once in DuckDB's heap while the table is created. Callers bound its size (row-id chunks).
    /// All fields become nullable columns; large and view string/binary types are cast to
    /// Utf8/Binary first.
    ///
    /// Errors: [`Error::Engine`] if `batches` is empty, if a batch's column types differ from the
    /// first one's, if the table exists, or if DuckDB rejects the data. Nothing is created then.
    async fn create_table_from_batches(
        &self,
        table: &str,
        batches: Vec<RecordBatch>,
    ) -> Result<()> {
        let Some(first) = batches.first() else {
            return Err(Error::Engine(format!(
                "create_table_from_batches({table:?}): no batches, so no schema"
            )));
        };
        let first_types: Vec<&DataType> = first
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.data_type())
            .collect();
        for batch in &batches {
            let same = batch.num_columns() == first_types.len()
                && batch
                    .schema_ref()
                    .fields()
                    .iter()
                    .zip(&first_types)
                    .all(|(f, t)| f.data_type() == *t);
            if !same {
                return Err(Error::Engine(format!(
                    "create_table_from_batches({table:?}): batches have different column types"
                )));
            }
        }
        let schema = duckdb_schema(first.schema_ref());
        let rows = row_count(&batches);
        let start = crate::trace::now();
        let stream = encode_ipc_stream(&schema, batches)?;
        // One call with the whole stream: DuckDB-WASM 1.32.0 does not copy the bytes of earlier
        // calls of a multi-call stream, so their batches would point into freed memory.
        let result = glue::insert_arrow_from_ipc_stream(&self.db, self.conn, stream, table, true)
            .await
            .map_err(engine_error);
        if self.log_sql {
            let what = format!("insertArrowFromIPCStream {table} (Arrow upload)");
            self.log_statement(&what, start, &result, Some(rows));
        }
        result.map(|_| ())
    }

    /// `registerFileBuffer(name, copy of bytes)`: the file lives in DuckDB-WASM's heap until
    /// [`Engine::unregister_file`]. Returns `name`, usable in SQL as `read_csv('name')`.
    /// Errors: [`Error::Engine`].
    async fn register_file(&self, name: &str, bytes: &[u8]) -> Result<String> {
        let js = Uint8Array::new_with_length(len_u32(bytes.len())?);
        js.copy_from(bytes);
        glue::register_file_buffer(&self.db, name, js)
            .await
            .map_err(engine_error)?;
        Ok(name.to_owned())
    }

    /// `dropFile(name)`. Unknown names are ignored (DuckDB-WASM does so itself).
    /// Errors: [`Error::Engine`].
    async fn unregister_file(&self, name: &str) -> Result<()> {
        glue::drop_file(&self.db, name)
            .await
            .map_err(engine_error)?;
        Ok(())
    }

    /// `performance.now()`: milliseconds since the page or worker started, sub-millisecond
    /// resolution (coarsened by the browser).
    fn now_millis(&self) -> f64 {
        crate::trace::now()
    }
}

/// A DuckDB-WASM (JS) failure as [`Error::Engine`] carrying its message.
fn engine_error(e: JsValue) -> Error {
    Error::Engine(duckdb_message(js_message(&e)))
}

/// DuckDB 1.4 reports some errors (e.g. those of `insertArrowFromIPCStream`) as its JSON error
/// object `{"exception_type":"Catalog","exception_message":"...",...}`; this turns them into the
/// usual text (`Catalog Error: ...`), as `runQuery` and the native engine report them.
fn duckdb_message(message: String) -> String {
    if !message.starts_with('{') {
        return message;
    }
    let Ok(json) = js_sys::JSON::parse(&message) else {
        return message;
    };
    let field = |key: &str| {
        js_sys::Reflect::get(&json, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    match (field("exception_type"), field("exception_message")) {
        (Some(kind), Some(text)) => format!("{kind} Error: {text}"),
        _ => message,
    }
}

fn row_count(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

fn len_u32(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| Error::Engine(format!("{len} bytes do not fit one JS buffer")))
}

/// Decodes an Arrow IPC file; zero batches become one empty batch with the file's schema.
fn decode_ipc_file(bytes: Vec<u8>) -> Result<Vec<RecordBatch>> {
    let reader = FileReader::try_new(Cursor::new(bytes), None)?;
    let schema = reader.schema();
    let mut batches = reader.collect::<Result<Vec<_>, _>>()?;
    if batches.is_empty() {
        batches.push(RecordBatch::new_empty(schema));
    }
    Ok(batches)
}

/// The schema DuckDB-WASM's Arrow import accepts for `schema`: every field nullable, large and view
/// string/binary types replaced by Utf8/Binary (recursively).
fn duckdb_schema(schema: &Schema) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            f.as_ref()
                .clone()
                .with_data_type(duckdb_type(f.data_type()))
                .with_nullable(true)
        })
        .collect();
    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()))
}

fn duckdb_field(f: &FieldRef) -> FieldRef {
    Arc::new(
        f.as_ref()
            .clone()
            .with_data_type(duckdb_type(f.data_type())),
    )
}

fn duckdb_type(t: &DataType) -> DataType {
    match t {
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::LargeBinary | DataType::BinaryView => DataType::Binary,
        DataType::List(f) | DataType::ListView(f) => DataType::List(duckdb_field(f)),
        DataType::LargeList(f) | DataType::LargeListView(f) => DataType::LargeList(duckdb_field(f)),
        DataType::FixedSizeList(f, n) => DataType::FixedSizeList(duckdb_field(f), *n),
        DataType::Struct(fields) => {
            DataType::Struct(fields.iter().map(duckdb_field).collect::<Fields>())
        }
        DataType::Map(f, sorted) => DataType::Map(duckdb_field(f), *sorted),
        DataType::Dictionary(k, v) => DataType::Dictionary(k.clone(), Box::new(duckdb_type(v))),
        other => other.clone(),
    }
}

/// `batch` with `schema` (from [`duckdb_schema`] of its own schema): columns cast where types differ.
fn conform_batch(batch: RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(col, field)| {
            if col.data_type() == field.data_type() {
                Ok(Arc::clone(col))
            } else {
                arrow_cast::cast(col, field.data_type())
            }
        })
        .collect::<Result<Vec<ArrayRef>, _>>()?;
    let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        columns,
        &options,
    )?)
}
