// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { EBUSY, EINVAL } from '../../framework/include/errno.js';
import {
  DEFINE_RES_MEM_NAMED,
  DEFINE_RES_NAMED,
  IORESOURCE_BUSY,
  IORESOURCE_MEM,
  newResourceRoot,
  resource,
} from '../../framework/include/linux/ioport.js';
import { KernelOops } from '../../framework/kernel/panic.js';
import { renderResourceTree, resourcesUnder } from '../../framework/kernel/resource.js';
import { logText, makeFixture } from './fixture.js';

const mem = (start: number, end: number, name: string, flags = IORESOURCE_MEM): resource =>
  new resource({ start, end, name, flags });

describe('resource: request_resource / release_resource', () => {
  it('links a direct child, keeping siblings sorted by start', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const b = mem(0x3000, 0x3fff, 'b');
    const a = mem(0x1000, 0x1fff, 'a');
    const c = mem(0x5000, 0x5fff, 'c');
    expect(res.request_resource(root, b)).to.equal(0);
    expect(res.request_resource(root, c)).to.equal(0);
    expect(res.request_resource(root, a)).to.equal(0);
    expect(resourcesUnder(root).map((r) => r.name)).to.deep.equal(['a', 'b', 'c']);
    expect(a.sibling).to.equal(b);
    expect(b.sibling).to.equal(c);
    expect(c.sibling).to.equal(null);
    for (const r of [a, b, c]) expect(r.parent).to.equal(root);
  });

  it('fails with -EBUSY on any overlap; request_resource_conflict names the node in the way', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const a = mem(0x1000, 0x1fff, 'a');
    res.request_resource(root, a);
    const straddle = mem(0x1800, 0x27ff, 'straddle');
    expect(res.request_resource(root, straddle)).to.equal(-EBUSY);
    expect(res.request_resource_conflict(root, straddle)).to.equal(a);
    expect(straddle.parent).to.equal(null);
    expect(resourcesUnder(root)).to.deep.equal([a]);
  });

  it('never nests: a range inside an existing child conflicts with that child', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const window = mem(0x10000, 0x1ffff, 'CXL Window 0');
    res.request_resource(root, window);
    const inner = mem(0x10000, 0x17fff, 'region0');
    expect(res.request_resource_conflict(root, inner)).to.equal(window);
    expect(res.request_resource(root, inner)).to.equal(-EBUSY);
    expect(window.child).to.equal(null);
  });

  it('returns the root itself as the conflict for a range outside the root or with end < start', () => {
    const { res } = makeFixture();
    const io = res.ioport_resource;
    expect(res.request_resource_conflict(io, new resource({ start: 0xff00, end: 0x10000, name: 'too far', flags: 0x100 }))).to.equal(io);
    expect(res.request_resource_conflict(io, new resource({ start: 0x20, end: 0x10, name: 'backwards' }))).to.equal(io);
    expect(io.child).to.equal(null);
  });

  it('release_resource unlinks the node with its whole subtree, which stays attached to it', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const win = mem(0x10000, 0x1ffff, 'win');
    const after = mem(0x20000, 0x2ffff, 'after');
    res.request_resource(root, win);
    res.request_resource(root, after);
    const kid = mem(0x10000, 0x10fff, 'kid');
    res.request_resource(win, kid);
    expect(res.release_resource(win)).to.equal(0);
    expect(root.child).to.equal(after);
    expect(win.parent).to.equal(null);
    expect(win.child).to.equal(kid);
    expect(kid.parent).to.equal(win);
  });

  it('release_resource of a resource that was never inserted oopses on the NULL parent', () => {
    const f = makeFixture();
    expect(() => f.res.release_resource(mem(0, 0xfff, 'never'))).to.throw(KernelOops);
    expect(f.panic.warnings.map((w) => [w.kind, w.message])).to.deep.equal([
      // parent->child at offset 0x38 of NULL: KASAN's shadow check of that load faults first.
      ['oops', 'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000007: 0000 [#1] SMP KASAN NOPTI'],
    ]);
  });

  it('release_resource returns -EINVAL when the node is not among its parent\'s children', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const stray = mem(0x1000, 0x1fff, 'stray');
    stray.parent = root;
    expect(res.release_resource(stray)).to.equal(-EINVAL);
  });
});

describe('resource: insert_resource / remove_resource', () => {
  it('descends into a child that fully contains the new resource', () => {
    const { res } = makeFixture();
    const iomem = res.iomem_resource;
    const win = mem(0x850000000, 0x284fffffff, 'CXL Window 0');
    expect(res.insert_resource(iomem, win)).to.equal(0);
    const region = mem(0x850000000, 0x104fffffff, 'region0');
    expect(res.insert_resource(iomem, region)).to.equal(0);
    expect(region.parent).to.equal(win);
    expect(res.proc_iomem()).to.equal('850000000-284fffffff : CXL Window 0\n  850000000-104fffffff : region0\n');
  });

  it('adopts every child the new resource fully covers', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const a = mem(0x1000, 0x1fff, 'a');
    const b = mem(0x3000, 0x3fff, 'b');
    const c = mem(0x9000, 0x9fff, 'c');
    for (const r of [a, b, c]) res.request_resource(root, r);
    const big = mem(0x1000, 0x4fff, 'big');
    expect(res.insert_resource(root, big)).to.equal(0);
    expect(renderResourceTree(root)).to.equal(
      '00001000-00004fff : big\n  00001000-00001fff : a\n  00003000-00003fff : b\n00009000-00009fff : c\n',
    );
    expect(a.parent).to.equal(big);
    expect(b.parent).to.equal(big);
    expect(b.sibling).to.equal(null);
    expect(big.sibling).to.equal(c);
  });

  it('refuses a straddle with -EBUSY and leaves the tree alone; insert_resource_conflict returns the straddled node', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const a = mem(0x1000, 0x1fff, 'a');
    const b = mem(0x3000, 0x3fff, 'b');
    res.request_resource(root, a);
    res.request_resource(root, b);
    const before = renderResourceTree(root);
    const bad = mem(0x1000, 0x37ff, 'bad');
    expect(res.insert_resource_conflict(root, bad)).to.equal(b);
    expect(res.insert_resource(root, bad)).to.equal(-EBUSY);
    expect(renderResourceTree(root)).to.equal(before);
    expect(bad.parent).to.equal(null);
  });

  it('ignores IORESOURCE_BUSY: it adopts a busy range and descends into a busy container', () => {
    const { res } = makeFixture();
    const iomem = res.iomem_resource;
    const busy = res.request_mem_region(0x100000, 0x100000, 'dax0.0')!;
    expect(busy.flags & IORESOURCE_BUSY).to.not.equal(0);
    const over = mem(0x100000, 0x2fffff, 'over');
    expect(res.insert_resource(iomem, over)).to.equal(0);
    expect(busy.parent).to.equal(over);
    const inside = mem(0x140000, 0x17ffff, 'inside');
    expect(res.insert_resource(iomem, inside)).to.equal(0);
    expect(inside.parent).to.equal(busy);
  });

  it('for an identical range, the resource inserted later becomes the parent', () => {
    const { res, log } = makeFixture();
    const iomem = res.iomem_resource;
    const sr = DEFINE_RES_MEM_NAMED(0x850000000, 0x2000000000, 'Soft Reserved');
    const win = DEFINE_RES_MEM_NAMED(0x850000000, 0x2000000000, 'CXL Window 0');
    expect(res.insert_resource(iomem, sr)).to.equal(0);
    expect(res.insert_resource(iomem, win)).to.equal(0);
    expect(res.proc_iomem()).to.equal('850000000-284fffffff : CXL Window 0\n  850000000-284fffffff : Soft Reserved\n');
    expect(log.records).to.have.length(0);
  });

  it('WARNs on inserting the same object twice and reports it as the conflict', () => {
    const f = makeFixture();
    const a = mem(0x1000, 0x1fff, 'a');
    f.res.insert_resource(f.res.iomem_resource, a);
    expect(f.res.insert_resource_conflict(f.res.iomem_resource, a)).to.equal(a);
    expect(f.panic.warnings.map((w) => w.message)).to.deep.equal([
      'WARNING: kernel/resource.c:879 at __insert_resource, CPU#0: swapper/0/0',
    ]);
  });

  it('insert_resource_expand_to_fit grows over conflicts and retries, logging each expansion', () => {
    const f = makeFixture();
    const { res } = f;
    const iomem = res.iomem_resource;
    res.insert_resource(iomem, mem(0x1000, 0x2fff, 'left'));
    res.insert_resource(iomem, mem(0x4000, 0x5fff, 'right'));
    const grow = mem(0x2000, 0x4fff, 'grow');
    res.insert_resource_expand_to_fit(iomem, grow);
    expect([grow.start, grow.end]).to.deep.equal([0x1000, 0x5fff]);
    expect(res.proc_iomem()).to.equal(
      '00001000-00005fff : grow\n  00001000-00002fff : left\n  00004000-00005fff : right\n',
    );
    expect(logText(f)).to.deep.equal([
      'resource: Expanded resource grow due to conflict with left',
      'resource: Expanded resource grow due to conflict with right',
    ]);
    res.insert_resource_expand_to_fit(iomem, grow);
    expect(logText(f)).to.have.length(2);
  });

  it('remove_resource puts the children back where the removed node was', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const first = mem(0x0, 0xfff, 'first');
    const last = mem(0x9000, 0x9fff, 'last');
    res.request_resource(root, first);
    res.request_resource(root, last);
    const a = mem(0x2000, 0x2fff, 'a');
    const b = mem(0x4000, 0x4fff, 'b');
    res.request_resource(root, a);
    res.request_resource(root, b);
    const wrap = mem(0x2000, 0x4fff, 'wrap');
    res.insert_resource(root, wrap);
    expect(res.remove_resource(wrap)).to.equal(0);
    expect(resourcesUnder(root).map((r) => r.name)).to.deep.equal(['first', 'a', 'b', 'last']);
    expect(a.parent).to.equal(root);
    expect(b.sibling).to.equal(last);
    expect(wrap.parent).to.equal(null);
  });

  it('adjust_resource moves a node only within its parent and around its siblings and children', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const a = mem(0x1000, 0x1fff, 'a');
    const b = mem(0x4000, 0x4fff, 'b');
    res.request_resource(root, a);
    res.request_resource(root, b);
    const kid = mem(0x1800, 0x18ff, 'kid');
    res.request_resource(a, kid);
    expect(res.adjust_resource(a, 0x1000, 0x3000)).to.equal(0);
    expect(a.end).to.equal(0x3fff);
    expect(res.adjust_resource(a, 0x1000, 0x3001)).to.equal(-EBUSY);
    expect(res.adjust_resource(a, 0x1900, 0x100)).to.equal(-EBUSY);
    expect(res.adjust_resource(b, 0x3fff, 0x10)).to.equal(-EBUSY);
    expect([a.start, a.end]).to.deep.equal([0x1000, 0x3fff]);
  });

  it('lookup_resource matches top-level starts only', () => {
    const { res } = makeFixture();
    const root = newResourceRoot('test root');
    const top = DEFINE_RES_NAMED(0x1000, 0x1000, 'top', IORESOURCE_MEM);
    res.request_resource(root, top);
    res.request_resource(top, DEFINE_RES_NAMED(0x1800, 0x100, 'inner', IORESOURCE_MEM));
    expect(res.lookup_resource(root, 0x1000)).to.equal(top);
    expect(res.lookup_resource(root, 0x1800)).to.equal(null);
  });
});
