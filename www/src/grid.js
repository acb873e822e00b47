// The virtualized data grid: @tanstack/virtual-core decides which rows are visible; rows are
// fetched lazily in pages of PAGE_ROWS through `table.rows({ after })` (continuing from the page
// above when it is cached) or `table.rowsAt(index)` (scrollbar jumps), and a few pages are cached.

import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
} from '@tanstack/virtual-core';
import { h, fmtInt, fmtValue } from './util.js';
import { mark, metrics, run, timed } from './runtime.js';

export const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 40;
const PAGE_ROWS = 200;
const MAX_CACHED_PAGES = 40;
const GUTTER_WIDTH = 84;
const COLUMN_WIDTH = 140;
// Browsers cap an element's height (~33.5M px in Chromium); beyond MAX_WINDOW_ROWS the grid shows
// a window of the table and "Go to row" moves the window.
const MAX_WINDOW_ROWS = Math.floor(15_000_000 / ROW_HEIGHT);

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL)/i;

/** A virtualized, lazily paged view of one duckline Table. */
export class Grid {
  /**
   * @param {HTMLElement} root container (gets the grid's DOM)
   * @param {{ onSelect?: (rowId: number|null) => void,
   *           onEdit?: (edit: { rowId: number, column: string, value: string|null }) => void }} handlers
   */
  constructor(root, { onSelect = () => {}, onEdit = () => {} } = {}) {
    this.onSelect = onSelect;
    this.onEdit = onEdit;
    this.table = null;
    this.columns = [];
    this.rowCount = 0;
    this.base = 0; // first row index of the window shown (0 unless the table is huge)
    this.gen = 0; // bumped on every reset; stale fetches are dropped
    this.cache = new Map(); // page number -> { rowIds, rows, nextCursor, colIndex }
    this.rowEls = new Map(); // row index -> { el, filled }
    this.selectedRowId = null;
    this.editing = null;
    this.pumping = false;
    this.failedGen = -1;
    this.renderQueued = false;

    this.head = h('div', { class: 'grid-head', role: 'row', 'data-testid': 'grid-head' });
    this.inner = h('div', { class: 'grid-inner' }, this.head);
    this.scrollEl = h('div', { class: 'grid-scroll', 'data-testid': 'grid-scroll', tabindex: '0' }, this.inner);
    this.infoEl = h('span', { class: 'grid-info', 'data-testid': 'grid-info' });
    this.gotoInput = h('input', {
      type: 'number',
      min: '1',
      placeholder: 'row #',
      'data-testid': 'grid-goto',
      'aria-label': 'Go to row number',
    });
    const gotoForm = h(
      'form',
      {
        class: 'grid-goto',
        onsubmit: (e) => {
          e.preventDefault();
          const n = Number(this.gotoInput.value);
          if (Number.isInteger(n) && n >= 1) this.goTo(n - 1);
        },
      },
      this.gotoInput,
      h('button', { type: 'submit', 'data-testid': 'grid-goto-submit', text: 'Go to row' }),
    );
    root.replaceChildren(h('div', { class: 'grid-bar' }, this.infoEl, gotoForm), this.scrollEl);

    this.scrollEl.addEventListener('click', (e) => this.handleClick(e));
    this.scrollEl.addEventListener('dblclick', (e) => this.handleDblClick(e));

    this.vopts = {
      count: 0,
      getScrollElement: () => this.scrollEl,
      estimateSize: () => ROW_HEIGHT,
      overscan: 10,
      paddingStart: HEADER_HEIGHT,
      scrollPaddingStart: HEADER_HEIGHT, // scrollToIndex(i, 'start') leaves row i below the sticky header
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      onChange: () => this.scheduleRender(),
    };
    this.virt = new Virtualizer(this.vopts);
    this.unmount = this.virt._didMount();
    this.virt._willUpdate();
  }

  /**
   * Shows `table` (described by `info`); drops cached pages. `keepScroll` keeps the scroll
   * position (after a command on the same table), otherwise the grid starts at the top.
   */
  setTable(table, info, { keepScroll = false } = {}) {
    this.cancelEdit();
    this.gen += 1;
    this.failedGen = -1;
    this.cache.clear();
    for (const { el } of this.rowEls.values()) el.remove();
    this.rowEls.clear();
    this.table = table;
    this.columns = info ? info.columns : [];
    this.rowCount = info ? info.rowCount : 0;
    if (!keepScroll) {
      this.base = 0;
      this.scrollEl.scrollTop = 0;
      this.scrollEl.scrollLeft = 0;
    } else {
      this.base = Math.max(0, Math.min(this.base, this.rowCount - MAX_WINDOW_ROWS));
    }
    const template = `${GUTTER_WIDTH}px repeat(${this.columns.length}, ${COLUMN_WIDTH}px)`;
    this.inner.style.setProperty('--grid-columns', template);
    this.inner.style.width = `${GUTTER_WIDTH + this.columns.length * COLUMN_WIDTH}px`;
    this.head.replaceChildren(
      h('div', { class: 'gh gutter', text: 'row id' }),
      ...this.columns.map((c) =>
        h(
          'div',
          { class: 'gh', role: 'columnheader', 'data-testid': 'col-header', 'data-col': c.name, title: `${c.name} ${c.type}` },
          h('span', { class: 'col-name', 'data-testid': 'col-name', text: c.name }),
          h('span', { class: 'col-type', 'data-testid': 'col-type', text: c.type }),
        ),
      ),
    );
    this.updateCount();
    this.render();
  }

  /** Fetches every missing page of the visible window now (call inside a queued action). */
  async fill() {
    this.render();
    await this.pump();
    this.render();
  }

  /** Scrolls so that row `index` (0-based display position) is at the top. */
  goTo(index) {
    if (!this.table) return;
    const target = Math.max(0, Math.min(index, this.rowCount - 1));
    const count = this.windowCount();
    if (target < this.base || target >= this.base + count) {
      this.base = Math.max(0, Math.min(target - Math.floor(MAX_WINDOW_ROWS / 2), this.rowCount - MAX_WINDOW_ROWS));
      for (const { el } of this.rowEls.values()) el.remove();
      this.rowEls.clear();
      this.updateCount();
    }
    this.virt.scrollToIndex(target - this.base, { align: 'start' });
    this.scheduleRender();
  }

  /** Forgets the selected row (e.g. after it was deleted). */
  clearSelection() {
    if (this.selectedRowId === null) return;
    this.selectedRowId = null;
    this.render();
    this.onSelect(null);
  }

  /** The row currently selected by a click (its row id), or null. */
  get selected() {
    return this.selectedRowId;
  }

  windowCount() {
    return Math.max(0, Math.min(this.rowCount - this.base, MAX_WINDOW_ROWS));
  }

  updateCount() {
    this.vopts = { ...this.vopts, count: this.windowCount() };
    this.virt.setOptions(this.vopts);
    this.virt._willUpdate();
    this.inner.style.height = `${this.virt.getTotalSize()}px`;
  }

  scheduleRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  /** The cached row at display position `index`, or null. */
  rowAt(index) {
    const page = this.cache.get(Math.floor(index / PAGE_ROWS));
    if (!page) return null;
    const i = index - Math.floor(index / PAGE_ROWS) * PAGE_ROWS;
    if (i >= page.rowIds.length) return null;
    return { rowId: page.rowIds[i], values: page.rows[i], colIndex: page.colIndex };
  }

  /** Page numbers needed by the rows in (or near) view that are not cached yet. */
  missingPages() {
    if (!this.table || this.failedGen === this.gen) return [];
    const pages = new Set();
    for (const item of this.virt.getVirtualItems()) {
      pages.add(Math.floor((this.base + item.index) / PAGE_ROWS));
    }
    return [...pages].filter((p) => !this.cache.has(p)).sort((a, b) => a - b);
  }

  render() {
    this.inner.style.height = `${this.virt.getTotalSize()}px`;
    const items = this.virt.getVirtualItems();
    const seen = new Set();
    for (const item of items) {
      const index = this.base + item.index;
      if (index >= this.rowCount) continue;
      seen.add(index);
      const row = this.rowAt(index);
      let entry = this.rowEls.get(index);
      const isEditing = this.editing && this.editing.index === index;
      if (!isEditing && (!entry || (!entry.filled && row))) {
        const el = this.buildRow(index, row);
        if (entry) entry.el.replaceWith(el);
        else this.inner.append(el);
        entry = { el, filled: Boolean(row) };
        this.rowEls.set(index, entry);
      }
      entry.el.style.transform = `translateY(${item.start}px)`;
      entry.el.classList.toggle('selected', Boolean(row) && row.rowId === this.selectedRowId);
    }
    for (const [index, entry] of this.rowEls) {
      if (seen.has(index)) continue;
      if (this.editing && this.editing.index === index) this.cancelEdit();
      entry.el.remove();
      this.rowEls.delete(index);
    }
    this.updateInfo(items);
    if (this.missingPages().length) this.request();
  }

  updateInfo(items) {
    if (!this.table) {
      this.infoEl.textContent = 'No table';
      return;
    }
    const first = items.find((it) => it.end > this.scrollEl.scrollTop + HEADER_HEIGHT);
    const from = first ? this.base + first.index + 1 : 0;
    const visible = Math.max(1, Math.floor((this.scrollEl.clientHeight - HEADER_HEIGHT) / ROW_HEIGHT));
    const to = Math.min(this.rowCount, from + visible - 1);
    let text = this.rowCount ? `Rows ${fmtInt(from)}–${fmtInt(to)} of ${fmtInt(this.rowCount)}` : '0 rows';
    if (this.rowCount > MAX_WINDOW_ROWS) {
      text += ` (scrolling covers rows ${fmtInt(this.base + 1)}–${fmtInt(this.base + this.windowCount())}; use Go to row for others)`;
    }
    this.infoEl.textContent = text;
  }

  buildRow(index, row) {
    const el = h('div', {
      class: row ? 'gr' : 'gr loading',
      role: 'row',
      'data-testid': 'row',
      'data-row': String(index),
      'data-row-id': row ? String(row.rowId) : null,
    });
    el.append(h('div', { class: 'gc gutter', 'data-testid': 'row-id', text: row ? String(row.rowId) : '…', title: `row ${index + 1}` }));
    for (const col of this.columns) {
      const value = row ? row.values[row.colIndex.get(col.name)] : undefined;
      const classes = ['gc'];
      if (row && (value === null || value === undefined)) classes.push('null');
      if (NUMERIC_TYPE.test(col.type)) classes.push('num');
      el.append(
        h('div', {
          class: classes.join(' '),
          role: 'gridcell',
          'data-testid': 'cell',
          'data-row': String(index),
          'data-col': col.name,
          'data-row-id': row ? String(row.rowId) : null,
          text: row ? fmtValue(value) : '',
        }),
      );
    }
    return el;
  }

  request() {
    if (this.pumping || !this.table) return;
    this.pumping = true;
    run('Loading rows', () => this.pump(), { quiet: true }).finally(() => {
      this.pumping = false;
      if (this.missingPages().length) this.scheduleRender();
    });
  }

  async pump() {
    for (;;) {
      const missing = this.missingPages();
      if (!missing.length) return;
      const gen = this.gen;
      try {
        await this.fetchPage(missing[0]);
      } catch (err) {
        this.failedGen = gen; // no retry loop; the next reset tries again
        throw err;
      }
      this.render();
    }
  }

  async fetchPage(pageNo) {
    const gen = this.gen;
    const table = this.table;
    const start = pageNo * PAGE_ROWS;
    const prev = this.cache.get(pageNo - 1);
    let page;
    if (prev && prev.nextCursor && prev.rowIds.length === PAGE_ROWS) {
      page = await timed('grid.rows', () => table.rows({ after: prev.nextCursor, limit: PAGE_ROWS }));
    } else {
      page = await timed('grid.rowsAt', () => table.rowsAt(start, { limit: PAGE_ROWS }));
    }
    if (gen !== this.gen) return;
    const colIndex = new Map(page.columns.map((name, i) => [name, i]));
    this.cache.set(pageNo, { rowIds: page.rowIds, rows: page.rows, nextCursor: page.nextCursor, colIndex });
    if (metrics.marks.firstGridPage === undefined) mark('firstGridPage');
    this.evict();
  }

  evict() {
    if (this.cache.size <= MAX_CACHED_PAGES) return;
    const keep = new Set(this.virt.getVirtualItems().map((it) => Math.floor((this.base + it.index) / PAGE_ROWS)));
    for (const key of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED_PAGES) break;
      if (!keep.has(key) && !keep.has(key + 1)) this.cache.delete(key);
    }
  }

  handleClick(e) {
    const rowEl = e.target.closest('[data-testid="row"]');
    if (!rowEl || !rowEl.dataset.rowId) return;
    const id = Number(rowEl.dataset.rowId);
    this.selectedRowId = this.selectedRowId === id ? null : id;
    this.render();
    this.onSelect(this.selectedRowId);
  }

  handleDblClick(e) {
    const cell = e.target.closest('[data-testid="cell"]');
    if (!cell || !cell.dataset.rowId || this.editing) return;
    this.startEdit(cell);
  }

  startEdit(cell) {
    const index = Number(cell.dataset.row);
    const row = this.rowAt(index);
    if (!row) return;
    const column = cell.dataset.col;
    const original = row.values[row.colIndex.get(column)];
    const input = h('input', {
      class: 'cell-editor',
      'data-testid': 'cell-editor',
      value: original === null || original === undefined ? '' : fmtValue(original),
      title: 'Enter saves, Escape cancels; an empty value sets NULL',
    });
    cell.replaceChildren(input);
    cell.classList.add('editing');
    this.editing = { index, cell, rowId: row.rowId, column, original, input };
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.commitEdit();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        this.cancelEdit();
      }
    });
    input.addEventListener('blur', () => {
      if (this.editing && this.editing.input === input) this.cancelEdit();
    });
    input.addEventListener('click', (ev) => ev.stopPropagation());
    input.focus();
    input.select();
  }

  commitEdit() {
    const edit = this.editing;
    if (!edit) return;
    const text = edit.input.value;
    const value = text === '' ? null : text;
    const unchanged =
      (value === null && (edit.original === null || edit.original === undefined)) ||
      (value !== null && edit.original !== null && edit.original !== undefined && fmtValue(edit.original) === text);
    this.editing = null;
    edit.cell.classList.remove('editing');
    edit.cell.textContent = value === null ? 'null' : value;
    if (unchanged) {
      this.restoreRow(edit.index);
      return;
    }
    edit.cell.classList.add('pending');
    this.onEdit({ rowId: edit.rowId, column: edit.column, value });
  }

  cancelEdit() {
    const edit = this.editing;
    if (!edit) return;
    this.editing = null;
    this.restoreRow(edit.index);
  }

  restoreRow(index) {
    const entry = this.rowEls.get(index);
    if (entry) {
      entry.el.remove();
      this.rowEls.delete(index);
    }
    this.scheduleRender();
  }
}
