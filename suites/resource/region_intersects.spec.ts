// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import {
  DEFINE_RES_MEM_NAMED,
  IORES_DESC_CXL,
  IORES_DESC_NONE,
  IORES_DESC_RESERVED,
  IORES_DESC_SOFT_RESERVED,
  IORESOURCE_BUSY,
  IORESOURCE_MEM,
  IORESOURCE_SYSTEM_RAM,
  REGION_DISJOINT,
  REGION_INTERSECTS,
  REGION_MIXED,
  resource,
} from '../../framework/include/linux/ioport.js';
import type { Resources } from '../../framework/kernel/resource.js';
import { CXL_SIZE, CXL_START, makeFixture, SZ_128K, SZ_1G, SZ_1M, SZ_4K } from './fixture.js';

const PAGE_SIZE = SZ_4K;

describe('resource: REGION_* values', () => {
  it('are the ones of include/linux/mm.h (INTERSECTS is 0, so a truthiness test inverts them)', () => {
    expect([REGION_INTERSECTS, REGION_DISJOINT, REGION_MIXED]).to.deep.equal([0, 1, 2]);
  });
});

/*
 * The tree of kernel/resource_kunit.c's resource_test_region_intersects,
 * built the same way (requests and inserts under a parent that is then
 * removed, so everything ends up at the top of iomem), at a fixed base
 * instead of alloc_free_mem_region()'s choice:
 *
 *   BASE+0M..1M   Test System RAM 0
 *                 hole 0 (1M..2M)
 *   BASE+2M..3M   Test CXL Window 0
 *   BASE+3M..4M   Test System RAM 1
 *   BASE+4M..7M   Test CXL Window 1
 *     4M..5M        Test System RAM 2
 *       4M+128K..4M+256K  Test Code
 *     5M..6M        Test System RAM 3
 */
const RAM0 = 0;
const HOLE0 = RAM0 + SZ_1M;
const WIN0 = HOLE0 + SZ_1M;
const RAM1 = WIN0 + SZ_1M;
const WIN1 = RAM1 + SZ_1M;
const RAM2 = WIN1;
const CODE = RAM2 + SZ_128K;
const RAM3 = RAM2 + SZ_1M;
const TOTAL = WIN1 + 3 * SZ_1M;
const BASE = 4 * SZ_1G;

function kunitTree(res: Resources): void {
  const flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;
  const parent = DEFINE_RES_MEM_NAMED(BASE, TOTAL, 'test resources');
  expect(res.insert_resource(res.iomem_resource, parent)).to.equal(0);
  const request = (off: number, size: number, name: string): void => {
    expect(res.__request_region(parent, BASE + off, size, name, flags), name).to.not.equal(null);
  };
  const insert = (off: number, size: number, name: string, fl: number): void => {
    const r = new resource({ name, start: BASE + off, end: BASE + off + size - 1, flags: fl });
    expect(res.insert_resource(parent, r), name).to.equal(0);
  };
  request(RAM0, SZ_1M, 'Test System RAM 0');
  insert(WIN0, SZ_1M, 'Test CXL Window 0', IORESOURCE_MEM);
  request(RAM1, SZ_1M, 'Test System RAM 1');
  insert(WIN1, 3 * SZ_1M, 'Test CXL Window 1', IORESOURCE_MEM);
  request(RAM2, SZ_1M, 'Test System RAM 2');
  insert(CODE, SZ_128K, 'Test Code', flags);
  request(RAM3, SZ_1M, 'Test System RAM 3');
  expect(res.remove_resource(parent)).to.equal(0);
}

describe('resource: region_intersects (kernel/resource_kunit.c vectors)', () => {
  const vectors: Array<[string, number, number, number]> = [
    ['one page of RAM 0', RAM0, PAGE_SIZE, REGION_INTERSECTS],
    ['the last page of RAM 0 and the first of hole 0', RAM0 + SZ_1M - PAGE_SIZE, 2 * PAGE_SIZE, REGION_INTERSECTS],
    ['one page of hole 0', HOLE0, PAGE_SIZE, REGION_DISJOINT],
    ['the last page of hole 0 and the first of window 0', HOLE0 + SZ_1M - PAGE_SIZE, 2 * PAGE_SIZE, REGION_DISJOINT],
    ['the last page of window 0 and the first of RAM 1', WIN0 + SZ_1M - PAGE_SIZE, 2 * PAGE_SIZE, REGION_MIXED],
    ['the last page of RAM 1 and the first of window 1 (covered by RAM 2)', RAM1 + SZ_1M - PAGE_SIZE, 2 * PAGE_SIZE, REGION_INTERSECTS],
    ['the boundary of RAM 2 and RAM 3 inside window 1', RAM2 + SZ_1M - PAGE_SIZE, 2 * PAGE_SIZE, REGION_INTERSECTS],
    ['one page of the code nested in RAM 2', CODE, PAGE_SIZE, REGION_INTERSECTS],
    ['all of RAM 2 plus the first page of RAM 3', RAM2, SZ_1M + PAGE_SIZE, REGION_INTERSECTS],
    ['all of RAM 3 plus the uncovered page after it', RAM3, SZ_1M + PAGE_SIZE, REGION_MIXED],
  ];
  for (const [what, off, size, want] of vectors) {
    it(`${what}: ${['INTERSECTS', 'DISJOINT', 'MIXED'][want]}`, () => {
      const { res } = makeFixture();
      kunitTree(res);
      expect(res.region_intersects(BASE + off, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE)).to.equal(want);
    });
  }

  it('builds the kunit tree with the shape the kunit comment draws', () => {
    const { res } = makeFixture();
    kunitTree(res);
    expect(res.proc_iomem()).to.equal(
      [
        '100000000-1000fffff : Test System RAM 0',
        '100200000-1002fffff : Test CXL Window 0',
        '100300000-1003fffff : Test System RAM 1',
        '100400000-1006fffff : Test CXL Window 1',
        '  100400000-1004fffff : Test System RAM 2',
        '    100420000-10043ffff : Test Code',
        '  100500000-1005fffff : Test System RAM 3',
        '',
      ].join('\n'),
    );
  });
});

describe('resource: region_intersects with CXL windows (the hmem deferral check)', () => {
  function cxlTree(res: Resources): resource {
    const win = new resource({ name: 'CXL Window 0', start: CXL_START, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
    expect(res.insert_resource(res.iomem_resource, win)).to.equal(0);
    return win;
  }

  it('a range half in a window and half in empty space INTERSECTS', () => {
    const { res } = makeFixture();
    cxlTree(res);
    expect(res.region_intersects(CXL_START + CXL_SIZE - SZ_1M, 2 * SZ_1M, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_INTERSECTS);
  });

  it('a range half in a window and half in a non-CXL top-level resource is MIXED', () => {
    const { res } = makeFixture();
    cxlTree(res);
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(CXL_START + CXL_SIZE, SZ_1G, 'Reserved'));
    expect(res.region_intersects(CXL_START + CXL_SIZE - SZ_1M, 2 * SZ_1M, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_MIXED);
  });

  it('nothing, or only non-matching resources, is DISJOINT', () => {
    const { res } = makeFixture();
    expect(res.region_intersects(CXL_START, CXL_SIZE, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_DISJOINT);
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, 'Soft Reserved'));
    expect(res.region_intersects(CXL_START, CXL_SIZE, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_DISJOINT);
  });

  it('a window below a same-range non-CXL parent still counts when it covers the overlap (cover letter [3])', () => {
    const { res } = makeFixture();
    cxlTree(res);
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, 'Soft Reserved'));
    expect(res.iomem_resource.child!.name).to.equal('Soft Reserved');
    expect(res.region_intersects(CXL_START, CXL_SIZE, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_INTERSECTS);
  });

  it('a matching descendant that does not start at the overlap leaves the parent counted as other', () => {
    const { res } = makeFixture();
    res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(CXL_START, CXL_SIZE, 'Soft Reserved'));
    const tail = new resource({ name: 'CXL Window 0', start: CXL_START + SZ_1G, end: CXL_START + CXL_SIZE - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
    res.insert_resource(res.iomem_resource, tail);
    expect(tail.parent!.name).to.equal('Soft Reserved');
    expect(res.region_intersects(CXL_START, CXL_SIZE, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_MIXED);
    expect(res.region_intersects(CXL_START + SZ_1G, SZ_1G, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_INTERSECTS);
    expect(res.region_intersects(CXL_START, SZ_1G, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_DISJOINT);
  });

  it('regions requested inside a window inherit IORES_DESC_CXL and match as well', () => {
    const { res } = makeFixture();
    cxlTree(res);
    const region = res.request_mem_region(CXL_START, SZ_1G, 'region0')!;
    expect(region.desc).to.equal(IORES_DESC_CXL);
    expect(res.region_intersects(CXL_START, SZ_1G, IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_CXL)).to.equal(REGION_INTERSECTS);
  });

  it('needs every requested flag bit, and any desc matches IORES_DESC_NONE', () => {
    const { res } = makeFixture();
    res.insert_resource(res.iomem_resource, new resource({ name: 'Reserved', start: 0x1000, end: 0x1fff, flags: IORESOURCE_MEM, desc: IORES_DESC_RESERVED }));
    expect(res.region_intersects(0x1000, 0x1000, IORESOURCE_MEM, IORES_DESC_NONE)).to.equal(REGION_INTERSECTS);
    expect(res.region_intersects(0x1000, 0x1000, IORESOURCE_MEM, IORES_DESC_RESERVED)).to.equal(REGION_INTERSECTS);
    expect(res.region_intersects(0x1000, 0x1000, IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_NONE)).to.equal(REGION_DISJOINT);
    expect(res.region_intersects(0x1000, 0x1000, IORESOURCE_MEM, IORES_DESC_CXL)).to.equal(REGION_DISJOINT);
  });
});

describe('resource: the soft reserve tree', () => {
  function softReserve(res: Resources, start: number, size: number): resource {
    const sr = new resource({ name: 'Soft Reserved', start, end: start + size - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED });
    res.insert_resource_expand_to_fit(res.soft_reserve_resource, sr);
    return sr;
  }

  it('is a root of its own: Soft Reserved ranges there are not in /proc/iomem', () => {
    const { res } = makeFixture();
    expect(res.soft_reserve_resource.name).to.equal('Soft Reserved');
    expect(res.soft_reserve_resource.desc).to.equal(IORES_DESC_SOFT_RESERVED);
    softReserve(res, CXL_START, CXL_SIZE);
    expect(res.proc_iomem()).to.equal('');
    expect(res.proc_iomem(res.soft_reserve_resource)).to.equal('850000000-284fffffff : Soft Reserved\n');
  });

  it('region_intersects_soft_reserve looks only at that tree', () => {
    const { res } = makeFixture();
    softReserve(res, CXL_START, CXL_SIZE);
    expect(res.region_intersects_soft_reserve(CXL_START, CXL_SIZE)).to.equal(REGION_INTERSECTS);
    expect(res.region_intersects(CXL_START, CXL_SIZE, IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED)).to.equal(REGION_DISJOINT);
    res.insert_resource(res.iomem_resource, new resource({ name: 'Soft Reserved', start: 0x1000000, end: 0x1ffffff, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED }));
    expect(res.region_intersects_soft_reserve(0x1000000, 0x1000000)).to.equal(REGION_DISJOINT);
  });

  it('region_intersects_soft_reserve is MIXED when the range also meets a non-SR entry of that tree', () => {
    const { res } = makeFixture();
    softReserve(res, CXL_START, SZ_1G);
    res.insert_resource(res.soft_reserve_resource, DEFINE_RES_MEM_NAMED(CXL_START + SZ_1G, SZ_1G, 'other'));
    expect(res.region_intersects_soft_reserve(CXL_START, 2 * SZ_1G)).to.equal(REGION_MIXED);
    expect(res.region_intersects_soft_reserve(CXL_START, SZ_1G + SZ_1M)).to.equal(REGION_MIXED);
    expect(res.region_intersects_soft_reserve(CXL_START + 2 * SZ_1G, SZ_1G)).to.equal(REGION_DISJOINT);
  });
});
