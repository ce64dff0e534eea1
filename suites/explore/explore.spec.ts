// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { Explorer } from '../../harness/explore/explorer.js';
import { outcomeOf } from '../../harness/explore/signature.js';
import { runScenario, strategyFor, type Run } from '../../harness/run.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { validateScenario, type Scenario } from '../../harness/scenario.js';

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
    const flushWarning = /^WARNING: CPU: 0 PID: \d+ at kernel\/workqueue\.c:4289 __flush_work$/;
    expect(r.result.warnings.map((w) => w.message).filter((m) => flushWarning.test(m))).to.have.length(1);
    expect(outcomeOf(r).signature).to.equal(warned[0]!.signature);
  });

  it('mainline, everything built in: the hmem work can pass wait_for_device_probe() before cxl_pci has registered its driver, so HMEM owns the range in the default order and CXL only when PID 1 gets ahead', async () => {
    const s = scenario('mainline', BUILTIN, 'commit');
    // In every explored schedule: who owns the range, and whether PID 1 added cxl_pci's driver before the hmem work decided.
    const seen = new Set<string>();
    const observe = (run: Run): void => {
      const records = run.machine!.kernel.log.records;
      const added = records.findIndex((l) => l.pid === 1 && l.text.includes("bus: 'pci': add driver cxl_pci"));
      const decided = records.findIndex((l) => /CXL (claims|did not claim) resource/.test(l.text));
      seen.add(`${run.result.daxRegions.map((d) => d.owner).join(',')} ${added >= 0 && added < decided ? 'cxl_pci first' : 'decision first'}`);
    };
    const report = await new Explorer(s, { strategy: 'exhaustive', observe }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.owners.join(','))).to.have.members(['dax_cxl', 'dax_hmem']);
    expect([...seen].sort(), 'CXL owns exactly in the schedules where PID 1 adds cxl_pci first').to.deep.equal(['dax_cxl cxl_pci first', 'dax_hmem decision first']);
    const hmem = report.outcomes.find((o) => o.owners[0] === 'dax_hmem')!;
    expect(hmem.shrunk).to.equal('t.');
    const r = await replay(s, hmem.shrunk);
    const walk = r.result.dmesg.findIndex((l) => l.includes('CXL did not claim resource, registering'));
    const pciDriver = r.result.dmesg.findIndex((l) => l.includes("bus: 'pci': add driver cxl_pci"));
    expect(walk).to.be.greaterThan(-1);
    expect(pciDriver).to.be.greaterThan(walk);
    // The other class: PID 1 runs cxl_pci's initcall (add driver cxl_pci) before the hmem work
    // gets past wait_for_device_probe(), so the walk waits for cxl_pci's probes and CXL claims the range.
    const cxl = report.outcomes.find((o) => o.owners[0] === 'dax_cxl')!;
    const c = await replay(s, cxl.shrunk);
    const records = c.machine!.kernel.log.records;
    const added = records.findIndex((l) => l.text.includes("bus: 'pci': add driver cxl_pci"));
    const claimed = records.findIndex((l) => l.text.includes('CXL claims resource, dropping'));
    expect(added).to.be.greaterThan(-1);
    expect(records[added]!.pid, 'cxl_pci_driver_init runs on PID 1').to.equal(1);
    expect(claimed, 'add driver cxl_pci comes before the hmem work decides').to.be.greaterThan(added);
    expect(records.some((l) => l.text.includes('CXL did not claim resource'))).to.equal(false);
    expect(c.result.daxRegions.map((d) => d.owner)).to.deep.equal(['dax_cxl']);
  });

  it('mainline, everything built in, each initcall taking 10 µs: every timed schedule ends in one class, HMEM owning the committed region (the kworker passes its wait while PID 1 is still on its way to cxl_pci)', async () => {
    const s = scenario('mainline', BUILTIN, 'commit', { timing: { initcall: 0.01 } });
    const report = await new Explorer(s, { strategy: 'exhaustive' }).explore();
    expect(report.complete).to.equal(true);
    expect(report.outcomes.map((o) => o.owners)).to.deep.equal([['dax_hmem']]);
    const r = await replay(s, report.outcomes[0]!.shrunk);
    const decided = r.result.dmesg.findIndex((l) => l.includes('CXL did not claim resource, registering'));
    const pciDriver = r.result.dmesg.findIndex((l) => l.includes("bus: 'pci': add driver cxl_pci"));
    expect(decided).to.be.greaterThan(-1);
    expect(pciDriver, 'cxl_pci registers after the hmem work decided').to.be.greaterThan(decided);
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
    const window = r.result.dmesg.findIndex((l) => l.includes('cxl_acpi ACPI0017:00: add: root0'));
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
});
