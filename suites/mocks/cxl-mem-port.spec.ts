// SPDX-License-Identifier: GPL-2.0-only
/**
 * The mocked cxl_mem, cxl_port and cxl_acpi held to the control flow of
 * their C (7.0):
 *
 * - cxl_mem_probe() takes the device lock of the endpoint's parent port and
 *   adds the endpoint only while cxl_port is bound to that port; otherwise
 *   "CXL port topology %s not enabled" and -ENXIO (drivers/cxl/mem.c).
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
import type { Machine } from '../../framework/machine.js';
import { machineFor, resolveConfig } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { Firmware } from '../../mocks/platform/firmware.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FILE = `${ROOT}scenarios/cxl-acpi-unload-mainline.json`;

async function booted(): Promise<Machine> {
  const s = parseScenario(readFileSync(FILE, 'utf8'), FILE, {});
  const m = machineFor(s, resolveConfig(s.tree, s.config).values);
  m.get(Firmware).apply();
  expect((await m.bootToIdle({ initramfs: s.initramfs })).status).to.equal('idle');
  return m;
}

/** Devices registered on the cxl bus, "name driver" (or "name -" when unbound), sorted by name. */
function cxlBus(m: Machine): string[] {
  return m.kernel.base.core.allDevices
    .filter((d) => d.state_in_sysfs && d.bus?.name === 'cxl')
    .map((d) => `${d.name} ${d.driver?.name ?? '-'}`)
    .sort();
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

function dmesg(m: Machine): string[] {
  return m.kernel.dmesg().map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
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
    const before = dmesg(m).length;
    await sh(m, async () => {
      await dd.device_attach(cxlDev(m, 'mem0'));
    });
    const lines = dmesg(m).slice(before);
    expect(lines).to.include('cxl_mem mem0: CXL port topology port1 not enabled');
    expect(lines.filter((l) => / added to port1$/.test(l))).to.deep.equal([]);
    expect(cxlBus(m)).to.include.members(['mem0 -', 'port1 -']);
    expect(cxlBus(m).filter((l) => l.startsWith('endpoint'))).to.deep.equal([]);
    expect(m.kernel.leaks()).to.deep.equal([]);
  });
});
