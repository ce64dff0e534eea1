// SPDX-License-Identifier: GPL-2.0-only
/**
 * The mocked CXL port hierarchy when cxl_acpi goes and comes back
 * (scenarios/cxl-acpi-unload-mainline.json: boot with region0 committed,
 * modprobe -r dax_cxl, modprobe -r cxl_acpi, modprobe dax_hmem, whose
 * init loads cxl_acpi again). What the kernel does, and these tests hold
 * the mocks to:
 *
 * - removing the root port's host first unregisters region0 (the action
 *   devm_cxl_add_region() put on the root port's uport_dev is its newest),
 *   whose unbind takes dax_region0 with it;
 * - then it takes port1 down, and port1's devres
 *   takes the endpoints down (devm_cxl_add_endpoint() gets the parent port
 *   as its host); the endpoints' unbind queues detach_memdev(), which
 *   unbinds cxl_mem from the memdevs, and cxl_acpi's exit drains that work;
 * - the cxl_acpi loaded again rescans the cxl bus, so cxl_mem probes the
 *   memdevs afresh and the decoders the BIOS committed assemble region0
 *   again;
 * - every reference is dropped: the endpoints' device_add() references on
 *   port1 with their device_del(), and those cxl_endpoint_autoremove()
 *   takes with delete_endpoint();
 * - ids are given back and taken again: ports from cxl_port_ida, decoders
 *   from their port's decoder_ida, regions from the memregion ids, so the
 *   names after the reload are those of the boot.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Machine } from '../../framework/machine.js';
import { runScenario } from '../../harness/run.js';
import { parseScenario, type Scenario } from '../../harness/scenario.js';
import { bootedMachine, cxlBus, dmesgText, modprobeOk } from '../helpers/cxl-machine.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FILE = `${ROOT}scenarios/cxl-acpi-unload-mainline.json`;

function scenario(steps?: string[]): Scenario {
  const text = readFileSync(FILE, 'utf8');
  return parseScenario(steps === undefined ? text : JSON.stringify({ ...JSON.parse(text), steps }), FILE, {});
}

/** The scenario's machine booted, with dax_cxl and then cxl_acpi removed. */
async function unloaded(): Promise<Machine> {
  const m = await bootedMachine(scenario());
  await modprobeOk(m, 'dax_cxl', true);
  await modprobeOk(m, 'cxl_acpi', true);
  return m;
}

const BOOT = [
  'dax_region0 -',
  'decoder0.0 -',
  'decoder2.0 -',
  'decoder3.0 -',
  'endpoint2 cxl_port',
  'endpoint3 cxl_port',
  'mem0 cxl_mem',
  'mem1 cxl_mem',
  'port1 cxl_port',
  'region0 cxl_region',
  'root0 -',
];

describe('cxl mocks: cxl_acpi removed and loaded again', () => {
  it('modprobe -r cxl_acpi takes down port1 with the endpoints below it and detaches mem0 and mem1 from cxl_mem; the reloaded cxl_acpi\'s rescan probes them again and region0 commits again', async () => {
    const m = await unloaded();
    expect(cxlBus(m)).to.deep.equal(['mem0 -', 'mem1 -']);
    // Nothing of cxl_mem or cxl_port holds a memdev: what is left is cxl_pci's registration and the cxl bus's and the PCI device's lists.
    for (const md of ['mem0', 'mem1']) expect(m.kernel.base.core.allDevices.find((d) => d.name === md && d.state_in_sysfs)!.kref, md).to.equal(3);

    await modprobeOk(m, 'dax_hmem', false);
    // dax_region0's uevent loads dax_cxl again (udev), which binds it.
    expect(cxlBus(m)).to.deep.equal(BOOT.map((l) => (l === 'dax_region0 -' ? 'dax_region0 cxl_dax_region' : l)));
    const dmesg = dmesgText(m);
    expect(dmesg.filter((l) => l === "cxl_region region0: driver: 'cxl_region': driver_bound: bound to device")).to.have.length(2);
    expect(dmesg.filter((l) => /^cxl_mem mem[01]: endpoint[23] added to port1$/.test(l))).to.deep.equal([
      'cxl_mem mem0: endpoint2 added to port1',
      'cxl_mem mem1: endpoint3 added to port1',
      'cxl_mem mem0: endpoint2 added to port1',
      'cxl_mem mem1: endpoint3 added to port1',
    ]);
  });

  it('modprobe -r cxl_acpi tears down newest first: region0 (and dax_region0 with its cxl_region unbind), then port1 with the endpoints below it, each with its decoder, then decoder0.0 and root0', async () => {
    const m = await unloaded();
    const removed = dmesgText(m).filter((l) => l.startsWith("bus: 'cxl': remove device")).map((l) => l.split(' ').pop());
    expect(removed).to.deep.equal(['region0', 'dax_region0', 'port1', 'endpoint3', 'decoder3.0', 'endpoint2', 'decoder2.0', 'decoder0.0', 'root0']);
  });

  it('no reference is left behind: port1, the endpoints and the root decoder are released when cxl_acpi goes, and the run reports no leak', async () => {
    const m = await unloaded();
    const gone = m.kernel.base.core.allDevices.filter((d) => !d.state_in_sysfs && d.bus?.name === 'cxl');
    expect(gone.map((d) => `${d.name} kref=${d.kref} released=${d.released}`).sort()).to.deep.equal(
      ['dax_region0', 'decoder0.0', 'decoder2.0', 'decoder3.0', 'endpoint2', 'endpoint3', 'port1', 'region0', 'root0'].map((n) => `${n} kref=0 released=true`),
    );
    expect(m.kernel.leaks()).to.deep.equal([]);

    const r = await runScenario(scenario());
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('the reload names everything as the boot did: root0, decoder0.0 (the root port\'s first decoder), port1, endpoint2 with decoder2.0, region0, endpoint3 with decoder3.0', async () => {
    const m = await unloaded();
    await modprobeOk(m, 'dax_hmem', false);
    const dmesg = dmesgText(m);
    const added = dmesg.filter((l) => /^device: '(root|decoder|port|endpoint|region)[0-9.]+': device_add$/.test(l)).map((l) => l.split("'")[1]);
    // At boot and in the rescan alike, endpoint2 is added and probed (constructing region0) under port1's device lock before endpoint3 is added.
    expect(added).to.deep.equal([
      ...['root0', 'decoder0.0', 'port1', 'endpoint2', 'decoder2.0', 'region0', 'endpoint3', 'decoder3.0'],
      ...['root0', 'decoder0.0', 'port1', 'endpoint2', 'decoder2.0', 'region0', 'endpoint3', 'decoder3.0'],
    ]);
    const r = await runScenario(scenario());
    expect(r.result.daxRegions.map((d) => d.path)).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
  });

  it('modprobe -r cxl_pci: each memdev takes its endpoint down with it (delete_endpoint), the first decoder to go detaches region0 (and its dax_region0), and no reference is left, none of them taken by cxl_port', async () => {
    const r = await runScenario(scenario(['boot', 'modprobe -r cxl_pci']));
    expect(r.steps!.map((s) => s.exit)).to.deep.equal([0]);
    const removed = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, '')).filter((l) => l.startsWith("bus: 'cxl': remove device"));
    // bus_remove_device() prints before it releases the driver, and cxl_mem's release deletes the endpoint. decoder3.0's
    // cxld_unregister() detaches it from the committed region0, which loses its driver (and dax_region0) before the decoder goes.
    expect(removed).to.deep.equal([
      "bus: 'cxl': remove device mem1",
      "bus: 'cxl': remove device endpoint3",
      "bus: 'cxl': remove device dax_region0",
      "bus: 'cxl': remove device decoder3.0",
      "bus: 'cxl': remove device mem0",
      "bus: 'cxl': remove device endpoint2",
      "bus: 'cxl': remove device decoder2.0",
    ]);
    // region0 stays registered, uncommitted and without targets, until cxl_acpi goes.
    expect(r.machine!.kernel.base.core.allDevices.filter((d) => d.name === 'region0' && d.state_in_sysfs).map((d) => d.driver)).to.deep.equal([null]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('cxl_core goes last (modprobe -r cxl_pci after cxl_acpi): cxl_core_exit() unregisters cxl_region before the cxl bus, so nothing of the freed module is left registered, and a later modprobe cxl_pci registers the bus afresh', async () => {
    const r = await runScenario(scenario(['boot', 'modprobe -r dax_cxl', 'modprobe -r cxl_acpi', 'modprobe -r cxl_pci', 'modprobe cxl_pci']));
    expect(r.steps!.map((s) => s.exit)).to.deep.equal([0, 0, 0, 0]);
    expect(r.result.warnings).to.deep.equal([]);
    const dmesg = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
    const bus = dmesg.filter((l) => /^bus: 'cxl': (remove driver|unregistering|registered)/.test(l));
    expect(bus.slice(-5)).to.deep.equal([
      "bus: 'cxl': remove driver cxl_mem",
      "bus: 'cxl': remove driver cxl_port",
      "bus: 'cxl': remove driver cxl_region",
      "bus: 'cxl': unregistering",
      "bus: 'cxl': registered",
    ]);
    // Without cxl_acpi the memdevs have no port to attach to.
    expect(dmesg.filter((l) => l.endsWith('CXL port topology not found'))).to.deep.equal(['cxl_mem mem0: CXL port topology not found', 'cxl_mem mem1: CXL port topology not found']);
  });
});
