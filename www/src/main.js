// duckline demo page: opens the "demo" workspace, imports data, shows a table in a virtualized
// grid, applies commands, walks the timeline and shows diffs. Only the API in shared/API.md is
// used. Every duckline call goes through `run` (one at a time, `body[data-busy]` while running).

import { h, byTestId, fmtBytes, fmtInt, fmtMs } from './util.js';
import {
  cancelCurrent,
  cancellable,
  clearError,
  duckdbBundles,
  loadDuckline,
  mark,
  metrics,
  run,
  setStatus,
  showError,
  showMessage,
  timed,
} from './runtime.js';
import { Grid } from './grid.js';
import { CommandForms } from './forms.js';
import { TimelineView } from './timeline.js';
import { DiffView } from './diff.js';
import { ClusterDialog } from './clusters.js';
import { ImportDialog } from './importer.js';
import { StoragePanel } from './storage.js';

const WORKSPACE = 'demo';
const SAMPLE_URL = '/sample/flights.csv';
const SAMPLE_TABLE = 'flights';
const LAST_TABLE_KEY = 'duckline-demo:last-table';

/** Page state; also reachable as `window.__duckline.state` for debugging and tests. */
const state = {
  ws: null,
  tables: [],
  table: null,
  info: null,
  timeline: null,
};
window.__duckline = { state, metrics };

const el = {
  tableList: byTestId('table-list'),
  loadSample: byTestId('load-sample'),
  importName: byTestId('import-name'),
  fileInput: byTestId('file-input'),
  importMessage: byTestId('import-message'),
  storageRefresh: byTestId('storage-refresh'),
  tableName: byTestId('table-name'),
  rowCount: byTestId('row-count'),
  columnCount: byTestId('column-count'),
  undo: byTestId('undo'),
  redo: byTestId('redo'),
  selectedRowId: byTestId('selected-row-id'),
  exportCsv: byTestId('export-csv'),
  exportParquet: byTestId('export-parquet'),
  exportXlsx: byTestId('export-xlsx'),
  exportBom: byTestId('export-bom'),
  importSheet: byTestId('import-sheet'),
  recipeDownload: byTestId('recipe-download'),
  recipeUpload: byTestId('recipe-upload'),
  recipeFile: byTestId('recipe-file'),
  dropTable: byTestId('drop-table'),
  cancel: byTestId('cancel'),
  errorDismiss: byTestId('error-dismiss'),
};

const grid = new Grid(byTestId('grid'), {
  onSelect: (rowId) => {
    el.selectedRowId.textContent = rowId === null ? 'none' : String(rowId);
  },
  onEdit: ({ rowId, column, value }) => applyCommand({ op: 'edit_cell', rowId, column, value }, forms.message),
});
const forms = new CommandForms(document.getElementById('command-forms'), {
  onApply: (command, messageEl) => applyCommand(command, messageEl),
  getSelectedRowId: () => grid.selected,
});
const clusterDialog = new ClusterDialog(document.getElementById('clusters'), {
  onFind: (query, messageEl) => findClusters(query, messageEl),
  onMerge: (command, messageEl) => applyCommand(command, messageEl),
});
const importDialog = new ImportDialog(document.getElementById('import-dialog'), {
  onPreview: (file, options, messageEl) =>
    run('Reading the CSV', () => timed('previewCsv', () => state.ws.previewCsv(file, options)), { messageEl, quiet: true }),
  onImport: (file, options, messageEl) => importCsvFile(file, options, messageEl),
});
const openClusters = h('button', {
  type: 'button',
  'data-testid': 'open-clusters',
  text: 'Cluster & merge values…',
  hidden: true,
  onclick: () => clusterDialog.open(),
});
forms.extra.append(openClusters);
const timelineView = new TimelineView(document.getElementById('timeline'), {
  onGoto: (position) => gotoPosition(position),
});
const diffView = new DiffView(document.getElementById('diff-view'));
const storagePanel = new StoragePanel(document.getElementById('storage'));

// ---------------------------------------------------------------------------------------------
// Rendering of the table list and the table header.

function renderTableList() {
  el.tableList.replaceChildren(
    ...state.tables.map((t) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: state.table && state.table.name === t.name ? 'table-item current' : 'table-item',
            'data-testid': 'table-item',
            'data-name': t.name,
            onclick: () => selectTable(t.name),
          },
          h('span', { class: 'name', text: t.name }),
          h('span', { class: 'meta', text: `${fmtInt(t.rowCount)} rows · ${t.columns.length} cols` }),
        ),
      ),
    ),
  );
  if (!state.tables.length) el.tableList.append(h('li', { class: 'empty', text: 'No tables yet: import one.' }));
}

function renderTableHead() {
  const { info, timeline } = state;
  el.tableName.textContent = info ? info.name : 'No table';
  el.rowCount.textContent = info ? fmtInt(info.rowCount) : '';
  el.rowCount.dataset.value = info ? String(info.rowCount) : '';
  el.columnCount.textContent = info ? String(info.columns.length) : '';
  el.rowCount.parentElement.hidden = !info;
  const hasTable = Boolean(state.table);
  el.undo.disabled = !hasTable || !timeline || timeline.position === 0;
  el.redo.disabled = !hasTable || !timeline || timeline.position >= timeline.steps.length;
  // Export, recipes and clusters arrive with the full command catalogue; until the package has
  // them, their controls hide (feature detection: a missing member never breaks the page).
  const canExport = hasTable && has(state.table, 'export');
  el.exportCsv.hidden = el.exportParquet.hidden = el.exportXlsx.hidden = !canExport;
  el.exportCsv.disabled = el.exportParquet.disabled = el.exportXlsx.disabled = !canExport;
  el.exportBom.closest('label').hidden = !canExport;
  const canRecipe = hasTable && has(state.table, 'recipe');
  el.recipeDownload.hidden = el.recipeDownload.disabled = !canRecipe;
  const canApplyRecipe = hasTable && has(state.table, 'applyRecipe');
  el.recipeUpload.hidden = el.recipeUpload.disabled = !canApplyRecipe;
  const canCluster = hasTable && has(state.table, 'clusters');
  openClusters.hidden = openClusters.disabled = !canCluster;
  if (!canCluster) clusterDialog.close();
  el.dropTable.disabled = !hasTable;
  forms.setEnabled(hasTable);
}

/** Whether `obj` has a callable member `name` (optional API members are feature-detected). */
function has(obj, name) {
  try {
    return Boolean(obj) && typeof obj[name] === 'function';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers used inside queued actions (they do not queue themselves).

async function refreshTables() {
  state.tables = await timed('ws.tables', () => state.ws.tables());
  renderTableList();
}

/** Re-reads info and timeline of the current table and refreshes every view of it. */
async function refreshTable({ keepScroll = true } = {}) {
  const table = state.table;
  if (!table) {
    state.info = null;
    state.timeline = null;
    renderTableHead();
    timelineView.render(null);
    await diffView.setTable(null, null);
    grid.setTable(null, null);
    return;
  }
  state.info = await timed('table.info', () => table.info());
  state.timeline = await timed('table.timeline', () => table.timeline());
  renderTableHead();
  forms.setColumns(state.info.columns);
  clusterDialog.setColumns(state.info.columns);
  timelineView.render(state.timeline);
  await diffView.setTable(table, state.timeline);
  grid.setTable(table, state.info, { keepScroll });
  await grid.fill();
}

async function openTable(table) {
  state.table = table;
  clusterDialog.reset();
  localStorage.setItem(LAST_TABLE_KEY, table.name);
  el.selectedRowId.textContent = 'none';
  await refreshTable({ keepScroll: false });
  renderTableList();
}

async function afterChange() {
  // Found clusters describe the state they were found in; after any change they must be found again.
  clusterDialog.reset();
  await refreshTable({ keepScroll: true });
  await refreshTables();
  await storagePanel.refresh(state.ws);
}

function describeStep(step, previousPosition) {
  if (step.index === previousPosition && step.rowsAffected === 0) {
    return `No change: ${step.label} (no step recorded).`;
  }
  let text = `Step ${step.index}: ${step.label} — ${fmtInt(step.rowsAffected)} rows, ${fmtMs(step.durationMs)}, ${fmtBytes(step.bytesWritten)} written.`;
  if (step.warnings && step.warnings.length) text += ` Warnings: ${step.warnings.join('; ')}`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// User actions (each queued with `run`).

function importSample() {
  const messageEl = el.importMessage;
  return run(
    `Importing ${SAMPLE_TABLE}`,
    async () => {
      clearError();
      showMessage(messageEl, `Fetching ${SAMPLE_URL}…`);
      const res = await timed('sample.fetch', () => fetch(SAMPLE_URL));
      if (!res.ok) {
        const err = new Error(`the sample ${SAMPLE_URL} is not available (HTTP ${res.status})`);
        err.code = 'InvalidInput';
        throw err;
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      showMessage(messageEl, `Importing ${fmtBytes(bytes.byteLength)}…`);
      const t0 = performance.now();
      const table = await timed('importCsv', () =>
        cancellable((call) => state.ws.importCsv(SAMPLE_TABLE, bytes, { nullStrings: ['NA'], ...call })),
      );
      const ms = performance.now() - t0;
      await openTable(table);
      await refreshTables();
      await storagePanel.refresh(state.ws);
      showMessage(messageEl, `Imported ${table.name}: ${fmtInt(state.info.rowCount)} rows in ${fmtMs(ms)}.`);
      messageEl.dataset.importMs = String(ms);
    },
    { messageEl },
  );
}

/** The table name for `file`: the name field, else the file name as an identifier. */
function tableNameFor(file) {
  const base = file.name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'table';
  return el.importName.value.trim() || base;
}

/**
 * A picked or dropped file: CSV opens the import dialog (when the package has previewCsv), JSON,
 * XLSX and Parquet import at once.
 */
function importFile(file) {
  const ext = (file.name.match(/\.([^.]+)$/)?.[1] ?? '').toLowerCase();
  el.fileInput.value = '';
  if (['csv', 'tsv', 'txt'].includes(ext)) {
    if (state.ws && has(state.ws, 'previewCsv')) return importDialog.open(file);
    return importCsvFile(file, ext === 'tsv' ? { delimiter: '\t' } : {}, el.importMessage);
  }
  const importers = {
    parquet: ['importParquet', (name, call) => state.ws.importParquet(name, file, call)],
    json: ['importJson', (name, call) => state.ws.importJson(name, file, call)],
    ndjson: ['importJson', (name, call) => state.ws.importJson(name, file, call)],
    jsonl: ['importJson', (name, call) => state.ws.importJson(name, file, call)],
    xlsx: [
      'importXlsx',
      (name, call) => {
        const sheet = el.importSheet.value.trim();
        return state.ws.importXlsx(name, file, { ...(sheet ? { sheet } : {}), ...call });
      },
    ],
  };
  const importer = importers[ext];
  return importWith(file, el.importMessage, (name) => {
    if (!importer) {
      const err = new Error(`unsupported file type ".${ext}" (use .csv, .tsv, .json, .ndjson, .xlsx or .parquet)`);
      err.code = 'InvalidInput';
      throw err;
    }
    const [method, call] = importer;
    return timed(method, () => cancellable((c) => call(name, c)));
  });
}

/** Imports a CSV file with `options` (from the import dialog, or none). Resolves to true on success. */
function importCsvFile(file, options, messageEl) {
  return importWith(file, messageEl, (name) =>
    timed('importCsv', () => cancellable((call) => state.ws.importCsv(name, file, { ...options, ...call }))),
  );
}

/** Runs `start(name)` as the import of `file`, then opens the new table. Resolves to true on success. */
function importWith(file, messageEl, start) {
  const name = tableNameFor(file);
  return run(
    `Importing ${file.name}`,
    async () => {
      clearError();
      showMessage(messageEl, `Importing ${file.name} (${fmtBytes(file.size)}) as ${name}…`);
      const t0 = performance.now();
      const table = await start(name);
      const ms = performance.now() - t0;
      await openTable(table);
      await refreshTables();
      await storagePanel.refresh(state.ws);
      showMessage(el.importMessage, `Imported ${table.name}: ${fmtInt(state.info.rowCount)} rows in ${fmtMs(ms)}.`);
      return true;
    },
    { messageEl },
  );
}

function selectTable(name) {
  if (state.table && state.table.name === name) return undefined;
  return run(`Opening ${name}`, async () => {
    clearError();
    const table = await timed('ws.table', () => state.ws.table(name));
    await openTable(table);
  });
}

/** Applies a command to the current table and refreshes the page. */
function applyCommand(command, messageEl) {
  const table = state.table;
  if (!table) return undefined;
  return run(
    `Applying ${command.op}`,
    async () => {
      clearError();
      showMessage(messageEl, `Applying ${command.op}…`);
      const previous = state.timeline ? state.timeline.position : 0;
      let failed = true;
      try {
        const step = await timed(`apply.${command.op}`, () => cancellable((call) => table.apply(command, call)));
        showMessage(messageEl, describeStep(step, previous));
        if (command.op === 'delete_rows' && command.rowIds.includes(grid.selected)) grid.clearSelection();
        messageEl.dataset.stepIndex = String(step.index);
        failed = false;
        return true;
      } finally {
        // Also after a rejection (which changes nothing): the grid may show an optimistic edit.
        try {
          await afterChange();
        } catch (err) {
          if (!failed) throw err;
          console.error('refresh after a failed command', err);
        }
      }
    },
    { messageEl },
  );
}

function undoRedo(which) {
  const table = state.table;
  if (!table) return undefined;
  return run(which === 'undo' ? 'Undo' : 'Redo', async () => {
    clearError();
    const step = await timed(which, () => cancellable((call) => (which === 'undo' ? table.undo(call) : table.redo(call))));
    showMessage(forms.message, step ? `${which === 'undo' ? 'Undid' : 'Redid'} step ${step.index}: ${step.label}` : `Nothing to ${which}.`);
    await afterChange();
  });
}

function gotoPosition(position) {
  const table = state.table;
  if (!table) return undefined;
  return run(`Going to step ${position}`, async () => {
    clearError();
    await timed('goto', () => cancellable((call) => table.goto(position, call)));
    showMessage(forms.message, `Moved to position ${position}.`);
    await afterChange();
  });
}

function exportTable(format) {
  const table = state.table;
  if (!table || !has(table, 'export')) return undefined;
  return run(`Exporting ${format}`, async () => {
    clearError();
    const options = format === 'csv' && el.exportBom.checked ? { bom: true } : {};
    const bytes = await timed(`export.${format}`, () => cancellable((call) => table.export(format, { ...options, ...call })));
    const type = {
      csv: 'text/csv',
      parquet: 'application/vnd.apache.parquet',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    }[format];
    download(bytes, `${table.name}.${format}`, type);
    showMessage(forms.message, `Exported ${table.name}.${format} (${fmtBytes(bytes?.byteLength ?? bytes?.length ?? 0)}).`);
  }, { messageEl: forms.message });
}

/** Offers `bytes` as a file download named `name`. */
function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function findClusters(query, messageEl) {
  const table = state.table;
  if (!table || !has(table, 'clusters')) return Promise.resolve(undefined);
  return run(
    `Finding clusters in ${query.column}`,
    async () => {
      clearError();
      const clusters = await timed('table.clusters', () => table.clusters(query));
      return Array.isArray(clusters) ? clusters : [];
    },
    { messageEl },
  );
}

function downloadRecipe() {
  const table = state.table;
  if (!table || !has(table, 'recipe')) return undefined;
  return run('Writing the recipe', async () => {
    clearError();
    const recipe = await timed('table.recipe', () => table.recipe());
    download(`${JSON.stringify(recipe, null, 2)}\n`, `${table.name}.recipe.json`, 'application/json');
    const n = Array.isArray(recipe?.steps) ? recipe.steps.length : 0;
    showMessage(forms.message, `Recipe of ${table.name}: ${n} step${n === 1 ? '' : 's'} downloaded.`);
  }, { messageEl: forms.message });
}

function uploadRecipe(file) {
  const table = state.table;
  if (!table || !has(table, 'applyRecipe')) return undefined;
  const messageEl = forms.message;
  return run(
    `Applying recipe ${file.name}`,
    async () => {
      clearError();
      let recipe;
      try {
        recipe = JSON.parse(await file.text());
      } catch (err) {
        const e = new Error(`${file.name} is not valid JSON: ${err.message}`);
        e.code = 'InvalidInput';
        throw e;
      }
      // Stored recipes carry `secret: null` for each hash step (secrets are never stored): ask
      // for them in order, as applyRecipe takes them.
      const secrets = [];
      const commands = Array.isArray(recipe?.steps) ? recipe.steps : [];
      for (const [i, command] of commands.entries()) {
        if (command?.op !== 'hash' || command.secret != null) continue;
        const secret = window.prompt(`Secret for step ${i + 1} (hash of ${command.column})`);
        if (secret === null) {
          showMessage(messageEl, `Recipe ${file.name} not applied: no secret for step ${i + 1}.`);
          return;
        }
        secrets.push(secret);
      }
      showMessage(messageEl, `Applying recipe ${file.name}…`);
      try {
        const steps = await timed('table.applyRecipe', () => cancellable((call) => table.applyRecipe(recipe, { secrets, ...call })));
        const n = Array.isArray(steps) ? steps.length : 0;
        showMessage(messageEl, `Applied recipe ${file.name}: ${n} step${n === 1 ? '' : 's'}.`);
        messageEl.dataset.recipeSteps = String(n);
      } finally {
        await afterChange();
      }
    },
    { messageEl },
  ).finally(() => {
    el.recipeFile.value = '';
  });
}

let dropArmedTimer = null;
function dropTable() {
  const table = state.table;
  if (!table) return undefined;
  if (el.dropTable.dataset.armed !== '1') {
    el.dropTable.dataset.armed = '1';
    el.dropTable.textContent = `Click again to drop ${table.name}`;
    clearTimeout(dropArmedTimer);
    dropArmedTimer = setTimeout(disarmDrop, 4000);
    return undefined;
  }
  disarmDrop();
  return run(`Dropping ${table.name}`, async () => {
    clearError();
    await diffView.closeDiff();
    await timed('ws.dropTable', () => state.ws.dropTable(table.name));
    localStorage.removeItem(LAST_TABLE_KEY);
    state.table = null;
    await refreshTables();
    if (state.tables.length) await openTable(await state.ws.table(state.tables[0].name));
    else await refreshTable();
    await storagePanel.refresh(state.ws);
    showMessage(forms.message, `Dropped ${table.name}.`);
  });
}

function disarmDrop() {
  clearTimeout(dropArmedTimer);
  delete el.dropTable.dataset.armed;
  el.dropTable.textContent = 'Drop table';
}

// ---------------------------------------------------------------------------------------------
// Wiring and start-up.

el.loadSample.addEventListener('click', () => importSample());
el.fileInput.addEventListener('change', () => {
  const file = el.fileInput.files && el.fileInput.files[0];
  if (file) importFile(file);
});
el.undo.addEventListener('click', () => undoRedo('undo'));
el.redo.addEventListener('click', () => undoRedo('redo'));
el.exportCsv.addEventListener('click', () => exportTable('csv'));
el.exportParquet.addEventListener('click', () => exportTable('parquet'));
el.exportXlsx.addEventListener('click', () => exportTable('xlsx'));
document.addEventListener('dragover', (e) => {
  if (e.dataTransfer?.types?.includes('Files')) e.preventDefault();
});
document.addEventListener('drop', (e) => {
  const file = e.dataTransfer?.files?.[0];
  if (!file) return;
  e.preventDefault();
  importFile(file);
});
el.recipeDownload.addEventListener('click', () => downloadRecipe());
el.recipeUpload.addEventListener('click', () => el.recipeFile.click());
el.recipeFile.addEventListener('change', () => {
  const file = el.recipeFile.files && el.recipeFile.files[0];
  if (file) uploadRecipe(file);
});
el.dropTable.addEventListener('click', () => dropTable());
el.cancel.addEventListener('click', () => cancelCurrent());
el.errorDismiss.addEventListener('click', () => clearError());
el.storageRefresh.addEventListener('click', () => state.ws && run('Reading storage', () => storagePanel.refresh(state.ws)));
document.addEventListener('keydown', (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.target.closest('input, textarea, select')) return;
  if (e.key === 'z' && !e.shiftKey) {
    e.preventDefault();
    undoRedo('undo');
  } else if (e.key === 'y' || (e.key === 'Z' && e.shiftKey)) {
    e.preventDefault();
    undoRedo('redo');
  }
});

function setControlsEnabled(enabled) {
  for (const b of [el.loadSample, el.fileInput, el.storageRefresh]) b.disabled = !enabled;
}

async function boot() {
  renderTableHead();
  setControlsEnabled(false);
  try {
    await run(
      'Loading duckline',
      async () => {
        const mod = await loadDuckline();
        state.ws = await timed('Workspace.open', () =>
          mod.Workspace.open({ name: WORKSPACE, duckdbBundles: duckdbBundles() }),
        );
        mark('workspaceOpen');
        await refreshTables();
        const last = localStorage.getItem(LAST_TABLE_KEY);
        const pick = state.tables.find((t) => t.name === last) ?? state.tables[0];
        if (pick) await openTable(await timed('ws.table', () => state.ws.table(pick.name)));
        await storagePanel.refresh(state.ws);
      },
      { rethrow: true },
    );
    setControlsEnabled(true);
    document.body.dataset.ready = '1';
    setStatus('Ready');
  } catch (err) {
    document.body.dataset.ready = '0';
    document.body.dataset.bootError = err?.code ?? 'Error';
    setStatus(err?.code === 'PackageMissing' ? 'duckline package not built' : 'Failed to start');
    showError(err);
  }
}

boot();
