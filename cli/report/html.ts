// SPDX-License-Identifier: GPL-2.0-only
/**
 * The base-expectations report as one self-contained HTML page: the tree x
 * expectation table (a mark per cell, the reason on hover and below), the
 * expectations' titles, and for every failure the command that reproduces
 * it and a link to the timeline page of that boot. No script, no external
 * resource.
 */
import type { BaseExpectationsResult, ExpectationId } from '../../harness/expectations.js';
import { esc } from '../timeline/render.js';

export interface ReportLinks {
  /** For a failing cell: the commands that boot the machines that failed it on that tree (E6: each machine it names). */
  readonly reproduce: (tree: string, id: ExpectationId) => string[];
  /** For a failing cell: the timeline pages of those boots, relative to the report. */
  readonly timelines?: (tree: string, id: ExpectationId) => Array<{ machine: string; href: string }>;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.4em; margin-bottom: 0.2em; }
p.sub { color: #555; margin-top: 0; }
table.verdicts { border-collapse: collapse; margin: 1em 0; }
table.verdicts th, table.verdicts td { border: 1px solid #ccc; padding: 0.25em 0.7em; text-align: center; }
table.verdicts th.tree { text-align: left; font-family: ui-monospace, monospace; font-weight: normal; }
td.pass { background: #e7f6e9; color: #176b28; }
td.fail { background: #fbe9e9; color: #a11b1b; font-weight: bold; }
td.fail a { color: inherit; text-decoration: none; }
dl.exp dt { font-weight: bold; float: left; width: 2.5em; }
dl.exp dd { margin-left: 3em; }
ul.failures li { margin-bottom: 0.6em; }
code, pre { font-family: ui-monospace, monospace; font-size: 0.92em; }
code.cmd { background: #f4f4f4; padding: 0.1em 0.3em; }
`;

export function renderReport(result: BaseExpectationsResult, links: ReportLinks): string {
  const ids = result.expectations.map((e) => e.id);
  const passed = result.trees.filter((t) => ids.every((id) => result.verdicts[t]![id]!.pass));
  const rows = result.trees.map((t) => {
    const cells = ids.map((id) => {
      const v = result.verdicts[t]![id]!;
      const anchor = v.pass ? '' : ` id="${esc(`${t}-${id}`)}"`;
      const mark = v.pass ? '✓' : `<a href="#f-${esc(`${t}-${id}`)}">✗</a>`;
      return `<td class="${v.pass ? 'pass' : 'fail'}" title="${esc(v.reason)}"${anchor}>${mark}</td>`;
    });
    return `<tr><th class="tree">${esc(t)}</th>${cells.join('')}</tr>`;
  });
  const failures = result.trees.flatMap((t) =>
    ids
      .filter((id) => !result.verdicts[t]![id]!.pass)
      .map(
        (id) =>
          `<li id="f-${esc(`${t}-${id}`)}"><b>${esc(t)} ${esc(id)}</b>: ${esc(result.verdicts[t]![id]!.reason)}<br>` +
          `reproduce: ${links.reproduce(t, id).map((c) => `<code class="cmd">${esc(c)}</code>`).join(', ')}` +
          (links.timelines ? `<br>timeline: ${links.timelines(t, id).map((x) => `<a class="timeline" href="${esc(x.href)}">${esc(x.machine)} on ${esc(t)}</a>`).join(', ')}` : '') +
          '</li>',
      ),
  );
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>kshim: base expectations</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Base expectations on every tree state</h1>
<p class="sub">${passed.length} of ${result.trees.length} trees meet every expectation. Hover a cell for what was seen.</p>
<table class="verdicts">
<tr><th>tree</th>${ids.map((id) => `<th>${esc(id)}</th>`).join('')}</tr>
${rows.join('\n')}
</table>
<h2>Expectations</h2>
<dl class="exp">
${result.expectations.map((e) => `<dt>${esc(e.id)}</dt><dd>${esc(e.title)}</dd>`).join('\n')}
</dl>
<h2>Failures</h2>
${failures.length > 0 ? `<ul class="failures">\n${failures.join('\n')}\n</ul>` : '<p>None.</p>'}
</body>
</html>
`;
}
