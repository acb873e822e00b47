// The whole duckline round trip, as an app would do it: import a CSV, apply two cleaning steps,
// undo one, page through the diff, then close and reopen the workspace from OPFS.
import init, { Workspace } from "duckline";
import type { DiffPage, StepInfo } from "duckline";

const CSV = "id,name,city\n1,  Ada ,London\n2,Grace  ,New York\n3,Linus,Helsinki\n";

export interface FlowResult {
  imported: number;
  trimmed: StepInfo;
  undone: StepInfo | null;
  diff: { modified: number; page: DiffPage };
  reopened: { position: number; stepCount: number; names: unknown[]; cities: unknown[] };
}

export async function runFlow(workspace = "example"): Promise<FlowResult> {
  await init(); // starts duckline's worker, which fetches duckline_wasm_bg.wasm; DuckDB-WASM starts in Workspace.open
  let ws = await Workspace.open({ name: workspace });
  if ((await ws.tables()).some((t) => t.name === "people")) await ws.dropTable("people");

  const table = await ws.importCsv("people", new TextEncoder().encode(CSV));
  const imported = (await table.info()).rowCount;
  const trimmed = await table.apply({ op: "trim", column: "name" });
  await table.apply({ op: "uppercase", column: "city" });
  const undone = await table.undo();

  const diff = await table.diff({ from: 0 });
  const page = await diff.page({ limit: 10 });
  const modified = diff.summary.modified;
  await diff.close();
  await ws.close();

  ws = await Workspace.open({ name: workspace });
  const again = await ws.table("people");
  const info = await again.info();
  const rows = await again.rows({ columns: ["name", "city"] });
  await ws.close();
  return {
    imported,
    trimmed,
    undone,
    diff: { modified, page },
    reopened: {
      position: info.position,
      stepCount: info.stepCount,
      names: rows.rows.map((r) => r[0]),
      cities: rows.rows.map((r) => r[1]),
    },
  };
}
