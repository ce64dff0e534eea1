// SPDX-License-Identifier: GPL-2.0-only
/** Every tree a scenario may name: the series (trees/index.ts), then your own (trees/local.ts). */
import { TREES } from './index.js';
import { LOCAL_TREES } from './local.js';
import type { Tree } from './tree.js';

/**
 * What is wrong with the local trees, one line each naming the entry of
 * LOCAL_TREES: a tree needs a name, and one no other tree has (a name is
 * what --tree and a scenario's "tree" look up).
 */
export function checkLocalTrees(series: readonly Tree[], local: readonly Tree[]): string[] {
  return local.map((t, i) => localTreeProblem(series, local, i)).filter((p) => p !== undefined);
}

function localTreeProblem(series: readonly Tree[], local: readonly Tree[], i: number): string | undefined {
  const name: unknown = local[i]!.name;
  if (typeof name !== 'string' || name.trim() === '') return `LOCAL_TREES[${i}]: the tree has no name (deriveTree(parent, NAME, description, changes)); give it one`;
  if (series.some((s) => s.name === name)) return `LOCAL_TREES[${i}]: the name "${name}" is already a tree of the series (trees/index.ts); give yours another name`;
  const j = local.findIndex((u) => u.name === name);
  if (j < i) return `LOCAL_TREES[${i}]: the name "${name}" is already used by LOCAL_TREES[${j}]; give each tree its own name`;
  return undefined;
}

/** Problems with trees/local.ts; the kshim command refuses to start while there are any. */
export const LOCAL_TREE_PROBLEMS: readonly string[] = checkLocalTrees(TREES, LOCAL_TREES);

/** The series, then the local trees that have a name of their own. */
export const ALL_TREES: readonly Tree[] = [...TREES, ...LOCAL_TREES.filter((_, i) => localTreeProblem(TREES, LOCAL_TREES, i) === undefined)];

export function lookupTree(name: string): Tree | undefined {
  return ALL_TREES.find((t) => t.name === name);
}
