//! duckline-wasm: the npm package. duckline's core driven by DuckDB-WASM and the Origin Private File
//! System (OPFS) in the browser.
//!
//! - [`engine::WasmEngine`]: [`duckline_core::Engine`] over DuckDB-WASM (through the bundled JS
//!   glue `js/duckdb_glue.js`, built by `scripts/build-js-assets.sh`).
//! - [`opfs::OpfsStore`]: [`duckline_core::Store`] over one OPFS folder `duckline/<workspace>/`;
//!   for `storage: "memory"` use [`duckline_core::MemoryStore`].
//! - [`lock::WorkspaceLock`]: one writer per workspace across tabs and workers (Web Locks).
//! - [`error::to_js_error`]: a [`duckline_core::Error`] as the JS `Error` of API.md.
//! - [`trace`]: User Timing measures and console logging for DevTools.
//!
//! The browser-only modules exist on `wasm32` only, so the workspace still builds natively.

#[cfg(target_arch = "wasm32")]
pub mod api;
/// The benchmark's baseline (`make bench`): only in builds with the `bench` feature, so the
/// published package does not carry it.
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod bench;
#[cfg(target_arch = "wasm32")]
mod call;
#[cfg(target_arch = "wasm32")]
pub mod engine;
pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod lock;
#[cfg(target_arch = "wasm32")]
pub mod opfs;
mod path;
#[cfg(target_arch = "wasm32")]
pub mod trace;

#[cfg(target_arch = "wasm32")]
pub use api::{Diff, Table, Workspace};
