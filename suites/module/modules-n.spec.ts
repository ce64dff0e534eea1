// SPDX-License-Identifier: GPL-2.0-only
/**
 * A kernel built without CONFIG_MODULES (kernel-semantics §1.6, §4.2):
 * include/linux/kmod.h turns request_module() into an inline stub that
 * returns -ENOSYS, and drivers/base/dd.c starts driver_deferred_probe_timeout
 * at 0, so deferred_probe_initcall() arms no timeout work.
 */
import { expect } from 'chai';
import { ENOSYS, EPROBE_DEFER } from '../../framework/include/errno.js';
import { platform_device, platform_driver } from '../../framework/drivers/base/platform.js';
import { machineWith, testModule } from './fixture.js';

/** A built-in caller of request_module("target") from its device initcall; reports the result and the virtual time it took. */
async function requestFromInitcall(modules: 'y' | 'n'): Promise<{ rc: number; took: number; helpers: number }> {
  let rc = 1;
  let took = -1;
  const caller = testModule({
    name: 'caller',
    body: (k) => ({
      init: async () => {
        const start = m.kernel.sched.now;
        rc = await k.request_module('target');
        took = m.kernel.sched.now - start;
        return 0;
      },
    }),
  });
  const target = testModule({ name: 'target', level: 'subsys', body: () => ({ init: () => 0 }) });
  const m = machineWith([caller, target], { MODULES: modules, CALLER: 'y', TARGET: 'y' });
  await m.bootToIdle();
  return { rc, took, helpers: m.kernel.sched.allTasks().filter((t) => t.comm === 'modprobe').length };
}

/** A built-in driver whose probe always asks for deferral, and its device; the boot runs until idle (past any timeout). */
async function bootWithStuckDevice(modules: 'y' | 'n'): Promise<{ pending: string[]; timeout: number }> {
  const board = testModule({
    name: 'board',
    body: (k) => ({
      init: async () => {
        await k.platform_driver_register(new platform_driver({ probe: () => -EPROBE_DEFER, driver: { name: 'stuck' } }));
        return await k.platform_device_register(new platform_device({ name: 'stuck', id: 0, dev: { release: () => {} } }));
      },
    }),
  });
  const m = machineWith([board], { MODULES: modules, BOARD: 'y' });
  await m.bootToIdle();
  return { pending: m.kernel.dmesg().filter((l) => l.includes('deferred probe pending')), timeout: m.kernel.base.dd.driver_deferred_probe_timeout };
}

describe('a kernel without CONFIG_MODULES', () => {
  it('request_module() is kmod.h\'s inline stub: -ENOSYS at once, no modprobe helper, no time passes', async () => {
    expect(await requestFromInitcall('n')).to.deep.equal({ rc: -ENOSYS, took: 0, helpers: 0 });
    // With CONFIG_MODULES the same call runs modprobe (2 ms), which finds the target built in.
    expect(await requestFromInitcall('y')).to.deep.equal({ rc: 0, took: 2000, helpers: 1 });
  });

  it('driver_deferred_probe_timeout is 0: deferred_probe_initcall() arms no timeout and no "deferred probe pending" is printed for a device that never binds', async () => {
    expect(await bootWithStuckDevice('n')).to.deep.equal({ pending: [], timeout: 0 });
    // With CONFIG_MODULES the timeout expires 10 s after late_initcall and reports the device.
    const withModules = await bootWithStuckDevice('y');
    expect(withModules.pending).to.have.length(1);
    expect(withModules.pending[0]).to.match(/^\[ +10\.\d{6}\] platform stuck\.0: deferred probe pending: \(reason unknown\)$/);
  });
});
