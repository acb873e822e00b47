//! Benchmark support for `bench/` (`make bench`); not part of API.md.
//!
//! [`BenchBaseline`] is the reference system's persistence strategy (../shared/DESIGN.md,
//! "Performance targets": a full-table chunked Parquet snapshot before each destructive step and a
//! full-table persistence export after it; undo restores the previous full snapshot) over a bare
//! DuckDB-WASM database, using the same pieces as duckline itself: a [`WasmEngine`] (the `eh`
//! bundle, one connection), duckline's Rust Parquet writer and reader
//! ([`duckline_core::persist::parquet`], LZ4_RAW, one row group per chunk) and an [`OpfsStore`]. The SQL
//! of each step is the benchmark's business (it is passed in); this class only moves whole tables
//! between DuckDB and OPFS, so the benchmark compares I/O strategies with the same machinery.
//!
//! Chunks are cut by ranges of an id column (`[k * 250,000, (k + 1) * 250,000)`), as duckline
//! cuts its deltas, not by the reference's `ORDER BY ... LIMIT/OFFSET` (which re-scans the table
//! per chunk): the baseline is not charged for that quadratic re-scan.

use std::cell::RefCell;
use std::rc::Rc;

use arrow_array::{Array, Float64Array, RecordBatch};
use arrow_schema::DataType;
use duckline_core::persist::parquet as parquet_io;
use duckline_core::{Engine, Error, Result, Store, sql};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::api::{bundles, engine_options, field};
use crate::engine::WasmEngine;
use crate::error::to_js_error;
use crate::opfs::OpfsStore;

/// Rows (id range) per snapshot chunk file: the reference's and duckline's 250,000.
pub const SNAPSHOT_CHUNK_ROWS: i64 = 250_000;

#[wasm_bindgen(typescript_custom_section)]
const TS_BENCH_TYPES: &str = r#"
export interface BenchBaselineOptions {
  /** OPFS folder duckline/<name>/. Default "bench-baseline". */
  name?: string;
  /** Default true: empty the folder at open. false keeps its files (a reload). */
  fresh?: boolean;
  /** Where the DuckDB-WASM eh worker and .wasm are served; default: pkg/duckdb/ next to this module. */
  duckdbBundles?: { mainModule: string; mainWorker: string };
  /** DuckDB memory_limit in MiB. */
  memoryLimitMb?: number;
}
/** What one full-table snapshot wrote: bytes (OPFS, Parquet), files, rows. */
export interface SnapshotInfo { bytes: number; files: number; rows: number }
"#;

struct Inner {
    engine: WasmEngine,
    store: OpfsStore,
}

/// The baseline of the benchmark: a bare DuckDB-WASM database plus whole-table Parquet snapshots
/// in OPFS (see the module docs). Calls must not overlap (the benchmark runs them one by one).
#[wasm_bindgen]
pub struct BenchBaseline {
    inner: RefCell<Option<Rc<Inner>>>,
}

fn promise<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue>> + 'static,
{
    future_to_promise(async move { future.await.map_err(to_js_error) })
}

#[wasm_bindgen]
impl BenchBaseline {
    /// Starts a new DuckDB-WASM worker (an in-memory database, ~1.4 s) and opens the OPFS folder
    /// `duckline/<name>/`, emptied first unless `fresh` is `false`.
    ///
    /// Input: `options` as `BenchBaselineOptions` (all optional). Output: a `BenchBaseline`.
    /// Errors (`code`): `Engine` (DuckDB-WASM failed to start), `Unsupported` (no OPFS),
    /// `InvalidCommand` (bad name or `memoryLimitMb`), `Storage`.
    #[wasm_bindgen(unchecked_return_type = "Promise<BenchBaseline>")]
    pub fn open(
        #[wasm_bindgen(unchecked_param_type = "BenchBaselineOptions")] options: Option<JsValue>,
    ) -> Promise {
        future_to_promise(async move {
            let inner = open_inner(options.unwrap_or(JsValue::UNDEFINED))
                .await
                .map_err(to_js_error)?;
            Ok(BenchBaseline {
                inner: RefCell::new(Some(Rc::new(inner))),
            }
            .into())
        })
    }

    /// The `AsyncDuckDB` of this baseline (e.g. for `registerFileBuffer`, so a bare `read_csv`
    /// can be timed without copies through Rust). `undefined` after `close()`.
    #[wasm_bindgen(getter)]
    pub fn duckdb(&self) -> JsValue {
        self.inner
            .borrow()
            .as_ref()
            .map_or(JsValue::UNDEFINED, |i| i.engine.duckdb().clone())
    }

    /// Runs SQL (one or more statements; results discarded).
    /// Errors: `Engine` with DuckDB's message; `NotFound` after `close()`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn execute(&self, sql: String) -> Promise {
        let inner = self.inner();
        promise(async move {
            inner?.engine.execute(&sql).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Runs a query and returns the first column of its first row as a number (cast to DOUBLE),
    /// or `null` when there is no row or the value is NULL. E.g. `SELECT count(*) FROM t`.
    /// Errors: `Engine` (DuckDB, or a value that cannot be cast to a number); `NotFound` after
    /// `close()`.
    #[wasm_bindgen(js_name = queryNumber, unchecked_return_type = "Promise<number | null>")]
    pub fn query_number(&self, sql: String) -> Promise {
        let inner = self.inner();
        promise(async move {
            let batches = inner?.engine.query(&sql).await?;
            Ok(first_number(&batches)?.map_or(JsValue::NULL, JsValue::from_f64))
        })
    }

    /// DuckDB's own memory accounting: `sum(memory_usage_bytes)` of `duckdb_memory()`, in bytes
    /// (as duckline's `ws.memory().duckdbBytes`). Errors: `Engine`; `NotFound` after `close()`.
    #[wasm_bindgen(js_name = memoryBytes, unchecked_return_type = "Promise<number>")]
    pub fn memory_bytes(&self) -> Promise {
        let inner = self.inner();
        promise(async move {
            let batches = inner?
                .engine
                .query(
                    "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS DOUBLE) FROM duckdb_memory()",
                )
                .await?;
            Ok(JsValue::from_f64(first_number(&batches)?.unwrap_or(0.0)))
        })
    }

    /// Writes the whole result of `select` (a query or a table name) as Parquet chunk files
    /// `<folder>/part-<k>.parquet` in OPFS, one per 250,000-wide range `k` of the integer column
    /// `chunkColumn` (rows ordered by it; empty ranges are skipped; a file of the same name is
    /// replaced). Each chunk is fetched from DuckDB as Arrow IPC, encoded by
    /// [`duckline_core::persist::parquet::encode`] and written before the next one is fetched.
    ///
    /// Output: `SnapshotInfo` — OPFS bytes written, files, rows. Errors: `Engine` (DuckDB, e.g.
    /// an unknown column), `Storage`/`StorageFull` (OPFS); files written before the failure stay.
    #[wasm_bindgen(js_name = writeSnapshot, unchecked_return_type = "Promise<SnapshotInfo>")]
    pub fn write_snapshot(
        &self,
        select: String,
        #[wasm_bindgen(js_name = chunkColumn)] chunk_column: String,
        folder: String,
    ) -> Promise {
        let inner = self.inner();
        promise(async move {
            let (bytes, files, rows) = inner?
                .write_snapshot(&select, &chunk_column, &folder)
                .await?;
            let info = js_sys::Object::new();
            for (key, value) in [("bytes", bytes), ("files", files), ("rows", rows)] {
                #[expect(clippy::cast_precision_loss, reason = "counts far below 2^53")]
                let value = value as f64;
                js_sys::Reflect::set(&info, &JsValue::from_str(key), &JsValue::from_f64(value))
                    .map_err(|_| Error::Engine("cannot build SnapshotInfo".into()))?;
            }
            Ok(info.into())
        })
    }

    /// Replaces table `table` by the snapshot in `<folder>/` (every `*.parquet` file there, in
    /// name order): each file is read from OPFS, decoded in Rust and inserted as Arrow IPC into a
    /// staging table, which then takes the table's name (the old table is dropped).
    ///
    /// Output: the restored row count. Errors: `NotFound` (no Parquet file in the folder),
    /// `Corrupt` (unreadable Parquet), `Engine`, `Storage`; the table is unchanged on failure.
    #[wasm_bindgen(js_name = restoreSnapshot, unchecked_return_type = "Promise<number>")]
    pub fn restore_snapshot(&self, folder: String, table: String) -> Promise {
        let inner = self.inner();
        promise(async move {
            let rows = inner?.restore_snapshot(&folder, &table).await?;
            #[expect(clippy::cast_precision_loss, reason = "row counts far below 2^53")]
            let rows = rows as f64;
            Ok(JsValue::from_f64(rows))
        })
    }

    /// Bytes of every file now in the baseline's OPFS folder (what a reload would find).
    /// Errors: `Storage`; `NotFound` after `close()`.
    #[wasm_bindgen(js_name = storedBytes, unchecked_return_type = "Promise<number>")]
    pub fn stored_bytes(&self) -> Promise {
        let inner = self.inner();
        promise(async move {
            let inner = inner?;
            let mut total = 0_u64;
            for path in inner.store.list().await? {
                total += inner.store.size(&path).await?;
            }
            #[expect(clippy::cast_precision_loss, reason = "byte counts far below 2^53")]
            let total = total as f64;
            Ok(JsValue::from_f64(total))
        })
    }

    /// Closes the connection and terminates the DuckDB-WASM worker (freeing its heap); the OPFS
    /// files stay. Errors: `Engine`; `InvalidCommand` if another call is still running or the
    /// baseline is already closed.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let taken = self.inner.borrow_mut().take();
        promise(async move {
            let inner = taken.ok_or_else(|| Error::InvalidCommand("already closed".into()))?;
            let inner = Rc::try_unwrap(inner)
                .map_err(|_| Error::InvalidCommand("close while a call is running".into()))?;
            inner.engine.close().await?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl BenchBaseline {
    fn inner(&self) -> Result<Rc<Inner>> {
        self.inner
            .borrow()
            .as_ref()
            .map(Rc::clone)
            .ok_or_else(|| Error::NotFound("the baseline is closed".into()))
    }
}

async fn open_inner(options: JsValue) -> Result<Inner> {
    let name = field(&options, "name")
        .as_string()
        .unwrap_or_else(|| "bench-baseline".into());
    if field(&options, "fresh").as_bool() != Some(false) {
        OpfsStore::open(&name).await?.remove_all().await?;
    }
    let store = OpfsStore::open(&name).await?;
    let engine = WasmEngine::from_bundles(&bundles(&options), &engine_options(&options)?).await?;
    Ok(Inner { engine, store })
}

impl Inner {
    /// See [`BenchBaseline::write_snapshot`]; returns (bytes, files, rows).
    async fn write_snapshot(
        &self,
        select: &str,
        chunk_column: &str,
        folder: &str,
    ) -> Result<(u64, u64, u64)> {
        let col = sql::ident(chunk_column);
        let lower = select.trim_start().to_ascii_lowercase();
        let source = if lower.starts_with("select") || lower.starts_with("with") {
            format!("({select})")
        } else {
            sql::ident(select)
        };
        let bounds = self
            .engine
            .query(&format!(
                "SELECT CAST(min({col}) AS DOUBLE), CAST(max({col}) AS DOUBLE) FROM {source}"
            ))
            .await?;
        let (Some(min), Some(max)) = (cell_number(&bounds, 0)?, cell_number(&bounds, 1)?) else {
            return Ok((0, 0, 0));
        };
        #[expect(clippy::cast_possible_truncation, reason = "integral ids")]
        let (min, max) = (min as i64, max as i64);
        let (mut bytes, mut files, mut rows) = (0_u64, 0_u64, 0_u64);
        let mut k = min.div_euclid(SNAPSHOT_CHUNK_ROWS);
        while k * SNAPSHOT_CHUNK_ROWS <= max {
            let (lo, hi) = (k * SNAPSHOT_CHUNK_ROWS, (k + 1) * SNAPSHOT_CHUNK_ROWS);
            let batches = self
                .engine
                .query(&format!(
                    "SELECT * FROM {source} WHERE {col} >= {lo} AND {col} < {hi} ORDER BY {col}"
                ))
                .await?;
            let n: usize = batches.iter().map(RecordBatch::num_rows).sum();
            if n > 0 {
                let parquet = parquet_io::encode(&batches)?;
                drop(batches);
                self.store
                    .write(&format!("{folder}/part-{k:05}.parquet"), &parquet)
                    .await?;
                bytes += parquet.len() as u64;
                files += 1;
                rows += n as u64;
            }
            k += 1;
        }
        Ok((bytes, files, rows))
    }

    /// See [`BenchBaseline::restore_snapshot`]; returns the row count.
    async fn restore_snapshot(&self, folder: &str, table: &str) -> Result<u64> {
        let prefix = format!("{folder}/");
        let mut files: Vec<String> = self
            .store
            .list()
            .await?
            .into_iter()
            .filter(|p| p.starts_with(&prefix) && p.ends_with(".parquet"))
            .collect();
        if files.is_empty() {
            return Err(Error::NotFound(format!("no Parquet files in {folder:?}")));
        }
        files.sort();
        let staging = format!("{table}__restore");
        let part = format!("{table}__restore_part");
        let drop_both = format!(
            "DROP TABLE IF EXISTS {}; DROP TABLE IF EXISTS {}",
            sql::ident(&staging),
            sql::ident(&part)
        );
        self.engine.execute(&drop_both).await?;
        if let Err(e) = self.load_files(&files, &staging, &part).await {
            let _ = self.engine.execute(&drop_both).await;
            return Err(e);
        }
        let target = sql::ident(table);
        self.engine
            .execute(&format!(
                "BEGIN; DROP TABLE IF EXISTS {target}; ALTER TABLE {} RENAME TO {target}; COMMIT",
                sql::ident(&staging)
            ))
            .await?;
        let count = self
            .engine
            .query(&format!("SELECT CAST(count(*) AS DOUBLE) FROM {target}"))
            .await?;
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a row count"
        )]
        Ok(first_number(&count)?.unwrap_or(0.0) as u64)
    }

    /// Loads `files` (in order) into a new table `staging`, each file after the first through
    /// the scratch table `part`.
    async fn load_files(&self, files: &[String], staging: &str, part: &str) -> Result<()> {
        for (i, path) in files.iter().enumerate() {
            let bytes = self.store.read(path).await?;
            let batches = parquet_io::decode(path, bytes, None)?;
            let name = if i == 0 { staging } else { part };
            self.engine.create_table_from_batches(name, batches).await?;
            if i > 0 {
                self.engine
                    .execute(&format!(
                        "INSERT INTO {} SELECT * FROM {}; DROP TABLE {}",
                        sql::ident(staging),
                        sql::ident(part),
                        sql::ident(part)
                    ))
                    .await?;
            }
        }
        Ok(())
    }
}

/// The value at row 0, column `col` of the first non-empty batch, cast to f64; `None` for no row
/// or NULL. Errors: [`Error::Engine`] if the column cannot be cast to a number.
fn cell_number(batches: &[RecordBatch], col: usize) -> Result<Option<f64>> {
    let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) else {
        return Ok(None);
    };
    let column = batch
        .columns()
        .get(col)
        .ok_or_else(|| Error::Engine(format!("the result has no column {col}")))?;
    let cast = arrow_cast::cast(column, &DataType::Float64)?;
    let values = cast
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| Error::Engine("cast to Float64 gave another type".into()))?;
    Ok((!values.is_null(0)).then(|| values.value(0)))
}

fn first_number(batches: &[RecordBatch]) -> Result<Option<f64>> {
    cell_number(batches, 0)
}
