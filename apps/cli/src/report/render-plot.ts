import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { topLevel, type PlotSpec } from './plot-spec.js';

/*
 * Vega-Lite spec -> Vega spec -> SVG, in Node, with vega's headless view
 * (renderer 'none': no canvas, no DOM). Text widths are estimated without a
 * canvas, which only moves labels by a few pixels; the layout leaves room
 * for whatever it estimates, so legends are not cut.
 */

export interface RenderedPlot {
  title: string;
  /** The standalone Vega-Lite document, for an interactive viewer. */
  spec: Record<string, unknown>;
  svg: string;
}

/** Renders one plot; the view is finalized so no timer or listener outlives the call. */
export async function renderPlot(plot: PlotSpec): Promise<RenderedPlot> {
  const spec = topLevel(plot);
  const view = await plotView(spec);
  try {
    return { title: plot.title, spec, svg: await view.toSVG() };
  } finally {
    view.finalize();
  }
}

/**
 * Vega-Lite's compiler warnings (a conflicting legend, an unsupported
 * encoding) go here instead of the command's stderr; tests assert that our
 * plots produce none.
 */
export const compileWarnings: string[] = [];

const logger = {
  level(): number {
    return 0;
  },
  error(...args: readonly unknown[]) {
    throw new Error(`vega-lite: ${args.join(' ')}`);
  },
  warn(...args: readonly unknown[]) {
    compileWarnings.push(args.join(' '));
    return logger;
  },
  info: () => logger,
  debug: () => logger,
};

/** The evaluated vega view of a Vega-Lite document (tests read scales and marks from it). */
export async function plotView(spec: Record<string, unknown>): Promise<View> {
  const vega = compile(spec as unknown as TopLevelSpec, { logger: logger as never }).spec;
  const view = new View(parse(vega), { renderer: 'none', logLevel: 0 });
  await view.runAsync();
  return view;
}
