// SPDX-License-Identifier: GPL-2.0-only
/** What the specs of the mocked CXL stack look at on a machine, and how they load and unload its modules. */
import { expect } from 'chai';
import type { Machine } from '../../framework/machine.js';

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
