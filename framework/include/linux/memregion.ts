// SPDX-License-Identifier: GPL-2.0-only
/** struct memregion_info (include/linux/memregion.h). */
import type { range } from './ioport.js';

export interface memregion_info {
  target_node: number;
  range: range;
}

/** PMD_SIZE on x86-64: 2 MiB. */
export const PMD_SIZE = 2 * 1024 * 1024;

/** GFP_KERNEL: accepted and ignored. */
export const GFP_KERNEL = 0;
