//! Checks that the generated JS glue exists before a wasm32 build needs it: the `wasm_bindgen`
//! macro reads `js/duckdb_glue.js` at compile time, and it is built by `scripts/build-js-assets.sh`
//! (not committed).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=js/duckdb_glue.js");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm && !Path::new("js/duckdb_glue.js").exists() {
        panic!(
            "crates/duckline-wasm/js/duckdb_glue.js is missing: run scripts/build-js-assets.sh (after npm ci)"
        );
    }
}
