// Forms for the cleaning commands (COMMANDS.md). Each form builds a command object; the page
// applies it and shows the library's verdict (validation is the library's job: a rejected call's
// `code` and `message` are shown next to the form).

import { h, setOptions } from './util.js';

const column = { name: 'column', kind: 'column', label: 'Column' };

/** The commands offered by the page, with their parameters. */
export const COMMAND_FORMS = [
  { op: 'trim', title: 'Trim whitespace', fields: [column] },
  { op: 'uppercase', title: 'Uppercase', fields: [column] },
  {
    op: 'standardize_date',
    title: 'Standardize date',
    fields: [column, { name: 'order', kind: 'select', label: 'Order', options: ['mdy', 'dmy'] }],
  },
  {
    op: 'pad_zeros',
    title: 'Pad with zeros',
    fields: [column, { name: 'length', kind: 'int', label: 'Length', min: 1, max: 64, value: '5' }],
  },
  {
    op: 'calculate_age',
    title: 'Calculate age',
    fields: [
      column,
      { name: 'asOf', kind: 'date', label: 'As of (empty = today)', optional: true },
      { name: 'newColumn', kind: 'text', label: 'New column', value: 'age', optional: true },
    ],
  },
  {
    op: 'rename_column',
    title: 'Rename column',
    fields: [column, { name: 'newName', kind: 'text', label: 'New name' }],
  },
  { op: 'delete_column', title: 'Delete column', fields: [column] },
  {
    op: 'remove_duplicates',
    title: 'Remove duplicates',
    fields: [{ name: 'columns', kind: 'columns', label: 'Key columns (none selected = all)', optional: true }],
  },
  {
    op: 'delete_rows',
    title: 'Delete rows',
    fields: [{ name: 'rowIds', kind: 'rowIds', label: 'Row ids (comma separated)' }],
  },
  {
    op: 'insert_row',
    title: 'Insert row',
    fields: [
      { name: 'after', kind: 'after', label: 'Position' },
      { name: 'values', kind: 'json', label: 'Values (JSON object, optional)', optional: true },
    ],
  },
  {
    op: '__json',
    title: 'Any command (JSON)',
    fields: [{ name: 'command', kind: 'json', label: 'Command JSON, e.g. {"op":"lowercase","column":"carrier"}' }],
  },
];

/** Raised for input the page itself cannot turn into a command (bad JSON, non-numeric ids). */
class FormInputError extends Error {
  constructor(message) {
    super(message);
    this.code = 'InvalidInput';
  }
}

/** The command picker and its forms. */
export class CommandForms {
  /**
   * @param {HTMLElement} root
   * @param {{ onApply: (command: object, messageEl: HTMLElement) => void,
   *           getSelectedRowId: () => number|null }} handlers
   */
  constructor(root, { onApply, getSelectedRowId }) {
    this.onApply = onApply;
    this.getSelectedRowId = getSelectedRowId;
    this.columnSelects = [];
    this.forms = new Map();
    this.message = h('div', { class: 'message', 'data-testid': 'command-message', role: 'status' });
    this.picker = h(
      'select',
      { 'data-testid': 'command-select', 'aria-label': 'Command', onchange: () => this.show(this.picker.value) },
      COMMAND_FORMS.map((spec) => h('option', { value: spec.op, text: spec.title })),
    );
    const formsBox = h('div', { class: 'forms' });
    for (const spec of COMMAND_FORMS) {
      const form = this.buildForm(spec);
      this.forms.set(spec.op, form);
      formsBox.append(form);
    }
    root.replaceChildren(h('label', { class: 'picker' }, 'Command ', this.picker), formsBox, this.message);
    this.show(COMMAND_FORMS[0].op);
  }

  /** Shows the form of `op` (also selects it in the picker). */
  show(op) {
    this.picker.value = op;
    for (const [key, form] of this.forms) form.hidden = key !== op;
  }

  /** Refills every column picker from the table's columns (`info().columns`). */
  setColumns(columns) {
    const options = columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` }));
    for (const select of this.columnSelects) setOptions(select, options);
  }

  /** Enables or disables every submit button (no table selected). */
  setEnabled(enabled) {
    for (const form of this.forms.values()) {
      for (const el of form.querySelectorAll('button, input, select, textarea')) el.disabled = !enabled;
    }
    this.picker.disabled = !enabled;
  }

  buildForm(spec) {
    // novalidate: parameters are validated by the library, whose verdict (code, message) is shown.
    const form = h('form', { class: 'command-form', novalidate: true, 'data-testid': `form-${spec.op}`, 'data-op': spec.op });
    for (const field of spec.fields) form.append(this.buildField(spec.op, field));
    form.append(h('button', { type: 'submit', 'data-testid': `${spec.op}-submit`, text: 'Apply' }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      let command;
      try {
        command = this.readForm(spec, form);
      } catch (err) {
        this.message.textContent = `${err.code ?? 'Error'}: ${err.message}`;
        this.message.dataset.code = err.code ?? 'Error';
        this.message.classList.add('is-error');
        return;
      }
      this.onApply(command, this.message);
    });
    return form;
  }

  buildField(op, field) {
    const id = `${op}-${field.name}`;
    const common = { name: field.name, id, 'data-testid': id };
    let control;
    switch (field.kind) {
      case 'column':
        control = h('select', common);
        this.columnSelects.push(control);
        break;
      case 'columns':
        control = h('select', { ...common, multiple: true, size: '6' });
        this.columnSelects.push(control);
        break;
      case 'select':
        control = h('select', common, field.options.map((o) => h('option', { value: o, text: o })));
        break;
      case 'int':
        control = h('input', { ...common, type: 'number', min: field.min, max: field.max, value: field.value ?? '' });
        break;
      case 'date':
        control = h('input', { ...common, type: 'date' });
        break;
      case 'json':
        control = h('textarea', { ...common, rows: '3', spellcheck: 'false' });
        break;
      case 'rowIds': {
        const input = h('input', { ...common, type: 'text', placeholder: 'e.g. 12, 57' });
        const use = h('button', {
          type: 'button',
          'data-testid': `${id}-use-selected`,
          text: 'Use selected row',
          onclick: () => {
            const sel = this.getSelectedRowId();
            if (sel !== null && sel !== undefined) input.value = String(sel);
          },
        });
        return h('div', { class: 'field' }, h('label', { for: id, text: field.label }), h('div', { class: 'inline' }, input, use));
      }
      case 'after':
        control = h(
          'select',
          common,
          h('option', { value: 'top', text: 'at the top' }),
          h('option', { value: 'selected', text: 'after the selected row' }),
        );
        break;
      default:
        control = h('input', { ...common, type: 'text', value: field.value ?? '' });
    }
    return h('div', { class: 'field' }, h('label', { for: id, text: field.label }), control);
  }

  readForm(spec, form) {
    if (spec.op === '__json') {
      const cmd = parseJson(form.querySelector('[name="command"]').value, 'command');
      if (!cmd || typeof cmd !== 'object' || Array.isArray(cmd)) throw new FormInputError('the command must be a JSON object');
      return cmd;
    }
    const command = { op: spec.op };
    for (const field of spec.fields) {
      // Not form.elements[name]: a field called "length" would collide with elements.length.
      const el = form.querySelector(`[name="${field.name}"]`);
      switch (field.kind) {
        case 'column':
        case 'select':
          command[field.name] = el.value;
          break;
        case 'columns': {
          const chosen = Array.from(el.selectedOptions, (o) => o.value);
          if (chosen.length) command[field.name] = chosen;
          break;
        }
        case 'int': {
          if (el.value.trim() === '' && field.optional) break;
          command[field.name] = Number(el.value);
          break;
        }
        case 'date':
        case 'text': {
          const v = el.value.trim();
          if (v === '' && field.optional) break;
          command[field.name] = v;
          break;
        }
        case 'json': {
          if (el.value.trim() === '' && field.optional) break;
          command[field.name] = parseJson(el.value, field.name);
          break;
        }
        case 'rowIds': {
          const parts = el.value.split(',').map((s) => s.trim()).filter(Boolean);
          const ids = parts.map(Number);
          if (ids.some((n) => !Number.isSafeInteger(n))) throw new FormInputError(`row ids must be integers: "${el.value}"`);
          command[field.name] = ids;
          break;
        }
        case 'after': {
          if (el.value === 'top') command.after = null;
          else {
            const sel = this.getSelectedRowId();
            if (sel === null || sel === undefined) throw new FormInputError('select a row in the grid first (click it)');
            command.after = sel;
          }
          break;
        }
        default:
          command[field.name] = el.value;
      }
    }
    return command;
  }
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormInputError(`${what} is not valid JSON: ${err.message}`);
  }
}
