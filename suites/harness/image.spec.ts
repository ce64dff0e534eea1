// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel image (framework/image.ts) resolves the explorer's and the
 * benchmark's machines from one container per process. These tests hold it
 * to what a container per boot gives: the same run, schedule for schedule,
 * and nothing shared between two machines.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineFor, resolveConfig, runScenario, type RunOptions } from '../../harness/run.js';
import { parseScenario, type Scenario } from '../../harness/scenario.js';
import { RandomStrategy } from '../../framework/sim/strategy.js';
import { Machine } from '../../framework/machine.js';
import { CxlMockOps } from '../../mocks/cxl/mock_ops.js';
import { Firmware } from '../../mocks/platform/firmware.js';
import { Printk } from '../../framework/kernel/printk.js';

const DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

function scenario(name: string): Scenario {
  return parseScenario(readFileSync(`${DIR}${name}`, 'utf8'), `scenarios/${name}`);
}

/** The JSON of a run, dmesg and schedule id included. */
async function resultOf(s: Scenario, opts: RunOptions): Promise<string> {
  return JSON.stringify((await runScenario(s, opts)).result);
}

/** Every subsystem a machine reaches directly: the objects no other machine may share. */
function subsystems(m: Machine): object[] {
  const k = m.kernel;
  return [m, k, k.sched, k.log, k.panic, k.locking, k.wq, k.async, k.faults, k.base, k.platform, k.resources, k.memregion, k.sysfs, k.numa, k.cmdline, k.lockdep, k.slab, m.config, m.loader, m.kmod, m.modprobe, m.udevd, m.rootfs, m.timing, m.boot, m.get(CxlMockOps), m.get(Firmware)];
}

describe('the kernel image: machines resolved from one container per process', () => {
  it('boots every shipped scenario to the same result, dmesg and schedule id as a container of its own', async () => {
    const names = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(names.length).to.be.greaterThan(20);
    for (const name of names) {
      const s = scenario(name);
      expect(await resultOf(s, { fromImage: true }), name).to.equal(await resultOf(s, {}));
    }
  });

  it('gives the same run as a container of its own for random schedules, timed and untimed (modular mainline, v7 flush)', async () => {
    for (const name of ['mainline-modular.json', 'workqueue-flush-v7.json']) {
      const s = scenario(name);
      for (const timeMode of ['timed', 'untimed'] as const) {
        for (let seed = 1; seed <= 8; seed++) {
          const image = await resultOf(s, { fromImage: true, timeMode, strategy: new RandomStrategy(seed) });
          const own = await resultOf(s, { timeMode, strategy: new RandomStrategy(seed) });
          expect(image, `${name} ${timeMode} seed ${seed}`).to.equal(own);
        }
      }
    }
  });

  it('builds every subsystem afresh for each machine: two machines alive at once share none', () => {
    const s = scenario('mainline-builtin.json');
    const cfg = resolveConfig(s.tree, s.config).values;
    const a = subsystems(machineFor(s, cfg, { fromImage: true }));
    const b = subsystems(machineFor(s, cfg, { fromImage: true }));
    expect(a.length).to.equal(b.length);
    for (let i = 0; i < a.length; i++) expect(a[i], `subsystem ${i} (${a[i]!.constructor.name})`).to.not.equal(b[i]);
  });

  it('wires one machine to itself: the kept services are the ones its subsystems and loader use', () => {
    const s = scenario('mainline-builtin.json');
    const m = machineFor(s, resolveConfig(s.tree, s.config).values, { fromImage: true });
    const ops = m.get(CxlMockOps);
    expect(ops.firmware).to.equal(m.get(Firmware));
    expect(m.kernel.base.sched).to.equal(m.kernel.sched);
    expect(m.kernel.base.wq).to.equal(m.kernel.wq);
    expect(m.kernel.base.slab).to.equal(m.kernel.slab);
  });

  it('leaves a booted machine untouched by the boots after it', async () => {
    const s = scenario('mainline-builtin.json');
    const first = await runScenario(s, { fromImage: true });
    const before = first.machine!.kernel.dmesg().join('\n');
    for (let i = 0; i < 3; i++) await runScenario(s, { fromImage: true });
    expect(first.machine!.kernel.dmesg().join('\n')).to.equal(before);
    expect(first.result.dmesg.join('\n')).to.equal(before);
  });

  it('answers machine.get() only for the services it kept, and says which', () => {
    const s = scenario('mainline-builtin.json');
    const m = machineFor(s, resolveConfig(s.tree, s.config).values, { fromImage: true });
    expect(() => m.get(Printk)).to.throw('Printk is not a service this machine kept: it was resolved from the kernel image, which keeps only CxlMockOps, Firmware');
  });
});
