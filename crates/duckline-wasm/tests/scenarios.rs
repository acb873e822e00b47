//! The core's scenario suite in headless Chromium: DuckDB-WASM 1.32.0 (DuckDB 1.4.3) and real OPFS.
//!
//! Needs `scripts/build-js-assets.sh` (glue bundle, `/vendor/` DuckDB-WASM files) and
//! `vendor/data/flights.csv` (copied by the Makefile); run with `make test-browser`.
#![cfg(target_arch = "wasm32")]

use duckline_core::scenarios::Harness;
use duckline_wasm::engine::{DuckDbBundles, EngineOptions, WasmEngine};
use duckline_wasm::opfs::OpfsStore;
use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

fn origin() -> String {
    let location = Reflect::get(&js_sys::global(), &"location".into()).expect("location");
    Reflect::get(&location, &"origin".into())
        .expect("origin")
        .as_string()
        .expect("string")
}

async fn call_promise(target: &JsValue, method: &str, arg: Option<&JsValue>) -> JsValue {
    let f: Function = Reflect::get(target, &method.into())
        .expect(method)
        .dyn_into()
        .expect("function");
    let p = match arg {
        Some(a) => f.call1(target, a),
        None => f.call0(target),
    }
    .expect(method);
    JsFuture::from(p.dyn_into::<Promise>().expect("promise"))
        .await
        .expect(method)
}

/// One scenario's platform: its own OPFS folder (emptied first); every `engine()` a new
/// DuckDB-WASM worker, as a new tab would have.
struct Browser {
    folder: String,
}

async fn browser(scenario: &str) -> Browser {
    let folder = format!("scenario-{scenario}");
    if let Ok(store) = OpfsStore::open(&folder).await {
        store.remove_all().await.expect("clean OPFS folder");
    }
    Browser { folder }
}

impl Harness for Browser {
    type Engine = WasmEngine;
    type Store = OpfsStore;

    async fn engine(&self) -> WasmEngine {
        let bundles = DuckDbBundles::in_folder(&format!("{}/vendor", origin()));
        let options = EngineOptions {
            memory_limit_mb: None,
            instantiate_timeout_ms: Some(60_000),
            ..EngineOptions::default()
        };
        WasmEngine::from_bundles(&bundles, &options)
            .await
            .expect("DuckDB-WASM")
    }

    async fn store(&self) -> OpfsStore {
        OpfsStore::open(&self.folder).await.expect("OPFS store")
    }

    async fn data(&self, name: &str) -> Vec<u8> {
        let url = JsValue::from_str(&format!("{}/vendor/data/{name}", origin()));
        let response = call_promise(&js_sys::global(), "fetch", Some(&url)).await;
        let ok = Reflect::get(&response, &"ok".into()).expect("ok").as_bool() == Some(true);
        assert!(
            ok,
            "fetch {url:?} failed: copy the data with `make vendor-data`"
        );
        Uint8Array::new(&call_promise(&response, "arrayBuffer", None).await).to_vec()
    }

    /// Every 4th fault point of the run (each costs ~4 s on OPFS; all 81 run natively).
    fn fault_stride(&self) -> u32 {
        4
    }
}

duckline_core::scenario_tests!(browser: browser);
