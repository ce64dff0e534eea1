// SPDX-License-Identifier: GPL-2.0-only
/** `kshim matrix`: the Kconfig and link matrix of a tree. */
import { configMatrix } from '../harness/matrix.js';
import type { Tristate } from '../harness/scenario.js';
import { ALL_TREES as TREES, lookupTree as findTree } from '../trees/registry.js';
import { UsageError } from './errors.js';
import { loadScenario } from './load.js';

export async function matrixCommand(opts: { tree: string; json?: boolean; explore?: boolean; scenario?: string; runs: string; set: string[] }): Promise<void> {
  const tree = findTree(opts.tree);
  if (tree === undefined) throw new UsageError(`--tree ${opts.tree}: unknown tree; known trees: ${TREES.map((t) => t.name).join(', ')}`);
  const fixed: Record<string, Tristate> = { DAX: 'y', DEV_DAX: 'y' };
  for (const s of opts.set) {
    const m = /^(?:CONFIG_)?([A-Z0-9_]+)=([ymn])$/.exec(s);
    if (m === null) throw new UsageError(`--set ${s}: expected SYMBOL=y, SYMBOL=m or SYMBOL=n`);
    fixed[m[1]!] = m[2] as Tristate;
  }
  if (!/^\d+$/.test(opts.runs)) throw new UsageError(`--runs ${opts.runs}: expected a non-negative integer`);
  const explore = opts.explore ? loadScenario(opts.scenario ?? 'scenarios/mainline-builtin.json') : undefined;
  const m = await configMatrix(tree, { fixed, explore, runs: Number(opts.runs) });
  if (opts.json) {
    process.stdout.write(JSON.stringify(m, null, 2) + '\n');
    return;
  }
  const symbols = Object.keys(m.configs[0]?.values ?? {});
  const short = (s: string): string => s.replace(/^DEV_DAX_/, '').replace(/^CXL_/, '');
  const lines = [`${tree.name}: ${m.valid} valid configurations (${Object.entries(fixed).map(([k, v]) => `${k}=${v}`).join(' ')}); ${m.configs.filter((c) => !c.build.ok).length} fail to build`, ''];
  lines.push([...symbols.map(short), 'build', ...(explore ? ['outcomes'] : [])].join('\t'));
  for (const c of m.configs) {
    const cells = [...symbols.map((s) => c.values[s]!), c.build.ok ? 'ok' : c.build.errors[0]!];
    if (explore) cells.push(c.outcomes ? c.outcomes.map((o) => `${o.owners.join(',')}${o.warnings.length ? ` WARN ${o.warnings.join(',')}` : ''} (${o.count}${o.complete ? '' : '+'})`).join('; ') : '-');
    lines.push(cells.join('\t'));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
