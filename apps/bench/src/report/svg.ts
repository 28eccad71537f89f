import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Chart } from '../run/context.js';

/*
 * Charts to SVG in Node: vega-lite compiles the spec to vega, vega's
 * headless view renders it ('none' renderer: no canvas, no browser). Data are
 * inline values, so nothing is loaded from anywhere.
 */

export async function chartToSvg(c: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(c.spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
