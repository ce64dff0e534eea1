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
import { Container, ContainerModule, injectable } from 'inversify';
import { Machine, machineModules } from '../../framework/machine.js';
import { KernelImage } from '../../framework/image.js';
import { Explorer } from '../../harness/explore/explorer.js';
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

/** Every object a machine reaches through properties, Map and Set entries (not through functions' closures). */
function reachable(root: object): Set<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const o = stack.pop();
    if (o === null || typeof o !== 'object' || seen.has(o)) continue;
    seen.add(o);
    if (o instanceof Map) for (const [k, v] of o) stack.push(k, v);
    else if (o instanceof Set) for (const v of o) stack.push(v);
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d !== undefined && 'value' in d) stack.push(d.value);
    }
  }
  return seen;
}

/** The objects two booted machines of `s` share (tables of the scenario and the build, constants), both alive at once. */
async function sharedByTwo(s: Scenario, fromImage: boolean): Promise<Set<object>> {
  const a = reachable((await runScenario(s, { fromImage })).machine!);
  const b = reachable((await runScenario(s, { fromImage })).machine!);
  return new Set([...a].filter((o) => b.has(o)));
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

  it('builds every subsystem afresh for each machine: two machines of the image share no more objects than two machines of containers of their own', async () => {
    for (const name of ['mainline-builtin.json', 'mainline-modular.json', 'cmdline-modular.json']) {
      const s = scenario(name);
      const own = await sharedByTwo(s, false);
      const image = await sharedByTwo(s, true);
      const onlyImage = [...image].filter((o) => !own.has(o)).map((o) => o.constructor?.name ?? 'Object');
      expect(onlyImage, name).to.deep.equal([]);
      // What both share is the build's and the scenario's: tables, never a subsystem.
      expect([...image].some((o) => o instanceof Machine), name).to.equal(false);
    }
  });

  it('explores to the same report as machines in containers of their own: schedules, outcome classes, shrunk ids (modular mainline, v7 flush)', async () => {
    for (const name of ['mainline-modular.json', 'workqueue-flush-v7.json']) {
      const s = scenario(name);
      const image = await new Explorer(s, { strategy: 'exhaustive', runs: 2000 }).explore();
      const own = await new Explorer(s, { strategy: 'exhaustive', runs: 2000, fromImage: false }).explore();
      expect(image.schedulesExplored, name).to.be.greaterThan(1);
      expect(JSON.stringify(image), name).to.equal(JSON.stringify(own));
    }
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

  it('leaves a booted machine untouched by the boots after it: dmesg, /proc/iomem, leaks', async () => {
    const s = scenario('mainline-builtin.json');
    const first = await runScenario(s, { fromImage: true });
    const k = first.machine!.kernel;
    const state = () => JSON.stringify({ dmesg: k.dmesg(), iomem: k.resources.proc_iomem(), leaks: k.leaks(), devices: k.base.core.allDevices.length });
    const before = state();
    for (let i = 0; i < 3; i++) await runScenario(s, { fromImage: true });
    expect(state()).to.equal(before);
    expect(first.result.dmesg).to.deep.equal(k.dmesg());
  });

  it('boots again after a resolution that threw', () => {
    let failures = 1;
    @injectable()
    class FlakyMock {
      constructor() {
        if (failures-- > 0) throw new Error('probe of the mock failed');
      }
    }
    const image = new KernelImage([new ContainerModule(({ bind }) => void bind(FlakyMock).toSelf())], [FlakyMock]);
    expect(() => image.boot()).to.throw('probe of the mock failed');
    const m = image.boot();
    expect(m.get(FlakyMock)).to.be.an.instanceof(FlakyMock);
    expect(m.kernel.dmesg()[0]).to.match(/\] Linux version /);
  });

  it('refuses a kernel built in a container of inversify\'s default (Transient) scope, which would give each user its own subsystems', () => {
    const c = new Container();
    c.load(...machineModules());
    expect(() => c.get(Machine)).to.throw(/subsystems were built more than once/);
  });

  it('answers machine.get() only for the services it kept, and says which; nothing once powered off', () => {
    const s = scenario('mainline-builtin.json');
    const m = machineFor(s, resolveConfig(s.tree, s.config).values, { fromImage: true });
    expect(() => m.get(Printk)).to.throw('Printk is not a service this machine kept: it was resolved from the kernel image, which keeps only CxlMockOps, Firmware');
    m.powerOff();
    expect(() => m.get(Firmware)).to.throw(/powered off/);
  });
});
