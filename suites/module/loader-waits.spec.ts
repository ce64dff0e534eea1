// SPDX-License-Identifier: GPL-2.0-only
/**
 * The module loader's waits and the messages around them
 * (kernel/module/main.c as of v7.0): module_wq and when it is woken,
 * module_patient_check_exists(), resolve_symbol_wait(), the async
 * synchronisation of delete_module(), and what do_init_module() prints
 * for a positive init return.
 */
import { expect } from 'chai';
import { EBUSY } from '../../framework/include/errno.js';
import { machineWith, testModule } from './fixture.js';
import type { Machine } from '../../framework/machine.js';

/** Load `name` as insmod would (no modules.dep, no softdeps) in a task started `at` ms from now. */
function insmodAt(m: Machine, name: string, at: number, done: (ret: number) => void): void {
  m.kernel.sched.spawn(`insmod-${name}`, 'user', async () => {
    if (at > 0) await m.kernel.sched.sleep(at * 1000);
    done(await m.loader.__do_sys_finit_module(name));
  });
}

/** A provider whose init takes 20 ms and then leaves 100 ms of async work behind. */
function slowProvider(events: string[], m: () => Machine) {
  return testModule({
    name: 'provider',
    exports: [{ symbol: 'provider_fn' }],
    body: (k) => ({
      init: async () => {
        await k.msleep(20);
        k.async_schedule_dev(async () => {
          await k.msleep(100);
          events.push(`provider async done @${m().kernel.sched.now / 1000}`);
        }, null);
        events.push(`provider init returns @${m().kernel.sched.now / 1000}`);
        return 0;
      },
      exports: { provider_fn: () => 1 },
    }),
  });
}

describe('module loader: module_wq and the waits on it', () => {
  it('a module resolving symbols of a COMING provider starts its init only when the provider load is over, async_synchronize_full included', async () => {
    const events: string[] = [];
    const user = testModule({ name: 'user', references: ['provider_fn'], body: () => ({ init: () => (events.push(`user init @${m.kernel.sched.now / 1000}`), 0) }) });
    const m = machineWith([slowProvider(events, () => m), user]);
    await m.bootToIdle();
    const t0 = m.kernel.sched.now / 1000;
    const rets: number[] = [];
    insmodAt(m, 'provider', 0, (r) => rets.push(r));
    insmodAt(m, 'user', 10, (r) => rets.push(r));
    await m.kernel.sched.run();
    expect(rets).to.deep.equal([0, 0]);
    expect(events).to.deep.equal([`provider init returns @${t0 + 20}`, `provider async done @${t0 + 120}`, `user init @${t0 + 120}`]);
  });

  it('module_wq is one queue: the end of any load wakes every waiter, which runs on if its provider is LIVE by then', async () => {
    const events: string[] = [];
    const user = testModule({ name: 'user', references: ['provider_fn'], body: () => ({ init: () => (events.push(`user init @${m.kernel.sched.now / 1000}`), 0) }) });
    const failing = testModule({
      name: 'failing',
      body: (k) => ({
        init: async () => {
          await k.msleep(50);
          events.push(`failing init fails @${m.kernel.sched.now / 1000}`);
          return -EBUSY;
        },
      }),
    });
    const m = machineWith([slowProvider(events, () => m), user, failing]);
    await m.bootToIdle();
    const t0 = m.kernel.sched.now / 1000;
    insmodAt(m, 'provider', 0, () => {});
    insmodAt(m, 'user', 10, () => {});
    insmodAt(m, 'failing', 0, () => {});
    await m.kernel.sched.run();
    expect(events).to.deep.equal([
      `provider init returns @${t0 + 20}`,
      `failing init fails @${t0 + 50}`,
      `user init @${t0 + 50}`,
      `provider async done @${t0 + 120}`,
    ]);
  });

  it('a module still COMING after 30 s: "gave up waiting for init of module", then "Unknown symbol <sym> (err -16)", and the load fails with -EBUSY', async () => {
    const provider = testModule({
      name: 'provider',
      exports: [{ symbol: 'provider_fn' }],
      body: (k) => ({ init: async () => (await k.msleep(40_000), 0), exports: { provider_fn: () => 1 } }),
    });
    const user = testModule({ name: 'user', references: ['provider_fn'], body: () => ({ init: () => 0 }) });
    const m = machineWith([provider, user]);
    await m.bootToIdle();
    const rets: number[] = [];
    insmodAt(m, 'provider', 0, () => {});
    insmodAt(m, 'user', 1000, (r) => rets.push(r));
    await m.kernel.sched.run();
    expect(rets).to.deep.equal([-EBUSY]);
    const lines = m.kernel.log.records.map((r) => r.text);
    const i = lines.indexOf('user: gave up waiting for init of module provider.');
    expect(i).to.be.greaterThan(-1);
    expect(lines[i + 1]).to.equal('user: Unknown symbol provider_fn (err -16)');
  });

  it('finit_module of a module that is going away (GOING) is not waited for: -EBUSY, and its init does not run again', async () => {
    let inits = 0;
    const leaving = testModule({
      name: 'leaving',
      body: (k) => ({ init: () => (inits++, 0), exit: async () => k.msleep(50) }),
    });
    const m = machineWith([leaving]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('leaving')).exit).to.equal(0);
    const exits: number[] = [];
    m.kernel.sched.spawn('rmmod', 'user', async () => void exits.push(await m.modprobe.modprobe('leaving', { remove: true })));
    m.kernel.sched.spawn('udev-modprobe', 'udev', async () => {
      await m.kernel.sched.sleep(10_000);
      exits.push(await m.modprobe.modprobe('leaving'));
    });
    await m.kernel.sched.run();
    expect(exits.sort()).to.deep.equal([0, 1]);
    expect(inits).to.equal(1);
    expect(m.loader.find('leaving')).to.equal(undefined);
    expect(m.modprobe.output.map((l) => l.text)).to.deep.equal(["modprobe: ERROR: could not insert 'leaving': Device or resource busy"]);
  });
});

describe('module loader: delete_module and do_init_module details', () => {
  it('delete_module waits for the async work the exit function started before it frees the module', async () => {
    const events: string[] = [];
    const mod = testModule({
      name: 'asyncexit',
      body: (k) => ({
        init: () => 0,
        exit: () => {
          k.async_schedule_dev(async () => {
            await k.msleep(30);
            events.push('async work of the exit done');
          }, null);
        },
      }),
    });
    const m = machineWith([mod]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('asyncexit');
    m.kernel.sched.spawn('rmmod', 'user', async () => {
      const rc = await m.loader.__do_sys_delete_module('asyncexit');
      events.push(`delete_module returned ${rc}, module ${m.loader.find('asyncexit') ? 'still listed' : 'freed'}`);
    });
    await m.kernel.sched.run();
    expect(events).to.deep.equal(['async work of the exit done', 'delete_module returned 0, module freed']);
  });

  it('an init returning a positive value: "do_init_module: \'<mod>\'->init suspiciously returned 1, ..." then "loading module anyway..." and a stack dump; the module goes LIVE', async () => {
    const mod = testModule({ name: 'positive', body: () => ({ init: () => 1 }) });
    const m = machineWith([mod]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('positive')).exit).to.equal(0);
    expect(m.loader.find('positive')?.state).to.equal('LIVE');
    const lines = m.kernel.log.records.map((r) => r.text);
    const i = lines.indexOf("do_init_module: 'positive'->init suspiciously returned 1, it should follow 0/-E convention");
    expect(i).to.be.greaterThan(-1);
    expect(lines[i + 1]).to.equal('do_init_module: loading module anyway...');
    expect(lines[i + 2]).to.match(/^CPU: 0 UID: 0 PID: \d+ Comm: modprobe /);
    expect(lines.slice(i + 2)).to.include('Call Trace:');
  });

  it('a namespaced export of vmlinux is refused to a module without the import too, and the refusal ends in "Unknown symbol <sym> (err -22)"', async () => {
    const core = testModule({ name: 'core', exports: [{ symbol: 'ns_fn', gpl: true, namespace: 'CXL' }], body: () => ({ init: () => 0, exports: { ns_fn: () => 0 } }) });
    const user = testModule({ name: 'user', references: ['ns_fn'], body: () => ({ init: () => 0 }) });
    const importer = testModule({ name: 'importer', references: ['ns_fn'], importNs: ['CXL'], body: () => ({ init: () => 0 }) });
    const m = machineWith([core, user, importer], { CORE: 'y' });
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('user')).exit).to.equal(1);
    const lines = m.kernel.log.records.map((r) => r.text);
    const i = lines.indexOf('user: module uses symbol (ns_fn) from namespace CXL, but does not import it.');
    expect(i).to.be.greaterThan(-1);
    expect(lines[i + 1]).to.equal('user: Unknown symbol ns_fn (err -22)');
    expect((await m.userModprobe('importer')).exit).to.equal(0);
  });
});
