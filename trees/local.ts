// SPDX-License-Identifier: GPL-2.0-only
/**
 * Trees of your own: a candidate revision of the series, a fix you are
 * trying. Derive each from a tree of trees/index.ts with deriveTree() and
 * add it here; `kshim trees`, `kshim run --tree NAME` and scenario files
 * then know it. See docs/testing-your-patch.md.
 */
import { v9Candidate } from '../examples/v9-candidate/tree.js';
import type { Tree } from './tree.js';

export const LOCAL_TREES: readonly Tree[] = [v9Candidate];
