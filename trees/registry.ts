// SPDX-License-Identifier: GPL-2.0-only
/** Every tree a scenario may name: the series (trees/index.ts), then your own (trees/local.ts). */
import { TREES } from './index.js';
import { LOCAL_TREES } from './local.js';
import type { Tree } from './tree.js';

export const ALL_TREES: readonly Tree[] = [...TREES, ...LOCAL_TREES];

export function lookupTree(name: string): Tree | undefined {
  return ALL_TREES.find((t) => t.name === name);
}
