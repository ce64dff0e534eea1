// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { runScenario, strategyFor } from '../../harness/run.js';
import { decodeSchedule, encodeSchedule } from '../../harness/schedule.js';
import { validateScenario } from '../../harness/scenario.js';
import { RandomStrategy } from '../../framework/sim/strategy.js';
import { Firmware } from '../../mocks/platform/firmware.js';
import { withoutCxlRegion } from './trees.js';

const MODULAR = { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', DEV_DAX_KMEM: 'm' };
const RANGE = { start: '0x850000000', end: '0x284fffffff' };

function cover(assembly: 'commit' | 'fail', extra: Record<string, unknown> = {}) {
  return validateScenario(
    {
      tree: 'mainline',
      config: MODULAR,
      firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [RANGE] },
      cxl: { regions: [{ ...RANGE, assembly }] },
      initramfs: ['cxl_core', 'cxl_port', 'cxl_acpi'],
      ...extra,
    },
    'test.json',
  );
}

describe('kshim run: the result of a scenario', () => {
  it('has exactly the fields of the JSON contract', async () => {
    const { result } = await runScenario(cover('commit'));
    expect(Object.keys(result)).to.deep.equal(['tree', 'config', 'build', 'softReserved', 'daxRegions', 'iomem', 'warnings', 'leaks', 'dmesg', 'schedule']);
    expect(Object.keys(result.config)).to.deep.equal(['values', 'adjusted', 'unknown']);
    expect(result.build).to.deep.equal({ ok: true, errors: [] });
  });

  it('reports dax_cxl as the owner of a range a committed region contains, with the region path of the contract', async () => {
    const { result } = await runScenario(cover('commit'));
    expect(result.softReserved).to.deep.equal([{ start: '0x850000000', end: '0x284fffffff', owner: 'dax_cxl' }]);
    expect(result.daxRegions).to.deep.equal([
      { id: 0, start: '0x850000000', end: '0x284fffffff', owner: 'dax_cxl', path: 'platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0' },
    ]);
  });

  it('shows cover-letter scenario [1] in /proc/iomem: window, region, dax device, System RAM (kmem)', async () => {
    const { result } = await runScenario(cover('commit'));
    expect(result.iomem).to.equal(
      '850000000-284fffffff : CXL Window 0\n  850000000-284fffffff : region0\n    850000000-284fffffff : dax0.0\n      850000000-284fffffff : System RAM (kmem)\n',
    );
  });

  it('reports dax_hmem when the region assembly fails, under hmem_platform.0 (mainline parents hmem.N)', async () => {
    const { result } = await runScenario(cover('fail'));
    expect(result.softReserved[0]!.owner).to.equal('dax_hmem');
    expect(result.daxRegions[0]!.path).to.match(/^platform\/hmem_platform\.0\/hmem\.\d+$/);
    expect(result.warnings).to.deep.equal([]);
  });

  it('starts dmesg with the banner of start_kernel(), at KERN_NOTICE (pr_notice), before driver_init() registers the platform bus', async () => {
    const { result, machine } = await runScenario(cover('commit'));
    expect(result.dmesg[0]).to.equal('[    0.000000] Linux version 7.0.0-kshim (kshim) #1 SMP PREEMPT_DYNAMIC');
    expect(machine!.kernel.log.records[0]!.level).to.equal(5);
    expect(result.dmesg.findIndex((l) => l.includes("bus: 'platform': registered"))).to.be.greaterThan(0);
  });

  it('gives byte-identical output on every run', async () => {
    const a = JSON.stringify((await runScenario(cover('commit'))).result);
    const b = JSON.stringify((await runScenario(cover('commit'))).result);
    expect(a).to.equal(b);
  });

  it('prints a schedule id that replays the run exactly, also for a randomised schedule', async () => {
    const first = await runScenario(cover('commit'), { strategy: new RandomStrategy(7) });
    const spec = decodeSchedule(first.result.schedule);
    const replay = await runScenario(cover('commit'), { strategy: strategyFor(spec) });
    expect(replay.result.schedule).to.equal(first.result.schedule);
    expect(replay.result.dmesg).to.deep.equal(first.result.dmesg);
    expect(first.result.schedule).to.not.equal('t.');
  });

  it('encodes only deviations from the default order in a schedule id', () => {
    expect(encodeSchedule('timed', [0, 0, 0])).to.equal('t.');
    const id = encodeSchedule('untimed', [0, 2, 0, 11]);
    expect(decodeSchedule(id)).to.deep.equal({ timeMode: 'untimed', deviations: new Map([[1, 2], [3, 11]]) });
  });

  it('reports config values Kconfig had to change, with the expression that limited them', async () => {
    const s = validateScenario({ tree: 'mainline', config: { CXL_ACPI: 'm', DEV_DAX_HMEM: 'y' }, firmware: { softReserved: [RANGE] } }, 'x.json');
    const { result } = await runScenario(s);
    expect(result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
    expect(result.config.values['DEV_DAX_HMEM']).to.equal('m');
  });

  it('lists symbols the tree does not know (another tree has them) in config.unknown', async () => {
    const s = validateScenario({ tree: 'mainline', config: { CXL_REGION: 'y' }, firmware: { softReserved: [RANGE] } }, 'x.json');
    const { result } = await runScenario({ ...s, tree: withoutCxlRegion });
    expect(result.config.unknown).to.deep.equal(['CXL_REGION']);
  });

  it('reports each step after boot with its exit status and what its modprobe printed (not in the JSON result)', async () => {
    const s = validateScenario(
      { tree: 'mainline', config: { ...MODULAR, DEV_DAX_CXL: 'n' }, firmware: { softReserved: [RANGE] }, steps: ['boot', 'modprobe dax_cxl', 'modprobe -r device_hmem', 'modprobe -r kmem', 'modprobe kmem'] },
      'x.json',
    );
    const run = await runScenario(s);
    expect(run.steps).to.deep.equal([
      { command: 'modprobe dax_cxl', exit: 1, output: ['modprobe: FATAL: Module dax_cxl not found in directory /lib/modules/7.0.0-kshim'] },
      // DEV_DAX_HMEM_DEVICES is a bool: device_hmem is built in.
      { command: 'modprobe -r device_hmem', exit: 1, output: ['modprobe: FATAL: Module device_hmem is builtin.'] },
      { command: 'modprobe -r kmem', exit: 0, output: [] },
      { command: 'modprobe kmem', exit: 0, output: [] },
    ]);
    expect(Object.keys(run.result)).to.not.include('steps');
  });

  it('a step "modprobe -r A B ..." is one modprobe task that removes each in turn, going on after one fails: exit 1, and the others are gone', async () => {
    const s = validateScenario({ tree: 'mainline', config: MODULAR, firmware: { softReserved: [RANGE] }, steps: ['boot', 'modprobe -r dax_hmem device_hmem kmem device_dax'] }, 'x.json');
    const run = await runScenario(s);
    expect(run.steps).to.deep.equal([{ command: 'modprobe -r dax_hmem device_hmem kmem device_dax', exit: 1, output: ['modprobe: FATAL: Module device_hmem is builtin.'] }]);
    expect(run.machine!.loader.modules.map((m) => m.name)).to.not.include.members(['dax_hmem', 'kmem', 'device_dax', 'dax']);
    // One task: the modprobe -r tasks of the run.
    expect(run.machine!.kernel.sched.allTasks().filter((t) => t.kind === 'user' && t.comm === 'modprobe')).to.have.length(1);
  });

  it('DEBUG_KOBJECT_RELEASE: in one step, dax.ko goes before mapping0\'s delayed release runs, which oopses in the freed text; in three steps, each runs until idle and the releases run in between', async () => {
    const config = { ...MODULAR, DEBUG_KOBJECT_RELEASE: 'y' };
    const one = await runScenario(validateScenario({ tree: 'mainline', config, firmware: { softReserved: [RANGE], cfmws: [] }, steps: ['boot', 'modprobe -r dax_hmem kmem device_dax'] }, 'x.json'));
    expect(one.result.warnings.map((w) => [w.function, w.message])).to.deep.equal([['dax_mapping_release', 'Oops: int3: 0000 [#1] SMP KASAN NOPTI']]);
    expect(one.result.dmesg.some((l) => l.endsWith('RIP: 0010:0xffffffffc0004591'))).to.equal(true);
    const three = await runScenario(validateScenario({ tree: 'mainline', config, firmware: { softReserved: [RANGE], cfmws: [] }, steps: ['boot', 'modprobe -r dax_hmem', 'modprobe -r kmem', 'modprobe -r device_dax'] }, 'x.json'));
    expect(three.result.warnings).to.deep.equal([]);
    expect(three.steps!.map((st) => `${st.command}: ${st.exit}`)).to.deep.equal(['modprobe -r dax_hmem: 0', 'modprobe -r kmem: 0', 'modprobe -r device_dax: 0']);
  });

  it('links the Type-2 accelerator of "accelerator" after drivers/cxl, built in: it needs a built-in cxl_mem to link', async () => {
    const acc = (config: Record<string, string>) => validateScenario({ tree: 'mainline', config, firmware: { cfmws: [RANGE] }, accelerator: { probe: 'use' } }, 'x.json');
    const run = await runScenario(acc({}), { trace: true });
    expect(run.machine!.loader.isBuiltin('sfc_accel')).to.equal(true);
    expect(run.result.dmesg).to.include('[    0.144000] sfc_efx sfc_efx.0: mem0: using CXL endpoint endpoint2');
    const initcalls = run.machine!.kernel.sched.trace.spans.filter((x) => x.kind === 'initcall').map((x) => x.name);
    expect(initcalls.indexOf('sfc_init')).to.be.greaterThan(initcalls.indexOf('cxl_pci_driver_init'));
    const none = await runScenario(validateScenario({ tree: 'mainline', firmware: { cfmws: [RANGE] } }, 'x.json'));
    expect(none.result.dmesg.some((l) => l.includes('sfc_efx'))).to.equal(false);
    const modular = await runScenario(acc({ CXL_PCI: 'm', CXL_MEM: 'm' }));
    expect(modular.result.build).to.deep.equal({ ok: false, errors: ["ld: test/sfc_accel.o: undefined reference to `devm_cxl_add_memdev'"] });
  });
});

describe('kshim run: a configuration kshim cannot model', () => {
  it('EFI_SOFT_RESERVE=n with Soft Reserved ranges is refused, naming where it was asked for, or that a dependency turned it off; without ranges it boots', async () => {
    const refusal = async (config: Record<string, string>, overrides: { set?: Record<string, string> } = {}): Promise<string> => {
      try {
        await runScenario(validateScenario({ tree: 'mainline', config, firmware: { softReserved: [RANGE], cfmws: [RANGE] } }, 'x.json', overrides));
      } catch (e) {
        return (e as Error).message;
      }
      return 'booted';
    };
    expect(await refusal({ EFI_SOFT_RESERVE: 'n' })).to.equal('x.json: config.EFI_SOFT_RESERVE: EFI_SOFT_RESERVE is n: the kernel would then boot the firmware.softReserved ranges as System RAM, which kshim does not model; keep EFI_SOFT_RESERVE=y, or give no softReserved ranges');
    expect(await refusal({}, { set: { EFI_SOFT_RESERVE: 'n' } })).to.match(/^--set EFI_SOFT_RESERVE=n: EFI_SOFT_RESERVE is n: /);
    expect(await refusal({ EFI: 'n' })).to.match(/^x\.json: config: EFI_SOFT_RESERVE is n \(a symbol it depends on is off\): /);
    const none = await runScenario(validateScenario({ tree: 'mainline', config: { EFI_SOFT_RESERVE: 'n' }, firmware: { cfmws: [RANGE] } }, 'x.json'));
    expect(none.result.build.ok).to.equal(true);
  });
});

describe('kshim run: powering the machine off after the run (explorer and bench)', () => {
  it('gives the same result, and dmesg is still rendered when first read', async () => {
    const kept = await runScenario(cover('fail'));
    const off = await runScenario(cover('fail'), { powerOff: true });
    expect(off.result.softReserved).to.deep.equal(kept.result.softReserved);
    expect(off.result.schedule).to.equal(kept.result.schedule);
    expect(off.result.dmesg).to.deep.equal(kept.result.dmesg);
    expect(off.result.dmesg.some((l) => l.includes('CXL did not claim resource'))).to.equal(true);
  });

  it("leaves the machine's objects readable but its container empty", async () => {
    const kept = await runScenario(cover('commit'));
    const { machine } = await runScenario(cover('commit'), { powerOff: true });
    // The scheduler and /proc/iomem of the powered-off machine read as those of the same boot kept running.
    expect(machine!.kernel.sched.stepCount).to.equal(kept.machine!.kernel.sched.stepCount);
    expect(machine!.kernel.resources.proc_iomem()).to.equal(kept.machine!.kernel.resources.proc_iomem());
    expect(machine!.kernel.resources.proc_iomem()).to.contain('CXL Window 0');
    expect(() => machine!.get(Firmware)).to.throw(/powered off/);
  });

  it('keeps the container of a run that was not powered off: its firmware still answers with the scenario\'s tables', async () => {
    const { machine } = await runScenario(cover('fail'));
    const fw = machine!.get(Firmware);
    expect(fw.tables.cfmws).to.deep.equal([{ start: 0x850000000, end: 0x284fffffff }]);
    // One auto region of two targets whose assembly fails: the second memdev is missing.
    expect(fw.memdevs()).to.deep.equal([
      { region: 0, position: 0, present: true },
      { region: 0, position: 1, present: false },
    ]);
  });
});
