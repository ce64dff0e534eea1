// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import {
  DEFINE_RES_MEM_NAMED,
  IORES_DESC_CXL,
  IORES_DESC_SOFT_RESERVED,
  IORESOURCE_BUSY,
  IORESOURCE_MEM,
  IORESOURCE_SYSRAM_DRIVER_MANAGED,
  IORESOURCE_SYSTEM_RAM,
  newResourceRoot,
  resource,
} from '../../framework/include/linux/ioport.js';
import {
  findResourceByName,
  renderResourceTree,
  resourceAt,
  resourcePath,
  type Resources,
} from '../../framework/kernel/resource.js';
import { CXL_SIZE, CXL_START, makeFixture } from './fixture.js';

/** cxl_acpi publishing a window the way add_cxl_resources() does. */
function cxlWindow(res: Resources): resource {
  const win = new resource({ name: 'CXL Window 0', start: CXL_START, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
  res.insert_resource_expand_to_fit(res.iomem_resource, win);
  return win;
}

/** A region resource inserted under its root decoder's window. */
function cxlRegion(res: Resources, win: resource, name: string): resource {
  const r = DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, name);
  expect(res.insert_resource(win, r)).to.equal(0);
  return r;
}

/** hmem's (unmerged) 9/9: Soft Reserved published again in iomem. */
function softReservedIntoIomem(res: Resources): resource {
  const sr = new resource({ name: 'Soft Reserved', start: CXL_START, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED });
  expect(res.insert_resource(res.iomem_resource, sr)).to.equal(0);
  return sr;
}

/** dax_kmem: claim the range under the dax device's name, clear BUSY, then hot-add "System RAM (kmem)" inside it. */
function kmem(res: Resources, devname: string): void {
  const r = res.request_mem_region(CXL_START, CXL_SIZE, devname);
  expect(r, devname).to.not.equal(null);
  r!.flags = IORESOURCE_SYSTEM_RAM;
  const flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED;
  expect(res.__request_region(res.iomem_resource, CXL_START, CXL_SIZE, 'System RAM (kmem)', flags)).to.not.equal(null);
}

describe('resource: /proc/iomem rendering', () => {
  it('cover letter [1] CXL owns: window > region0 > dax0.0 > System RAM (kmem)', () => {
    const { res } = makeFixture();
    const win = cxlWindow(res);
    cxlRegion(res, win, 'region0');
    kmem(res, 'dax0.0');
    expect(res.proc_iomem()).to.equal(
      '850000000-284fffffff : CXL Window 0\n' +
        '  850000000-284fffffff : region0\n' +
        '    850000000-284fffffff : dax0.0\n' +
        '      850000000-284fffffff : System RAM (kmem)\n',
    );
  });

  it('cover letter [2] CXL_REGION=n: Soft Reserved inserted before the window ends up below it', () => {
    const { res } = makeFixture();
    softReservedIntoIomem(res);
    cxlWindow(res);
    kmem(res, 'dax0.0');
    expect(res.proc_iomem()).to.equal(
      '850000000-284fffffff : CXL Window 0\n' +
        '  850000000-284fffffff : Soft Reserved\n' +
        '    850000000-284fffffff : dax0.0\n' +
        '      850000000-284fffffff : System RAM (kmem)\n',
    );
  });

  it('cover letter [3] assembly failure: Soft Reserved inserted after the window ends up on top', () => {
    const { res } = makeFixture();
    const win = cxlWindow(res);
    cxlRegion(res, win, 'region0');
    softReservedIntoIomem(res);
    kmem(res, 'dax6.0');
    expect(res.proc_iomem()).to.equal(
      '850000000-284fffffff : Soft Reserved\n' +
        '  850000000-284fffffff : CXL Window 0\n' +
        '    850000000-284fffffff : region0\n' +
        '      850000000-284fffffff : dax6.0\n' +
        '        850000000-284fffffff : System RAM (kmem)\n',
    );
  });

  it('pads to at least 8 lower-case hex digits and prints <BAD> for a nameless resource', () => {
    const { res } = makeFixture();
    res.insert_resource(res.iomem_resource, new resource({ start: 0, end: 0xfff, flags: IORESOURCE_MEM }));
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(0xabc000, 0x1000, 'Reserved'));
    expect(res.proc_iomem()).to.equal('00000000-00000fff : <BAD>\n00abc000-00abcfff : Reserved\n');
  });

  it('indents at most five levels', () => {
    const { res } = makeFixture();
    for (let i = 0; i < 7; i++) res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(0x1000 * (i + 1), 0x10000 - 0x2000 * i, `L${i}`));
    const lines = res.proc_iomem().split('\n').slice(0, -1);
    expect(lines.map((l) => l.length - l.trimStart().length)).to.deep.equal([0, 2, 4, 6, 8, 10, 10]);
    expect(resourcePath(findResourceByName(res.iomem_resource, 'L6')!)).to.deep.equal(['L0', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6']);
  });

  it('shows zeros to a reader without CAP_SYS_ADMIN', () => {
    const { res } = makeFixture();
    cxlWindow(res);
    expect(res.proc_iomem(res.iomem_resource, false)).to.equal('00000000-00000000 : CXL Window 0\n');
  });

  it('is empty for an empty tree and leaves the Soft Reserved tree out', () => {
    const { res } = makeFixture();
    expect(res.proc_iomem()).to.equal('');
    res.insert_resource(res.soft_reserve_resource, new resource({ name: 'Soft Reserved', start: CXL_START, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED }));
    expect(res.proc_iomem()).to.equal('');
  });

  it('renders private roots too, optionally with the root line and flags', () => {
    const { res } = makeFixture();
    const daxRegions = newResourceRoot('DAX Regions');
    const dr = new resource({ name: 'hmem.6', start: CXL_START, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM | 0x2 });
    expect(res.request_resource(daxRegions, dr)).to.equal(0);
    expect(renderResourceTree(daxRegions)).to.equal('850000000-284fffffff : hmem.6\n');
    expect(renderResourceTree(daxRegions, { withRoot: true, details: true })).to.equal(
      '00000000-1fffffffffffff : DAX Regions [flags 0x200 desc 0]\n' + '  850000000-284fffffff : hmem.6 [flags 0x202 desc 0]\n',
    );
  });

  it('answers who owns an address: the deepest resource containing it', () => {
    const { res } = makeFixture();
    const win = cxlWindow(res);
    cxlRegion(res, win, 'region0');
    kmem(res, 'dax0.0');
    expect(resourcePath(resourceAt(res.iomem_resource, CXL_START + 0x1000)!)).to.deep.equal([
      'CXL Window 0', 'region0', 'dax0.0', 'System RAM (kmem)',
    ]);
    expect(resourceAt(res.iomem_resource, CXL_START - 1)).to.equal(null);
  });
});
