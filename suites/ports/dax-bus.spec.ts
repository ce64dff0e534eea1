// SPDX-License-Identifier: GPL-2.0-only
/**
 * What the dax core and device_dax do around the series' code: device_dax
 * reserves the ranges it maps in iomem (drivers/dax/device.c), and dax.ko
 * takes the dax bus away when it is unloaded (dax_core_exit in super.c).
 */
import { expect } from 'chai';
import { runScenario } from '../../harness/run.js';
import { MODULAR } from '../../harness/expectations.js';
import { validateScenario, type Tristate } from '../../harness/scenario.js';

/** One Soft Reserved range outside any CXL window: dax_hmem registers it at once. */
function plainRange(config: Record<string, Tristate>, steps: string[]) {
  return validateScenario({ tree: 'mainline', config, firmware: { softReserved: [{ start: '0x100000000', end: '0x13fffffff' }] }, steps }, 'dax-bus.json');
}

describe('ports: the dax core and device_dax', () => {
  it('device_dax (DEV_DAX_KMEM=n) reserves the range of dax0.0 in iomem under its name, and the reservation goes with the unbind', async () => {
    const config = { ...MODULAR, DEV_DAX_KMEM: 'n' } as Record<string, Tristate>;
    const bound = await runScenario(plainRange(config, ['boot']));
    expect(bound.result.iomem).to.equal('100000000-13fffffff : dax0.0\n');
    expect(bound.result.warnings).to.deep.equal([]);

    const unbound = await runScenario(plainRange(config, ['boot', 'modprobe -r device_dax']));
    expect(unbound.result.dmesg.join('\n')).to.contain("bus: 'dax': remove driver device_dax");
    expect(unbound.result.iomem).to.equal('');
  });

  it('device_dax whose iomem reservation fails (injected at __request_region): "mapping0: ... could not reserve range" and the probe fails -EBUSY', async () => {
    const config = { ...MODULAR, DEV_DAX_KMEM: 'n' } as Record<string, Tristate>;
    const s = plainRange(config, ['boot']);
    // The first request under that name is the dev_dax's own range in its dax region; the second is device_dax's.
    const r = await runScenario(s, { faults: [{ function: '__request_region', match: 'dax0.0', nth: 2 }] });
    const dmesg = r.result.dmesg.join('\n');
    expect(dmesg).to.contain('device_dax dax0.0: mapping0: 0x100000000-0x13fffffff could not reserve range');
    expect(dmesg).to.contain('device_dax dax0.0: probe with driver device_dax failed with error -16');
    expect(r.result.iomem).to.equal('');
  });

  it('dax.ko unloads once its last user is gone: dax_core_exit unregisters the dax bus', async () => {
    const r = await runScenario(plainRange({ ...MODULAR }, ['boot', 'modprobe -r kmem', 'modprobe -r dax_hmem', 'modprobe -r device_dax']));
    const mods = r.machine!.loader.modules.map((m) => m.name);
    expect(mods).to.not.include('dax');
    expect(r.result.dmesg.at(-1)).to.match(/bus: 'dax': unregistering$/);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('kmem: when the hot-add cannot claim its System RAM node, "memory add failed" and the probe fails with the -EEXIST of register_memory_resource()', async () => {
    const r = await runScenario(plainRange({ ...MODULAR }, ['boot']), { faults: [{ function: '__request_region', match: 'System RAM (kmem)' }] });
    const dmesg = r.result.dmesg.join('\n');
    expect(dmesg).to.contain('kmem dax0.0: mapping0: 0x100000000-0x13fffffff memory add failed');
    expect(dmesg).to.contain('kmem dax0.0: probe with driver kmem failed with error -17');
    expect(r.result.iomem).to.equal('');
  });
});

