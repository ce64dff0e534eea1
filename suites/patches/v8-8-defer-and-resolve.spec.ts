// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 8/9] (mainline e4de6b910bf3): a Soft Reserved range that meets
 * a CXL window at the first hmem_platform probe is no longer simply left
 * to CXL. The probe says "await CXL initial probe" and queues one work
 * item; after wait_for_device_probe() it decides each such range alone: a
 * committed region that contains it keeps it ("CXL claims resource,
 * dropping"), otherwise HMEM registers it ("CXL did not claim resource,
 * registering"). dax_cxl's registration work first flushes that work.
 *
 * cxl_pci's probe latency is stubbed with sinon (CxlMockOps.pciProbe) to
 * show that the decision waits for the probes in flight.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { CxlMockOps } from '../../mocks/cxl/mock_ops.js';
import { runBaseScenario } from '../../harness/expectations.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Firmware } from '../../mocks/platform/firmware.js';
import { machineFor, resolveConfig, type Run } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { CXL_ACPI_EARLY, MODULAR, SR, at, boot, decisions, prSR, timeOf } from './fixture.js';

const HOST = 'hmem_platform hmem_platform.0';
const LOW = { start: '0x850000000', end: '0x104fffffff' };
const HIGH = { start: '0x1050000000', end: '0x284fffffff' };

/** Index of the last dmesg line containing `text`. */
function lastAt(r: Run, text: string): number {
  return r.result.dmesg.reduce((n, l, i) => (l.includes(text) ? i : n), -1);
}

describe('[PATCH v8 8/9] dax/hmem, cxl: Defer and resolve Soft Reserved ownership', () => {
  it('region assembly fails: v8/7 leaves the range to CXL and nobody owns it; v8/8 awaits the CXL probes, then "CXL did not claim resource, registering" and HMEM owns it', async () => {
    const before = await runBaseScenario('E2', 'v8/7');
    expect(decisions(before)).to.deep.equal([`${HOST}: deferring range to CXL: ${prSR(SR)}`]);
    expect(before.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);

    const after = await runBaseScenario('E2', 'v8/8');
    expect(decisions(after)).to.deep.equal([`${HOST}: await CXL initial probe: ${prSR(SR)}`, `${HOST}: CXL did not claim resource, registering: ${prSR(SR)}`]);
    expect(at(after, 'CXL did not claim resource')).to.be.above(lastAt(after, 'driver cxl_pci async attach completed'));
    expect(after.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
  });

  it('a committed region that contains the range: "CXL claims resource, dropping" and dax_cxl owns it, as before', async () => {
    for (const [tree, said] of [
      ['v8/7', [`${HOST}: deferring range to CXL: ${prSR(SR)}`]],
      ['v8/8', [`${HOST}: await CXL initial probe: ${prSR(SR)}`, `${HOST}: CXL claims resource, dropping: ${prSR(SR)}`]],
    ] as const) {
      const r = await runBaseScenario('E1', tree);
      expect(decisions(r), tree).to.deep.equal(said);
      expect(r.result.softReserved.map((s) => s.owner), tree).to.deep.equal(['dax_cxl']);
    }
  });

  it('each range alone: of two ranges in one window, the one a committed region contains stays CXL\'s and the other becomes HMEM\'s; v8/7 left the second without an owner', async () => {
    const before = await runBaseScenario('E4', 'v8/7');
    expect(before.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl', null]);

    const after = await runBaseScenario('E4', 'v8/8');
    expect(decisions(after)).to.deep.equal([
      `${HOST}: await CXL initial probe: ${prSR(LOW)}`,
      `${HOST}: await CXL initial probe: ${prSR(HIGH)}`,
      `${HOST}: CXL claims resource, dropping: ${prSR(LOW)}`,
      `${HOST}: CXL did not claim resource, registering: ${prSR(HIGH)}`,
    ]);
    expect(after.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl', 'dax_hmem']);
  });

  it('wait_for_device_probe(): with cxl_pci\'s probe taking 1.5 s the decision moves with it, after the last cxl_pci attach, and CXL still keeps its region', async () => {
    const QUICK_MS = 150;
    const SLOW_MS = 1500;
    const pciProbe = sinon.stub(CxlMockOps.prototype, 'pciProbe').returns(QUICK_MS);
    const quick = await runBaseScenario('E1', 'v8/8');
    pciProbe.returns(SLOW_MS);
    const slow = await runBaseScenario('E1', 'v8/8');
    // The hmem_platform probe queues the work at the same moment; only the decision moves, by as much as the probes grew.
    expect(timeOf(slow, 'await CXL initial probe')).to.equal(timeOf(quick, 'await CXL initial probe'));
    expect(timeOf(slow, 'CXL claims resource') - timeOf(quick, 'CXL claims resource')).to.be.closeTo((SLOW_MS - QUICK_MS) / 1000, 1e-6);
    for (const r of [quick, slow]) {
      expect(at(r, 'CXL claims resource')).to.be.above(lastAt(r, 'driver cxl_pci async attach completed'));
      expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
    }
  });

  it('dax_cxl registers its driver only after the decision: with a second window whose memdevs probe for 1.5 s, v8/7 binds dax_region0 at once, v8/8 only after both "CXL claims resource" lines', async () => {
    const W1 = { start: '0x3000000000', end: '0x30ffffffff' };
    const real = CxlMockOps.prototype.pciProbe;
    // The endpoints of region1 (the third and fourth CXL PCI devices) are slow.
    sinon.stub(CxlMockOps.prototype, 'pciProbe').callsFake(function (this: CxlMockOps, dev: string) {
      return dev === '0000:0f:00.0' || dev === '0000:10:00.0' ? 1500 : real.call(this, dev);
    });
    const machine = (tree: string) =>
      boot({
        tree,
        config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
        softReserved: [{ ...SR, nid: 1 }, { ...W1, nid: 1 }],
        cfmws: [{ ...SR }, W1],
        regions: [{ ...SR, assembly: 'commit' }, { ...W1, assembly: 'commit' }],
        initramfs: CXL_ACPI_EARLY,
      });
    const before = await machine('v8/7');
    // v8/7: dax_cxl registers while 0000:0f:00.0 and 0000:10:00.0 are still probing, and dax_region0 binds then.
    expect(at(before, "bus: 'cxl': add driver cxl_dax_region")).to.be.within(0, at(before, 'cxl_pci 0000:0f:00.0: driver cxl_pci async attach completed'));
    expect(at(before, 'cxl dax_region0: bus: \'cxl\': really_probe: probing driver cxl_dax_region with device')).to.be.below(at(before, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device"));

    const after = await machine('v8/8');
    // v8/8 leaves the CXL side alone: region1 commits when its slow endpoints are done, as in v8/7.
    expect(timeOf(after, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device")).to.equal(timeOf(before, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device"));
    expect(at(after, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device")).to.be.above(lastAt(after, 'cxl_pci 0000:0f:00.0: driver cxl_pci async attach completed'));
    expect(at(after, "bus: 'cxl': add driver cxl_dax_region")).to.be.above(lastAt(after, 'CXL claims resource, dropping'));
    expect(decisions(after).filter((l) => l.includes('CXL claims resource'))).to.have.length(2);
    for (const r of [before, after]) expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl', 'dax_cxl']);
  });
});

/** The lines of hmem_platform.0's decisions, whichever prefix they carry. */
function decisionsIn(dmesg: readonly string[]): string[] {
  return dmesg.filter((l) => /hmem_platform\.0: (await CXL|CXL |deferring)/.test(l));
}

describe('[PATCH v8 8/9] process_defer_work() after hmem_platform lost its driver', () => {
  it('unbound while the work waits in wait_for_device_probe(): the work takes the device lock, finds no driver and decides nothing', async () => {
    const file = fileURLToPath(new URL('../../../scenarios/mainline-builtin-async-neighbour.json', import.meta.url));
    const s = parseScenario(readFileSync(file, 'utf8'), file, { tree: 'v8/8' });
    const m = machineFor(s, resolveConfig(s.tree, s.config).values);
    m.get(Firmware).apply();
    const sched = m.kernel.sched;
    // slow_async.0's probe keeps the work waiting from 0.034 s to 0.230 s; the unbind comes at 0.100 s, as a write to sysfs "unbind" would.
    sched.spawn('sh', 'user', async () => {
      const host = m.kernel.base.core.allDevices.find((d) => d.name === 'hmem_platform.0')!;
      await m.kernel.base.dd.device_release_driver_internal(host, null);
    }, { at: 100_000, pid: 999 });
    await m.bootToIdle();
    const dmesg = m.kernel.dmesg().map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
    // The decision lines name the host: after the unbind the prefix is the bus's ("platform hmem_platform.0:"), so look for the messages themselves.
    expect(dmesg.filter((l) => /CXL (claims|did not claim) resource|deferring range/.test(l))).to.deep.equal([]);
    expect(decisionsIn(dmesg)).to.deep.equal([`${HOST}: await CXL initial probe: ${prSR(SR)}`]);
    expect(m.kernel.panic.warnings).to.deep.equal([]);
  });
});
