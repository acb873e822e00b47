// Small DOM and formatting helpers shared by the page's modules.

/**
 * Creates an element. `attrs` keys: `class`, `text`, `dataset` (object), `on<event>` (listener),
 * anything else becomes an attribute (skipped when null/false). Children may be nodes or strings.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Returns the element with the given `data-testid` (throws if the page lacks it). */
export function byTestId(id, root = document) {
  const el = root.querySelector(`[data-testid="${id}"]`);
  if (!el) throw new Error(`page is missing [data-testid="${id}"]`);
  return el;
}

const intFormat = new Intl.NumberFormat('en-US');

/** 336776 -> "336,776". */
export function fmtInt(n) {
  return typeof n === 'number' && Number.isFinite(n) ? intFormat.format(n) : String(n ?? '');
}

/** Bytes in B / KiB / MiB / GiB. */
export function fmtBytes(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n ?? '');
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** Milliseconds, rounded for display. */
export function fmtMs(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return String(ms ?? '');
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** The text shown for a cell value (null is shown separately by callers). */
export function fmtValue(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** "Code: message" for a rejected duckline call (or any error). */
export function errorText(err) {
  if (err && typeof err === 'object') {
    const code = err.code ?? err.name ?? 'Error';
    return `${code}: ${err.message ?? String(err)}`;
  }
  return String(err);
}

/** Fills a <select> with options, keeping the previous selection when it still exists. */
export function setOptions(select, options, { keep = true } = {}) {
  const previous = keep ? new Set(Array.from(select.selectedOptions, (o) => o.value)) : new Set();
  select.replaceChildren(
    ...options.map(({ value, label }) => h('option', { value, text: label ?? value })),
  );
  let any = false;
  for (const opt of select.options) {
    if (previous.has(opt.value)) {
      opt.selected = true;
      any = true;
    }
  }
  if (!any && !select.multiple && select.options.length) select.selectedIndex = 0;
}
