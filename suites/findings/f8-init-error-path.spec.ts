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
  it('v8/8: the failed load leaves a reference on hmem_platform.0 taken by dax_hmem, and the work of the freed module oopses when it runs again', async () => {
    const r = await failedInit('v8/8');
    expect(lines(r, 'FAULT_INJECTION: forcing a failure of platform_driver_register(hmem)')).to.have.length(2);
    expect(r.machine!.loader.find('dax_hmem')).to.equal(undefined);
    // Only the first load frees the module under a running work: its process_defer_work is still in
    // wait_for_device_probe() (cxl_pci probing). When the probes are done, the kworker returns into the
    // freed text and dies there; the second load's work runs its walk while hmem_platform is being
    // unregistered and is done before free_module().
    expect(r.result.warnings.map((w) => w.function)).to.deep.equal(['process_defer_work']);
    const [oops] = r.result.warnings;
    // The freed text is INT3 fill (x86_64's execmem ROX cache): the return into it traps.
    expect(oops!.message).to.equal('Oops: int3: 0000 [#1] SMP KASAN NOPTI');
    expect(lines(r, /^RIP: 0010:0xffffffffc0[0-9a-f]{6}$/)).to.have.length(2);
    expect(lines(r, ' ? process_one_work')).to.have.length(1);
    // print_worker_info() can only print the address of a function whose module is gone.
    expect(lines(r, /^Workqueue: events_long 0xffffffffc0[0-9a-f]{6}$/)).to.have.length(1);
    expect(lines(r, /^Modules linked in: .*dax_hmem/)).to.deep.equal([]);
    // Each failed load's hmem_platform probe took its own get_device(): one leak per load; the work never ends.
    expect(r.result.leaks).to.deep.equal([
      `process_defer_work on events_long never finished: ${r.machine!.kernel.panic.warnings[0]!.comm}/${r.machine!.kernel.panic.warnings[0]!.pid} died in it`,
      'hmem_platform.0: 1 reference taken by dax_hmem never dropped',
      'hmem_platform.0: 1 reference taken by dax_hmem never dropped',
    ]);
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
