// SPDX-License-Identifier: GPL-2.0-only
/** struct kref (include/linux/kref.h): a reference count whose last put calls a release function. */

export class kref {
  refcount = 0;
}

export function kref_init(k: kref): void {
  k.refcount = 1;
}

export function kref_get(k: kref): void {
  k.refcount++;
}

/** Drop a reference; calls release and returns 1 when it was the last one. */
export function kref_put(k: kref, release: (k: kref) => void): number {
  if (--k.refcount === 0) {
    release(k);
    return 1;
  }
  return 0;
}

export function kref_read(k: kref): number {
  return k.refcount;
}
