// SPDX-License-Identifier: GPL-2.0-only
/**
 * A NULL pointer dereference in kernel code is an oops, not the end of the
 * simulation. kshim's kernel has KASAN, so a port that reads or writes
 * through null faults in the KASAN check of the access (the general
 * protection fault of a non-canonical shadow address, with KASAN's
 * "null-ptr-deref" line; arch/x86/kernel/traps.c die_addr()); calling a
 * function pointer that is not set is the page-fault oops of an instruction
 * fetch (arch/x86/mm/fault.c). Either way a recorded 'oops' warning names
 * the faulting function and the source line, and only the faulting task
 * dies (kernel/exit.c make_task_dead()).
 */
import { expect } from 'chai';
import { TaskCrash } from '../../framework/sim/scheduler.js';
import { describeCrash } from '../../cli/errors.js';
import type { device } from '../../framework/include/linux/device.js';
import type { platform_device } from '../../framework/drivers/base/platform.js';
import { boot, pdev, pdrv, Recorder, runInit, texts, warningsOf, type Kernel } from './fixture.js';

interface mri_t {
  range: { start: number };
}

/** The lines of the oops, from its first line (the general protection fault's Oops line, or the page fault's BUG line) to the end marker. */
function oopsLines(k: Kernel): string[] {
  const lines = texts(k);
  const start = lines.findIndex((l) => l.startsWith('Oops: general protection fault') || l.startsWith('BUG: kernel NULL pointer dereference'));
  expect(start, 'the first line of the oops').to.be.greaterThan(-1);
  return lines.slice(start, lines.indexOf('---[ end trace 0000000000000000 ]---', start) + 1);
}

/** Register a platform driver whose probe is `probe`, then its device, as PID 1. */
async function probeWith(k: Kernel, probe: (pdev: platform_device) => Promise<number>, rec?: Recorder) {
  return await runInit(k, async function dax_hmem_init() {
    if (rec) {
      k.spawn('bystander', 'kthread', async () => {
        await k.api.msleep(1);
        rec.push('bystander ran');
      });
    }
    await k.api.platform_driver_register(pdrv('hmem', probe));
    await k.api.platform_device_register(pdev('hmem', 0));
    rec?.push('PID 1 went on');
  });
}

describe('a NULL pointer dereference in a port oopses the task that made it', () => {
  it('reading through NULL in a probe: KASAN\'s check faults on the shadow of address 0 (general protection fault, "KASAN: null-ptr-deref"), RIP at the probe, the probe path as call trace, no CR2', async () => {
    const k = boot();
    const o = await probeWith(k, async function dax_hmem_probe(pdev) {
      const mri = pdev.dev.platform_data as mri_t | null;
      return mri!.range.start;
    });
    expect(o.status).to.equal('idle');
    const lines = oopsLines(k);
    expect(lines.slice(0, 2)).to.deep.equal([
      'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN NOPTI',
      'KASAN: null-ptr-deref in range [0x0000000000000000-0x0000000000000007]',
    ]);
    expect(lines[2]).to.match(/^CPU: 0 UID: 0 PID: 1 Comm: swapper\/0 /);
    expect(lines).to.include('RIP: 0010:dax_hmem_probe');
    // An x86 oops prints the modules after the call trace (__die_body: show_regs, then print_modules); a general protection fault has no CR2.
    expect(lines.indexOf('Modules linked in:'), '"Modules linked in:" right after </TASK>').to.equal(lines.indexOf(' </TASK>') + 1);
    expect(lines[lines.indexOf('Modules linked in:') + 1]).to.equal('---[ end trace 0000000000000000 ]---');
    const trace = lines.slice(lines.indexOf(' <TASK>') + 1, lines.indexOf(' </TASK>')).map((l) => l.trim());
    expect(trace.slice(0, 3)).to.deep.equal(['platform_probe', 'call_driver_probe', 'really_probe']);
    const [w] = warningsOf(k, 'oops');
    expect(w!.function).to.equal('dax_hmem_probe');
    expect(w!.text).to.match(/^TypeError: Cannot read properties of null \(reading 'range'\) \(suites\/framework\/null-deref-oops\.spec\.ts:\d+\)$/);
  });

  it('the faulting task dies and the others run on: PID 1 never returns from the probe, a bystander kthread still runs', async () => {
    const k = boot();
    const rec = new Recorder();
    const o = await probeWith(
      k,
      async function dax_hmem_probe(pdev) {
        return (pdev.dev.platform_data as mri_t | null)!.range.start;
      },
      rec,
    );
    expect(o.status).to.equal('idle');
    expect(rec.events).to.deep.equal(['bystander ran']);
    expect(k.sched.allTasks()[0]!.state).to.equal('dead');
  });

  it('writing through NULL is the same KASAN general protection fault (stores are checked too); calling a NULL function pointer is not instrumented: the page fault of an instruction fetch (0x0010)', async () => {
    const w = boot();
    await probeWith(w, async function dax_hmem_probe(pdev) {
      (pdev.dev.platform_data as mri_t | null)!.range = { start: 0 };
      return 0;
    });
    expect(oopsLines(w).slice(0, 2)).to.deep.equal(['Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN NOPTI', 'KASAN: null-ptr-deref in range [0x0000000000000000-0x0000000000000007]']);

    const x = boot();
    await probeWith(x, async function dax_hmem_probe() {
      const ops: { notify?: () => number } = {};
      return ops.notify!();
    });
    expect(oopsLines(x).slice(1, 5)).to.deep.equal(['#PF: supervisor instruction fetch in kernel mode', '#PF: error_code(0x0010) - not-present page', 'PGD 0 P4D 0 ', 'Oops: Oops: 0010 [#1] SMP KASAN NOPTI']);
    expect(warningsOf(x, 'oops').map((o) => o.function)).to.deep.equal(['dax_hmem_probe']);
  });

  it('a NULL dereference inside kshim\'s own code (framework/) stays a crash of the simulation, named where it was thrown, not a kernel oops', async () => {
    const k = boot();
    let err: unknown = null;
    try {
      await probeWith(k, async function dax_hmem_probe() {
        return k.api.dev_name(null as unknown as device) === '' ? 0 : 1;
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TaskCrash);
    expect(describeCrash(err as TaskCrash)).to.match(/^task swapper\/0 \(pid 1\) crashed at framework\/\S+\.ts:\d+: TypeError: Cannot read properties of null/);
    expect(warningsOf(k, 'oops')).to.deep.equal([]);
  });

  it('a TypeError that is no NULL dereference is a crash of the simulation, not an oops: the run rejects with TaskCrash', async () => {
    const k = boot();
    let err: unknown = null;
    try {
      await probeWith(k, async function dax_hmem_probe() {
        const size: unknown = 1n;
        return (size as number) + 1;
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TaskCrash);
    expect((err as TaskCrash).cause).to.be.instanceOf(TypeError);
    expect(warningsOf(k, 'oops')).to.deep.equal([]);
  });
});
