// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import {
  DEFINE_RES_MEM_NAMED,
  IORES_DESC_CXL,
  IORES_DESC_DEVICE_PRIVATE_MEMORY,
  IORES_DESC_NONE,
  IORESOURCE_BUSY,
  IORESOURCE_IO,
  IORESOURCE_MEM,
  IORESOURCE_SYSRAM,
  IORESOURCE_SYSRAM_DRIVER_MANAGED,
  IORESOURCE_SYSTEM_RAM,
  newResourceRoot,
  resource,
} from '../../framework/include/linux/ioport.js';
import { resourcePath } from '../../framework/kernel/resource.js';
import { vsprintf } from '../../framework/lib/vsprintf.js';
import { CXL_SIZE, CXL_START, logText, makeFixture } from './fixture.js';

describe('resource: __request_region / __release_region', () => {
  it('creates a BUSY node with the type, extended type and desc of the parent it lands in', () => {
    const { res } = makeFixture();
    const win = new resource({ start: CXL_START, end: CXL_START + CXL_SIZE - 1, name: 'CXL Window 0', flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
    res.insert_resource(res.iomem_resource, win);
    const r = res.request_mem_region(CXL_START, CXL_SIZE, 'region0')!;
    expect(r).to.be.instanceOf(resource);
    expect(r.parent).to.equal(win);
    expect(r.flags >>> 0).to.equal((IORESOURCE_MEM | IORESOURCE_BUSY) >>> 0);
    expect(r.desc).to.equal(IORES_DESC_CXL);
    expect(r.name).to.equal('region0');

    const ram = new resource({ start: 0x100000, end: 0x1fffff, name: 'System RAM', flags: IORESOURCE_SYSTEM_RAM });
    res.insert_resource(res.iomem_resource, ram);
    const kernel = res.request_mem_region(0x100000, 0x1000, 'Kernel code')!;
    expect(kernel.flags >>> 0).to.equal((IORESOURCE_MEM | IORESOURCE_SYSRAM | IORESOURCE_BUSY) >>> 0);
    expect(kernel.desc).to.equal(IORES_DESC_NONE);
  });

  it('descends through several non-BUSY levels to the innermost container', () => {
    const { res } = makeFixture();
    const iomem = res.iomem_resource;
    res.insert_resource(iomem, DEFINE_RES_MEM_NAMED(0x10000000, 0x10000000, 'outer'));
    res.insert_resource(iomem, DEFINE_RES_MEM_NAMED(0x10000000, 0x1000000, 'middle'));
    res.insert_resource(iomem, DEFINE_RES_MEM_NAMED(0x10000000, 0x100000, 'inner'));
    const r = res.request_mem_region(0x10001000, 0x1000, 'leaf')!;
    expect(resourcePath(r)).to.deep.equal(['outer', 'middle', 'inner', 'leaf']);
  });

  it('returns NULL on a BUSY conflict and on a straddle, leaving the tree unchanged', () => {
    const { res } = makeFixture();
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(0x100000, 0x100000, 'container'));
    const busy = res.request_mem_region(0x100000, 0x10000, 'busy')!;
    const before = res.proc_iomem();
    expect(res.request_mem_region(0x108000, 0x1000, 'inside busy')).to.equal(null);
    expect(res.request_mem_region(0x1ff000, 0x2000, 'straddles container')).to.equal(null);
    expect(res.request_mem_region(0x100000, 0x10000, 'same as busy')).to.equal(null);
    expect(res.proc_iomem()).to.equal(before);
    expect(busy.parent!.name).to.equal('container');
  });

  it('request_mem_region and release_mem_region round-trip through a non-BUSY container', () => {
    const f = makeFixture();
    const { res } = f;
    const win = DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, 'CXL Window 0');
    res.insert_resource(res.iomem_resource, win);
    expect(res.request_mem_region(CXL_START, CXL_SIZE, 'region0')).to.not.equal(null);
    res.release_mem_region(CXL_START, CXL_SIZE);
    expect(win.child).to.equal(null);
    expect(res.proc_iomem()).to.equal('850000000-284fffffff : CXL Window 0\n');
    expect(logText(f)).to.deep.equal([]);
  });

  it('warns "Trying to free nonexistent resource" unless the BUSY range matches exactly', () => {
    const f = makeFixture();
    const { res } = f;
    res.request_mem_region(0x850000000, 0x1000, 'busy');
    res.release_mem_region(0x850000000, 0x800);
    res.release_mem_region(0x850000000, 0x2000);
    res.release_mem_region(0x900000000, 0x1000);
    expect(logText(f)).to.deep.equal([
      'resource: Trying to free nonexistent resource <0x0000000850000000-0x00000008500007ff>',
      'resource: Trying to free nonexistent resource <0x0000000850000000-0x0000000850001fff>',
      'resource: Trying to free nonexistent resource <0x0000000900000000-0x0000000900000fff>',
    ]);
    expect(f.log.records.every((r) => r.level === 4)).to.equal(true);
    expect(res.proc_iomem()).to.equal('850000000-850000fff : busy\n');
  });

  it('does not free a non-BUSY resource of the exact range', () => {
    const f = makeFixture();
    const win = DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, 'CXL Window 0');
    f.res.insert_resource(f.res.iomem_resource, win);
    f.res.release_mem_region(CXL_START, CXL_SIZE);
    expect(win.parent).to.equal(f.res.iomem_resource);
    expect(logText(f)).to.deep.equal([
      'resource: Trying to free nonexistent resource <0x0000000850000000-0x000000284fffffff>',
    ]);
  });

  it('works on private roots and on the ioport root', () => {
    const { res } = makeFixture();
    const hmem = newResourceRoot('HMEM devices');
    const r = res.__request_region(hmem, CXL_START, CXL_SIZE, 'hmem', 0)!;
    expect(r.parent).to.equal(hmem);
    expect(res.__request_region(hmem, CXL_START, CXL_SIZE, 'hmem', 0)).to.equal(null);
    res.__release_region(hmem, CXL_START, CXL_SIZE);
    expect(hmem.child).to.equal(null);
    const port = res.request_region(0x3f8, 8, 'serial')!;
    expect(res.proc_ioports()).to.equal('03f8-03ff : serial\n');
    res.release_region(0x3f8, 8);
    expect(port.parent).to.equal(null);
  });

  it('passes caller flags through (memory hotplug marks kmem\'s RAM as driver managed)', () => {
    const { res } = makeFixture();
    const flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED;
    const r = res.__request_region(res.iomem_resource, CXL_START, CXL_SIZE, 'System RAM (kmem)', flags)!;
    expect(r.flags >>> 0).to.equal((flags | IORESOURCE_BUSY) >>> 0);
  });

  it('can be made to fail by fault injection, for the named caller only', () => {
    const f = makeFixture();
    f.faults.add({ function: '__request_region', match: 'dax0.0' });
    expect(f.res.request_mem_region(CXL_START, 0x1000, 'dax0.0')).to.equal(null);
    expect(f.res.iomem_resource.child).to.equal(null);
    expect(f.res.request_mem_region(CXL_START, 0x1000, 'dax1.0')).to.not.equal(null);
    expect(logText(f)).to.deep.equal(['FAULT_INJECTION: forcing a failure of __request_region(dax0.0): -12']);
  });

  it('warns about a conflict with device-private memory before failing', () => {
    const f = makeFixture();
    const priv = new resource({
      start: 0x1000000, end: 0x1ffffff, name: 'hmm', flags: (IORESOURCE_MEM | IORESOURCE_BUSY) >>> 0,
      desc: IORES_DESC_DEVICE_PRIVATE_MEMORY,
    });
    f.res.request_resource(f.res.iomem_resource, priv);
    expect(f.res.request_mem_region(0x1000000, 0x1000, 'victim')).to.equal(null);
    expect(logText(f)).to.deep.equal([
      'resource: Unaddressable device hmm [mem 0x01000000-0x01ffffff] conflicts with [mem 0x01000000-0x01000fff]',
    ]);
  });

  it('warns about device-private memory only among iomem\'s top-level resources, not in another tree', () => {
    const f = makeFixture();
    const root = new resource({ start: 0, end: -1, name: 'HMEM devices', flags: IORESOURCE_MEM });
    const priv = new resource({
      start: 0x1000000, end: 0x1ffffff, name: 'hmm', flags: (IORESOURCE_MEM | IORESOURCE_BUSY) >>> 0,
      desc: IORES_DESC_DEVICE_PRIVATE_MEMORY,
    });
    f.res.request_resource(root, priv);
    expect(f.res.__request_region(root, 0x1000000, 0x1000, 'victim', 0)).to.equal(null);
    expect(logText(f)).to.deep.equal([]);
  });
});

describe('%pR and %pr (lib/vsprintf.c resource_string)', () => {
  it('pads the type to four characters: "[io  0x0070-0x0077]", "[mem 0x01000000-0x01ffffff]"; %pr adds the flags', () => {
    expect(vsprintf('%pR', [{ start: 0x70, end: 0x77, flags: IORESOURCE_IO }])).to.equal('[io  0x0070-0x0077]');
    expect(vsprintf('%pR', [{ start: 0x1000000, end: 0x1ffffff, flags: IORESOURCE_MEM }])).to.equal('[mem 0x01000000-0x01ffffff]');
    expect(vsprintf('%pr', [{ start: 0x70, end: 0x77, flags: IORESOURCE_IO }])).to.equal('[io  0x0070-0x0077 flags 0x100]');
  });

  it('a resource of no known type is "??? " and shows its flags even with %pR', () => {
    expect(vsprintf('%pR', [{ start: 0x1000, end: 0x1fff, flags: 0 }])).to.equal('[??? 0x00001000-0x00001fff flags 0x0]');
  });
});
