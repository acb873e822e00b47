//! duckline-core: the engine-independent heart of duckline, a data-cleaning workspace with time
//! travel over DuckDB.
//!
//! Everything here is pure Rust and written once against two small traits: [`Engine`] (DuckDB
//! natively or DuckDB-WASM in the browser) and [`Store`] (a folder of files: OPFS or the file
//! system). [`Workspace`] is the entry point: it imports tables, applies [`Command`]s as steps
//! with undo/redo deltas stored as chunked Parquet, commits each change in a checksummed
//! [`manifest`], reopens from it, and diffs any two states of a table.
//!
//! ```
//! # use duckline_core::{Command, ErrorCode};
//! let command = Command::from_json(serde_json::json!({ "op": "trim", "column": "name" })).unwrap();
//! assert_eq!(command.label(), "Trim name");
//! let bad = Command::from_json(serde_json::json!({ "op": "nope" })).unwrap_err();
//! assert_eq!(bad.code(), ErrorCode::InvalidCommand);
//! ```
//!
//! A workspace over a real engine is opened like this (the native crate provides `NativeEngine`
//! and `FsStore`; the wasm crate provides DuckDB-WASM and OPFS ones):
//!
//! ```ignore
//! let ws = Workspace::open("demo", engine, MemoryStore::new()).await?;
//! let table = ws.import_csv("people", bytes, &CsvOptions::default()).await?;
//! let step = ws.apply(table, serde_json::json!({ "op": "trim", "column": "name" })).await?;
//! ws.undo(table).await?;
//! ```

pub mod call;
pub mod command;
pub mod decode;
pub mod engine;
pub mod error;
pub mod keyer;
pub mod model;
pub mod persist;
#[cfg(feature = "scenarios")]
pub mod scenarios;
pub mod schema;
pub mod sql;
pub mod store;
pub mod values;
mod workspace;

pub use call::{Call, Observer, Phase, Progress};
pub use command::Command;
pub use engine::Engine;
pub use error::{Error, ErrorCode, Result};
pub use store::{MemoryStore, Store};
pub use workspace::{
    DEFAULT_PAGE_ROW_COUNT, DamagedManifest, JoinKind, JoinOptions, MAX_COLUMN_COUNT,
    MAX_PAGE_ROW_COUNT, Workspace, XLSX_MAX_ROW_COUNT,
};
pub use workspace::{clusters, export, recipe};
