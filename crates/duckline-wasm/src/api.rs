//! The JS API of API.md: `Workspace`, `Table`, `Diff`. Each method decodes its JS arguments, calls
//! [`duckline_core::Workspace`], and encodes the result; rejections carry API.md's `code`.
//!
//! Methods return promises built from cloned `Rc` handles rather than `async fn(&self)`, so a JS
//! caller may start several calls on one object at once (the core serialises them). Each promise
//! goes through [`traced`]: the call is a User Timing measure, and a rejection's message starts
//! with the call (`Table("people").apply(trim): ...`) before the core's or DuckDB's text.

use std::cell::RefCell;
use std::rc::Rc;

use duckline_core::model::{
    ApplyRecipeOptions, CompareOptions, CsvOptions, DiffPageOptions, RowsOptions, StorageInfo,
    XlsxOptions,
};
use duckline_core::{Error, MemoryStore, Result, Store};
use js_sys::{Promise, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::call;
use crate::engine::{DuckDbBundles, EngineOptions, LogLevel, WasmEngine};
use crate::error::to_js_error;
use crate::lock::WorkspaceLock;
use crate::opfs::{OpfsStore, opfs_available, storage_estimate};
use crate::trace::{Call, phase, traced};

/// The declarations of every data shape (commands, options, results, `ErrorCode`), rendered from
/// duckline-core's Rust types; `UPDATE_TYPES=1 cargo test -p duckline-core --test typescript`
/// rewrites the file, and that test fails when it is stale.
#[wasm_bindgen(typescript_custom_section)]
const GENERATED_TYPES: &str = include_str!("generated/types.d.ts");

/// What no Rust type describes: options holding JS objects and callbacks, and the rejection's shape.
#[wasm_bindgen(typescript_custom_section)]
const JS_TYPES: &str = r#"
export interface WorkspaceOptions {
  /** Default "default"; the OPFS folder is duckline/<name>/. */
  name?: string;
  /** Default "opfs"; "memory" keeps everything in RAM (no persistence). */
  storage?: "opfs" | "memory";
  /** Bring your own DuckDB-WASM AsyncDuckDB instance; otherwise one is created. */
  duckdb?: unknown;
  /** Where the DuckDB-WASM eh worker and .wasm are served; default: pkg/duckdb/ next to this module. */
  duckdbBundles?: { mainModule: string; mainWorker: string };
  /** DuckDB memory_limit in MiB. */
  memoryLimitMb?: number;
  /** Default "warn". "info" logs each call with its duration (console.info); "debug" also each SQL statement with its duration and row count (console.debug). */
  logLevel?: "error" | "warn" | "info" | "debug";
  /** Default true: the package's entry runs the workspace in its dedicated worker, so the page's main thread stays free; false (or a `duckdb` instance, which cannot cross to a worker) runs it on the calling thread. */
  worker?: boolean;
}
/**
 * Accepted by every long call (as its last argument, or merged into its options object): an
 * aborted `signal` rejects with `Cancelled` at the call's next check point (each phase, each
 * chunk file) until its manifest is written, with nothing changed; `onProgress` receives the
 * phases in order with a `fraction` of the whole call that never decreases.
 */
export interface CallOptions { onProgress?: (p: Progress) => void; signal?: AbortSignal }
/** The former name of `CallOptions`. */
export type ApplyOptions = CallOptions;
/** What every rejected promise of duckline carries. */
export interface DucklineError extends Error { code: ErrorCode }
"#;

/// The store of a workspace: OPFS, or RAM for `storage: "memory"`.
#[derive(Debug)]
pub enum AnyStore {
    /// `duckline/<name>/` in OPFS.
    Opfs(OpfsStore),
    /// In RAM; lost with the page.
    Memory(MemoryStore),
}

impl Store for AnyStore {
    async fn list(&self) -> Result<Vec<String>> {
        match self {
            Self::Opfs(s) => s.list().await,
            Self::Memory(s) => s.list().await,
        }
    }
    async fn read(&self, path: &str) -> Result<Vec<u8>> {
        match self {
            Self::Opfs(s) => s.read(path).await,
            Self::Memory(s) => s.read(path).await,
        }
    }
    async fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        match self {
            Self::Opfs(s) => s.write(path, bytes).await,
            Self::Memory(s) => s.write(path, bytes).await,
        }
    }
    async fn delete(&self, path: &str) -> Result<()> {
        match self {
            Self::Opfs(s) => s.delete(path).await,
            Self::Memory(s) => s.delete(path).await,
        }
    }
    async fn size(&self, path: &str) -> Result<u64> {
        match self {
            Self::Opfs(s) => s.size(path).await,
            Self::Memory(s) => s.size(path).await,
        }
    }
}

type Core = duckline_core::Workspace<WasmEngine, AnyStore>;

/// Shared state of the JS objects of one workspace.
struct Shared {
    core: Core,
    lock: RefCell<Option<WorkspaceLock>>,
    persistent: bool,
    log_level: LogLevel,
}

/// Encodes a result as plain JS data: JSON text parsed by `JSON.parse`. A page of 500 rows x 60
/// cells took 10-30 ms through serde-wasm-bindgen (one boundary call per value) in Chromium.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let start = crate::trace::now();
    let text = serde_json::to_string(value)
        .map_err(|e| to_js_error(Error::Engine(format!("encoding a result: {e}"))))?;
    let value = js_sys::JSON::parse(&text);
    phase("duckline encode result", start);
    value
}

/// Decodes an optional options object (absent, `undefined` or `null` -> default).
fn from_js<T: DeserializeOwned + Default>(value: Option<JsValue>, what: &str) -> Result<T> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(T::default());
    };
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value)
        .map_err(|e| Error::InvalidCommand(format!("{what}: {e}")))?;
    serde_json::from_value(json).map_err(|e| Error::InvalidCommand(format!("{what}: {e}")))
}

pub(crate) fn field(object: &JsValue, name: &str) -> JsValue {
    field_of(Some(object), name)
}

/// Property `name` of an optional options object, `undefined` when absent.
fn field_of(object: Option<&JsValue>, name: &str) -> JsValue {
    if let Some(object) = object.filter(|o| o.is_object()) {
        js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `Uint8Array | ArrayBuffer | Blob | File` -> bytes (one copy into wasm memory), measured as the
/// phase `duckline read input`.
async fn bytes_of(data: JsValue) -> Result<Vec<u8>> {
    let start = crate::trace::now();
    let bytes = read_bytes(data).await;
    phase("duckline read input", start);
    bytes
}

async fn read_bytes(data: JsValue) -> Result<Vec<u8>> {
    if let Some(a) = data.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if data.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(&data).to_vec());
    }
    if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|e| Error::InvalidInput(format!("cannot read the file: {e:?}")))?;
        return Ok(Uint8Array::new(&buffer).to_vec());
    }
    Err(Error::InvalidInput(
        "data must be a Uint8Array, ArrayBuffer, Blob or File".into(),
    ))
}

impl Workspace {
    /// The [`Call`] of `method`, labelled `Workspace("<name>").<method>(<args>)`.
    fn call(&self, method: &str, args: &str) -> Call {
        let label = format!("Workspace({:?}).{method}({args})", self.shared.core.name());
        Call::start(self.shared.log_level, method.to_owned(), label)
    }
}

impl Table {
    /// The [`Call`] of `method`, labelled `Table("<name>").<method>(<args>)`.
    fn call(&self, method: &str, args: &str) -> Call {
        let label = format!("Table({:?}).{method}({args})", self.name);
        Call::start(self.shared.log_level, method.to_owned(), label)
    }

    /// `apply`'s [`Call`]: measured as `duckline apply <op>`.
    fn call_apply(&self, command: &JsValue) -> Call {
        let op = field(command, "op")
            .as_string()
            .unwrap_or_else(|| "?".into());
        let label = format!("Table({:?}).apply({op})", self.name);
        Call::start(self.shared.log_level, format!("apply {op}"), label)
    }
}

impl Diff {
    /// The [`Call`] of `method`, labelled `Diff("<table>").<method>()`, measured as `diff.<method>`.
    fn call(&self, method: &str) -> Call {
        let label = format!("{}.{method}()", self.label);
        Call::start(self.shared.log_level, format!("diff.{method}"), label)
    }
}

/// A workspace: named tables with timelines, persisted in OPFS (`duckline/<name>/`).
#[wasm_bindgen]
pub struct Workspace {
    shared: Rc<Shared>,
}

#[wasm_bindgen]
impl Workspace {
    /// Opens (or creates) a workspace and restores its tables: metadata at once, data on first use.
    /// Takes the workspace's Web Lock: a second tab gets `WorkspaceBusy`.
    ///
    /// Errors (`code`): `WorkspaceBusy`, `Unsupported` (no OPFS with `storage: "opfs"`),
    /// `InvalidCommand` (bad options, e.g. an unknown `logLevel`), `Engine` (DuckDB-WASM failed
    /// to start).
    #[wasm_bindgen(unchecked_return_type = "Promise<Workspace>")]
    pub fn open(
        #[wasm_bindgen(unchecked_param_type = "WorkspaceOptions")] options: Option<JsValue>,
    ) -> Promise {
        let name = field_of(options.as_ref(), "name").as_string();
        let level = field_of(options.as_ref(), "logLevel").as_string();
        let level = level
            .and_then(|l| LogLevel::parse(&l).ok())
            .unwrap_or_default();
        let label = format!("Workspace.open({:?})", name.as_deref().unwrap_or("default"));
        traced(Call::start(level, "open".into(), label), async move {
            open(options).await.map_err(to_js_error)
        })
    }

    /// The workspace name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.shared.core.name().to_owned()
    }

    /// Every table, in creation order. Errors: none but `NotFound` after `close()`.
    #[wasm_bindgen(unchecked_return_type = "Promise<TableInfo[]>")]
    pub fn tables(&self) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("tables", ""), async move {
            to_js(&s.core.tables().await.map_err(to_js_error)?)
        })
    }

    /// The table named `name`. Errors: `NotFound`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Table>")]
    pub fn table(&self, name: String) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("table", &format!("{name:?}")), async move {
            let id = s.core.table_id(&name).await.map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name,
            })
        })
    }

    /// Imports CSV (`Uint8Array | Blob | File`) as a new table; durable when it resolves.
    /// `options`: `CsvOptions` and `CallOptions` (progress: capture, persist).
    ///
    /// Errors: `TableExists`, `InvalidInput` (empty, binary or malformed CSV, DuckDB's reason in
    /// the message), `InvalidCommand` (bad options), `StorageFull`, `Cancelled`.
    #[wasm_bindgen(js_name = importCsv, unchecked_return_type = "Promise<Table>")]
    pub fn import_csv(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | Blob | File")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CsvOptions & CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("importCsv", &format!("{name:?}")), async move {
            let run = async {
                let (call, options) = call::split(options);
                let options: CsvOptions = from_js(options, "CsvOptions")?;
                let bytes = bytes_of(data).await?;
                s.core.import_csv(&name, bytes, &options, &call).await
            };
            let id = run.await.map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name,
            })
        })
    }

    /// What `importCsv(name, data, options)` would read from `data` (`Uint8Array | Blob | File`):
    /// the options resolved (encoding, delimiter, header, skipped lines, decimal mark), the
    /// columns with their types and the first 20 rows. Creates nothing; types come from the
    /// first 1,000 rows.
    ///
    /// Errors: as `importCsv` (`InvalidInput`, `InvalidCommand`), without `TableExists`.
    #[wasm_bindgen(js_name = previewCsv, unchecked_return_type = "Promise<CsvPreview>")]
    pub fn preview_csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | Blob | File")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CsvOptions")] options: Option<JsValue>,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("previewCsv", ""), async move {
            let run = async {
                let options: CsvOptions = from_js(options, "CsvOptions")?;
                let bytes = bytes_of(data).await?;
                s.core.preview_csv(&bytes, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// Imports a Parquet file (decoded in Rust) as a new table. `options`: `CallOptions`
    /// (progress: capture, persist).
    ///
    /// Errors: `TableExists`, `InvalidInput`, `StorageFull`, `Cancelled`.
    #[wasm_bindgen(js_name = importParquet, unchecked_return_type = "Promise<Table>")]
    pub fn import_parquet(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | Blob | File")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(
            self.call("importParquet", &format!("{name:?}")),
            async move {
                let (call, _) = call::split(options);
                let run = async {
                    let bytes = bytes_of(data).await?;
                    s.core.import_parquet(&name, bytes, &call).await
                };
                let id = run.await.map_err(to_js_error)?;
                Ok(Table {
                    shared: s,
                    id,
                    name,
                })
            },
        )
    }

    /// Imports JSON (`Uint8Array | Blob | File`, UTF-8): an array of objects or one object per
    /// line (NDJSON); nested objects become dotted columns (`a.b`), arrays their JSON text; types
    /// inferred over every row (arrow-json). `options`: `CallOptions` (progress: capture,
    /// persist).
    ///
    /// Errors: `TableExists`, `InvalidInput` (not JSON, an item that is not an object, no
    /// columns), `StorageFull`, `Cancelled`.
    #[wasm_bindgen(js_name = importJson, unchecked_return_type = "Promise<Table>")]
    pub fn import_json(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | Blob | File")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("importJson", &format!("{name:?}")), async move {
            let (call, _) = call::split(options);
            let run = async {
                let bytes = bytes_of(data).await?;
                s.core.import_json(&name, bytes, &call).await
            };
            let id = run.await.map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name,
            })
        })
    }

    /// Imports one sheet of an XLSX workbook (`Uint8Array | Blob | File`; calamine) as a new
    /// table: the first row names the columns (merged header cells name each column they cover),
    /// typed cells give BIGINT, DOUBLE, BOOLEAN, DATE, TIMESTAMP or VARCHAR columns.
    /// `options`: `XlsxOptions` (`sheet`, default the first) and `CallOptions`.
    ///
    /// Errors: `TableExists`, `InvalidInput` (not XLSX, an empty sheet), `InvalidCommand` (no
    /// such sheet; the message lists them), `StorageFull`, `Cancelled`.
    #[wasm_bindgen(js_name = importXlsx, unchecked_return_type = "Promise<Table>")]
    pub fn import_xlsx(
        &self,
        name: String,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | Blob | File")] data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "XlsxOptions & CallOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("importXlsx", &format!("{name:?}")), async move {
            let run = async {
                let (call, options) = call::split(options);
                let options: XlsxOptions = from_js(options, "XlsxOptions")?;
                let bytes = bytes_of(data).await?;
                s.core.import_xlsx(&name, bytes, &options, &call).await
            };
            let id = run.await.map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name,
            })
        })
    }

    /// Stacks the rows of `tables` into a new table `newName`; columns match by name and are NULL
    /// where a table lacks them. Errors: `TableExists`, `NotFound`, `InvalidCommand`, `Engine`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Table>")]
    pub fn stack(
        &self,
        #[wasm_bindgen(js_name = newName)] new_name: String,
        tables: Vec<String>,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("stack", &format!("{new_name:?}")), async move {
            let id = s
                .core
                .stack(&new_name, &tables)
                .await
                .map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name: new_name,
            })
        })
    }

    /// Joins two tables on key columns into a new table `newName`; clashing right-hand names get
    /// the suffix `_right`. Errors: `TableExists`, `NotFound`, `InvalidCommand`, `Engine`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Table>")]
    pub fn join(
        &self,
        #[wasm_bindgen(js_name = newName)] new_name: String,
        #[wasm_bindgen(unchecked_param_type = "JoinOptions")] options: JsValue,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("join", &format!("{new_name:?}")), async move {
            let run = async {
                let spec: duckline_core::JoinOptions = from_js(Some(options), "join options")?;
                s.core
                    .join(&new_name, &spec.left, &spec.right, &spec.on, spec.how)
                    .await
            };
            let id = run.await.map_err(to_js_error)?;
            Ok(Table {
                shared: s,
                id,
                name: new_name,
            })
        })
    }

    /// Compares two tables matched by key columns (`left` = before, `right` = after).
    /// Errors: `NotFound` (table, key), `InvalidInput` (duplicate keys, with their count),
    /// `InvalidCommand` (no keys).
    #[wasm_bindgen(unchecked_return_type = "Promise<Diff>")]
    pub fn compare(
        &self,
        left: String,
        right: String,
        #[wasm_bindgen(unchecked_param_type = "CompareOptions")] options: JsValue,
    ) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(
            self.call("compare", &format!("{left:?}, {right:?}")),
            async move {
                let run = async {
                    let spec: CompareOptions = from_js(Some(options), "compare options")?;
                    let diff_id = s.core.compare(&left, &right, &spec.keys).await?;
                    Ok((diff_id, s.core.diff_summary(diff_id).await?))
                };
                let (diff_id, summary) = run.await.map_err(to_js_error)?;
                Ok(Diff {
                    shared: s,
                    id: diff_id,
                    summary: to_js(&summary)?,
                    label: format!("Diff({left:?} vs {right:?})"),
                })
            },
        )
    }

    /// Drops a table and removes its files. Errors: `NotFound`.
    #[wasm_bindgen(js_name = dropTable, unchecked_return_type = "Promise<void>")]
    pub fn drop_table(&self, name: String) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("dropTable", &format!("{name:?}")), async move {
            s.core.drop_table(&name).await.map_err(to_js_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The manifests this open found damaged and skipped, newest first (`[]` normally). Non-empty:
    /// the workspace opened at the kept previous generation, so at most the steps those manifests
    /// committed are missing; the files are kept, nothing was deleted. Errors: none.
    #[wasm_bindgen(js_name = damagedManifests, unchecked_return_type = "Promise<DamagedManifest[]>")]
    pub fn damaged_manifests(&self) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("damagedManifests", ""), async move {
            to_js(&s.core.damaged_manifests().await)
        })
    }

    /// Files and bytes in the workspace folder, plus the origin's `navigator.storage.estimate()`
    /// usage and quota in bytes (for `storage: "memory"`: usage = bytes, quota 0).
    #[wasm_bindgen(unchecked_return_type = "Promise<StorageInfo>")]
    pub fn storage(&self) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("storage", ""), async move {
            let run = async {
                let figures = s.core.storage().await?;
                let (usage, quota) = if s.persistent {
                    storage_estimate().await?
                } else {
                    (figures.bytes, 0)
                };
                Ok::<_, Error>(StorageInfo {
                    files: figures.files,
                    bytes: figures.bytes,
                    usage_bytes: usage,
                    quota_bytes: quota,
                })
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// DuckDB's own memory accounting (`duckdb_memory()`) and per loaded table its size, in bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<MemoryInfo>")]
    pub fn memory(&self) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("memory", ""), async move {
            to_js(&s.core.memory().await.map_err(to_js_error)?)
        })
    }

    /// Frees the workspace's tables in DuckDB and releases its Web Lock; files stay for the next
    /// `open`. Later calls reject with `NotFound`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let s = Rc::clone(&self.shared);
        traced(self.call("close", ""), async move {
            s.core.close().await.map_err(to_js_error)?;
            if let Some(lock) = s.lock.borrow_mut().take() {
                lock.release();
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// `memoryLimitMb` and `logLevel` of an options object as [`EngineOptions`] (120 s to start
/// DuckDB-WASM). Errors: [`Error::InvalidCommand`] for a limit under 1 MiB or an unknown level.
pub(crate) fn engine_options(options: &JsValue) -> Result<EngineOptions> {
    let level = field(options, "logLevel");
    let log_level = match level.as_string() {
        Some(level) => LogLevel::parse(&level)?,
        None if level.is_undefined() || level.is_null() => LogLevel::default(),
        None => {
            return Err(Error::InvalidCommand(format!(
                "logLevel must be a string, got {level:?}"
            )));
        }
    };
    let memory_limit_mb = match field(options, "memoryLimitMb").as_f64() {
        None => None,
        Some(mb) if mb >= 1.0 && mb <= f64::from(u32::MAX) => Some(mb as u32),
        Some(mb) => {
            return Err(Error::InvalidCommand(format!(
                "memoryLimitMb must be positive, got {mb}"
            )));
        }
    };
    Ok(EngineOptions {
        memory_limit_mb,
        instantiate_timeout_ms: Some(120_000),
        log_level,
    })
}

/// `duckdbBundles` of an options object, or DuckDB-WASM's eh bundle in the package's `duckdb/`.
pub(crate) fn bundles(options: &JsValue) -> DuckDbBundles {
    let bundles = field(options, "duckdbBundles");
    match (
        field(&bundles, "mainModule").as_string(),
        field(&bundles, "mainWorker").as_string(),
    ) {
        (Some(main_module), Some(main_worker)) => DuckDbBundles {
            main_module,
            main_worker,
        },
        _ => DuckDbBundles::in_package(),
    }
}

async fn open(options: Option<JsValue>) -> Result<Workspace> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let name = field(&options, "name")
        .as_string()
        .unwrap_or_else(|| "default".into());
    let storage = field(&options, "storage")
        .as_string()
        .unwrap_or_else(|| "opfs".into());
    let engine_options = engine_options(&options)?;
    let (store, lock, persistent) = match storage.as_str() {
        "opfs" => {
            if !opfs_available() {
                return Err(Error::Unsupported(
                    "this browser has no Origin Private File System".into(),
                ));
            }
            let lock = WorkspaceLock::acquire(&name).await?;
            (
                AnyStore::Opfs(OpfsStore::open(&name).await?),
                Some(lock),
                true,
            )
        }
        "memory" => (AnyStore::Memory(MemoryStore::new()), None, false),
        other => {
            return Err(Error::InvalidCommand(format!(
                "storage must be \"opfs\" or \"memory\", got {other:?}"
            )));
        }
    };
    let duckdb = field(&options, "duckdb");
    let start = crate::trace::now();
    let engine = if duckdb.is_undefined() || duckdb.is_null() {
        WasmEngine::from_bundles(&bundles(&options), &engine_options).await?
    } else {
        WasmEngine::from_duckdb(duckdb, &engine_options).await?
    };
    phase("duckline start DuckDB", start);
    let start = crate::trace::now();
    let core = duckline_core::Workspace::open(&name, engine, store).await?;
    phase("duckline restore", start);
    let damaged = core.damaged_manifests().await;
    if !damaged.is_empty() && engine_options.log_level >= LogLevel::Warn {
        let list: Vec<String> = damaged
            .iter()
            .map(|d| format!("{} ({})", d.path, d.reason))
            .collect();
        crate::trace::warn(&format!(
            "duckline: workspace {name:?} opened at an older generation: damaged manifest(s) {}; \
             at most their last steps are missing; the damaged files are kept",
            list.join(", ")
        ));
    }
    Ok(Workspace {
        shared: Rc::new(Shared {
            core,
            lock: RefCell::new(lock),
            persistent,
            log_level: engine_options.log_level,
        }),
    })
}

/// A table of a workspace: apply commands as steps, undo/redo, page rows, diff.
#[wasm_bindgen]
pub struct Table {
    shared: Rc<Shared>,
    id: u32,
    name: String,
}

#[wasm_bindgen]
impl Table {
    /// The table name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Rows, columns, position and step count. Errors: `NotFound` if the table was dropped.
    #[wasm_bindgen(unchecked_return_type = "Promise<TableInfo>")]
    pub fn info(&self) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("info", ""), async move {
            to_js(&s.core.table_info(id).await.map_err(to_js_error)?)
        })
    }

    /// Applies a command (COMMANDS.md) as a new step; durable when it resolves. `options`:
    /// `CallOptions`: progress in the phases capture, execute, persist; an aborted `signal`
    /// rejects with `Cancelled` at the next chunk file or phase until the manifest is written.
    ///
    /// Errors: `InvalidCommand`, `NotFound`, `Cancelled`, `StorageFull`, `Engine`; after any
    /// rejection the table, its timeline and its files are as before.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepInfo>")]
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call_apply(&command), async move {
            let run = async {
                let (call, _) = call::split(options);
                let command: serde_json::Value = serde_wasm_bindgen::from_value(command)
                    .map_err(|e| Error::InvalidCommand(format!("command: {e}")))?;
                s.core.apply(id, command, &call).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// Undoes the step before the position; resolves to that step, or `null` at position 0.
    /// `options`: `CallOptions` as for `goto`. Errors: `Cancelled`, `StorageFull`, `Engine`;
    /// nothing changes on failure.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepInfo | null>")]
    pub fn undo(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("undo", ""), async move {
            let (call, _) = call::split(options);
            to_js(&s.core.undo(id, &call).await.map_err(to_js_error)?)
        })
    }

    /// Redoes the step after the position; resolves to that step, or `null` at the end.
    /// `options`: `CallOptions` as for `goto`. Errors: as `undo`.
    #[wasm_bindgen(unchecked_return_type = "Promise<StepInfo | null>")]
    pub fn redo(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("redo", ""), async move {
            let (call, _) = call::split(options);
            to_js(&s.core.redo(id, &call).await.map_err(to_js_error)?)
        })
    }

    /// Moves to `position` (0 = as imported). `options`: `CallOptions`: progress in the phases
    /// capture (the table loaded), execute (each delta file applied), persist (the manifest).
    /// Errors: `NotFound` beyond the timeline, `Cancelled`, `StorageFull`, `Engine`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn goto(
        &self,
        position: u32,
        #[wasm_bindgen(unchecked_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("goto", &position.to_string()), async move {
            let (call, _) = call::split(options);
            s.core
                .goto(id, position as usize, &call)
                .await
                .map_err(to_js_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The timeline: position and every step (steps after the position are redoable).
    #[wasm_bindgen(unchecked_return_type = "Promise<Timeline>")]
    pub fn timeline(&self) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("timeline", ""), async move {
            to_js(&s.core.timeline(id).await.map_err(to_js_error)?)
        })
    }

    /// A keyset page of rows in display order (default 500 rows, at most 10,000). Right after a
    /// reopen, the first page (also `rowsAt(0)`) comes without loading the whole table first.
    /// Errors: `NotFound` (column), `InvalidCommand` (cursor, limit), `Engine` (DuckDB, or stored
    /// files that no longer read as committed).
    #[wasm_bindgen(unchecked_return_type = "Promise<RowPage>")]
    pub fn rows(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RowsOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("rows", ""), async move {
            let run = async {
                let options: RowsOptions = from_js(options, "RowsOptions")?;
                s.core.rows(id, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// A page of rows starting at row position `index` (0-based), for scrollbar jumps.
    #[wasm_bindgen(js_name = rowsAt, unchecked_return_type = "Promise<RowPage>")]
    pub fn rows_at(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "Omit<RowsOptions, \"after\">")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("rowsAt", &index.to_string()), async move {
            let run = async {
                if !(index >= 0.0 && index.fract() == 0.0) {
                    return Err(Error::InvalidCommand(format!(
                        "index must be a whole number >= 0, got {index}"
                    )));
                }
                let options: RowsOptions = from_js(options, "RowsOptions")?;
                s.core.rows_at(id, index as u64, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// The diff of the state at step `from` (default 0, the import) against the current state.
    /// `options` also takes `CallOptions` (progress: capture, execute).
    /// Errors: `InvalidCommand` (`from` not a whole number), `NotFound` (beyond the timeline),
    /// `Cancelled`, `Engine`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Diff>")]
    pub fn diff(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ from?: number } & CallOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        let label = format!("Diff({:?})", self.name);
        traced(self.call("diff", ""), async move {
            let run = async {
                let (call, options) = call::split(options);
                let from = field_of(options.as_ref(), "from").as_f64().unwrap_or(0.0);
                if !(from >= 0.0 && from.fract() == 0.0) {
                    return Err(Error::InvalidCommand(format!(
                        "from must be a whole number >= 0, got {from}"
                    )));
                }
                let diff_id = s.core.diff(id, from as usize, &call).await?;
                let summary = s.core.diff_summary(diff_id).await?;
                Ok((diff_id, summary))
            };
            let (diff_id, summary) = run.await.map_err(to_js_error)?;
            Ok(Diff {
                shared: s,
                id: diff_id,
                summary: to_js(&summary)?,
                label,
            })
        })
    }

    /// The table at its position as `"csv"` (RFC 4180, header row, NULL empty; `options`:
    /// `delimiter`, default `,`, and `bom`, a UTF-8 byte order mark for Excel, default `false`)
    /// or `"parquet"` bytes: no hidden columns, display names, display order. `options` also
    /// takes `CallOptions` (progress: capture, execute).
    /// Errors: `InvalidCommand` (format, options), `NotFound` if the table was dropped,
    /// `Cancelled`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn export(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExportFormat")] format: String,
        #[wasm_bindgen(unchecked_param_type = "ExportOptions & CallOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("export", &format!("{format:?}")), async move {
            let run = async {
                let (call, options) = call::split(options);
                let format = duckline_core::export::ExportFormat::parse(&format)?;
                let options: duckline_core::export::ExportOptions =
                    from_js(options, "ExportOptions")?;
                s.core.export(id, format, &options, &call).await
            };
            let bytes = run.await.map_err(to_js_error)?;
            Ok(Uint8Array::from(bytes.as_slice()))
        })
    }

    /// `{ version: 1, steps }`: the commands of the steps up to the position.
    #[wasm_bindgen(unchecked_return_type = "Promise<Recipe>")]
    pub fn recipe(&self) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("recipe", ""), async move {
            to_js(&s.core.recipe(id).await.map_err(to_js_error)?)
        })
    }

    /// Validates a recipe (version, ops, the columns each step names), then applies one step per
    /// command. `options.secrets`: the keys of its `hash` steps (stored recipes carry
    /// `secret: null`), one per such step, in order. Errors: `InvalidInput` naming the step, a
    /// missing or extra secret (nothing applied); a step failing when it runs (`Cancelled`
    /// included) rejects with its error after the table went back to its starting position.
    /// `options` also takes `CallOptions`: each step reports in its equal share of the fraction.
    #[wasm_bindgen(js_name = applyRecipe, unchecked_return_type = "Promise<StepInfo[]>")]
    pub fn apply_recipe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Recipe")] recipe: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ApplyRecipeOptions & CallOptions")] options: Option<
            JsValue,
        >,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("applyRecipe", ""), async move {
            let run = async {
                let recipe: serde_json::Value = serde_wasm_bindgen::from_value(recipe)
                    .map_err(|e| Error::InvalidInput(format!("bad recipe: {e}")))?;
                let (call, options) = call::split(options);
                let options: ApplyRecipeOptions = from_js(options, "ApplyRecipeOptions")?;
                s.core
                    .apply_recipe(id, recipe, &options.secrets, &call)
                    .await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// Groups of distinct values likely the same (OpenRefine key collision), largest first.
    /// Read-only. Errors: `NotFound` (column), `InvalidCommand` (options).
    #[wasm_bindgen(unchecked_return_type = "Promise<Cluster[]>")]
    pub fn clusters(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ClusterOptions")] options: JsValue,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("clusters", ""), async move {
            let run = async {
                let options: duckline_core::clusters::ClusterOptions =
                    from_js(Some(options), "ClusterOptions")?;
                s.core.clusters(id, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }
}

/// A diff between two states of a table: summary and keyset pages of changed rows.
#[wasm_bindgen]
pub struct Diff {
    shared: Rc<Shared>,
    id: u32,
    summary: JsValue,
    /// What it compares, for call labels: `Diff("flights")`, `Diff("a" vs "b")`.
    label: String,
}

#[wasm_bindgen]
impl Diff {
    /// Counts of added, removed, modified and unchanged rows, changed cells per column, schema
    /// changes.
    #[wasm_bindgen(getter, unchecked_return_type = "DiffSummary")]
    pub fn summary(&self) -> JsValue {
        self.summary.clone()
    }

    /// A keyset page of changed rows in display order (removed rows where they were).
    /// Errors: `NotFound` (closed or stale diff, unknown column), `InvalidCommand` (cursor, limit).
    #[wasm_bindgen(unchecked_return_type = "Promise<DiffPage>")]
    pub fn page(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DiffPageOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("page"), async move {
            let run = async {
                let options: DiffPageOptions = from_js(options, "DiffPageOptions")?;
                s.core.diff_page(id, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// A page starting at position `index` among the changed rows (0-based).
    #[wasm_bindgen(js_name = pageAt, unchecked_return_type = "Promise<DiffPage>")]
    pub fn page_at(
        &self,
        index: f64,
        #[wasm_bindgen(unchecked_param_type = "DiffPageOptions")] options: Option<JsValue>,
    ) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("pageAt"), async move {
            let run = async {
                if !(index >= 0.0 && index.fract() == 0.0) {
                    return Err(Error::InvalidCommand(format!(
                        "index must be a whole number >= 0, got {index}"
                    )));
                }
                let options: DiffPageOptions = from_js(options, "DiffPageOptions")?;
                s.core.diff_page_at(id, index as u64, &options).await
            };
            to_js(&run.await.map_err(to_js_error)?)
        })
    }

    /// Frees the diff's temp tables.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let (s, id) = (Rc::clone(&self.shared), self.id);
        traced(self.call("close"), async move {
            s.core.diff_close(id).await.map_err(to_js_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}
