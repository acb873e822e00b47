//! [`MemoryStore`]: a [`Store`] in RAM, for `storage: "memory"` workspaces and tests.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::{Error, Result, Store};

/// Files kept in a map; clones share the same files (so a test can "reopen" a workspace).
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    files: Rc<RefCell<BTreeMap<String, Vec<u8>>>>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    async fn list(&self) -> Result<Vec<String>> {
        Ok(self.files.borrow().keys().cloned().collect())
    }

    async fn read(&self, path: &str) -> Result<Vec<u8>> {
        self.files
            .borrow()
            .get(path)
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("no file {path}")))
    }

    async fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .borrow_mut()
            .insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.files.borrow_mut().remove(path);
        Ok(())
    }

    async fn size(&self, path: &str) -> Result<u64> {
        self.files
            .borrow()
            .get(path)
            .map(|b| b.len() as u64)
            .ok_or_else(|| Error::NotFound(format!("no file {path}")))
    }
}
