// SPDX-License-Identifier: GPL-2.0-only
/** What the specs of the mocked CXL stack look at on a machine, and how they load and unload its modules. */
import { expect } from 'chai';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import type { Machine } from '../../framework/machine.js';
import { machineFor, resolveConfig } from '../../harness/run.js';
import type { Scenario } from '../../harness/scenario.js';
import { Firmware } from '../../mocks/platform/firmware.js';

/** Devices registered on the cxl bus, "name driver" (or "name -" when unbound), sorted by name. */
export function cxlBus(m: Machine): string[] {
  return m.kernel.base.core.allDevices
    .filter((d) => d.state_in_sysfs && d.bus?.name === 'cxl')
    .map((d) => `${d.name} ${d.driver?.name ?? '-'}`)
    .sort();
}

/** modprobe [-r] `module` as userspace would, expecting exit 0 and an idle machine afterwards. */
export async function modprobeOk(m: Machine, module: string, remove = false): Promise<void> {
  const { exit, outcome } = await m.userModprobe(module, remove);
  expect(exit, `modprobe ${remove ? '-r ' : ''}${module}`).to.equal(0);
  expect(outcome.status).to.equal('idle');
}

/** The kernel log without its timestamps. */
export function dmesgText(m: Machine): string[] {
  return m.kernel.dmesg().map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
}

/** `scenario`'s machine booted to idle, with `faults` injected from the start. */
export async function bootedMachine(scenario: Scenario, faults: readonly FaultRule[] = []): Promise<Machine> {
  const m = machineFor(scenario, resolveConfig(scenario.tree, scenario.config).values);
  m.get(Firmware).apply();
  for (const f of faults) m.kernel.faults.add(f);
  expect((await m.bootToIdle({ initramfs: scenario.initramfs })).status).to.equal('idle');
  return m;
}
