// The timeline list: entry 0 is the import, then one entry per step; the current position is
// highlighted, entries after it are redoable. Clicking an entry jumps there (`table.goto`).

import { h, fmtBytes, fmtInt, fmtMs } from './util.js';

/** Renders `table.timeline()` results and reports clicks. */
export class TimelineView {
  /** @param {HTMLElement} root  @param {{ onGoto: (position: number) => void }} handlers */
  constructor(root, { onGoto }) {
    this.onGoto = onGoto;
    this.position = h('span', { 'data-testid': 'timeline-position', text: '' });
    this.list = h('ol', { class: 'timeline', 'data-testid': 'timeline', start: '0' });
    root.replaceChildren(h('div', { class: 'timeline-head' }, 'Position ', this.position), this.list);
    this.list.addEventListener('click', (e) => {
      const li = e.target.closest('[data-testid="timeline-entry"]');
      if (li && !li.classList.contains('current')) this.onGoto(Number(li.dataset.index));
    });
  }

  /** Shows a timeline `{ position, steps }` (or nothing when `timeline` is null). */
  render(timeline) {
    if (!timeline) {
      this.position.textContent = '';
      this.list.replaceChildren();
      return;
    }
    const { position, steps } = timeline;
    this.position.textContent = `${position} / ${steps.length}`;
    this.position.dataset.position = String(position);
    const entries = [
      this.entry(0, position, {}, h('span', { class: 'step-label', 'data-testid': 'step-label', text: 'Imported' })),
      ...steps.map((step, i) => {
        const index = i + 1;
        return this.entry(
          index,
          position,
          {
            'data-op': step.command?.op ?? '',
            'data-rows-affected': String(step.rowsAffected),
            'data-duration-ms': String(step.durationMs),
            'data-bytes-written': String(step.bytesWritten),
            'data-tier': String(step.tier),
          },
          h('span', { class: 'step-head' }, h('span', { class: 'step-index', text: `${index}.` }), h('span', { class: 'step-label', 'data-testid': 'step-label', text: step.label })),
          h(
            'span',
            { class: 'step-figures' },
            h('span', { 'data-testid': 'step-rows', text: `${fmtInt(step.rowsAffected)} rows` }),
            h('span', { 'data-testid': 'step-ms', text: fmtMs(step.durationMs) }),
            h('span', { 'data-testid': 'step-bytes', text: fmtBytes(step.bytesWritten) }),
          ),
          step.warnings && step.warnings.length
            ? h('span', { class: 'step-warnings', 'data-testid': 'step-warnings', text: step.warnings.join('; ') })
            : null,
        );
      }),
    ];
    this.list.replaceChildren(...entries);
  }

  entry(index, position, attrs, ...parts) {
    const cls = ['entry'];
    if (index === position) cls.push('current');
    if (index > position) cls.push('redoable');
    return h(
      'li',
      {
        class: cls.join(' '),
        'data-testid': 'timeline-entry',
        'data-index': String(index),
        'data-current': index === position ? '1' : '0',
        title: index === position ? 'current state' : `go to ${index === 0 ? 'the import' : `step ${index}`}`,
        ...attrs,
      },
      ...parts,
    );
  }
}
