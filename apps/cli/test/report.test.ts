import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/report/atomic-write.js';
import { renderReport, writeReport } from '../src/report/html-report.js';
import { lineChart, panelGrid, topLevel, type PlotSeries } from '../src/report/plot-spec.js';
import { compileWarnings, plotView, renderPlot } from '../src/report/render-plot.js';
import { tempDir } from './helpers.js';

/*
 * Plots are Vega-Lite specs rendered by vega. These tests read the rendered
 * scene (mark positions) and the scales back from vega's view, so they check
 * what is drawn, not what the spec says.
 */

interface SceneItem { x: number; y: number; items?: SceneItem[]; mark?: { marktype: string; role: string; name?: string }; datum?: Record<string, unknown> }
type View = Awaited<ReturnType<typeof plotView>>;

/** Every drawn item of one mark type, with its datum. */
function items(view: View, marktype: string): SceneItem[] {
  const found: SceneItem[] = [];
  const walk = (node: SceneItem & { marktype?: string }) => {
    if (node.marktype === marktype) found.push(...(node.items ?? []));
    for (const child of node.items ?? []) walk(child as SceneItem & { marktype?: string });
  };
  walk((view.scenegraph() as unknown as { root: SceneItem }).root);
  return found;
}

afterAll(() => expect(compileWarnings).toEqual([]));

describe('lineChart', () => {
  // The plain network's real start: 34 % to 80 % over the first steps, the case the old SVG code pinned to the frame.
  const early: PlotSeries = { name: 'without BN', points: [[0, 0.34], [500, 0.52], [1000, 0.71], [2000, 0.8], [4000, 0.93]].map(([x, y]) => ({ x, y })) };
  const late: PlotSeries = { name: 'with BN', dashed: true, points: [[0, 0.1], [500, 0.91], [1000, 0.93], [2000, 0.94], [4000, 0.95]].map(([x, y]) => ({ x, y })) };

  it('keeps out-of-range values: every drawn point maps back to its true value', async () => {
    const view = await plotView(topLevel(lineChart([early, late], { title: 'acc', x: { title: 'step' }, y: { title: 'accuracy', percent: true } })));
    const y = view.scale('y') as (v: number) => number & { invert(p: number): number };
    const drawn = items(view, 'line');
    expect(drawn.length).toBe(10);
    for (const item of drawn) {
      const datum = item.datum as { y: number };
      // The pixel position inverts to the datum: nothing was clamped to the frame.
      expect((y as unknown as { invert(p: number): number }).invert(item.y)).toBeCloseTo(datum.y, 9);
      expect(item.y).toBeGreaterThanOrEqual(0);
      expect(item.y).toBeLessThanOrEqual(view.height());
    }
    const domain = (view.scale('y') as unknown as { domain(): number[] }).domain();
    expect(domain[0]).toBeLessThanOrEqual(0.1);
    expect(domain[1]).toBeGreaterThanOrEqual(0.95);
    view.finalize();
  });

  it('breaks a line at a non-finite value, marks it with a cross, and counts it in the legend', async () => {
    const diverged: PlotSeries = { name: 'lr 3', points: [{ x: 1, y: 2.3 }, { x: 2, y: 1.1 }, { x: 3, y: Number.NaN }, { x: 4, y: Number.POSITIVE_INFINITY }] };
    const plot = lineChart([diverged], { title: 'loss', x: { title: 'epoch' }, y: { title: 'loss', log: true } });
    const view = await plotView(topLevel(plot));
    const lines = items(view, 'line');
    expect(lines.filter((i) => (i.datum as { y: number | null }).y !== null)).toHaveLength(2);
    const crosses = items(view, 'symbol').filter((i) => (i.datum as { missing?: string }).missing !== undefined && (i.datum as { missing: string | null }).missing !== null);
    expect(crosses.map((i) => (i.datum as { missing: string }).missing)).toEqual(['NaN', 'Infinity']);
    // The crosses sit on the bottom edge, not at some made-up value.
    for (const c of crosses) expect(c.y).toBe(view.height());
    const svg = (await renderPlot(plot)).svg;
    expect(svg).toContain('lr 3 (2 non-finite, marked ×)');
    // No NaN in any drawing attribute (the crosses' descriptions name the value, which is fine).
    expect(svg.replace(/aria-label="[^"]*"/g, '')).not.toContain('NaN');
    view.finalize();
  });

  it('never truncates a legend label', async () => {
    const name = 'without BN (3 non-finite, marked ×), a label far longer than the 170 px the old legend had';
    const svg = (await renderPlot(lineChart([{ name, points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }], { title: 't', x: { title: 'x' }, y: { title: 'y' } }))).svg;
    expect(svg).toContain(name);
    expect(svg).not.toContain('…');
  });

  it('draws a confidence band from lower to upper', async () => {
    const band: PlotSeries = { name: 'mean', points: [1, 2, 3].map((x) => ({ x, y: x, lower: x - 0.5, upper: x + 0.5 })) };
    const view = await plotView(topLevel(lineChart([band], { title: 't', x: { title: 'x' }, y: { title: 'y' } })));
    const area = items(view, 'area');
    expect(area.map((i) => (i.datum as { lower: number }).lower)).toEqual([0.5, 1.5, 2.5]);
    view.finalize();
  });
});

describe('panelGrid', () => {
  it('puts compared panels on one y axis', async () => {
    const a = lineChart([{ name: 's', points: [{ x: 1, y: 0.3 }, { x: 2, y: 0.5 }] }], { title: 'a', x: { title: 'x' }, y: { title: 'y' }, panel: true });
    const b = lineChart([{ name: 's', points: [{ x: 1, y: 0.9 }, { x: 2, y: 0.95 }] }], { title: 'b', x: { title: 'x' }, y: { title: 'y' }, panel: true });
    const view = await plotView(topLevel(panelGrid([a, b], { title: 'both', columns: 2 })));
    const lines = items(view, 'line');
    // One shared scale: the same value sits at the same height in both panels, and 0.3 is below 0.95.
    const heightOf = (v: number) => lines.find((i) => (i.datum as { y: number }).y === v)!.y;
    expect(heightOf(0.3)).toBeGreaterThan(heightOf(0.95));
    const scaleNames = Object.keys((view as unknown as { _runtime: { scales: Record<string, unknown> } })._runtime.scales).filter((k) => k.endsWith('y'));
    expect(scaleNames).toEqual(['y']);
    view.finalize();
  });
});

describe('HTML report', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('is self-contained: the SVG, its Vega-Lite spec as text, no script and no external resource', async () => {
    const html = await renderReport({
      title: 'T & co',
      summary: 's',
      meta: [['seed', '1']],
      sections: [{ heading: 'h', paragraphs: ['<b>'], plots: [lineChart([{ name: 'a', points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] }], { title: 'p', x: { title: 'x' }, y: { title: 'y' } })], tables: [{ header: ['a'], rows: [['1']] }] }],
      conclusion: ['done'],
    });
    expect(html).toContain('<svg');
    expect(html).toContain('Vega-Lite spec of this plot');
    expect(html).toContain('https://vega.github.io/schema/vega-lite/v6.json');
    expect(html).toContain('T &amp; co');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('writes atomically, leaving no temporary file', async () => {
    const path = join(dir, 'sub', 'report.html');
    await writeReport(path, { title: 't', summary: 's', meta: [], sections: [], conclusion: ['c'] });
    await writeFileAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['report.html']);
  });
});
