// SPDX-License-Identifier: GPL-2.0-only
/**
 * The lib/Kconfig.debug switches a scenario can set (kshim/Kconfig.env):
 * CONFIG_DEBUG_TEST_DRIVER_REMOVE (each successful probe is undone with the
 * driver's remove and done again) and CONFIG_DEBUG_KOBJECT_RELEASE (the last
 * put_device() releases the device one to four seconds later, from
 * system_wq, with lib/kobject.c's "(delayed N)" line).
 */
import { expect } from 'chai';
import { runScenario } from '../../harness/run.js';
import { parseScenario, ScenarioError, validateScenario } from '../../harness/scenario.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RANGE = { start: '0x850000000', end: '0x284fffffff' };

function hmemOnly(config: Record<string, string>, extra: Record<string, unknown> = {}) {
  return validateScenario({ tree: 'mainline', config, firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [] }, ...extra }, 'debug.json');
}

const text = (dmesg: readonly string[]): string[] => dmesg.map((l) => l.replace(/^\[[ \d.]+\] /, ''));

describe('debug switches: CONFIG_DEBUG_TEST_DRIVER_REMOVE', () => {
  it('is off by default; with it, hmem\'s probe is undone and done again: hmem.0\'s dax0.0 is added twice, and HMEM still owns the range', async () => {
    const plain = await runScenario(hmemOnly({}));
    expect(text(plain.result.dmesg).filter((l) => l === "device: 'dax0.0': device_add")).to.have.length(1);
    const tested = await runScenario(hmemOnly({ DEBUG_TEST_DRIVER_REMOVE: 'y' }));
    expect(text(tested.result.dmesg).filter((l) => l === "device: 'dax0.0': device_add")).to.have.length(2);
    expect(tested.result.softReserved.map((r) => r.owner)).to.deep.equal(['dax_hmem']);
    expect(tested.result.leaks).to.deep.equal([]);
    expect(tested.result.warnings).to.deep.equal([]);
  });
});

describe('debug switches: CONFIG_DEBUG_TEST_DRIVER_REMOVE and the mocked accelerator', () => {
  it('sfc_efx\'s remove unregisters its sfc_cxl.0 child, so the second probe adds a new one (no duplicate sysfs name, no freed device_private on the deferred list), for any timing', async () => {
    const file = fileURLToPath(new URL('../../../scenarios/deferred-probe.json', import.meta.url));
    const scenario = parseScenario(readFileSync(file, 'utf8'), file, { set: { DEBUG_TEST_DRIVER_REMOVE: 'y' } });
    for (const timeMode of ['timed', 'untimed'] as const) {
      const { result } = await runScenario(scenario, { timeMode });
      const d = text(result.dmesg);
      expect(d.filter((l) => l === "Registering platform device 'sfc_cxl.0'. Parent at sfc_efx.0"), timeMode).to.have.length(2);
      expect(d.some((l) => l.startsWith('sysfs: cannot create duplicate filename')), timeMode).to.equal(false);
      expect(d.some((l) => l.includes('probe with driver sfc_efx failed')), timeMode).to.equal(false);
    }
  });
});

describe('debug switches: CONFIG_DEBUG_KOBJECT_RELEASE', () => {
  const UNLOAD = { DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_KMEM: 'm', DEV_DAX_CXL: 'm' };

  it('delays each last put_device() by 1, 2, 3, 4 s in turn, says so as lib/kobject.c does (the parent is gone: device_del() cleared it), and releases the device when the delayed work runs', async () => {
    const { result, machine } = await runScenario(hmemOnly({ ...UNLOAD, DEBUG_KOBJECT_RELEASE: 'y' }, { steps: ['boot', 'modprobe -r dax_hmem'] }));
    const lines = result.dmesg.filter((l) => l.includes('kobject_release'));
    expect(lines.map((l) => l.replace(/^\[[ \d.]+\] /, ''))).to.deep.equal([
      "kobject: 'mapping0' (00000000deadbeef): kobject_release, parent 0000000000000000 (delayed 1000)",
      // device_del() of dax0.0 put its parent: hmem.0's last reference goes before dax0.0's, which mapping0's release drops.
      "kobject: 'hmem.0' (00000000deadbeef): kobject_release, parent 0000000000000000 (delayed 2000)",
      "kobject: 'dax0.0' (00000000deadbeef): kobject_release, parent 0000000000000000 (delayed 3000)",
    ]);
    // mapping0's release, 1 s after its last put, puts dax0.0: that is when dax0.0's line comes.
    const at = (l: string): number => Number(/^\[\s*([\d.]+)\]/.exec(l)![1]);
    expect(at(lines[2]!) - at(lines[0]!)).to.be.closeTo(1, 1e-9);
    const devs = machine!.kernel.base.core.allDevices.filter((d) => ['mapping0', 'dax0.0', 'hmem.0'].includes(d.name ?? ''));
    expect(devs.map((d) => d.released)).to.deep.equal([true, true, true]);
    expect(result.leaks).to.deep.equal([]);
  });

  it('is off by default: the same unload releases at once and prints nothing', async () => {
    const { result } = await runScenario(hmemOnly(UNLOAD, { steps: ['boot', 'modprobe -r dax_hmem'] }));
    expect(result.dmesg.filter((l) => l.includes('kobject_release'))).to.deep.equal([]);
  });

  it('is a Kconfig symbol with a dependency: "DEBUG_KOBJECT_RELEASE": "x" is refused like any other value', () => {
    expect(() => hmemOnly({ DEBUG_KOBJECT_RELEASE: 'x' })).to.throw(ScenarioError, /config.DEBUG_KOBJECT_RELEASE: value "x" is not "y", "m" or "n"/);
  });

  it('catches a release() that runs after its module was freed: dax.ko unloaded (or unloaded and loaded again) in the second before mapping0 is released; the kworker oopses jumping into the freed text', async () => {
    const unloadAll = async (kor: 'y' | 'n', reload = false) => {
      const { machine } = await runScenario(hmemOnly({ ...UNLOAD, DEBUG_KOBJECT_RELEASE: kor }));
      const m = machine!;
      // One task removes the dax users and then the dax bus module, without waiting for anything in between.
      m.kernel.sched.spawn('modprobe', 'user', async () => {
        for (const name of ['dax_hmem', 'kmem', 'device_dax']) await m.modprobe.modprobe(name, { remove: true });
        // Loaded again at once: the release still runs in the text of the load that was freed.
        if (reload) await m.modprobe.modprobe('dax', {});
      });
      await m.kernel.sched.run();
      expect(m.loader.modules.map((x) => x.name).includes('dax')).to.equal(reload);
      const oopses = m.kernel.panic.warnings.filter((w) => w.kind === 'oops');
      return { oopses: oopses.map((w) => `${w.function}: ${w.text ?? ''}`), traces: oopses.map((w) => w.callTrace), dmesg: text(m.kernel.dmesg()) };
    };
    expect((await unloadAll('n')).oopses).to.deep.equal([]);
    // The first delayed release faults and its kworker dies in it: mapping0 never drops its reference on
    // dax0.0, so dev_dax_release() (in the same freed text) is never called at all.
    const MAPPING0 = 'dax_mapping_release: release dax_mapping_release of device mapping0 called after module dax was freed';
    const reloaded = await unloadAll('y', true);
    expect(reloaded.oopses).to.deep.equal([MAPPING0]);
    expect(reloaded.dmesg.filter((l) => l.startsWith('Modules linked in:'))).to.deep.equal(['Modules linked in: dax [last unloaded: dax]']);
    const removed = await unloadAll('y');
    expect(removed.oopses).to.deep.equal([MAPPING0]);
    expect(removed.traces[0]!.slice(0, 4)).to.deep.equal(['device_release', 'kobject_cleanup', 'kobject_delayed_cleanup', 'process_one_work']);
    // x86_64 fills freed module text with INT3: the call traps, RIP one byte past the release's address, the bytes all 0xcc.
    expect(removed.dmesg.filter((l) => /^(Oops: int3: 0000 \[#1\] SMP KASAN NOPTI|Workqueue: events kobject_delayed_cleanup|RIP: 0010:0xffffffffc0[0-9a-f]{6}|Code: (cc ){42}<cc>( cc){21})$/.test(l))).to.have.length(6);
    expect(removed.dmesg).to.include.members([' ? kobject_cleanup', ' ? process_one_work']);
  });
});
