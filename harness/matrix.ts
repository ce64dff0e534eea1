// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig matrix of a tree: every assignment of the user-visible
 * CXL/DAX symbols that the tree's Kconfig accepts as it is, each with the
 * result of the link check and, on request, the outcome classes of a
 * scenario explored under that configuration.
 */
import { loadKconfig, sweepValid, linkCheck, type LinkResult } from '../framework/kconfig/index.js';
import { CXL_DAX_USER_SYMBOLS } from '../framework/kconfig/texts/index.js';
import { KCONFIG_ENV, KCONFIG_ENV_FILE } from '../framework/kconfig/texts/env.js';
import { computeLinkObjects } from '../framework/kernel/module/link_objects.js';
import type { Tristate } from '../framework/kernel/module/types.js';
import { buildCatalog } from '../trees/catalog.js';
import type { Tree } from '../trees/tree.js';
import { Explorer, type OutcomeClass } from './explore/explorer.js';
import type { Scenario } from './scenario.js';

export interface MatrixConfig {
  readonly values: Record<string, Tristate>;
  readonly build: LinkResult;
  readonly outcomes?: Array<Pick<OutcomeClass, 'signature' | 'owners' | 'warnings' | 'count'> & { schedule: string; complete: boolean }>;
}

export interface Matrix {
  readonly valid: number;
  readonly configs: MatrixConfig[];
}

export interface MatrixOptions {
  /** Values held fixed while the user-visible symbols are swept (default DAX=y, DEV_DAX=y). */
  readonly fixed?: Readonly<Record<string, Tristate>>;
  /** Explore this scenario under every configuration that links. */
  readonly explore?: Scenario;
  /** Run budget per configuration for the exploration. */
  readonly runs?: number;
}

/** Every valid assignment of the user-visible symbols of `tree`, with the link check of each (and its exploration, if asked). */
export async function configMatrix(tree: Tree, opts: MatrixOptions = {}): Promise<Matrix> {
  const kconfig = loadKconfig([
    { file: KCONFIG_ENV_FILE, text: KCONFIG_ENV },
    { file: 'drivers/cxl/Kconfig', text: tree.kconfig['drivers/cxl/Kconfig'] },
    { file: 'drivers/dax/Kconfig', text: tree.kconfig['drivers/dax/Kconfig'] },
  ]);
  const catalog = buildCatalog(tree);
  const configs: MatrixConfig[] = [];
  const fixed = opts.fixed ?? { DAX: 'y', DEV_DAX: 'y' };
  sweepValid(kconfig, CXL_DAX_USER_SYMBOLS, fixed, (cfg) => {
    const build = linkCheck(computeLinkObjects(catalog, (s) => cfg.get(s)));
    const values: Record<string, Tristate> = {};
    for (const s of CXL_DAX_USER_SYMBOLS) values[s] = cfg.get(s);
    configs.push({ values, build });
  });
  configs.sort((a, b) => JSON.stringify(a.values).localeCompare(JSON.stringify(b.values)));
  if (opts.explore !== undefined) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[i]!;
      if (!c.build.ok) continue;
      const scenario: Scenario = { ...opts.explore, tree, config: { ...fixed, ...c.values } };
      const report = await new Explorer(scenario, { strategy: 'exhaustive', runs: opts.runs ?? 200, shrink: false }).explore();
      configs[i] = {
        ...c,
        outcomes: report.outcomes.map((o) => ({ signature: o.signature, owners: o.owners, warnings: o.warnings, count: o.count, schedule: o.schedule, complete: report.complete })),
      };
    }
  }
  return { valid: configs.length, configs };
}
