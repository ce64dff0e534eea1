// SPDX-License-Identifier: GPL-2.0-only
/**
 * An object that answers from `own` first and from `base` for every other
 * name: what `Object.assign(Object.create(base), own)` gives, without
 * making `base` a prototype.
 *
 * Why not a prototype: the kernel API objects are made per boot, and V8
 * keeps the hidden class of an object created from a prototype in its old
 * generation. That hidden class points at the prototype, so each finished
 * machine would survive every young-generation GC until the next full one
 * (docs/performance.md). A proxy keeps everything young; ports read their
 * API once, when their unit is created, so the trap costs little.
 */
export function layered<T extends object>(base: object, own: object): T {
  const lower = base as Record<PropertyKey, unknown>;
  return new Proxy(own, {
    get(target: Record<PropertyKey, unknown>, key: PropertyKey): unknown {
      return key in target ? target[key] : lower[key];
    },
    has(target: object, key: PropertyKey): boolean {
      return key in target || key in lower;
    },
  }) as T;
}
