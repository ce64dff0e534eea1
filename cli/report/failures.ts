// SPDX-License-Identifier: GPL-2.0-only
/**
 * The failing cells of the base-expectations table and the boots that
 * reproduce them, taken from each verdict's machines (never from the
 * wording of its reason): E1..E5 each boot their own machine, E6 names
 * every machine it found a problem on.
 */
import type { BaseExpectationsResult, BaseScenarioId, ExpectationId } from '../../harness/expectations.js';

/** One machine booted on one tree. */
export interface Boot {
  readonly tree: string;
  readonly machine: BaseScenarioId;
}

/** A failing cell and the boots that failed it. */
export interface FailingCell {
  readonly tree: string;
  readonly id: ExpectationId;
  readonly boots: readonly Boot[];
}

/** Every failing cell, tree by tree in the table's order. */
export function failingCells(result: BaseExpectationsResult): FailingCell[] {
  return result.trees.flatMap((tree) =>
    result.expectations
      .filter((e) => !result.verdicts[tree]![e.id].pass)
      .map((e) => ({ tree, id: e.id, boots: bootsOf(result, tree, e.id) })),
  );
}

/** The boots that failed a cell. */
export function bootsOf(result: BaseExpectationsResult, tree: string, id: ExpectationId): Boot[] {
  return result.verdicts[tree]![id].machines.map((machine) => ({ tree, machine }));
}

/** Every boot that failed at least one cell, once, in the order the cells list them. */
export function failedBoots(result: BaseExpectationsResult): Boot[] {
  const seen = new Map<string, Boot>();
  for (const b of failingCells(result).flatMap((c) => c.boots)) if (!seen.has(`${b.tree}\0${b.machine}`)) seen.set(`${b.tree}\0${b.machine}`, b);
  return [...seen.values()];
}
