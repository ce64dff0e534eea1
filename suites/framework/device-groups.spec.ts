// SPDX-License-Identifier: GPL-2.0-only
/**
 * Attribute groups in the device core (drivers/base/core.c): device_add()
 * creates the groups of dev->type, then dev->groups (device_add_attrs()),
 * device_del() removes them (device_remove_attrs()), and a failure to
 * create them unwinds device_add() through its error labels. Also the
 * numa_node a child takes from its parent in device_add().
 */
import { expect } from 'chai';
import { ENOMEM } from '../../framework/include/errno.js';
import { bus_type, device, NUMA_NO_NODE } from '../../framework/include/linux/device.js';
import { DEVICE_ATTR_RO, DEVICE_ATTR_WO, type attribute_group } from '../../framework/fs/sysfs.js';
import { boot, grep, Recorder, runInit } from './fixture.js';

const type_group: attribute_group = { attrs: [DEVICE_ATTR_RO('kind', () => 'typed\n')] };
const dev_group: attribute_group = {
  name: 'extra',
  attrs: [DEVICE_ATTR_RO('shown', () => '1\n'), DEVICE_ATTR_RO('hidden', () => '2\n'), DEVICE_ATTR_WO('poke')],
  is_visible: (_kobj, a) => (a.name === 'hidden' ? 0 : a.mode),
};

function typedDevice(name: string, rec: Recorder, parent: device | null = null): device {
  const dev = new device();
  dev.init_name = name;
  dev.parent = parent;
  dev.type = { name: 'test_type', groups: [type_group], release: rec.release(name) };
  dev.groups = [dev_group];
  return dev;
}

describe('driver core: attribute groups of device_add() and device_del()', () => {
  it('device_add() creates the type groups, then dev->groups; is_visible() hides an attribute; device_del() removes them all', async () => {
    const k = boot();
    const rec = new Recorder();
    const dev = typedDevice('grouped', rec);
    k.api.device_initialize(dev);
    await runInit(k, async () => {
      expect(await k.api.device_add(dev)).to.equal(0);
    });
    expect(k.sysfs.groupsOf(dev)).to.deep.equal([type_group, dev_group]);
    // A write-only attribute is listed, and cannot be read.
    expect(k.sysfs.attributes(dev)).to.deep.equal([
      ['kind', 'typed'],
      ['extra/shown', '1'],
      ['extra/poke', null],
    ]);

    await runInit(k, async () => {
      await k.api.device_unregister(dev);
    });
    expect(k.sysfs.attributes(dev)).to.deep.equal([]);
    expect(rec.events).to.deep.equal(['release grouped']);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('sysfs_create_groups() failing for dev->groups: device_add() removes the type groups, leaves sysfs and the bus, drops the parent and returns the error; the caller\'s put_device() frees the device', async () => {
    const k = boot();
    const rec = new Recorder();
    const bus = new bus_type('test');
    expect(k.api.bus_register(bus)).to.equal(0);
    const parent = new device();
    parent.init_name = 'parent';
    parent.release = rec.release('parent');
    const dev = typedDevice('failing', rec, parent);
    dev.bus = bus;
    // The first call for the device creates the type groups, the second dev->groups.
    k.faults.add({ function: 'sysfs_create_groups', match: 'failing', nth: 2 });
    const uevents: string[] = [];
    k.base.ueventListeners.push((action, d) => uevents.push(`${action} ${k.api.dev_name(d)}`));

    let rc = 0;
    await runInit(k, async () => {
      expect(await k.api.device_register(parent)).to.equal(0);
      k.api.device_initialize(dev);
      rc = await k.api.device_add(dev);
    });
    expect(rc).to.equal(-ENOMEM);
    expect(grep(k, 'FAULT_INJECTION')).to.deep.equal(['FAULT_INJECTION: forcing a failure of sysfs_create_groups(failing): -12']);
    expect(k.sysfs.groupsOf(dev)).to.deep.equal([]);
    expect(dev.state_in_sysfs).to.equal(false);
    expect(parent.p!.children).to.not.include(dev);
    expect(bus.p!.devices).to.not.include(dev);
    expect(grep(k, "bus: 'test': add device failing")).to.deep.equal([]);
    // The platform_error label: a "remove" uevent for the directory that goes; no "add" was sent.
    expect(uevents).to.deep.equal(['add parent', 'remove failing']);
    expect(parent.kref).to.equal(1);
    expect(dev.kref).to.equal(1);
    expect(dev.p).to.equal(null);

    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release failing']);
    expect(k.leaks()).to.deep.equal([]);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('sysfs_create_groups() failing for the type groups: nothing is created and device_add() returns the error', async () => {
    const k = boot();
    const rec = new Recorder();
    const dev = typedDevice('typefail', rec);
    k.faults.add({ function: 'sysfs_create_groups', match: 'typefail', nth: 1 });
    let rc = 0;
    await runInit(k, async () => {
      k.api.device_initialize(dev);
      rc = await k.api.device_add(dev);
    });
    expect(rc).to.equal(-ENOMEM);
    expect(k.sysfs.groupsOf(dev)).to.deep.equal([]);
    expect(k.base.core.rootChildren).to.not.include(dev);
    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release typefail']);
    expect(k.leaks()).to.deep.equal([]);
  });

  it('a device without a node takes its parent\'s numa_node in device_add(); one with a node keeps it', async () => {
    const k = boot();
    const rec = new Recorder();
    const parent = new device();
    parent.init_name = 'node1';
    parent.release = rec.release('node1');
    parent.numa_node = 1;
    const inherits = typedDevice('inherits', rec, parent);
    const keeps = typedDevice('keeps', rec, parent);
    keeps.numa_node = 0;
    const top = typedDevice('top', rec);
    await runInit(k, async () => {
      expect(await k.api.device_register(parent)).to.equal(0);
      expect(await k.api.device_register(inherits)).to.equal(0);
      expect(await k.api.device_register(keeps)).to.equal(0);
      expect(await k.api.device_register(top)).to.equal(0);
    });
    expect([inherits.numa_node, keeps.numa_node, top.numa_node]).to.deep.equal([1, 0, NUMA_NO_NODE]);
  });
});
