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

use crate::persist::layout;
use crate::persist::manifest::{FileRef, MANIFEST_FORMAT_VERSION, Manifest, TableEntry};
use crate::persist::parquet::DEFAULT_CHUNK_ROW_COUNT;
use crate::sql;
use crate::{Engine, Error, Result, Store};

mod chunks;
pub mod clusters;
mod csv;
mod cursor;
mod derived;
mod diff;
pub mod export;
mod figures;
mod import;
mod json;
mod load;
pub mod recipe;
mod replay;
mod rows;
mod sql_results;
mod step;
mod tables;
mod timeline;
mod tx;
mod xlsx;

pub use derived::{JoinKind, JoinOptions};
pub use xlsx::XLSX_MAX_ROW_COUNT;

/// Rows per page when the caller gives no `limit` (API.md).
pub const DEFAULT_PAGE_ROW_COUNT: u64 = 500;
/// Largest `limit` a page accepts (API.md).
pub const MAX_PAGE_ROW_COUNT: u64 = 10_000;

/// The most columns a table may have (imports and derived tables beyond it are `InvalidInput`).
/// Every step records the schema before and after it in the manifest, which is rewritten at each
/// commit: at 10,000 columns that is about 1 MB per step.
pub const MAX_COLUMN_COUNT: usize = 4_096;

/// Mutable state behind the workspace lock.
struct State {
    /// The committed state: the newest manifest.
    manifest: Manifest,
    /// The generation before it, kept on disk with every file it names until the next commit
    /// retires it, so that a damaged newest manifest costs at most one step.
    previous: Option<Manifest>,
    /// The generation number of the next manifest written: past every manifest file seen, the
    /// damaged ones included, so that none is ever overwritten.
    next_generation: u64,
    /// Manifests skipped at open (see [`Workspace::damaged_manifests`]).
    damaged: Vec<DamagedManifest>,
    /// Tables whose data is in DuckDB.
    loaded: HashSet<u32>,
    /// Bumped on every change of a table; diffs remember it to detect that they are stale.
    versions: HashMap<u32, u64>,
    diffs: HashMap<u32, diff::DiffState>,
    next_diff_id: u32,
    next_temp_id: u64,
    closed: bool,
}

impl Default for State {
    fn default() -> Self {
        Self {
            manifest: Manifest {
                format_version: MANIFEST_FORMAT_VERSION,
                ..Manifest::default()
            },
            previous: None,
            next_generation: 1,
            damaged: Vec::new(),
            loaded: HashSet::new(),
            versions: HashMap::new(),
            diffs: HashMap::new(),
            next_diff_id: 0,
            next_temp_id: 0,
            closed: false,
        }
    }
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
    /// Opens the workspace stored in `store` and loads no table data (tables load on first use).
    ///
    /// Reads the manifests newest first: the newest valid one is the committed state, the valid one
    /// before it is the kept previous generation (see [`Workspace::damaged_manifests`] and
    /// ARCHITECTURE.md, "Invariants"). Garbage collection follows only when the newest manifest
    /// file is valid: it deletes the files of duckline's layout ([`layout::is_ours`]) that neither
    /// kept generation names (torn writes, discarded branches, older manifests), best effort.
    /// When a manifest newer than the one opened is damaged, nothing is deleted.
    ///
    /// Errors: [`Error::Storage`] if the store cannot be listed or a manifest cannot be read
    /// (nothing changed); [`Error::Corrupt`] naming every manifest and its defect when manifests
    /// exist but none is valid (nothing deleted or changed).
    pub async fn open(name: &str, engine: E, store: S) -> Result<Self> {
        let files = store.list().await?;
        let found = read_manifests(&store, &files).await?;
        let next_generation = found.newest_generation + 1;
        let Some(manifest) = found.current else {
            return Self::new(name, engine, store, State::default()).await;
        };
        // `damaged` holds only manifests newer than the one opened.
        if found.damaged.is_empty() {
            let keep: HashSet<String> = std::iter::once(&manifest)
                .chain(&found.previous)
                .flat_map(generation_files)
                .collect();
            for file in files
                .iter()
                .filter(|f| layout::is_ours(f) && !keep.contains(*f))
            {
                // Best effort: what remains is collected at the next open.
                store.delete(file).await.ok();
            }
        }
        let state = State {
            manifest,
            previous: found.previous,
            next_generation,
            damaged: found.damaged,
            ..State::default()
        };
        Self::new(name, engine, store, state).await
    }

    async fn new(name: &str, engine: E, store: S, state: State) -> Result<Self> {
        engine
            .execute(
                "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;",
            )
            .await?;
        Ok(Self {
            name: name.to_owned(),
            engine,
            store,
            state: Mutex::new(state),
            chunk_row_count: DEFAULT_CHUNK_ROW_COUNT,
        })
    }

    /// The manifests `open` found damaged and skipped, newest first: a non-empty list means the
    /// workspace opened at an older generation than the newest file (at most the steps of the
    /// damaged generations are missing). The damaged files are kept, never deleted by this open.
    ///
    /// Errors: none (the list is fixed at open).
    pub async fn damaged_manifests(&self) -> Vec<DamagedManifest> {
        self.state.lock().await.damaged.clone()
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

/// A manifest file that `open` could not use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DamagedManifest {
    /// Its path, `manifest-<generation>.json`.
    pub path: String,
    /// Its generation (from the file name).
    pub generation: u64,
    /// What is wrong with it (checksum, JSON, format version).
    pub reason: String,
}

/// What `open` read: the newest valid manifest, the valid one before it, the damaged ones.
struct FoundManifests {
    current: Option<Manifest>,
    previous: Option<Manifest>,
    damaged: Vec<DamagedManifest>,
    /// The highest generation of any manifest file, valid or not (0: none).
    newest_generation: u64,
}

/// Reads the manifests of `files` newest first until two valid ones are found.
///
/// Errors: [`Error::Storage`] (or the store's error) when one cannot be read: it may be valid, so
/// the open must not go on without it; [`Error::Corrupt`] when manifests exist and none is valid.
async fn read_manifests(store: &impl Store, files: &[String]) -> Result<FoundManifests> {
    let mut manifests: Vec<(u64, &String)> = files
        .iter()
        .filter_map(|f| Manifest::generation_of(f).map(|g| (g, f)))
        .collect();
    manifests.sort_unstable_by_key(|m| std::cmp::Reverse(m.0));
    let mut found = FoundManifests {
        current: None,
        previous: None,
        damaged: Vec::new(),
        newest_generation: manifests.first().map_or(0, |m| m.0),
    };
    for (generation, path) in &manifests {
        let bytes = match store.read(path).await {
            Ok(bytes) => bytes,
            // Listed, then gone: no longer there to read or to keep.
            Err(Error::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        match Manifest::decode(path, &bytes) {
            Ok(manifest) if found.current.is_none() => found.current = Some(manifest),
            Ok(manifest) => {
                found.previous = Some(manifest);
                break;
            }
            // Older than the valid newest: superseded, not a loss.
            Err(_) if found.current.is_some() => {}
            Err(e) => found.damaged.push(DamagedManifest {
                path: (*path).clone(),
                generation: *generation,
                reason: match e {
                    Error::Corrupt { message, .. } => message,
                    other => other.to_string(),
                },
            }),
        }
    }
    if found.current.is_none() && !found.damaged.is_empty() {
        let list: Vec<String> = found
            .damaged
            .iter()
            .map(|d| format!("{} ({})", d.path, d.reason))
            .collect();
        return Err(Error::Corrupt {
            path: found.damaged[0].path.clone(),
            message: format!(
                "no readable manifest: {}; nothing was deleted or changed. A damaged newest \
                 manifest alone would have cost at most its last step (the previous generation \
                 is kept); here none is left to open",
                list.join(", ")
            ),
        });
    }
    Ok(found)
}

/// The manifest file and every data file of one kept generation.
fn generation_files(manifest: &Manifest) -> impl Iterator<Item = String> + '_ {
    (manifest.generation > 0)
        .then(|| Manifest::path(manifest.generation))
        .into_iter()
        .chain(
            manifest
                .tables
                .iter()
                .flat_map(TableEntry::files)
                .map(|f| f.path.clone()),
        )
}
