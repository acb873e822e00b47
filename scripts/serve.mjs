#!/usr/bin/env node
// Static server for the duckline demo. No dependencies.
//
//   /            -> www/dist/
//   /pkg/        -> pkg/                                (`make pkg` output)
//   /duckdb/     -> node_modules/@duckdb/duckdb-wasm/dist/
//   /sample/     -> $DUCKLINE_SAMPLE_DIR (default ../shared/data/nycflights13 from the repo root)
//
// Usage: PORT=8080 node scripts/serve.mjs   (binds 127.0.0.1; OPFS needs a secure context, which
// 127.0.0.1 is). Tests import { startServer } and pass { port: 0 } for a free port.

import { createServer } from 'node:http';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The URL prefix -> directory table, resolved against the repository root. */
export function defaultMounts(env = process.env) {
  const sample = env.DUCKLINE_SAMPLE_DIR
    ? path.resolve(env.DUCKLINE_SAMPLE_DIR)
    : path.resolve(REPO_ROOT, '../shared/data/nycflights13');
  return [
    ['/pkg/', path.join(REPO_ROOT, 'pkg')],
    ['/duckdb/', path.join(REPO_ROOT, 'node_modules/@duckdb/duckdb-wasm/dist')],
    ['/sample/', sample],
    ['/', path.join(REPO_ROOT, 'www/dist')],
  ];
}

/** Maps a request path to a file path inside one of the mounts, or null (never escapes a mount). */
function resolvePath(mounts, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  for (const [prefix, dir] of mounts) {
    if (!decoded.startsWith(prefix)) continue;
    let rel = decoded.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    return file;
  }
  return null;
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

async function handle(mounts, req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    return;
  }
  const url = new URL(req.url, 'http://localhost');
  const file = resolvePath(mounts, url.pathname);
  if (!file) {
    send(res, 404, 'not found\n');
    return;
  }
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    send(res, 404, `not found: ${url.pathname}\n`);
    return;
  }
  if (stat.isDirectory()) {
    send(res, 301, '', { Location: url.pathname.replace(/\/?$/, '/') });
    return;
  }
  const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': stat.size,
    // A development server: the page, the wasm and the sample change between builds.
    'Cache-Control': 'no-cache',
    'Last-Modified': stat.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * Starts the static server on 127.0.0.1.
 * @param {{ port?: number, host?: string, mounts?: [string, string][] }} [options]
 *   port 0 picks a free port.
 * @returns {Promise<{ server: import('node:http').Server, port: number, url: string, close: () => Promise<void> }>}
 *   rejects (code EADDRINUSE) when the port is taken.
 */
export function startServer({ port = 8080, host = '127.0.0.1', mounts = defaultMounts() } = {}) {
  // resolvePath compares against normalised paths: a mount given as `a/../b` must match too.
  mounts = mounts.map(([prefix, dir]) => [prefix, path.resolve(dir)]);
  const server = createServer((req, res) => {
    handle(mounts, req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, `internal error: ${err.message}\n`);
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = server.address().port;
      resolve({
        server,
        port: actual,
        url: `http://${host}:${actual}/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const raw = process.env.PORT ?? '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`duckline demo: invalid PORT ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  for (const [prefix, dir] of defaultMounts()) {
    try {
      await fs.access(dir);
    } catch {
      console.warn(`duckline demo: warning: ${dir} (served at ${prefix}) does not exist`);
    }
  }
  try {
    const { url } = await startServer({ port });
    console.log(`duckline demo: ${url}`);
  } catch (err) {
    if (err.code === 'EADDRINUSE') {
      console.error(`duckline demo: port ${port} on 127.0.0.1 is already in use; set PORT to another port`);
    } else {
      console.error(`duckline demo: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    }
    process.exit(1);
  }
}
