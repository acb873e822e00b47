//! Errors across the JS boundary: [`duckline_core::Error`] out as a JS `Error` with a `code`
//! property (API.md, "Errors"); JS exceptions and `DOMException`s in as text.

use duckline_core::Error;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

/// Turns a duckline error into the JS value a rejected promise carries: an `Error` whose `message`
/// is the error's text and whose `code` property is [`Error::code`] as a string (`"NotFound"`,
/// `"Engine"`, ... — see [`duckline_core::ErrorCode::as_str`]).
#[must_use]
pub fn to_js_error(e: Error) -> JsValue {
    let js = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh, unfrozen Error object cannot fail.
    let _ = js_sys::Reflect::set(
        &js,
        &JsValue::from_str("code"),
        &JsValue::from_str(e.code().as_str()),
    );
    js.into()
}

/// The human text of a thrown JS value: `message` of an `Error` or `DOMException` (prefixed by its
/// `name` for a `DOMException`), the string itself, or a debug rendering of anything else.
#[cfg(target_arch = "wasm32")]
pub(crate) fn js_message(value: &JsValue) -> String {
    if let Some(s) = value.as_string() {
        return s;
    }
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    let message = string_property(value, "message");
    match (dom_error_name(value), message) {
        (Some(name), Some(message)) => format!("{name}: {message}"),
        (None, Some(message)) => message,
        (Some(name), None) => name,
        (None, None) => format!("{value:?}"),
    }
}

/// The `name` of a thrown `DOMException` (or `Error`), e.g. `"QuotaExceededError"`, `"NotFoundError"`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn dom_error_name(value: &JsValue) -> Option<String> {
    string_property(value, "name")
}

#[cfg(target_arch = "wasm32")]
fn string_property(value: &JsValue, key: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}
