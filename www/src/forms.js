// Forms for the cleaning commands (COMMANDS.md): one form per op, grouped by category. Each form
// builds a command object; obviously missing or ill-typed fields are caught here (a message, no
// call), everything else is the library's job: a rejected call's `code` and `message` are shown
// next to the form (an op the running package does not know yet is rejected as `InvalidCommand`).

import { h, setOptions } from './util.js';

const column = { name: 'column', kind: 'column', label: 'Column' };
const TYPES = ['VARCHAR', 'BIGINT', 'INTEGER', 'DOUBLE', 'DECIMAL', 'BOOLEAN', 'DATE', 'TIMESTAMP'];
const FILTER_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'starts_with', 'ends_with', 'is_null', 'is_not_null'];
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/i;

const simple = (op, title) => ({ op, title, fields: [column] });

/** The commands offered by the page, by category, with their parameters (COMMANDS.md). */
export const COMMAND_FORMS = [
  // Text
  simple('trim', 'Trim whitespace'),
  simple('collapse_spaces', 'Collapse spaces'),
  simple('lowercase', 'Lowercase'),
  simple('uppercase', 'Uppercase'),
  simple('title_case', 'Title case'),
  simple('sentence_case', 'Sentence case'),
  simple('remove_accents', 'Remove accents'),
  simple('remove_non_printable', 'Remove non-printable characters'),
  {
    op: 'replace',
    title: 'Find and replace',
    fields: [
      column,
      { name: 'find', kind: 'text', label: 'Find', keepSpaces: true },
      { name: 'replaceWith', kind: 'text', label: 'Replace with (may be empty)', keepSpaces: true, allowEmpty: true },
      { name: 'match', kind: 'select', label: 'Match', options: ['contains', 'exact', 'regex'] },
      { name: 'caseSensitive', kind: 'bool', label: 'Case sensitive', value: true },
    ],
  },
  {
    op: 'replace_empty',
    title: 'Replace empty values',
    fields: [column, { name: 'value', kind: 'text', label: 'Value for NULL / empty cells', keepSpaces: true }],
  },
  {
    op: 'pad_zeros',
    title: 'Pad with zeros',
    fields: [column, { name: 'length', kind: 'int', label: 'Length (1..64)', min: 1, max: 64, value: '5' }],
  },
  // Values and types
  {
    op: 'standardize_date',
    title: 'Standardize date',
    fields: [
      column,
      { name: 'order', kind: 'select', label: 'Order (default mdy)', options: ['mdy', 'dmy'], default: 'mdy' },
      { name: 'format', kind: 'text', label: 'Format ("date" or strftime, e.g. %d.%m.%Y)', value: 'date', default: 'date', optional: true },
    ],
  },
  {
    op: 'calculate_age',
    title: 'Calculate age',
    fields: [
      column,
      { name: 'asOf', kind: 'date', label: 'As of (empty = today)', optional: true },
      { name: 'newColumn', kind: 'text', label: 'New column', value: 'age', default: 'age', optional: true },
    ],
  },
  simple('unformat_currency', 'Unformat currency'),
  simple('fix_negatives', 'Fix negatives'),
  {
    op: 'cast_type',
    title: 'Change type',
    fields: [column, { name: 'type', kind: 'type', label: 'Type' }],
  },
  simple('fill_down', 'Fill down'),
  {
    op: 'edit_cell',
    title: 'Edit cell',
    fields: [
      { name: 'rowId', kind: 'rowId', label: 'Row id' },
      column,
      { name: 'value', kind: 'value', label: 'Value' },
    ],
  },
  // Privacy
  { op: 'hash', title: 'Hash (HMAC-SHA-256)', fields: [column, { name: 'secret', kind: 'text', label: 'Secret', keepSpaces: true }] },
  simple('redact', 'Redact'),
  simple('mask', 'Mask'),
  simple('last4', 'Keep last 4'),
  simple('year_only', 'Year only'),
  // Columns
  {
    op: 'split_column',
    title: 'Split column',
    fields: [
      column,
      { name: 'delimiter', kind: 'text', label: 'Delimiter', keepSpaces: true },
      { name: 'maxParts', kind: 'int', label: 'Max parts (optional, 2..64)', min: 2, max: 64, optional: true },
    ],
  },
  {
    op: 'combine_columns',
    title: 'Combine columns',
    fields: [
      { name: 'columns', kind: 'columns', label: 'Columns (in order of selection list)' },
      { name: 'separator', kind: 'text', label: 'Separator (default one space)', value: ' ', keepSpaces: true, allowEmpty: true },
      { name: 'newColumn', kind: 'text', label: 'New column' },
    ],
  },
  {
    op: 'add_column',
    title: 'Add column',
    fields: [
      { name: 'name', kind: 'text', label: 'Name' },
      { name: 'type', kind: 'type', label: 'Type (default VARCHAR)', default: 'VARCHAR' },
      { name: 'value', kind: 'value', label: 'Value (default NULL)', optional: true },
    ],
  },
  simple('delete_column', 'Delete column'),
  {
    op: 'rename_column',
    title: 'Rename column',
    fields: [column, { name: 'newName', kind: 'text', label: 'New name' }],
  },
  {
    op: 'reorder_columns',
    title: 'Reorder columns',
    fields: [{ name: 'columns', kind: 'order', label: 'New order (move with ↑ ↓)' }],
  },
  // Rows
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
      { name: 'values', kind: 'json', label: 'Values (JSON object, optional)', optional: true, object: true },
    ],
  },
  {
    op: 'filter_rows',
    title: 'Filter rows',
    fields: [
      column,
      { name: 'operator', kind: 'select', label: 'Operator', options: FILTER_OPERATORS },
      { name: 'value', kind: 'text', label: 'Value (not for is_null / is_not_null)', keepSpaces: true, optional: true },
      { name: 'keep', kind: 'bool', label: 'Keep matching rows (unchecked = drop them)', value: true },
    ],
  },
  {
    op: 'custom_sql',
    title: 'Custom SQL',
    fields: [
      {
        name: 'sql',
        kind: 'sql',
        label: 'One statement; name the table {table} (UPDATE, DELETE, INSERT, ALTER TABLE)',
        placeholder: "UPDATE {table} SET amount = amount * 100 WHERE currency = 'EUR'",
      },
    ],
  },
  // Values clustering
  {
    op: 'mass_edit',
    title: 'Mass edit',
    fields: [
      column,
      { name: 'edits', kind: 'json', label: 'Edits (JSON), e.g. [{"from": ["NY", "N.Y."], "to": "New York"}]', array: true },
    ],
  },
  {
    op: '__json',
    title: 'Any command (JSON)',
    fields: [{ name: 'command', kind: 'json', label: 'Command JSON, e.g. {"op":"lowercase","column":"carrier"}' }],
  },
];

/** Categories of the picker (COMMANDS.md sections). */
export const CATEGORIES = [
  ['Text', ['trim', 'collapse_spaces', 'lowercase', 'uppercase', 'title_case', 'sentence_case', 'remove_accents', 'remove_non_printable', 'replace', 'replace_empty', 'pad_zeros']],
  ['Values and types', ['standardize_date', 'calculate_age', 'unformat_currency', 'fix_negatives', 'cast_type', 'fill_down', 'edit_cell']],
  ['Privacy', ['hash', 'redact', 'mask', 'last4', 'year_only']],
  ['Columns', ['split_column', 'combine_columns', 'add_column', 'delete_column', 'rename_column', 'reorder_columns']],
  ['Rows', ['remove_duplicates', 'delete_rows', 'insert_row', 'filter_rows', 'custom_sql']],
  ['Values clustering', ['mass_edit']],
  ['Other', ['__json']],
];

/** Raised for input the page itself cannot turn into a command (missing field, bad JSON, ...). */
class FormInputError extends Error {
  constructor(message) {
    super(message);
    this.code = 'InvalidInput';
  }
}

const fieldTitle = (field) => field.label.replace(/\s*\(.*$/, '');

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
    this.orderLists = [];
    this.columns = [];
    this.forms = new Map();
    this.message = h('div', { class: 'message', 'data-testid': 'command-message', role: 'status' });
    const byOp = new Map(COMMAND_FORMS.map((spec) => [spec.op, spec]));
    this.picker = h(
      'select',
      { 'data-testid': 'command-select', 'aria-label': 'Command', onchange: () => this.show(this.picker.value) },
      CATEGORIES.map(([label, ops]) =>
        h('optgroup', { label }, ops.map((op) => h('option', { value: op, text: byOp.get(op).title }))),
      ),
    );
    this.extra = h('span', { class: 'picker-extra' });
    const formsBox = h('div', { class: 'forms' });
    for (const spec of COMMAND_FORMS) {
      const form = this.buildForm(spec);
      this.forms.set(spec.op, form);
      formsBox.append(form);
    }
    root.replaceChildren(h('div', { class: 'picker-row' }, h('label', { class: 'picker' }, 'Command ', this.picker), this.extra), formsBox, this.message);
    this.show(COMMAND_FORMS[0].op);
  }

  /** Shows the form of `op` (also selects it in the picker). */
  show(op) {
    this.picker.value = op;
    for (const [key, form] of this.forms) form.hidden = key !== op;
  }

  /** Refills every column picker from the table's columns (`info().columns`). */
  setColumns(columns) {
    this.columns = columns;
    const options = columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` }));
    for (const select of this.columnSelects) setOptions(select, options);
    for (const list of this.orderLists) this.fillOrder(list, columns);
  }

  /** Enables or disables every form (no table selected). */
  setEnabled(enabled) {
    for (const form of this.forms.values()) {
      for (const el of form.querySelectorAll('button, input, select, textarea')) el.disabled = !enabled;
    }
    this.picker.disabled = !enabled;
  }

  columnType(name) {
    return this.columns.find((c) => c.name === name)?.type ?? null;
  }

  buildForm(spec) {
    // novalidate: the page checks for missing/ill-typed fields itself, the rest is the library's.
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
        this.message.dataset.client = '1';
        this.message.classList.add('is-error');
        return;
      }
      delete this.message.dataset.client;
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
      case 'bool':
        control = h('input', { ...common, type: 'checkbox' });
        control.checked = field.value !== false;
        return h('div', { class: 'field check' }, h('label', {}, control, ` ${field.label}`));
      case 'int':
        control = h('input', { ...common, type: 'number', step: '1', min: field.min, max: field.max, value: field.value ?? '' });
        break;
      case 'date':
        control = h('input', { ...common, type: 'date' });
        break;
      case 'json':
        control = h('textarea', { ...common, rows: '3', spellcheck: 'false' });
        break;
      case 'sql':
        control = h('textarea', { ...common, rows: '4', spellcheck: 'false', placeholder: field.placeholder, class: 'sql' });
        return h(
          'div',
          { class: 'field wide' },
          h('label', { for: id, text: field.label }),
          control,
          h('span', { class: 'hint-inline', 'data-testid': `${id}-hint`, text: 'Write {table} where the table goes, e.g. DELETE FROM {table} WHERE …' }),
        );
      case 'type': {
        const select = h('select', common, TYPES.map((t) => h('option', { value: t, text: t === 'DECIMAL' ? 'DECIMAL(p,s)' : t })));
        if (field.default) select.value = field.default;
        const p = h('input', { type: 'number', name: `${field.name}-precision`, 'data-testid': `${id}-precision`, value: '18', min: '1', max: '38', class: 'small', 'aria-label': 'precision' });
        const s = h('input', { type: 'number', name: `${field.name}-scale`, 'data-testid': `${id}-scale`, value: '2', min: '0', max: '38', class: 'small', 'aria-label': 'scale' });
        const ps = h('span', { class: 'inline decimal' }, 'p ', p, ' s ', s);
        const sync = () => {
          ps.hidden = select.value !== 'DECIMAL';
        };
        select.addEventListener('change', sync);
        sync();
        return h('div', { class: 'field' }, h('label', { for: id, text: field.label }), h('div', { class: 'inline' }, select, ps));
      }
      case 'value': {
        const input = h('input', { ...common, type: 'text', placeholder: field.optional ? 'NULL when empty' : '' });
        const isNull = h('input', { type: 'checkbox', name: `${field.name}-null`, 'data-testid': `${id}-null` });
        isNull.addEventListener('change', () => {
          input.disabled = isNull.checked;
        });
        return h(
          'div',
          { class: 'field' },
          h('label', { for: id, text: field.label }),
          h('div', { class: 'inline' }, input, h('label', { class: 'check' }, isNull, ' NULL')),
        );
      }
      case 'order': {
        const list = h('ol', { class: 'order-list', 'data-testid': id, 'data-name': field.name, 'data-op': op });
        this.orderLists.push(list);
        const reset = h('button', {
          type: 'button',
          'data-testid': `${id}-reset`,
          text: 'Reset',
          onclick: () => this.fillOrder(list, this.columns),
        });
        return h('div', { class: 'field' }, h('label', { text: field.label }), list, h('div', { class: 'inline' }, reset));
      }
      case 'rowId':
      case 'rowIds': {
        const input = h('input', { ...common, type: 'text', placeholder: field.kind === 'rowId' ? 'e.g. 12' : 'e.g. 12, 57' });
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

  /** Fills an orderable list with the columns in their current order. */
  fillOrder(list, columns) {
    const id = list.dataset.testid;
    list.replaceChildren(
      ...columns.map((c) => {
        const li = h('li', { class: 'order-item', 'data-testid': `${id}-item`, 'data-name': c.name });
        const move = (delta) => {
          const items = Array.from(list.children);
          const i = items.indexOf(li);
          const j = i + delta;
          if (j < 0 || j >= items.length) return;
          if (delta < 0) list.insertBefore(li, items[j]);
          else list.insertBefore(items[j], li);
        };
        li.append(
          h('span', { class: 'name', text: c.name }),
          h('button', { type: 'button', 'data-testid': `${id}-up`, title: `Move ${c.name} up`, text: '↑', onclick: () => move(-1) }),
          h('button', { type: 'button', 'data-testid': `${id}-down`, title: `Move ${c.name} down`, text: '↓', onclick: () => move(1) }),
        );
        return li;
      }),
    );
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
      const title = fieldTitle(field);
      switch (field.kind) {
        case 'column':
          if (!el.value) throw new FormInputError(`${title} is required: pick a column`);
          command[field.name] = el.value;
          break;
        case 'select':
          if (field.default !== undefined && el.value === field.default) break;
          command[field.name] = el.value;
          break;
        case 'bool':
          command[field.name] = el.checked;
          break;
        case 'columns': {
          const chosen = Array.from(el.selectedOptions, (o) => o.value);
          if (!chosen.length && !field.optional) throw new FormInputError(`${title} is required: select one or more columns`);
          if (chosen.length) command[field.name] = chosen;
          break;
        }
        case 'order': {
          const names = Array.from(form.querySelectorAll('.order-item'), (li) => li.dataset.name);
          if (!names.length) throw new FormInputError('the table has no columns to reorder');
          command[field.name] = names;
          break;
        }
        case 'int': {
          const text = el.value.trim();
          if (text === '') {
            if (field.optional) break;
            throw new FormInputError(`${title} is required`);
          }
          const n = Number(text);
          if (!Number.isSafeInteger(n)) throw new FormInputError(`${title} must be a whole number: "${el.value}"`);
          command[field.name] = n;
          break;
        }
        case 'type': {
          let type = el.value;
          if (type === 'DECIMAL') {
            const p = Number(form.querySelector(`[name="${field.name}-precision"]`).value);
            const s = Number(form.querySelector(`[name="${field.name}-scale"]`).value);
            if (!Number.isSafeInteger(p) || !Number.isSafeInteger(s) || p < 1 || s < 0 || s > p) {
              throw new FormInputError('DECIMAL needs whole numbers p >= 1 and 0 <= s <= p');
            }
            type = `DECIMAL(${p},${s})`;
          }
          if (field.default !== undefined && type === field.default) break;
          command[field.name] = type;
          break;
        }
        case 'value': {
          const isNull = form.querySelector(`[name="${field.name}-null"]`).checked;
          if (isNull) {
            command[field.name] = null;
            break;
          }
          if (el.value === '' && field.optional) break;
          const targetType = spec.op === 'add_column' ? command.type ?? 'VARCHAR' : this.columnType(command.column);
          command[field.name] = typedValue(el.value, targetType);
          break;
        }
        case 'date':
        case 'text': {
          const v = field.keepSpaces ? el.value : el.value.trim();
          if (v === '' && !field.allowEmpty) {
            if (field.optional) break;
            if (spec.op === 'filter_rows') break;
            throw new FormInputError(`${title} is required`);
          }
          if (field.default !== undefined && v === field.default) break;
          command[field.name] = v;
          break;
        }
        case 'sql': {
          const v = el.value.trim();
          if (!v) throw new FormInputError('SQL is required');
          if (!v.includes('{table}')) throw new FormInputError('name the table as {table} in the statement');
          command[field.name] = v;
          break;
        }
        case 'json': {
          if (el.value.trim() === '') {
            if (field.optional) break;
            throw new FormInputError(`${title} is required`);
          }
          const value = parseJson(el.value, field.name);
          if (field.object && (!value || typeof value !== 'object' || Array.isArray(value))) {
            throw new FormInputError(`${field.name} must be a JSON object`);
          }
          if (field.array && !Array.isArray(value)) throw new FormInputError(`${field.name} must be a JSON array`);
          command[field.name] = value;
          break;
        }
        case 'rowId': {
          const n = Number(el.value.trim());
          if (el.value.trim() === '' || !Number.isSafeInteger(n)) throw new FormInputError(`row id must be an integer: "${el.value}"`);
          command[field.name] = n;
          break;
        }
        case 'rowIds': {
          const parts = el.value.split(',').map((s) => s.trim()).filter(Boolean);
          const ids = parts.map(Number);
          if (ids.some((n) => !Number.isSafeInteger(n))) throw new FormInputError(`row ids must be integers: "${el.value}"`);
          if (!ids.length) throw new FormInputError('row ids are required (comma separated)');
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
    if (spec.op === 'filter_rows') {
      const unary = command.operator === 'is_null' || command.operator === 'is_not_null';
      if (unary) delete command.value;
      else if (command.value === undefined) throw new FormInputError(`Value is required for operator ${command.operator}`);
      else command.value = typedValue(command.value, this.columnType(command.column));
    }
    return command;
  }
}

/** A value typed for a column of `type`: numbers for numeric columns, booleans for BOOLEAN. */
function typedValue(text, type) {
  if (type && NUMERIC_TYPE.test(type) && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (type && /^BOOL/i.test(type) && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
  return text;
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormInputError(`${what} is not valid JSON: ${err.message}`);
  }
}
