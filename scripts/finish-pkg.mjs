#!/usr/bin/env node
// Turns wasm-bindgen's output folder into the npm package `duckline` (run by `make pkg`, after
// wasm-bindgen, wasm-opt and the copy of DuckDB-WASM's eh bundle into <dir>/duckdb/):
//
//   node scripts/finish-pkg.mjs <dir>      (pkg or pkg-bench)
//
// - package.json: name, repository, keywords, `exports` with `types`, and a `files` list that holds
//   everything the package loads; version and license from the root Cargo.toml's
//   [workspace.package], so the crate and the package never disagree.
// - README.md: crates/duckline-wasm/README.md, the package page.
// - duckline_wasm.d.ts (wasm-bindgen's, re-exported by the entry's duckline.d.ts): wasm-bindgen drops the `?` of an optional parameter whose type is given with
//   unchecked_param_type (every `options` parameter of API.md is optional); and the lib its
//   `Symbol.dispose` members need is referenced.
// - Checks that every `new URL("<file>", import.meta.url)` of the package's JS names a file that
//   exists and that `files` ships: those are the assets bundlers emit, and a missing one only
//   shows as a 404 in someone else's app.

import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(process.argv[2] ?? 'pkg');

const FILES = [
  'duckline.js',
  'duckline.worker.js',
  'duckline.d.ts',
  'duckline_wasm.js',
  'duckline_wasm.d.ts',
  'duckline_wasm_bg.wasm',
  'duckline_wasm_bg.wasm.d.ts',
  'snippets/',
  'duckdb/',
  'README.md',
];

function fail(message) {
  console.error(`finish-pkg: ${message}`);
  process.exit(1);
}

/** `key = "value"` of the root Cargo.toml's [workspace.package] table. */
function workspacePackage(key) {
  const toml = readFileSync(path.join(REPO_ROOT, 'Cargo.toml'), 'utf8');
  const table = toml.split(/^\[workspace\.package\]$/m)[1]?.split(/^\[/m)[0] ?? '';
  const value = table.match(new RegExp(`^${key} = "([^"]+)"$`, 'm'))?.[1];
  if (!value) fail(`Cargo.toml [workspace.package] has no ${key}`);
  return value;
}

const pkgFile = path.join(dir, 'package.json');
const pkg = {
  name: 'duckline',
  version: workspacePackage('version'),
  description:
    'Data-cleaning workspace with time travel in the browser: DuckDB-WASM + Rust/WebAssembly, persisted in OPFS',
  license: workspacePackage('license'),
  repository: { type: 'git', url: 'git+https://github.com/duckline/duckline.git' },
  homepage: 'https://github.com/duckline/duckline#readme',
  keywords: ['duckdb', 'duckdb-wasm', 'wasm', 'webassembly', 'data-cleaning', 'csv', 'parquet', 'opfs', 'undo', 'diff'],
  type: 'module',
  main: './duckline.js',
  module: './duckline.js',
  types: './duckline.d.ts',
  exports: {
    '.': { types: './duckline.d.ts', default: './duckline.js' },
    // For apps that serve the assets themselves (`duckdbBundles`), e.g. Vite's `?url` imports.
    './duckline_wasm_bg.wasm': './duckline_wasm_bg.wasm',
    './duckdb/*': './duckdb/*',
    './package.json': './package.json',
  },
  files: FILES,
  sideEffects: ['./snippets/*'],
};
writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);

copyFileSync(path.join(REPO_ROOT, 'crates/duckline-wasm/README.md'), path.join(dir, 'README.md'));

const dts = path.join(dir, 'duckline_wasm.d.ts');
let declarations = readFileSync(dts, 'utf8').replace(/([(,] ?)options: /g, '$1options?: ');
// wasm-bindgen declares `[Symbol.dispose]()` on every class, which needs the esnext.disposable lib
// (TypeScript >= 5.2): name it here, or apps whose `lib` stops at ES2022 fail to type-check us.
const DISPOSABLE = '/// <reference lib="esnext.disposable" />\n';
if (declarations.includes('Symbol.dispose') && !declarations.startsWith(DISPOSABLE)) declarations = DISPOSABLE + declarations;
writeFileSync(dts, declarations);

// Every shipped file must exist, and every asset a module names must be shipped.
for (const f of FILES) {
  if (!existsSync(path.join(dir, f))) fail(`${dir}/${f} is missing`);
}
const shipped = (file) => FILES.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f));
function* jsFiles(folder) {
  for (const name of readdirSync(folder)) {
    const p = path.join(folder, name);
    if (statSync(p).isDirectory()) yield* jsFiles(p);
    else if (name.endsWith('.js') && !p.includes(`${path.sep}duckdb${path.sep}`)) yield p;
  }
}
const URL_RE = /new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
let assets = 0;
for (const js of jsFiles(dir)) {
  // Comment lines may quote the pattern (js/bundles.js does).
  const code = readFileSync(js, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*)/.test(line))
    .join('\n');
  for (const [, , rel] of code.matchAll(URL_RE)) {
    const target = path.resolve(path.dirname(js), rel);
    const inPkg = path.relative(dir, target).split(path.sep).join('/');
    if (!existsSync(target)) fail(`${path.relative(dir, js)} names ${rel}, which is not in ${dir}`);
    if (inPkg.startsWith('..') || !shipped(inPkg)) fail(`${path.relative(dir, js)} names ${inPkg}, which files does not ship`);
    assets += 1;
  }
}
if (assets < 4) fail(`expected the worker, the wasm, DuckDB's wasm and its worker as new URL(..., import.meta.url) assets, found ${assets}`);
console.log(`finish-pkg: ${dir} is the duckline ${pkg.version} package (${assets} bundler-visible assets)`);
