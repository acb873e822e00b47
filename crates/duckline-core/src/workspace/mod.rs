//! [`Workspace`]: tables, their timelines and their files, over one [`Engine`] and one [`Store`].
//!
//! Every change follows one protocol (DESIGN.md, "Persistence"):
//! `BEGIN` -> capture the delta -> write its Parquet files -> change the table -> write
//! `manifest-<g+1>.json` -> `COMMIT`. Any failure before the manifest is written rolls DuckDB back
//! and deletes the new files, so the table, its timeline and its files are exactly as before.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use base64::Engine as _;
use futures::lock::Mutex;

use crate::command::{Command, MAX_SPLIT_PARTS, Plan, find_column};
use crate::custom_sql::{CheckedStatement, StatementKind, WORK_TABLE};
use crate::manifest::{
    AddedColumn, CsvOriginal, Delta, FileRef, MANIFEST_FORMAT_VERSION, Manifest, StepRecord,
    TableEntry,
};
use crate::model::{
    ColumnInfo, ColumnMeta, CsvOptions, MemoryFigures, RowPage, RowsOptions, StepInfo,
    StorageFigures, TableInfo, TableMemory, Timeline,
};
use crate::parquet_io::{self, DEFAULT_CHUNK_ROW_COUNT};
use crate::sql::{self, ORDER_KEY, ROW_ID};
use crate::{Engine, Error, Result, Store, values};

pub mod clusters;
pub(crate) mod derived;
mod diff;
pub mod export;
pub mod recipe;

/// Rows per page when the caller gives no `limit` (API.md).
pub const DEFAULT_PAGE_ROW_COUNT: u64 = 500;
/// Largest `limit` a page accepts (API.md).
pub const MAX_PAGE_ROW_COUNT: u64 = 10_000;

/// Steps that changed fewer rows than this leave their columns as they are after the commit (see
/// `Workspace::compact_columns`).
pub const MIN_ROW_COUNT_TO_COMPACT: u64 = 10_000;

/// Which way a step's delta is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Apply the inverse delta (undo).
    Undo,
    /// Apply the forward delta (redo, reload).
    Redo,
}

/// Mutable state behind the workspace lock.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) manifest: Manifest,
    /// Tables whose data is in DuckDB.
    pub(crate) loaded: HashSet<u32>,
    /// Bumped on every change of a table; diffs remember it to detect that they are stale.
    pub(crate) versions: HashMap<u32, u64>,
    pub(crate) diffs: HashMap<u32, diff::DiffState>,
    pub(crate) next_diff_id: u32,
    pub(crate) next_temp_id: u64,
    pub(crate) closed: bool,
}

impl State {
    pub(crate) fn entry(&self, table_id: u32) -> Result<&TableEntry> {
        self.manifest
            .tables
            .iter()
            .find(|t| t.id == table_id)
            .ok_or_else(|| Error::NotFound(format!("table {table_id} no longer exists")))
    }

    pub(crate) fn temp(&mut self, purpose: &str) -> String {
        self.next_temp_id += 1;
        format!("_dl_{purpose}_{}", self.next_temp_id)
    }

    fn bump(&mut self, table_id: u32) {
        *self.versions.entry(table_id).or_default() += 1;
    }
}

/// The outcome of running a plan inside the step transaction.
struct Outcome {
    delta: Delta,
    schema_after: Vec<ColumnMeta>,
    row_count_after: u64,
    rows_affected: u64,
    warnings: Vec<String>,
    next_row_id: i64,
    next_column_id: u32,
    /// Nothing changed and the command is one of COMMANDS.md's step-less ones.
    stepless: bool,
}

/// A workspace: named tables with timelines, persisted in a [`Store`], computed by an [`Engine`].
///
/// All methods take `&self` and serialise on an internal async lock, so JS may call them
/// concurrently. Table handles are table ids ([`Workspace::table_id`]), stable across renames.
pub struct Workspace<E: Engine, S: Store> {
    name: String,
    pub(crate) engine: E,
    pub(crate) store: S,
    pub(crate) state: Mutex<State>,
    pub(crate) chunk_row_count: u64,
}

impl<E: Engine, S: Store> Workspace<E, S> {
    /// Opens the workspace stored in `store`: reads the highest valid manifest, deletes every file
    /// it does not name (torn writes, discarded branches, older manifests) and loads no table data
    /// (tables load on first use).
    ///
    /// Errors: [`Error::Storage`] if the store cannot be listed.
    pub async fn open(name: &str, engine: E, store: S) -> Result<Self> {
        let files = store.list().await?;
        let mut manifests: Vec<(u64, &String)> = files
            .iter()
            .filter_map(|f| Manifest::generation_of(f).map(|g| (g, f)))
            .collect();
        manifests.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
        let mut manifest = None;
        for (_, path) in &manifests {
            if let Ok(bytes) = store.read(path).await
                && let Ok(m) = Manifest::decode(path, &bytes)
            {
                manifest = Some(m);
                break;
            }
        }
        let manifest = manifest.unwrap_or(Manifest {
            format_version: MANIFEST_FORMAT_VERSION,
            ..Manifest::default()
        });
        let mut keep: HashSet<String> = manifest
            .tables
            .iter()
            .flat_map(TableEntry::files)
            .map(|f| f.path.clone())
            .collect();
        if manifest.generation > 0 {
            keep.insert(Manifest::path(manifest.generation));
        }
        for file in files.iter().filter(|f| !keep.contains(*f)) {
            store.delete(file).await?;
        }
        engine
            .execute(
                "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;",
            )
            .await?;
        Ok(Self {
            name: name.to_owned(),
            engine,
            store,
            state: Mutex::new(State {
                manifest,
                ..State::default()
            }),
            chunk_row_count: DEFAULT_CHUNK_ROW_COUNT,
        })
    }

    /// Sets the rows per delta/original chunk file (default [`DEFAULT_CHUNK_ROW_COUNT`]); tests use
    /// small values to exercise multi-chunk files.
    #[must_use]
    pub fn with_chunk_row_count(mut self, chunk_row_count: u64) -> Self {
        self.chunk_row_count = chunk_row_count.max(1);
        self
    }

    /// The workspace name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The engine (for platform figures such as the clock).
    #[must_use]
    pub fn engine(&self) -> &E {
        &self.engine
    }

    pub(crate) async fn lock(&self) -> Result<futures::lock::MutexGuard<'_, State>> {
        let st = self.state.lock().await;
        if st.closed {
            return Err(Error::NotFound(format!(
                "workspace {:?} is closed",
                self.name
            )));
        }
        Ok(st)
    }

    /// Every table, in creation order.
    ///
    /// Errors: [`Error::NotFound`] after [`Workspace::close`].
    pub async fn tables(&self) -> Result<Vec<TableInfo>> {
        let st = self.lock().await?;
        Ok(st.manifest.tables.iter().map(table_info).collect())
    }

    /// The id of the table named `name`. Errors: [`Error::NotFound`].
    pub async fn table_id(&self, name: &str) -> Result<u32> {
        let st = self.lock().await?;
        st.manifest
            .tables
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.id)
            .ok_or_else(|| Error::NotFound(format!("no table named {name:?}")))
    }

    /// [`TableInfo`] of a table. Errors: [`Error::NotFound`].
    pub async fn table_info(&self, table_id: u32) -> Result<TableInfo> {
        let st = self.lock().await?;
        Ok(table_info(st.entry(table_id)?))
    }

    /// The timeline of a table. Errors: [`Error::NotFound`].
    pub async fn timeline(&self, table_id: u32) -> Result<Timeline> {
        let st = self.lock().await?;
        let entry = st.entry(table_id)?;
        Ok(Timeline {
            position: entry.position,
            steps: entry.steps.iter().map(|s| s.info.clone()).collect(),
        })
    }

    // ---------------------------------------------------------------------------------------
    // Import

    /// Imports CSV bytes as a new table named `name` and persists it as the table's original.
    ///
    /// Errors: [`Error::TableExists`], [`Error::InvalidInput`] (empty, binary, malformed CSV, with
    /// DuckDB's reason), [`Error::InvalidCommand`] for bad options; nothing changes on failure.
    pub async fn import_csv(
        &self,
        name: &str,
        bytes: Vec<u8>,
        options: &CsvOptions,
    ) -> Result<u32> {
        check_csv_bytes(&bytes)?;
        csv_reader_options(options)?;
        let mut st = self.lock().await?;
        check_table_name(&st, name)?;
        let table_id = st.manifest.next_table_id;
        let table = sql::table_name(table_id);
        let file = format!("duckline-import-{}-{table_id}.csv", st.temp("csv"));
        let delimiter = options
            .delimiter
            .is_none()
            .then(|| likely_delimiter(&bytes))
            .flatten();
        let path = self.engine.register_file(&file, &bytes).await?;
        let original = FileRef {
            path: format!("tables/{table_id}/original/source.csv"),
            row_count: 0,
            bytes: bytes.len() as u64,
            first_row_id: None,
        };
        // The original is the CSV bytes themselves, stored while DuckDB reads them.
        let (stored, created) =
            futures::future::join(self.store.write(&original.path, &bytes), async {
                let mut effective = options.clone();
                let (mut schema, mut row_count) = self
                    .create_from_csv(&table, &csv_source(&path, &effective)?, None)
                    .await?;
                // DuckDB's sniffer falls back to one column of whole lines when rows are ragged;
                // read with the delimiter the header shows instead, so strict mode reports the bad
                // row.
                if let Some(d) = delimiter
                    && schema.len() == 1
                {
                    self.drop_tables(std::slice::from_ref(&table)).await;
                    effective.delimiter = Some(d.to_owned());
                    (schema, row_count) = self
                        .create_from_csv(&table, &csv_source(&path, &effective)?, None)
                        .await?;
                }
                Ok::<_, Error>((schema, row_count, effective))
            })
            .await;
        drop(bytes);
        self.engine.unregister_file(&file).await.ok();
        let (schema, row_count, effective) = match (stored, created) {
            (Ok(()), Ok(created)) => created,
            (Err(e), Ok(_)) => {
                self.drop_tables(std::slice::from_ref(&table)).await;
                self.delete_files([&original]).await;
                return Err(e);
            }
            (_, Err(e)) => {
                self.delete_files([&original]).await;
                return Err(match e {
                    Error::Engine(m) => Error::InvalidInput(format!("cannot read CSV: {m}")),
                    other => other,
                });
            }
        };
        let original = CsvOriginal {
            file: FileRef {
                row_count,
                ..original
            },
            options: effective,
        };
        self.finish_import(&mut st, table_id, name, schema, row_count, Some(original))
            .await?;
        Ok(table_id)
    }

    /// Imports a Parquet file (decoded in Rust) as a new table.
    ///
    /// Errors: [`Error::TableExists`], [`Error::InvalidInput`] for bytes that are not Parquet or
    /// an empty file; nothing changes on failure.
    pub async fn import_parquet(&self, name: &str, bytes: Vec<u8>) -> Result<u32> {
        if bytes.is_empty() {
            return Err(Error::InvalidInput("the file is empty".into()));
        }
        let batches = parquet_io::decode("import", bytes, None)
            .map_err(|e| Error::InvalidInput(format!("not a readable Parquet file: {e}")))?;
        let mut st = self.lock().await?;
        check_table_name(&st, name)?;
        let table_id = st.manifest.next_table_id;
        let staging = st.temp("import");
        self.engine
            .create_table_from_batches(&staging, batches)
            .await?;
        let created = self
            .create_from_source(table_id, &sql::ident(&staging))
            .await;
        self.engine
            .execute(&format!("DROP TABLE IF EXISTS {}", sql::ident(&staging)))
            .await?;
        let (schema, row_count) = created?;
        self.finish_import(&mut st, table_id, name, schema, row_count, None)
            .await?;
        Ok(table_id)
    }

    /// Creates `t<id>` from a `read_csv(...)` call like [`Workspace::create_from_source`], without
    /// a DESCRIBE of the call first (its sniffing pass cost 0.35-0.8 s at 1M rows in
    /// DuckDB-WASM): the table is created under scratch column names, which are then renamed.
    /// With `limit`, only the CSV's first rows (row ids `1..=limit`) are read.
    async fn create_from_csv(
        &self,
        table: &str,
        source: &str,
        limit: Option<u64>,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let limit = limit.map(|n| format!(" LIMIT {n}")).unwrap_or_default();
        self.engine
            .execute(&format!(
                "CREATE TABLE {table} AS SELECT CAST(_dl_rn AS BIGINT) AS _dl_import_row_id, \
                 CAST(_dl_rn AS DOUBLE) AS _dl_import_order, * EXCLUDE (_dl_rn) \
                 FROM (SELECT row_number() OVER () AS _dl_rn, * FROM (SELECT * FROM {source}{limit}))"
            ))
            .await?;
        let named = async {
            let described = self.engine.query(&format!("DESCRIBE {table}")).await?;
            // The first two columns are the scratch row id and order key.
            let schema = numbered_columns(&described, 2)?;
            // Through scratch names first: a CSV column may be named like a final name.
            let mut renames = String::new();
            for c in &schema {
                let _ = write!(
                    renames,
                    "ALTER TABLE {table} RENAME COLUMN {} TO {};",
                    sql::ident(&c.name),
                    sql::ident(&format!("_dl_import_{}", c.id))
                );
            }
            for c in &schema {
                let _ = write!(
                    renames,
                    "ALTER TABLE {table} RENAME COLUMN {} TO {};",
                    sql::ident(&format!("_dl_import_{}", c.id)),
                    sql::ident(&sql::column_name(c.id))
                );
            }
            let _ = write!(
                renames,
                "ALTER TABLE {table} RENAME COLUMN _dl_import_row_id TO {ROW_ID}; \
                 ALTER TABLE {table} RENAME COLUMN _dl_import_order TO {ORDER_KEY};"
            );
            self.engine.execute(&renames).await?;
            let row_count = self.count(&format!("SELECT count(*) FROM {table}")).await?;
            Ok((schema, row_count))
        }
        .await;
        if named.is_err() {
            self.drop_tables(&[table.to_owned()]).await;
        }
        named
    }

    /// Creates `t<id>` from a relation (a table function call or a table name), adding the hidden
    /// row id and order key in source order.
    pub(crate) async fn create_from_source(
        &self,
        table_id: u32,
        source: &str,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let described = self
            .engine
            .query(&format!("DESCRIBE SELECT * FROM {source}"))
            .await?;
        let schema = numbered_columns(&described, 0)?;
        let columns = schema
            .iter()
            .map(|c| {
                format!(
                    "{} AS {}",
                    sql::ident(&c.name),
                    sql::ident(&sql::column_name(c.id))
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let table = sql::table_name(table_id);
        self.engine
            .execute(&format!(
                "CREATE TABLE {table} AS SELECT CAST(_dl_rn AS BIGINT) AS {ROW_ID}, CAST(_dl_rn AS DOUBLE) AS {ORDER_KEY}, {columns} \
                 FROM (SELECT row_number() OVER () AS _dl_rn, * FROM {source})"
            ))
            .await?;
        match self.count(&format!("SELECT count(*) FROM {table}")).await {
            Ok(n) => Ok((schema, n)),
            Err(e) => {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {table}"))
                    .await?;
                Err(e)
            }
        }
    }

    /// Commits a freshly created `t<id>` in a new manifest, with `original_csv` as its original
    /// when given (already stored), else with original chunks written from the table. On failure
    /// drops the table and deletes what was written (the CSV original included).
    pub(crate) async fn finish_import(
        &self,
        st: &mut State,
        table_id: u32,
        name: &str,
        schema: Vec<ColumnMeta>,
        row_count: u64,
        original_csv: Option<CsvOriginal>,
    ) -> Result<()> {
        let table = sql::table_name(table_id);
        let mut written: Vec<FileRef> = original_csv.iter().map(|c| c.file.clone()).collect();
        let result = async {
            let original = if original_csv.is_some() {
                Vec::new()
            } else {
                let select = format!("SELECT {} FROM {table}", physical_columns(&schema));
                self.write_chunks(
                    &select,
                    &format!("tables/{table_id}/original/part"),
                    &mut written,
                )
                .await?
            };
            let next_column_id = schema.iter().map(|c| c.id).max().unwrap_or(0) + 1;
            let entry = TableEntry {
                id: table_id,
                name: name.to_owned(),
                original_schema: schema,
                original_row_count: row_count,
                original,
                original_csv,
                steps: Vec::new(),
                position: 0,
                next_row_id: i64::try_from(row_count).unwrap_or(i64::MAX) + 1,
                next_column_id,
                next_step_id: 1,
            };
            let mut manifest = st.manifest.clone();
            manifest.tables.push(entry);
            manifest.next_table_id = table_id + 1;
            self.commit(st, manifest).await
        }
        .await;
        match result {
            Ok(_) => {
                st.loaded.insert(table_id);
                st.bump(table_id);
                Ok(())
            }
            Err(e) => {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {table}"))
                    .await?;
                self.delete_files(&written).await;
                Err(e)
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Files and manifests

    /// Streams `select` (which must return `_row_id`) into Parquet files of at most
    /// `chunk_row_count` row ids each, named `<prefix>-<chunk index>.parquet`; chunks without rows
    /// are skipped. Paths are pushed to `written` as they are written, for clean-up on failure.
    pub(crate) async fn write_chunks(
        &self,
        select: &str,
        prefix: &str,
        written: &mut Vec<FileRef>,
    ) -> Result<Vec<FileRef>> {
        let bounds = self
            .engine
            .query(&format!(
                "SELECT min({ROW_ID}), max({ROW_ID}) FROM ({select})"
            ))
            .await?;
        let (Some(min), Some(max)) = (first_i64(&bounds, 0), first_i64(&bounds, 1)) else {
            return Ok(Vec::new());
        };
        let chunk = i64::try_from(self.chunk_row_count).unwrap_or(i64::MAX);
        let mut files = Vec::new();
        let mut index = min.div_euclid(chunk);
        while index * chunk <= max {
            let (lo, hi) = (index * chunk, (index + 1) * chunk);
            let batches = self
                .engine
                .query(&format!(
                    "SELECT * FROM ({select}) WHERE {ROW_ID} >= {lo} AND {ROW_ID} < {hi} ORDER BY {ROW_ID}"
                ))
                .await?;
            let row_count: usize = batches.iter().map(RecordBatch::num_rows).sum();
            if row_count > 0 {
                let bytes = parquet_io::encode(&batches)?;
                let path = format!("{prefix}-{index:05}.parquet");
                let file = FileRef {
                    path,
                    row_count: row_count as u64,
                    bytes: bytes.len() as u64,
                    first_row_id: Some(lo),
                };
                written.push(file.clone());
                self.store.write(&file.path, &bytes).await?;
                files.push(file);
            }
            index += 1;
        }
        Ok(files)
    }

    /// Reads one chunk file into a new DuckDB table `name` (columns as stored).
    pub(crate) async fn load_file(
        &self,
        file: &FileRef,
        name: &str,
        columns: Option<&[&str]>,
    ) -> Result<()> {
        self.load_file_within(file, name, columns, None).await
    }

    /// [`Workspace::load_file`] keeping only the rows with `_row_id <= max_row_id` (when given).
    async fn load_file_within(
        &self,
        file: &FileRef,
        name: &str,
        columns: Option<&[&str]>,
        max_row_id: Option<i64>,
    ) -> Result<()> {
        let bytes = self.store.read(&file.path).await?;
        let mut batches = parquet_io::decode(&file.path, bytes, columns)?;
        if let Some(max) = max_row_id {
            batches = batches
                .iter()
                .map(|b| rows_up_to(b, max))
                .collect::<Result<_>>()?;
        }
        self.engine.create_table_from_batches(name, batches).await
    }

    /// Writes `manifest` as the next generation, then makes it current and deletes the previous
    /// manifest. Returns the bytes written.
    async fn commit(&self, st: &mut State, mut manifest: Manifest) -> Result<u64> {
        let previous = st.manifest.generation;
        manifest.generation = previous + 1;
        let bytes = manifest.encode()?;
        self.store
            .write(&Manifest::path(manifest.generation), &bytes)
            .await?;
        st.manifest = manifest;
        if previous > 0 {
            // Garbage if this fails: the next open removes it.
            self.store.delete(&Manifest::path(previous)).await.ok();
        }
        Ok(bytes.len() as u64)
    }

    /// Best-effort deletion (the next open collects whatever remains).
    pub(crate) async fn delete_files<'f>(&self, files: impl IntoIterator<Item = &'f FileRef>) {
        for f in files {
            self.store.delete(&f.path).await.ok();
        }
    }

    pub(crate) async fn count(&self, query: &str) -> Result<u64> {
        let batches = self.engine.query(query).await?;
        Ok(first_i64(&batches, 0).map_or(0, |n| u64::try_from(n).unwrap_or(0)))
    }

    pub(crate) async fn drop_tables(&self, names: &[String]) {
        for name in names {
            self.engine
                .execute(&format!("DROP TABLE IF EXISTS {}", sql::ident(name)))
                .await
                .ok();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Loading

    /// Makes sure the table's data is in DuckDB: the original chunks, then the forward deltas of
    /// the steps up to the position (DESIGN.md, "Reload").
    pub(crate) async fn ensure_loaded(&self, st: &mut State, table_id: u32) -> Result<()> {
        if st.loaded.contains(&table_id) {
            return Ok(());
        }
        let entry = st.entry(table_id)?.clone();
        let table = sql::table_name(table_id);
        // A full snapshot (custom SQL) is a checkpoint: start from the latest one instead.
        let snapshot = entry.steps[..entry.position]
            .iter()
            .enumerate()
            .rev()
            .find_map(|(k, step)| match &step.delta {
                Delta::Snapshot { redo, .. } => Some((&step.schema_after, redo, k + 1)),
                _ => None,
            });
        let (schema, files, replay) =
            snapshot.unwrap_or((&entry.original_schema, &entry.original, 0));
        let result = async {
            if let (Some(csv), 0) = (&entry.original_csv, replay) {
                self.load_csv_original(st, &entry, csv).await?;
                for step in &entry.steps[..entry.position] {
                    self.apply_delta(st, &table, step, Direction::Redo).await?;
                }
                return Ok(());
            }
            self.engine
                .execute(&format!(
                    "DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({})",
                    column_definitions(schema)
                ))
                .await?;
            let names = physical_columns(schema);
            // One INSERT of all chunks into the empty table: in DuckDB-WASM, appending chunk by
            // chunk to a filled table took 1.5 s per 250,000 x 30 chunk, one INSERT of four 1.2 s
            // (and the later UPDATEs ran several times faster). The price: the chunks' scratch
            // tables and the table coexist until the INSERT ends (peak ~2x the table).
            let mut temps = Vec::new();
            for file in files {
                let temp = st.temp("load");
                self.load_file(file, &temp, None).await?;
                temps.push(temp);
            }
            if !temps.is_empty() {
                let union = temps
                    .iter()
                    .map(|t| format!("SELECT {names} FROM {}", sql::ident(t)))
                    .collect::<Vec<_>>()
                    .join(" UNION ALL ");
                let drops = temps
                    .iter()
                    .map(|t| format!("DROP TABLE {};", sql::ident(t)))
                    .collect::<String>();
                self.engine
                    .execute(&format!("INSERT INTO {table} ({names}) {union}; {drops}"))
                    .await?;
            }
            for step in &entry.steps[replay..entry.position] {
                self.apply_delta(st, &table, step, Direction::Redo).await?;
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                st.loaded.insert(table_id);
                st.bump(table_id);
                Ok(())
            }
            Err(e) => {
                self.engine
                    .execute(&format!("DROP TABLE IF EXISTS {table}"))
                    .await
                    .ok();
                Err(e)
            }
        }
    }

    /// Creates `t<id>` from its CSV original: the same `read_csv` as at import, checked against the
    /// schema and row count recorded then.
    ///
    /// Errors: [`Error::Corrupt`] when the CSV reads differently, [`Error::NotFound`] /
    /// [`Error::Storage`] from the store, [`Error::Engine`].
    async fn load_csv_original(
        &self,
        st: &mut State,
        entry: &TableEntry,
        csv: &CsvOriginal,
    ) -> Result<()> {
        let table = sql::table_name(entry.id);
        self.engine
            .execute(&format!("DROP TABLE IF EXISTS {table}"))
            .await?;
        let (schema, row_count) = self.read_csv_original(st, csv, &table, None).await?;
        if schema != entry.original_schema || row_count != entry.original_row_count {
            return Err(Error::Corrupt {
                path: csv.file.path.clone(),
                message: format!(
                    "the CSV original now reads as {row_count} rows of {schema:?}, not the \
                     {} rows of {:?} recorded at import",
                    entry.original_row_count, entry.original_schema
                ),
            });
        }
        Ok(())
    }

    /// Creates `table` from a CSV original ([`Workspace::create_from_csv`]), registering the
    /// stored bytes with DuckDB for the call.
    async fn read_csv_original(
        &self,
        st: &mut State,
        csv: &CsvOriginal,
        table: &str,
        limit: Option<u64>,
    ) -> Result<(Vec<ColumnMeta>, u64)> {
        let bytes = self.store.read(&csv.file.path).await?;
        let file = format!("duckline-{}.csv", st.temp("original"));
        let path = self.engine.register_file(&file, &bytes).await?;
        drop(bytes);
        let created = match csv_source(&path, &csv.options) {
            Ok(source) => self.create_from_csv(table, &source, limit).await,
            Err(e) => Err(e),
        };
        self.engine.unregister_file(&file).await.ok();
        created
    }

    /// Applies one step's delta to `table` (the live table, or a diff's narrow copy) in
    /// `direction`. Costs what the step changed, not what the table holds.
    pub(crate) async fn apply_delta(
        &self,
        st: &mut State,
        table: &str,
        step: &StepRecord,
        direction: Direction,
    ) -> Result<()> {
        self.apply_delta_within(st, table, step, direction, None)
            .await
    }

    /// [`Workspace::apply_delta`] to a table that holds no row id above `max_row_id` (when
    /// given): files of chunks above it are not read.
    async fn apply_delta_within(
        &self,
        st: &mut State,
        table: &str,
        step: &StepRecord,
        direction: Direction,
        max_row_id: Option<i64>,
    ) -> Result<()> {
        let within = |files: &[FileRef]| -> Vec<FileRef> {
            files
                .iter()
                .filter(|f| {
                    max_row_id.is_none_or(|max| f.first_row_id.is_none_or(|first| first <= max))
                })
                .cloned()
                .collect()
        };
        let undo = direction == Direction::Undo;
        match &step.delta {
            Delta::Cells {
                column_id,
                full,
                undo: old,
                redo: new,
            } => {
                let files = if undo { old } else { new };
                let schema = if undo {
                    &step.schema_before
                } else {
                    &step.schema_after
                };
                let column = sql::ident(&sql::column_name(*column_id));
                if *full {
                    let ty = column_type(schema, *column_id)?;
                    self.engine
                        .execute(&format!(
                            "ALTER TABLE {table} ALTER COLUMN {column} SET DATA TYPE {ty} USING CAST(NULL AS {ty})"
                        ))
                        .await?;
                }
                self.update_from_files(st, max_row_id, table, &column, &within(files))
                    .await
            }
            Delta::AddColumns { columns } => {
                if undo {
                    for added in columns.iter().rev() {
                        let column = sql::ident(&sql::column_name(added.column_id));
                        self.engine
                            .execute(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                            .await?;
                    }
                } else {
                    for added in columns {
                        let column = sql::ident(&sql::column_name(added.column_id));
                        let ty = column_type(&step.schema_after, added.column_id)?;
                        self.engine
                            .execute(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))
                            .await?;
                        self.update_from_files(
                            st,
                            max_row_id,
                            table,
                            &column,
                            &within(&added.redo),
                        )
                        .await?;
                    }
                }
                Ok(())
            }
            Delta::DeleteColumn {
                column_id,
                undo: old,
            } => {
                let column = sql::ident(&sql::column_name(*column_id));
                if undo {
                    let ty = column_type(&step.schema_before, *column_id)?;
                    self.engine
                        .execute(&format!("ALTER TABLE {table} ADD COLUMN {column} {ty}"))
                        .await?;
                    self.update_from_files(st, max_row_id, table, &column, &within(old))
                        .await
                } else {
                    self.engine
                        .execute(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                        .await
                }
            }
            Delta::Schema => Ok(()),
            Delta::Snapshot {
                undo: before,
                redo: after,
            } => {
                let (files, schema) = if undo {
                    (before, &step.schema_before)
                } else {
                    (after, &step.schema_after)
                };
                self.engine
                    .execute(&format!(
                        "DROP TABLE {table}; CREATE TABLE {table} ({})",
                        column_definitions(schema)
                    ))
                    .await?;
                self.insert_from_files(st, max_row_id, table, &within(files))
                    .await
            }
            Delta::DeleteRows {
                undo: rows,
                redo: ids,
            }
            | Delta::InsertRows {
                undo: ids,
                redo: rows,
            } => {
                let inserting = matches!(step.delta, Delta::DeleteRows { .. }) == undo;
                if inserting {
                    self.insert_from_files(st, max_row_id, table, &within(rows))
                        .await
                } else {
                    self.delete_from_files(st, max_row_id, table, &within(ids))
                        .await
                }
            }
        }
    }

    async fn update_from_files(
        &self,
        st: &mut State,
        max_row_id: Option<i64>,
        table: &str,
        column: &str,
        files: &[FileRef],
    ) -> Result<()> {
        // One UPDATE from all chunks: each UPDATE scans the whole table to join, so one per chunk
        // scanned it once per chunk.
        let mut temps = Vec::new();
        let loaded = async {
            for file in files {
                let temp = st.temp("delta");
                temps.push(temp.clone());
                self.load_file_within(file, &temp, None, max_row_id).await?;
            }
            if temps.is_empty() {
                return Ok(());
            }
            let union = temps
                .iter()
                .map(|t| format!("SELECT {ROW_ID}, value FROM {}", sql::ident(t)))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            self.engine
                .execute(&format!(
                    "UPDATE {table} SET {column} = d.value FROM ({union}) d WHERE {table}.{ROW_ID} = d.{ROW_ID}"
                ))
                .await
        }
        .await;
        self.drop_tables(&temps).await;
        loaded
    }

    async fn insert_from_files(
        &self,
        st: &mut State,
        max_row_id: Option<i64>,
        table: &str,
        files: &[FileRef],
    ) -> Result<()> {
        for file in files {
            let name = st.temp("delta");
            self.load_file_within(file, &name, None, max_row_id).await?;
            let described = self
                .engine
                .query(&format!("DESCRIBE {}", sql::ident(&name)))
                .await?;
            let columns = string_pairs(&described, 0, 1)?
                .into_iter()
                .map(|(c, _)| sql::ident(&c))
                .collect::<Vec<_>>()
                .join(", ");
            self.engine
                .execute(&format!(
                    "INSERT INTO {table} ({columns}) SELECT {columns} FROM {t}; DROP TABLE {t}",
                    t = sql::ident(&name)
                ))
                .await?;
        }
        Ok(())
    }

    async fn delete_from_files(
        &self,
        st: &mut State,
        max_row_id: Option<i64>,
        table: &str,
        files: &[FileRef],
    ) -> Result<()> {
        for file in files {
            let temp = sql::ident(&st.temp("delta"));
            self.load_file_within(file, temp.trim_matches('"'), Some(&[ROW_ID]), max_row_id)
                .await?;
            self.engine
                .execute(&format!(
                    "DELETE FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {temp}); DROP TABLE {temp}"
                ))
                .await?;
        }
        Ok(())
    }

    // ---------------------------------------------------------------------------------------
    // Steps

    /// Applies a command (JSON as in COMMANDS.md) as a new step; durable when it returns.
    /// Discards the redo branch (steps after the position) and its files.
    ///
    /// Errors: [`Error::InvalidCommand`] (unknown op, bad parameter, uncastable value),
    /// [`Error::NotFound`] (unknown table, column or row id), [`Error::Engine`],
    /// [`Error::StorageFull`]; after any error nothing changed.
    pub async fn apply(&self, table_id: u32, command: serde_json::Value) -> Result<StepInfo> {
        let started = self.engine.now_millis();
        let mut command = Command::from_json(command)?;
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        if command.needs_today() {
            command.fill_defaults(&self.today().await?);
        }
        let plan = command.plan(entry.schema())?;
        self.ensure_loaded(&mut st, table_id).await?;
        let step_id = entry.next_step_id;
        let mut written = Vec::new();
        let mut temps = Vec::new();
        self.engine.execute("BEGIN TRANSACTION").await?;
        let outcome = self
            .run_plan(&mut st, &entry, &plan, step_id, &mut written, &mut temps)
            .await;
        let outcome = match outcome {
            Ok(o) if !o.stepless => o,
            other => {
                self.engine.execute("ROLLBACK").await.ok();
                self.delete_files(&written).await;
                self.drop_tables(&temps).await;
                let o = other?;
                let mut info = StepInfo {
                    index: entry.position,
                    label: command.label(),
                    tier: command.tier(),
                    command,
                    rows_affected: 0,
                    bytes_written: 0,
                    duration_ms: 0.0,
                    warnings: o.warnings,
                };
                info.duration_ms = self.engine.now_millis() - started;
                return Ok(info);
            }
        };
        let files_bytes: u64 = written.iter().map(|f| f.bytes).sum();
        let mut new_entry = entry.clone();
        let discarded: Vec<StepRecord> = new_entry.steps.split_off(entry.position);
        let info = StepInfo {
            index: entry.position + 1,
            label: command.label(),
            tier: command.tier(),
            command,
            rows_affected: outcome.rows_affected,
            bytes_written: files_bytes,
            duration_ms: 0.0,
            warnings: outcome.warnings,
        };
        new_entry.steps.push(StepRecord {
            id: step_id,
            info,
            schema_before: entry.schema().to_vec(),
            schema_after: outcome.schema_after,
            row_count_before: entry.row_count(),
            row_count_after: outcome.row_count_after,
            delta: outcome.delta,
        });
        new_entry.position = entry.position + 1;
        new_entry.next_step_id = step_id + 1;
        new_entry.next_row_id = outcome.next_row_id;
        new_entry.next_column_id = outcome.next_column_id;
        let manifest = self.manifest_with(
            &st,
            new_entry,
            |e, manifest_bytes, elapsed| {
                let step = e.steps.last_mut().expect("a step was just pushed");
                step.info.bytes_written = files_bytes + manifest_bytes;
                step.info.duration_ms = elapsed;
            },
            started,
        )?;
        if let Err(e) = self.commit(&mut st, manifest).await {
            self.engine.execute("ROLLBACK").await.ok();
            self.delete_files(&written).await;
            self.drop_tables(&temps).await;
            return Err(e);
        }
        self.finish_transaction(&mut st, table_id).await;
        self.drop_tables(&temps).await;
        self.delete_files(discarded.iter().flat_map(|s| s.delta.files()))
            .await;
        st.bump(table_id);
        let entry = st.entry(table_id)?.clone();
        let step = &entry.steps[entry.position - 1];
        self.compact_columns(&st, &entry, std::slice::from_ref(step))
            .await;
        Ok(step.info.clone())
    }

    /// COMMIT after the manifest is durable. If DuckDB refuses, the committed files are the truth:
    /// drop the in-memory table so the next use reloads it from them.
    async fn finish_transaction(&self, st: &mut State, table_id: u32) {
        if self.engine.execute("COMMIT").await.is_err() {
            self.engine.execute("ROLLBACK").await.ok();
            self.engine
                .execute(&format!(
                    "DROP TABLE IF EXISTS {}",
                    sql::table_name(table_id)
                ))
                .await
                .ok();
            st.loaded.remove(&table_id);
        }
    }

    /// Rewrites in place (same type, `USING` itself) the columns that `steps` changed with
    /// `UPDATE`, in a transaction of its own after their commit. An UPDATE of many rows leaves
    /// version data (the `TRANSACTION` tag of `duckdb_memory()`, ~20 MiB per 1M-row column) that an
    /// in-memory database never folds back; the rewrite drops it (measured: DuckDB memory flat
    /// over 10 one-column steps instead of +50%). Rewriting the column in the step itself would
    /// evaluate the command's expression twice; the plain copy here costs tens of milliseconds.
    /// Best effort: only memory depends on it. Steps under [`MIN_ROW_COUNT_TO_COMPACT`] rows are
    /// skipped (their version data is small).
    async fn compact_columns(&self, st: &State, entry: &TableEntry, steps: &[StepRecord]) {
        if !st.loaded.contains(&entry.id) {
            return;
        }
        let table = sql::table_name(entry.id);
        let mut done = HashSet::new();
        for step in steps {
            if step.info.rows_affected < MIN_ROW_COUNT_TO_COMPACT {
                continue;
            }
            let ids = step.delta.column_ids().unwrap_or_default();
            for id in ids {
                let Some(column) = entry.schema().iter().find(|c| c.id == id) else {
                    continue;
                };
                if done.insert(id) {
                    let physical = sql::ident(&sql::column_name(id));
                    self.engine
                        .execute(&format!(
                            "ALTER TABLE {table} ALTER COLUMN {physical} SET DATA TYPE {} USING {physical}",
                            column.data_type
                        ))
                        .await
                        .ok();
                }
            }
        }
    }

    /// A copy of the manifest with `entry` replaced, after `finalize` has filled the figures that
    /// depend on the manifest's own size (`bytesWritten`) and the elapsed time.
    fn manifest_with(
        &self,
        st: &State,
        entry: TableEntry,
        finalize: impl Fn(&mut TableEntry, u64, f64),
        started: f64,
    ) -> Result<Manifest> {
        let mut manifest = st.manifest.clone();
        let index = manifest
            .tables
            .iter()
            .position(|t| t.id == entry.id)
            .ok_or_else(|| Error::NotFound(format!("table {} no longer exists", entry.id)))?;
        manifest.tables[index] = entry;
        manifest.generation = st.manifest.generation + 1;
        // The manifest records its own size: iterate until the figure is stable (digit counts).
        let mut manifest_bytes = 0;
        let elapsed = self.engine.now_millis() - started;
        for _ in 0..4 {
            finalize(&mut manifest.tables[index], manifest_bytes, elapsed);
            let size = manifest.encode()?.len() as u64;
            if size == manifest_bytes {
                break;
            }
            manifest_bytes = size;
        }
        Ok(manifest)
    }

    /// Today's UTC date `YYYY-MM-DD`, from DuckDB's clock. `current_date` lives in the ICU
    /// extension, which DuckDB-WASM lacks offline; the core timestamp cast to DATE does not.
    async fn today(&self) -> Result<String> {
        let batches = self
            .engine
            .query(
                "SELECT CAST(CAST(CAST(get_current_timestamp() AS TIMESTAMP) AS DATE) AS VARCHAR)",
            )
            .await?;
        Ok(first_string(&batches, 0).unwrap_or_else(|| "1970-01-01".into()))
    }

    /// Runs a plan inside the open transaction: captures the delta, writes its files, changes the
    /// table.
    async fn run_plan(
        &self,
        st: &mut State,
        entry: &TableEntry,
        plan: &Plan,
        step_id: u64,
        written: &mut Vec<FileRef>,
        temps: &mut Vec<String>,
    ) -> Result<Outcome> {
        let table = sql::table_name(entry.id);
        let dir = format!("tables/{}/steps/{step_id}", entry.id);
        let schema = entry.schema();
        let mut outcome = Outcome {
            delta: Delta::Schema,
            schema_after: schema.to_vec(),
            row_count_after: entry.row_count(),
            rows_affected: 0,
            warnings: Vec::new(),
            next_row_id: entry.next_row_id,
            next_column_id: entry.next_column_id,
            stepless: false,
        };
        match plan {
            Plan::Cells {
                column,
                expression,
                null_warning,
                filter,
                stepless_when_unchanged,
                cast_check,
            } => {
                let physical = sql::ident(&sql::column_name(column.id));
                if let Some(value) = cast_check {
                    self.check_castable("edit_cell", value, column).await?;
                }
                if let Some(filter) = filter {
                    let n = self
                        .count(&format!("SELECT count(*) FROM {table} WHERE {filter}"))
                        .await?;
                    if n == 0 {
                        return Err(Error::NotFound(format!("no row matches {filter}")));
                    }
                }
                let new_type = self.expression_type(&table, expression).await?;
                let full = !new_type.eq_ignore_ascii_case(&column.data_type);
                let changes = st.temp("changes");
                temps.push(changes.clone());
                let where_filter = filter
                    .as_ref()
                    .map(|f| format!(" WHERE {f}"))
                    .unwrap_or_default();
                let capture = format!(
                    "SELECT {ROW_ID}, {physical} AS old_value, {expression} AS new_value FROM {table}{where_filter}"
                );
                let capture = if full {
                    capture
                } else {
                    format!("SELECT * FROM ({capture}) WHERE old_value IS DISTINCT FROM new_value")
                };
                self.engine
                    .execute(&format!("CREATE TABLE {changes} AS {capture}"))
                    .await?;
                // A retype changes every non-NULL cell, even when its text stays the same.
                let changed = if full {
                    "old_value IS NOT NULL OR new_value IS NOT NULL"
                } else {
                    "CAST(old_value AS VARCHAR) IS DISTINCT FROM CAST(new_value AS VARCHAR)"
                };
                outcome.rows_affected = self
                    .count(&format!("SELECT count(*) FROM {changes} WHERE {changed}"))
                    .await?;
                if let Some(what) = null_warning {
                    let failed = self
                        .count(&format!(
                            "SELECT count(*) FROM {changes} WHERE new_value IS NULL AND {}",
                            non_empty("old_value")
                        ))
                        .await?;
                    push_warning(&mut outcome.warnings, failed, what);
                }
                if *stepless_when_unchanged && outcome.rows_affected == 0 {
                    outcome.stepless = true;
                    return Ok(outcome);
                }
                let not_null = |c: &str| {
                    if full {
                        format!(" WHERE {c} IS NOT NULL")
                    } else {
                        String::new()
                    }
                };
                let undo = self
                    .write_chunks(
                        &format!(
                            "SELECT {ROW_ID}, old_value AS value FROM {changes}{}",
                            not_null("old_value")
                        ),
                        &format!("{dir}/undo"),
                        written,
                    )
                    .await?;
                let redo = self
                    .write_chunks(
                        &format!(
                            "SELECT {ROW_ID}, new_value AS value FROM {changes}{}",
                            not_null("new_value")
                        ),
                        &format!("{dir}/redo"),
                        written,
                    )
                    .await?;
                if full {
                    self.engine
                        .execute(&format!(
                            "ALTER TABLE {table} ALTER COLUMN {physical} SET DATA TYPE {new_type} USING CAST(NULL AS {new_type})"
                        ))
                        .await?;
                }
                self.engine
                    .execute(&format!(
                        "UPDATE {table} SET {physical} = c.new_value FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}"
                    ))
                    .await?;
                for c in &mut outcome.schema_after {
                    if c.id == column.id {
                        c.data_type.clone_from(&new_type);
                    }
                }
                outcome.delta = Delta::Cells {
                    column_id: column.id,
                    full,
                    undo,
                    redo,
                };
            }
            Plan::AddColumn {
                name,
                expression,
                null_warning,
                source,
                helper,
            } => {
                let source_table = match helper {
                    Some(h) => format!("(SELECT *, {h} AS _dl_h FROM {table})"),
                    None => table.clone(),
                };
                let new_type = self.expression_type(&source_table, expression).await?;
                let changes = st.temp("changes");
                temps.push(changes.clone());
                self.engine
                    .execute(&format!(
                        "CREATE TABLE {changes} AS SELECT * FROM (SELECT {ROW_ID}, {expression} AS new_value FROM {source_table}) WHERE new_value IS NOT NULL"
                    ))
                    .await?;
                outcome.rows_affected = self
                    .count(&format!("SELECT count(*) FROM {changes}"))
                    .await?;
                if let Some(what) = null_warning {
                    let parsed = if helper.is_some() {
                        "_dl_h"
                    } else {
                        "new_value"
                    };
                    let input = sql::ident(&sql::column_name(source.id));
                    let failed = self
                        .count(&format!(
                            "SELECT count(*) FROM (SELECT {input} AS old_value, {h} AS {parsed} FROM {table}) WHERE {parsed} IS NULL AND {}",
                            non_empty("old_value"),
                            h = helper.as_deref().unwrap_or(expression),
                        ))
                        .await?;
                    push_warning(&mut outcome.warnings, failed, what);
                }
                let column_id = entry.next_column_id;
                let physical = sql::ident(&sql::column_name(column_id));
                let redo = self
                    .write_chunks(
                        &format!("SELECT {ROW_ID}, new_value AS value FROM {changes}"),
                        &format!("{dir}/redo"),
                        written,
                    )
                    .await?;
                self.engine
                    .execute(&format!(
                        "ALTER TABLE {table} ADD COLUMN {physical} {new_type}; \
                         UPDATE {table} SET {physical} = c.new_value FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}"
                    ))
                    .await?;
                outcome.schema_after.push(ColumnMeta {
                    id: column_id,
                    name: name.clone(),
                    data_type: new_type,
                });
                outcome.next_column_id = column_id + 1;
                outcome.delta = Delta::AddColumns {
                    columns: vec![AddedColumn { column_id, redo }],
                };
            }
            Plan::DeleteColumn { column } => {
                let physical = sql::ident(&sql::column_name(column.id));
                let undo = self
                    .write_chunks(
                        &format!("SELECT {ROW_ID}, {physical} AS value FROM {table} WHERE {physical} IS NOT NULL"),
                        &format!("{dir}/undo"),
                        written,
                    )
                    .await?;
                self.engine
                    .execute(&format!("ALTER TABLE {table} DROP COLUMN {physical}"))
                    .await?;
                outcome.rows_affected = entry.row_count();
                outcome.schema_after.retain(|c| c.id != column.id);
                outcome.delta = Delta::DeleteColumn {
                    column_id: column.id,
                    undo,
                };
            }
            Plan::Schema { schema } => {
                outcome.schema_after.clone_from(schema);
            }
            Plan::DeleteRows {
                selector,
                stepless_when_unchanged,
                expected_row_count,
            } => {
                let changes = st.temp("changes");
                temps.push(changes.clone());
                self.engine
                    .execute(&format!(
                        "CREATE TABLE {changes} AS {}",
                        selector.replace("{table}", &table)
                    ))
                    .await?;
                let n = self
                    .count(&format!("SELECT count(*) FROM {changes}"))
                    .await?;
                if let Some(expected) = expected_row_count
                    && n != *expected
                {
                    return Err(Error::NotFound(format!(
                        "{} of the given row ids do not exist",
                        expected - n
                    )));
                }
                outcome.rows_affected = n;
                if n == 0 && *stepless_when_unchanged {
                    outcome.stepless = true;
                    return Ok(outcome);
                }
                let columns = physical_columns(schema);
                let undo = self
                    .write_chunks(
                        &format!("SELECT {columns} FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {changes})"),
                        &format!("{dir}/undo"),
                        written,
                    )
                    .await?;
                let redo = self
                    .write_chunks(
                        &format!("SELECT {ROW_ID} FROM {changes}"),
                        &format!("{dir}/redo"),
                        written,
                    )
                    .await?;
                self.engine
                    .execute(&format!(
                        "DELETE FROM {table} WHERE {ROW_ID} IN (SELECT {ROW_ID} FROM {changes})"
                    ))
                    .await?;
                outcome.row_count_after = entry.row_count() - n;
                outcome.delta = Delta::DeleteRows { undo, redo };
            }
            Plan::InsertRow { after, values } => {
                let order = self.insert_order(&table, *after).await?;
                let row_id = entry.next_row_id;
                let mut select = format!(
                    "SELECT CAST({row_id} AS BIGINT) AS {ROW_ID}, {} AS {ORDER_KEY}",
                    sql::double(order)
                );
                for c in schema {
                    let value = values
                        .iter()
                        .find(|(m, _)| m.id == c.id)
                        .map_or("NULL", |(_, v)| v.as_str());
                    self.check_castable("insert_row", value, c).await?;
                    let _ = write!(
                        select,
                        ", CAST({value} AS {}) AS {}",
                        c.data_type,
                        sql::ident(&sql::column_name(c.id))
                    );
                }
                let changes = st.temp("changes");
                temps.push(changes.clone());
                self.engine
                    .execute(&format!("CREATE TABLE {changes} AS {select}"))
                    .await?;
                let undo = self
                    .write_chunks(
                        &format!("SELECT {ROW_ID} FROM {changes}"),
                        &format!("{dir}/undo"),
                        written,
                    )
                    .await?;
                let redo = self
                    .write_chunks(
                        &format!("SELECT * FROM {changes}"),
                        &format!("{dir}/redo"),
                        written,
                    )
                    .await?;
                let columns = physical_columns(schema);
                self.engine
                    .execute(&format!(
                        "INSERT INTO {table} ({columns}) SELECT {columns} FROM {changes}"
                    ))
                    .await?;
                outcome.rows_affected = 1;
                outcome.row_count_after = entry.row_count() + 1;
                outcome.next_row_id = row_id + 1;
                outcome.delta = Delta::InsertRows { undo, redo };
            }
            Plan::SplitColumn {
                column,
                delimiter,
                max_parts,
            } => {
                self.split_column(
                    st,
                    entry,
                    column,
                    delimiter,
                    *max_parts,
                    written,
                    temps,
                    &mut outcome,
                )
                .await?;
            }
            Plan::CustomSql { statement } => {
                self.custom_sql(st, entry, statement, written, temps, &mut outcome)
                    .await?;
            }
        }
        Ok(outcome)
    }

    /// [`Plan::SplitColumn`]: counts the parts, then adds one VARCHAR column per part.
    #[expect(
        clippy::too_many_arguments,
        reason = "the shared state of run_plan, passed through"
    )]
    async fn split_column(
        &self,
        st: &mut State,
        entry: &TableEntry,
        column: &ColumnMeta,
        delimiter: &str,
        max_parts: Option<u32>,
        written: &mut Vec<FileRef>,
        temps: &mut Vec<String>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let table = sql::table_name(entry.id);
        let dir = format!("tables/{}/steps/{}", entry.id, entry.next_step_id);
        let value = format!(
            "CAST({} AS VARCHAR)",
            sql::ident(&sql::column_name(column.id))
        );
        let delimiter = sql::literal(delimiter);
        let found = self
            .count(&format!(
                "SELECT coalesce(max(len(string_split({value}, {delimiter}))), 0) FROM {table}"
            ))
            .await?;
        let cap = u64::from(max_parts.unwrap_or(MAX_SPLIT_PARTS));
        if max_parts.is_none() && found > cap {
            return Err(Error::InvalidCommand(format!(
                "split_column: values of {} have up to {found} parts; give maxParts (at most {MAX_SPLIT_PARTS})",
                column.name
            )));
        }
        let part_count = found.clamp(1, cap);
        let mut parts = String::new();
        for i in 1..=part_count {
            let part = if i < part_count {
                format!("parts[{i}]")
            } else {
                format!(
                    "CASE WHEN len(parts) >= {i} THEN array_to_string(parts[{i}:], {delimiter}) END"
                )
            };
            let _ = write!(parts, ", {part} AS p{i}");
        }
        let changes = st.temp("changes");
        temps.push(changes.clone());
        self.engine
            .execute(&format!(
                "CREATE TABLE {changes} AS SELECT {ROW_ID}{parts} FROM \
                 (SELECT {ROW_ID}, string_split({value}, {delimiter}) AS parts FROM {table} WHERE {value} IS NOT NULL)"
            ))
            .await?;
        outcome.rows_affected = self
            .count(&format!("SELECT count(*) FROM {changes}"))
            .await?;
        let mut columns = Vec::new();
        let mut assignments = Vec::new();
        for i in 1..=part_count {
            let name = format!("{}_{i}", column.name);
            crate::command::check_new_name(&outcome.schema_after, &name, None)
                .map_err(|e| Error::InvalidCommand(format!("split_column: {e}")))?;
            let column_id = outcome.next_column_id;
            let physical = sql::ident(&sql::column_name(column_id));
            let redo = self
                .write_chunks(
                    &format!(
                        "SELECT {ROW_ID}, p{i} AS value FROM {changes} WHERE p{i} IS NOT NULL"
                    ),
                    &format!("{dir}/redo-c{column_id}"),
                    written,
                )
                .await?;
            self.engine
                .execute(&format!(
                    "ALTER TABLE {table} ADD COLUMN {physical} VARCHAR"
                ))
                .await?;
            assignments.push(format!("{physical} = c.p{i}"));
            outcome.schema_after.push(ColumnMeta {
                id: column_id,
                name,
                data_type: "VARCHAR".into(),
            });
            outcome.next_column_id = column_id + 1;
            columns.push(AddedColumn { column_id, redo });
        }
        self.engine
            .execute(&format!(
                "UPDATE {table} SET {} FROM {changes} c WHERE {table}.{ROW_ID} = c.{ROW_ID}",
                assignments.join(", ")
            ))
            .await?;
        outcome.delta = Delta::AddColumns { columns };
        Ok(())
    }

    /// [`Plan::CustomSql`]: runs the checked statement on a working copy that has the visible
    /// column names and nothing else, then rebuilds the table from it. Rows keep their row ids
    /// through DuckDB's `rowid` of the working copy (stable under UPDATE, DELETE and ALTER in one
    /// transaction); inserted rows get new row ids and go to the end. Columns keep their identity
    /// by name (or through `RENAME COLUMN`). Undo and redo are full-table snapshots.
    async fn custom_sql(
        &self,
        st: &mut State,
        entry: &TableEntry,
        statement: &CheckedStatement,
        written: &mut Vec<FileRef>,
        temps: &mut Vec<String>,
        outcome: &mut Outcome,
    ) -> Result<()> {
        let table = sql::table_name(entry.id);
        let dir = format!("tables/{}/steps/{}", entry.id, entry.next_step_id);
        let schema = entry.schema();
        let work = sql::ident(WORK_TABLE);
        temps.push(WORK_TABLE.into());
        let ids = st.temp("custom_ids");
        temps.push(ids.clone());
        let rebuilt = st.temp("custom_table");
        temps.push(rebuilt.clone());
        let mut visible = String::new();
        for c in schema {
            let _ = write!(
                visible,
                ", {} AS {}",
                sql::ident(&sql::column_name(c.id)),
                sql::ident(&c.name)
            );
        }
        self.engine
            .execute(&format!(
                "DROP TABLE IF EXISTS {work}; \
                 CREATE TABLE {work} AS SELECT {ROW_ID} AS _dl_rid, {ORDER_KEY} AS _dl_ord{visible} FROM {table} ORDER BY {ORDER_KEY}; \
                 CREATE TABLE {ids} AS SELECT rowid AS wrid, _dl_rid, _dl_ord FROM {work}; \
                 ALTER TABLE {work} DROP COLUMN _dl_rid; ALTER TABLE {work} DROP COLUMN _dl_ord"
            ))
            .await?;
        let result = self.engine.query(&statement.sql).await?;
        let described = self.engine.query(&format!("DESCRIBE {work}")).await?;
        let mut schema_after = Vec::new();
        for (name, data_type) in string_pairs(&described, 0, 1)? {
            let source = statement
                .renamed_columns
                .iter()
                .find(|(_, new)| new.eq_ignore_ascii_case(&name))
                .map_or(name.as_str(), |(old, _)| old.as_str());
            let id = match crate::command::find_column(schema, source) {
                Ok(c) => c.id,
                Err(_) => {
                    outcome.next_column_id += 1;
                    outcome.next_column_id - 1
                }
            };
            schema_after.push(ColumnMeta {
                id,
                name,
                data_type,
            });
        }
        let mut columns = String::new();
        for c in &schema_after {
            let _ = write!(
                columns,
                ", w.{} AS {}",
                sql::ident(&c.name),
                sql::ident(&sql::column_name(c.id))
            );
        }
        let new_rank = "row_number() OVER (PARTITION BY i._dl_rid IS NULL ORDER BY w.rowid)";
        self.engine
            .execute(&format!(
                "CREATE TABLE {rebuilt} AS SELECT \
                   CAST(coalesce(i._dl_rid, {next} - 1 + {new_rank}) AS BIGINT) AS {ROW_ID}, \
                   CAST(coalesce(i._dl_ord, (SELECT coalesce(max(_dl_ord), 0) FROM {ids}) + {new_rank}) AS DOUBLE) AS {ORDER_KEY}{columns} \
                 FROM {work} w LEFT JOIN {ids} i ON w.rowid = i.wrid",
                next = entry.next_row_id
            ))
            .await?;
        let counts = self
            .engine
            .query(&format!(
                "SELECT count(*), count(*) FILTER ({ROW_ID} >= {}) FROM {rebuilt}",
                entry.next_row_id
            ))
            .await?;
        let count_at = |column| first_i64(&counts, column).map_or(0, |n| n.max(0));
        let inserted = count_at(1);
        outcome.row_count_after = count_at(0).unsigned_abs();
        outcome.rows_affected = match statement.kind {
            StatementKind::AlterTable => outcome.row_count_after,
            _ => first_i64(&result, 0).map_or(0, |n| u64::try_from(n).unwrap_or(0)),
        };
        let undo = self
            .write_chunks(
                &format!("SELECT {} FROM {table}", physical_columns(schema)),
                &format!("{dir}/undo"),
                written,
            )
            .await?;
        let redo = self
            .write_chunks(
                &format!("SELECT * FROM {rebuilt}"),
                &format!("{dir}/redo"),
                written,
            )
            .await?;
        self.engine
            .execute(&format!(
                "DROP TABLE {table}; ALTER TABLE {rebuilt} RENAME TO {table}"
            ))
            .await?;
        outcome.next_row_id = entry.next_row_id + inserted;
        outcome.schema_after = schema_after;
        outcome.delta = Delta::Snapshot { undo, redo };
        Ok(())
    }

    /// The DuckDB type of `expression` evaluated over `source`.
    async fn expression_type(&self, source: &str, expression: &str) -> Result<String> {
        let described = self
            .engine
            .query(&format!(
                "DESCRIBE SELECT {expression} AS new_value FROM {source}"
            ))
            .await?;
        string_pairs(&described, 0, 1)?
            .into_iter()
            .next()
            .map(|(_, ty)| ty)
            .ok_or_else(|| Error::Engine("DESCRIBE returned no column".into()))
    }

    /// Errors with [`Error::InvalidCommand`] unless the SQL literal `value` casts to `column`'s type.
    async fn check_castable(&self, op: &str, value: &str, column: &ColumnMeta) -> Result<()> {
        if value == "NULL" {
            return Ok(());
        }
        let ok = self
            .count(&format!(
                "SELECT count(*) WHERE TRY_CAST({value} AS {}) IS NOT NULL",
                column.data_type
            ))
            .await?;
        if ok == 0 {
            return Err(Error::InvalidCommand(format!(
                "{op}: {value} cannot be stored in column {:?} of type {}",
                column.name, column.data_type
            )));
        }
        Ok(())
    }

    /// Order key for a row inserted after `after` (or at the top): the midpoint of its neighbours.
    async fn insert_order(&self, table: &str, after: Option<i64>) -> Result<f64> {
        let floats = |b: &[RecordBatch], i: usize| -> Option<f64> {
            b.first().filter(|b| b.num_rows() > 0).and_then(|b| {
                let a = b.column(i).as_primitive_opt::<Float64Type>()?;
                (!a.is_null(0)).then(|| a.value(0))
            })
        };
        match after {
            None => {
                let b = self
                    .engine
                    .query(&format!("SELECT min({ORDER_KEY}) FROM {table}"))
                    .await?;
                Ok(floats(&b, 0).map_or(1.0, |first| first - 1.0))
            }
            Some(row_id) => {
                let b = self
                    .engine
                    .query(&format!(
                        "SELECT {ORDER_KEY}, (SELECT min({ORDER_KEY}) FROM {table} WHERE {ORDER_KEY} > o.{ORDER_KEY}) \
                         FROM {table} o WHERE {ROW_ID} = {row_id}"
                    ))
                    .await?;
                let own = floats(&b, 0)
                    .ok_or_else(|| Error::NotFound(format!("no row with id {row_id}")))?;
                match floats(&b, 1) {
                    None => Ok(own + 1.0),
                    Some(next) => {
                        let mid = own + (next - own) / 2.0;
                        if mid <= own || mid >= next {
                            return Err(Error::InvalidCommand(
                                "insert_row: no room left between these rows (order key precision)"
                                    .into(),
                            ));
                        }
                        Ok(mid)
                    }
                }
            }
        }
    }

    /// Undoes the step before the position; `None` at position 0.
    ///
    /// Errors: [`Error::NotFound`], [`Error::Engine`], store errors; nothing changes on failure.
    pub async fn undo(&self, table_id: u32) -> Result<Option<StepInfo>> {
        let position = self.table_info(table_id).await?.position;
        if position == 0 {
            return Ok(None);
        }
        self.goto(table_id, position - 1).await?;
        let st = self.lock().await?;
        Ok(Some(st.entry(table_id)?.steps[position - 1].info.clone()))
    }

    /// Redoes the step after the position; `None` at the end.
    ///
    /// Errors: as [`Workspace::undo`].
    pub async fn redo(&self, table_id: u32) -> Result<Option<StepInfo>> {
        let info = self.table_info(table_id).await?;
        if info.position == info.step_count {
            return Ok(None);
        }
        self.goto(table_id, info.position + 1).await?;
        let st = self.lock().await?;
        Ok(Some(st.entry(table_id)?.steps[info.position].info.clone()))
    }

    /// Moves the table to `position` (0 = as imported) by applying inverse or forward deltas,
    /// never by replaying SQL; durable when it returns.
    ///
    /// Errors: [`Error::NotFound`] for a position beyond the timeline (API.md: unknown step), else
    /// as [`Workspace::undo`].
    pub async fn goto(&self, table_id: u32, position: usize) -> Result<()> {
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        if position > entry.steps.len() {
            return Err(Error::NotFound(format!(
                "position {position} is beyond the timeline (0..={})",
                entry.steps.len()
            )));
        }
        if position == entry.position {
            return Ok(());
        }
        self.ensure_loaded(&mut st, table_id).await?;
        let table = sql::table_name(table_id);
        self.engine.execute("BEGIN TRANSACTION").await?;
        let moved = async {
            if position < entry.position {
                for step in entry.steps[position..entry.position].iter().rev() {
                    self.apply_delta(&mut st, &table, step, Direction::Undo)
                        .await?;
                }
            } else {
                for step in &entry.steps[entry.position..position] {
                    self.apply_delta(&mut st, &table, step, Direction::Redo)
                        .await?;
                }
            }
            let mut new_entry = entry.clone();
            new_entry.position = position;
            let manifest = self.manifest_with(&st, new_entry, |_, _, _| {}, 0.0)?;
            self.commit(&mut st, manifest).await
        }
        .await;
        match moved {
            Ok(_) => {
                self.finish_transaction(&mut st, table_id).await;
                st.bump(table_id);
                let entry = st.entry(table_id)?.clone();
                let (lo, hi) = if position < entry.position {
                    (position, entry.position)
                } else {
                    (entry.position, position)
                };
                self.compact_columns(&st, &entry, &entry.steps[lo..hi])
                    .await;
                Ok(())
            }
            Err(e) => {
                self.engine.execute("ROLLBACK").await.ok();
                Err(e)
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reading

    /// A keyset page of rows in display order, after the cursor `options.after`. The first page
    /// of a table not loaded yet may come from a preview (see [`Workspace::rows_at`]'s position 0
    /// too): the same rows, without waiting for the whole table; the next call loads it.
    ///
    /// Errors: [`Error::NotFound`] (table or column), [`Error::InvalidCommand`] (bad cursor or
    /// limit), [`Error::Corrupt`] when the table's stored files no longer read as committed.
    pub async fn rows(&self, table_id: u32, options: &RowsOptions) -> Result<RowPage> {
        let after = options.after.as_deref().map(decode_cursor).transpose()?;
        let filter = after
            .map(|o| format!(" WHERE {ORDER_KEY} > {}", sql::double(o)))
            .unwrap_or_default();
        self.page(table_id, options, &filter, 0).await
    }

    /// A page of rows starting at row position `index` (0-based, display order), for scrollbar
    /// jumps.
    ///
    /// Errors: as [`Workspace::rows`].
    pub async fn rows_at(
        &self,
        table_id: u32,
        index: u64,
        options: &RowsOptions,
    ) -> Result<RowPage> {
        self.page(table_id, options, "", index).await
    }

    async fn page(
        &self,
        table_id: u32,
        options: &RowsOptions,
        filter: &str,
        offset: u64,
    ) -> Result<RowPage> {
        let limit = page_limit(options.limit)?;
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        let columns: Vec<ColumnMeta> = match &options.columns {
            None => entry.schema().to_vec(),
            Some(names) => names
                .iter()
                .map(|n| find_column(entry.schema(), n).cloned())
                .collect::<Result<_>>()?,
        };
        let preview = if filter.is_empty() && offset == 0 && !st.loaded.contains(&table_id) {
            self.preview(&mut st, &entry, limit).await?
        } else {
            None
        };
        let table = match &preview {
            Some(scratch) => scratch.clone(),
            None => {
                self.ensure_loaded(&mut st, table_id).await?;
                sql::table_name(table_id)
            }
        };
        let page = self
            .page_of(entry.row_count(), &table, &columns, filter, offset, limit)
            .await;
        if let Some(scratch) = preview {
            self.drop_tables(&[scratch]).await;
        }
        page
    }

    /// The first rows of a table that is not loaded yet, for its first page: a scratch table of
    /// the CSV original's first rows with the steps' deltas of those rows only (delta chunks of
    /// later rows are not read). Returns its name, or `None` (load the whole table instead)
    /// unless that is exact and cheap: the original is a CSV, no step inserted rows or replaced
    /// the table (such rows could sort first), and the rows the steps deleted leave enough.
    ///
    /// Why: reopening 1M rows x 30 with 10 steps took ~7 s before the first page; the grid shows
    /// this page while later calls load the whole table.
    async fn preview(
        &self,
        st: &mut State,
        entry: &TableEntry,
        limit: u64,
    ) -> Result<Option<String>> {
        let Some(csv) = &entry.original_csv else {
            return Ok(None);
        };
        let steps = &entry.steps[..entry.position];
        if steps
            .iter()
            .any(|s| matches!(s.delta, Delta::InsertRows { .. } | Delta::Snapshot { .. }))
        {
            return Ok(None);
        }
        // Among the first `rows` original rows, at most `deleted` are gone: `limit + 1` remain.
        let deleted: u64 = steps
            .iter()
            .map(|s| s.row_count_before.saturating_sub(s.row_count_after))
            .sum();
        let rows = limit + 1 + deleted;
        if rows.saturating_mul(MIN_TABLE_TO_PREVIEW_RATIO) > entry.original_row_count {
            return Ok(None);
        }
        let scratch = st.temp("preview");
        let built = async {
            let (schema, _) = self
                .read_csv_original(st, csv, &scratch, Some(rows))
                .await?;
            if schema != entry.original_schema {
                // The whole load reports it (Error::Corrupt).
                return Ok(false);
            }
            let max_row_id = i64::try_from(rows).unwrap_or(i64::MAX);
            for step in steps {
                self.apply_delta_within(st, &scratch, step, Direction::Redo, Some(max_row_id))
                    .await?;
            }
            Ok::<_, Error>(true)
        }
        .await;
        match built {
            Ok(true) => Ok(Some(scratch)),
            Ok(false) => {
                self.drop_tables(&[scratch]).await;
                Ok(None)
            }
            Err(e) => {
                self.drop_tables(&[scratch]).await;
                Err(e)
            }
        }
    }

    /// A page of `table` (the live table of `row_count` rows, or a preview of it) in display
    /// order: rows after `filter` (a keyset condition on the order key, or empty) from position
    /// `offset`.
    async fn page_of(
        &self,
        row_count: u64,
        table: &str,
        columns: &[ColumnMeta],
        filter: &str,
        offset: u64,
        limit: u64,
    ) -> Result<RowPage> {
        // Two queries: the page's order keys from a narrow sort (a far OFFSET sorts every row, so
        // the sort must not carry the columns), then the columns of just that order-key range,
        // which zone maps prune. Order keys are unique. A jump into the back half sorts
        // descending from the end, so the sort keeps at most half the rows.
        let from_end = filter.is_empty() && offset > row_count / 2;
        let keys = self
            .engine
            .query(&if from_end {
                let end = row_count.saturating_sub(offset);
                format!(
                    "SELECT {ORDER_KEY} FROM {table} ORDER BY {ORDER_KEY} DESC LIMIT {} OFFSET {}",
                    end.min(limit),
                    end.saturating_sub(limit)
                )
            } else {
                format!(
                    "SELECT {ORDER_KEY} FROM {table}{filter} ORDER BY {ORDER_KEY} LIMIT {} OFFSET {offset}",
                    limit + 1
                )
            })
            .await?;
        let mut keys = values::rows(&keys)?;
        if from_end {
            keys.reverse();
        }
        let more = if from_end {
            offset + limit < row_count
        } else {
            keys.len() as u64 > limit
        };
        let shown = &keys[..keys.len().min(usize::try_from(limit).unwrap_or(usize::MAX))];
        let key = |row: Option<&Vec<serde_json::Value>>| row?.first()?.as_f64();
        let bounds = key(shown.first()).zip(key(shown.last()));
        let mut select = format!("SELECT {ROW_ID}, {ORDER_KEY}");
        for c in columns {
            let _ = write!(select, ", {}", sql::ident(&sql::column_name(c.id)));
        }
        let mut all = match bounds {
            Some((lo, hi)) => {
                let batches = self
                    .engine
                    .query(&format!(
                        "{select} FROM {table} WHERE {ORDER_KEY} >= {} AND {ORDER_KEY} <= {} ORDER BY {ORDER_KEY}",
                        sql::double(lo),
                        sql::double(hi)
                    ))
                    .await?;
                values::rows(&batches)?
            }
            None => Vec::new(),
        };
        all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut row_ids = Vec::with_capacity(all.len());
        let mut rows = Vec::with_capacity(all.len());
        let mut last_order = None;
        for mut row in all {
            let values = row.split_off(2);
            row_ids.push(row[0].as_i64().unwrap_or_default());
            last_order = row[1].as_f64();
            rows.push(values);
        }
        Ok(RowPage {
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            row_ids,
            rows,
            next_cursor: if more {
                last_order.map(encode_cursor)
            } else {
                None
            },
        })
    }

    // ---------------------------------------------------------------------------------------
    // Workspace

    /// Drops a table and removes its files. Errors: [`Error::NotFound`].
    pub async fn drop_table(&self, name: &str) -> Result<()> {
        let table_id = self.table_id(name).await?;
        let mut st = self.lock().await?;
        let entry = st.entry(table_id)?.clone();
        let mut manifest = st.manifest.clone();
        manifest.tables.retain(|t| t.id != table_id);
        self.commit(&mut st, manifest).await?;
        self.engine
            .execute(&format!(
                "DROP TABLE IF EXISTS {}",
                sql::table_name(table_id)
            ))
            .await
            .ok();
        st.loaded.remove(&table_id);
        st.bump(table_id);
        let stale: Vec<u32> = st
            .diffs
            .iter()
            .filter(|(_, d)| d.reads(table_id))
            .map(|(k, _)| *k)
            .collect();
        for id in stale {
            if let Some(d) = st.diffs.remove(&id) {
                self.drop_tables(&d.temp_tables()).await;
            }
        }
        self.delete_files(entry.files()).await;
        Ok(())
    }

    /// Files and bytes in the store. Errors: store errors.
    pub async fn storage(&self) -> Result<StorageFigures> {
        let _st = self.lock().await?;
        let files = self.store.list().await?;
        let mut bytes = 0;
        for f in &files {
            bytes += self.store.size(f).await.unwrap_or(0);
        }
        Ok(StorageFigures {
            files: files.len() as u64,
            bytes,
        })
    }

    /// DuckDB's own memory accounting: `duckdb_memory()` in total, and per loaded table a share of
    /// its table memory (tags `BASE_TABLE`, `IN_MEMORY_TABLE`, `OVERFLOW_STRINGS`) in proportion to
    /// rows x columns (`duckdb_tables()`), since DuckDB does not account memory per table. Tables
    /// not loaded count 0. Bytes.
    ///
    /// Errors: [`Error::Engine`].
    pub async fn memory(&self) -> Result<MemoryFigures> {
        let st = self.lock().await?;
        let total = self
            .count(
                "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) FROM duckdb_memory()",
            )
            .await?;
        let table_bytes = self
            .count(
                "SELECT CAST(coalesce(sum(memory_usage_bytes), 0) AS BIGINT) FROM duckdb_memory() \
                 WHERE tag IN ('BASE_TABLE', 'IN_MEMORY_TABLE', 'OVERFLOW_STRINGS')",
            )
            .await?;
        let sizes = self
            .engine
            .query("SELECT table_name, CAST(estimated_size * column_count AS VARCHAR) FROM duckdb_tables()")
            .await?;
        let weights: HashMap<String, f64> = string_pairs(&sizes, 0, 1)?
            .into_iter()
            .map(|(name, w)| (name, w.parse().unwrap_or(0.0)))
            .collect();
        let all: f64 = weights.values().sum();
        let mut tables = Vec::new();
        for t in &st.manifest.tables {
            let weight = weights.get(&sql::table_name(t.id)).copied().unwrap_or(0.0);
            let share = if all > 0.0 && st.loaded.contains(&t.id) {
                weight / all
            } else {
                0.0
            };
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a byte count share"
            )]
            let bytes = (table_bytes as f64 * share) as u64;
            tables.push(TableMemory {
                name: t.name.clone(),
                bytes,
            });
        }
        Ok(MemoryFigures {
            duckdb_bytes: total,
            tables,
        })
    }

    /// Drops every table and diff from DuckDB; later calls fail with [`Error::NotFound`]. The files
    /// stay: opening the workspace again restores everything.
    ///
    /// Errors: none in practice (DuckDB failures while dropping are ignored).
    pub async fn close(&self) -> Result<()> {
        let mut st = self.state.lock().await;
        if st.closed {
            return Ok(());
        }
        let mut names: Vec<String> = st.loaded.iter().map(|id| sql::table_name(*id)).collect();
        for d in st.diffs.values() {
            names.extend(d.temp_tables());
        }
        self.drop_tables(&names).await;
        st.loaded.clear();
        st.diffs.clear();
        st.closed = true;
        Ok(())
    }
}

pub(crate) fn table_info(entry: &TableEntry) -> TableInfo {
    TableInfo {
        name: entry.name.clone(),
        row_count: entry.row_count(),
        columns: entry
            .schema()
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
            })
            .collect(),
        position: entry.position,
        step_count: entry.steps.len(),
    }
}

pub(crate) fn check_table_name(st: &State, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::InvalidCommand(
            "a table name must not be empty".into(),
        ));
    }
    if st.manifest.tables.iter().any(|t| t.name == name) {
        return Err(Error::TableExists(name.to_owned()));
    }
    Ok(())
}

/// Rejects what DuckDB's sniffer would misread instead of refusing: empty and binary files.
fn check_csv_bytes(bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::InvalidInput("the file is empty".into()));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return Err(Error::InvalidInput(
            "the file is binary, not CSV (it contains NUL bytes)".into(),
        ));
    }
    Ok(())
}

/// The delimiter the first line most likely uses (`,` `;` tab `|`), if any.
fn likely_delimiter(bytes: &[u8]) -> Option<&'static str> {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    [(b',', ","), (b';', ";"), (b'\t', "\t"), (b'|', "|")]
        .into_iter()
        .map(|(b, s)| (first.iter().filter(|c| **c == b).count(), s))
        .filter(|(n, _)| *n > 0)
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
}

/// The `read_csv(...)` call of an import (and of its reload) of the registered file `path`.
fn csv_source(path: &str, options: &CsvOptions) -> Result<String> {
    Ok(format!(
        "read_csv({}{})",
        sql::literal(path),
        csv_reader_options(options)?
    ))
}

/// `read_csv` named parameters for `options` (leading comma included).
fn csv_reader_options(options: &CsvOptions) -> Result<String> {
    // `skip = 0`: DuckDB's sniffer may otherwise skip leading rows it finds inconsistent, silently
    // dropping data of a ragged file; with it, a ragged file is an error.
    let mut out = String::from(", auto_detect = true, strict_mode = true, skip = 0");
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
    Ok(out)
}

/// The columns a DESCRIBE result lists after its first `skip` rows, numbered from 1.
///
/// Errors: [`Error::InvalidInput`] when there are none.
fn numbered_columns(described: &[RecordBatch], skip: usize) -> Result<Vec<ColumnMeta>> {
    let schema: Vec<ColumnMeta> = string_pairs(described, 0, 1)?
        .into_iter()
        .skip(skip)
        .zip(1..)
        .map(|((name, data_type), id)| ColumnMeta {
            id,
            name,
            data_type,
        })
        .collect();
    if schema.is_empty() {
        return Err(Error::InvalidInput("the file has no columns".into()));
    }
    Ok(schema)
}

/// The rows of `batch` whose `_row_id` is at most `max`.
fn rows_up_to(batch: &RecordBatch, max: i64) -> Result<RecordBatch> {
    let ids = batch
        .column_by_name(ROW_ID)
        .and_then(|c| c.as_primitive_opt::<Int64Type>())
        .ok_or_else(|| Error::Engine(format!("a delta chunk without a BIGINT {ROW_ID}")))?;
    let keep: arrow_array::BooleanArray = ids
        .iter()
        .map(|id| Some(id.is_some_and(|id| id <= max)))
        .collect();
    Ok(arrow_select::filter::filter_record_batch(batch, &keep)?)
}

/// A first page comes from a preview only when the table has at least this many times the rows
/// the preview reads (else the whole load costs about as much).
const MIN_TABLE_TO_PREVIEW_RATIO: u64 = 10;

pub(crate) fn page_limit(limit: Option<u64>) -> Result<u64> {
    match limit {
        None => Ok(DEFAULT_PAGE_ROW_COUNT),
        Some(n) if (1..=MAX_PAGE_ROW_COUNT).contains(&n) => Ok(n),
        Some(n) => Err(Error::InvalidCommand(format!(
            "limit must be 1..={MAX_PAGE_ROW_COUNT}, got {n}"
        ))),
    }
}

fn encode_cursor(order: f64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("o:{:016x}", order.to_bits()))
}

fn decode_cursor(cursor: &str) -> Result<f64> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.strip_prefix("o:")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
        })
        .map(f64::from_bits)
        .ok_or_else(|| Error::InvalidCommand(format!("not a row cursor: {cursor:?}")))
}

/// `"_row_id", "_order", "c1", ...` for a visible schema.
pub(crate) fn physical_columns(schema: &[ColumnMeta]) -> String {
    let mut out = format!("{ROW_ID}, {ORDER_KEY}");
    for c in schema {
        let _ = write!(out, ", {}", sql::ident(&sql::column_name(c.id)));
    }
    out
}

fn column_definitions(schema: &[ColumnMeta]) -> String {
    let mut out = format!("{ROW_ID} BIGINT, {ORDER_KEY} DOUBLE");
    for c in schema {
        let _ = write!(
            out,
            ", {} {}",
            sql::ident(&sql::column_name(c.id)),
            c.data_type
        );
    }
    out
}

fn column_type(schema: &[ColumnMeta], column_id: u32) -> Result<&str> {
    schema
        .iter()
        .find(|c| c.id == column_id)
        .map(|c| c.data_type.as_str())
        .ok_or_else(|| Error::Storage(format!("manifest names no column {column_id}")))
}

/// SQL predicate: `column` holds something other than NULL, empty or whitespace.
fn non_empty(column: &str) -> String {
    format!(
        "{column} IS NOT NULL AND trim(CAST({column} AS VARCHAR), {}) <> ''",
        sql::literal(sql::UNICODE_WHITESPACE)
    )
}

fn push_warning(warnings: &mut Vec<String>, count: u64, what: &str) {
    if count > 0 {
        let noun = if count == 1 { "value" } else { "values" };
        warnings.push(format!(
            "{} {noun} {what} and became NULL",
            thousands(count)
        ));
    }
}

/// `1204` -> `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub(crate) fn first_i64(batches: &[RecordBatch], column: usize) -> Option<i64> {
    let batch = batches.iter().find(|b| b.num_rows() > 0)?;
    let array = arrow_cast::cast(batch.column(column), &arrow_schema::DataType::Int64).ok()?;
    let array = array.as_primitive::<Int64Type>();
    (!array.is_null(0)).then(|| array.value(0))
}

fn first_string(batches: &[RecordBatch], column: usize) -> Option<String> {
    let batch = batches.iter().find(|b| b.num_rows() > 0)?;
    let array = arrow_cast::cast(batch.column(column), &arrow_schema::DataType::Utf8).ok()?;
    let array = array.as_string::<i32>();
    (!array.is_null(0)).then(|| array.value(0).to_owned())
}

/// Pairs of two string columns of a result (e.g. DESCRIBE's name and type).
pub(crate) fn string_pairs(
    batches: &[RecordBatch],
    a: usize,
    b: usize,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for batch in batches {
        let x = arrow_cast::cast(batch.column(a), &arrow_schema::DataType::Utf8)?;
        let y = arrow_cast::cast(batch.column(b), &arrow_schema::DataType::Utf8)?;
        let (x, y) = (x.as_string::<i32>(), y.as_string::<i32>());
        for i in 0..batch.num_rows() {
            out.push((x.value(i).to_owned(), y.value(i).to_owned()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor(12.5);
        assert_eq!(decode_cursor(&c).unwrap(), 12.5);
        assert_eq!(
            decode_cursor("zz").unwrap_err().code(),
            crate::ErrorCode::InvalidCommand
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1204), "1,204");
        assert_eq!(thousands(12), "12");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
