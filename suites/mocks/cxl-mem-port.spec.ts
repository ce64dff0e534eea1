// SPDX-License-Identifier: GPL-2.0-only
/**
 * The mocked cxl_mem, cxl_port and cxl_acpi held to the control flow of
 * their C (7.0):
 *
 * - cxl_mem_probe() takes the device lock of the endpoint's parent port and
 *   adds the endpoint only while cxl_port is bound to that port; otherwise
 *   "CXL port topology %s not enabled" and -ENXIO (drivers/cxl/mem.c).
 * - cxl_endpoint_port_probe() treats region discovery as opportunistic:
 *   when cxl_add_to_region() fails, discover_region() logs "failed to add
 *   to region" and the endpoint still binds; devm_cxl_add_endpoint() fails
 *   with "%s failed probe" (-ENXIO) when the endpoint it added is not bound
 *   to cxl_port (drivers/cxl/port.c).
 *
 * The machine is scenarios/cxl-acpi-unload-mainline.json booted (region0
 * committed, mem0 and mem1 bound, endpoint2 and endpoint3 below port1).
 * What a test does to it by hand is what the sysfs files of the driver
 * core do: writing a device to a driver's unbind file is
 * device_release_driver(), writing it to the bus's drivers_probe file is
 * device_attach().
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { device } from '../../framework/include/linux/device.js';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import type { Machine } from '../../framework/machine.js';
import { parseScenario } from '../../harness/scenario.js';
import { bootedMachine, cxlBus, dmesgText, modprobeOk } from '../helpers/cxl-machine.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FILE = `${ROOT}scenarios/cxl-acpi-unload-mainline.json`;

async function booted(faults: readonly FaultRule[] = []): Promise<Machine> {
  return await bootedMachine(parseScenario(readFileSync(FILE, 'utf8'), FILE, {}), faults);
}

function cxlDev(m: Machine, name: string): device {
  const d = m.kernel.base.core.allDevices.find((x) => x.state_in_sysfs && x.bus?.name === 'cxl' && x.name === name);
  expect(d, name).to.not.equal(undefined);
  return d!;
}

/** Run `body` as a userspace task (a shell writing sysfs files) until the machine is idle. */
async function sh(m: Machine, body: () => Promise<void>): Promise<void> {
  m.kernel.sched.spawn('sh', 'user', body);
  expect((await m.kernel.sched.run()).status).to.equal('idle');
}


describe('cxl mocks: cxl_mem, cxl_port and cxl_acpi as their C', () => {
  it('cxl_mem: a memdev probed while cxl_port is not bound to port1 fails with "CXL port topology port1 not enabled" and adds no endpoint below port1', async () => {
    const m = await booted();
    const dd = m.kernel.base.dd;
    // echo port1 > /sys/bus/cxl/drivers/cxl_port/unbind: port1's devres takes endpoint2 and endpoint3,
    // whose unbind queues the detach of mem0 and mem1 from cxl_mem.
    await sh(m, async () => {
      await dd.device_release_driver(cxlDev(m, 'port1'));
    });
    expect(cxlBus(m)).to.include.members(['mem0 -', 'mem1 -', 'port1 -']);
    expect(cxlBus(m).filter((l) => l.startsWith('endpoint'))).to.deep.equal([]);

    // echo mem0 > /sys/bus/cxl/drivers_probe
    const before = dmesgText(m).length;
    await sh(m, async () => {
      await dd.device_attach(cxlDev(m, 'mem0'));
    });
    const lines = dmesgText(m).slice(before);
    expect(lines).to.include('cxl_mem mem0: CXL port topology port1 not enabled');
    expect(lines.filter((l) => / added to port1$/.test(l))).to.deep.equal([]);
    expect(cxlBus(m)).to.include.members(['mem0 -', 'port1 -']);
    expect(cxlBus(m).filter((l) => l.startsWith('endpoint'))).to.deep.equal([]);
    expect(m.kernel.leaks()).to.deep.equal([]);
  });

  it('cxl_port: when cxl_add_to_region() fails for endpoint2 (the memregion id of region0\'s successor cannot be allocated), endpoint2 still binds, "failed to add to region" is logged, and mem0 stays bound', async () => {
    const m = await booted();
    await modprobeOk(m, 'dax_cxl', true);
    await modprobeOk(m, 'cxl_acpi', true);
    expect(cxlBus(m)).to.deep.equal(['mem0 -', 'mem1 -']);
    // The reloaded cxl_acpi allocates decoder0.0's memregion id first; the second allocation is construct_region()'s for mem0.
    m.kernel.faults.add({ function: 'memregion_alloc', nth: 2 });
    const before = dmesgText(m).length;
    await modprobeOk(m, 'cxl_acpi');
    const lines = dmesgText(m).slice(before);
    expect(lines).to.include('FAULT_INJECTION: forcing a failure of memregion_alloc: -12');
    // discover_region() logs on the decoder, which has no driver: the bus name prefixes it.
    expect(lines).to.include('cxl decoder2.0: failed to add to region: 0x850000000-0x284fffffff');
    expect(lines.filter((l) => l.endsWith('failed probe'))).to.deep.equal([]);
    // mem1's decoder constructs region0 on its own; one member of two never commits it.
    expect(cxlBus(m)).to.deep.equal([
      'decoder0.0 -',
      'decoder2.0 -',
      'decoder3.0 -',
      'endpoint2 cxl_port',
      'endpoint3 cxl_port',
      'mem0 cxl_mem',
      'mem1 cxl_mem',
      'port1 cxl_port',
      'region0 -',
      'root0 -',
    ]);
  });

  it('cxl_port: an endpoint whose probe fails (its schedule_detach action cannot be added) fails the memdev\'s probe with "endpoint2 failed probe"', async () => {
    const m = await booted([{ function: 'devm_add_action', match: 'schedule_detach', nth: 1 }]);
    const lines = dmesgText(m);
    expect(lines).to.include('cxl_mem mem0: endpoint2 failed probe');
    expect(lines.filter((l) => /^cxl_mem mem0: probe with driver cxl_mem/.test(l))).to.deep.equal(['cxl_mem mem0: probe with driver cxl_mem rejects match -6']);
    expect(cxlBus(m)).to.include.members(['mem0 -', 'mem1 cxl_mem', 'endpoint3 cxl_port']);
    expect(cxlBus(m).filter((l) => l.startsWith('endpoint2'))).to.deep.equal([]);
  });
});
