import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/report/atomic-write.js';
import { renderReport, writeReport } from '../src/report/html-report.js';
import { linePlot } from '../src/report/svg-plot.js';
import { linearAxis, logAxis } from '../src/report/ticks.js';
import { tempDir } from './helpers.js';

describe('axes', () => {
  it('uses 1-2-5 steps', () => {
    expect(linearAxis(0, 0.93).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearAxis(0.13, 2.31).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
  });
  it('widens a flat range', () => {
    const a = linearAxis(3, 3);
    expect(a.min).toBeLessThan(3);
    expect(a.max).toBeGreaterThan(3);
  });
  it('puts log ticks at powers of ten', () => expect(logAxis(0.003, 2).ticks).toEqual([0.001, 0.01, 0.1, 1, 10]));
});

describe('linePlot', () => {
  const svg = linePlot(
    [
      { name: 'train', points: [[1, 0.5], [2, 0.7], [3, 0.8]] },
      { name: 'validation', points: [[1, 0.45], [2, Number.NaN], [3, 0.75]], dashed: true },
    ],
    { title: 'Accuracy <per> epoch', xLabel: 'epoch', yLabel: 'accuracy', yRange: [0, 1] },
  );
  it('draws axes, a legend and one line per finite run', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Accuracy &lt;per&gt; epoch');
    expect(svg.match(/<polyline/g)).toHaveLength(3); // validation is split by its NaN
    expect(svg).toContain('validation (1 non-finite)');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).not.toContain('NaN');
  });
});

describe('HTML report', () => {
  it('is self-contained and escapes text', () => {
    const html = renderReport({
      title: 'T & co',
      summary: 's',
      meta: [['seed', '1']],
      sections: [{ heading: 'h', paragraphs: ['<b>'], plots: [linePlot([{ name: 'a', points: [[0, 1]] }], { title: 'p', xLabel: 'x', yLabel: 'y' })], tables: [{ header: ['a'], rows: [['1']] }] }],
      conclusion: ['done'],
    });
    expect(html).toContain('<svg');
    expect(html).toContain('T &amp; co');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('writes atomically, leaving no temporary file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'sub', 'report.html');
      await writeReport(path, { title: 't', summary: 's', meta: [], sections: [], conclusion: ['c'] });
      await writeFileAtomic(path, 'second');
      expect(readFileSync(path, 'utf8')).toBe('second');
      expect(readdirSync(join(dir, 'sub'))).toEqual(['report.html']);
    } finally {
      cleanup();
    }
  });
});
