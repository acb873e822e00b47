//! duckline-wasm: the npm package.
