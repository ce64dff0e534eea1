// SPDX-License-Identifier: GPL-2.0-only
/**
 * Geometry of the timeline page, as a pure function of the trace: which
 * lanes there are, where each bar and marker goes, and the time axis.
 *
 * The axis is piecewise. A boot spends seconds waiting (the rootfs mount,
 * the deferred-probe timeout) and does everything interesting in a few
 * milliseconds, so long idle gaps are cut out and drawn as a hatched break
 * labelled with the time skipped; the remaining stretches share one linear
 * scale. On top of that, every instant at which several zero-length things
 * happen on one task (a run of initcalls at 0 s, say) is widened so that
 * each of them gets its own few pixels, in the order they happened; no
 * virtual time passes inside such a widened instant.
 */

export interface TraceSpan {
  readonly kind: string;
  readonly name: string;
  readonly pid: number;
  readonly start: number;
  /** -1 while the span is still open (the run stopped inside it). */
  readonly end: number;
  readonly detail: string;
  /** Log records before the span began, and before it ended (-1 while open). */
  readonly firstLog: number;
  readonly endLog: number;
}

export interface TraceMark {
  readonly kind: string;
  readonly name: string;
  readonly pid: number;
  readonly time: number;
  readonly text: string;
}

export interface TaskInfo {
  readonly pid: number;
  readonly comm: string;
  readonly kind: string;
}

export interface LayoutInput {
  readonly tasks: readonly TaskInfo[];
  readonly spans: readonly TraceSpan[];
  readonly marks: readonly TraceMark[];
  /** Virtual time at the end of the run (µs); open spans end here. */
  readonly now: number;
}

export interface LaidSpan {
  /** Index into LayoutInput.spans. */
  readonly index: number;
  readonly span: TraceSpan;
  /** End time used for drawing (the run's end for an open span). */
  readonly end: number;
  readonly open: boolean;
  /** Nesting depth on its task: 0 for an initcall, 1 for a probe inside it, ... */
  readonly depth: number;
  /** Horizontal extent in plot coordinates (0 = left edge of the time axis). */
  readonly x: number;
  readonly w: number;
}

export interface LaidMark {
  readonly index: number;
  readonly mark: TraceMark;
  readonly x: number;
}

export interface Lane {
  readonly pid: number;
  readonly comm: string;
  readonly kind: string;
  /** Rows of bars (deepest nesting + 1). */
  readonly rows: number;
  readonly spans: LaidSpan[];
  readonly marks: LaidMark[];
}

export interface Tick {
  readonly x: number;
  readonly time: number;
  readonly label: string;
  /** The first instant of a stretch of the axis (after a break). */
  readonly major: boolean;
}

export interface AxisBreak {
  readonly x: number;
  readonly w: number;
  /** Virtual time left out (µs). */
  readonly skipped: number;
  readonly label: string;
}

export interface Layout {
  readonly lanes: Lane[];
  readonly ticks: Tick[];
  readonly breaks: AxisBreak[];
  /** Width of the plot area in pixels. */
  readonly width: number;
  /** Pixels per µs on the kept stretches. */
  readonly scale: number;
  /** Maps a virtual time to x (the start of its instant). */
  xOf(time: number): number;
}

export interface LayoutOptions {
  /** Width the kept stretches and breaks should fill, if they can (px). */
  readonly targetWidth?: number;
}

/** Width of a zero-length span, and of each extra one at the same instant. */
export const MIN_W = 6;
/** Room per marker at one instant. */
export const MARK_W = 9;
/** Width of a cut in the axis. */
export const BREAK_W = 44;
/** Least distance between two tick labels (px). */
const TICK_GAP = 56;
/** Gaps at least this long are always cut (µs). */
const ALWAYS_CUT = 1_000_000;
/** Gaps shorter than this are never cut (µs). */
const NEVER_CUT = 50_000;
/** A shorter gap is cut when it is longer than this many times the rest of the kept time. */
const DWARFS = 4;

/** Probes nest inside initcalls, module loads, work items and other probes' time ranges. */
function rank(kind: string): number {
  return kind === 'probe' ? 1 : 0;
}

/** "3 s", "3.007 s", "0.000250 s": seconds with as many decimals as needed, at most 6. */
export function formatTime(us: number, decimals?: number): string {
  const s = us / 1_000_000;
  if (decimals !== undefined) return `${s.toFixed(decimals)} s`;
  return `${s.toFixed(6).replace(/\.?0+$/, '')} s`;
}

/** "130 ms", "2.993 s", "250 µs". */
export function formatDuration(us: number): string {
  if (us >= 1_000_000) return formatTime(us);
  if (us >= 1000) return `${(us / 1000).toFixed(3).replace(/\.?0+$/, '')} ms`;
  return `${us} µs`;
}

/** The round step below `step` in 1, 2, 5, 10, 20, 50, ... µs. */
function finerStep(step: number): number {
  const p = 10 ** Math.floor(Math.log10(step) + 1e-9);
  const m = Math.round(step / p);
  return m === 5 ? 2 * p : m === 2 ? p : p / 2;
}

function niceStep(minUs: number): number {
  for (let p = 1; p <= 1e9; p *= 10) for (const m of [1, 2, 5]) if (m * p >= minUs) return m * p;
  return 1e9;
}

interface Work {
  readonly index: number;
  readonly span: TraceSpan;
  readonly end: number;
  readonly open: boolean;
  depth: number;
  startSlot: number;
  endSlots: number;
  hasChild: boolean;
}

export function layoutTimeline(input: LayoutInput, opts: LayoutOptions = {}): Layout {
  const target = opts.targetWidth ?? 1100;
  const key = (pid: number, t: number): string => `${pid}@${t}`;
  const spanSlots = new Map<string, number>();
  const markSlots = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string): number => {
    const n = m.get(k) ?? 0;
    m.set(k, n + 1);
    return n;
  };

  // Nesting and slots per task, in the order the spans began.
  const byPid = new Map<number, Work[]>();
  input.spans.forEach((span, index) => {
    const open = span.end < 0;
    const end = open ? Math.max(input.now, span.start) : span.end;
    const w: Work = { index, span, end, open, depth: 0, startSlot: 0, endSlots: 0, hasChild: false };
    const list = byPid.get(span.pid) ?? [];
    list.push(w);
    byPid.set(span.pid, list);
  });
  for (const [pid, list] of byPid) {
    const stack: Work[] = [];
    const close = (a: Work): void => {
      a.endSlots = spanSlots.get(key(pid, a.end)) ?? 0;
    };
    for (const s of list) {
      const t = s.span.start;
      while (stack.length > 0) {
        const a = stack[stack.length - 1]!;
        const ended = a.end < t || (a.end === t && !(s.end === t && rank(s.span.kind) > rank(a.span.kind)));
        if (!ended) break;
        close(stack.pop()!);
      }
      const parent = stack[stack.length - 1];
      s.depth = stack.length;
      if (parent !== undefined && parent.span.start === t && !parent.hasChild) s.startSlot = parent.startSlot;
      else s.startSlot = bump(spanSlots, key(pid, t));
      if (parent !== undefined) parent.hasChild = true;
      stack.push(s);
    }
    while (stack.length > 0) close(stack.pop()!);
  }
  const markSlot = input.marks.map((m) => bump(markSlots, key(m.pid, m.time)));

  // The instants of the axis and how wide each one is.
  const timeSet = new Set<number>([0]);
  for (const list of byPid.values()) for (const w of list) timeSet.add(w.span.start).add(w.end);
  for (const m of input.marks) timeSet.add(m.time);
  const times = [...timeSet].sort((a, b) => a - b);
  const block = new Map<number, number>();
  const widen = (k: string, n: number, unit: number): void => {
    const t = Number(k.slice(k.indexOf('@') + 1));
    block.set(t, Math.max(block.get(t) ?? 0, n * unit));
  };
  for (const [k, n] of spanSlots) widen(k, n, MIN_W);
  for (const [k, n] of markSlots) widen(k, n, MARK_W);
  const blockW = (t: number): number => block.get(t) ?? 0;

  // Which gaps to cut: the longest first, while one is long on its own (a second or more) or dwarfs
  // everything kept (four times all the other kept gaps together).
  const gaps = times.slice(1).map((t, i) => ({ i, len: t - times[i]! }));
  const cut = new Set<number>();
  let kept = gaps.reduce((a, g) => a + g.len, 0);
  for (const g of [...gaps].sort((a, b) => b.len - a.len)) {
    const rest = kept - g.len;
    if (g.len >= ALWAYS_CUT || (g.len >= NEVER_CUT && g.len > DWARFS * rest)) {
      cut.add(g.i);
      kept = rest;
    } else break;
  }
  const fixed = times.reduce((a, t) => a + blockW(t), 0) + cut.size * BREAK_W;
  const scale = kept > 0 ? Math.max(target - fixed, 400) / kept : 0;

  const x0 = new Map<number, number>();
  const breaks: AxisBreak[] = [];
  const breakAfter = new Map<number, AxisBreak>();
  let x = 0;
  times.forEach((t, i) => {
    if (i > 0) {
      const prev = times[i - 1]!;
      if (cut.has(i - 1)) {
        const b: AxisBreak = { x, w: BREAK_W, skipped: t - prev, label: `+${formatDuration(t - prev)}` };
        breaks.push(b);
        breakAfter.set(i - 1, b);
        x += BREAK_W;
      } else x += (t - prev) * scale;
    }
    x0.set(t, x);
    x += blockW(t);
  });
  // Room for the last tick label.
  const width = x + 72;

  const indexOf = (t: number): number => {
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const xOf = (t: number): number => {
    const exact = x0.get(t);
    if (exact !== undefined) return exact;
    const i = indexOf(t);
    const ti = times[i]!;
    if (t < ti) return 0;
    const b = breakAfter.get(i);
    if (b !== undefined) return b.x + (BREAK_W * (t - ti)) / (times[i + 1]! - ti);
    return x0.get(ti)! + blockW(ti) + (t - ti) * scale;
  };

  // Ticks: the first instant of every stretch, then round times that fit, no closer than TICK_GAP to each
  // other or to the first instant of the next stretch. A stretch too short for the common step (a few
  // milliseconds of initramfs before the rootfs wait) gets a finer round step, so that every stretch wide
  // enough for one shows at least one time besides its first.
  const ticks: Tick[] = [];
  let segStart = 0;
  for (let i = 0; i < times.length; i++) {
    const lastOfSeg = i === times.length - 1 || cut.has(i);
    if (!lastOfSeg) continue;
    const tA = times[segStart]!;
    const tB = times[i]!;
    const xA = x0.get(tA)!;
    ticks.push({ x: xA, time: tA, label: formatTime(tA), major: true });
    const nextX = i === times.length - 1 ? Infinity : x0.get(times[i + 1]!)!;
    const inner = (step: number): Tick[] => {
      const decimals = Math.min(6, Math.max(0, 6 - Math.floor(Math.log10(step))));
      const out: Tick[] = [];
      let lastX = xA;
      for (let tau = Math.ceil(tA / step) * step; tau <= tB; tau += step) {
        if (tau === tA) continue;
        const tx = xOf(tau);
        if (tx - lastX < TICK_GAP || nextX - tx < TICK_GAP) continue;
        out.push({ x: tx, time: tau, label: formatTime(tau, decimals), major: false });
        lastX = tx;
      }
      return out;
    };
    if (tB > tA && scale > 0 && nextX - xA >= 2 * TICK_GAP) {
      let step = niceStep(70 / scale);
      let got = inner(step);
      while (got.length === 0 && step > 1 && (tB - tA) / step < 1000) {
        step = finerStep(step);
        got = inner(step);
      }
      ticks.push(...got);
    }
    segStart = i + 1;
  }

  const pids = new Set<number>();
  for (const s of input.spans) pids.add(s.pid);
  for (const m of input.marks) pids.add(m.pid);
  const taskOf = new Map(input.tasks.map((t) => [t.pid, t]));
  const lanes: Lane[] = [...pids]
    .sort((a, b) => a - b)
    .map((pid) => {
      const t = taskOf.get(pid);
      const spans: LaidSpan[] = (byPid.get(pid) ?? []).map((w) => {
        const sx = x0.get(w.span.start)! + w.startSlot * MIN_W;
        const ex = x0.get(w.end)! + w.endSlots * MIN_W;
        return { index: w.index, span: w.span, end: w.end, open: w.open, depth: w.depth, x: sx, w: Math.max(ex - sx, MIN_W) };
      });
      const marks: LaidMark[] = [];
      input.marks.forEach((m, index) => {
        if (m.pid === pid) marks.push({ index, mark: m, x: x0.get(m.time)! + (markSlot[index]! + 0.5) * MARK_W });
      });
      const rows = spans.reduce((a, s) => Math.max(a, s.depth + 1), 1);
      return { pid, comm: t?.comm ?? (pid === 0 ? '(no task)' : '?'), kind: t?.kind ?? '', rows, spans, marks };
    });

  return { lanes, ticks, breaks, width, scale, xOf };
}
