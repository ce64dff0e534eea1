// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel log and WARN splats (kernel/printk, kernel/panic.c, lib/bug.c):
 * dmesg timestamps, levels, the splat layout, call traces in kernel
 * function names, and the _ONCE variants: kernel-semantics §8 item 45.
 */
import { expect } from 'chai';
import { formatTimestamp, KERN_CRIT, KERN_ERR, KERN_INFO, KERN_WARNING } from '../../framework/kernel/printk.js';
import { work_struct } from '../../framework/include/linux/workqueue_types.js';
import { boot, pdev, pdrv, runInit, texts, type Kernel } from './fixture.js';

/** The log lines of the n-th splat (from "cut here" to "end trace"). */
function splat(k: Kernel, n = 0): string[] {
  const lines = texts(k);
  let start = -1;
  for (let i = 0, seen = 0; i < lines.length; i++) {
    if (lines[i] === '------------[ cut here ]------------' && seen++ === n) {
      start = i;
      break;
    }
  }
  expect(start, `splat #${n}`).to.be.greaterThan(-1);
  const end = lines.indexOf('---[ end trace 0000000000000000 ]---', start);
  return lines.slice(start, end + 1);
}

describe('printk and WARN splats', () => {
  it('dmesg timestamps are "[    7.379000]": seconds right-aligned in 5 columns, then 6 digits of microseconds', async () => {
    expect(formatTimestamp(7_379_000)).to.equal('[    7.379000]');
    expect(formatTimestamp(0)).to.equal('[    0.000000]');
    expect(formatTimestamp(28_560_123)).to.equal('[   28.560123]');
    const k = boot();
    await runInit(k, async () => {
      await k.api.msleep(7379);
      k.api.pr_info('dax_hmem: probe\n');
    });
    expect(k.dmesg().at(-1)).to.equal('[    7.379000] dax_hmem: probe');
  });

  it('each record keeps its level, virtual time and the pid of the task that printed it', async () => {
    const k = boot();
    await runInit(k, async () => {
      k.api.pr_err('hmem: error %d\n', -12);
      k.spawn('kworker-ish', 'kthread', async () => {
        await k.api.msleep(2);
        k.api.pr_info('later\n');
      });
    });
    const r = k.log.records.filter((x) => x.text.startsWith('hmem:') || x.text === 'later');
    expect(r.map((x) => [x.level, x.text, x.time, x.pid])).to.deep.equal([
      [KERN_ERR, 'hmem: error -12', 0, 1],
      [KERN_INFO, 'later', 2000, 2],
    ]);
  });

  it('a WARN splat: cut here, the 6.19+ banner "WARNING: file:line at func, CPU#n: comm/pid", Modules linked in, CPU/Comm line, RIP, Call Trace with <TASK>, end trace', async () => {
    const k = boot();
    await runInit(k, async function dax_hmem_init() {
      await k.api.flush_work(new work_struct());
    });
    expect(splat(k)).to.deep.equal([
      '------------[ cut here ]------------',
      'WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: swapper/0/1',
      'Modules linked in:',
      'CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.0.0-kshim #1 PREEMPT(full)',
      'RIP: 0010:__flush_work',
      'Call Trace:',
      ' <TASK>',
      ' flush_work',
      ' dax_hmem_init',
      ' </TASK>',
      '---[ end trace 0000000000000000 ]---',
    ]);
  });

  it('the first WARN says "Not tainted", later splats print every taint column: W (TAINT_WARN) after a WARN, D (TAINT_DIE) too after an oops, and the oops counter goes up', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.flush_work(new work_struct());
      await k.api.flush_work(new work_struct());
    });
    expect(splat(k, 0)[3]).to.contain(' Not tainted 7.0.0-kshim #1 PREEMPT(full)');
    // 20 columns: 'G', then D at bit 7 and W at bit 9 or a space.
    expect(splat(k, 1)[3]).to.contain(' Tainted: G        W           7.0.0-kshim #1');
    await runInit(k, async () => {
      await k.api.flush_workqueue(null);
    });
    await runInit(k, async () => {
      await k.api.flush_workqueue(null);
    });
    const t = texts(k);
    expect(t.filter((l) => l.startsWith('Oops: '))).to.deep.equal(['Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN NOPTI', 'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#2] SMP KASAN NOPTI']);
    const cpuLines = t.filter((l) => l.startsWith('CPU: 0 '));
    expect(cpuLines[2]).to.contain(' Tainted: G        W           7.0.0-kshim #1');
    expect(cpuLines[3]).to.contain(' Tainted: G      D W           7.0.0-kshim #1');
    // Since 6.11 a tainted kernel names its flags on the line after: print_tainted_verbose(), in bit order.
    expect(t[t.indexOf(cpuLines[2]!) + 1]).to.equal('Tainted: [W]=WARN');
    expect(t[t.indexOf(cpuLines[3]!) + 1]).to.equal('Tainted: [D]=DIE, [W]=WARN');
  });

  it('WARN(cond, fmt) prints its message between "cut here" and the WARNING line and keeps it as the warning text', async () => {
    const k = boot();
    let rc = false;
    await runInit(k, async function hmem_register_device() {
      rc = k.api.WARN(true, 'hmem: %s overlaps %d ranges\n', 'hmem.0', 2);
    });
    expect(rc).to.equal(true);
    const s = splat(k);
    expect(s[1]).to.equal('hmem: hmem.0 overlaps 2 ranges');
    expect(s[2]).to.match(/^WARNING: at hmem_register_device, CPU#0: \S+\/1$/);
    expect(k.panic.warnings[0]!.text).to.equal('hmem: hmem.0 overlaps 2 ranges\n');
    expect(k.panic.warnings[0]!.function).to.equal('hmem_register_device');
  });

  it('WARN_ON returns its condition and prints nothing when it is false', async () => {
    const k = boot();
    const rcs: boolean[] = [];
    await runInit(k, async () => {
      rcs.push(k.api.WARN_ON(0), k.api.WARN_ON(null), k.api.WARN_ON(2));
    });
    expect(rcs).to.deep.equal([false, false, true]);
    expect(k.panic.warnings).to.have.length(1);
  });

  it('a WARN from a kworker prints "Workqueue: events_long <func>" and a call trace ending in the kworker frames, each once', async () => {
    const k = boot();
    const hmem_wq_work = new work_struct();
    async function dax_hmem_flush_work(): Promise<void> {
      await k.api.flush_work(hmem_wq_work);
    }
    await runInit(k, async () => {
      k.api.queue_work(
        k.api.system_long_wq,
        k.api.__WORK_INITIALIZER(async function cxl_dax_region_driver_register() {
          await dax_hmem_flush_work();
        }),
      );
    });
    const s = splat(k);
    expect(s[1]).to.equal('WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: kworker/0:0/2');
    expect(s[3]).to.match(/^CPU: 0 UID: 0 PID: 2 Comm: kworker\/0:0 /);
    expect(s[4]).to.equal('Workqueue: events_long cxl_dax_region_driver_register');
    expect(k.panic.warnings[0]!.callTrace).to.deep.equal([
      'flush_work',
      'dax_hmem_flush_work',
      'cxl_dax_region_driver_register',
      'process_one_work',
      'worker_thread',
      'kthread',
      'ret_from_fork',
      'ret_from_fork_asm',
    ]);
  });

  it('a call trace names the driver\'s probe function itself, with the driver core frames below it in order', async () => {
    const k = boot();
    await runInit(k, async function hmem_init() {
      await k.api.platform_device_register(pdev('hmem', 0));
      await k.api.platform_driver_register(
        pdrv('hmem', function dax_hmem_probe() {
          k.api.WARN_ON(true);
          return 0;
        }),
      );
    });
    const w = k.panic.warnings[0]!;
    expect(w.function).to.equal('dax_hmem_probe');
    expect(w.callTrace).to.deep.equal([
      'platform_probe',
      'call_driver_probe',
      'really_probe',
      '__driver_probe_device',
      'driver_probe_device',
      '__driver_attach',
      'bus_for_each_dev',
      'driver_attach',
      'bus_add_driver',
      'driver_register',
      '__platform_driver_register',
      'hmem_init',
    ]);
  });

  it('WARN_ON_ONCE warns once per call site: two sites each warn once however often they are hit', async () => {
    const k = boot();
    const site_a = (): boolean => k.api.WARN_ON_ONCE(true);
    const site_b = (): boolean => k.api.WARN_ON_ONCE(true);
    const rcs: boolean[] = [];
    await runInit(k, async () => {
      for (let i = 0; i < 3; i++) rcs.push(site_a(), site_b());
    });
    expect(rcs.every((x) => x)).to.equal(true);
    expect(k.panic.warnings.map((w) => w.function)).to.deep.equal(['site_a', 'site_b']);
  });

  it('dev_WARN_ONCE prefixes "<driver> <device>: " and warns once per call site, not once per device', async () => {
    const k = boot();
    function alloc_dax_region(dev: Parameters<typeof k.api.dev_WARN_ONCE>[0]): void {
      k.api.dev_WARN_ONCE(dev, true, '%s: dax_region already set\n', 'alloc_dax_region');
    }
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv('hmem', (p) => {
          alloc_dax_region(p.dev);
          return 0;
        }),
      );
      await k.api.platform_device_register(pdev('hmem', 0));
      await k.api.platform_device_register(pdev('hmem', 1));
    });
    const ws = k.panic.warnings;
    expect(ws.map((w) => [w.function, w.text])).to.deep.equal([['alloc_dax_region', 'hmem hmem.0: alloc_dax_region: dax_region already set\n']]);
  });

  /** The records from the cut line of a BUG to the line after RIP: [level, text]. */
  function bugLines(k: Kernel): [number, string][] {
    const r = k.log.records;
    const start = r.findIndex((x) => x.text === '------------[ cut here ]------------');
    expect(start, 'the cut line').to.be.greaterThan(-1);
    const rip = r.findIndex((x, i) => i > start && x.text.startsWith('RIP: '));
    return r.slice(start, rip + 1).map((x) => [x.level, x.text]);
  }

  it('BUG_ON(true) at a known line prints report_bug()\'s cut line (default level) and "kernel BUG at file:line!" (KERN_CRIT), then the invalid-opcode oops with RIP at the caller; the task is dead', async () => {
    const k = boot();
    const o = await runInit(k, async function hmem_bug() {
      k.api.BUG_ON(true, { file: 'drivers/dax/hmem/hmem.c', line: 42 });
    });
    expect(o.status).to.equal('idle');
    expect(k.panic.warnings.map((w) => [w.kind, w.function, w.message])).to.deep.equal([['oops', 'hmem_bug', 'kernel BUG at drivers/dax/hmem/hmem.c:42!']]);
    const lines = bugLines(k);
    expect(lines.slice(0, 3)).to.deep.equal([
      [KERN_WARNING, '------------[ cut here ]------------'],
      [KERN_CRIT, 'kernel BUG at drivers/dax/hmem/hmem.c:42!'],
      [KERN_WARNING, 'Oops: invalid opcode: 0000 [#1] SMP KASAN NOPTI'],
    ]);
    expect(lines.at(-1)![1]).to.equal('RIP: 0010:hmem_bug');
    // The body of the oops is at the default level, like the Oops line; the preemption model closes the CPU line.
    expect(lines.slice(2).every(([level]) => level === KERN_WARNING)).to.equal(true);
    expect(lines[3]![1]).to.equal('CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.0.0-kshim #1 PREEMPT(full)');
    // oops_end(): the end marker, then the executive summary of the first oops's registers.
    const all = texts(k);
    const end = all.indexOf('---[ end trace 0000000000000000 ]---');
    expect(all.slice(end - 1, end + 2)).to.deep.equal(['Modules linked in:', '---[ end trace 0000000000000000 ]---', 'RIP: 0010:hmem_bug']);
    // The function with the ud2 is RIP; the call trace starts at its caller.
    const t = texts(k);
    const trace = t.slice(t.indexOf(' <TASK>') + 1, t.indexOf(' </TASK>'));
    expect(trace).to.not.include(' hmem_bug');
    expect(k.sched.allTasks()[0]!.state).to.equal('dead');
  });

  it('BUG() without a recorded file prints report_bug()\'s other form: "Kernel BUG at <function> [verbose debug info unavailable]"', async () => {
    const k = boot();
    await runInit(k, async function hmem_bug() {
      k.api.BUG();
    });
    expect(bugLines(k).slice(0, 2)).to.deep.equal([
      [KERN_WARNING, '------------[ cut here ]------------'],
      [KERN_CRIT, 'Kernel BUG at hmem_bug [verbose debug info unavailable]'],
    ]);
  });
});
