// SPDX-License-Identifier: GPL-2.0-only
/** struct ida (include/linux/idr.h) reduced to what ida_alloc()/ida_free() promise: lowest free id first. */
import { ENOSPC } from '../errno.js';

export class ida {
  readonly ids = new Set<number>();
}

export function ida_init(i: ida): void {
  i.ids.clear();
}

export function ida_alloc(i: ida, _gfp?: number): number {
  let id = 0;
  while (i.ids.has(id)) id++;
  if (id > 0x7fffffff) return -ENOSPC;
  i.ids.add(id);
  return id;
}

/** Returns false when the id was not allocated (the kernel WARNs then). */
export function ida_free(i: ida, id: number): boolean {
  return i.ids.delete(id);
}

export function ida_is_empty(i: ida): boolean {
  return i.ids.size === 0;
}
