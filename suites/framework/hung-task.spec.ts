// SPDX-License-Identifier: GPL-2.0-only
/**
 * The hung-task detector (kernel/hung_task.c, CONFIG_DETECT_HUNG_TASK): a
 * deadlock lockdep cannot see is reported by khungtaskd two checks after
 * the task blocked, "INFO: task swapper/0:1 blocked for more than 120
 * seconds.", with the task line and the call trace of where it waits; not
 * after an oops, and not with the switch off. `kshim run` then says how the
 * run ended ("== end ==").
 */
import { expect } from 'chai';
import { endReport, formatRun } from '../../cli/format.js';
import { explainRun } from '../../harness/explore/explain.js';
import type { PortApi } from '../../framework/kernel/module/types.js';
import { mainlineWithHmem, nullDerefInWaitForDeviceProbe } from '../helpers/broken-hmem.js';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario, type Scenario } from '../../harness/scenario.js';

const RANGE = { start: '0x850000000', end: '0x284fffffff' };

/** hmem.c whose hmem_register_device() waits for probing to finish from inside dax_hmem_platform_probe(): it waits for itself. */
const waitsInProbe = (k: PortApi): Partial<PortApi> => ({
  async platform_device_add(pdev: Parameters<PortApi['platform_device_add']>[0]) {
    await k.wait_for_device_probe();
    return await k.platform_device_add(pdev);
  },
});

function deadlocking(config: Record<string, string> = {}): Scenario {
  const s = validateScenario({ tree: 'mainline', config, firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [] } }, 'hung.json');
  return { ...s, tree: mainlineWithHmem('waits-in-probe', 'mainline whose hmem probe calls wait_for_device_probe()', waitsInProbe) };
}

const text = (r: Run): string[] => r.result.dmesg.map((l) => l.replace(/^\[[ \d.]+\] /, ''));

describe('hung-task detector', () => {
  it('reports PID 1, blocked in wait_for_device_probe() from hmem\'s probe since 0.004 s, at the second check: 240 s', async () => {
    const r = await runScenario(deadlocking(), { blockStacks: true });
    expect(r.outcomes[0]!.status).to.equal('deadlock');
    const at = r.result.dmesg.findIndex((l) => l.includes('INFO: task'));
    expect(r.result.dmesg.slice(at, at + 6)).to.deep.equal([
      '[  240.000000] INFO: task swapper/0:1 blocked for more than 120 seconds.',
      '[  240.000000]       Not tainted 7.0.0-kshim #1',
      '[  240.000000] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      '[  240.000000] task:swapper/0       state:D stack:0     pid:1     tgid:1     ppid:0      task_flags:0x0040 flags:0x00004000',
      '[  240.000000] Call Trace:',
      '[  240.000000]  <TASK>',
    ]);
    const trace = text(r).slice(at + 6, text(r).indexOf(' </TASK>', at));
    expect(trace.slice(0, 5)).to.deep.equal([' __schedule', ' schedule', ' wait_event', ' wait_for_device_probe', ' platform_device_add']);
    expect(trace).to.include(' dax_hmem_platform_probe');
    expect(trace.slice(-6)).to.deep.equal([' do_one_initcall', ' do_initcalls', ' kernel_init_freeable', ' kernel_init', ' ret_from_fork', ' ret_from_fork_asm']);
  });

  it('kshim run ends its report with how the run ended: the wait chain of the deadlock', async () => {
    const r = await runScenario(deadlocking());
    const out = formatRun(r.result, [], [], endReport(r)).split('\n');
    expect(out.slice(out.indexOf('== end =='))).to.deep.equal([
      '== end ==',
      'the run did not reach idle:',
      'deadlock: no task can run while 1 waits (the chain closes):',
      '  swapper/0 (pid 1) waits for wait_for_device_probe: probe_count == 0 (now 1), held by swapper/0 (pid 1)',
    ]);
    // Without block stacks (the explorer's runs) the trace names the wait, then the task's bottom frames.
    const at = text(r).indexOf(' <TASK>');
    expect(text(r).slice(at + 1, at + 4)).to.deep.equal([' __schedule', ' schedule', ' wait_for_device_probe']);
  });

  it('kshim explore says why a class does not end idle: explainRun() of its shortest schedule gives the same wait chain', async () => {
    const { end } = await explainRun(deadlocking(), 't.');
    expect(end).to.equal('deadlock: no task can run while 1 waits (the chain closes):\n  swapper/0 (pid 1) waits for wait_for_device_probe: probe_count == 0 (now 1), held by swapper/0 (pid 1)');
    expect((await explainRun(validateScenario({ tree: 'mainline', firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [] } }, 'idle.json'), 't.')).end).to.equal(null);
  });

  it('says nothing, and leaves the clock where the boot stalled, with DETECT_HUNG_TASK=n', async () => {
    const r = await runScenario(deadlocking({ DETECT_HUNG_TASK: 'n' }), { blockStacks: true });
    expect(r.outcomes[0]!.status).to.equal('deadlock');
    expect(text(r).filter((l) => l.startsWith('INFO: task'))).to.deep.equal([]);
    expect(r.result.dmesg.at(-1)).to.match(/^\[ {4}0\.0/);
  });

  it('says nothing once the kernel has oopsed (TAINT_DIE): mainline\'s deferred work dies, dax_cxl\'s work waits on it for ever', async () => {
    const MODULAR = { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', DEV_DAX_KMEM: 'm' };
    const s = validateScenario({ tree: 'mainline', config: MODULAR, firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [RANGE] }, cxl: { regions: [{ ...RANGE, assembly: 'commit' }] } }, 'oops.json');
    const r = await runScenario({ ...s, tree: mainlineWithHmem('oops-in-work', 'mainline whose deferred work oopses', nullDerefInWaitForDeviceProbe) }, { blockStacks: true });
    expect(r.outcomes.some((o) => o.status === 'deadlock')).to.equal(true);
    expect(text(r).some((l) => l.startsWith('KASAN: null-ptr-deref in range'))).to.equal(true);
    expect(text(r).filter((l) => l.startsWith('INFO: task'))).to.deep.equal([]);
  });

  it('reports only TASK_UNINTERRUPTIBLE sleeps: request_module() waits killable and finit_module() of a module in its init interruptibly, so a probe that loads its own module again is a deadlock with no INFO', async () => {
    const reloadsItself = (k: PortApi): Partial<PortApi> => ({
      async platform_device_add(pdev: Parameters<PortApi['platform_device_add']>[0]) {
        await k.request_module('dax_hmem');
        return await k.platform_device_add(pdev);
      },
    });
    const s = validateScenario({ tree: 'mainline', config: { DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_KMEM: 'm' }, firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [] } }, 'reload.json');
    const r = await runScenario({ ...s, tree: mainlineWithHmem('reloads-itself', 'mainline whose hmem probe loads dax_hmem again', reloadsItself) }, { blockStacks: true });
    expect(r.outcomes.some((o) => o.status === 'deadlock')).to.equal(true);
    const blocked = r.machine!.kernel.sched.allTasks().filter((t) => t.state === 'blocked');
    expect(blocked.map((t) => t.waitState).sort()).to.include.members(['killable', 'interruptible']);
    expect(blocked.every((t) => t.waitState !== 'D')).to.equal(true);
    expect(text(r).filter((l) => l.startsWith('INFO: task'))).to.deep.equal([]);
  });
});
