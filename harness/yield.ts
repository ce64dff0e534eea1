// SPDX-License-Identifier: GPL-2.0-only
/**
 * A simulated boot runs entirely on microtasks, so a loop of boots never
 * lets the microtask queue drain. V8 keeps every WeakRef target alive until
 * it does, and inversify makes WeakRefs into each container: without a
 * macrotask turn, every machine of the loop stays alive through V8's
 * young-generation GCs and is copied, then promoted, by each of them.
 * One turn per boot measured best (docs/performance.md).
 */

/** Give the event loop a turn; call it after each run in a loop of boots. */
export async function letWeakRefsGo(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
