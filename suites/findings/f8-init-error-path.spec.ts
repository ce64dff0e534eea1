// SPDX-License-Identifier: GPL-2.0-only
/**
 * F8 (the sashiko.dev review of v8, Jonathan and Smita in the thread): if
 * platform_driver_register(&dax_hmem_driver) fails in dax_hmem_init()
 * after the hmem_platform probe already queued the work and took its
 * device reference, nothing flushes the work or drops the reference: the
 * module is freed with the work still in flight and hmem_platform.0
 * keeps a reference dax_hmem took. Mainline's init unwinds through
 * err_driver (unregister the platform driver) and err_platform_driver
 * (destroy_workqueue() drains dax_hmem_wq; each queued work drops its own
 * reference).
 *
 * The machine is base expectation E1's: the range is inside CXL Window 0,
 * so the hmem_platform probe queues the work. Every registration of the
 * "hmem" driver fails (fail_function on platform_driver_register, keyed by
 * driver name); udev and dax_cxl's dependency try to load dax_hmem twice.
 */
import { expect } from 'chai';
import { runScenario } from '../../harness/run.js';
import { baseScenario } from '../../harness/expectations.js';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import { lines } from '../patches/fixture.js';

const HMEM_DRIVER_FAILS: FaultRule[] = [{ function: 'platform_driver_register', match: 'hmem' }];

function failedInit(tree: string) {
  return runScenario(baseScenario('E1', tree), { faults: HMEM_DRIVER_FAILS });
}

describe('F8: the dax_hmem_init() error path after the hmem_platform probe queued work (v8, fixed in mainline)', () => {
  it('v8/8: the failed load leaves a reference on hmem_platform.0 taken by dax_hmem, and the work of the freed module still running', async () => {
    const r = await failedInit('v8/8');
    expect(lines(r, 'FAULT_INJECTION: forcing a failure of platform_driver_register(hmem)')).to.have.length(2);
    expect(r.machine!.loader.find('dax_hmem')).to.equal(undefined);
    // Each failed load's hmem_platform probe took its own get_device(): one leak per load.
    expect(r.result.leaks).to.deep.equal([
      'hmem_platform.0: 1 reference taken by dax_hmem never dropped',
      'hmem_platform.0: 1 reference taken by dax_hmem never dropped',
    ]);
    // Only the first load frees the module under a running work: its process_defer_work is still in
    // wait_for_device_probe() (cxl_pci probing). The second load's work runs its walk while
    // hmem_platform is being unregistered and is done before free_module().
    expect(r.result.warnings.map((w) => [w.function, w.message])).to.deep.equal([['free_module', 'BUG: KASAN: slab-use-after-free in free_module']]);
    expect(lines(r, 'work process_defer_work of module dax_hmem is still running after the module was freed')).to.have.length(1);
  });

  it('mainline: the same failure unregisters hmem_platform and drains dax_hmem_wq; no reference is left and nothing runs after the module is gone', async () => {
    const r = await failedInit('mainline');
    expect(lines(r, 'FAULT_INJECTION: forcing a failure of platform_driver_register(hmem)')).to.have.length(2);
    expect(lines(r, "bus: 'platform': remove driver hmem_platform")).to.have.length(2);
    expect(r.machine!.loader.find('dax_hmem')).to.equal(undefined);
    expect(r.result.leaks).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
  });
});
