// The CSV import dialog (issue 11): a picked or dropped CSV is previewed with
// `ws.previewCsv(file, options)`, which returns the guessed encoding, delimiter, header row, lines
// skipped and decimal mark with the first rows; a person corrects any of them (each change previews
// again) and imports with exactly the options shown. Shown only when the package has `previewCsv`.

import { h, setOptions } from './util.js';

const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-15', 'windows-1250', 'macintosh'];
const DELIMITERS = [
  { value: ',', label: ', comma' },
  { value: ';', label: '; semicolon' },
  { value: '\t', label: 'tab' },
  { value: '|', label: '| pipe' },
];

export class ImportDialog {
  /**
   * @param {HTMLElement} root
   * @param {{ onPreview: (file: File, options: object) => Promise<object|undefined>,
   *           onImport: (file: File, options: object, messageEl: HTMLElement) => Promise<unknown> }} handlers
   *   onPreview resolves to a CsvPreview, or undefined after showing the rejection in the message.
   */
  constructor(root, { onPreview, onImport }) {
    this.onPreview = onPreview;
    this.onImport = onImport;
    this.file = null;
    this.preview = null;
    // Only the options a person changed are sent with a new preview: the others stay guesses
    // (a wrong first guess must not stick once, say, the lines to skip are corrected).
    this.touched = new Set();
    const changed = (key) => () => {
      this.touched.add(key);
      this.refresh();
    };
    this.encoding = h('select', { 'data-testid': 'import-encoding', 'aria-label': 'Encoding', onchange: changed('encoding') });
    setOptions(this.encoding, ENCODINGS.map((e) => ({ value: e, label: e })));
    this.delimiter = h('select', { 'data-testid': 'import-delimiter', 'aria-label': 'Delimiter', onchange: changed('delimiter') });
    setOptions(this.delimiter, DELIMITERS);
    this.header = h('input', { type: 'checkbox', 'data-testid': 'import-header', 'aria-label': 'First row is the header', onchange: changed('header') });
    this.skipRows = h('input', { type: 'number', min: '0', step: '1', value: '0', class: 'small', 'data-testid': 'import-skip-rows', 'aria-label': 'Lines to skip', onchange: changed('skipRows') });
    this.decimal = h(
      'select',
      { 'data-testid': 'import-decimal', 'aria-label': 'Decimal mark', onchange: changed('decimalSeparator') },
      h('option', { value: '.', text: '. (1.5)' }),
      h('option', { value: ',', text: ', (1,5)' }),
    );
    this.dateFormat = h('input', { 'data-testid': 'import-date-format', 'aria-label': 'Date format', placeholder: 'guessed, e.g. %d/%m/%Y', onchange: changed('dateFormat') });
    this.title = h('h3', { text: 'Import CSV' });
    this.table = h('div', { class: 'preview', 'data-testid': 'import-preview' });
    this.message = h('div', { class: 'message', 'data-testid': 'import-dialog-message', role: 'status' });
    this.importButton = h('button', { type: 'button', 'data-testid': 'import-confirm', text: 'Import', onclick: () => this.confirm() });
    this.cancelButton = h('button', { type: 'button', class: 'dismiss', 'data-testid': 'import-cancel', text: 'Cancel', onclick: () => this.close() });
    this.panel = h(
      'div',
      { class: 'import-dialog', role: 'dialog', 'aria-label': 'Import CSV', 'data-testid': 'import-dialog', hidden: true },
      h('div', { class: 'dialog-head' }, this.title, this.cancelButton),
      h(
        'div',
        { class: 'inline wrap' },
        h('label', { class: 'inline' }, 'Encoding ', this.encoding),
        h('label', { class: 'inline' }, 'Delimiter ', this.delimiter),
        h('label', { class: 'inline' }, this.header, ' header row'),
        h('label', { class: 'inline' }, 'Skip lines ', this.skipRows),
        h('label', { class: 'inline' }, 'Decimal ', this.decimal),
        h('label', { class: 'inline' }, 'Dates ', this.dateFormat),
      ),
      this.table,
      h('div', { class: 'inline' }, this.importButton),
      this.message,
    );
    root.replaceChildren(this.panel);
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** Opens the dialog on `file` with every option guessed. */
  async open(file) {
    this.file = file;
    this.touched.clear();
    this.dateFormat.value = '';
    this.title.textContent = `Import ${file.name}`;
    this.panel.hidden = false;
    await this.show({});
  }

  close() {
    this.panel.hidden = true;
    this.file = null;
    this.preview = null;
    this.showing = null;
    this.table.replaceChildren();
  }

  /**
   * The options the controls show, as CsvOptions: all of them (`all`, for the import: the
   * preview's resolved guesses and the person's changes), or only those the person changed.
   */
  options(all = false) {
    const options = {
      encoding: this.encoding.value,
      delimiter: this.delimiter.value,
      header: this.header.checked,
      skipRows: Number(this.skipRows.value) || 0,
      decimalSeparator: this.decimal.value,
    };
    if (this.dateFormat.value.trim()) options.dateFormat = this.dateFormat.value.trim();
    return all ? options : Object.fromEntries(Object.entries(options).filter(([k]) => this.touched.has(k)));
  }

  refresh() {
    return this.show(this.options());
  }

  /**
   * Previews with `options`. The Import button stays enabled meanwhile: a person who edits a field
   * and clicks Import at once fires the field's change (a new preview) before the click, and the
   * import then waits for that preview (`confirm`).
   */
  show(options) {
    this.showing = this.load(options);
    return this.showing;
  }

  async load(options) {
    this.message.textContent = 'Reading…';
    delete this.message.dataset.code;
    this.preview = null;
    const preview = await this.onPreview(this.file, options, this.message);
    if (!preview) return; // rejected: the message says why
    this.preview = preview;
    const o = preview.options;
    if (!ENCODINGS.includes(o.encoding)) setOptions(this.encoding, [...ENCODINGS, o.encoding].map((e) => ({ value: e, label: e })));
    this.encoding.value = o.encoding;
    if (!DELIMITERS.some((d) => d.value === o.delimiter)) setOptions(this.delimiter, [...DELIMITERS, { value: o.delimiter, label: o.delimiter }]);
    this.delimiter.value = o.delimiter;
    this.header.checked = o.header;
    this.skipRows.value = String(o.skipRows);
    this.decimal.value = o.decimalSeparator;
    this.renderRows(preview);
    this.message.textContent = `${preview.columns.length} columns; the first ${preview.rows.length} rows are shown.`;
  }

  renderRows(preview) {
    const head = h(
      'tr',
      {},
      ...preview.columns.map((c) => h('th', {}, h('div', { text: c.name }), h('div', { class: 'type', text: c.type }))),
    );
    const body = preview.rows.map((r) => h('tr', {}, ...r.map((v) => h('td', { text: v === null ? '' : String(v), class: v === null ? 'null' : '' }))));
    this.table.replaceChildren(h('table', {}, h('thead', {}, head), h('tbody', {}, ...body)));
  }

  async confirm() {
    await this.showing;
    // No preview of the options shown (the last one was rejected): its message says why.
    if (!this.file || !this.preview) return;
    const file = this.file;
    this.importButton.disabled = true;
    const done = await this.onImport(file, this.options(true), this.message);
    this.importButton.disabled = false;
    if (done) this.close();
  }
}
