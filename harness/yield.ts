// SPDX-License-Identifier: GPL-2.0-only
/**
 * A simulated boot runs entirely on microtasks, so a loop of boots never
 * lets the microtask queue drain. V8 keeps every WeakRef target alive until
 * it does, and inversify keeps WeakRefs to each container: without a
 * macrotask turn now and then, every machine of the loop stays in memory.
 */
let runsSinceTurn = 0;

/** Give the event loop a turn every `every` calls. */
export async function letWeakRefsGo(every = 16): Promise<void> {
  if (++runsSinceTurn < every) return;
  runsSinceTurn = 0;
  await new Promise<void>((resolve) => setImmediate(resolve));
}
