// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig matrix of a tree: every assignment of the user-visible
 * CXL/DAX symbols that the tree's Kconfig accepts as it is, each with the
 * result of the link check and, on request, the outcome classes of a
 * scenario explored under that configuration.
 */
import { olddefconfig, sweepValid, linkCheck, type Kconfig, type LinkResult } from '../framework/kconfig/index.js';
import { CXL_DAX_USER_SYMBOLS } from '../framework/kconfig/texts/index.js';
import { computeLinkObjects } from '../framework/kernel/module/link_objects.js';
import type { Tristate } from '../framework/kernel/module/types.js';
import { buildCatalog } from '../trees/catalog.js';
import type { Tree } from '../trees/tree.js';
import { Explorer, type OutcomeClass } from './explore/explorer.js';
import { treeKconfig, type Scenario } from './scenario.js';

export interface MatrixConfig {
  readonly values: Record<string, Tristate>;
  readonly build: LinkResult;
  readonly outcomes?: Array<Pick<OutcomeClass, 'signature' | 'owners' | 'warnings' | 'count'> & { schedule: string; complete: boolean }>;
}

export interface Matrix {
  readonly valid: number;
  readonly configs: MatrixConfig[];
  /** When no configuration is valid: why, in one line (which held value Kconfig changes, and what limits it). */
  readonly why?: string;
}

/** A matrix that cannot be computed for this tree with these held values (a symbol the tree lacks, m for a bool). */
export class MatrixError extends Error {}

export interface MatrixOptions {
  /** Values held fixed while the user-visible symbols are swept (default DAX=y, DEV_DAX=y). */
  readonly fixed?: Readonly<Record<string, Tristate>>;
  /** Explore this scenario under every configuration that links. */
  readonly explore?: Scenario;
  /** Run budget per configuration for the exploration. */
  readonly runs?: number;
}

/**
 * Every valid assignment of the user-visible symbols of `tree`, with the
 * link check of each (and its exploration, if asked). A held symbol is not
 * swept: every row has its held value.
 */
export async function configMatrix(tree: Tree, opts: MatrixOptions = {}): Promise<Matrix> {
  const kconfig = treeKconfig(tree);
  const fixed = opts.fixed ?? { DAX: 'y', DEV_DAX: 'y' };
  checkSymbols(tree, kconfig, fixed);
  const catalog = buildCatalog(tree);
  const configs: MatrixConfig[] = [];
  const swept = CXL_DAX_USER_SYMBOLS.filter((s) => !(s in fixed));
  sweepValid(kconfig, swept, fixed, (cfg) => {
    const build = linkCheck(computeLinkObjects(catalog, (s) => cfg.get(s)));
    const values: Record<string, Tristate> = {};
    for (const s of CXL_DAX_USER_SYMBOLS) values[s] = cfg.get(s);
    configs.push({ values, build });
  });
  configs.sort((a, b) => JSON.stringify(a.values).localeCompare(JSON.stringify(b.values)));
  if (opts.explore !== undefined) {
    for (let i = 0; i < configs.length; i++) {
      const c = configs[i]!;
      // A configuration that does not link is explored too: its one class is the build's (owners=n/a, end=not-booted).
      const scenario: Scenario = { ...opts.explore, tree, config: { ...fixed, ...c.values } };
      const report = await new Explorer(scenario, { strategy: 'exhaustive', runs: opts.runs ?? 200, shrink: false }).explore();
      configs[i] = {
        ...c,
        outcomes: report.outcomes.map((o) => ({ signature: o.signature, owners: o.owners, warnings: o.warnings, count: o.count, schedule: o.schedule, complete: report.complete })),
      };
    }
  }
  return configs.length > 0 ? { valid: configs.length, configs } : { valid: 0, configs, why: whyNone(kconfig, fixed) };
}

/** The symbols the matrix sweeps and holds must be the tree's, and a held m needs a tristate. */
function checkSymbols(tree: Tree, kconfig: Kconfig, fixed: Readonly<Record<string, Tristate>>): void {
  const missing = CXL_DAX_USER_SYMBOLS.filter((s) => !kconfig.symbols.has(s));
  if (missing.length > 0) {
    throw new MatrixError(`tree ${tree.name}: its Kconfig has no ${missing.join(', ')}, which kshim matrix sweeps (${CXL_DAX_USER_SYMBOLS.join(', ')})`);
  }
  for (const [name, value] of Object.entries(fixed)) {
    const sym = kconfig.symbols.get(name);
    if (sym === undefined) throw new MatrixError(`tree ${tree.name}: its Kconfig has no symbol ${name} to hold at ${value}`);
    if (value === 'm' && sym.type === 'bool') throw new MatrixError(`${name}=m: ${name} is a bool in tree ${tree.name}, so it can only be held at y or n`);
  }
}

/** Why no assignment is valid: a held value Kconfig does not keep, with what limits it. */
function whyNone(kconfig: Kconfig, fixed: Readonly<Record<string, Tristate>>): string {
  const changed = olddefconfig(kconfig, fixed).adjusted;
  if (changed.length === 0) return 'no assignment of the other symbols lets Kconfig keep all the held values';
  return changed.map((a) => `${a.symbol}=${a.requested} cannot hold, Kconfig gives ${a.actual} (limited by ${a.reason})`).join('; ');
}
