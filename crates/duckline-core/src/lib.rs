//! duckline-core: the engine-independent heart of duckline.
pub mod engine;
pub mod error;
pub mod store;

pub use engine::Engine;
pub use error::{Error, ErrorCode, Result};
pub use store::Store;
