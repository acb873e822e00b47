//! duckline-native: duckline's native platform.
//!
//! - [`NativeEngine`] implements [`duckline_core::Engine`] over the `duckdb` crate (=1.4.3, linked
//!   to the prebuilt `libduckdb.so` of npm `@duckdb/node-bindings-linux-x64`, the same DuckDB
//!   version as DuckDB-WASM 1.32.0 in the browser).
//! - [`FsStore`] implements [`duckline_core::Store`] over a directory, with atomic durable writes.
//!
//! The core's scenario tests run against these natively with `cargo test`.
//!
//! Both are single-threaded like their browser twins (no `Send` bound); their `async` methods do
//! their work synchronously, so any executor works, e.g. `futures::executor::block_on`.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//!
//! use arrow_array::{Array, Int64Array, RecordBatch, StringArray};
//! use arrow_schema::{DataType, Field, Schema};
//! use duckline_core::{Engine, Store};
//! use duckline_native::{FsStore, NativeEngine};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! futures::executor::block_on(async {
//!     let engine = NativeEngine::open_in_memory(Some(512))?;
//!
//!     // Arrow in...
//!     let schema = Arc::new(Schema::new(vec![
//!         Field::new("id", DataType::Int64, false),
//!         Field::new("name", DataType::Utf8, true),
//!     ]));
//!     let batch = RecordBatch::try_new(
//!         schema,
//!         vec![
//!             Arc::new(Int64Array::from(vec![1, 2])),
//!             Arc::new(StringArray::from(vec![Some(" Ann "), None])),
//!         ],
//!     )?;
//!     engine.create_table_from_batches("people", vec![batch]).await?;
//!     engine.execute("UPDATE people SET name = trim(name)").await?;
//!
//!     // ...Arrow out.
//!     let batches = engine.query("SELECT name FROM people ORDER BY id").await?;
//!     let names = batches[0].column(0).as_any().downcast_ref::<StringArray>().ok_or("type")?;
//!     assert_eq!(names.value(0), "Ann");
//!     assert!(names.is_null(1));
//!
//!     // Files for read_csv:
//!     let path = engine.register_file("in.csv", b"a,b\n1,2\n3,4\n").await?;
//!     let counted = engine.query(&format!("SELECT count(*) FROM read_csv('{path}')")).await?;
//!     assert_eq!(counted[0].num_rows(), 1);
//!     engine.unregister_file("in.csv").await?;
//!
//!     // A workspace folder:
//!     let dir = tempfile::tempdir()?;
//!     let store = FsStore::new(dir.path().join("workspace"))?;
//!     store.write("tables/1/manifest.json", b"{}").await?;
//!     assert_eq!(store.list().await?, vec!["tables/1/manifest.json".to_owned()]);
//!     Ok::<_, Box<dyn std::error::Error>>(())
//! })
//! # }
//! ```

mod convert;
mod engine;
mod store;

pub use engine::NativeEngine;
pub use store::FsStore;
