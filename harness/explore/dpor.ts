// SPDX-License-Identifier: GPL-2.0-only
/**
 * Race analysis for dynamic partial-order reduction (after Flanagan and
 * Godefroid, POPL 2005), over one recorded run. Two steps are dependent
 * when their footprints share a key (device, lock, work item, workqueue,
 * module, resource tree, driver or device list, uevent queue, probe
 * count). Happens-before is program order, spawn and wake-up edges, and
 * dependence; it is tracked with vector clocks. A race is a pair of
 * dependent steps of different tasks not ordered by happens-before; the
 * later step's task must then also be tried at the choice point where the
 * earlier step was scheduled (or, if it was not a candidate there, every
 * candidate of that point).
 */
import type { ChoiceRecord, StepRecord } from '../../framework/sim/scheduler.js';

/** Do two footprints (mode + key entries) conflict? */
export function conflicts(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) {
    const kx = x.slice(1);
    for (const y of b) {
      if (kx !== y.slice(1)) continue;
      const mx = x[0];
      const my = y[0];
      if (mx === 'w' || my === 'w' || mx !== my) return true;
    }
  }
  return false;
}

/** Choice point index -> pids to try there ("all" when the racing task was not a candidate). */
export type Backtracks = Map<number, Set<number> | 'all'>;

function join(into: Int32Array, other: Int32Array): void {
  for (let i = 0; i < into.length; i++) if (other[i]! > into[i]!) into[i] = other[i]!;
}

interface KeyState {
  lastW: number;
  /** Latest read per task since the last write. */
  readonly reads: Map<number, number>;
  /** Latest commuting update per task since the last write. */
  readonly updates: Map<number, number>;
}

/**
 * Footprint entries are a mode character and a key: 'w' conflicts with
 * everything, 'r' with writes and updates, 'c' (commuting update, e.g. a
 * counter) with writes and reads.
 */
export function findRaces(steps: readonly StepRecord[], choices: readonly ChoiceRecord[], timed = false): Backtracks {
  let maxPid = 0;
  for (const s of steps) if (s.pid > maxPid) maxPid = s.pid;
  const width = maxPid + 1;
  const clocks: Int32Array[] = new Array(steps.length);
  const lastOfTask = new Map<number, number>();
  const keys = new Map<string, KeyState>();
  const out: Backtracks = new Map();

  // Steps of each task in order, and each step's index among its task's steps (1-based, as in the clocks).
  const byTask = new Map<number, number[]>();
  const local = new Int32Array(steps.length);
  for (let k = 0; k < steps.length; k++) {
    let l = byTask.get(steps[k]!.pid);
    if (l === undefined) byTask.set(steps[k]!.pid, (l = []));
    l.push(k);
    local[k] = l.length;
  }
  /** The first step of task q at or after index k. */
  const nextStep = (q: number, k: number): number => {
    const l = byTask.get(q);
    if (l === undefined) return -1;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo < l.length ? l[lo]! : -1;
  };

  /**
   * Reverse the race (i, j): at the choice point where step i was taken,
   * try a candidate whose next step leads to j (j's own task if it was a
   * candidate); only if none does, every candidate.
   */
  const add = (i: number, j: number, jClock: Int32Array): void => {
    let k = i;
    while (k >= 0 && steps[k]!.choice < 0) k--;
    if (k < 0) return;
    const c = steps[k]!.choice;
    const rec = choices[c]!;
    const cur = out.get(c);
    if (cur === 'all') return;
    let pick = -1;
    const pid = steps[j]!.pid;
    if (rec.candidates.includes(pid)) pick = pid;
    else {
      for (const q of rec.candidates) {
        if (q === steps[i]!.pid) continue;
        const n = nextStep(q, k);
        if (n >= 0 && n < j && jClock[q]! >= local[n]!) {
          pick = q;
          break;
        }
      }
    }
    if (pick < 0) out.set(c, 'all');
    else if (cur === undefined) out.set(c, new Set([pick]));
    else cur.add(pick);
  };

  const touched: KeyState[] = [];
  const earlier: number[] = [];
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k]!;
    const c = new Int32Array(width);
    const prev = lastOfTask.get(s.pid);
    if (prev !== undefined) c.set(clocks[prev]!);
    if (s.cause >= 0) join(c, clocks[s.cause]!);
    // The dependent earlier steps, found before any of them is joined in: c is still the clock
    // of k's program-order and cause edges alone, against which a race is judged.
    touched.length = 0;
    earlier.length = 0;
    for (const entry of s.footprint) {
      const mode = entry[0];
      const key = entry.slice(1);
      let ks = keys.get(key);
      if (ks === undefined) keys.set(key, (ks = { lastW: -1, reads: new Map(), updates: new Map() }));
      touched.push(ks);
      if (ks.lastW >= 0) earlier.push(ks.lastW);
      if (mode !== 'r') for (const i of ks.reads.values()) earlier.push(i);
      if (mode !== 'c') for (const i of ks.updates.values()) earlier.push(i);
    }
    const races: number[] = [];
    for (const i of earlier) {
      if (i === k) continue;
      const p = steps[i]!.pid;
      // i happens before k iff k's clock has seen i's own entry (vector clocks). In timed mode a step
      // that began at an earlier virtual time cannot be moved after a later one: time only advances
      // when nothing is runnable.
      if (p !== s.pid && clocks[i]![p]! > c[p]! && !(timed && steps[i]!.time < s.time)) races.push(i);
    }
    for (const i of earlier) if (i !== k) join(c, clocks[i]!);
    c[s.pid] = (prev !== undefined ? clocks[prev]![s.pid]! : 0) + 1;
    clocks[k] = c;
    for (const i of races) add(i, k, c);
    lastOfTask.set(s.pid, k);
    for (let e = 0; e < s.footprint.length; e++) {
      const ks = touched[e]!;
      const mode = s.footprint[e]![0];
      if (mode === 'w') {
        ks.lastW = k;
        ks.reads.clear();
        ks.updates.clear();
      } else if (mode === 'r') ks.reads.set(s.pid, k);
      else ks.updates.set(s.pid, k);
    }
  }
  return out;
}
