// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layoutTimeline, MIN_W, type LayoutInput, type TraceSpan } from '../../cli/timeline/layout.js';
import { renderTimeline } from '../../cli/timeline/render.js';
import { formatRun } from '../../cli/format.js';
import { runScenario } from '../../harness/run.js';
import { BASE_SCENARIOS } from '../../harness/expectations.js';
import { validateScenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');

const span = (kind: string, name: string, pid: number, start: number, end: number, detail = '0'): TraceSpan => ({ kind, name, pid, start, end, detail, firstLog: 0, endLog: end < 0 ? -1 : 0 });
const tasks = [
  { pid: 1, comm: 'swapper/0', kind: 'init' },
  { pid: 2, comm: 'kworker/u4:0', kind: 'kworker' },
  { pid: 3, comm: 'timer', kind: 'timer' },
];

function input(spans: TraceSpan[], extra: Partial<LayoutInput> = {}): LayoutInput {
  return { tasks, spans, marks: [], now: Math.max(0, ...spans.map((s) => s.end)), ...extra };
}

describe('kshim timeline: the layout of the page', () => {
  it('has one lane per task that has spans or marks, in pid order, named by comm', () => {
    const l = layoutTimeline(
      input([span('work', 'events_long cxl_dax_region_driver_register', 2, 10, 10), span('initcall', 'dax_hmem_init', 1, 0, 4000)], {
        marks: [{ kind: 'uevent', name: 'add hmem.0', pid: 1, time: 4000, text: 'platform:hmem' }],
      }),
    );
    expect(l.lanes.map((x) => [x.pid, x.comm])).to.deep.equal([
      [1, 'swapper/0'],
      [2, 'kworker/u4:0'],
    ]);
    expect(l.lanes[0]!.marks).to.have.length(1);
  });

  it('gives each zero-length span at one instant its own slot, in the order they ran, at least MIN_W wide', () => {
    const l = layoutTimeline(input([span('initcall', 'pci_driver_init', 1, 0, 0), span('initcall', 'acpi_init', 1, 0, 0), span('initcall', 'dax_core_init', 1, 0, 0)]));
    const bars = l.lanes[0]!.spans;
    expect(bars.map((b) => b.depth)).to.deep.equal([0, 0, 0]);
    for (const b of bars) expect(b.w).to.be.at.least(MIN_W);
    expect(bars[1]!.x).to.be.at.least(bars[0]!.x + bars[0]!.w);
    expect(bars[2]!.x).to.be.at.least(bars[1]!.x + bars[1]!.w);
  });

  it('nests a probe under the initcall that ran it, inside the initcall\'s extent', () => {
    const l = layoutTimeline(input([span('initcall', 'cxl_acpi_init', 1, 0, 20000), span('probe', 'cxl_acpi ACPI0017:00', 1, 0, 20000), span('initcall', 'dax_hmem_init', 1, 20000, 24000)]));
    const [init, probe, next] = l.lanes[0]!.spans;
    expect(probe!.depth).to.equal(1);
    expect(next!.depth).to.equal(0);
    expect(probe!.x).to.be.at.least(init!.x);
    expect(probe!.x + probe!.w).to.be.at.most(init!.x + init!.w + 0.001);
    expect(next!.x).to.be.at.least(init!.x + init!.w - 0.001);
    expect(l.lanes[0]!.rows).to.equal(2);
  });

  it('keeps milliseconds proportional and cuts seconds of idle time out of the axis, labelled with what was left out', () => {
    // A boot like the real ones: a burst at 0, the rootfs at 3 s, probes of 20 and 10 ms, a timeout 10 s later.
    const l = layoutTimeline(
      input([
        span('initcall', 'populate_rootfs', 1, 0, 0),
        span('probe', 'cxl_pci 0000:0d:00.0', 2, 3_000_000, 3_020_000),
        span('probe', 'cxl_mem mem0', 2, 3_020_000, 3_030_000),
        span('work', 'events deferred_probe_timeout_work_func', 2, 13_030_000, 13_030_000, ''),
      ]),
    );
    expect(l.breaks.map((b) => b.label)).to.deep.equal(['+3 s', '+10 s']);
    const [pci, mem] = l.lanes[1]!.spans;
    expect(pci!.w / mem!.w).to.be.closeTo(2, 0.2);
    expect(pci!.w).to.be.above(300);
    expect(l.width).to.be.below(1400);
    // Ticks increase left to right and name round times in seconds.
    const xs = l.ticks.map((t) => t.x);
    expect(xs).to.deep.equal([...xs].sort((a, b) => a - b));
    expect(l.ticks.filter((t) => t.major).map((t) => t.label)).to.deep.equal(['0 s', '3 s', '13.03 s']);
    expect(l.ticks.some((t) => !t.major && /^3\.0\d+ s$/.test(t.label))).to.equal(true);
  });

  it('puts a time inside every stretch wide enough for one, and keeps tick labels apart, across the breaks too', () => {
    // E2 on v8/7: cxl_acpi from the initramfs for 30 ms, the rootfs 3 s later, cxl_pci and cxl_mem, the deferred-probe timeout.
    const l = layoutTimeline(
      input([
        ...['pci_driver_init', 'acpi_init', 'populate_rootfs', 'hmem_init', 'deferred_probe_initcall'].map((n) => span('initcall', n, 1, 0, 0)),
        span('module', 'cxl_acpi', 2, 7000, 37000),
        span('probe', 'cxl_acpi ACPI0017:00', 2, 7000, 37000),
        span('probe', 'cxl_pci 0000:0d:00.0', 3, 3_007_000, 3_267_000),
        span('probe', 'cxl_mem mem0', 3, 3_157_000, 3_267_000),
        span('work', 'events deferred_probe_timeout_work_func', 3, 13_011_000, 13_011_000, ''),
      ]),
    );
    expect(l.breaks.map((b) => b.label)).to.deep.equal(['+2.97 s', '+9.744 s']);
    const first = l.ticks.filter((t) => t.time < 3_007_000);
    expect(first.map((t) => t.label)).to.include('0 s');
    // The 37 ms of initramfs are over 100 px wide: some time inside them says where cxl_acpi ran.
    expect(first.filter((t) => !t.major), JSON.stringify(l.ticks)).to.not.deep.equal([]);
    for (const t of first.filter((t) => !t.major)) expect(t.time).to.be.above(0).and.at.most(37000);
    const xs = l.ticks.map((t) => t.x);
    expect(xs).to.deep.equal([...xs].sort((a, b) => a - b));
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!, `${l.ticks[i - 1]!.label} and ${l.ticks[i]!.label}`).to.be.at.least(56);
  });

  it('does not cut gaps of the same order as the rest of the activity (cxl_pci, cxl_mem, endpoint probes)', () => {
    const l = layoutTimeline(
      input([
        span('initcall', 'cxl_acpi_init', 1, 0, 20000),
        span('probe', 'cxl_pci 0000:0d:00.0', 2, 24000, 284000),
        span('probe', 'cxl_mem mem0', 2, 174000, 284000),
        span('probe', 'cxl_port endpoint1', 2, 274000, 284000),
      ]),
    );
    expect(l.breaks).to.deep.equal([]);
    expect(l.lanes[1]!.spans.map((s) => s.depth)).to.deep.equal([0, 1, 2]);
  });

  it('draws a span the run stopped inside up to the end of the run, marked open', () => {
    const l = layoutTimeline(input([span('probe', 'hmem hmem.0', 2, 1000, -1, '')], { now: 5000 }));
    const b = l.lanes[0]!.spans[0]!;
    expect(b.open).to.equal(true);
    expect(b.end).to.equal(5000);
    expect(b.w).to.be.above(MIN_W);
  });
});

describe('kshim timeline: the page', () => {
  it('is self-contained: no URL, no external resource, a CSP that forbids the network', async () => {
    const scenario = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', 'mainline-modular.json'), 'utf8')), 'mainline-modular.json');
    const run = await runScenario(scenario, { trace: true });
    const html = renderTimeline(run, { scenario: 'mainline-modular.json' });
    expect(html).to.match(/^<!DOCTYPE html>/);
    expect(html).to.not.match(/https?:\/\//);
    expect(html).to.not.match(/\s(?:src|href)\s*=/i);
    expect(html).to.contain("default-src 'none'");
    expect(html).to.contain('<svg id="timeline"');
    expect(html).to.contain(run.result.iomem.split('\n')[0]!);
    expect(html).to.contain('Soft Reserved range');
    // One <g class="lane"> per task that has spans or marks.
    const pids = new Set([...run.machine!.kernel.sched.trace.spans, ...run.machine!.kernel.sched.trace.marks].map((s) => s.pid));
    expect(html.match(/<g class="lane"/g)).to.have.length(pids.size);
  });

  it('a bar\'s tooltip shows what its task printed during that span only, not the rest of the same instant (zero-time initcalls at one timestamp)', async () => {
    const scenario = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', 'probe.json'), 'utf8')), 'probe.json');
    const html = renderTimeline(await runScenario(scenario, { trace: true }));
    const tips = JSON.parse(/<script type="application\/json" id="kshim-tips">(.*?)<\/script>/s.exec(html)![1]!) as Array<{ title: string; log: string[] }>;
    const text = (title: string) => tips.find((t) => t.title === title)!.log.map((l) => l.replace(/^\[ *\d+\.\d{6}\] /, ''));
    expect(text('initcall hmem_init')).to.deep.equal([
      "Registering platform device 'hmem_platform.0'. Parent at platform",
      "device: 'hmem_platform.0': device_add",
      "bus: 'platform': add device hmem_platform.0",
    ]);
    expect(text('initcall pci_driver_init')).to.deep.equal(["bus: 'pci': registered"]);
    const probe = text('probe cxl_acpi ACPI0017:00');
    expect(probe[0]).to.equal("platform ACPI0017:00: bus: 'platform': really_probe: probing driver cxl_acpi with device");
    expect(probe.at(-1)).to.equal("cxl_acpi ACPI0017:00: bus: 'platform': really_probe: bound device to driver cxl_acpi");
  });

  it('marks a WARN and shows its splat in the tooltip (F1: dax_cxl after dax_hmem without a Soft Reserved range on v7/6)', async () => {
    const modular = { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', DEV_DAX_KMEM: 'm' };
    const scenario = validateScenario(
      {
        tree: 'v7/6',
        config: modular,
        firmware: { cfmws: [{ start: '0x850000000', end: '0x284fffffff' }] },
        initramfs: ['cxl_core', 'cxl_port', 'cxl_acpi'],
        steps: ['boot', 'modprobe dax_hmem', 'modprobe dax_cxl'],
      },
      'f1.json',
    );
    const run = await runScenario(scenario, { trace: true });
    const warn = run.machine!.kernel.sched.trace.marks.find((m) => m.kind === 'warn')!;
    expect(warn, 'the WARN of F1').to.not.equal(undefined);
    const html = renderTimeline(run);
    expect(html).to.match(/<path class="mark warn" [^>]*data-name="__flush_work"/);
    const tips = JSON.parse(/<script type="application\/json" id="kshim-tips">(.*?)<\/script>/s.exec(html)![1]!) as Array<{ title: string; log: string[] }>;
    const tip = tips.find((t) => t.title === 'WARN in __flush_work')!;
    expect(tip.log[0]).to.match(/^\[ +\d+\.\d{6}\] -+\[ cut here \]-+$/);
    expect(tip.log.some((l) => l.endsWith(warn.text))).to.equal(true);
    expect(tip.log[tip.log.length - 1]).to.match(/\] ---\[ end trace [0-9a-f]+ \]---$/);
    expect(html).to.contain('<h2>warnings</h2>');
  });

  it('lists the warnings as kshim run prints them, dmesg timestamp padding and all (workqueue-flush-v7: the WARN of __flush_work)', async () => {
    const scenario = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', 'workqueue-flush-v7.json'), 'utf8')), 'workqueue-flush-v7.json');
    const run = await runScenario(scenario, { trace: true });
    const text = formatRun(run.result).split('\n');
    const section = text.slice(text.indexOf('== warnings ==') + 1);
    const printed = section.includes('') ? section.slice(0, section.indexOf('')) : section;
    expect(printed[0]).to.match(/^\[ +\d+\.\d{6}\] WARNING: kernel\/workqueue\.c:\d+ at __flush_work, CPU#0: /);
    const unesc = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const page = /<h2>warnings<\/h2>(.*?)(?=<h2>|<\/header>)/s.exec(renderTimeline(run));
    expect(page, 'the warnings section of the page').to.not.equal(null);
    const lines = unesc(page![1]!.replace(/<\/li>/g, '\n').replace(/<[^>]+>/g, '')).trimEnd().split('\n');
    expect(lines).to.deep.equal(printed);
    expect(page![1]).to.match(/^<pre /, 'in a <pre>, where the padding shows');
  });

  it('says how each probe ended as the driver returned it: a failure, a deferral, a declined match (really_probe() returns errors positive)', async () => {
    const page = async (file: string): Promise<{ html: string; tips: Array<{ title: string; info: string[] }> }> => {
      const scenario = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8')), file);
      const html = renderTimeline(await runScenario(scenario, { trace: true }));
      return { html, tips: JSON.parse(/<script type="application\/json" id="kshim-tips">(.*?)<\/script>/s.exec(html)![1]!) };
    };
    const bar = (html: string, name: string): string[] => [...html.matchAll(/<rect class="([^"]+)"[^>]*data-name="([^"]+)"/g)].filter((m) => m[2] === name).map((m) => m[1]!);
    const info = (tips: Array<{ title: string; info: string[] }>, title: string): string[] => tips.filter((t) => t.title === title).map((t) => t.info[2]!);
    // Built in, hmem registers the range first; dax_cxl's probe then fails on the resource conflict.
    const builtin = await page('mainline-builtin.json');
    expect(bar(builtin.html, 'cxl_dax_region dax_region0')).to.deep.equal(['bar probe err']);
    expect(info(builtin.tips, 'probe cxl_dax_region dax_region0')).to.deep.equal(['returned -12 (-ENOMEM): probe failed']);
    // cxl_region is tried before the region commits and declines with -ENXIO, then binds.
    expect(bar(builtin.html, 'cxl_region region0')).to.deep.equal(['bar probe nomatch', 'bar probe']);
    expect(info(builtin.tips, 'probe cxl_region region0')).to.deep.equal(['returned -6 (-ENXIO): the driver rejects the match', 'returned 0: bound']);
    expect(builtin.html).to.contain('<i class="err"></i>failed</span>');
    const deferred = await page('deferred-probe.json');
    expect(bar(deferred.html, 'sfc_cxl sfc_cxl.0')[0]).to.equal('bar probe defer');
    expect(info(deferred.tips, 'probe sfc_cxl sfc_cxl.0')[0]).to.equal('returned -517 (-EPROBE_DEFER): probe deferred');
  });

  it('marks when each Soft Reserved range gets its owner, and what hmem_platform decided on the way, on the task that did it', async () => {
    const scenario = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', 'soft-reserved-handoff.json'), 'utf8')), 'soft-reserved-handoff.json');
    const run = await runScenario(scenario, { trace: true });
    const html = renderTimeline(run);
    const spans = run.machine!.kernel.sched.trace.spans;
    const cxl = spans.find((s) => s.kind === 'probe' && s.name === 'cxl_dax_region dax_region0' && s.detail === '0')!;
    const hmem = spans.find((s) => s.kind === 'probe' && s.name === 'hmem hmem.4' && s.detail === '0')!;
    // A filled diamond on the lane of the probe that created the owner's dax region, and a line across the lanes there.
    const marks = [...html.matchAll(/<g class="lane" data-pid="(\d+)"(.*?)<\/g>/gs)].flatMap((g) => [...g[2]!.matchAll(/<path class="mark owner"[^>]*data-name="([^"]+)"/g)].map((m) => [Number(g[1]), m[1]]));
    expect(marks).to.have.deep.members([
      [cxl.pid, 'dax_cxl owns 0x850000000-0x104fffffff'],
      [hmem.pid, 'dax_hmem owns 0x1050000000-0x184fffffff'],
    ]);
    expect(html.match(/<line class="owner-line"/g)).to.have.length(2);
    expect(html.match(/<path class="mark hmem"/g)!.length).to.equal(4);
    // The header lists the decisions in the order they happened.
    const table = /<section id="decisions">.*?<pre class="block">(.*?)<\/pre>/s.exec(html)![1]!.split('\n');
    expect(table.map((l) => l.split(/ {2,}/).at(-1))).to.deep.equal([
      'decision',
      'hmem_platform: await CXL initial probe',
      'hmem_platform: await CXL initial probe',
      'hmem_platform: CXL claims resource, dropping',
      'hmem_platform: CXL did not claim resource, registering',
      'dax_hmem owns it: probe hmem hmem.4 returned 0',
      'dax_cxl owns it: probe cxl_dax_region dax_region0 returned 0',
    ]);
    expect(table.at(-1)).to.match(new RegExp(`^${(cxl.end / 1e6).toFixed(6)} s +kworker/u4:\\d \\(pid ${cxl.pid}\\) +0x850000000-0x104fffffff `));
  });

  it('shows a range left without an owner, after hmem_platform deferred it to CXL (E2 before v8 8/9)', async () => {
    const e2 = { ...BASE_SCENARIOS.E2, tree: 'v8/7' };
    const html = renderTimeline(await runScenario(validateScenario(e2, 'E2.json'), { trace: true }));
    expect(html).to.not.contain('class="mark owner"');
    expect(html).to.match(/<path class="mark hmem"[^>]*data-name="hmem_platform: deferring range to CXL"/);
    const table = /<section id="decisions">.*?<pre class="block">(.*?)<\/pre>/s.exec(html)![1]!.split('\n');
    expect(table.slice(1).map((l) => l.split(/ {2,}/).slice(2))).to.deep.equal([
      ['0x850000000-0x284fffffff', 'hmem_platform: deferring range to CXL'],
      ['0x850000000-0x284fffffff', 'no owner when the run ended'],
    ]);
  });

  it('kshim timeline FILE --out page.html writes the page and says what it drew; bad input exits 2', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kshim-timeline-')), 'page.html');
    const r = spawnSync(process.execPath, [KSHIM, 'timeline', 'scenarios/mainline-builtin.json', '--out', out, '--schedule', 't.'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/: timeline of mainline-builtin\.json \(tree mainline, schedule t\.\): \d+ tasks, \d+ spans, \d+ marks\n$/);
    expect(existsSync(out)).to.equal(true);
    expect(readFileSync(out, 'utf8')).to.contain('class="bar initcall"');
    const bad = spawnSync(process.execPath, [KSHIM, 'timeline', 'scenarios/mainline-builtin.json', '--schedule', 'x'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/^kshim: --schedule x: malformed/);
  });

  it('kshim timeline on a build that fails to link draws nothing: one line on stderr saying nothing booted, exit 2, no page', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kshim-timeline-')), 'page.html');
    for (const args of [['--out', out], []]) {
      const r = spawnSync(process.execPath, [KSHIM, 'timeline', 'scenarios/kconfig-x-or-not-x.json', '--tree', 'v8', ...args], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trimEnd().split('\n')).to.deep.equal([
        "kshim: scenarios/kconfig-x-or-not-x.json: nothing booted, so there is no timeline: the build failed (ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'); kshim run scenarios/kconfig-x-or-not-x.json --tree v8 shows the build errors",
      ]);
    }
    expect(existsSync(out)).to.equal(false);
  });

  it('with --schedule, marks each deviation from the default order on the task that ran, naming the task it ran before', () => {
    const page = (schedule: string): string => {
      const out = join(mkdtempSync(join(tmpdir(), 'kshim-timeline-')), 'page.html');
      const r = spawnSync(process.execPath, [KSHIM, 'timeline', 'scenarios/mainline-builtin.json', '--out', out, '--schedule', schedule], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      return readFileSync(out, 'utf8');
    };
    // For any timing, CXL wins when PID 1 runs six steps before the hmem work passes its wait.
    const cxl = page('u.111.121.131.141.151.161');
    const marks = [...cxl.matchAll(/class="mark choice"[^>]*data-name="([^"]+)"/g)].map((m) => m[1]);
    expect(marks).to.have.members([1, 2, 3, 4, 5, 6].map((i) => `deviation ${i} of 6`));
    expect(cxl).to.contain('deviation from the default order</span>');
    expect(cxl).to.contain('ran before kworker/u4:0 (pid 2)');
    expect(cxl).to.match(/0x850000000-0x284fffffff +dax_cxl/);
    const plain = page('t.');
    expect(plain).to.match(/0x850000000-0x284fffffff +dax_hmem/);
    expect(plain).to.not.contain('class="mark choice"');
    expect(plain).to.not.contain('deviation from the default order</span>');
  });
});

