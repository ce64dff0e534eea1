// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatRun, runJson, warningDetails } from '../../cli/format.js';
import { Explorer } from '../../harness/explore/explorer.js';
import { outcomeOf } from '../../harness/explore/signature.js';
import { runScenario, strategyFor, type Run } from '../../harness/run.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { validateScenario, type Scenario } from '../../harness/scenario.js';
import { mainlineWithHmem, nullDerefInWaitForDeviceProbe } from '../helpers/broken-hmem.js';
import { findTree } from '../../trees/index.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RANGE = { start: '0x850000000', end: '0x284fffffff' };
const MODULAR = { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', DEV_DAX_KMEM: 'm' };
const BUILTIN = { CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'y', CXL_MEM: 'y', CXL_REGION: 'y', DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', DEV_DAX_CXL: 'y', DEV_DAX_KMEM: 'y' };

function scenario(tree: string, config: Record<string, string>, assembly: 'commit' | 'fail', extra: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      tree,
      config,
      firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [RANGE] },
      cxl: { regions: [{ ...RANGE, assembly }] },
      ...extra,
    },
    `explore on ${tree}`,
  );
}

function shipped(name: string): Scenario {
  return validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', name), 'utf8')), name);
}

/** Whether PID 1 added the cxl_pci driver before the hmem work decided the range. */
function decisionVersusCxlPci(run: Run): 'cxl_pci first' | 'decision first' {
  const records = run.machine!.kernel.log.records;
  const added = records.findIndex((l) => l.pid === 1 && l.text.includes("bus: 'pci': add driver cxl_pci"));
  const decided = records.findIndex((l) => /CXL (claims|did not claim) resource/.test(l.text));
  if (decided < 0) throw new Error('the hmem work never decided');
  return added >= 0 && added < decided ? 'cxl_pci first' : 'decision first';
}

async function replay(s: Scenario, id: string) {
  const spec = decodeSchedule(id);
  return await runScenario(s, { strategy: strategyFor(spec), timeMode: spec.timeMode });
}

describe('explorer: what it finds', () => {
  it('finds v7\'s WARN at __flush_work in a plain scenario (no Soft Reserved range) without hand-picked timing, with a shrunk schedule that replays it', async () => {
    const s = validateScenario(
      { tree: 'v7', config: MODULAR, firmware: { cfmws: [RANGE] }, cxl: { regions: [{ ...RANGE, assembly: 'commit' }] } },
      'plain v7',
    );
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    const warned = report.outcomes.filter((o) => o.warnings.includes('__flush_work'));
    expect(warned).to.have.length.greaterThan(0);
    const r = await replay(s, warned[0]!.shrunk);
    const flushWarning = /^WARNING: kernel\/workqueue\.c:4289 at __flush_work, CPU#0: \S+\/\d+$/;
    expect(r.result.warnings.map((w) => w.message).filter((m) => flushWarning.test(m))).to.have.length(1);
    expect(outcomeOf(r).signature).to.equal(warned[0]!.signature);
  });

  it('mainline, everything built in (scenarios/mainline-builtin.json, 10 µs per initcall): one outcome class across all schedules, and it is HMEM owning the committed region, because the hmem work passes wait_for_device_probe() before PID 1 registers cxl_pci', async () => {
    const s = shipped('mainline-builtin.json');
    expect(s.timing['initcall'], 'the shipped scenario gives every initcall a duration').to.equal(0.01);
    const order = new Set<string>();
    const observe = (run: Run): void => {
      order.add(decisionVersusCxlPci(run));
    };
    const report = await new Explorer(s, { strategy: 'exhaustive', observe }).explore();
    expect(report.complete).to.equal(true);
    expect(report.schedulesExplored).to.be.greaterThan(1);
    expect(report.outcomes.map((o) => o.signature)).to.deep.equal(['owners=dax_hmem build=ok warnings=none leaks=0 end=idle']);
    expect([...order], 'in every schedule the walk decides before PID 1 adds the cxl_pci driver').to.deep.equal(['decision first']);
    const r = await replay(s, report.outcomes[0]!.shrunk);
    expect(r.result.dmesg.some((l) => l.includes('CXL did not claim resource, registering'))).to.equal(true);
    expect(r.result.dmesg.some((l) => /dax_region resource conflict/.test(l)), 'dax_cxl then finds the range taken').to.equal(true);
  });

  it('the built-in outcome does not depend on how long an initcall takes, as long as it takes some time: from 1 µs to 1 ms, HMEM owns in every timed schedule', async () => {
    for (const initcall of [0.001, 0.1, 1]) {
      const s = scenario('mainline', BUILTIN, 'commit', { timing: { initcall } });
      const report = await new Explorer(s, { strategy: 'exhaustive', shrink: false }).explore();
      expect(report.complete, `initcall ${initcall} ms`).to.equal(true);
      expect(report.outcomes.map((o) => o.owners), `initcall ${initcall} ms`).to.deep.equal([['dax_hmem']]);
    }
  });

  it('the same for any timing (untimed): CXL owns only when PID 1 runs every initcall up to cxl_pci_driver_init before the hmem work passes its wait', async () => {
    const s = shipped('mainline-builtin.json');
    const hmem = await replay(s, 'u.');
    expect(hmem.result.daxRegions.map((d) => d.owner)).to.deep.equal(['dax_hmem']);
    expect(decisionVersusCxlPci(hmem)).to.equal('decision first');
    const cxl = await replay(s, 'u.111.121.131.141.151.161');
    expect(cxl.result.daxRegions.map((d) => d.owner)).to.deep.equal(['dax_cxl']);
    expect(decisionVersusCxlPci(cxl)).to.equal('cxl_pci first');
    const records = cxl.machine!.kernel.log.records;
    const added = records.findIndex((l) => l.text.includes("bus: 'pci': add driver cxl_pci"));
    expect(records[added]!.pid, 'cxl_pci_driver_init runs on PID 1').to.equal(1);
    expect(records.some((l) => l.text.includes('CXL claims resource, dropping'))).to.equal(true);
  });

  it('with instantaneous initcalls (the initcall knob at 0) PID 1 and the hmem work tie, and the timed explorer finds both classes: CXL owns exactly in the schedules where PID 1 adds cxl_pci first', async () => {
    const s = scenario('mainline', BUILTIN, 'commit', { timing: { initcall: 0 } });
    const seen = new Set<string>();
    const observe = (run: Run): void => {
      seen.add(`${run.result.daxRegions.map((d) => d.owner).join(',')} ${decisionVersusCxlPci(run)}`);
    };
    const report = await new Explorer(s, { strategy: 'exhaustive', observe }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.owners.join(','))).to.have.members(['dax_cxl', 'dax_hmem']);
    expect([...seen].sort()).to.deep.equal(['dax_cxl cxl_pci first', 'dax_hmem decision first']);
    expect(report.outcomes.find((o) => o.owners[0] === 'dax_hmem')!.shrunk, 'HMEM in the default order').to.equal('t.');
  });

  it('the same with another driver probing asynchronously for 200 ms (linked before drivers/dax): the hmem work\'s wait covers cxl_pci\'s probes too and CXL owns in every timed schedule; a 1 ms probe changes nothing', async () => {
    const neighbour = (probe: number) => scenario('mainline', BUILTIN, 'commit', { timing: { initcall: 0.01 }, asyncDevice: { probe } });
    const slow = await new Explorer(neighbour(200), { strategy: 'exhaustive' }).explore();
    expect(slow.complete).to.equal(true);
    expect(slow.outcomes.map((o) => o.owners)).to.deep.equal([['dax_cxl']]);
    const r = await replay(neighbour(200), 't.');
    const dmesg = r.result.dmesg;
    const ready = dmesg.findIndex((l) => l.includes('slow_async slow_async.0: ready'));
    const claims = dmesg.findIndex((l) => l.includes('CXL claims resource, dropping'));
    const pciDriver = dmesg.findIndex((l) => l.includes("bus: 'pci': add driver cxl_pci"));
    expect(pciDriver, 'cxl_pci registers while the other probe still runs').to.be.lessThan(ready);
    expect(claims, 'the hmem work decides after both').to.be.greaterThan(ready);
    const quick = await new Explorer(neighbour(1), { strategy: 'exhaustive' }).explore();
    expect(quick.outcomes.map((o) => o.owners)).to.deep.equal([['dax_hmem']]);
  });

  it('mainline, everything modular, udev and request_module racing: the complete list of outcome classes is one, CXL owns (modprobe waits for a cxl_acpi that udev is still initialising)', async () => {
    const s = scenario('mainline', MODULAR, 'commit');
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.signature)).to.deep.equal(['owners=dax_cxl build=ok warnings=none leaks=0 end=idle']);
    expect(report.schedulesExplored).to.be.greaterThan(1);
  });

  it('the same with kmod v19 or older: request_module("cxl_acpi") returns while udev is still initialising cxl_acpi, and HMEM can own a range a committed region contains', async () => {
    const s = scenario('mainline', MODULAR, 'commit', { userspace: { kmodVersion: 19 } });
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.signature).sort()).to.deep.equal([
      'owners=dax_cxl build=ok warnings=none leaks=0 end=idle',
      'owners=dax_hmem build=ok warnings=none leaks=0 end=idle',
    ]);
    const hmem = report.outcomes.find((o) => o.owners[0] === 'dax_hmem')!;
    const r = await replay(s, hmem.shrunk);
    const registered = r.result.dmesg.findIndex((l) => /Registering platform device 'hmem\.\d+'/.test(l));
    const window = r.result.dmesg.findIndex((l) => l.includes('cxl_acpi ACPI0017:00: root0 added (root port)'));
    expect(registered, 'hmem registers the range before cxl_acpi published the window').to.be.lessThan(window);
    expect(r.result.daxRegions.map((d) => d.owner)).to.deep.equal(['dax_hmem']);
    expect(r.result.dmesg.some((l) => l.includes('dax_region resource conflict')), 'the committed region then cannot get its dax_region').to.equal(true);
  });

  it('with kmod v19, putting cxl_acpi in the initramfs closes the race: two outcomes without it, one (CXL owns) with it', async () => {
    const kmod19 = { userspace: { kmodVersion: 19 } };
    const racy = await new Explorer(scenario('mainline', MODULAR, 'commit', kmod19), { strategy: 'exhaustive', shrink: false }).explore();
    expect(racy.complete).to.equal(true);
    expect(racy.outcomes.map((o) => o.owners.join(',')).sort()).to.deep.equal(['dax_cxl', 'dax_hmem']);
    const s = scenario('mainline', MODULAR, 'commit', { ...kmod19, initramfs: ['cxl_core', 'cxl_port', 'cxl_acpi'] });
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.owners.join(','))).to.deep.equal(['dax_cxl']);
  });

  it('v8/7 against v8/8: with a failed assembly, "nobody owns the range" is an outcome before 8/9 and disappears after it', async () => {
    const before = await new Explorer(scenario('v8/7', MODULAR, 'fail'), { strategy: 'exhaustive', shrink: false }).explore();
    const after = await new Explorer(scenario('v8/8', MODULAR, 'fail'), { strategy: 'exhaustive', shrink: false }).explore();
    expect(before.complete && after.complete).to.equal(true);
    const owners = (o: { owners: ReadonlyArray<string | null> }): string => o.owners.map((x) => x ?? 'none').join(',');
    expect(before.outcomes.map(owners)).to.include('none');
    expect(after.outcomes.map(owners)).to.deep.equal(['dax_hmem']);
  });

  it('random and PCT exploration are reproducible from their seed: the same seed runs the same schedules, another seed other ones', async () => {
    const s = scenario('mainline', MODULAR, 'commit', { userspace: { kmodVersion: 19 } });
    const explore = async (strategy: 'random' | 'pct', seed: number) => {
      const schedules: string[] = [];
      const report = await new Explorer(s, { strategy, runs: 12, seed, shrink: false, observe: (r) => schedules.push(r.result.schedule) }).explore();
      return { report, schedules };
    };
    for (const strategy of ['random', 'pct'] as const) {
      const a = await explore(strategy, 5);
      const b = await explore(strategy, 5);
      const other = await explore(strategy, 6);
      expect(a.schedules).to.have.length(12);
      expect(a.report.schedulesExplored).to.equal(12);
      expect(b.schedules, `${strategy}, seed 5 twice`).to.deep.equal(a.schedules);
      expect(b.report).to.deep.equal(a.report);
      expect(other.schedules, `${strategy}, seed 5 against seed 6`).to.not.deep.equal(a.schedules);
    }
  });

  it('random and PCT report the fewest deviations there are, not those of the run that found the class: modular mainline for any timing, HMEM owning, takes two deviations however it was found', async () => {
    const s = shipped('mainline-modular.json');
    const bounded = await new Explorer(s, { strategy: 'exhaustive', timeMode: 'untimed', bound: 2, runs: 5000, shrink: false }).explore();
    const fewest = bounded.outcomes.find((o) => o.signature.startsWith('owners=dax_hmem '));
    expect(fewest, 'a class with HMEM owning within two deviations').to.not.equal(undefined);
    expect(fewest!.deviations).to.equal(2);
    for (const strategy of ['random', 'pct'] as const) {
      const r = await new Explorer(s, { strategy, timeMode: 'untimed', runs: 300, seed: 1, depth: 3 }).explore();
      const hmem = r.outcomes.find((o) => o.signature === fewest!.signature);
      expect(hmem, strategy).to.not.equal(undefined);
      expect(hmem!.deviations, strategy).to.equal(2);
      // The schedule it reports replays to that class.
      const replayed = await runScenario(s, { strategy: strategyFor(decodeSchedule(hmem!.shrunk)), timeMode: 'untimed' });
      expect(outcomeOf(replayed).signature, strategy).to.equal(fewest!.signature);
    }
  });

  it('a NULL dereference in a port is an outcome, not a crash: mainline\'s deferred work oopses, dax_cxl\'s work waits forever flushing dax_hmem_wq, nobody owns the range; the id replays it', async () => {
    // A broken wait_for_device_probe() as the port sees it: the fault is in the work dax_hmem queued.
    const tree = mainlineWithHmem('null-deref-example', 'mainline with a NULL dereference in the deferred work', nullDerefInWaitForDeviceProbe);
    const s: Scenario = { ...scenario('mainline', MODULAR, 'commit'), tree };
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => [o.signature, o.count])).to.deep.equal([['owners=none build=ok warnings=wait_for_device_probe leaks=2 end=deadlock', 112]]);
    const r = await replay(s, report.outcomes[0]!.shrunk);
    expect(r.result.dmesg.some((l) => l.endsWith('RIP: 0010:wait_for_device_probe'))).to.equal(true);
    // kshim run --json says how the run ended, as the signature does.
    expect(runJson(r).end).to.equal('deadlock');
    // kshim run prints the JavaScript error and the source line under the oops.
    expect(formatRun(r.result, warningDetails(r))).to.match(/\] Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 \[#1\] SMP KASAN NOPTI\n {4}TypeError: Cannot read properties of null \(reading 'parent'\) \(suites\/helpers\/broken-hmem\.ts:\d+\)\n/);
    expect(r.outcomes.at(-1)!.deadlock!.message).to.match(/kworker\S+ \(pid \d+\) waits for flush_workqueue\(dax_hmem_wq\), held by kworker\S+ \(pid \d+\) \[dead\]/);
  });

  it('a build that fails to link is its own outcome: owners=n/a and end=not-booted, not a boot where nobody took the range (v8, kconfig-x-or-not-x.json)', async () => {
    const s: Scenario = { ...shipped('kconfig-x-or-not-x.json'), tree: findTree('v8')! };
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.outcomes.map((o) => [o.signature, o.count])).to.deep.equal([['owners=n/a build=link-error warnings=none leaks=0 end=not-booted', 1]]);
  });
});
