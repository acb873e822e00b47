// make test-types: good.ts must type-check under `tsc --strict` against the package's declarations,
// and bad.ts must fail with exactly the errors its `// expect TSnnnn text` markers name, line by line.
// Usage: node tests/types/check.mjs [path/to/duckline.d.ts] (default pkg/duckline.d.ts).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const declarations = resolve(process.argv[2] ?? join(root, "pkg/duckline.d.ts"));
const tsc = join(root, "node_modules/typescript/bin/tsc");
const scratch = mkdtempSync(join(tmpdir(), "duckline-types-"));

/** Runs tsc on one file of this folder; returns its exit status and output. */
function check(file) {
  const config = join(scratch, `${file}.json`);
  writeFileSync(config, JSON.stringify({
    extends: join(here, "tsconfig.json"),
    compilerOptions: { paths: { duckline: [declarations] } },
    files: [join(here, file)],
  }));
  try {
    return { status: 0, output: execFileSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { encoding: "utf8" }) };
  } catch (e) {
    return { status: e.status, output: `${e.stdout}${e.stderr}` };
  }
}

let failed = false;
try {
  const good = check("good.ts");
  if (good.status !== 0) {
    console.error(`good.ts does not type-check against ${declarations}:\n${good.output}`);
    failed = true;
  }

  // `// expect TSnnnn text`: line -> [code, text the error's message must contain].
  const expected = new Map();
  readFileSync(join(here, "bad.ts"), "utf8").split("\n").forEach((line, i) => {
    const m = line.match(/\/\/ expect (TS\d+) (.+)$/);
    if (m) expected.set(i + 1, [m[1], m[2]]);
  });
  const bad = check("bad.ts");
  // One entry per error: its line, code and whole message (tsc indents continuation lines).
  const found = [];
  for (const line of bad.output.split("\n")) {
    const m = line.match(/bad\.ts\((\d+),\d+\): error (TS\d+): (.*)$/);
    if (m) found.push({ line: Number(m[1]), code: m[2], text: m[3] });
    else if (found.length > 0 && /^\s/.test(line)) found.at(-1).text += `\n${line}`;
  }
  if (bad.status === 0 || expected.size === 0) {
    console.error("bad.ts type-checks, or names no expected error: the check would pass vacuously");
    failed = true;
  }
  for (const [line, [code, text]] of expected) {
    if (!found.some((f) => f.line === line && f.code === code && f.text.includes(text))) {
      console.error(`bad.ts line ${line}: no ${code} containing ${text}`);
      failed = true;
    }
  }
  for (const f of found.filter((f) => !expected.has(f.line))) {
    console.error(`bad.ts line ${f.line}: unexpected ${f.code}`);
    failed = true;
  }
  if (failed) console.error(bad.output);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log(`types: good.ts checks and bad.ts fails exactly as marked, against ${declarations}`);
