// The clustering dialog: `table.clusters({ column, method, ngramSize, radius, blockingNgramSize })`
// lists groups of values that are likely the same thing (key collision methods, or knn: neighbours
// within a Levenshtein radius); a person ticks the groups (and values) to merge, edits the "merge to"
// value (default: the most frequent value of the group) and sends one `mass_edit`.
// Only shown when the running package has `Table.clusters`.

import { h, fmtInt, setOptions } from './util.js';

export class ClusterDialog {
  /**
   * @param {HTMLElement} root
   * @param {{ onFind: (query: object) => Promise<object[]|undefined>,
   *           onMerge: (command: object, messageEl: HTMLElement) => Promise<unknown> }} handlers
   */
  constructor(root, { onFind, onMerge }) {
    this.onFind = onFind;
    this.onMerge = onMerge;
    this.root = root;
    this.clusters = [];
    this.column = null;
    this.columnSelect = h('select', { 'data-testid': 'clusters-column', 'aria-label': 'Column' });
    this.method = h(
      'select',
      { 'data-testid': 'clusters-method', 'aria-label': 'Method', onchange: () => this.syncMethod() },
      h('option', { value: 'fingerprint', text: 'fingerprint' }),
      h('option', { value: 'ngram', text: 'n-gram fingerprint' }),
      h('option', { value: 'metaphone', text: 'Double Metaphone' }),
      h('option', { value: 'cologne', text: 'Kölner Phonetik' }),
      h('option', { value: 'knn', text: 'nearest neighbours (Levenshtein)' }),
    );
    this.ngramSize = h('input', { type: 'number', min: '1', max: '10', value: '2', 'data-testid': 'clusters-ngram-size', 'aria-label': 'n-gram size', class: 'small' });
    this.ngramBox = h('label', { class: 'inline' }, 'size ', this.ngramSize);
    this.radius = h('input', { type: 'number', min: '0', step: 'any', value: '1', 'data-testid': 'clusters-radius', 'aria-label': 'radius', class: 'small' });
    this.blockingSize = h('input', { type: 'number', min: '1', max: '32', value: '6', 'data-testid': 'clusters-blocking-size', 'aria-label': 'blocking n-gram size', class: 'small' });
    this.knnBox = h('span', { class: 'inline' }, h('label', { class: 'inline' }, 'radius ', this.radius), h('label', { class: 'inline' }, 'blocking n-gram ', this.blockingSize));
    this.findButton = h('button', { type: 'button', 'data-testid': 'clusters-find', text: 'Find clusters', onclick: () => this.find() });
    this.list = h('div', { class: 'cluster-list', 'data-testid': 'clusters-list' });
    this.mergeButton = h('button', { type: 'button', 'data-testid': 'clusters-merge', text: 'Merge selected', disabled: true, onclick: () => this.merge() });
    this.message = h('div', { class: 'message', 'data-testid': 'clusters-message', role: 'status' });
    this.closeButton = h('button', { type: 'button', class: 'dismiss', 'data-testid': 'clusters-close', text: 'Close', onclick: () => this.close() });
    this.panel = h(
      'div',
      { class: 'cluster-dialog', role: 'dialog', 'aria-label': 'Cluster and merge values', 'data-testid': 'clusters-dialog', hidden: true },
      h('div', { class: 'dialog-head' }, h('h3', { text: 'Cluster and merge values' }), this.closeButton),
      h('div', { class: 'inline wrap' }, h('label', { class: 'inline' }, 'Column ', this.columnSelect), h('label', { class: 'inline' }, 'Method ', this.method), this.ngramBox, this.knnBox, this.findButton),
      this.list,
      h('div', { class: 'inline' }, this.mergeButton),
      this.message,
    );
    root.replaceChildren(this.panel);
    this.syncMethod();
  }

  syncMethod() {
    this.ngramBox.hidden = this.method.value !== 'ngram';
    this.knnBox.hidden = this.method.value !== 'knn';
  }

  setColumns(columns) {
    setOptions(this.columnSelect, columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })));
  }

  open() {
    this.panel.hidden = false;
  }

  close() {
    this.panel.hidden = true;
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** Clears the found clusters (after the table changed). */
  reset() {
    this.clusters = [];
    this.list.replaceChildren();
    this.mergeButton.disabled = true;
  }

  async find() {
    const column = this.columnSelect.value;
    if (!column) {
      this.showMessage('InvalidInput: pick a column', 'InvalidInput');
      return;
    }
    const query = { column, method: this.method.value };
    if (query.method === 'ngram') {
      const n = Number(this.ngramSize.value);
      if (!Number.isSafeInteger(n) || n < 1) {
        this.showMessage(`InvalidInput: n-gram size must be a whole number >= 1: "${this.ngramSize.value}"`, 'InvalidInput');
        return;
      }
      query.ngramSize = n;
    }
    if (query.method === 'knn') {
      const radius = Number(this.radius.value);
      const blocking = Number(this.blockingSize.value);
      if (this.radius.value.trim() === '' || !Number.isFinite(radius) || radius < 0) {
        this.showMessage(`InvalidInput: radius must be a number >= 0: "${this.radius.value}"`, 'InvalidInput');
        return;
      }
      if (!Number.isSafeInteger(blocking) || blocking < 1) {
        this.showMessage(`InvalidInput: blocking n-gram size must be a whole number >= 1: "${this.blockingSize.value}"`, 'InvalidInput');
        return;
      }
      query.radius = radius;
      query.blockingNgramSize = blocking;
    }
    this.showMessage('Finding clusters…');
    const clusters = await this.onFind(query, this.message);
    if (!clusters) return; // rejected: the message shows code and text
    this.column = column;
    this.render(clusters);
    this.showMessage(clusters.length ? `${fmtInt(clusters.length)} cluster${clusters.length === 1 ? '' : 's'} in ${column}.` : `No clusters in ${column}.`);
  }

  render(clusters) {
    this.clusters = clusters;
    this.list.replaceChildren(
      ...clusters.map((cluster, i) => {
        const values = [...(cluster.values ?? [])];
        const top = values[0] ?? null; // the suggested new value: values come most frequent first
        const pick = h('input', { type: 'checkbox', 'data-testid': 'cluster-select', 'aria-label': `merge cluster ${cluster.key}` });
        pick.checked = true;
        const to = h('input', { type: 'text', 'data-testid': 'cluster-to', 'aria-label': 'merge to', value: top ? String(top.value ?? '') : '' });
        const rows = values.map((v) =>
          h(
            'li',
            { 'data-testid': 'cluster-value', 'data-value': String(v.value ?? ''), 'data-count': String(v.count) },
            h(
              'label',
              {},
              Object.assign(h('input', { type: 'checkbox', 'data-testid': 'cluster-value-select' }), { checked: true }),
              ' ',
              h('code', { text: JSON.stringify(v.value) }),
              h('span', { class: 'count', text: ` × ${fmtInt(v.count)}` }),
            ),
          ),
        );
        return h(
          'div',
          { class: 'cluster', 'data-testid': 'cluster', 'data-key': cluster.key, 'data-index': String(i) },
          h('div', { class: 'inline' }, pick, h('span', { class: 'key', text: `key: ${cluster.key}` }), h('label', { class: 'inline' }, 'merge to ', to)),
          h('ul', { class: 'cluster-values' }, rows),
        );
      }),
    );
    this.mergeButton.disabled = clusters.length === 0;
  }

  /** The `mass_edit` edits of the ticked clusters: `{ from: [ticked values other than to], to }`. */
  edits() {
    const edits = [];
    for (const box of this.list.querySelectorAll('[data-testid="cluster"]')) {
      if (!box.querySelector('[data-testid="cluster-select"]').checked) continue;
      const to = box.querySelector('[data-testid="cluster-to"]').value;
      const from = Array.from(box.querySelectorAll('[data-testid="cluster-value"]'))
        .filter((li) => li.querySelector('[data-testid="cluster-value-select"]').checked)
        .map((li) => li.dataset.value)
        .filter((v) => v !== to);
      if (from.length) edits.push({ from, to });
    }
    return edits;
  }

  async merge() {
    const edits = this.edits();
    if (!edits.length) {
      this.showMessage('InvalidInput: tick at least one cluster with a value that differs from its "merge to"', 'InvalidInput');
      return;
    }
    const ok = await this.onMerge({ op: 'mass_edit', column: this.column, edits }, this.message);
    if (ok) this.reset();
  }

  showMessage(text, code = null) {
    this.message.textContent = text;
    if (code) {
      this.message.dataset.code = code;
      this.message.classList.add('is-error');
    } else {
      delete this.message.dataset.code;
      this.message.classList.remove('is-error');
    }
  }
}
