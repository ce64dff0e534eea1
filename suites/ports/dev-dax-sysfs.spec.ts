// SPDX-License-Identifier: GPL-2.0-only
/**
 * The sysfs attributes of a dev_dax (drivers/dax/bus.c dax_attribute_groups,
 * the groups of dev_dax_type): what `cat /sys/bus/dax/devices/daxX.Y/...`
 * prints after a boot, that they go with device_del(), and that a failure
 * to create them fails device_add() and with it devm_create_dev_dax().
 */
import { expect } from 'chai';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import { CXL_ACPI_EARLY, MODULAR, SR, coverLetter, lines, run, shippedScenario, sysfsCat, sysfsLs } from './fixture.js';

const scenario = shippedScenario;
const cat = sysfsCat;
const ls = sysfsLs;

describe('ports: dax bus sysfs attributes of a dev_dax', () => {
  it('mainline modular boot: dax0.0 shows the 128 GiB of dax_region0 (size in decimal), target_node 1, resource 0x850000000, align 2097152, numa_node -1, modalias dax:t0', async () => {
    const r = await scenario('mainline-modular.json');
    const k = r.machine!.kernel;
    const dax = '/sys/bus/dax/devices/dax0.0';
    const [region] = r.result.daxRegions;
    const regionSize = String(BigInt(region!.end) - BigInt(region!.start) + 1n);
    expect(regionSize).to.equal('137438953472');

    expect(cat(k, `${dax}/size`)).to.equal(regionSize);
    expect(cat(k, `${dax}/size`)).to.equal(cat(k, `/sys/bus/cxl/devices/dax_region0/dax_region/size`));
    // dax_cxl's region takes the node of the Soft Reserved range ("nid": 1 in the scenario).
    expect(cat(k, `${dax}/target_node`)).to.equal('1');
    expect(cat(k, `${dax}/resource`)).to.equal('0x850000000');
    expect(cat(k, `${dax}/align`)).to.equal('2097152');
    // No device above dax0.0 (dax_region0, region0, decoder0.0, root0, ACPI0017:00) has a node to pass down.
    expect(cat(k, `${dax}/numa_node`)).to.equal('-1');
    expect(cat(k, `${dax}/modalias`)).to.equal('dax:t0');
    expect(cat(k, `${dax}/memmap_on_memory`)).to.equal('1');
    // mapping is write-only (DEVICE_ATTR_WO): listed, but cat cannot read it.
    expect(cat(k, `${dax}/mapping`)).to.equal(null);
    // mapping0 is the child device of the range (devm_register_dax_mapping(), suites/ports/dax-mapping.spec.ts).
    expect(ls(k, dax)).to.deep.equal(['align', 'driver', 'mapping', 'mapping0', 'memmap_on_memory', 'modalias', 'numa_node', 'resource', 'size', 'subsystem', 'target_node']);
  });

  it('an HMEM dax device (mainline built-in): target_node 1 from the range, numa_node 0 from hmem.1 (node 1 has no CPU, so not online), memmap_on_memory 0', async () => {
    const r = await scenario('mainline-builtin.json');
    const k = r.machine!.kernel;
    const dax = '/sys/bus/dax/devices/dax1.0';
    expect(cat(k, `${dax}/size`)).to.equal('137438953472');
    expect(cat(k, `${dax}/target_node`)).to.equal('1');
    expect(cat(k, `${dax}/numa_node`)).to.equal('0');
    expect(cat(k, `${dax}/resource`)).to.equal('0x850000000');
    expect(cat(k, `${dax}/memmap_on_memory`)).to.equal('0');
  });

  it('every version of bus.c (base, v7/4, v8/1, v8/6, mainline) gives dax devices their size, resource and target_node', async () => {
    for (const tree of ['base', 'v7/4', 'v8/1', 'v8/6', 'mainline']) {
      const r = await run(coverLetter(tree, { config: { ...MODULAR, CXL_REGION: 'y' }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly: 'commit' }] }));
      const k = r.machine!.kernel;
      const devs = ls(k, '/sys/bus/dax/devices');
      expect(devs, tree).to.have.length(1);
      const dax = `/sys/bus/dax/devices/${devs![0]}`;
      expect(cat(k, `${dax}/size`), tree).to.equal('137438953472');
      expect(cat(k, `${dax}/resource`), tree).to.equal(SR.start);
      expect(cat(k, `${dax}/target_node`), tree).to.equal('1');
    }
  });

  it('the attributes go with the device: after modprobe -r dax_cxl, device_del() has removed the groups of dax0.0 and /sys/bus/dax/devices is empty', async () => {
    const r = await scenario('mainline-modular.json', ['boot', 'modprobe -r dax_cxl']);
    const k = r.machine!.kernel;
    expect(lines(r, 'unregister_dev_dax')).to.deep.equal(['kmem dax0.0: unregister_dev_dax']);
    const dev = k.base.core.allDevices.find((d) => d.name === 'dax0.0')!;
    expect(dev.state_in_sysfs).to.equal(false);
    expect(k.sysfs.attributes(dev)).to.deep.equal([]);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('sysfs_create_groups() failing for dax0.0: device_add() fails, dax_cxl\'s probe fails with -12, and everything is undone (no dax device, no region, no leak, no WARN)', async () => {
    const SYSFS_FAILS: FaultRule[] = [{ function: 'sysfs_create_groups', match: 'dax0.0' }];
    const r = await scenario('mainline-modular.json', undefined, SYSFS_FAILS);
    const k = r.machine!.kernel;
    expect(lines(r, 'FAULT_INJECTION')).to.deep.equal(['FAULT_INJECTION: forcing a failure of sysfs_create_groups(dax0.0): -12']);
    expect(lines(r, "bus: 'dax': add device")).to.deep.equal([]);
    expect(lines(r, 'probe with driver cxl_dax_region failed')).to.deep.equal(['cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12']);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    // device_add() took the directory it had made away again (kobject_del on its error path).
    expect(ls(k, '/sys/bus/cxl/devices/dax_region0')).to.deep.equal(['subsystem']);
    const dev = k.base.core.allDevices.find((d) => d.name === 'dax0.0')!;
    // put_device() after the failed device_add() ran dev_dax_release(): the id went back to the region.
    expect(dev.released).to.equal(true);
    expect(dev.kref).to.equal(0);
    expect(k.sysfs.attributes(dev)).to.deep.equal([]);
    expect(r.result.daxRegions).to.deep.equal([]);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);

    // The failed device_add() dropped its reference on the parent: dax_region0 goes entirely when cxl_acpi does.
    const gone = await scenario('mainline-modular.json', ['boot', 'modprobe -r cxl_acpi'], SYSFS_FAILS);
    const parent = gone.machine!.kernel.base.core.allDevices.find((d) => d.name === 'dax_region0')!;
    expect(parent.released).to.equal(true);
    expect(gone.result.leaks).to.deep.equal([]);
    expect(gone.result.warnings).to.deep.equal([]);
  });

  it('the kzalloc() of the dev_dax failing: devm_create_dev_dax() returns -ENOMEM before any id or device exists, dax_cxl\'s probe fails with -12, nothing leaks', async () => {
    const r = await scenario('mainline-modular.json', undefined, [{ function: 'kmalloc', match: 'dev_dax' }]);
    const k = r.machine!.kernel;
    expect(lines(r, 'FAULT_INJECTION')).to.deep.equal(['FAULT_INJECTION: forcing a failure of kmalloc(dev_dax): -12']);
    expect(lines(r, 'probe with driver cxl_dax_region failed')).to.deep.equal(['cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12']);
    expect(k.base.core.allDevices.filter((d) => d.name?.startsWith('dax0.') === true)).to.deep.equal([]);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });
});
