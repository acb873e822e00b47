//! The [`Store`] trait: one workspace folder of files (OPFS in the browser, a directory natively),
//! and [`MemoryStore`], the one in RAM.

mod memory;

pub use memory::MemoryStore;

use crate::Result;

/// The files of one workspace. Paths are relative, `/`-separated, without `..` (e.g.
/// `tables/3/steps/7/undo-00000.parquet`); implementations create parent folders as needed.
///
/// Errors: [`crate::Error::StorageFull`] when a quota is exceeded, [`crate::Error::Storage`] for
/// other I/O failures. No `Send` bound: the browser is single-threaded.
#[expect(
    async_fn_in_trait,
    reason = "implementations are single-threaded; no Send bound wanted"
)]
pub trait Store {
    /// Every file path in the folder, recursively, in no particular order.
    async fn list(&self) -> Result<Vec<String>>;

    /// The whole content of one file. [`crate::Error::NotFound`] if it does not exist.
    async fn read(&self, path: &str) -> Result<Vec<u8>>;

    /// Writes a whole file, replacing any previous content. When it returns `Ok`, the bytes are
    /// durable; on failure the file may be absent or partial (never read by a committed manifest).
    async fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Deletes a file. Deleting a missing file succeeds.
    async fn delete(&self, path: &str) -> Result<()>;

    /// Size of a file in bytes, [`crate::Error::NotFound`] if absent.
    async fn size(&self, path: &str) -> Result<u64>;
}
