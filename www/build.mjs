#!/usr/bin/env node
// Builds the duckline demo page into www/dist/: bundles www/src/main.js (with
// @tanstack/virtual-core) into app.js and copies index.html and style.css.
// The duckline package itself is loaded at run time from /pkg/duckline.js, so
// this build does not need pkg/ to exist.
//
//   node www/build.mjs            one build
//   node www/build.mjs --watch    rebuild on change

import * as esbuild from 'esbuild';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(WWW, 'dist');
const STATIC_FILES = ['index.html', 'style.css'];

/** Copies the static files next to the bundle. */
async function copyStatic() {
  await fs.mkdir(DIST, { recursive: true });
  for (const name of STATIC_FILES) {
    await fs.copyFile(path.join(WWW, name), path.join(DIST, name));
  }
}

const options = {
  entryPoints: [path.join(WWW, 'src/main.js')],
  outfile: path.join(DIST, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome120', 'firefox120', 'safari17'],
  sourcemap: true,
  minify: false,
  // The `make pkg` output is served by the same origin and imported at run time.
  external: ['/pkg/*'],
  logLevel: 'info',
  plugins: [
    {
      name: 'copy-static',
      setup(build) {
        build.onEnd(async (result) => {
          if (result.errors.length === 0) await copyStatic();
        });
      },
    },
  ],
};

if (process.argv.includes('--watch')) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('www: watching for changes');
} else {
  await fs.rm(DIST, { recursive: true, force: true });
  await esbuild.build(options);
}
