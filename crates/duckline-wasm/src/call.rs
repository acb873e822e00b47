//! API.md `CallOptions` (`{ signal?: AbortSignal, onProgress?: (p: Progress) => void }`) as the
//! core's [`Call`]: the signal's `aborted` is read at each of the core's check points, and each
//! progress report is handed to `onProgress` as a plain object.

use std::rc::Rc;

use duckline_core::{Call, Observer, Progress};
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The members of `CallOptions`, removed from an options object before the rest is decoded.
const CALL_KEYS: [&str; 2] = ["signal", "onProgress"];

/// A JS caller's `signal` and `onProgress`.
struct JsObserver {
    signal: JsValue,
    on_progress: Option<Function>,
}

impl Observer for JsObserver {
    fn cancelled(&self) -> bool {
        self.signal.is_object()
            && Reflect::get(&self.signal, &JsValue::from_str("aborted"))
                .ok()
                .and_then(|v| v.as_bool())
                == Some(true)
    }

    /// Calls `onProgress`; what it throws is logged, not raised: a broken progress bar must not
    /// fail the step.
    fn progress(&self, progress: &Progress) {
        let Some(callback) = &self.on_progress else {
            return;
        };
        // A struct becomes a plain object (serde-wasm-bindgen makes Maps of maps only).
        let value = serde_wasm_bindgen::to_value(progress).unwrap_or(JsValue::UNDEFINED);
        if let Err(e) = callback.call1(&JsValue::NULL, &value) {
            let text = js_sys::Error::from(e).to_string();
            crate::trace::warn(&format!("duckline: onProgress threw: {text}"));
        }
    }
}

/// Splits an options object into its `CallOptions` (as a [`Call`]) and a copy of the rest (for
/// the call's own options; `None` when nothing else is left). Absent, `undefined` and `null`
/// options give [`Call::none`].
pub(crate) fn split(options: Option<JsValue>) -> (Call, Option<JsValue>) {
    let Some(options) = options.filter(JsValue::is_object) else {
        return (Call::none(), None);
    };
    let get = |key: &str| Reflect::get(&options, &JsValue::from_str(key)).ok();
    let signal = get("signal").unwrap_or(JsValue::UNDEFINED);
    let on_progress = get("onProgress").and_then(|f| f.dyn_into::<Function>().ok());
    let call = if signal.is_object() || on_progress.is_some() {
        Call::new(Rc::new(JsObserver {
            signal,
            on_progress,
        }))
    } else {
        Call::none()
    };
    let rest = Object::assign(&Object::new(), options.unchecked_ref());
    for key in CALL_KEYS {
        Reflect::delete_property(&rest, &JsValue::from_str(key)).ok();
    }
    let rest = (Object::keys(&rest).length() > 0).then(|| rest.into());
    (call, rest)
}
