//! DevTools aids: User Timing measures (the Performance panel's "duckline" track) and console
//! logging, through `js/platform.js`.

use wasm_bindgen::prelude::*;

use crate::engine::LogLevel;

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    #[wasm_bindgen(js_name = measure)]
    fn measure_js(name: &str, start: f64, end: f64, failed: bool, properties: js_sys::Array);
    #[wasm_bindgen(js_name = log)]
    fn log_js(level: &str, message: &str);
}

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds since the page or worker started, sub-millisecond
    /// resolution (coarsened by the browser); exists on windows and workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub fn now() -> f64;
}

/// Records the measure `name` over `[start, end]` with `properties` (key, value) for its tooltip;
/// `failed` colours it as an error.
pub fn measure(name: &str, start: f64, end: f64, failed: bool, properties: &[(&str, &str)]) {
    let list = js_sys::Array::new();
    for (key, value) in properties {
        list.push(&js_sys::Array::of2(&(*key).into(), &(*value).into()));
    }
    measure_js(name, start, end, failed, list);
}

/// `console.warn(message)`.
pub fn warn(message: &str) {
    log_js("warn", message);
}

/// `console.debug(message)`.
pub fn debug(message: &str) {
    log_js("debug", message);
}

/// `console.info(message)`.
pub fn info(message: &str) {
    log_js("info", message);
}

/// One public call of the JS API, from its start: [`Call::finish`] records it as the User Timing
/// measure `duckline <name>` (e.g. `duckline apply trim`), logs it at [`LogLevel::Info`], and names
/// it at the front of a rejection's message (e.g. `Table("flights").apply(trim): Binder Error: ...`),
/// so a console error says which call and command failed while keeping DuckDB's text.
#[derive(Debug)]
pub struct Call {
    name: String,
    label: String,
    start: f64,
    log: bool,
}

impl Call {
    /// Starts the clock. `name` is the measure's name after `duckline ` (`"apply trim"`), `label`
    /// the call as JS wrote it (`Table("flights").apply(trim)`).
    #[must_use]
    pub fn start(level: LogLevel, name: String, label: String) -> Self {
        Self {
            name,
            label,
            start: now(),
            log: level >= LogLevel::Info,
        }
    }

    /// Records the call and returns its result, a rejection with the call's label prepended to the
    /// message of the `Error` (other thrown values pass unchanged).
    pub fn finish(self, result: Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
        let end = now();
        let error = result.as_ref().err().map(|e| {
            let message = crate::error::js_message(e);
            if e.is_instance_of::<js_sys::Error>() {
                let text = format!("{}: {message}", self.label);
                // Error objects made by to_js_error are plain and writable.
                let _ = js_sys::Reflect::set(e, &"message".into(), &text.into());
            }
            message
        });
        let mut properties = vec![("call", self.label.as_str())];
        if let Some(message) = &error {
            properties.push(("error", message));
        }
        let name = format!("duckline {}", self.name);
        measure(&name, self.start, end, error.is_some(), &properties);
        if self.log {
            let outcome = error
                .as_deref()
                .map_or("ok".into(), |m| format!("failed: {m}"));
            info(&format!(
                "{} {:.1} ms, {outcome}",
                self.label,
                end - self.start
            ));
        }
        result
    }
}

/// The promise of a public call: `future`'s outcome through [`Call::finish`].
pub fn traced<F, T>(call: Call, future: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<T, JsValue>> + 'static,
    T: Into<JsValue>,
{
    wasm_bindgen_futures::future_to_promise(
        async move { call.finish(future.await.map(Into::into)) },
    )
}

/// Records the phase `name` of a call (e.g. `duckline read input`) from `start` until now.
pub fn phase(name: &str, start: f64) {
    measure(name, start, now(), false, &[]);
}
