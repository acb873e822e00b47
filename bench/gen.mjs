#!/usr/bin/env node
// Deterministic generator of the benchmark's messy CSV (../shared/DESIGN.md, "Performance
// targets"; issue 4): <rows> rows x 30 columns with names carrying stray and doubled spaces in
// mixed case, birth dates in four formats (1985-03-15, 03/15/1985, 15.03.1985, Mar 15, 1985),
// currency strings ($1,234.56, (500), -$12.00), account numbers of 4-10 digits, integers,
// doubles, booleans, other text, ~5% empty (NULL) cells and ~1% exact duplicate rows.
//
// The same (rows, seed) always gives the same bytes. No dependencies.
//
//   node bench/gen.mjs [--rows 1000000] [--seed 42] [--out bench/data]   -> prints the file path
//
// The runner imports ensureData(): the file is written once (to a temporary name, then renamed)
// and reused while it exists. bench/data/ is gitignored: never commit generated files.

import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when the output of a given (rows, seed) changes: the file name carries it. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 42;
export const DATA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data');

export const COLUMNS = [
  'customer_id', 'name', 'email', 'birth_date', 'signup_date', 'account', 'balance', 'salary',
  'amount', 'score', 'quantity', 'visits', 'is_active', 'newsletter', 'city', 'state', 'zip',
  'phone', 'country', 'category', 'status', 'company', 'department', 'job_title', 'rating',
  'discount', 'tax_rate', 'last_login', 'code', 'notes',
];

const NULL_RATE = 0.05;
const DUPLICATE_RATE = 0.01;
const DUPLICATE_WINDOW = 4096;

/** sfc32 seeded through splitmix32: fast, deterministic, good enough for test data. */
function rng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  return next;
}

const FIRST = ['john', 'mary', 'james', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william',
  'elizabeth', 'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'carlos',
  'maria', 'wei', 'li', 'ahmed', 'fatima', 'olga', 'ivan', 'yuki', 'hiroshi', 'amara', 'kwame', 'sofia',
  'lucas', 'emma', 'noah', 'olivia', 'liam', 'ava', 'mia', 'ethan', 'zoe'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez',
  'martinez', 'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore',
  'jackson', 'martin', 'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez',
  'lewis', 'robinson', 'walker', 'young', 'allen', 'king', 'wright', 'scott', 'torres', 'nguyen', 'hill',
  "o'neil", 'van der berg', 'müller', 'dubois', 'rossi', 'kowalski'];
const CITIES = ['new york', 'los angeles', 'chicago', 'houston', 'phoenix', 'philadelphia', 'san antonio',
  'san diego', 'dallas', 'austin', 'seattle', 'denver', 'boston', 'portland', 'miami', 'atlanta'];
const STATES = ['NY', 'CA', 'IL', 'TX', 'AZ', 'PA', 'WA', 'CO', 'MA', 'OR', 'FL', 'GA'];
const COUNTRIES = ['USA', 'United States', 'US', 'Canada', 'Mexico', 'UK', 'Germany', 'France'];
const CATEGORIES = ['retail', 'wholesale', 'online', 'partner', 'enterprise', 'smb', 'government'];
const STATUSES = ['active', 'inactive', 'pending', 'closed', 'suspended'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises',
  'Wonka Inc', 'Soylent', 'Tyrell Corp', 'Cyberdyne', 'Vandelay Industries'];
const DEPARTMENTS = ['sales', 'marketing', 'engineering', 'finance', 'hr', 'legal', 'support', 'operations'];
const TITLES = ['manager', 'analyst', 'engineer', 'director', 'associate', 'consultant', 'specialist', 'vp'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WORDS = ['call', 'back', 'prefers', 'email', 'vip', 'late', 'payment', 'moved', 'address', 'updated',
  'duplicate?', 'check', 'account', 'new', 'lead', 'from', 'trade', 'show', 'referral', 'note'];

/** `"1234567.89"` -> `"1,234,567.89"` (non-negative input). */
function group(fixed) {
  const dot = fixed.indexOf('.');
  let int = fixed.slice(0, dot);
  let out = '';
  while (int.length > 3) {
    out = `,${int.slice(-3)}${out}`;
    int = int.slice(0, -3);
  }
  return int + out + fixed.slice(dot);
}

const pad2 = (n) => (n < 10 ? `0${n}` : `${n}`);

/** CSV field: quoted when it has a comma, quote, newline or leading/trailing space. */
function field(v) {
  if (v === null) return '';
  if (/[",\n\r]|^\s|\s$/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

function makeRowGenerator(seed) {
  const r = rng(seed);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (a) => a[Math.floor(r() * a.length)];
  const cased = (s) => {
    const x = r();
    if (x < 0.4) return s.replace(/(^|[\s'-])(\p{L})/gu, (_, p, c) => p + c.toUpperCase());
    if (x < 0.6) return s.toUpperCase();
    if (x < 0.8) return s;
    return s.replace(/\p{L}/gu, (c) => (r() < 0.5 ? c.toUpperCase() : c));
  };
  const money = (max) => {
    const v = r() * max;
    const x = r();
    const fixed = v.toFixed(2);
    const grouped = group(fixed);
    if (x < 0.45) return `$${grouped}`;
    if (x < 0.6) return `(${Math.round(v)})`;
    if (x < 0.7) return `-$${grouped}`;
    if (x < 0.85) return fixed;
    return `${grouped} USD`;
  };
  const name = () => {
    let s = `${pick(FIRST)} ${pick(LAST)}`;
    if (r() < 0.15) s = `${pick(FIRST)} ${pick(FIRST)[0]}. ${pick(LAST)}`;
    s = cased(s);
    if (r() < 0.2) s = s.replace(' ', '  ');
    if (r() < 0.25) s = ' '.repeat(int(1, 3)) + s;
    if (r() < 0.25) s += ' '.repeat(int(1, 3));
    return s;
  };
  const birth = () => {
    const y = int(1935, 2010);
    const m = int(1, 12);
    const d = int(1, 28);
    const x = r();
    if (x < 0.4) return `${y}-${pad2(m)}-${pad2(d)}`;
    if (x < 0.7) return `${pad2(m)}/${pad2(d)}/${y}`;
    if (x < 0.85) return `${pad2(d)}.${pad2(m)}.${y}`;
    return `${MONTHS[m - 1]} ${d}, ${y}`;
  };
  const values = () => [
    () => String(int(100000, 9999999)),
    name,
    () => `${pick(FIRST)}.${pick(LAST).replace(/[^a-z]/g, '')}${int(1, 999)}@${pick(['gmail.com', 'example.org', 'Yahoo.com', 'corp.example'])}`,
    birth,
    () => `${int(2015, 2024)}-${pad2(int(1, 12))}-${pad2(int(1, 28))}`,
    () => String(int(1, 9)) + Array.from({ length: int(3, 9) }, () => int(0, 9)).join(''),
    () => money(20000),
    () => money(250000),
    () => (r() * 10000 - 2000).toFixed(int(1, 4)),
    () => (r() * 100).toFixed(3),
    () => String(int(0, 500)),
    () => String(int(0, 100000)),
    () => (r() < 0.7 ? 'true' : 'false'),
    () => (r() < 0.4 ? 'true' : 'false'),
    () => cased(pick(CITIES)),
    () => (r() < 0.8 ? pick(STATES) : pick(STATES).toLowerCase()),
    () => String(int(501, 99950)).padStart(5, '0'),
    () => {
      const [a, b, c] = [int(200, 999), int(200, 999), int(1000, 9999)];
      return pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `${a}${b}${c}`]);
    },
    () => pick(COUNTRIES),
    () => cased(pick(CATEGORIES)),
    () => pick(STATUSES),
    () => (r() < 0.2 ? ` ${pick(COMPANIES)}` : pick(COMPANIES)),
    () => cased(pick(DEPARTMENTS)),
    () => cased(pick(TITLES)),
    () => String(int(1, 5)),
    () => (r() * 0.5).toFixed(2),
    () => (r() * 0.12).toFixed(4),
    () => `${int(2022, 2025)}-${pad2(int(1, 12))}-${pad2(int(1, 28))} ${pad2(int(0, 23))}:${pad2(int(0, 59))}:${pad2(int(0, 59))}`,
    () => `${String.fromCharCode(65 + int(0, 25))}${String.fromCharCode(65 + int(0, 25))}-${int(1000, 9999)}`,
    () => Array.from({ length: int(2, 9) }, () => pick(WORDS)).join(pick([' ', '  ', ', '])),
  ];
  const gens = values();
  const recent = [];
  return () => {
    if (recent.length > 0 && r() < DUPLICATE_RATE) return recent[Math.floor(r() * recent.length)];
    const line = gens.map((g) => (r() < NULL_RATE ? '' : field(g()))).join(',');
    if (recent.length < DUPLICATE_WINDOW) recent.push(line);
    else recent[Math.floor(r() * DUPLICATE_WINDOW)] = line;
    return line;
  };
}

/** Path of the CSV for (rows, seed), without writing it. */
export function dataPath(rows, seed = DEFAULT_SEED, dir = DATA_DIR) {
  return path.join(dir, `messy-v${GENERATOR_VERSION}-s${seed}-${rows}.csv`);
}

/** Writes the CSV for (rows, seed) unless it exists; resolves to its path. */
export async function ensureData(rows, seed = DEFAULT_SEED, dir = DATA_DIR) {
  const file = dataPath(rows, seed, dir);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const next = makeRowGenerator(seed);
  const write = (s) => (out.write(s) ? null : new Promise((res) => out.once('drain', res)));
  await write(`${COLUMNS.join(',')}\n`);
  const BLOCK = 5000;
  for (let i = 0; i < rows; i += BLOCK) {
    const n = Math.min(BLOCK, rows - i);
    const lines = new Array(n);
    for (let j = 0; j < n; j++) lines[j] = next();
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
  renameSync(tmp, file);
  return file;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : dflt;
  };
  const rows = Number(arg('rows', '1000000'));
  const seed = Number(arg('seed', String(DEFAULT_SEED)));
  const dir = path.resolve(arg('out', DATA_DIR));
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer`);
  const t0 = Date.now();
  const file = await ensureData(rows, seed, dir);
  console.error(`bench/gen: ${file} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(file);
}
