//! [`OpfsStore`]: [`duckline_core::Store`] over the Origin Private File System, rooted at
//! `duckline/<workspace>/` under `navigator.storage.getDirectory()`.
//!
//! Uses only the asynchronous OPFS API (`createWritable`, `getFile`), so it works on the main
//! thread and in workers alike. Main-thread writes measured 74–128 MiB/s here (TOOLCHAIN.md).

use duckline_core::{Error, Result, Store};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    File, FileSystemDirectoryHandle, FileSystemFileHandle, FileSystemGetDirectoryOptions,
    FileSystemGetFileOptions, FileSystemHandle, FileSystemHandleKind, FileSystemRemoveOptions,
    FileSystemWritableFileStream, StorageManager,
};

use crate::error::{dom_error_name, js_message};
use crate::path::split_path;

mod platform {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/platform.js")]
    extern "C" {
        /// `navigator.storage` if it has OPFS (`getDirectory`), else `null`.
        #[wasm_bindgen(js_name = storageManager)]
        pub fn storage_manager() -> Option<web_sys::StorageManager>;
    }
}

/// The top folder under the OPFS root that holds every workspace.
pub const OPFS_FOLDER: &str = "duckline";

/// One workspace folder `duckline/<name>/` in OPFS.
///
/// Errors of every method: [`Error::StorageFull`] for a `QuotaExceededError`, [`Error::NotFound`]
/// where a file must exist and does not, [`Error::Storage`] for any other failure (including an
/// invalid path: empty segments, `.` or `..`).
#[derive(Debug)]
pub struct OpfsStore {
    name: String,
    dir: FileSystemDirectoryHandle,
}

impl OpfsStore {
    /// Opens (creating if needed) the folder of workspace `name`.
    ///
    /// Errors: [`Error::Unsupported`] if the browser has no OPFS (or denies it, e.g. a private
    /// window: `SecurityError`), [`Error::InvalidCommand`] if `name` is empty or contains `/`, `\`,
    /// or is `.`/`..`, storage errors as above.
    pub async fn open(name: &str) -> Result<Self> {
        if name.is_empty() || name.contains(['/', '\\', '\0']) || name == "." || name == ".." {
            return Err(Error::InvalidCommand(format!(
                "invalid workspace name {name:?}"
            )));
        }
        let root = opfs_root().await?;
        let top = get_dir(&root, OPFS_FOLDER, true).await?;
        let dir = get_dir(&top, name, true).await?;
        Ok(Self {
            name: name.to_owned(),
            dir,
        })
    }

    /// The workspace name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deletes the whole workspace folder and everything in it. Errors: as above; a folder that is
    /// already gone is not an error.
    pub async fn remove_all(self) -> Result<()> {
        let root = opfs_root().await?;
        let top = match get_dir(&root, OPFS_FOLDER, false).await {
            Ok(top) => top,
            Err(Error::NotFound(_)) => return Ok(()),
            Err(e) => return Err(e),
        };
        let options = FileSystemRemoveOptions::new();
        options.set_recursive(true);
        match await_js(top.remove_entry_with_options(&self.name, &options)).await {
            Ok(_) | Err(Error::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The folder holding the last segment of `path`, and that segment.
    async fn parent<'p>(
        &self,
        path: &'p str,
        create: bool,
    ) -> Result<(FileSystemDirectoryHandle, &'p str)> {
        let mut segments = split_path(path)?;
        let file = segments.pop().unwrap_or_default();
        let mut dir = self.dir.clone();
        for segment in segments {
            dir = get_dir(&dir, segment, create)
                .await
                .map_err(|e| name_path(e, path))?;
        }
        Ok((dir, file))
    }

    async fn file_handle(&self, path: &str, create: bool) -> Result<FileSystemFileHandle> {
        let (dir, name) = self.parent(path, create).await?;
        let options = FileSystemGetFileOptions::new();
        options.set_create(create);
        let handle = await_js(dir.get_file_handle_with_options(name, &options))
            .await
            .map_err(|e| name_path(e, path))?;
        Ok(handle.unchecked_into())
    }

    async fn file(&self, path: &str) -> Result<File> {
        let handle = self.file_handle(path, false).await?;
        let file = await_js(handle.get_file())
            .await
            .map_err(|e| name_path(e, path))?;
        Ok(file.unchecked_into())
    }
}

impl Store for OpfsStore {
    /// Walks the folder recursively (`values()` of each directory handle).
    async fn list(&self) -> Result<Vec<String>> {
        let mut files = Vec::new();
        let mut pending = vec![(self.dir.clone(), String::new())];
        while let Some((dir, prefix)) = pending.pop() {
            let entries = dir.values();
            loop {
                let next = entries.next().map_err(storage_error)?;
                let step = await_js(next).await?;
                if Reflect::get(&step, &JsValue::from_str("done"))
                    .map_err(storage_error)?
                    .is_truthy()
                {
                    break;
                }
                let handle: FileSystemHandle = Reflect::get(&step, &JsValue::from_str("value"))
                    .map_err(storage_error)?
                    .unchecked_into();
                let path = format!("{prefix}{}", handle.name());
                match handle.kind() {
                    FileSystemHandleKind::Directory => {
                        pending.push((handle.unchecked_into(), format!("{path}/")))
                    }
                    _ => files.push(path),
                }
            }
        }
        Ok(files)
    }

    /// `getFile()` then `arrayBuffer()`: one copy into wasm memory.
    async fn read(&self, path: &str) -> Result<Vec<u8>> {
        let file = self.file(path).await?;
        let buffer = await_js(file.array_buffer())
            .await
            .map_err(|e| name_path(e, path))?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// `createWritable()` (a swap file), `write`, `close()`: the old content is replaced atomically
    /// when `close` resolves; on failure the stream is aborted and the old content (or absence) stays.
    /// Missing folders are created. Retried once on `NotFoundError`, which a concurrent
    /// [`Store::delete`] pruning the (then empty) folder can cause.
    async fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        match self.write_once(path, bytes).await {
            Err(Error::NotFound(_)) => self.write_once(path, bytes).await,
            done => done,
        }
    }

    /// `removeEntry` on the parent folder; a missing file or folder is success. Folders left empty
    /// are removed too, like the native store does.
    async fn delete(&self, path: &str) -> Result<()> {
        let segments = split_path(path)?;
        let (file, folders) = segments.split_last().unwrap_or((&"", &[]));
        // chain[i + 1] is the folder folders[i], inside chain[i].
        let mut chain = vec![self.dir.clone()];
        for folder in folders {
            match get_dir(&chain[chain.len() - 1], folder, false).await {
                Ok(dir) => chain.push(dir),
                Err(Error::NotFound(_)) => return Ok(()),
                Err(e) => return Err(name_path(e, path)),
            }
        }
        match await_js(chain[chain.len() - 1].remove_entry(file)).await {
            Ok(_) | Err(Error::NotFound(_)) => {}
            Err(e) => return Err(name_path(e, path)),
        }
        // Deepest first; a folder that still has entries refuses (InvalidModificationError): stop.
        for (parent, folder) in chain.iter().zip(folders).rev() {
            if await_js(parent.remove_entry(folder)).await.is_err() {
                break;
            }
        }
        Ok(())
    }

    /// `getFile().size`.
    async fn size(&self, path: &str) -> Result<u64> {
        let file = self.file(path).await?;
        // File sizes are integral and far below 2^53.
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "integral, non-negative, < 2^53"
        )]
        Ok(file.size() as u64)
    }
}

impl OpfsStore {
    async fn write_once(&self, path: &str, bytes: &[u8]) -> Result<()> {
        // A JS-owned copy: the write may run after wasm memory has grown, which would detach a view.
        let data = Uint8Array::new_with_length(
            u32::try_from(bytes.len())
                .map_err(|_| Error::Storage(format!("{path}: file too large")))?,
        );
        data.copy_from(bytes);
        let mut attempts = 0;
        let stream = loop {
            attempts += 1;
            let handle = self.file_handle(path, true).await?;
            let stream: FileSystemWritableFileStream = await_js(handle.create_writable())
                .await
                .map_err(|e| name_path(e, path))?
                .unchecked_into();
            let written = match stream.write_with_js_u8_array(&data) {
                Ok(promise) => JsFuture::from(promise).await.map(drop),
                Err(e) => Err(e),
            };
            let Err(e) = written else { break stream };
            let _ = await_js(stream.abort()).await;
            // Chromium sometimes reports its quota refusal as "Failed to write data to data pipe"
            // (Blink's kOperationAborted, an AbortError: its side closed the pipe; seen once in
            // tests/e2e/quota.test.mjs): written again, the refusal is a QuotaExceededError.
            if attempts == 1 && dom_error_name(&e).as_deref() == Some("AbortError") {
                continue;
            }
            return Err(name_path(storage_error(e), path));
        };
        await_js(stream.close())
            .await
            .map_err(|e| name_path(e, path))?;
        Ok(())
    }
}

/// `navigator.storage.estimate()`: `(usage, quota)` in bytes for this origin (OPFS, IndexedDB and
/// Cache together). Chromium reports usage + min(10 GiB, disk) as the quota, less than it enforces.
///
/// Errors: [`Error::Unsupported`] without `navigator.storage`, [`Error::Storage`] if it rejects.
pub async fn storage_estimate() -> Result<(u64, u64)> {
    let storage = storage_manager()?;
    let estimate = await_js(storage.estimate().map_err(storage_error)?).await?;
    Ok((
        number_property(&estimate, "usage"),
        number_property(&estimate, "quota"),
    ))
}

/// Whether this context has OPFS (`navigator.storage.getDirectory`). `getDirectory` may still be
/// denied (e.g. Firefox private windows), which [`OpfsStore::open`] reports as
/// [`Error::Unsupported`].
#[must_use]
pub fn opfs_available() -> bool {
    platform::storage_manager().is_some()
}

fn storage_manager() -> Result<StorageManager> {
    platform::storage_manager().ok_or_else(|| {
        Error::Unsupported(
            "this browser has no Origin Private File System (navigator.storage.getDirectory)"
                .into(),
        )
    })
}

async fn opfs_root() -> Result<FileSystemDirectoryHandle> {
    let storage = storage_manager()?;
    match JsFuture::from(storage.get_directory()).await {
        Ok(root) => Ok(root.unchecked_into()),
        Err(e) if dom_error_name(&e).as_deref() == Some("SecurityError") => {
            Err(Error::Unsupported(format!(
                "the Origin Private File System is not available: {}",
                js_message(&e)
            )))
        }
        Err(e) => Err(storage_error(e)),
    }
}

async fn get_dir(
    parent: &FileSystemDirectoryHandle,
    name: &str,
    create: bool,
) -> Result<FileSystemDirectoryHandle> {
    let options = FileSystemGetDirectoryOptions::new();
    options.set_create(create);
    Ok(
        await_js(parent.get_directory_handle_with_options(name, &options))
            .await?
            .unchecked_into(),
    )
}

/// Awaits a promise; a rejection becomes an [`Error`] by its `DOMException` name.
async fn await_js(promise: js_sys::Promise) -> Result<JsValue> {
    JsFuture::from(promise).await.map_err(storage_error)
}

/// Maps a thrown JS value: `QuotaExceededError` -> [`Error::StorageFull`]; `NotFoundError` and
/// `TypeMismatchError` (a file where a folder is expected or vice versa) -> [`Error::NotFound`];
/// anything else -> [`Error::Storage`].
fn storage_error(e: JsValue) -> Error {
    let message = js_message(&e);
    match dom_error_name(&e).as_deref() {
        Some("QuotaExceededError") => Error::StorageFull(message),
        Some("NotFoundError" | "TypeMismatchError") => Error::NotFound(message),
        _ => Error::Storage(message),
    }
}

/// Prefixes the store path to the message of an error from a handle operation.
fn name_path(e: Error, path: &str) -> Error {
    match e {
        Error::NotFound(m) => Error::NotFound(format!("file {path:?} not found ({m})")),
        Error::StorageFull(m) => Error::StorageFull(format!("{path}: {m}")),
        Error::Storage(m) => Error::Storage(format!("{path}: {m}")),
        other => other,
    }
}

fn number_property(object: &JsValue, key: &str) -> u64 {
    let value = Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "byte counts: integral, < 2^53"
    )]
    let bytes = value.max(0.0) as u64;
    bytes
}
