/* Small DOM and formatting helpers shared by the page's parts. */

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`byId: the page must have an element #${id}, received none.`);
  return el as T;
}

export function formatPercent(p: number): string {
  return Number.isFinite(p) ? `${(p * 100).toFixed(1)} %` : '–';
}

/** Three significant digits, or a dash for NaN. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : String(v);
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en') : v.toPrecision(3);
}
