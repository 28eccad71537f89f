import type { BackendResult } from './protocol.js';

/* The kernel x backend table: pass or FAIL in words, the largest error, the cases run. */

export function renderMatrix(table: HTMLTableElement, results: readonly BackendResult[]): void {
  if (results.length === 0) return;
  const kernels = [...new Set(results.flatMap((r) => Object.keys(r.kernels)))];
  const head = document.createElement('thead');
  head.innerHTML = '<tr><th scope="col">kernel</th></tr>';
  for (const r of results) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = r.detail;
    head.rows[0].append(th);
  }
  const body = document.createElement('tbody');
  for (const k of kernels) {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = k;
    tr.append(th);
    for (const r of results) {
      const s = r.kernels[k];
      const td = tr.insertCell();
      if (!s) {
        td.textContent = '–';
        continue;
      }
      td.dataset.kernel = k;
      td.dataset.backend = r.backend;
      td.className = s.pass ? 'pass' : 'fail';
      const skipped = s.skipped > 0 ? `, ${s.skipped} skipped` : '';
      td.textContent = s.cases === 0 ? `skipped (${s.skipped})` : `${s.pass ? 'pass' : `FAIL ${s.failed} of ${s.cases}`} · max error ${s.maxError.toExponential(1)} · ${s.cases} cases${skipped}`;
    }
  }
  table.replaceChildren(head, body);
  table.hidden = false;
}
