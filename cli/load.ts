// SPDX-License-Identifier: GPL-2.0-only
/** Reading a scenario file given on the command line. */
import { readFileSync } from 'node:fs';
import { parseScenario, type Scenario } from '../harness/scenario.js';
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
  return parseScenario(text, file, { tree: args.tree, set });
}
