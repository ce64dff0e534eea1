// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { inspect } from 'node:util';
import { EBUSY, ENODEV, ENOMEM } from '../../framework/include/errno.js';
import { platform_device } from '../../framework/drivers/base/platform.js';
import { machineWith, testModule } from './fixture.js';
import { TaskCrash } from '../../framework/sim/scheduler.js';
import { UndeclaredSymbolError } from '../../framework/kernel/module/symbols.js';
import { describeCrash } from '../../cli/errors.js';

describe('module loader: boot, initcalls and link order', () => {
  it('runs built-in initcalls on PID 1 by level, then by link order within a level', async () => {
    const order: string[] = [];
    const mk = (name: string, level: 'subsys' | 'device' | 'late') =>
      testModule({ name, level, body: () => ({ init: () => (order.push(`${name}@${level} on PID ${m.kernel.sched.current!.pid}`), 0) }) });
    const m = machineWith([mk('late_one', 'late'), mk('dev_b', 'device'), mk('dev_a', 'device'), mk('sub', 'subsys')], {
      LATE_ONE: 'y', DEV_B: 'y', DEV_A: 'y', SUB: 'y',
    });
    await m.bootToIdle();
    expect(order).to.deep.equal(['sub@subsys on PID 1', 'dev_b@device on PID 1', 'dev_a@device on PID 1', 'late_one@late on PID 1']);
  });

  it('runs work queued by an initcall on a kworker while later initcalls continue', async () => {
    const events: string[] = [];
    const first = testModule({
      name: 'first',
      body: (k) => {
        const work = k.DECLARE_WORK(function first_work() {
          events.push(`work on ${k.current_work() ? 'kworker' : '?'}`);
        });
        return { init: () => (k.queue_work(k.system_wq, work), events.push('first init returned'), 0) };
      },
    });
    const second = testModule({ name: 'second', body: () => ({ init: () => (events.push('second init'), 0) }) });
    const m = machineWith([first, second], { FIRST: 'y', SECOND: 'y' });
    await m.bootToIdle();
    expect(events).to.deep.equal(['first init returned', 'work on kworker', 'second init']);
  });

  it('never runs the exit function of built-in code: modprobe -r refuses a built-in module', async () => {
    let exited = false;
    const mod = testModule({ name: 'builtin_one', body: () => ({ init: () => 0, exit: () => void (exited = true) }) });
    const m = machineWith([mod], { BUILTIN_ONE: 'y' });
    await m.bootToIdle();
    const r = await m.userModprobe('builtin_one', true);
    expect(r.exit).to.equal(1);
    expect(m.modprobe.output.map((l) => l.text)).to.include('modprobe: FATAL: Module builtin_one is builtin.');
    expect(exited).to.equal(false);
  });
});

describe('module loader: request_module', () => {
  it('fails with -EBUSY before the rootfs initcall enabled user-mode helpers', async () => {
    let rc = 0;
    const early = testModule({ name: 'early', level: 'subsys', body: (k) => ({ init: async () => ((rc = await k.request_module('target')), 0) }) });
    const target = testModule({ name: 'target', body: () => ({ init: () => 0 }) });
    const m = machineWith([early, target], { EARLY: 'y' });
    await m.bootToIdle();
    expect(rc).to.equal(-EBUSY);
  });

  it('fails quickly from a built-in device initcall when the module is not in the initramfs, and the module loads much later from udev', async () => {
    let rc = -1;
    let at = 0;
    const caller = testModule({
      name: 'caller',
      body: (k) => ({
        init: async () => {
          rc = await k.request_module('target');
          at = m.kernel.sched.now;
          return 0;
        },
      }),
    });
    let loadedAt = -1;
    const target = testModule({ name: 'target', aliases: ['platform:target*'], body: () => ({ init: () => ((loadedAt = m.kernel.sched.now), 0) }) });
    const m = machineWith([caller, target], { CALLER: 'y' }, { timing: { rootfs: 21_000 } });
    const dev = testModule({
      name: 'board',
      body: (k) => ({ init: async () => k.platform_device_register(new platform_device({ name: 'target', id: 0, dev: { release: () => {} } })) }),
    });
    m.loader.setCatalog([dev, caller, target]);
    m.config.set({ MODULES: 'y', BOARD: 'y', CALLER: 'y', TARGET: 'm' });
    await m.bootToIdle();
    expect(rc).to.equal(256);
    expect(at).to.be.below(1_000_000);
    expect(loadedAt).to.be.at.least(21_000_000);
  });

  it('loads a module from the initramfs before the real root is mounted', async () => {
    let rc = -1;
    let loaded = false;
    const caller = testModule({ name: 'caller', body: (k) => ({ init: async () => ((rc = await k.request_module('target')), 0) }) });
    const target = testModule({ name: 'target', body: () => ({ init: () => ((loaded = true), 0) }) });
    const m = machineWith([caller, target], { CALLER: 'y' });
    await m.bootToIdle({ initramfs: ['target'] });
    expect(rc).to.equal(0);
    expect(loaded).to.equal(true);
  });

  it('returns 0 at once for a built-in target and loads nothing', async () => {
    let rc = -1;
    const caller = testModule({ name: 'caller', body: (k) => ({ init: async () => ((rc = await k.request_module('target')), 0) }) });
    const target = testModule({ name: 'target', level: 'subsys', body: () => ({ init: () => 0 }) });
    const m = machineWith([caller, target], { CALLER: 'y', TARGET: 'y' });
    await m.bootToIdle();
    expect(rc).to.equal(0);
    expect(m.loader.modules).to.have.length(0);
  });

  /** udev's modprobe starts loading `slow` (100 ms init); 10 ms later another init asks for it. */
  async function requestWhileComing(kmodVersion?: number): Promise<string[]> {
    const events: string[] = [];
    const slow = testModule({
      name: 'slow',
      body: (k) => ({
        init: async () => {
          events.push('slow init starts');
          await k.msleep(100);
          events.push('slow init returns');
          return 0;
        },
      }),
    });
    const asker = testModule({
      name: 'asker',
      body: (k) => ({
        init: async () => {
          await k.msleep(10);
          const rc = await k.request_module('slow');
          events.push(`request_module(slow) = ${rc}, slow is ${m.loader.find('slow')?.state}`);
          return 0;
        },
      }),
    });
    const m = machineWith([slow, asker], {});
    if (kmodVersion !== undefined) m.modprobe.kmodVersion = kmodVersion;
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    m.kernel.sched.spawn('udev-modprobe', 'udev', async () => void (await m.modprobe.modprobe('slow')));
    m.kernel.sched.spawn('modprobe', 'user', async () => void (await m.modprobe.modprobe('asker')));
    await m.kernel.sched.run();
    return events;
  }

  it('waits for the init of a module another modprobe is still initialising (COMING): kmod inserts it again and finit_module waits', async () => {
    expect(await requestWhileComing()).to.deep.equal(['slow init starts', 'slow init returns', 'request_module(slow) = 0, slow is LIVE']);
  });

  it('with kmod v19 or older, returns 0 at once for a COMING module, before its init has returned', async () => {
    expect(await requestWhileComing(19)).to.deep.equal(['slow init starts', 'request_module(slow) = 0, slow is COMING', 'slow init returns']);
  });

  it('a concurrent finit_module of the same module waits for the first and gets its result (idempotent_init_module): one init, both fail', async () => {
    let inits = 0;
    const bad = testModule({
      name: 'bad',
      body: (k) => ({
        init: async () => {
          inits++;
          await k.msleep(50);
          return -ENODEV;
        },
      }),
    });
    const m = machineWith([bad], {});
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    const exits: number[] = [];
    const returned: number[] = [];
    const t0 = m.kernel.sched.now;
    for (const who of ['udev', 'user']) {
      m.kernel.sched.spawn(`modprobe-${who}`, who === 'udev' ? 'udev' : 'user', async () => {
        exits.push(await m.modprobe.modprobe('bad'));
        returned.push(m.kernel.sched.now - t0);
      });
    }
    await m.kernel.sched.run();
    expect(exits).to.deep.equal([1, 1]);
    expect(inits, 'the second finit_module does not run the init again').to.equal(1);
    expect(returned[1], 'both return when the one init fails').to.equal(returned[0]);
    expect(m.modprobe.output.map((l) => l.text)).to.deep.equal([
      "modprobe: ERROR: could not insert 'bad': No such device",
      "modprobe: ERROR: could not insert 'bad': No such device",
    ]);
    expect(m.loader.find('bad')).to.equal(undefined);
  });
});

describe('module loader: modprobe, dependencies and softdeps', () => {
  it('inserts the providers of referenced symbols first (modules.dep)', async () => {
    const order: string[] = [];
    const provider = testModule({
      name: 'provider',
      exports: [{ symbol: 'provider_fn', gpl: true }],
      body: () => ({ init: () => (order.push('provider'), 0), exports: { provider_fn: () => 42 } }),
    });
    let got = 0;
    const user = testModule({ name: 'user', references: ['provider_fn'], body: (_k, sym) => ({ init: () => ((got = sym.provider_fn()), order.push('user'), 0) }) });
    const m = machineWith([provider, user]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    const r = await m.userModprobe('user');
    expect(r.exit).to.equal(0);
    expect(order).to.deep.equal(['provider', 'user']);
    expect(got).to.equal(42);
    expect(m.loader.holdersOf('provider')).to.deep.equal(['user']);
  });

  it("never runs a module's init before the init of a COMING provider it links against has returned", async () => {
    const events: string[] = [];
    const provider = testModule({
      name: 'provider',
      exports: [{ symbol: 'provider_fn' }],
      body: (k) => ({
        init: async () => {
          events.push('provider init starts');
          await k.msleep(50);
          events.push('provider init returns');
          return 0;
        },
        exports: { provider_fn: () => 1 },
      }),
    });
    const user = testModule({ name: 'user', references: ['provider_fn'], body: () => ({ init: () => (events.push('user init'), 0) }) });
    const m = machineWith([provider, user]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    m.kernel.sched.spawn('modprobe', 'user', async () => void (await m.modprobe.modprobe('provider')));
    m.kernel.sched.spawn('modprobe', 'user', async () => {
      await m.kernel.sched.sleep(10_000);
      await m.modprobe.modprobe('user');
    });
    await m.kernel.sched.run();
    expect(events).to.deep.equal(['provider init starts', 'provider init returns', 'user init']);
  });

  it('honours MODULE_SOFTDEP pre: in modprobe only, loading the dependency fully first', async () => {
    const order: string[] = [];
    const dep = testModule({
      name: 'dep',
      body: (k) => ({
        init: async () => {
          order.push('dep start');
          await k.msleep(50);
          order.push('dep end');
          return 0;
        },
      }),
    });
    const mod = testModule({ name: 'mod', softdep: 'pre: dep', body: () => ({ init: () => (order.push('mod'), 0) }) });
    const m = machineWith([dep, mod]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('mod');
    expect(order).to.deep.equal(['dep start', 'dep end', 'mod']);
  });

  it('ignores the softdep when the module is loaded directly (insmod, init_module)', async () => {
    const order: string[] = [];
    const dep = testModule({ name: 'dep', body: () => ({ init: () => (order.push('dep'), 0) }) });
    const mod = testModule({ name: 'mod', softdep: 'pre: dep', body: () => ({ init: () => (order.push('mod'), 0) }) });
    const m = machineWith([dep, mod]);
    await m.bootToIdle();
    m.kernel.sched.spawn('insmod', 'user', async () => void (await m.loader.__do_sys_finit_module('mod')));
    await m.kernel.sched.run();
    expect(order).to.deep.equal(['mod']);
  });

  it('aborts the load when init fails: the module and its exports are gone and modprobe says why', async () => {
    const mod = testModule({ name: 'broken', exports: [{ symbol: 'broken_fn' }], body: () => ({ init: () => -ENOMEM, exports: { broken_fn: () => 0 } }) });
    const m = machineWith([mod]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    const r = await m.userModprobe('broken');
    expect(r.exit).to.equal(1);
    expect(m.loader.find('broken')).to.equal(undefined);
    expect(m.loader.symbols.find('broken_fn')).to.equal(undefined);
    expect(m.modprobe.output.map((l) => l.text)).to.include("modprobe: ERROR: could not insert 'broken': Cannot allocate memory");
  });

  it('reports an unknown symbol and refuses the load', async () => {
    const mod = testModule({ name: 'needy', references: ['nobody_exports_this'], body: () => ({ init: () => 0 }) });
    const m = machineWith([mod]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    const r = await m.userModprobe('needy');
    expect(r.exit).to.equal(1);
    expect(m.kernel.log.contains('needy: Unknown symbol nobody_exports_this (err -2)')).to.equal(true);
  });

  it('a port that uses a symbol its references() does not list stops the run at the first use, naming the symbol and the line (C would not compile it)', async () => {
    const provider = testModule({
      name: 'provider',
      exports: [{ symbol: 'provider_fn', gpl: true }],
      body: () => ({ init: () => 0, exports: { provider_fn: () => 42 } }),
    });
    const user = testModule({ name: 'user', references: [], body: (_k, sym) => ({ init: () => sym.provider_fn() }) });
    const m = machineWith([provider, user], { PROVIDER: 'y', USER: 'y' });
    let err: unknown = null;
    try {
      await m.bootToIdle();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(TaskCrash);
    const cause = (err as TaskCrash).cause;
    expect(cause).to.be.instanceOf(UndeclaredSymbolError);
    expect((cause as UndeclaredSymbolError).symbol).to.equal('provider_fn');
    expect(describeCrash(err as TaskCrash)).to.match(/^suites\/module\/loader\.spec\.ts:\d+: implicit declaration of provider_fn: the object uses sym\.provider_fn, but its references\(\) does not list it$/);
  });

  it('an import table answers `in`, await, JSON.stringify, util.inspect and Object.prototype members as a plain object: only reading an undeclared name stops the run', async () => {
    let seen: unknown[] = [];
    const user = testModule({
      name: 'user',
      references: [],
      body: (_k, sym) => ({
        init: async () => {
          seen = ['provider_fn' in sym, await Promise.resolve(sym) === sym, typeof sym.hasOwnProperty, String(sym), JSON.stringify(sym), inspect(sym).startsWith('cls {')];
          return 0;
        },
      }),
    });
    const m = machineWith([user], { USER: 'y' });
    expect((await m.bootToIdle()).status).to.equal('idle');
    expect(seen).to.deep.equal([false, true, 'function', '[object Object]', '{}', true]);
  });

  it('refuses a namespaced symbol to a module that does not import the namespace', async () => {
    const provider = testModule({ name: 'provider', exports: [{ symbol: 'ns_fn', gpl: true, namespace: 'CXL' }], body: () => ({ init: () => 0, exports: { ns_fn: () => 0 } }) });
    const user = testModule({ name: 'user', references: ['ns_fn'], body: () => ({ init: () => 0 }) });
    const importer = testModule({ name: 'importer', references: ['ns_fn'], importNs: ['CXL'], body: () => ({ init: () => 0 }) });
    const m = machineWith([provider, user, importer]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('user')).exit).to.equal(1);
    expect(m.kernel.log.contains('user: module uses symbol (ns_fn) from namespace CXL, but does not import it.')).to.equal(true);
    expect((await m.userModprobe('importer')).exit).to.equal(0);
  });

  it('lets only the named modules link against EXPORT_SYMBOL_FOR_MODULES', async () => {
    const provider = testModule({ name: 'dax_hmem_like', exports: [{ symbol: 'flush_fn', forModules: 'dax_cxl' }], body: () => ({ init: () => 0, exports: { flush_fn: () => 0 } }) });
    const allowed = testModule({ name: 'dax_cxl', references: ['flush_fn'], body: () => ({ init: () => 0 }) });
    const other = testModule({ name: 'other', references: ['flush_fn'], body: () => ({ init: () => 0 }) });
    const m = machineWith([provider, allowed, other]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('dax_cxl')).exit).to.equal(0);
    expect((await m.userModprobe('other')).exit).to.equal(1);
    expect(m.kernel.log.contains('other: module uses symbol (flush_fn) from namespace module:dax_cxl, but does not import it.')).to.equal(true);
  });

  it('returns from a module load only after all async work, but not after modules that work made udev load', async () => {
    const events: string[] = [];
    const child = testModule({ name: 'child', aliases: ['platform:child*'], body: () => ({ init: () => (events.push('child loaded'), 0) }) });
    const parent = testModule({
      name: 'parent',
      body: (k) => ({
        init: () => {
          k.async_schedule_dev(async () => {
            await k.msleep(20);
            await k.platform_device_register(new platform_device({ name: 'child', id: 0, dev: { release: () => {} } }));
            events.push('async work done');
          }, null);
          return 0;
        },
      }),
    });
    const m = machineWith([child, parent]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    m.kernel.sched.spawn('modprobe', 'user', async () => {
      await m.modprobe.modprobe('parent');
      events.push('modprobe parent returned');
    });
    await m.kernel.sched.run();
    expect(events).to.deep.equal(['async work done', 'modprobe parent returned', 'child loaded']);
  });
});

describe('module loader: unload', () => {
  it('refuses to remove a module another module uses ("in use")', async () => {
    const provider = testModule({ name: 'provider', exports: [{ symbol: 'p' }], body: () => ({ init: () => 0, exit: () => {}, exports: { p: () => 0 } }) });
    const user = testModule({ name: 'user', references: ['p'], body: () => ({ init: () => 0, exit: () => {} }) });
    const m = machineWith([provider, user]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('user');
    const r = await m.userModprobe('provider', true);
    expect(r.exit).to.equal(1);
    expect(m.modprobe.output.map((l) => l.text)).to.include('modprobe: FATAL: Module provider is in use.');
    expect(m.loader.find('provider')?.state).to.equal('LIVE');
  });

  it('runs exit and frees the module, then removes dependencies nobody uses any more', async () => {
    const events: string[] = [];
    const provider = testModule({ name: 'provider', exports: [{ symbol: 'p' }], body: () => ({ init: () => 0, exit: () => void events.push('provider exit'), exports: { p: () => 0 } }) });
    const user = testModule({ name: 'user', references: ['p'], body: () => ({ init: () => 0, exit: () => void events.push('user exit') }) });
    const m = machineWith([provider, user]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('user');
    const r = await m.userModprobe('user', true);
    expect(r.exit).to.equal(0);
    expect(events).to.deep.equal(['user exit', 'provider exit']);
    expect(m.loader.modules).to.have.length(0);
  });

  it('modprobe after modprobe -r inserts the providers first again (modules.dep is not reordered by the removal)', async () => {
    const order: string[] = [];
    const mk = (name: string, refs: string[], exp: string | null) =>
      testModule({
        name,
        references: refs,
        exports: exp ? [{ symbol: exp }] : [],
        body: () => ({ init: () => (order.push(name), 0), exit: () => {}, exports: exp ? { [exp]: () => 0 } : {} }),
      });
    const m = machineWith([mk('core', [], 'core_fn'), mk('mid', ['core_fn'], 'mid_fn'), mk('top', ['mid_fn'], null)]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    expect((await m.userModprobe('top')).exit).to.equal(0);
    expect((await m.userModprobe('top', true)).exit).to.equal(0);
    expect(m.loader.modules).to.have.length(0);
    const again = await m.userModprobe('top');
    expect(again.exit).to.equal(0);
    expect(order).to.deep.equal(['core', 'mid', 'top', 'core', 'mid', 'top']);
    expect(m.modprobe.output.map((l) => l.text)).to.deep.equal([]);
  });

  it('keeps a driver left registered by a module that was freed as a leftover, and the next device added to its bus oopses reading it', async () => {
    const sloppy = testModule({
      name: 'sloppy',
      body: (k) => {
        const { platform_driver_register } = k;
        return {
          init: async () => platform_driver_register(new (await import('../../framework/drivers/base/platform.js')).platform_driver({ driver: { name: 'sloppy' } })),
          exit: () => {},
        };
      },
    });
    const m = machineWith([sloppy]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('sloppy');
    await m.userModprobe('sloppy', true);
    expect(m.loader.leaks.map((l) => l.what)).to.deep.equal(['driver sloppy of module sloppy still registered on bus platform after the module was freed']);
    // The kernel notices nothing until a bus walk reads the stale driver.
    expect(m.kernel.panic.warnings).to.deep.equal([]);
    const { platform_device } = await import('../../framework/drivers/base/platform.js');
    m.kernel.sched.spawn('insmod', 'user', async () => {
      await m.kernel.platform.platform_device_register(new platform_device({ name: 'late', id: 0 }));
    });
    await m.kernel.sched.run();
    const oops = m.kernel.panic.warnings.map((w) => [w.kind, w.function, w.comm, w.text]);
    expect(oops).to.deep.equal([['oops', 'sloppy', 'insmod', 'driver sloppy of module sloppy read on bus platform after the module was freed']]);
    // driver_match_device() is inlined into its caller: the read of drv->bus faults there.
    expect(m.kernel.dmesg().filter((l) => /#PF: supervisor read access in kernel mode|RIP: 0010:__device_attach_driver$/.test(l))).to.have.length(3);
  });

  it('records a device reference a module took and never dropped', async () => {
    const holder = testModule({
      name: 'holder',
      body: (k) => ({
        init: () => (k.get_device(k.platform_bus), 0),
        exit: () => {},
      }),
    });
    const m = machineWith([holder]);
    await m.bootToIdle();
    m.rootfs.realRootMounted = true;
    await m.userModprobe('holder');
    await m.userModprobe('holder', true);
    expect(m.loader.leaks.map((l) => l.what)).to.deep.equal(['platform: 1 reference taken by holder never dropped']);
  });
});

describe('module loader: udev', () => {
  it('loads the module whose MODULE_ALIAS glob matches a device MODALIAS, after the udev delay', async () => {
    let loadedAt = -1;
    const board = testModule({
      name: 'board',
      body: (k) => ({ init: async () => k.platform_device_register(new platform_device({ name: 'hmem_platform', id: 0, dev: { release: () => {} } })) }),
    });
    const drv = testModule({ name: 'dax_hmem_like', aliases: ['platform:hmem*'], body: (k) => ({ init: () => ((loadedAt = k.msleep === undefined ? -2 : m.kernel.sched.now), 0) }) });
    const m = machineWith([board, drv], { BOARD: 'y' }, { timing: { rootfs: 0, 'udev.delay': 40, modprobe: 0 } });
    await m.bootToIdle();
    expect(m.udevd.events.map((e) => e.modalias)).to.include('platform:hmem_platform');
    expect(loadedAt).to.equal(40_000);
  });
});
