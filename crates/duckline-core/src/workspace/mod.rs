//! [`Workspace`]: tables, their timelines and their files, over one [`Engine`] and one [`Store`].
//!
//! This file holds the type, its lock-protected [`State`], `open` (with the garbage collection of
//! files the manifest does not name) and `close`. Each concern of the workspace is a child module
//! adding its own `impl Workspace` (children see the parent's private fields):
//!
//! | module | holds |
//! | --- | --- |
//! | `tables` | table ids, info and timelines, `drop_table` |
//! | `import` | `import_csv`, `import_parquet`, creating `t<id>` with row ids and order keys |
//! | `chunks` | chunked Parquet files written from a query and read back |
//! | `tx` | the commit protocol every change goes through (`StepTx`) |
//! | `load` | lazy loading of a table from its original and forward deltas |
//! | `replay` | applying one step's delta files (undo or redo) |
//! | `step` | `apply`: a command's plan captured into delta files, per delta kind |
//! | `timeline` | `undo`, `redo`, `goto` |
//! | `rows`, `cursor` | row pages and their cursors |
//! | `figures` | storage and memory figures |
//! | `diff`, `export`, `clusters`, `recipe`, `derived` | diffs, export, value clusters, recipes, `stack`/`join` |

use std::collections::{HashMap, HashSet};

use futures::lock::Mutex;

use crate::persist::manifest::{FileRef, MANIFEST_FORMAT_VERSION, Manifest, TableEntry};
use crate::persist::parquet::DEFAULT_CHUNK_ROW_COUNT;
use crate::sql;
use crate::{Engine, Error, Result, Store};

mod chunks;
pub mod clusters;
mod cursor;
mod derived;
mod diff;
pub mod export;
mod figures;
mod import;
mod load;
pub mod recipe;
mod replay;
mod rows;
mod sql_results;
mod step;
mod tables;
mod timeline;
mod tx;

pub use derived::{JoinKind, JoinOptions};

/// Rows per page when the caller gives no `limit` (API.md).
pub const DEFAULT_PAGE_ROW_COUNT: u64 = 500;
/// Largest `limit` a page accepts (API.md).
pub const MAX_PAGE_ROW_COUNT: u64 = 10_000;

/// Mutable state behind the workspace lock.
#[derive(Default)]
struct State {
    manifest: Manifest,
    /// Tables whose data is in DuckDB.
    loaded: HashSet<u32>,
    /// Bumped on every change of a table; diffs remember it to detect that they are stale.
    versions: HashMap<u32, u64>,
    diffs: HashMap<u32, diff::DiffState>,
    next_diff_id: u32,
    next_temp_id: u64,
    closed: bool,
}

impl State {
    fn entry(&self, table_id: u32) -> Result<&TableEntry> {
        self.manifest
            .tables
            .iter()
            .find(|t| t.id == table_id)
            .ok_or_else(|| Error::NotFound(format!("table {table_id} no longer exists")))
    }

    fn temp(&mut self, purpose: &str) -> String {
        self.next_temp_id += 1;
        format!("_dl_{purpose}_{}", self.next_temp_id)
    }

    fn bump(&mut self, table_id: u32) {
        *self.versions.entry(table_id).or_default() += 1;
    }
}

/// A workspace: named tables with timelines, persisted in a [`Store`], computed by an [`Engine`].
///
/// All methods take `&self` and serialise on an internal async lock, so JS may call them
/// concurrently. Table handles are table ids ([`Workspace::table_id`]), stable across renames.
pub struct Workspace<E: Engine, S: Store> {
    name: String,
    engine: E,
    store: S,
    state: Mutex<State>,
    chunk_row_count: u64,
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

    async fn lock(&self) -> Result<futures::lock::MutexGuard<'_, State>> {
        let st = self.state.lock().await;
        if st.closed {
            return Err(Error::NotFound(format!(
                "workspace {:?} is closed",
                self.name
            )));
        }
        Ok(st)
    }

    /// Best-effort deletion (the next open collects whatever remains).
    async fn delete_files<'f>(&self, files: impl IntoIterator<Item = &'f FileRef>) {
        for f in files {
            self.store.delete(&f.path).await.ok();
        }
    }

    async fn count(&self, query: &str) -> Result<u64> {
        let batches = self.engine.query(query).await?;
        Ok(sql_results::first_i64(&batches, 0).map_or(0, |n| u64::try_from(n).unwrap_or(0)))
    }

    async fn drop_tables(&self, names: &[String]) {
        for name in names {
            self.engine
                .execute(&format!("DROP TABLE IF EXISTS {}", sql::ident(name)))
                .await
                .ok();
        }
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
