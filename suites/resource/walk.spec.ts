// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { EINVAL } from '../../framework/include/errno.js';
import {
  DEFINE_RES_MEM_NAMED,
  IORES_DESC_CXL,
  IORES_DESC_NONE,
  IORES_DESC_SOFT_RESERVED,
  IORESOURCE_BUSY,
  IORESOURCE_MEM,
  resource,
} from '../../framework/include/linux/ioport.js';
import type { Resources } from '../../framework/kernel/resource.js';
import { makeFixture, SZ_1G } from './fixture.js';

interface Seen {
  start: number;
  end: number;
  name: string | null;
  desc: number;
  parent: string | null;
}

function seen(list: Seen[]) {
  return (r: resource, arg: Seen[]): number => {
    arg.push({ start: r.start, end: r.end, name: r.name, desc: r.desc, parent: r.parent?.name ?? null });
    expect(arg).to.equal(list);
    return 0;
  };
}

function cxl(start: number, size: number, name: string): resource {
  return new resource({ name, start, end: start + size - 1, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
}

/** Two windows, the first under a non-CXL "Reserved" range, the second with a nested CXL child. */
function tree(res: Resources): void {
  res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(0x10 * SZ_1G, 4 * SZ_1G, 'Reserved'));
  res.insert_resource(res.iomem_resource, cxl(0x11 * SZ_1G, SZ_1G, 'CXL Window 0'));
  res.insert_resource(res.iomem_resource, cxl(0x20 * SZ_1G, 2 * SZ_1G, 'CXL Window 1'));
  res.insert_resource(res.iomem_resource, cxl(0x20 * SZ_1G, SZ_1G, 'nested'));
  res.insert_resource(res.iomem_resource, DEFINE_RES_MEM_NAMED(0x30 * SZ_1G, SZ_1G, 'System RAM'));
}

describe('resource: walk_iomem_res_desc / walk_soft_reserve_res', () => {
  it('visits matching resources at any depth in address order, as clipped nameless copies', () => {
    const { res } = makeFixture();
    tree(res);
    const list: Seen[] = [];
    const ret = res.walk_iomem_res_desc(IORES_DESC_CXL, IORESOURCE_MEM, 0x11 * SZ_1G + 0x1000, 0x21 * SZ_1G, list, seen(list));
    expect(ret).to.equal(0);
    expect(list).to.deep.equal([
      { start: 0x11 * SZ_1G + 0x1000, end: 0x12 * SZ_1G - 1, name: null, desc: IORES_DESC_CXL, parent: 'Reserved' },
      { start: 0x20 * SZ_1G, end: 0x21 * SZ_1G, name: null, desc: IORES_DESC_CXL, parent: 'PCI mem' },
    ]);
  });

  it('does not report a matching resource nested in one already reported', () => {
    const { res } = makeFixture();
    tree(res);
    const names: string[] = [];
    res.walk_iomem_res_desc(IORES_DESC_CXL, IORESOURCE_MEM, 0, -1, null, (r) => {
      names.push(`${r.start.toString(16)}-${r.end.toString(16)}`);
      return 0;
    });
    expect(names).to.deep.equal(['440000000-47fffffff', '800000000-87fffffff']);
  });

  it('with IORES_DESC_NONE reports each top-level MEM range once, hiding what lies below it', () => {
    const { res } = makeFixture();
    tree(res);
    const starts: number[] = [];
    res.walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, -1, null, (r) => {
      starts.push(r.start / SZ_1G);
      return 0;
    });
    expect(starts).to.deep.equal([0x10, 0x20, 0x30]);
  });

  it('stops at the first non-zero return and returns it', () => {
    const { res } = makeFixture();
    tree(res);
    let calls = 0;
    const ret = res.walk_iomem_res_desc(IORES_DESC_CXL, IORESOURCE_MEM, 0, -1, null, () => {
      calls++;
      return 7;
    });
    expect([ret, calls]).to.deep.equal([7, 1]);
  });

  it('returns -EINVAL when nothing matches or the range is empty', () => {
    const { res } = makeFixture();
    tree(res);
    const never = (): number => {
      throw new Error('must not be called');
    };
    expect(res.walk_iomem_res_desc(IORES_DESC_CXL, IORESOURCE_MEM | IORESOURCE_BUSY, 0, -1, null, never)).to.equal(-EINVAL);
    expect(res.walk_iomem_res_desc(IORES_DESC_SOFT_RESERVED, IORESOURCE_MEM, 0, -1, null, never)).to.equal(-EINVAL);
    expect(res.walk_iomem_res_desc(IORES_DESC_CXL, IORESOURCE_MEM, 0x11 * SZ_1G, 0x11 * SZ_1G, null, never)).to.equal(-EINVAL);
  });

  it('returns the last callback result, 0, after a full walk', () => {
    const { res } = makeFixture();
    tree(res);
    expect(res.walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, 0, -1, null, () => 0)).to.equal(0);
  });

  it('walk_soft_reserve_res walks only the soft reserve tree, and callers cannot change it through the copy', () => {
    const { res } = makeFixture();
    const sr0 = new resource({ name: 'Soft Reserved', start: 0x850000000, end: 0x284fffffff, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED });
    const sr1 = new resource({ name: 'Soft Reserved', start: 0x4000000000, end: 0x403fffffff, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED });
    res.insert_resource_expand_to_fit(res.soft_reserve_resource, sr1);
    res.insert_resource_expand_to_fit(res.soft_reserve_resource, sr0);
    res.insert_resource(res.iomem_resource, new resource({ name: 'Soft Reserved', start: 0x100000, end: 0x1fffff, flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED }));
    const got: Array<[number, number]> = [];
    const ret = res.walk_soft_reserve_res(0, -1, got, (r, arg) => {
      arg.push([r.start, r.end]);
      expect(r.parent).to.equal(res.soft_reserve_resource);
      // The walk resumes after the copy's end, so only the other fields are scribbled on.
      r.start = 0;
      r.flags = 0;
      r.desc = 0;
      return 0;
    });
    expect(ret).to.equal(0);
    expect(got).to.deep.equal([
      [0x850000000, 0x284fffffff],
      [0x4000000000, 0x403fffffff],
    ]);
    expect([sr0.start, sr0.end, sr0.flags, sr0.desc]).to.deep.equal([0x850000000, 0x284fffffff, IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED]);
  });

  it('walk_soft_reserve_res skips entries of that tree without IORES_DESC_SOFT_RESERVED', () => {
    const { res } = makeFixture();
    res.insert_resource(res.soft_reserve_resource, DEFINE_RES_MEM_NAMED(0x850000000, SZ_1G, 'not SR'));
    expect(res.walk_soft_reserve_res(0, -1, null, () => 1)).to.equal(-EINVAL);
  });
});
