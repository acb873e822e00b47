// Every member of API.md that the package exports, and every op of COMMANDS.md with its example,
// must type-check under `tsc --strict` against the shipped declarations (make test-types).
import init, {
  Workspace,
  type ApplyRecipeOptions,
  type CallOptions,
  type Cluster,
  type ClusterOptions,
  type ColumnInfo,
  type DamagedManifest,
  type Command,
  type CompareOptions,
  type CsvDialect,
  type CsvOptions,
  type CsvPreview,
  type DecimalSeparator,
  type Diff,
  type DiffPage,
  type DiffPageOptions,
  type DiffStatus,
  type DiffSummary,
  type DucklineError,
  type ErrorCode,
  type ExportFormat,
  type ExportOptions,
  type JoinOptions,
  type MemoryInfo,
  type Progress,
  type Recipe,
  type RowPage,
  type RowsOptions,
  type StepInfo,
  type StorageInfo,
  type Table,
  type TableInfo,
  type Timeline,
  type WorkspaceOptions,
  type XlsxOptions,
} from "duckline";

// COMMANDS.md, in its order: every op once, with the parameters of its example.
export const commands: Command[] = [
  { op: "trim", column: "name" },
  { op: "collapse_spaces", column: "name" },
  { op: "lowercase", column: "name" },
  { op: "uppercase", column: "name" },
  { op: "title_case", column: "name" },
  { op: "sentence_case", column: "name" },
  { op: "remove_accents", column: "city" },
  { op: "remove_non_printable", column: "name" },
  { op: "replace", column: "greeting", find: "hello", replaceWith: "hi", match: "contains", caseSensitive: false },
  { op: "replace", column: "code", find: "(\\d+)-(\\d+)", replaceWith: "$2-$1", match: "regex" },
  { op: "replace_empty", column: "city", value: "unknown" },
  { op: "pad_zeros", column: "zip", length: 5 },
  { op: "standardize_date", column: "born", order: "dmy" },
  { op: "standardize_date", column: "born", format: "%d.%m.%Y" },
  { op: "calculate_age", column: "born", asOf: "2024-01-01", newColumn: "age" },
  { op: "calculate_age", column: "born" },
  { op: "unformat_currency", column: "amount" },
  { op: "fix_negatives", column: "amount" },
  { op: "cast_type", column: "amount", type: "DECIMAL(10,2)" },
  { op: "fill_down", column: "region" },
  { op: "edit_cell", rowId: 3, column: "name", value: "x" },
  { op: "edit_cell", rowId: 3, column: "amount", value: null },
  { op: "hash", column: "email", secret: "k3y" },
  { op: "redact", column: "ssn" },
  { op: "mask", column: "name" },
  { op: "last4", column: "card" },
  { op: "year_only", column: "born" },
  { op: "split_column", column: "full_name", delimiter: " ", maxParts: 2 },
  { op: "split_column", column: "tags", delimiter: "," },
  { op: "combine_columns", columns: ["first", "last"], separator: " ", newColumn: "full_name" },
  { op: "combine_columns", columns: ["first", "last"], newColumn: "full_name" },
  { op: "add_column", name: "note" },
  { op: "add_column", name: "score", type: "INTEGER", value: 0 },
  { op: "delete_column", column: "note" },
  { op: "rename_column", column: "dest", newName: "destination" },
  { op: "reorder_columns", columns: ["b", "a"] },
  { op: "remove_duplicates" },
  { op: "remove_duplicates", columns: ["name", "email"] },
  { op: "delete_rows", rowIds: [1, 2] },
  { op: "insert_row", after: null },
  { op: "insert_row", after: 7, values: { name: "Ann", age: 31 } },
  { op: "filter_rows", column: "age", operator: ">=", value: 18 },
  { op: "filter_rows", column: "email", operator: "is_null", keep: false },
  { op: "custom_sql", sql: "UPDATE {table} SET amount = amount * 100 WHERE currency = 'EUR'" },
  { op: "mass_edit", column: "city", edits: [{ from: ["NYC", "New York City"], to: "New York" }] },
];

// A Command narrows by its op.
export function describe(command: Command): string {
  switch (command.op) {
    case "pad_zeros":
      return `${command.column} to ${command.length.toFixed(0)}`;
    case "delete_rows":
      return command.rowIds.map((id: number) => id.toString()).join(",");
    default:
      return command.op;
  }
}

export async function everyMember(bytes: Uint8Array, file: File): Promise<void> {
  await init();
  const options: WorkspaceOptions = { name: "demo", storage: "memory", memoryLimitMb: 512, logLevel: "debug" };
  const ws: Workspace = await Workspace.open(options);
  await Workspace.open();
  const wsName: string = ws.name;
  const csv: CsvOptions = { delimiter: ";", header: true, quote: '"', nullStrings: ["NA"] };
  const t: Table = await ws.importCsv("people", bytes, csv);
  await ws.importCsv("more", file);
  await ws.importParquet("flights", file);
  await ws.importCsv("typed", new Blob(["a,b\n1,2\n"]));
  const european: CsvOptions = { encoding: "windows-1252", skipRows: 2, decimalSeparator: ",", dateFormat: "%d/%m/%Y" };
  const preview: CsvPreview = await ws.previewCsv(bytes, european);
  await ws.previewCsv(file);
  const guessed: CsvDialect = preview.options;
  const decimal: DecimalSeparator = guessed.decimalSeparator;
  const previewFacts: string = guessed.encoding + guessed.delimiter + String(guessed.header) + String(guessed.skipRows) + decimal + preview.columns.map((c) => c.name + c.type).join() + String(preview.rows[0]?.[0]);
  await ws.importCsv("european", bytes, preview.options);
  const fromJson: Table = await ws.importJson("events", file);
  await ws.importJson("events2", bytes, { signal: new AbortController().signal });
  const sheet: XlsxOptions = { sheet: "Data" };
  const fromXlsx: Table = await ws.importXlsx("book", file, sheet);
  await ws.importXlsx("book2", bytes);
  await ws.importXlsx("book3", bytes, { ...sheet, onProgress: (p: Progress) => p.fraction });
  const xlsxOut: Uint8Array = await fromXlsx.export("xlsx");
  const asFormat: ExportFormat = "xlsx";
  void [fromJson.name, xlsxOut.length, asFormat];
  const tables: TableInfo[] = await ws.tables();
  const same: Table = await ws.table("people");
  const stacked: Table = await ws.stack("all", ["people", "more"]);
  const join: JoinOptions = { left: "people", right: "more", on: ["id"], how: "left" };
  await ws.join("joined", join);
  const keys: CompareOptions = { keys: ["id"] };
  const compared: Diff = await ws.compare("people", "more", keys);
  const damaged: DamagedManifest[] = await ws.damagedManifests();
  const damagedFirst: string = damaged.length > 0 ? `${damaged[0].path} ${damaged[0].generation} ${damaged[0].reason}` : "";
  const storage: StorageInfo = await ws.storage();
  const storageFigures: number = storage.files + storage.bytes + storage.usageBytes + storage.quotaBytes;
  const memory: MemoryInfo = await ws.memory();
  const tableBytes: number = memory.duckdbBytes + memory.tables.reduce((n, m) => n + m.bytes, 0);

  const tableName: string = t.name;
  const info: TableInfo = await t.info();
  const column: ColumnInfo = info.columns[0];
  const counts: number = info.rowCount + info.position + info.stepCount;
  const imported: string | undefined = info.csv?.encoding;
  const abort = new AbortController();
  const call: CallOptions = { signal: abort.signal, onProgress: (p: Progress) => p.fraction };
  const phase: "capture" | "execute" | "persist" = ({ phase: "capture", fraction: 0 } as Progress).phase;
  await ws.importCsv("called", bytes, { ...csv, ...call });
  await ws.importParquet("called2", file, call);
  for (const command of commands) {
    const step: StepInfo = await t.apply(command, call);
    const tier: 1 | 2 | 3 = step.tier;
    const figures: number = step.index + step.rowsAffected + step.bytesWritten + step.durationMs;
    const text: string = step.label + step.warnings.join() + step.command.op + tier + figures;
  }
  const undone: StepInfo | null = await t.undo();
  const redone: StepInfo | null = await t.redo();
  await t.undo(call);
  await t.redo({ signal: abort.signal });
  await t.goto(0);
  await t.goto(1, call);
  const timeline: Timeline = await t.timeline();
  const lastStep: StepInfo | undefined = timeline.steps[timeline.position - 1];
  const rowsOptions: RowsOptions = { after: null, limit: 500, columns: ["name"] };
  const page: RowPage = await t.rows(rowsOptions);
  const next: RowPage = await t.rows({ after: page.nextCursor, limit: 10 });
  const jump: RowPage = await t.rowsAt(1000, { limit: 50, columns: ["name"] });
  const firstId: number = page.rowIds[0];
  const cell: unknown = page.rows[0][0];
  const clusterOptions: ClusterOptions = { column: "city", method: "knn", distance: "levenshtein", radius: 1, blockingNgramSize: 6 };
  const clusters: Cluster[] = await t.clusters(clusterOptions);
  await t.clusters({ column: "city", method: "ngram", ngramSize: 2 });
  const suggestion: string = clusters[0].values[0].value + clusters[0].values[0].count + clusters[0].key;
  const diff: Diff = await t.diff({ from: 0 });
  await t.diff();
  await t.diff({ from: 1, ...call });
  const summary: DiffSummary = diff.summary;
  const changed: number = summary.added + summary.removed + summary.modified + summary.unchanged;
  const cells: number = summary.columns[0].changedCells;
  const kind: "added" | "removed" | "renamed" | "retyped" = summary.schemaChanges[0].kind;
  const detail: string | undefined = summary.schemaChanges[0].detail;
  const statuses: DiffStatus[] = ["added", "removed", "modified"];
  const diffOptions: DiffPageOptions = { after: null, limit: 100, statuses, columns: ["name"] };
  const diffPage: DiffPage = await diff.page(diffOptions);
  const row = diffPage.rows[0];
  const rowFacts: string = row.status + row.rowId + row.changed.join() + String(row.before?.[0]) + String(row.after?.[0]);
  await diff.pageAt(10, { limit: 5 });
  await diff.close();
  await compared.close();
  const format: ExportFormat = "parquet";
  const exported: Uint8Array = await t.export("csv");
  await t.export(format);
  const exportOptions: ExportOptions = { delimiter: ";", bom: true };
  await t.export("csv", exportOptions);
  await t.export("csv", call);
  await t.export("csv", { ...exportOptions, ...call });
  const recipe: Recipe = await t.recipe();
  const version: 1 = recipe.version;
  const secrets: ApplyRecipeOptions = { secrets: ["k3y"] };
  const applied: StepInfo[] = await same.applyRecipe(recipe, secrets);
  await same.applyRecipe({ version: 1, steps: commands });
  await same.applyRecipe(recipe, { ...secrets, ...call });
  await ws.dropTable("all");
  await ws.close();

  try {
    await ws.table("nope");
  } catch (e) {
    const code: ErrorCode = (e as DucklineError).code;
    const known: boolean = code === "NotFound" || code === "InvalidCommand";
  }
  void [wsName, stacked, storageFigures, tableBytes, tableName, column, counts, undone, redone,
    lastStep, next, jump, firstId, cell, suggestion, changed, cells, kind, detail, rowFacts,
    exported, version, applied, tables];
}
