//! The core's scenario suite on the native platform: DuckDB 1.4.3 (libduckdb.so) and a temp folder.

use std::path::PathBuf;

use duckline_core::scenarios::Harness;
use duckline_native::{FsStore, NativeEngine};

/// One scenario's platform: a fresh temp folder; every `engine()` is a new in-memory DuckDB.
struct Native {
    dir: tempfile::TempDir,
}

impl Native {
    fn new(_scenario: &str) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
}

/// `../shared/data/nycflights13`, or `DUCKLINE_DATA_DIR` when set (CI clones live elsewhere).
fn data_dir() -> PathBuf {
    std::env::var_os("DUCKLINE_DATA_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nycflights13"),
        PathBuf::from,
    )
}

impl Harness for Native {
    type Engine = NativeEngine;
    type Store = FsStore;

    async fn engine(&self) -> NativeEngine {
        NativeEngine::open_in_memory(None).expect("native DuckDB")
    }

    async fn store(&self) -> FsStore {
        FsStore::new(self.dir.path().join("workspace")).expect("store")
    }

    async fn data(&self, name: &str) -> Vec<u8> {
        let path = data_dir().join(name);
        std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (set DUCKLINE_DATA_DIR)", path.display()))
    }
}

duckline_core::scenario_tests!(native: Native::new);
