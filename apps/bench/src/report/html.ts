import { marked } from 'marked';

/*
 * The HTML report: one self-contained page (inline SVG charts and styles, no
 * script, nothing fetched), the run's Markdown rendered by marked.
 */

export interface HtmlSection {
  title: string;
  /** Inline SVG charts, each with its title. */
  charts: { title: string; svg: string }[];
  markdown: string;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:12px}th,td{border:1px solid #ccc;padding:2px 6px}
th{background:#f4f4f4}td{text-align:right}td:first-child{text-align:left}figure{margin:1em 0;overflow-x:auto}
pre{background:#f7f7f7;padding:.6em;overflow-x:auto;font-size:12px}h2{border-bottom:1px solid #ddd;margin-top:2em}`;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderHtml(title: string, header: string, sections: readonly HtmlSection[]): string {
  const body = sections.map((s) => {
    const charts = s.charts.map((c) => `<figure aria-label="${escapeHtml(c.title)}">${c.svg}</figure>`).join('\n');
    return `<section><h2>${escapeHtml(s.title)}</h2>\n${charts}\n${marked.parse(s.markdown, { async: false })}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${marked.parse(header, { async: false })}
${body.join('\n')}
</body></html>
`;
}
