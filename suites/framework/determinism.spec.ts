// SPDX-License-Identifier: GPL-2.0-only
/**
 * Determinism of the simulated kernel: same scenario, same log; a random
 * schedule replays from its recorded choices; time is virtual.
 */
import { expect } from 'chai';
import { EPROBE_DEFER } from '../../framework/include/errno.js';
import { PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import { work_struct } from '../../framework/include/linux/workqueue_types.js';
import { RandomStrategy, ReplayStrategy, type SchedulingStrategy } from '../../framework/sim/strategy.js';
import { boot, pdev, pdrv, runInit, type Kernel } from './fixture.js';

/**
 * A small boot with several racing tasks: async probes, a kworker that
 * waits for probing, a deferring device, a WARN on a zero-filled item.
 */
async function scenario(strategy?: SchedulingStrategy): Promise<Kernel> {
  const k = boot({ scheduler: { strategy } });
  const { api } = k;
  let supplier = false;
  await runInit(k, async function do_initcalls() {
    for (const id of [0, 1, 2]) await api.platform_device_register(pdev('mem', id));
    await api.platform_device_register(pdev('consumer', 0));
    await api.platform_driver_register(
      pdrv(
        'mem',
        async (p) => {
          await api.msleep(10 + p.id * 5);
          api.dev_info(p.dev, 'probed\n');
          return 0;
        },
        { probe_type: PROBE_PREFER_ASYNCHRONOUS },
      ),
    );
    await api.platform_driver_register(pdrv('consumer', () => (supplier ? 0 : -EPROBE_DEFER)));
    api.queue_work(
      api.system_long_wq,
      api.__WORK_INITIALIZER(async function region_work() {
        await api.wait_for_device_probe();
        api.pr_info('region_work: probing settled\n');
        await api.flush_work(new work_struct());
      }),
    );
    supplier = true;
    await k.base.dd.deferred_probe_initcall();
    api.pr_info('late_initcall done\n');
  });
  return k;
}

describe('determinism', () => {
  it('the same scenario run twice gives byte-identical dmesg and the same warnings', async () => {
    const a = await scenario();
    const b = await scenario();
    expect(a.dmesg().join('\n')).to.equal(b.dmesg().join('\n'));
    expect(a.dmesg().length).to.be.greaterThan(20);
    // The scenario WARNs once, flushing a zero-filled work item; equal and empty would prove nothing.
    expect(a.panic.warnings.map((w) => [w.kind, w.function])).to.deep.equal([['warn', '__flush_work']]);
    expect(JSON.stringify(a.panic.warnings)).to.equal(JSON.stringify(b.panic.warnings));
  });

  it('a RandomStrategy run replays exactly with a ReplayStrategy of its recorded choices', async () => {
    for (const seed of [3, 17, 99]) {
      const first = await scenario(new RandomStrategy(seed));
      const again = await scenario(new ReplayStrategy(first.sched.choices.slice()));
      expect(again.dmesg(), `seed ${seed}`).to.deep.equal(first.dmesg());
      expect(again.sched.choices, `seed ${seed}`).to.deep.equal(first.sched.choices);
    }
  });

  it('the same seed gives the same run; different seeds explore different interleavings', async () => {
    const logs = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) logs.add((await scenario(new RandomStrategy(seed))).dmesg().join('\n'));
    expect(logs.size).to.be.greaterThan(1);
    const x = await scenario(new RandomStrategy(5));
    const y = await scenario(new RandomStrategy(5));
    expect(x.dmesg()).to.deep.equal(y.dmesg());
  });

  it('time is virtual: msleep(1500) advances k.sched.now by exactly 1.5 s and dmesg stamps the wake-up at 1.500000', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.msleep(1500);
      k.api.pr_info('woke\n');
    });
    expect(k.sched.now).to.equal(1_500_000);
    expect(k.dmesg()).to.include('[    1.500000] woke');
  });
});
