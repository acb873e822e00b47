// The package's declarations: the classes and every data shape are wasm-bindgen's, rendered from
// the Rust types (duckline_wasm.d.ts); only init() differs, since duckline.js loads the module in
// its worker and resolves to nothing.
import type { InitInput } from "./duckline_wasm.js";

export type * from "./duckline_wasm.js";
export { Diff, Table, Workspace } from "./duckline_wasm.js";

/**
 * Loads duckline: starts its worker and the wasm module in it. `input`: where
 * `duckline_wasm_bg.wasm` is (URL, compiled module or bytes); default the file next to the
 * package's JS, which bundlers emit. Rejects when the worker or the module fails to load.
 */
export default function init(input?: InitInput | { module_or_path: InitInput | Promise<InitInput> }): Promise<void>;
