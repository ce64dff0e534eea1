// SPDX-License-Identifier: GPL-2.0-only
/**
 * KASAN's slab-use-after-free report (mm/kasan/report.c) for an access a
 * port checks with kasan_check_read()/kasan_check_write() after kfree():
 * the access, the stack from the faulting function, who allocated and who
 * freed the object, and where in the object the access fell.
 */
import { expect } from 'chai';
import { machineWith, testModule } from '../module/fixture.js';
import type { Machine } from '../../framework/machine.js';

class widget {
  id = 0;
}

/** A module whose init allocates a 48-byte widget, frees it, then reads 8 bytes at offset 16 (and writes 4 at 0 if `write`). */
function uafModule(write: boolean) {
  return testModule({
    name: 'uaf',
    body: (k) => {
      const { kzalloc, kfree, kasan_check_read, kasan_check_write } = k;
      function widget_alloc(): widget {
        return kzalloc(() => new widget(), 48)!;
      }
      function widget_release(w: widget): void {
        kfree(w);
      }
      function widget_use(w: widget): boolean {
        return write ? kasan_check_write(w, 4) : kasan_check_read(w, 8, 16);
      }
      return {
        init: async () => {
          const w = widget_alloc();
          expect(widget_use(w)).to.equal(true);
          widget_release(w);
          expect(widget_use(w)).to.equal(false);
          return 0;
        },
        exit: () => {},
      };
    },
  });
}

async function load(write: boolean, keepStacks: boolean): Promise<Machine> {
  const m = machineWith([uafModule(write)], {}, { scheduler: { blockStacks: keepStacks } });
  await m.bootToIdle();
  m.rootfs.realRootMounted = true;
  expect((await m.userModprobe('uaf')).exit).to.equal(0);
  return m;
}

const text = (m: Machine): string[] => m.kernel.dmesg().map((l) => l.replace(/^\[[ \d.]+\] /, ''));

describe('KASAN: slab-use-after-free after kfree()', () => {
  it('reports the read, the faulting function and its callers, the allocating and the freeing task with their stacks, and the object', async () => {
    const m = await load(false, true);
    const d = text(m);
    const from = d.indexOf('BUG: KASAN: slab-use-after-free in widget_use');
    expect(from).to.be.above(0);
    const report = d.slice(from - 1, d.indexOf('==================================================================', from) + 1);
    const pid = m.kernel.panic.warnings[0]!.pid;
    expect(report[0]).to.equal('==================================================================');
    // The object's address depends on what the boot allocated before it; the read is 16 bytes into it.
    const object = /^The buggy address belongs to the object at (ffff8881[0-9a-f]{8})$/.exec(report.at(-6)!)![1]!;
    const at = (off: number): string => `ffff8881${(parseInt(object.slice(8), 16) + off).toString(16).padStart(8, '0')}`;
    expect(report[2]).to.equal(`Read of size 8 at addr ${at(0x10)} by task modprobe/${pid}`);
    expect(report).to.include.members(['Call Trace:', ' dump_stack_lvl', ' print_report', ' kasan_report', ' widget_use']);
    const alloc = report.indexOf(`Allocated by task ${pid}:`);
    const freed = report.indexOf(`Freed by task ${pid}:`);
    expect(alloc).to.be.above(report.indexOf(' </TASK>'));
    expect(report.slice(alloc + 1, alloc + 6)).to.deep.equal([' kasan_save_stack', ' kasan_save_track', ' __kasan_kmalloc', ' __kmalloc_cache_noprof', ' widget_alloc']);
    expect(freed).to.be.above(alloc);
    expect(report.slice(freed + 1, freed + 7)).to.deep.equal([' kasan_save_stack', ' kasan_save_track', ' kasan_save_free_info', ' __kasan_slab_free', ' kfree', ' widget_release']);
    // A 48-byte struct comes from kmalloc-64; the read is 16 bytes in.
    expect(report.slice(-6)).to.deep.equal([
      `The buggy address belongs to the object at ${object}`,
      ' which belongs to the cache kmalloc-64 of size 64',
      'The buggy address is located 16 bytes inside of',
      ` freed 64-byte region [${object}, ${at(0x40)})`,
      '',
      '==================================================================',
    ]);
    expect(d[d.indexOf(report.at(-1)!, from) + 1]).to.equal('Disabling lock debugging due to kernel taint');
    expect(m.kernel.panic.warnings.map((w) => [w.kind, w.function, w.message])).to.deep.equal([['kasan', 'widget_use', 'BUG: KASAN: slab-use-after-free in widget_use']]);
  });

  it('says Write for a store, and, when the run keeps no stacks (the explorer), "(stack is not available)" under each task', async () => {
    const m = await load(true, false);
    const d = text(m);
    const pid = m.kernel.panic.warnings[0]!.pid;
    const object = d.find((l) => l.startsWith('The buggy address belongs to the object at '))!.slice(-16);
    expect(d).to.include(`Write of size 4 at addr ${object} by task modprobe/${pid}`);
    const alloc = d.indexOf(`Allocated by task ${pid}:`);
    expect(d.slice(alloc, alloc + 6)).to.deep.equal([`Allocated by task ${pid}:`, '(stack is not available)', '', `Freed by task ${pid}:`, '(stack is not available)', '']);
  });

  it('an access to an object that was not freed, or not allocated with kzalloc(), is fine', async () => {
    const m = machineWith([]);
    const { kzalloc, kasan_check_read } = m.kernel.api;
    expect(kasan_check_read(kzalloc(() => new widget())!, 8)).to.equal(true);
    expect(kasan_check_read(new widget(), 8)).to.equal(true);
    expect(m.kernel.panic.warnings).to.deep.equal([]);
  });
});
