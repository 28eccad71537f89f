import { describe, expect, it } from 'vitest';
import { accuracyChart, scalingChart } from '../src/report/charts.js';
import { renderHtml } from '../src/report/html.js';
import { chartToSvg } from '../src/report/svg.js';

describe('charts', () => {
  it('compile from vega-lite to an SVG that carries the title and the data', async () => {
    const chart = accuracyChart(
      [
        { contender: 'batchwise native 2t', seconds: 5, accuracy: 0.85 },
        { contender: 'batchwise native 2t', seconds: 10, accuracy: 0.905 },
      ],
      0.9,
    );
    const svg = await chartToSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Time to 90 % test accuracy');
    expect(svg).toContain('batchwise native 2t');
  });

  it('facet the scaling chart by kernel and sweep', async () => {
    const svg = await chartToSvg(scalingChart([
      { kernel: 'conv2d', sweep: 'against batch size', threads: 'native-1t', work: 1e6, ms: 1 },
      { kernel: 'conv2d', sweep: 'against batch size', threads: 'native-1t', work: 4e6, ms: 3.5 },
      { kernel: 'batchNorm', sweep: 'against image size', threads: 'native-2t', work: 1e4, ms: 0.1 },
    ]));
    expect(svg).toContain('against batch size');
    expect(svg).toContain('against image size');
  });
});

describe('renderHtml', () => {
  it('is one page with the charts inline, tables from the Markdown and text escaped', () => {
    const html = renderHtml('bench <run>', 'Command: `pnpm bench`', [
      { title: 'Models & more', charts: [{ title: 'a "chart"', svg: '<svg id="s"></svg>' }], markdown: '| a | b |\n|:--|--:|\n| x | 1 |' },
    ]);
    expect(html).toContain('<title>bench &lt;run&gt;</title>');
    expect(html).toContain('<h2>Models &amp; more</h2>');
    expect(html).toContain('<figure aria-label="a &quot;chart&quot;"><svg id="s"></svg></figure>');
    expect(html).toMatch(/<table>[\s\S]*<td align="left">x<\/td>/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});
