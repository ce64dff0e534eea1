// SPDX-License-Identifier: GPL-2.0-only
/**
 * The mapping%d children of a dev_dax (drivers/dax/bus.c
 * devm_register_dax_mapping(), dax_mapping_type, unregister_dax_mapping(),
 * dax_mapping_release()): __devm_create_dev_dax() gives the first range of
 * a dev_dax created with a size the device daxX.Y/mapping0, whose start,
 * end and page_offset show that range; it holds a reference on its dev_dax
 * and goes, by a devres action of the region's parent, before the dev_dax
 * does.
 */
import { expect } from 'chai';
import { formatSysfs } from '../../cli/sysfs.js';
import type { device } from '../../framework/include/linux/device.js';
import { ENXIO } from '../../framework/include/errno.js';
import type { Kernel } from '../../framework/kernel.js';
import { to_dax_mapping, to_dev_dax } from '../../drivers/dax/dax-private.h.js';
import { CXL_ACPI_EARLY, MODULAR, SR, coverLetter, lines, run, shippedScenario, sysfsCat, sysfsLs } from './fixture.js';

const scenario = shippedScenario;
const cat = sysfsCat;
const ls = sysfsLs;

/** Every device ever initialised under `name` (a device struct is not reused: a new one per registration). */
function devices(k: Kernel, name: string): device[] {
  return k.base.core.allDevices.filter((d) => d.name === name);
}

describe('ports: dax bus mapping devices (daxX.Y/mappingN)', () => {
  it('mainline modular boot: dax0.0/mapping0 exists, a child of dax0.0 on no bus, added after dax0.0; start and end are the range of dax0.0 (0x850000000, 0x284fffffff), page_offset 0x0', async () => {
    const r = await scenario('mainline-modular.json');
    const k = r.machine!.kernel;
    const dax = '/sys/bus/dax/devices/dax0.0';

    expect(ls(k, dax)).to.include('mapping0');
    expect(ls(k, `${dax}/mapping0`)).to.deep.equal(['end', 'page_offset', 'start']);
    expect(cat(k, `${dax}/mapping0/start`)).to.equal(SR.start);
    expect(cat(k, `${dax}/mapping0/start`)).to.equal(cat(k, `${dax}/resource`));
    expect(cat(k, `${dax}/mapping0/end`)).to.equal(SR.end);
    const [region] = r.result.daxRegions;
    expect(cat(k, `${dax}/mapping0/end`)).to.equal(region!.end);
    // The first range starts the device's page offsets. The kernel's %#lx prints a zero as "0x0";
    // kshim's vsprintf prints "0" (no prefix for zero, as glibc): compare the number.
    expect(cat(k, `${dax}/mapping0/page_offset`)).to.equal('0x0');

    // dax_mapping_type has no bus: the device is only in /sys/devices, below dax0.0.
    const [mapping] = devices(k, 'mapping0');
    expect(mapping!.bus).to.equal(null);
    expect(mapping!.parent!.name).to.equal('dax0.0');
    expect(k.base.core.sysfsPath(mapping!)).to.equal('platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0/dax0.0/mapping0');
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal(['dax0.0']);
    // range 0 points at its mapping, and the mapping back at range 0.
    const dev_dax = to_dev_dax(mapping!.parent!);
    expect(dev_dax.nr_range).to.equal(1);
    expect(dev_dax.ranges[0]!.mapping).to.equal(to_dax_mapping(mapping!));
    expect(to_dax_mapping(mapping!).range_id).to.equal(0);

    // device_add() of the child after that of dax0.0, from __devm_create_dev_dax() once dax0.0 is registered.
    const adds = lines(r, "': device_add").filter((l) => /'(dax0\.0|mapping0)'/.test(l));
    expect(adds).to.deep.equal(["device: 'dax0.0': device_add", "device: 'mapping0': device_add"]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('an HMEM dax device (mainline built-in): dax1.0/mapping0 shows 0x850000000-0x284fffffff, and kshim run --show sysfs lists it under dax1.0', async () => {
    const r = await scenario('mainline-builtin.json');
    const k = r.machine!.kernel;
    const dax = '/sys/bus/dax/devices/dax1.0';
    expect(cat(k, `${dax}/mapping0/start`)).to.equal('0x850000000');
    expect(cat(k, `${dax}/mapping0/end`)).to.equal('0x284fffffff');
    expect(cat(k, `${dax}/mapping0/page_offset`)).to.equal('0x0');
    const text = formatSysfs(k).split('\n');
    const at = text.indexOf('          mapping0/');
    expect(at).to.be.greaterThan(0);
    expect(text.slice(at + 1, at + 4)).to.deep.equal(['            start: 0x850000000', '            end: 0x284fffffff', `            page_offset: ${cat(k, `${dax}/mapping0/page_offset`)}`]);
  });

  it('every version of bus.c (base, v7/4, v8/1, v8/6, mainline) gives its dax device mapping0 with the range', async () => {
    for (const tree of ['base', 'v7/4', 'v8/1', 'v8/6', 'mainline']) {
      const r = await run(coverLetter(tree, { config: { ...MODULAR, CXL_REGION: 'y' }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly: 'commit' }] }));
      const k = r.machine!.kernel;
      const devs = ls(k, '/sys/bus/dax/devices');
      expect(devs, tree).to.have.length(1);
      const dax = `/sys/bus/dax/devices/${devs![0]}`;
      expect(ls(k, `${dax}/mapping0`), tree).to.deep.equal(['end', 'page_offset', 'start']);
      expect(cat(k, `${dax}/mapping0/start`), tree).to.equal(SR.start);
      expect(cat(k, `${dax}/mapping0/end`), tree).to.equal(SR.end);
      expect(r.result.leaks, tree).to.deep.equal([]);
    }
  });

  it('modprobe -r dax_cxl: unregister_dax_mapping runs before unregister_dev_dax (devres, newest first), mapping0 is gone and released, and so is dax0.0: no reference leaks', async () => {
    const r = await scenario('mainline-modular.json', ['boot', 'modprobe -r dax_cxl']);
    const k = r.machine!.kernel;
    const teardown = lines(r, 'unregister_');
    expect(teardown).to.deep.equal([' mapping0: unregister_dax_mapping', 'kmem dax0.0: unregister_dev_dax']);

    const [mapping] = devices(k, 'mapping0');
    expect(mapping!.state_in_sysfs).to.equal(false);
    expect(k.sysfs.attributes(mapping!)).to.deep.equal([]);
    // device_unregister() dropped the last reference: dax_mapping_release() ran, and put the dev_dax.
    expect(mapping!.kref).to.equal(0);
    expect(mapping!.released).to.equal(true);
    // unregister_dax_mapping() detached it from its range first: a show() reaching it now fails with -ENXIO.
    expect(to_dax_mapping(mapping!).range_id).to.equal(-1);
    const start = mapping!.type!.groups![0]!.attrs.find((a) => a.attr.name === 'start')!;
    expect(start.attr.mode).to.equal(0o400);
    expect(start.show!(mapping!, start)).to.equal(-ENXIO);
    const [dax] = devices(k, 'dax0.0');
    expect(dax!.kref).to.equal(0);
    expect(dax!.released).to.equal(true);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('modprobe -r kmem unbinds dax0.0 but does not unregister it: mapping0 stays, with its range', async () => {
    const r = await scenario('mainline-modular.json', ['boot', 'modprobe -r kmem']);
    const k = r.machine!.kernel;
    const dax = '/sys/bus/dax/devices/dax0.0';
    expect(lines(r, 'unregister_')).to.deep.equal([]);
    expect(ls(k, dax)).to.include('mapping0');
    expect(ls(k, dax)).to.not.include('driver');
    expect(cat(k, `${dax}/mapping0/start`)).to.equal(SR.start);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('the kzalloc() of the mapping failing: devm_create_dev_dax() returns -ENOMEM after dax0.0 was added, dax_cxl\'s probe fails with -12 and its devres takes dax0.0 away again; nothing leaks', async () => {
    const r = await scenario('mainline-modular.json', undefined, [{ function: 'kmalloc', match: 'dax_mapping' }]);
    const k = r.machine!.kernel;
    expect(lines(r, 'FAULT_INJECTION')).to.deep.equal(['FAULT_INJECTION: forcing a failure of kmalloc(dax_mapping): -12']);
    expect(lines(r, "device: 'mapping0'")).to.deep.equal([]);
    expect(lines(r, 'probe with driver cxl_dax_region failed')).to.deep.equal(['cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12']);
    // The probe failure releases the devres of dax_region0: unregister_dev_dax, with no mapping before it
    // (kmem's asynchronous probe of dax0.0 has not run yet, so the bus name prefixes the line).
    expect(lines(r, 'unregister_')).to.deep.equal(['dax dax0.0: unregister_dev_dax']);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    expect(devices(k, 'dax0.0').every((d) => d.released)).to.equal(true);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('device_add() of mapping0 failing (its groups cannot be created): put_device() runs dax_mapping_release(), which puts dax0.0; the probe fails with -12 and nothing leaks', async () => {
    const r = await scenario('mainline-modular.json', undefined, [{ function: 'sysfs_create_groups', match: 'mapping0' }]);
    const k = r.machine!.kernel;
    expect(lines(r, 'FAULT_INJECTION')).to.deep.equal(['FAULT_INJECTION: forcing a failure of sysfs_create_groups(mapping0): -12']);
    expect(lines(r, 'probe with driver cxl_dax_region failed')).to.deep.equal(['cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12']);
    const [mapping] = devices(k, 'mapping0');
    expect(mapping!.state_in_sysfs).to.equal(false);
    expect(mapping!.released).to.equal(true);
    expect(devices(k, 'dax0.0').every((d) => d.released)).to.equal(true);
    expect(ls(k, '/sys/bus/dax/devices')).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });
});
