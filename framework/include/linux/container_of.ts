// SPDX-License-Identifier: GPL-2.0-only
/**
 * container_of() for TypeScript structs. C finds the outer struct by
 * pointer arithmetic; here an embedded struct carries a hidden back-pointer
 * that embed() sets when the outer struct is built.
 */
const CONTAINER = Symbol('container');

type WithContainer = { [CONTAINER]?: object };

/** Declare `members` of `outer` as embedded structs (not pointers); returns outer. */
export function embed<T extends object>(outer: T, ...members: Array<keyof T & string>): T {
  for (const key of members) {
    const v = outer[key] as unknown;
    if (v === null || typeof v !== 'object') throw new TypeError(`embed: ${key} is not a struct`);
    (v as WithContainer)[CONTAINER] = outer;
  }
  return outer;
}

/** The struct that embeds `member`. Throws if member was never embed()ded: that is a bug in the caller. */
export function container_of<T>(member: object): T {
  const c = (member as WithContainer)[CONTAINER];
  if (c === undefined) throw new TypeError('container_of: member is not embedded in a struct');
  return c as T;
}

/** The struct that embeds `member`, or null when it is not embedded (a struct allocated on its own). */
export function embedding(member: object): object | null {
  return (member as WithContainer)[CONTAINER] ?? null;
}
