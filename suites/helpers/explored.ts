// SPDX-License-Identifier: GPL-2.0-only
/**
 * Exhaustive explorations shared between suites: the guides' transcripts and
 * the guide's own claims explore the same scenarios, some for seconds. A
 * mocha worker runs many spec files, so the two share a report when they
 * land in the same worker (or run alone, with --no-parallel).
 */
import { DEFAULT_DEPTH, DEFAULT_SEED, EXHAUSTIVE_BUDGET, type ExploreFn } from '../../cli/explore.js';
import { Explorer, type ExploreOptions, type ExploreReport } from '../../harness/explore/explorer.js';
import type { Scenario } from '../../harness/scenario.js';

const reports = new Map<string, Promise<ExploreReport>>();

/** Everything an exploration depends on: the scenario without where it was read from, and the options. */
function key(scenario: Scenario, o: ExploreOptions): string {
  const { file: _file, configOrigin: _origin, tree, ...machine } = scenario;
  const options = [o.strategy ?? 'exhaustive', o.runs, o.seed, o.bound, o.depth, o.timeMode ?? 'timed', o.shrink ?? true];
  return JSON.stringify([tree.name, machine, options]);
}

/** An exploration, run once per process for the same scenario and options. */
export const exploreShared: ExploreFn = (scenario, options) => {
  const k = key(scenario, options);
  let r = reports.get(k);
  if (r === undefined) {
    r = new Explorer(scenario, { ...options, progress: undefined }).explore();
    reports.set(k, r);
  }
  return r;
};

/** `kshim explore FILE [--untimed] [--runs N]` as the CLI runs it: exhaustive, with its default budget (or N), seed and depth. */
export function exploreLikeTheCli(scenario: Scenario, untimed = false, runs = EXHAUSTIVE_BUDGET): Promise<ExploreReport> {
  return exploreShared(scenario, { strategy: 'exhaustive', runs, seed: DEFAULT_SEED, depth: DEFAULT_DEPTH, timeMode: untimed ? 'untimed' : 'timed' });
}
