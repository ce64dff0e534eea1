// SPDX-License-Identifier: GPL-2.0-only
/**
 * `kshim timeline`: one self-contained HTML page for a traced run. A header
 * with the tree, the schedule id, who owns each Soft Reserved range and
 * /proc/iomem; then an SVG with one lane per task that did something
 * (initcalls, probes, work items, module loads and exits as bars, uevents
 * and WARNs as markers). Hovering (or focusing) a bar or marker shows what
 * it was and the dmesg lines its task printed meanwhile. Everything is
 * inline: no network, no external files.
 *
 * renderTimeline() is a pure function of a Run (recorded with trace: true).
 */
import type { Run } from '../../harness/run.js';
import { HMEM_DECISIONS } from '../../harness/expectations.js';
import { EPROBE_DEFER, ENODEV, ENXIO, errname } from '../../framework/include/errno.js';
import { formatTimestamp, type LogRecord } from '../../framework/kernel/printk.js';
import { formatOwners, table, warningDetails, warningLines } from '../format.js';
import { formatDuration, formatTime, layoutTimeline, type Layout, type TraceMark, type TraceSpan } from './layout.js';
import { count } from '../plural.js';

export interface TimelineMeta {
  /** The scenario file, shown in the title. */
  readonly scenario?: string;
}

/** What a tooltip shows. */
export interface Tip {
  readonly title: string;
  readonly info: string[];
  /** dmesg lines, formatted as dmesg prints them. */
  readonly log: string[];
  /** Lines of log left out. */
  readonly more: number;
  /** Which lines these are ("dmesg of pid 4 from ... to ..."). */
  readonly logCaption: string;
}

const MAX_LOG = 24;
const LABEL_W_MIN = 130;
const AXIS_H = 46;
const ROW_H = 16;
const STRIP_H = 12;
const LANE_PAD = 4;

const KIND_TITLE: Record<string, string> = {
  initcall: 'initcall',
  probe: 'probe',
  work: 'work',
  module: 'module load',
  exit: 'module exit',
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside <script>. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function dmesgLine(r: LogRecord): string {
  return `${formatTimestamp(r.time)} ${r.text}`;
}

function capped(lines: string[], max = MAX_LOG): { log: string[]; more: number } {
  return lines.length > max ? { log: lines.slice(0, max), more: lines.length - max } : { log: lines, more: 0 };
}

/** Records of `pid` printed in [t0, t1]. */
function recordsOf(records: readonly LogRecord[], pid: number, t0: number, t1: number): LogRecord[] {
  return records.filter((r) => r.pid === pid && r.time >= t0 && r.time <= t1);
}

/** What the span's task printed between the span's begin and end, in order (not what it printed around them at the same instant). */
function spanRecords(records: readonly LogRecord[], s: TraceSpan): LogRecord[] {
  return records.slice(s.firstLog, s.endLog < 0 ? records.length : s.endLog).filter((r) => r.pid === s.pid);
}

/** What a bar's class and tooltip say about how its span ended. */
interface Ending {
  readonly text: string;
  /** err: failed; defer: probe deferred; nomatch: the driver (or the core) declined the device. */
  readonly cls: 'err' | 'defer' | 'nomatch' | null;
}

const errno = (n: number): string => (errname(n) === String(n) ? String(n) : `${n} (${errname(n)})`);

/**
 * How a span ended, in kernel terms. A probe span's detail is what
 * __driver_probe_device() returned: 0 when bound; really_probe() returns
 * the driver's -errno as a positive number ("probe errors as positive
 * values"); a negative value is the core refusing before any probe (the
 * device went away or is bound already, or probing is deferred wholesale).
 */
function spanEnding(kind: string, detail: string): Ending | null {
  if (detail === '') return null;
  const n = Number(detail);
  if (kind !== 'probe' || !/^-?\d+$/.test(detail)) return { text: `returned ${detail}`, cls: /^-\d+$/.test(detail) ? 'err' : null };
  if (n === 0) return { text: 'returned 0: bound', cls: null };
  if (n === EPROBE_DEFER || n === -EPROBE_DEFER) return { text: `returned ${errno(-EPROBE_DEFER)}: probe deferred`, cls: 'defer' };
  if (n < 0) return { text: `not probed: the driver core returned ${errno(n)}`, cls: 'nomatch' };
  if (n === ENODEV || n === ENXIO) return { text: `returned ${errno(-n)}: the driver rejects the match`, cls: 'nomatch' };
  return { text: `returned ${errno(-n)}: probe failed`, cls: 'err' };
}

function spanTip(s: TraceSpan, end: number, open: boolean, who: string, records: readonly LogRecord[]): Tip {
  const info = [who, `${formatTime(s.start, 6)} → ${open ? 'still running when the run ended' : `${formatTime(end, 6)} (${end === s.start ? 'no virtual time' : formatDuration(end - s.start)})`}`];
  const ending = spanEnding(s.kind, s.detail);
  if (ending !== null) info.push(ending.text);
  const logCaption = `dmesg of pid ${s.pid} during this ${KIND_TITLE[s.kind] ?? s.kind}:`;
  return { title: `${KIND_TITLE[s.kind] ?? s.kind} ${s.name}`, info, logCaption, ...capped(spanRecords(records, s).map(dmesgLine)) };
}

/** What hmem_platform prints when it decides about a Soft Reserved range (dev_dbg with %pr), in every tree. */
const HMEM_SAYS = new RegExp(`^hmem_platform \\S+: (${HMEM_DECISIONS.join('|')}): \\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)[\\] ]`);

/** How one Soft Reserved range got its owner, or did not. */
interface OwnerDecision {
  /** "0x850000000-0x284fffffff" */
  readonly range: string;
  readonly owner: string | null;
  /** The probe that created the owner's dax region (hmem for dax_hmem, cxl_dax_region for dax_cxl), when traced. */
  readonly claim: TraceSpan | null;
  /** hmem_platform's lines about the range, in order, each with the decision it names. */
  readonly said: readonly { readonly rec: LogRecord; readonly decision: string }[];
}

/**
 * For each Soft Reserved range: the moment it got its owner (the end of the
 * successful probe that created the owning dax region) and what
 * hmem_platform said about it on the way (deferred it to CXL, waited for
 * CXL, dropped it, registered it).
 */
function ownerDecisions(run: Run): OwnerDecision[] {
  const r = run.result;
  const spans = run.machine?.kernel.sched.trace.spans ?? [];
  const records = run.machine?.kernel.log.records ?? [];
  const hmem = records.flatMap((rec) => {
    if (!rec.text.startsWith('hmem_platform ')) return [];
    const m = HMEM_SAYS.exec(rec.text);
    return m === null ? [] : [{ rec, decision: m[1]!, start: BigInt(m[2]!), end: BigInt(m[3]!) }];
  });
  return r.softReserved.map((sr) => {
    const start = BigInt(sr.start);
    const end = BigInt(sr.end);
    let claim: TraceSpan | null = null;
    if (sr.owner !== null) {
      const region = r.daxRegions.find((d) => d.owner === sr.owner && BigInt(d.start) <= end && start <= BigInt(d.end));
      const dev = region?.path.slice(region.path.lastIndexOf('/') + 1);
      const drv = sr.owner === 'dax_cxl' ? 'cxl_dax_region' : 'hmem';
      claim = spans.findLast((x) => x.kind === 'probe' && x.name === `${drv} ${dev}` && x.detail === '0') ?? null;
    }
    const said = hmem.filter((h) => h.start === start && h.end === end).map(({ rec, decision }) => ({ rec, decision }));
    return { range: `${sr.start}-${sr.end}`, owner: sr.owner, claim, said };
  });
}

/** The decisions as marks on the timeline: a filled diamond where a range gets its owner, a hollow one where hmem_platform decides. */
function decisionMarks(decisions: readonly OwnerDecision[]): { marks: TraceMark[]; claims: Map<TraceMark, TraceSpan> } {
  const marks: TraceMark[] = [];
  const claims = new Map<TraceMark, TraceSpan>();
  const seen = new Set<LogRecord>();
  for (const d of decisions) {
    for (const { rec, decision } of d.said) {
      if (seen.has(rec)) continue;
      seen.add(rec);
      marks.push({ kind: 'hmem', name: `hmem_platform: ${decision}`, pid: rec.pid, time: rec.time, text: rec.text });
    }
    if (d.claim !== null && d.owner !== null) {
      const m: TraceMark = { kind: 'owner', name: `${d.owner} owns ${d.range}`, pid: d.claim.pid, time: d.claim.end, text: `probe ${d.claim.name} returned 0` };
      marks.push(m);
      claims.set(m, d.claim);
    }
  }
  return { marks, claims };
}

/**
 * The ownership log for the header: every decision about a Soft Reserved
 * range in the order it happened (what hmem_platform said, when a range got
 * its owner), then the ranges left without one.
 */
function decisionTable(decisions: readonly OwnerDecision[], records: readonly LogRecord[], comm: (pid: number) => string): string {
  const order = new Map(records.map((r, i) => [r, i]));
  const events: Array<{ time: number; seq: number; row: string[] }> = [];
  const task = (pid: number): string => `${comm(pid)} (pid ${pid})`;
  for (const d of decisions) {
    for (const { rec: r, decision } of d.said) events.push({ time: r.time, seq: order.get(r) ?? 0, row: [formatTime(r.time, 6), task(r.pid), d.range, `hmem_platform: ${decision}`] });
    if (d.claim !== null && d.owner !== null) {
      events.push({ time: d.claim.end, seq: d.claim.endLog, row: [formatTime(d.claim.end, 6), task(d.claim.pid), d.range, `${d.owner} owns it: probe ${d.claim.name} returned 0`] });
    }
  }
  events.sort((x, y) => x.time - y.time || x.seq - y.seq);
  const rows = [['time', 'task', 'Soft Reserved range', 'decision'], ...events.map((e) => e.row)];
  for (const d of decisions) if (d.owner === null) rows.push(['-', '-', d.range, 'no owner when the run ended']);
  for (const d of decisions) if (d.owner !== null && d.claim === null) rows.push(['-', '-', d.range, `${d.owner} owns it (no traced probe created its dax region)`]);
  return table(rows);
}

function markTip(m: TraceMark, who: string, records: readonly LogRecord[], claim?: TraceSpan): Tip {
  if (m.kind === 'owner' && claim !== undefined) {
    const info = [who, `at ${formatTime(m.time, 6)}`, `${m.text}: the range's dax region exists from here on`];
    return { title: m.name, info, logCaption: `dmesg of pid ${m.pid} during probe ${claim.name}:`, ...capped(spanRecords(records, claim).map(dmesgLine)) };
  }
  if (m.kind === 'hmem') {
    const rec = records.find((r) => r.pid === m.pid && r.time === m.time && r.text === m.text);
    return { title: m.name, info: [who, `at ${formatTime(m.time, 6)}`], logCaption: `dmesg of pid ${m.pid}:`, log: rec ? [dmesgLine(rec)] : [], more: 0 };
  }
  const at = recordsOf(records, m.pid, m.time, m.time);
  let lines: LogRecord[] = at;
  let title = `${m.kind} ${m.name}`;
  let logCaption = `dmesg of pid ${m.pid} at ${formatTime(m.time, 6)}:`;
  const info = [who, `at ${formatTime(m.time, 6)}`];
  if (m.kind === 'uevent') {
    // "add hmem.0": the lines of that instant that name the device.
    const dev = m.name.slice(m.name.indexOf(' ') + 1);
    const named = at.filter((r) => r.text.includes(dev));
    if (named.length > 0) {
      lines = named;
      logCaption = `dmesg of pid ${m.pid} at ${formatTime(m.time, 6)} naming ${dev}:`;
    }
    title = `uevent ${m.name}`;
    if (m.text !== '') info.push(`MODALIAS=${m.text}`);
  } else if (m.kind === 'warn') {
    // The splat around the headline: from "cut here" to "end trace".
    title = `WARN in ${m.name}`;
    if (m.text !== '') info.push(m.text);
    const h = at.findIndex((r) => r.text === m.text);
    if (h >= 0) {
      let a = h;
      while (a > 0 && !at[a]!.text.includes('[ cut here ]')) a--;
      let b = h;
      while (b < at.length - 1 && !at[b]!.text.startsWith('---[ end trace')) b++;
      lines = at.slice(a, b + 1);
    }
  } else if (m.kind === 'choice') {
    title = `${m.name}: ${who.replace(/ \(pid \d+\)$/, '')} ran`;
    info.push(m.text);
  } else if (m.text !== '') info.push(m.text);
  // A splat is shown whole (up to a generous limit).
  return { title, info, logCaption, ...capped(lines.map(dmesgLine), m.kind === 'warn' ? 4 * MAX_LOG : MAX_LOG) };
}

/** The bars, markers and axis as SVG, and the tooltips they refer to. */
function renderSvg(layout: Layout, tips: Tip[], records: readonly LogRecord[], claims: ReadonlyMap<TraceMark, TraceSpan> = new Map()): string {
  const labelOf = (comm: string, pid: number): string => `${comm} (pid ${pid})`;
  const labelW = Math.max(LABEL_W_MIN, ...layout.lanes.map((l) => labelOf(l.comm, l.pid).length * 6.8 + 18));
  const px = labelW + 8;
  const laneH = (rows: number): number => LANE_PAD * 2 + STRIP_H + rows * ROW_H;
  const height = AXIS_H + layout.lanes.reduce((a, l) => a + laneH(l.rows), 0) + 8;
  const width = Math.ceil(px + layout.width + 8);
  const f = (n: number): string => String(Math.round(n * 10) / 10);
  const out: string[] = [];

  out.push(`<svg id="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline of the run">`);
  out.push('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4f4f4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c8c8c8" stroke-width="2"/></pattern></defs>');

  // Grid and tick labels.
  out.push('<g class="axis">');
  for (const t of layout.ticks) {
    const x = px + t.x;
    out.push(`<line class="grid${t.major ? ' major' : ''}" x1="${f(x)}" y1="${AXIS_H - 8}" x2="${f(x)}" y2="${height - 8}"/>`);
    out.push(`<text class="tick-label${t.major ? ' major' : ''}" x="${f(x + 2)}" y="${AXIS_H - 12}">${esc(t.label)}</text>`);
  }
  out.push(`<line class="axis-line" x1="${f(px)}" y1="${AXIS_H - 8}" x2="${f(px + layout.width)}" y2="${AXIS_H - 8}"/>`);
  out.push('</g>');

  // Lanes.
  let y = AXIS_H;
  const ownerXs: Array<{ x: number; name: string }> = [];
  /** The lane labels, drawn last, in a group the page's script keeps at the left edge when the plot scrolls sideways. */
  const heads: string[] = [];
  layout.lanes.forEach((lane, li) => {
    const h = laneH(lane.rows);
    out.push(`<g class="lane" data-pid="${lane.pid}" data-comm="${esc(lane.comm)}" transform="translate(0,${y})">`);
    out.push(`<rect class="lane-bg ${li % 2 ? 'odd' : 'even'}" x="0" y="0" width="${width}" height="${h}"/>`);
    heads.push(
      `<g class="lane-head" data-pid="${lane.pid}" transform="translate(0,${y})"><rect class="lane-bg ${li % 2 ? 'odd' : 'even'}" x="0" y="0" width="${f(px - 2)}" height="${h}"/>` +
        `<line class="lane-head-edge" x1="${f(px - 2)}" y1="0" x2="${f(px - 2)}" y2="${h}"/><text class="lane-label" x="8" y="${LANE_PAD + STRIP_H + 11}">${esc(labelOf(lane.comm, lane.pid))}</text></g>`,
    );
    const who = labelOf(lane.comm, lane.pid);
    for (const s of lane.spans) {
      const i = tips.push(spanTip(s.span, s.end, s.open, who, records)) - 1;
      const by = LANE_PAD + STRIP_H + s.depth * ROW_H + 1;
      const cls = ['bar', s.span.kind];
      if (s.open) cls.push('open');
      const ending = spanEnding(s.span.kind, s.span.detail);
      if (ending?.cls) cls.push(ending.cls);
      out.push(
        `<rect class="${cls.join(' ')}" x="${f(px + s.x)}" y="${by}" width="${f(s.w)}" height="${ROW_H - 3}" rx="2" tabindex="0" data-tip="${i}" data-kind="${esc(s.span.kind)}" data-name="${esc(s.span.name)}"/>`,
      );
      const label = s.span.name;
      if (s.w >= label.length * 6.2 + 8) out.push(`<text class="bar-label" x="${f(px + s.x + 3)}" y="${by + ROW_H - 7}">${esc(label)}</text>`);
    }
    for (const m of lane.marks) {
      const i = tips.push(markTip(m.mark, who, records, claims.get(m.mark))) - 1;
      const mx = px + m.x;
      const mid = LANE_PAD + STRIP_H / 2;
      const diamond = `M${f(mx)} ${mid - 5.5}L${f(mx + 4.5)} ${mid}L${f(mx)} ${mid + 5.5}L${f(mx - 4.5)} ${mid}Z`;
      const d =
        m.mark.kind === 'warn'
          ? `M${f(mx - 5)} ${LANE_PAD + STRIP_H}L${f(mx)} ${LANE_PAD - 2}L${f(mx + 5)} ${LANE_PAD + STRIP_H}Z`
          : m.mark.kind === 'owner' || m.mark.kind === 'hmem'
            ? diamond
            : `M${f(mx - 4)} ${LANE_PAD}L${f(mx + 4)} ${LANE_PAD}L${f(mx)} ${LANE_PAD + 8}Z`;
      if (m.mark.kind === 'owner') ownerXs.push({ x: mx, name: m.mark.name });
      out.push(`<path class="mark ${esc(m.mark.kind)}" d="${d}" tabindex="0" data-tip="${i}" data-kind="${esc(m.mark.kind)}" data-name="${esc(m.mark.name)}"/>`);
    }
    out.push('</g>');
    y += h;
  });

  // Where a Soft Reserved range gets its owner: a line across every lane.
  for (const o of ownerXs) out.push(`<line class="owner-line" x1="${f(o.x)}" y1="${AXIS_H - 8}" x2="${f(o.x)}" y2="${height - 8}" data-name="${esc(o.name)}"/>`);

  // Breaks in the axis, over the lanes.
  for (const b of layout.breaks) {
    const x = px + b.x;
    out.push(`<g class="break"><rect x="${f(x)}" y="${AXIS_H - 8}" width="${b.w}" height="${height - AXIS_H}" fill="url(#hatch)"/>`);
    out.push(`<text class="break-label" x="${f(x + b.w / 2)}" y="12" text-anchor="middle">${esc(b.label)}</text></g>`);
  }
  out.push(`<g id="lane-heads">${heads.join('')}</g>`);
  out.push('</svg>');
  return out.join('\n');
}

const CSS = `
:root { font-family: system-ui, sans-serif; color: #222; }
body { margin: 16px 20px; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 15px; margin: 14px 0 6px; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.panels { display: flex; flex-wrap: wrap; gap: 8px 40px; }
.panels > section { min-width: 0; max-width: 100%; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre.block { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 8px 10px; margin: 0; overflow-x: auto; }
.warnings li, pre.warnings { color: #b00020; }
.legend { display: flex; gap: 16px; margin: 14px 0 6px; font-size: 12px; align-items: center; flex-wrap: wrap; }
.legend span { display: inline-flex; align-items: center; gap: 5px; }
.legend i { display: inline-block; width: 14px; height: 10px; border-radius: 2px; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
svg { display: block; font-size: 11px; }
.lane-bg.even { fill: #ffffff; } .lane-bg.odd { fill: #f7f7fa; }
.lane-label { fill: #333; font-family: ui-monospace, Menlo, monospace; }
.lane-head-edge { stroke: transparent; } .scrolled .lane-head-edge { stroke: #bbb; }
.grid { stroke: #e6e6e6; stroke-width: 1; } .grid.major { stroke: #bbb; }
.axis-line { stroke: #888; }
.tick-label { fill: #555; } .tick-label.major { fill: #000; font-weight: 600; }
.break-label { fill: #666; font-style: italic; }
.bar { stroke: rgba(0,0,0,.35); stroke-width: .5; cursor: pointer; }
.bar:hover, .bar:focus, .mark:hover, .mark:focus { stroke: #000; stroke-width: 1.5; outline: none; }
.bar.initcall, i.initcall { fill: #4e79a7; background: #4e79a7; }
.bar.probe, i.probe { fill: #59a14f; background: #59a14f; }
.bar.work, i.work { fill: #f28e2b; background: #f28e2b; }
.bar.module, i.module { fill: #b07aa1; background: #b07aa1; }
.bar.exit, i.exit { fill: #9c755f; background: #9c755f; }
.bar.err { stroke: #d00; stroke-width: 2; }
.bar.defer { stroke: #c77c00; stroke-width: 2; }
.bar.nomatch { fill-opacity: .4; }
i.err { background: #fff; border: 2px solid #d00; box-sizing: border-box; }
i.defer { background: #fff; border: 2px solid #c77c00; box-sizing: border-box; }
i.nomatch { background: #59a14f; opacity: .4; }
.bar.open { stroke-dasharray: 3 2; }
.bar-label { fill: #fff; pointer-events: none; font-size: 10px; }
.mark { cursor: pointer; }
.mark.uevent, i.uevent { fill: #17becf; background: #17becf; }
.mark.warn, i.warn { fill: #e15759; background: #e15759; }
.mark.choice, i.choice { fill: #9467bd; background: #9467bd; }
.mark.owner { fill: #111; stroke: #fff; stroke-width: .8; }
.mark.hmem { fill: #fff; stroke: #111; stroke-width: 1.3; }
i.owner, i.hmem { width: 9px; height: 9px; transform: rotate(45deg); border-radius: 0; margin: 0 3px; box-sizing: border-box; }
i.owner { background: #111; } i.hmem { background: #fff; border: 1.5px solid #111; }
.owner-line { stroke: #111; stroke-width: 1; stroke-dasharray: 4 3; pointer-events: none; }

#tooltip { position: fixed; z-index: 10; max-width: min(1000px, calc(100vw - 16px)); box-sizing: border-box; background: #fffff4; border: 1px solid #999; box-shadow: 0 2px 8px rgba(0,0,0,.25); padding: 6px 8px; font-size: 12px; pointer-events: none; }
#tooltip[hidden] { display: none; }
#tooltip .tip-title { font-weight: 600; margin-bottom: 2px; }
#tooltip .tip-info { color: #444; }
#tooltip .tip-caption { color: #666; margin-top: 4px; font-size: 11px; }
#tooltip pre { margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 15px; }
#tooltip .none { color: #888; font-style: italic; margin-top: 4px; }
details { margin-top: 14px; }
`;

const SCRIPT = `
(function () {
  var tips = JSON.parse(document.getElementById('kshim-tips').textContent);
  var tip = document.getElementById('tooltip');
  var svg = document.getElementById('timeline');
  if (!svg) return;
  // Keep the lane labels in view when the plot scrolls sideways (a narrow window).
  var box = svg.parentNode, heads = document.getElementById('lane-heads');
  if (box && heads) box.addEventListener('scroll', function () {
    heads.setAttribute('transform', 'translate(' + box.scrollLeft + ',0)');
    box.classList.toggle('scrolled', box.scrollLeft > 0);
  });
  function place(x, y) {
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.min(x + 14, window.innerWidth - w - 6);
    var top = y + 16 + h > window.innerHeight ? Math.max(4, y - h - 10) : y + 16;
    tip.style.left = Math.max(4, left) + 'px';
    tip.style.top = top + 'px';
  }
  function show(el, x, y) {
    var t = tips[Number(el.getAttribute('data-tip'))];
    if (!t) return;
    tip.replaceChildren();
    var h = document.createElement('div'); h.className = 'tip-title'; h.textContent = t.title; tip.appendChild(h);
    t.info.forEach(function (s) { var d = document.createElement('div'); d.className = 'tip-info'; d.textContent = s; tip.appendChild(d); });
    if (t.log.length) {
      var c = document.createElement('div'); c.className = 'tip-caption'; c.textContent = t.logCaption; tip.appendChild(c);
      var pre = document.createElement('pre'); pre.className = 'tip-log';
      pre.textContent = t.log.join('\\n') + (t.more ? '\\n... ' + t.more + ' more line' + (t.more === 1 ? '' : 's') : '');
      tip.appendChild(pre);
    } else {
      var n = document.createElement('div'); n.className = 'none'; n.textContent = 'no dmesg lines from this task meanwhile'; tip.appendChild(n);
    }
    tip.hidden = false;
    place(x, y);
  }
  function target(e) { return e.target && e.target.closest ? e.target.closest('[data-tip]') : null; }
  svg.addEventListener('mouseover', function (e) { var el = target(e); if (el) show(el, e.clientX, e.clientY); });
  svg.addEventListener('mousemove', function (e) { if (!tip.hidden && target(e)) place(e.clientX, e.clientY); });
  svg.addEventListener('mouseout', function (e) { var el = target(e); if (el && el !== e.relatedTarget) tip.hidden = true; });
  svg.addEventListener('focusin', function (e) { var el = target(e); if (el) { var r = el.getBoundingClientRect(); show(el, r.left, r.bottom); } });
  svg.addEventListener('focusout', function () { tip.hidden = true; });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') tip.hidden = true; });
})();
`;

/** The whole page. */
export function renderTimeline(run: Run, meta: TimelineMeta = {}): string {
  const r = run.result;
  const m = run.machine;
  const title = `kshim timeline${meta.scenario ? `: ${meta.scenario}` : ''} (${r.tree}, ${r.schedule})`;
  const head: string[] = [];
  head.push(`<h1>${esc(title)}</h1>`);
  const meta2: Array<[string, string]> = [];
  if (meta.scenario) meta2.push(['scenario', esc(meta.scenario)]);
  meta2.push(['tree', esc(r.tree)], ['schedule', `<code>${esc(r.schedule)}</code>`]);
  if (m !== null) meta2.push(['virtual time', `${esc(formatTime(m.kernel.sched.now, 6))} at the end`]);
  if (run.outcomes.length > 0) meta2.push(['steps ended', esc(run.outcomes.map((o) => o.status).join(', '))]);
  head.push(`<dl class="meta">${meta2.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`);
  for (const o of run.outcomes) {
    const msg = o.deadlock?.message ?? o.runaway?.message;
    if (msg) head.push(`<pre class="block warnings">${esc(msg)}</pre>`);
  }

  const panels: string[] = [];
  const decisions = ownerDecisions(run);
  const commOf = new Map((m?.kernel.sched.allTasks() ?? []).map((t) => [t.pid, t.comm]));
  panels.push(`<section id="owners"><h2>Soft Reserved ownership</h2><pre class="block">${esc(formatOwners(r))}</pre></section>`);
  if (r.build.ok) panels.push(`<section id="iomem"><h2>/proc/iomem</h2><pre class="block">${esc(r.iomem.trimEnd() || '(empty)')}</pre></section>`);
  head.push(`<div class="panels">${panels.join('')}</div>`);
  if (decisions.length > 0 && m !== null) {
    const table = decisionTable(decisions, m.kernel.log.records, (pid) => commOf.get(pid) ?? '?');
    head.push(`<section id="decisions"><h2>Soft Reserved decisions, in order</h2><pre class="block">${esc(table)}</pre></section>`);
  }
  if (!r.build.ok) head.push(`<h2>build failed, nothing booted</h2><pre class="block warnings">${esc(r.build.errors.join('\n'))}</pre>`);
  // As kshim run prints them (cli/format.ts), so a WARN reads the same on the page, in the text output and in the shell.
  if (r.warnings.length > 0) head.push(`<h2>warnings</h2><pre class="block warnings">${esc(warningLines(r, warningDetails(run)).join('\n'))}</pre>`);
  if (r.leaks.length > 0) head.push(`<h2>leaks</h2><ul class="warnings">${r.leaks.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`);

  const body: string[] = [];
  const tips: Tip[] = [];
  if (m !== null) {
    const sched = m.kernel.sched;
    const trace = sched.trace;
    if (!trace.enabled && trace.spans.length === 0) body.push('<p class="warnings">This run was not traced (run it with trace: true); there is no timeline to draw.</p>');
    const { marks: extra, claims } = decisionMarks(decisions);
    const layout = layoutTimeline({
      tasks: sched.allTasks().map((t) => ({ pid: t.pid, comm: t.comm, kind: t.kind })),
      spans: trace.spans,
      marks: [...trace.marks, ...extra],
      now: sched.now,
    });
    const kinds = ['initcall', 'probe', 'work', 'module', 'exit'];
    const legend = kinds.map((k) => `<span><i class="${k}"></i>${KIND_TITLE[k]}</span>`);
    legend.push('<span><i class="uevent"></i>uevent</span>', '<span><i class="warn"></i>WARN</span>');
    const endings = new Set(trace.spans.map((x) => spanEnding(x.kind, x.detail)?.cls).filter((c) => c));
    if (endings.has('err')) legend.push('<span><i class="err"></i>failed</span>');
    if (endings.has('defer')) legend.push('<span><i class="defer"></i>probe deferred</span>');
    if (endings.has('nomatch')) legend.push('<span><i class="nomatch"></i>probe declined (-ENODEV, -ENXIO)</span>');
    if (extra.some((x) => x.kind === 'owner')) legend.push('<span><i class="owner"></i>a Soft Reserved range gets its owner (dashed line)</span>');
    if (extra.some((x) => x.kind === 'hmem')) legend.push('<span><i class="hmem"></i>hmem_platform decides about a range</span>');
    if (trace.marks.some((x) => x.kind === 'choice')) legend.push('<span><i class="choice"></i>deviation from the default order</span>');
    legend.push('<span>hatched: idle time left out of the axis; hover or focus a bar for its dmesg</span>');
    body.push(`<div class="legend">${legend.join('')}</div>`);
    body.push(`<div class="scroll">${renderSvg(layout, tips, m.kernel.log.records, claims)}</div>`);
    body.push(`<details><summary>dmesg (${count(r.dmesg.length, 'line')})</summary><pre class="block">${esc(r.dmesg.join('\n'))}</pre></details>`);
  }

  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header>${head.join('\n')}</header>`,
    `<main>${body.join('\n')}</main>`,
    '<div id="tooltip" role="tooltip" hidden></div>',
    `<script type="application/json" id="kshim-tips">${scriptJson(tips)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
