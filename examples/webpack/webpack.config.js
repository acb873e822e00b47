// Nothing duckline-specific: webpack 5 emits duckline's worker, duckline_wasm_bg.wasm and DuckDB-WASM's
// worker and wasm because the package names them with new URL("./file", import.meta.url).
import path from "node:path";
import { fileURLToPath } from "node:url";
import HtmlWebpackPlugin from "html-webpack-plugin";

export default {
  entry: "./src/index.js",
  output: {
    path: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "dist"),
    clean: true,
  },
  plugins: [new HtmlWebpackPlugin({ template: "index.html" })],
  // DuckDB-WASM's wasm is 34 MB: silence the size hint meant for scripts users download per page.
  performance: { hints: false },
};
