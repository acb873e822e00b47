//! [`WorkspaceLock`]: one writer per workspace across tabs and workers of an origin, with the Web
//! Locks API.

use duckline_core::{Error, Result};
use wasm_bindgen::prelude::*;

use crate::error::js_message;

mod platform {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/platform.js")]
    extern "C" {
        /// Resolves to a release function, `null` (held elsewhere) or `undefined` (no Web Locks).
        #[wasm_bindgen(js_name = tryLock, catch)]
        pub async fn try_lock(name: &str) -> Result<JsValue, JsValue>;
    }
}

/// The exclusive Web Lock `duckline:<workspace>`, held until [`WorkspaceLock::release`] or drop.
///
/// The browser also releases it when the tab or worker that holds it goes away, so a crashed tab
/// never blocks the workspace.
#[derive(Debug)]
pub struct WorkspaceLock {
    workspace: String,
    release: Option<js_sys::Function>,
}

impl WorkspaceLock {
    /// The lock name used for `workspace`.
    #[must_use]
    pub fn lock_name(workspace: &str) -> String {
        format!("duckline:{workspace}")
    }

    /// Takes the lock of `workspace` if it is free (`ifAvailable: true`; never waits).
    ///
    /// Errors: [`Error::WorkspaceBusy`] if another tab, worker or [`WorkspaceLock`] of this page
    /// holds it; [`Error::Unsupported`] without the Web Locks API (non-secure contexts);
    /// [`Error::Engine`] if the browser rejects the request.
    pub async fn acquire(workspace: &str) -> Result<Self> {
        let result = platform::try_lock(&Self::lock_name(workspace))
            .await
            .map_err(|e| Error::Engine(format!("Web Lock request failed: {}", js_message(&e))))?;
        if result.is_undefined() {
            return Err(Error::Unsupported(
                "this browser has no Web Locks API (navigator.locks)".into(),
            ));
        }
        if result.is_null() {
            return Err(Error::WorkspaceBusy(workspace.to_owned()));
        }
        let release = result
            .dyn_into::<js_sys::Function>()
            .map_err(|v| Error::Engine(format!("Web Lock helper returned {v:?}")))?;
        Ok(Self {
            workspace: workspace.to_owned(),
            release: Some(release),
        })
    }

    /// The workspace this lock guards.
    #[must_use]
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// Lets the lock go (dropping the value does the same). The browser frees it asynchronously, a
    /// moment later: an immediate [`WorkspaceLock::acquire`] in the same task may still see it busy.
    pub fn release(mut self) {
        self.let_go();
    }

    fn let_go(&mut self) {
        if let Some(release) = self.release.take() {
            // The helper's release function resolves a promise; it cannot throw.
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Drop for WorkspaceLock {
    fn drop(&mut self) {
        self.let_go();
    }
}
