// SPDX-License-Identifier: GPL-2.0-only
/** Reading a scenario file given on the command line. */
import { readFileSync } from 'node:fs';
import { resolveConfig } from '../harness/run.js';
import { parseScenario, type Scenario } from '../harness/scenario.js';
import { closest } from '../harness/suggest.js';
import { UsageError } from './errors.js';

export interface ScenarioArgs {
  readonly tree?: string;
  readonly set?: readonly string[];
}

export function loadScenario(file: string, args: ScenarioArgs = {}): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the scenario file (${(e as NodeJS.ErrnoException).code ?? 'error'}); scenarios/ has examples`);
  }
  const set: Record<string, string> = {};
  for (const s of args.set ?? []) {
    const m = /^(?:CONFIG_)?([A-Z0-9_]+)=(.*)$/.exec(s);
    if (m === null) throw new UsageError(`--set ${s}: expected SYMBOL=y, SYMBOL=m or SYMBOL=n`);
    set[m[1]!] = m[2]!;
  }
  const scenario = parseScenario(text, file, { tree: args.tree, set });
  for (const note of scenarioNotes(scenario)) process.stderr.write(`kshim: ${note}\n`);
  return scenario;
}

/**
 * What is legal but probably not what the user meant, with what to do
 * next: Kconfig symbols the tree does not have (olddefconfig drops them),
 * and a machine whose file does not mention Soft Reserved ranges at all
 * (an explicit empty list says the machine has none on purpose).
 */
export function scenarioNotes(scenario: Scenario): string[] {
  const notes: string[] = [];
  const cfg = resolveConfig(scenario.tree, scenario.config);
  for (const u of cfg.unknown) {
    const near = closest(u, Object.keys(cfg.values));
    notes.push(`${scenario.file}: config.${u}: not a Kconfig symbol of tree ${scenario.tree.name}, ignored${near !== undefined ? `; did you mean ${near}?` : ''} (kshim run FILE --show config lists the CXL/DAX symbols)`);
  }
  if (scenario.softReserved.length === 0 && scenario.softReservedOmitted === true) {
    notes.push(`${scenario.file}: firmware.softReserved: no Soft Reserved range, so hmem_platform.0 is not created and neither dax_hmem nor dax_cxl has a range to own; add one, e.g. { "start": "0x850000000", "end": "0x284fffffff", "nid": 1 }, or write "softReserved": [] if the machine has none on purpose`);
  }
  return notes;
}
