// SPDX-License-Identifier: GPL-2.0-only
/**
 * Seed mail 002 (Alejandro Lucero and Dan Williams, Oct 2024; series.md
 * §6): a Type-2 accelerator driver (sfc) creates its CXL memdev with
 * devm_cxl_add_memdev() and wants to use the endpoint port right after
 * the call returns. If cxl_mem probes the memdev asynchronously, the
 * endpoint is not there yet, and the driver needs "nasty dancing with
 * delays and checks". Alejandro's fix was PROBE_FORCE_SYNCHRONOUS on
 * cxl_mem_driver; Dan's alternative was -EPROBE_DEFER. 7.0 took the first
 * (1f1cb7f0c255, "cxl/mem: Arrange for always-synchronous memdev
 * attach"): devm_cxl_add_memdev() lives in cxl_mem.ko, so the driver is
 * registered before the first memdev exists, and cxl_mem_probe() has run
 * when the call returns. kshim's cxl_mem mock is that 7.0 driver.
 *
 * The accelerator is the mock of mocks/cxl/type2.ts, "sfc_accel", passed
 * to the run as an extra object (its own Kconfig symbol SFC_ACCEL=m) and
 * loaded with modprobe after boot. The asynchronous cxl_mem of before 7.0 is
 * built in the test by linking cxl_mem against a wrapper of
 * __cxl_driver_register() that sets PROBE_PREFER_ASYNCHRONOUS (the
 * --wrap mechanism cxl_test uses), since the mock has no knob for it. The
 * same wrapper with PROBE_DEFAULT_STRATEGY gives the pre-7.0 driver that
 * set no probe_type and so follows driver_async_probe= on the command line.
 *
 * What PROBE_FORCE_SYNCHRONOUS adds over the default strategy shows only
 * when the command line asks for asynchronous probing: with
 * driver_async_probe=cxl_mem or driver_async_probe=* the default-strategy
 * cxl_mem probes mem0 asynchronously, the forced-synchronous one does not.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { Timing } from '../../framework/sim/timing.js';
import { EPROBE_DEFER } from '../../framework/include/errno.js';
import { PROBE_DEFAULT_STRATEGY, PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import type { Machine } from '../../framework/machine.js';
import { machineFor, resolveConfig } from '../../harness/run.js';
import { Firmware } from '../../mocks/platform/firmware.js';
import type { cxl_driver } from '../../mocks/cxl/cxl.h.js';
import { acceleratorSeen, sfcAccelModule, type AcceleratorSeen } from '../../mocks/cxl/type2.js';
import { CXL_ACPI_EARLY, MODULAR, SR, scenarioOf } from '../patches/fixture.js';

/**
 * A machine with a CXL root and no memdev of its own. Modular: cxl_acpi
 * comes from the initramfs, and after boot `modprobe sfc_accel` loads the
 * accelerator. Built in: every CXL driver and sfc_accel are y, and
 * sfc_accel's device_initcall runs after cxl_mem's (link order).
 * `memProbeType` overrides cxl_mem's probe_type through the wrapper (unset:
 * the mock's own PROBE_FORCE_SYNCHRONOUS); `driver_async_probe` is the
 * kernel command line parameter of that name.
 */
interface AcceleratorRun {
  memProbeType?: typeof PROBE_PREFER_ASYNCHRONOUS | typeof PROBE_DEFAULT_STRATEGY;
  builtIn?: boolean;
  driver_async_probe?: readonly string[];
}

async function accelerator(tree: string, mode: 'use' | 'defer', run: AcceleratorRun = {}): Promise<{ m: Machine; seen: AcceleratorSeen; dmesg: string[] }> {
  const { memProbeType, builtIn = false, driver_async_probe = [] } = run;
  const seen = acceleratorSeen();
  const config: Record<string, 'y' | 'm' | 'n'> = builtIn ? { CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'y', CXL_MEM: 'y', CXL_REGION: 'y' } : { ...MODULAR, CXL_REGION: 'y' };
  const s = scenarioOf({ tree, config: { ...config }, cfmws: [{ ...SR }], initramfs: builtIn ? [] : CXL_ACPI_EARLY });
  const cfg = resolveConfig(s.tree, s.config);
  const m = machineFor(s, { ...cfg.values, SFC_ACCEL: builtIn ? 'y' : 'm' }, { extraModules: [sfcAccelModule(mode, seen, 'SFC_ACCEL')], trace: true });
  if (memProbeType !== undefined) {
    m.loader.wrap('cxl_mem', '__cxl_driver_register', (real: (drv: cxl_driver, owner: string | null, modname: string) => Promise<number>) => {
      return async function __wrap___cxl_driver_register(drv: cxl_driver, owner: string | null, modname: string): Promise<number> {
        drv.drv.probe_type = memProbeType;
        return await real(drv, owner, modname);
      };
    });
  }
  m.get(Firmware).apply();
  expect((await m.bootToIdle({ initramfs: s.initramfs, driver_async_probe })).status).to.equal('idle');
  if (!builtIn) {
    const { exit, outcome } = await m.userModprobe('sfc_accel');
    expect(exit, 'modprobe sfc_accel').to.equal(0);
    expect(outcome.status).to.equal('idle');
  }
  return { m, seen, dmesg: m.kernel.dmesg().map((l) => l.replace(/^\[[ 0-9.]+\] /, '')) };
}

const ASYNC = { memProbeType: PROBE_PREFER_ASYNCHRONOUS } as const;

const idx = (dmesg: string[], text: string) => dmesg.findIndex((l) => l.includes(text));

describe('Seed 002: a Type-2 driver uses its memdev as soon as devm_cxl_add_memdev() returns', () => {
  it('modprobe sfc_accel loads cxl_mem first (symbol dependency on devm_cxl_add_memdev): the cxl_mem driver is registered before the first memdev exists', async () => {
    const { m, dmesg } = await accelerator('mainline', 'use');
    const order = m.loader.modules.map((x) => x.name).reverse();
    expect(order.indexOf('cxl_mem')).to.be.within(0, order.indexOf('sfc_accel'));
    expect(idx(dmesg, "bus: 'cxl': add driver cxl_mem")).to.be.within(0, idx(dmesg, "device: 'mem0': device_add"));
  });

  it('the race: with cxl_mem probing asynchronously, the endpoint is NULL when devm_cxl_add_memdev() returns ("no CXL endpoint yet") and appears only later', async () => {
    const { seen, dmesg } = await accelerator('mainline', 'use', ASYNC);
    expect(seen.endpointOnReturn).to.deep.equal([null]);
    expect(dmesg).to.include('sfc_efx sfc_efx.0: mem0: no CXL endpoint yet');
    expect(dmesg).to.include('cxl mem0: scheduling asynchronous probe');
    // cxl_mem_probe() ran afterwards and did add the endpoint.
    expect(seen.memdevs[0]!.endpoint).to.not.equal(null);
    expect(idx(dmesg, 'cxl_mem mem0: driver: \'cxl_mem\': driver_bound')).to.be.above(idx(dmesg, 'no CXL endpoint yet'));
  });

  it('before 7.0 cxl_mem set no probe_type: with driver_async_probe=cxl_mem (or =*) on the command line it probed mem0 asynchronously, and the endpoint was NULL when devm_cxl_add_memdev() returned', async () => {
    for (const driver_async_probe of [['cxl_mem'], ['*']]) {
      const { seen, dmesg } = await accelerator('mainline', 'use', { memProbeType: PROBE_DEFAULT_STRATEGY, driver_async_probe });
      expect(seen.endpointOnReturn, `driver_async_probe=${driver_async_probe.join(',')}`).to.deep.equal([null]);
      expect(dmesg).to.include('cxl mem0: scheduling asynchronous probe');
      expect(dmesg).to.include('sfc_efx sfc_efx.0: mem0: no CXL endpoint yet');
    }
  });

  it('PROBE_FORCE_SYNCHRONOUS (7.0\'s cxl_mem): the endpoint is there when devm_cxl_add_memdev() returns, even with driver_async_probe=cxl_mem or driver_async_probe=* on the command line', async () => {
    for (const driver_async_probe of [[], ['cxl_mem'], ['*']]) {
      const { seen, dmesg } = await accelerator('mainline', 'use', { driver_async_probe });
      const why = `driver_async_probe=${driver_async_probe.join(',')}`;
      expect(seen.endpointOnReturn, why).to.deep.equal(['endpoint2']);
      expect(dmesg, why).to.include('sfc_efx sfc_efx.0: mem0: using CXL endpoint endpoint2');
      expect(dmesg, why).to.not.include('cxl mem0: scheduling asynchronous probe');
      // The command line did take effect: with "*" the default-strategy sfc_efx driver goes async.
      expect(dmesg.includes('platform sfc_efx.0: scheduling asynchronous probe'), why).to.equal(driver_async_probe[0] === '*');
    }
  });

  it('the -EPROBE_DEFER alternative: the CXL function defers until the endpoint exists; every bind retries it (sfc_efx.0\'s too early), and cxl_mem binding mem0 triggers the retry that binds it', async () => {
    const { m, seen, dmesg } = await accelerator('mainline', 'defer', ASYNC);
    expect(seen.endpointOnReturn).to.deep.equal([null]);
    expect(seen.cxlProbes).to.deep.equal([-EPROBE_DEFER, -EPROBE_DEFER, 0]);
    expect(dmesg.filter((l) => l.includes('sfc_cxl sfc_cxl.0: Driver sfc_cxl requests probe deferral'))).to.have.length(2);
    const bound = idx(dmesg, "cxl_mem mem0: driver: 'cxl_mem': driver_bound");
    const retries = dmesg.flatMap((l, i) => (l.includes('sfc_cxl.0: Retrying from deferred list') ? [i] : []));
    expect(retries).to.have.length(2);
    expect(retries[0]).to.be.below(bound);
    expect(retries[1]).to.be.above(bound);
    expect(idx(dmesg, 'sfc_cxl sfc_cxl.0: mem0: using CXL endpoint endpoint2')).to.be.above(retries[1]!);
    // Deferred probing was already enabled: the module loaded after late_initcall.
    expect(m.kernel.base.dd.driver_deferred_probe_enable).to.equal(true);
    expect(m.kernel.base.dd.deferred_probe_pending_list).to.deep.equal([]);
  });

  it('built in, retries start only at late_initcall: sfc_efx.0 binds at device_initcall time and retries nothing; deferred_probe_initcall retries twice (still no endpoint), cxl_mem binding mem0 retries the last time', async () => {
    // Every built-in initcall takes 5 ms, so that they are apart in time.
    sinon.stub(Timing.prototype, 'initcall').returns(5);
    const { m, seen } = await accelerator('mainline', 'defer', { ...ASYNC, builtIn: true });
    expect(m.loader.isBuiltin('sfc_accel')).to.equal(true);
    expect(seen.cxlProbes).to.deep.equal([-EPROBE_DEFER, -EPROBE_DEFER, -EPROBE_DEFER, 0]);
    const spans = m.kernel.sched.trace.spans;
    const late = spans.find((x) => x.kind === 'initcall' && x.name === 'deferred_probe_initcall')!;
    const sfc = spans.find((x) => x.kind === 'initcall' && x.name === 'sfc_init')!;
    const at = (text: string) => m.kernel.log.records.filter((r) => r.text.includes(text)).map((r) => r.time);
    expect(at("sfc_efx sfc_efx.0: driver: 'sfc_efx': driver_bound")).to.deep.equal([sfc.start]);
    const retries = at('sfc_cxl.0: Retrying from deferred list');
    expect(retries).to.deep.equal([late.start, late.start, at("cxl_mem mem0: driver: 'cxl_mem': driver_bound")[0]]);
    expect(late.start).to.be.above(sfc.start);
  });

  it('with the synchronous cxl_mem the CXL function never defers, even with driver_async_probe=cxl_mem or driver_async_probe=*', async () => {
    for (const driver_async_probe of [[], ['cxl_mem'], ['*']]) {
      const { seen, dmesg } = await accelerator('mainline', 'defer', { driver_async_probe });
      const why = `driver_async_probe=${driver_async_probe.join(',')}`;
      expect(seen.cxlProbes, why).to.deep.equal([0]);
      expect(dmesg.some((l) => l.includes('sfc_cxl.0: Added to deferred list')), why).to.equal(false);
      expect(dmesg, why).to.include('sfc_cxl sfc_cxl.0: mem0: using CXL endpoint endpoint2');
    }
  });
});
