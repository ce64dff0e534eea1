// SPDX-License-Identifier: GPL-2.0-only
/**
 * docs/driver-model-in-scenarios.md, kept true: every scenario the guide
 * uses is run here as the guide runs it (the same file, tree, --set and
 * schedule), and each test asserts what the guide tells the reader to look
 * for: dmesg lines in order, owners, /proc/iomem, configuration
 * adjustments, build errors, warnings, outcome classes, the spans the
 * timeline page draws (and the tooltips section 3 quotes, from the page
 * renderTimeline() writes), and shell transcripts.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDotConfig, formatOwners, formatRun } from '../../cli/format.js';
import { Shell } from '../../cli/shell.js';
import { renderTimeline } from '../../cli/timeline/render.js';
import { CXL_DAX_SYMBOLS } from '../../framework/kconfig/texts/index.js';
import type { Span } from '../../framework/sim/trace.js';
import { Explorer, type ExploreReport } from '../../harness/explore/explorer.js';
import { runScenario, strategyFor, type Run } from '../../harness/run.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { parseScenario, type Scenario } from '../../harness/scenario.js';
import { lookupTree } from '../../trees/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A scenario file as `kshim run scenarios/NAME [--tree T] [--set SYM=v]` loads it. */
function scenario(name: string, overrides: { tree?: string; set?: Record<string, string>; cmdline?: string } = {}): Scenario {
  const file = `${ROOT}scenarios/${name}`;
  return parseScenario(readFileSync(file, 'utf8'), file, overrides);
}

/** `kshim run` (or `kshim replay --schedule ID`), with the trace the timeline page is drawn from. */
async function boot(s: Scenario, schedule?: string): Promise<Run> {
  const spec = schedule !== undefined ? decodeSchedule(schedule) : undefined;
  const r = await runScenario(s, { trace: true, ...(spec ? { strategy: strategyFor(spec), timeMode: spec.timeMode } : {}) });
  expect(r.result.build.errors, 'build errors').to.deep.equal([]);
  for (const o of r.outcomes) expect(o.status, 'every step runs to idle').to.equal('idle');
  if (schedule !== undefined) expect(r.result.schedule).to.equal(schedule);
  return r;
}

async function explore(s: Scenario): Promise<ExploreReport> {
  return await new Explorer(s, { strategy: 'exhaustive' }).explore();
}

/** The classes of an exploration that covered every schedule (an exploration cut short by its budget fails). */
async function classesOfEverySchedule(s: Scenario): Promise<string[]> {
  const report = await explore(s);
  expect(report.complete, 'the exploration covered every schedule').to.equal(true);
  return classes(report);
}

/** The explore report as the guide quotes it: signature, count and shortest schedule per class. */
function classes(r: ExploreReport): string[] {
  return r.outcomes.map((o) => `${o.signature} | ${o.count} | ${o.shrunk}`);
}

/** Each line appears in dmesg exactly as written, in this order (other lines may come between). */
function expectInOrder(r: Run, want: readonly string[]): void {
  const dmesg = r.result.dmesg;
  let at = -1;
  for (const line of want) {
    const i = dmesg.indexOf(line, at + 1);
    expect(i, `after line ${at} of dmesg: ${line}\n(${dmesg.includes(line) ? 'present, but out of order' : 'missing'})`).to.be.above(at);
    at = i;
  }
}

/** These lines appear in dmesg one right after the other. */
function expectAdjacent(r: Run, want: readonly string[]): void {
  const dmesg = r.result.dmesg;
  const i = dmesg.indexOf(want[0]!);
  expect(i, `in dmesg: ${want[0]}`).to.be.at.least(0);
  expect(dmesg.slice(i, i + want.length)).to.deep.equal(want);
}

/** Lines that contain `text`. */
function grep(r: Run, text: string): string[] {
  return r.result.dmesg.filter((l) => l.includes(text));
}

/** The span the timeline draws for `kind name`, with the name of its task's lane. */
function span(r: Run, kind: Span['kind'], name: string, nth = 0): Span & { comm: string } {
  const sched = r.machine!.kernel.sched;
  const found = sched.trace.spans.filter((s) => s.kind === kind && s.name === name);
  expect(found.length, `${kind} ${name} in the trace`).to.be.above(nth);
  const s = found[nth]!;
  return { ...s, comm: sched.allTasks().find((t) => t.pid === s.pid)!.comm };
}

function spans(r: Run, kind: Span['kind'], name: string): Span[] {
  return r.machine!.kernel.sched.trace.spans.filter((s) => s.kind === kind && s.name === name);
}

/** Seconds, as the timeline labels them. */
const sec = (us: number): number => us / 1e6;

/** A bar as the guide describes it: "lane (pid N)", start and end in seconds. */
function bar(s: Span & { comm: string }): [string, number, number] {
  return [`${s.comm} (pid ${s.pid})`, sec(s.start), sec(s.end)];
}

/** What `kshim run FILE --show config` prints (the guide's transcripts of it are checked in explore-transcripts.spec.ts). */
const showConfig = (r: Run, tree = 'mainline'): string => formatDotConfig(r.result, lookupTree(tree)!);
/** The series' symbols as --show config gives them: CONFIG_X=v, n for "is not set", absent when .config leaves them out. */
function seriesValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const set = /^CONFIG_(\w+)=(\w)$/.exec(line) ?? /^# CONFIG_(\w+) is (not) set$/.exec(line);
    if (set !== null && (CXL_DAX_SYMBOLS as readonly string[]).includes(set[1]!)) out[set[1]!] = set[2] === 'not' ? 'n' : set[2]!;
  }
  return out;
}

describe('docs/driver-model-in-scenarios.md: the driver model in scenarios', () => {
  it('reading the output: scenarios 2, 3 and 5 write "softReserved": [] and kshim run prints nothing on stderr for them; without the field it notes the missing range', function () {
    // Four node processes.
    this.timeout(30_000);
    const kshim = (file: string) => spawnSync(process.execPath, [`${ROOT}dist/cli/main.js`, 'run', file, '--show', 'owners'], { cwd: ROOT, encoding: 'utf8' });
    for (const name of ['async-probe.json', 'deferred-probe.json', 'workqueue-flush-v7.json']) {
      const file = `scenarios/${name}`;
      expect(JSON.parse(readFileSync(`${ROOT}${file}`, 'utf8')).firmware.softReserved, file).to.deep.equal([]);
      const r = kshim(file);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr, file).to.equal('');
    }
    const json = JSON.parse(readFileSync(`${ROOT}scenarios/async-probe.json`, 'utf8'));
    delete json.firmware.softReserved;
    const dir = mkdtempSync(join(tmpdir(), 'kshim-guide-'));
    try {
      writeFileSync(join(dir, 'omitted.json'), JSON.stringify(json));
      const r = kshim(join(dir, 'omitted.json'));
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.include('firmware.softReserved: no Soft Reserved range, so hmem_platform.0 is not created');
      expect(r.stderr).to.include('"softReserved": []');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('1. probe.json: hmem_platform.0 is probed when its driver registers, port1 inside device_add(); each registration returns after the probe', async () => {
    const s = scenario('probe.json');
    const r = await boot(s);
    // Driver first: port1 is probed inside the device_add() that cxl_acpi's probe makes.
    expectInOrder(r, [
      "[    0.000000] bus: 'cxl': add driver cxl_port",
      "[    0.000000] platform ACPI0017:00: bus: 'platform': really_probe: probing driver cxl_acpi with device",
      "[    0.020000] bus: 'cxl': add device port1",
      "[    0.020000] cxl port1: bus: 'cxl': __driver_probe_device: matched device with driver cxl_port",
      "[    0.020000] cxl port1: bus: 'cxl': really_probe: probing driver cxl_port with device",
      "[    0.030000] cxl_port port1: driver: 'cxl_port': driver_bound: bound to device",
      '[    0.030000] cxl_acpi ACPI0017:00: port1 added to root0',
      "[    0.030000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
    ]);
    // Device first: hmem_platform.0 waits for its driver; hmem.1 is added inside that probe and waits for "hmem".
    expectInOrder(r, [
      "[    0.030000] bus: 'platform': add device hmem_platform.0",
      "[    0.034000] bus: 'platform': add driver hmem_platform",
      "[    0.034000] platform hmem_platform.0: bus: 'platform': __driver_probe_device: matched device with driver hmem_platform",
      "[    0.034000] platform hmem_platform.0: bus: 'platform': really_probe: probing driver hmem_platform with device",
      "[    0.034000] Registering platform device 'hmem.1'. Parent at hmem_platform.0",
      "[    0.034000] bus: 'platform': add device hmem.1",
      "[    0.034000] hmem_platform hmem_platform.0: driver: 'hmem_platform': driver_bound: bound to device",
      "[    0.034000] bus: 'platform': add driver hmem",
      "[    0.034000] platform hmem.1: bus: 'platform': really_probe: probing driver hmem with device",
      "[    0.034000] hmem hmem.1: driver: 'hmem': driver_bound: bound to device",
    ]);
    // "Directly" and "on the next line", as the guide says.
    expectAdjacent(r, [
      "[    0.030000] bus: 'platform': add device hmem_platform.0",
      "[    0.034000] bus: 'platform': add driver hmem_platform",
      "[    0.034000] platform hmem_platform.0: bus: 'platform': __driver_probe_device: matched device with driver hmem_platform",
      "[    0.034000] platform hmem_platform.0: bus: 'platform': really_probe: probing driver hmem_platform with device",
    ]);
    expectAdjacent(r, ["[    0.020000] bus: 'cxl': add device port1", "[    0.020000] cxl port1: bus: 'cxl': __driver_probe_device: matched device with driver cxl_port"]);
    expect(grep(r, "add device hmem.1")).to.have.length(1);
    expect(grep(r, 'platform hmem.1: bus:').map((l) => l.slice(0, 14))).to.deep.equal(['[    0.034000]', '[    0.034000]']);
    expect(grep(r, 'scheduling asynchronous probe')).to.deep.equal([]);
    expect(r.result.softReserved).to.deep.equal([{ start: '0x850000000', end: '0x104fffffff', owner: 'dax_hmem' }]);

    // The timeline: every probe is a bar on swapper/0, inside the initcall that registered the driver.
    const acpiInit = span(r, 'initcall', 'cxl_acpi_init');
    const hmemInit = span(r, 'initcall', 'dax_hmem_init');
    for (const [name, init] of [['cxl_acpi ACPI0017:00', acpiInit], ['cxl_port port1', acpiInit], ['hmem_platform hmem_platform.0', hmemInit], ['hmem hmem.1', hmemInit]] as const) {
      const p = span(r, 'probe', name);
      expect(p.comm, name).to.equal('swapper/0');
      expect(p.start).to.be.within(init.start, init.end);
      expect(p.end).to.be.within(init.start, init.end);
    }
    expect([sec(acpiInit.start), sec(acpiInit.end), sec(span(r, 'probe', 'cxl_port port1').start)]).to.deep.equal([0, 0.03, 0.02]);
    const elsewhere = r.machine!.kernel.sched.trace.spans.filter((x) => x.pid !== 1).map((x) => [x.pid, x.kind, x.name, sec(x.start)]);
    expect(elsewhere).to.deep.equal([
      [2, 'work', 'cxl_port cxl_bus_rescan_queue', 0.03],
      [5, 'work', 'events_long cxl_dax_region_driver_register', 0.034],
      [5, 'work', 'events deferred_probe_timeout_work_func', 10.034],
    ]);
    // cxl_acpi's probe only queues the rescan; the kworker runs it after the probe has returned.
    expectAdjacent(r, [
      "[    0.030000] cxl_acpi ACPI0017:00: bus: 'platform': really_probe: bound device to driver cxl_acpi",
      '[    0.030000] CXL bus rescan result: 0',
    ]);

    const sh = new Shell(s, r);
    expect(await sh.exec('ls -l /sys/devices/platform/hmem_platform.0/hmem.1')).to.equal(
      'dax1.0/\ndax_region/\ndriver -> ../../../../bus/platform/drivers/hmem\nsubsystem -> ../../../../bus/platform',
    );
    expect(await sh.exec('ls -l /sys/bus/platform/drivers/hmem_platform')).to.equal('hmem_platform.0 -> ../../../../devices/platform/hmem_platform.0');
    const dax = '/sys/bus/dax/devices/dax1.0';
    expect(await sh.exec(`cat ${dax}/size ${dax}/resource ${dax}/target_node`)).to.equal('34359738368\n0x850000000\n1');
  });

  it('2. async-probe.json: cxl_pci probes both endpoints at once on async workers; cxl_mem and cxl_port probe inside device_add(); dax_region0 is scheduled; PID 1 waits before freeing init memory', async () => {
    const r = await boot(scenario('async-probe.json'));
    expectInOrder(r, [
      "[    0.034000] bus: 'pci': add driver cxl_pci",
      "[    0.034000] pci 0000:0d:00.0: bus: 'pci': really_probe: probing driver cxl_pci with device",
      "[    0.034000] pci 0000:0e:00.0: bus: 'pci': really_probe: probing driver cxl_pci with device",
      "[    0.184000] bus: 'cxl': add device mem0",
      "[    0.184000] cxl mem0: bus: 'cxl': __driver_probe_device: matched device with driver cxl_mem",
      "[    0.184000] cxl mem0: bus: 'cxl': really_probe: probing driver cxl_mem with device",
      "[    0.284000] cxl endpoint2: bus: 'cxl': really_probe: probing driver cxl_port with device",
      "[    0.294000] cxl_port endpoint2: driver: 'cxl_port': driver_bound: bound to device",
      "[    0.294000] cxl_mem mem0: driver: 'cxl_mem': driver_bound: bound to device",
      "[    0.294000] cxl_pci 0000:0d:00.0: driver: 'cxl_pci': driver_bound: bound to device",
      '[    0.294000] cxl_pci 0000:0d:00.0: driver cxl_pci async attach completed: 0',
    ]);
    expectAdjacent(r, ["[    0.184000] bus: 'cxl': add device mem0", "[    0.184000] cxl mem0: bus: 'cxl': __driver_probe_device: matched device with driver cxl_mem"]);
    expectAdjacent(r, ['[    0.304000] cxl dax_region0: scheduling asynchronous probe', '[    0.304000] cxl_region region0: region0: register dax_region0']);
    // Both probes started before either finished.
    const started = r.result.dmesg.indexOf("[    0.034000] pci 0000:0e:00.0: bus: 'pci': really_probe: probing driver cxl_pci with device");
    const firstBound = r.result.dmesg.findIndex((l) => l.includes("driver: 'cxl_pci': driver_bound"));
    expect(started).to.be.within(0, firstBound);
    expect(grep(r, 'driver cxl_pci async attach completed')).to.have.length(2);
    // Device first, asynchronous driver: the probe is scheduled and device_add() returns to its caller.
    expectInOrder(r, [
      "[    0.304000] bus: 'cxl': add device dax_region0",
      '[    0.304000] cxl dax_region0: scheduling asynchronous probe',
      '[    0.304000] cxl_region region0: region0: register dax_region0',
      "[    0.304000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      "[    0.304000] cxl dax_region0: bus: 'cxl': really_probe: probing driver cxl_dax_region with device",
      "[    0.304000] cxl_dax_region dax_region0: driver: 'cxl_dax_region': driver_bound: bound to device",
      '[    0.304000] cxl_dax_region dax_region0: async probe completed',
      '[    0.304000] Freeing unused kernel image (initmem) memory: 4096K',
    ]);
    // Only the start of userspace follows the freeing of init memory at 0.304 s.
    expectAdjacent(r, [
      '[    0.304000] Freeing unused kernel image (initmem) memory: 4096K',
      '[    0.304000] Write protecting the kernel read-only data: 26624k',
      '[    0.304000] Freeing unused kernel image (text/rodata gap) memory: 2040K',
      '[    0.304000] Freeing unused kernel image (rodata/data gap) memory: 1460K',
      '[    0.304000] Run /init as init process',
    ]);
    const freeing = r.result.dmesg.indexOf('[    0.304000] Freeing unused kernel image (initmem) memory: 4096K');
    expect(r.result.dmesg[freeing + 5]?.slice(0, 14)).to.equal('[    3.000000]');
    // The synchronous drivers never schedule anything.
    expect(grep(r, 'scheduling asynchronous probe')).to.deep.equal(['[    0.304000] cxl dax_region0: scheduling asynchronous probe']);

    // The timeline: two worker lanes, memdev and endpoint probes nested in each; PID 1 went on to late_initcall at once.
    const pci0 = span(r, 'probe', 'cxl_pci 0000:0d:00.0');
    const pci1 = span(r, 'probe', 'cxl_pci 0000:0e:00.0');
    expect([bar(pci0), bar(pci1)]).to.deep.equal([
      ['kworker/u4:0 (pid 2)', 0.034, 0.294],
      ['kworker/u4:1 (pid 6)', 0.034, 0.304],
    ]);
    // kworker/u4:0 ran cxl_acpi's rescan before: an idle unbound kworker is reused.
    expect(bar(span(r, 'work', 'cxl_port cxl_bus_rescan_queue'))).to.deep.equal(['kworker/u4:0 (pid 2)', 0.03, 0.03]);
    expect(span(r, 'probe', 'cxl_mem mem0').pid).to.equal(pci0.pid);
    expect(span(r, 'probe', 'cxl_port endpoint2').pid).to.equal(pci0.pid);
    expect(span(r, 'probe', 'cxl_mem mem1').pid).to.equal(pci1.pid);
    const init = span(r, 'initcall', 'cxl_pci_driver_init');
    expect([init.comm, sec(init.start), sec(init.end)]).to.deep.equal(['swapper/0', 0.034, 0.034]);
    expect(sec(span(r, 'initcall', 'deferred_probe_initcall').start)).to.equal(0.034);
  });

  it('3. deferred-probe.json: -EPROBE_DEFER parks sfc_cxl.0; late_initcall retries it twice, every later bind retries it, mem0\'s bind lets it bind; without cxl_acpi the timeout reports it', async () => {
    const r = await boot(scenario('deferred-probe.json'));
    expectInOrder(r, [
      "[    0.012000] platform sfc_efx.0: bus: 'platform': really_probe: probing driver sfc_efx with device",
      "[    0.012000] cxl mem0: bus: 'cxl': really_probe: probing driver cxl_mem with device",
      '[    0.112000] cxl_mem mem0: CXL port topology not found',
      '[    0.112000] cxl_mem mem0: probe with driver cxl_mem rejects match -6',
      "[    0.112000] Registering platform device 'sfc_cxl.0'. Parent at sfc_efx.0",
      '[    0.112000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      '[    0.112000] platform sfc_cxl.0: Added to deferred list',
      "[    0.112000] sfc_efx sfc_efx.0: driver: 'sfc_efx': driver_bound: bound to device",
      '[    0.113000] platform sfc_cxl.0: Retrying from deferred list',
      '[    0.113000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      '[    0.113000] platform sfc_cxl.0: Retrying from deferred list',
      '[    0.113000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      '[    0.114000] Freeing unused kernel image (initmem) memory: 4096K',
      "[    3.037000] cxl_port port1: driver: 'cxl_port': driver_bound: bound to device",
      '[    3.037000] platform sfc_cxl.0: Retrying from deferred list',
      '[    3.037000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      "[    3.037000] cxl mem0: bus: 'cxl': really_probe: probing driver cxl_mem with device",
      "[    3.147000] cxl_mem mem0: driver: 'cxl_mem': driver_bound: bound to device",
      '[    3.147000] platform sfc_cxl.0: Retrying from deferred list',
      '[    3.147000] sfc_cxl sfc_cxl.0: mem0: using CXL endpoint endpoint2',
      "[    3.147000] sfc_cxl sfc_cxl.0: driver: 'sfc_cxl': driver_bound: bound to device",
    ]);
    expectAdjacent(r, [
      '[    0.112000] platform sfc_cxl.0: Added to deferred list',
      "[    0.112000] sfc_efx sfc_efx.0: driver: 'sfc_efx': driver_bound: bound to device",
      "[    0.112000] sfc_efx sfc_efx.0: bus: 'platform': really_probe: bound device to driver sfc_efx",
      '[    0.113000] platform sfc_cxl.0: Retrying from deferred list',
    ]);
    expect(grep(r, 'Retrying from deferred list').map((l) => l.slice(0, 14))).to.deep.equal(['[    0.113000]', '[    0.113000]', '[    3.037000]', '[    3.147000]']);
    expect(grep(r, 'Driver sfc_cxl requests probe deferral')).to.have.length(4);
    expect(grep(r, 'deferred probe pending')).to.deep.equal([]);
    // The two early retries are deferred_probe_initcall's, run by deferred_probe_work on a kworker.
    const late = span(r, 'initcall', 'deferred_probe_initcall');
    expect(sec(late.start)).to.equal(0.113);
    const retries = spans(r, 'probe', 'sfc_cxl sfc_cxl.0').map((s) => [sec(s.start), s.detail]);
    expect(retries).to.deep.equal([[0.112, '517'], [0.113, '517'], [0.113, '517'], [3.037, '517'], [3.147, '0']]);
    expect([0, 1, 2, 3].map((i) => bar(span(r, 'work', 'events_unbound deferred_probe_work_func', i)))).to.deep.equal([
      ['kworker/u4:0 (pid 2)', 0.113, 0.113],
      ['kworker/u4:0 (pid 2)', 0.113, 0.113],
      ['kworker/u4:0 (pid 2)', 3.037, 3.037],
      ['kworker/u4:0 (pid 2)', 3.147, 3.147],
    ]);
    expect(spans(r, 'work', 'events_unbound deferred_probe_work_func')).to.have.length(4);
    // What hovering the probe bars shows, as the guide quotes it, checked against the page kshim timeline writes.
    const guide = readFileSync(`${ROOT}docs/driver-model-in-scenarios.md`, 'utf8').replace(/\s+/g, ' ');
    const quoted = /Hovering an `sfc_cxl sfc_cxl\.0` probe bar before 3\.147 s shows `([^`]+)`.*? the one at 3\.147 s shows `([^`]+)`/.exec(guide);
    expect(quoted, "section 3's sentence on hovering the sfc_cxl probe bars").to.not.equal(null);
    const tips = JSON.parse(/<script type="application\/json" id="kshim-tips">(.*?)<\/script>/s.exec(renderTimeline(r))![1]!) as Array<{ title: string; info: string[] }>;
    const endings = tips.filter((t) => t.title === 'probe sfc_cxl sfc_cxl.0').map((t) => [t.info[1]!.split(' ')[0], t.info[2]]);
    expect(endings).to.deep.equal([
      ...['0.112000', '0.113000', '0.113000', '3.037000'].map((at) => [at, quoted![1]]),
      ['3.147000', quoted![2]],
    ]);
    // cxl_acpi's probe only queues the rescan: it is bound before the rescan's kworker probes mem0 again.
    expectInOrder(r, [
      "[    3.037000] cxl_acpi ACPI0017:00: port1 added to root0",
      "[    3.037000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
      "[    3.037000] cxl mem0: bus: 'cxl': really_probe: probing driver cxl_mem with device",
      "[    3.147000] sfc_cxl sfc_cxl.0: driver: 'sfc_cxl': driver_bound: bound to device",
      '[    3.147000] CXL bus rescan result: 0',
    ]);
    const rescan = span(r, 'work', 'cxl_port cxl_bus_rescan_queue');
    expect(bar(rescan)).to.deep.equal(['kworker/u4:1 (pid 16)', 3.037, 3.147]);
    expect(span(r, 'probe', 'cxl_mem mem0', 1).pid).to.equal(rescan.pid);

    const none = await boot(scenario('deferred-probe.json', { set: { CXL_ACPI: 'n' } }));
    expect(none.result.dmesg.slice(-6)).to.deep.equal([
      '[   10.119000] platform sfc_cxl.0: Retrying from deferred list',
      "[   10.119000] platform sfc_cxl.0: bus: 'platform': __driver_probe_device: matched device with driver sfc_cxl",
      "[   10.119000] platform sfc_cxl.0: bus: 'platform': really_probe: probing driver sfc_cxl with device",
      '[   10.119000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      '[   10.119000] platform sfc_cxl.0: Added to deferred list',
      '[   10.119000] platform sfc_cxl.0: deferred probe pending: (reason unknown)',
    ]);

    // Without CONFIG_MODULES the timeout is 0: no timeout work, no report, the device just stays deferred.
    const noModules = await boot(scenario('deferred-probe.json', { set: { CXL_ACPI: 'n', MODULES: 'n' } }));
    expect(grep(noModules, 'deferred probe pending')).to.deep.equal([]);
    expect(noModules.result.dmesg.slice(-8)).to.deep.equal([
      '[    0.115000] sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral',
      '[    0.115000] platform sfc_cxl.0: Added to deferred list',
      '[    0.116000] Freeing unused kernel image (initmem) memory: 4096K',
      '[    0.116000] Write protecting the kernel read-only data: 26624k',
      '[    0.116000] Freeing unused kernel image (text/rodata gap) memory: 2040K',
      '[    0.116000] Freeing unused kernel image (rodata/data gap) memory: 1460K',
      '[    0.116000] Run /init as init process',
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
    ]);
  });

  it('4. wait-for-device-probe.json: the default order decides before cxl_pci registers (HMEM owns); the shrunk schedule waits for cxl_pci\'s probes (CXL owns); two outcome classes', async () => {
    const s = scenario('wait-for-device-probe.json');
    const dflt = await boot(s);
    expectInOrder(dflt, [
      '[    0.034000] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      '[    0.034000] hmem_platform hmem_platform.0: CXL did not claim resource, registering: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      "[    0.034000] bus: 'pci': add driver cxl_pci",
      "[    0.304000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    0.304000] cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
      '[    0.304000] cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
    ]);
    expect(dflt.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_hmem']);

    const report = await explore(s);
    expect(report.complete).to.equal(true);
    expect(report.schedulesExplored).to.equal(56);
    expect(classes(report)).to.deep.equal([
      'owners=dax_cxl build=ok warnings=none leaks=0 end=idle | 32 | t.111.121.131.141.151.161',
      'owners=dax_hmem build=ok warnings=none leaks=0 end=idle | 24 | t.',
    ]);

    const cxl = await boot(s, 't.111.121.131.141.151.161');
    expectInOrder(cxl, [
      '[    0.034000] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      "[    0.034000] bus: 'pci': add driver cxl_pci",
      "[    0.304000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    0.304000] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      '[    0.304000] Freeing unused kernel image (initmem) memory: 4096K',
      '[    0.304000] Write protecting the kernel read-only data: 26624k',
      '[    0.304000] Freeing unused kernel image (text/rodata gap) memory: 2040K',
      '[    0.304000] Freeing unused kernel image (rodata/data gap) memory: 1460K',
      '[    0.304000] Run /init as init process',
      "[    0.304000] bus: 'cxl': add driver cxl_dax_region",
    ]);
    expect(cxl.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_cxl']);
    // The timeline: the hmem work sleeps in wait_for_device_probe() for as long as cxl_pci's probes run.
    expect(bar(span(cxl, 'work', 'dax_hmem_wq process_defer_work'))).to.deep.equal(['kworker/u4:0 (pid 2)', 0.034, 0.304]);
    // The same kworker ran cxl_acpi's bus rescan at 0.030 s, the run's first choice point (not named in the id: the default order).
    expect(bar(span(cxl, 'work', 'cxl_port cxl_bus_rescan_queue'))).to.deep.equal(['kworker/u4:0 (pid 2)', 0.03, 0.03]);
    expect(cxl.choices[0]).to.equal(0);
    expect(cxl.choices.slice(1, 7)).to.deep.equal([1, 1, 1, 1, 1, 1]);
    expect([sec(span(cxl, 'probe', 'cxl_pci 0000:0d:00.0').end), sec(span(cxl, 'probe', 'cxl_pci 0000:0e:00.0').end)]).to.deep.equal([0.294, 0.304]);
    // Section 5: dax_cxl's registration work sleeps in flush_workqueue(dax_hmem_wq) just as long.
    expect(bar(span(cxl, 'work', 'events_long cxl_dax_region_driver_register'))).to.deep.equal(['kworker/0:0 (pid 5)', 0.034, 0.304]);
    expect(formatOwners(cxl.result).split('\n').slice(0, 2)).to.deep.equal(['Soft Reserved range       owner', '0x850000000-0x284fffffff  dax_cxl']);
  });

  it('4b. mainline-builtin-async-neighbour.json: another driver\'s 200 ms asynchronous probe keeps the hmem work in async_synchronize_full() past cxl_pci\'s registration, so CXL owns in every timed schedule; with a 1 ms probe HMEM does', async () => {
    const s = scenario('mainline-builtin-async-neighbour.json');
    const r = await boot(s);
    expectInOrder(r, [
      '[    0.030080] platform slow_async.0: scheduling asynchronous probe',
      '[    0.034100] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      "[    0.034150] bus: 'pci': add driver cxl_pci",
      '[    0.230080] slow_async slow_async.0: ready',
      "[    0.304150] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    0.304150] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x284fffffff flags 0x80000200]',
    ]);
    expect((await classesOfEverySchedule(s)).map((c) => c.split(' ')[0])).to.deep.equal(['owners=dax_cxl']);
    const quick = parseScenario(readFileSync(`${ROOT}scenarios/mainline-builtin-async-neighbour.json`, 'utf8').replace('"probe": 200', '"probe": 1'), 'quick.json');
    expect((await classesOfEverySchedule(quick)).map((c) => c.split(' ')[0])).to.deep.equal(['owners=dax_hmem']);
  });

  it('5. workqueue-flush-v7.json: v7\'s flush of a never-initialised work item WARNs at __flush_work in every schedule, from 6/7 on; v8 and mainline do not', async () => {
    const s = scenario('workqueue-flush-v7.json');
    const r = await boot(s);
    const cut = r.result.dmesg.findIndex((l) => l.endsWith('------------[ cut here ]------------'));
    expect(cut).to.be.above(0);
    expect(r.result.dmesg.slice(cut, cut + 17).map((l) => l.slice(15))).to.deep.equal([
      '------------[ cut here ]------------',
      'WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: kworker/0:0/27',
      'Modules linked in: dax_cxl dax_hmem dax cxl_pci cxl_mem cxl_acpi cxl_port cxl_core',
      'CPU: 0 UID: 0 PID: 27 Comm: kworker/0:0 Not tainted 7.0.0-kshim #1 PREEMPT(full)',
      'Workqueue: events_long cxl_dax_region_driver_register [dax_cxl]',
      'RIP: 0010:__flush_work',
      'Call Trace:',
      ' <TASK>',
      ' flush_work',
      ' dax_hmem_flush_work [dax_hmem]',
      ' cxl_dax_region_driver_register [dax_cxl]',
      ' process_one_work',
      ' worker_thread',
      ' kthread',
      ' ret_from_fork',
      ' ret_from_fork_asm',
      ' </TASK>',
    ]);
    // The flush returned at once and registration went on: CXL still gets its region.
    expectAdjacent(r, ['[    3.278000] ---[ end trace 0000000000000000 ]---', "[    3.278000] bus: 'cxl': add driver cxl_dax_region"]);
    expect(r.result.warnings.map((w) => w.function)).to.deep.equal(['__flush_work']);
    expect(r.result.daxRegions.map((d) => d.owner)).to.deep.equal(['dax_cxl']);

    const report = await explore(s);
    expect(report.complete).to.equal(true);
    expect(classes(report)).to.deep.equal(['owners=- build=ok warnings=__flush_work leaks=0 end=idle | 2 | t.']);

    const warned: Record<string, string[]> = {};
    for (const tree of ['v7/5', 'v7/6', 'v7/7', 'v7', 'v8', 'mainline']) warned[tree] = (await boot(scenario('workqueue-flush-v7.json', { tree }))).result.warnings.map((w) => w.function);
    expect(warned).to.deep.equal({ 'v7/5': [], 'v7/6': ['__flush_work'], 'v7/7': ['__flush_work'], v7: ['__flush_work'], v8: [], mainline: [] });
  });

  it('6a. module-dependencies.json: request_module() returns after udev\'s loads of cxl_acpi and cxl_pci finish (one class, CXL owns); with kmod v19 it returns at once (one class, HMEM owns)', async () => {
    const cur = await boot(scenario('module-dependencies.json'));
    expectInOrder(cur, [
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
      "[    3.007000] bus: 'platform': add driver cxl_acpi",
      "[    3.007000] bus: 'pci': add driver cxl_pci",
      "[    3.037000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
      "[    3.267000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    3.267000] cxl_pci 0000:0d:00.0: driver cxl_pci async attach completed: 0',
      "[    3.269000] bus: 'platform': add driver hmem_platform",
      '[    3.269000] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      "[    3.274000] bus: 'cxl': add driver cxl_dax_region",
    ]);
    expect(cur.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_cxl']);
    // The timeline: dax_hmem's load starts with cxl_acpi's and ends after it; cxl_acpi's ends with cxl_pci's probes.
    expect(['cxl_acpi', 'cxl_pci', 'dax_hmem', 'dax_cxl'].map((m) => bar(span(cur, 'module', m)))).to.deep.equal([
      ['(udev-worker) (pid 7)', 3.007, 3.267],
      ['(udev-worker) (pid 9)', 3.007, 3.267],
      ['(udev-worker) (pid 8)', 3.007, 3.269],
      ['(udev-worker) (pid 25)', 3.274, 3.274],
    ]);
    expect(bar(span(cur, 'probe', 'cxl_acpi ACPI0017:00'))).to.deep.equal(['(udev-worker) (pid 7)', 3.007, 3.037]);
    expect(await classesOfEverySchedule(scenario('module-dependencies.json'))).to.deep.equal(['owners=dax_cxl build=ok warnings=none leaks=0 end=idle | 4 | t.']);

    const v19 = await boot(scenario('module-dependencies-kmod19.json'));
    expectInOrder(v19, [
      "[    3.007000] bus: 'platform': add driver cxl_acpi",
      "[    3.011000] bus: 'platform': add driver hmem_platform",
      "[    3.011000] platform hmem_platform.0: bus: 'platform': really_probe: probing driver hmem_platform with device",
      "[    3.011000] Registering platform device 'hmem.0'. Parent at hmem_platform.0",
      '[    3.011000]  dax0.0: alloc range[0]: 0x0000000850000000:0x000000284fffffff',
      '[    3.027000] cxl_acpi ACPI0017:00: root0 added (root port)',
      "[    3.037000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
      "[    3.267000] cxl_region region1: driver: 'cxl_region': driver_bound: bound to device",
      '[    3.274000] cxl_dax_region dax_region1: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
    ]);
    expect(grep(v19, 'await CXL initial probe')).to.deep.equal([]);
    expect(v19.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_hmem']);
    expect(await classesOfEverySchedule(scenario('module-dependencies-kmod19.json'))).to.deep.equal(['owners=dax_hmem build=ok warnings=none leaks=0 end=idle | 4 | t.']);
  });

  it('6b. module-dependencies.json --tree base: MODULE_SOFTDEP("pre: cxl_acpi") makes modprobe load cxl_acpi first; built in, it means nothing and both drivers claim the range', async () => {
    const soft = await boot(scenario('module-dependencies.json', { tree: 'base' }));
    expect(bar(span(soft, 'module', 'cxl_acpi'))).to.deep.equal(['(udev-worker) (pid 7)', 3.007, 3.267]);
    expect(bar(span(soft, 'module', 'dax_hmem')).slice(0, 2)).to.deep.equal(['(udev-worker) (pid 8)', 3.267]);
    expect(formatOwners(soft.result)).to.equal(
      [
        'Soft Reserved range       owner',
        '0x850000000-0x284fffffff  dax_cxl',
        '',
        'dax region id  range                     owner    path',
        '0              0x850000000-0x284fffffff  dax_cxl  platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0',
      ].join('\n'),
    );

    const builtin = await boot(scenario('module-dependencies.json', { tree: 'base', set: { DEV_DAX_HMEM: 'y' } }));
    expect(builtin.result.config.values['DEV_DAX_HMEM']).to.equal('y');
    expect(builtin.result.config.adjusted).to.deep.equal([]);
    expectInOrder(builtin, [
      "[    0.000000] bus: 'platform': add driver hmem_platform",
      '[    0.000000]  dax0.0: alloc range[0]: 0x0000000850000000:0x000000284fffffff',
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
      "[    3.037000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
      '[    3.274000]  dax1.0: alloc range[0]: 0x0000000850000000:0x000000284fffffff',
      '[    3.274000] kmem dax1.0: mapping0: 0x850000000-0x284fffffff could not reserve region',
      '[    3.274000] kmem dax1.0: probe with driver kmem failed with error -16',
    ]);
    expect(formatOwners(builtin.result)).to.equal(
      [
        'Soft Reserved range       owner',
        '0x850000000-0x284fffffff  dax_hmem',
        '',
        'dax region id  range                     owner     path',
        '0              0x850000000-0x284fffffff  dax_hmem  platform/hmem.0',
        '1              0x850000000-0x284fffffff  dax_cxl   platform/ACPI0017:00/root0/decoder0.0/region1/dax_region1',
      ].join('\n'),
    );

    // Mainline refuses that configuration.
    const main = await boot(scenario('module-dependencies.json', { set: { DEV_DAX_HMEM: 'y' } }));
    expect(main.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
  });

  it('6c. module-dependencies.json in kshim shell: symbol dependencies pin dax_hmem and cxl_mem, and modprobe dax_cxl loads dax_hmem first', async () => {
    const s = scenario('module-dependencies.json');
    const sh = new Shell(s, await boot(s));
    expect(await sh.exec('rmmod dax_hmem')).to.equal('rmmod: ERROR: Module dax_hmem is in use by: dax_cxl');
    expect(await sh.exec('rmmod cxl_mem')).to.equal('rmmod: ERROR: Module cxl_mem is in use by: cxl_pci');
    expect(await sh.exec('modprobe -r dax_cxl')).to.equal('(7 new dmesg lines; dmesg -c shows them)');
    expect(await sh.exec('lsmod')).to.equal(
      [
        'Module                  Size  Used by',
        'cxl_pci                16384  0',
        'cxl_mem                28672  1 cxl_pci',
        'cxl_acpi               20480  0',
        'cxl_port               32768  1 cxl_mem',
        'cxl_core              196608  4 cxl_port,cxl_acpi,cxl_mem,cxl_pci',
      ].join('\n'),
    );
    expect(await sh.exec('modprobe dax_cxl')).to.equal('(22 new dmesg lines; dmesg -c shows them)');
    const lsmod = (await sh.exec('lsmod'))!.split('\n');
    expect(lsmod.slice(0, 3)).to.deep.equal(['Module                  Size  Used by', 'dax_cxl                24576  0', 'dax_hmem               45056  1 dax_cxl']);
  });

  it('6d. initramfs-without-cxl-pci.json: before the real root only initramfs modules load; request_module("cxl_pci") fails, HMEM owns in every schedule; with cxl_mem and cxl_pci packed, CXL owns', async () => {
    const s = scenario('initramfs-without-cxl-pci.json');
    const r = await boot(s);
    expectInOrder(r, [
      '[    0.000000] Run /init as init process',
      "[    0.037000] cxl_acpi ACPI0017:00: driver: 'cxl_acpi': driver_bound: bound to device",
      "[    0.039000] bus: 'platform': add driver hmem_platform",
      '[    0.039000] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      '[    0.039000] hmem_platform hmem_platform.0: CXL did not claim resource, registering: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
      "[    3.007000] bus: 'pci': add driver cxl_pci",
      "[    3.267000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    3.274000] cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
      '[    3.274000] cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
    ]);
    expect(r.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_hmem']);
    // dax_hmem's load (from the initramfs) took from 0.007 to 0.039: it waited for cxl_acpi, then modprobe cxl_pci failed.
    const hmem = span(r, 'module', 'dax_hmem');
    expect([sec(hmem.start), sec(hmem.end)]).to.deep.equal([0.007, 0.039]);
    expect(await classesOfEverySchedule(s)).to.deep.equal(['owners=dax_hmem build=ok warnings=none leaks=0 end=idle | 4 | t.']);
    // For any timing it can go the other way: dax_hmem's initramfs load outlasts the root mount.
    const late = await boot(s, 'u.1v1');
    expectInOrder(late, [
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
      "[    3.000000] bus: 'pci': add driver cxl_pci",
      "[    3.260000] bus: 'platform': add driver hmem_platform",
      '[    3.260000] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x284fffffff flags 0x80000200]',
    ]);
    expect(late.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_cxl']);

    const packed: Scenario = { ...s, initramfs: ['cxl_core', 'cxl_port', 'cxl_acpi', 'cxl_mem', 'cxl_pci', 'dax', 'dax_hmem'] };
    const fixed = await boot(packed);
    expectInOrder(fixed, [
      "[    0.267000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      "[    0.269000] bus: 'platform': add driver hmem_platform",
      '[    0.269000] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x284fffffff flags 0x80000200]',
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
    ]);
    expect(fixed.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_cxl']);
    expect(await classesOfEverySchedule(packed)).to.deep.equal(['owners=dax_cxl build=ok warnings=none leaks=0 end=idle | 5 | t.']);
  });

  it('6e. a built-in request_module() of a built-in module only runs modprobe: the 4 ms before "add driver hmem_platform" are the two modprobe runs', async () => {
    const s = scenario('wait-for-device-probe.json');
    const r = await boot(s);
    expectInOrder(r, ["[    0.030000] bus: 'platform': add device hmem_platform.0", "[    0.034000] bus: 'platform': add driver hmem_platform"]);
    const slow = await boot({ ...s, timing: { ...s.timing, modprobe: 10 } });
    expectInOrder(slow, ["[    0.030000] bus: 'platform': add device hmem_platform.0", "[    0.050000] bus: 'platform': add driver hmem_platform"]);
    // cxl_pci's initcall had not run when request_module("cxl_pci") reported success.
    expect(span(r, 'initcall', 'cxl_pci_driver_init').start).to.be.above(span(r, 'initcall', 'dax_hmem_init').start);
  });

  it('7. kconfig-x-or-not-x.json: mainline caps DEV_DAX_HMEM at m while CXL_ACPI is m; y with CXL y; v8 keeps y and fails to link (F6)', async () => {
    const main = await boot(scenario('kconfig-x-or-not-x.json'));
    expect(main.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
    expect(seriesValues(showConfig(main))).to.deep.equal({ CXL_BUS: 'm', CXL_PCI: 'm', CXL_ACPI: 'm', CXL_MEM: 'm', CXL_PORT: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm' });
    expect(showConfig(main).split('\n').slice(-1)).to.deep.equal(['# DEV_DAX_HMEM: requested y, got m (CXL_ACPI || !CXL_ACPI)']);
    expect(formatRun(main.result).split('\n')[1]).to.equal('config: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)');

    const allY = await boot(scenario('kconfig-x-or-not-x.json', { set: { CXL_BUS: 'y', CXL_ACPI: 'y' } }));
    expect(seriesValues(showConfig(allY))).to.deep.equal(Object.fromEntries(CXL_DAX_SYMBOLS.map((k) => [k, 'y'])));

    const pciM = await boot(scenario('kconfig-x-or-not-x.json', { set: { CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'm' } }));
    expect(showConfig(pciM).split('\n').slice(-1)).to.deep.equal(['# DEV_DAX_HMEM: requested y, got m (CXL_PCI || !CXL_PCI)']);

    const v8 = await runScenario(scenario('kconfig-x-or-not-x.json', { tree: 'v8' }));
    // DEV_DAX_CXL's dependency (CXL_ACPI >= DEV_DAX_HMEM) is unmet: .config does not mention it, kshim says why.
    expect(seriesValues(showConfig(v8, 'v8'))).to.deep.equal({ CXL_BUS: 'm', CXL_PCI: 'm', CXL_ACPI: 'm', CXL_MEM: 'm', CXL_PORT: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y' });
    expect(showConfig(v8, 'v8').split('\n').slice(-1)).to.deep.equal(['# DEV_DAX_CXL: not in .config (depends on CXL_ACPI >= DEV_DAX_HMEM)']);
    expect(formatRun(v8.result)).to.equal(
      ['tree v8, schedule t.', '', 'build failed:', "  ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'", '', 'nothing booted.'].join('\n'),
    );
    expect(v8.machine).to.equal(null);
    // The reference comes with 8/9; 7/9 still links, and HMEM owns the range since DEV_DAX_CXL is n there too.
    const v8_7 = await boot(scenario('kconfig-x-or-not-x.json', { tree: 'v8/7' }));
    expect(v8_7.result.softReserved.map((x) => x.owner)).to.deep.equal(['dax_hmem']);
    expect((await runScenario(scenario('kconfig-x-or-not-x.json', { tree: 'v8/8' }))).result.build.ok).to.equal(false);
  });

  it('8. soft-reserved-handoff.json: CXL owns the range its committed region contains, HMEM the one whose assembly failed; /proc/iomem before and after; 9/9 would republish Soft Reserved; a reload leaves the HMEM range unowned', async () => {
    const before = await boot(scenario('soft-reserved-handoff.json', { set: { DEV_DAX_HMEM: 'n', DEV_DAX_CXL: 'n' } }));
    expect(before.result.iomem.trimEnd()).to.equal(
      ['850000000-104fffffff : CXL Window 0', '  850000000-104fffffff : region0', '1050000000-184fffffff : CXL Window 1', '  1050000000-184fffffff : region1'].join('\n'),
    );
    expect(before.result.softReserved.map((x) => x.owner)).to.deep.equal([null, null]);

    const s = scenario('soft-reserved-handoff.json');
    const r = await boot(s);
    expectInOrder(r, [
      "[    3.277000] cxl_region region0: driver: 'cxl_region': driver_bound: bound to device",
      '[    3.299000] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x850000000-0x104fffffff flags 0x80000200]',
      '[    3.299000] hmem_platform hmem_platform.0: await CXL initial probe: [mem 0x1050000000-0x184fffffff flags 0x80000200]',
      '[    3.299000] hmem_platform hmem_platform.0: CXL claims resource, dropping: [mem 0x850000000-0x104fffffff flags 0x80000200]',
      '[    3.299000] hmem_platform hmem_platform.0: CXL did not claim resource, registering: [mem 0x1050000000-0x184fffffff flags 0x80000200]',
      "[    3.299000] Registering platform device 'hmem.4'. Parent at hmem_platform.0",
      '[    3.299000]  dax4.0: alloc range[0]: 0x0000001050000000:0x000000184fffffff',
      '[    3.299000]  dax0.0: alloc range[0]: 0x0000000850000000:0x000000104fffffff',
    ]);
    expect(grep(r, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device")).to.deep.equal([]);
    expect(r.result.iomem.trimEnd()).to.equal(
      [
        '850000000-104fffffff : CXL Window 0',
        '  850000000-104fffffff : region0',
        '    850000000-104fffffff : dax0.0',
        '      850000000-104fffffff : System RAM (kmem)',
        '1050000000-184fffffff : CXL Window 1',
        '  1050000000-184fffffff : region1',
        '    1050000000-184fffffff : dax4.0',
        '      1050000000-184fffffff : System RAM (kmem)',
      ].join('\n'),
    );
    expect(r.result.softReserved).to.deep.equal([
      { start: '0x850000000', end: '0x104fffffff', owner: 'dax_cxl' },
      { start: '0x1050000000', end: '0x184fffffff', owner: 'dax_hmem' },
    ]);
    expect(formatOwners(r.result)).to.equal(
      [
        'Soft Reserved range        owner',
        '0x850000000-0x104fffffff   dax_cxl',
        '0x1050000000-0x184fffffff  dax_hmem',
        '',
        'dax region id  range                      owner     path',
        '0              0x850000000-0x104fffffff   dax_cxl   platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0',
        '4              0x1050000000-0x184fffffff  dax_hmem  platform/hmem_platform.0/hmem.4',
      ].join('\n'),
    );
    expect(r.result.iomem).to.not.include('Soft Reserved');

    const v8 = await boot(scenario('soft-reserved-handoff.json', { tree: 'v8' }));
    expect(v8.result.iomem.trimEnd().split('\n').slice(4)).to.deep.equal([
      '1050000000-184fffffff : Soft Reserved',
      '  1050000000-184fffffff : CXL Window 1',
      '    1050000000-184fffffff : region1',
      '      1050000000-184fffffff : dax4.0',
      '        1050000000-184fffffff : System RAM (kmem)',
    ]);
    expect(formatOwners(v8.result).split('\n').slice(-2)).to.deep.equal([
      '0              0x850000000-0x104fffffff   dax_cxl   platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0',
      '4              0x1050000000-0x184fffffff  dax_hmem  platform/hmem.4',
    ]);

    // Reload: did_probe lives in the built-in hmem_platform.0, so the second probe defers both ranges to CXL.
    const sh = new Shell(s, r);
    expect(await sh.exec('modprobe -r dax_cxl')).to.equal('(12 new dmesg lines; dmesg -c shows them)');
    expect(await sh.exec('cat /proc/iomem')).to.equal(before.result.iomem.trimEnd());
    expect(await sh.exec('modprobe dax_cxl')).to.equal('(23 new dmesg lines; dmesg -c shows them)');
    const fresh = (await sh.exec('dmesg -c'))!.split('\n');
    expect(fresh.filter((l) => l.includes('deferring range to CXL'))).to.deep.equal([
      '[   13.314000] hmem_platform hmem_platform.0: deferring range to CXL: [mem 0x850000000-0x104fffffff flags 0x80000200]',
      '[   13.314000] hmem_platform hmem_platform.0: deferring range to CXL: [mem 0x1050000000-0x184fffffff flags 0x80000200]',
    ]);
    expect((await sh.exec('owners'))!.split('\n').slice(0, 3)).to.deep.equal(['Soft Reserved range        owner', '0x850000000-0x104fffffff   dax_cxl', '0x1050000000-0x184fffffff  none']);
  });
  it('9. cmdline-modular.json: a bare dyndbg= query does not reach dax.ko, loaded later; dax.dyndbg= does, through modprobe; built in, the bare query is enough; dax_hmem.region_idle=1 leaves /proc/iomem empty', async () => {
    const ALLOC = ' dax0.0: alloc range[0]: 0x0000000850000000:0x000000284fffffff';
    const text = (r: Run): string[] => r.result.dmesg.map((l) => l.replace(/^\[[ \d.]+\] /, ''));
    const bare = await boot(scenario('cmdline-modular.json'));
    expect(bare.result.dmesg).to.deep.equal([
      '[    0.000000] Linux version 7.0.0-kshim (kshim) #1 SMP PREEMPT_DYNAMIC',
      '[    0.000000] Kernel command line: dyndbg="module dax +p"',
      '[    0.000000] Freeing unused kernel image (initmem) memory: 4096K',
      '[    0.000000] Write protecting the kernel read-only data: 26624k',
      '[    0.000000] Freeing unused kernel image (text/rodata gap) memory: 2040K',
      '[    0.000000] Freeing unused kernel image (rodata/data gap) memory: 1460K',
      '[    0.000000] Run /init as init process',
      '[    3.000000] EXT4-fs (vda1): mounted filesystem 5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76 r/w with ordered data mode. Quota mode: none.',
    ]);
    const perModule = await boot(scenario('cmdline-modular.json', { cmdline: 'dax.dyndbg=+pmt' }));
    expect(perModule.result.dmesg.slice(-1)).to.deep.equal([`[    3.011000] [5] dax: ${ALLOC}`]);
    const builtIn = await boot(scenario('cmdline-modular.json', { set: { DAX: 'y', DEV_DAX: 'y' } }));
    expect(text(builtIn).slice(-1)).to.deep.equal([ALLOC]);
    expect((await boot(scenario('cmdline-modular.json'))).result.iomem).to.equal('850000000-284fffffff : dax0.0\n  850000000-284fffffff : System RAM (kmem)\n');
    const idle = await boot(scenario('cmdline-modular.json', { cmdline: 'dax_hmem.region_idle=1' }));
    expect(idle.result.iomem).to.equal('');
    expect(idle.result.daxRegions.map((r) => r.owner)).to.deep.equal(['dax_hmem']);
  });

  it('9b. cmdline-modular.json with DEBUG_KOBJECT_RELEASE=y in kshim shell: the transcript of section 9, one modprobe -r for three modules, oopses in the freed dax.ko; one command per module does not', async () => {
    const guide = readFileSync(`${ROOT}docs/driver-model-in-scenarios.md`, 'utf8');
    const block = /To see it, name the three[\s\S]*?```\n([\s\S]*?)```/.exec(guide);
    expect(block, "section 9's DEBUG_KOBJECT_RELEASE transcript").to.not.equal(null);
    const [command, banner, ...rest] = block![1]!.trimEnd().split('\n');
    expect(command).to.equal('$ npx kshim shell scenarios/cmdline-modular.json --set DEBUG_KOBJECT_RELEASE=y');
    const s = scenario('cmdline-modular.json', { set: { DEBUG_KOBJECT_RELEASE: 'y' } });
    const sh = new Shell(s, await boot(s));
    expect(sh.banner()).to.equal(banner);
    // Each "kshim# LINE" with the lines under it, up to the next prompt, as the shell prints them.
    const steps: Array<{ line: string; output: string[] }> = [];
    for (const l of rest) {
      if (l.startsWith('kshim# ')) steps.push({ line: l.slice('kshim# '.length), output: [] });
      else steps[steps.length - 1]!.output.push(l);
    }
    expect(steps.map((x) => x.line)).to.deep.equal(['modprobe -r dax_hmem kmem device_dax', "dmesg | grep -E 'RIP|Modules linked in'"]);
    for (const { line, output } of steps) expect((await sh.exec(line))!.split('\n'), line).to.deep.equal(output);
    const each = new Shell(s, await boot(s));
    for (const name of ['dax_hmem', 'kmem', 'device_dax']) await each.exec(`modprobe -r ${name}`);
    expect(await each.exec('dmesg | grep -c Oops')).to.equal('0');
  });
});
