// SPDX-License-Identifier: GPL-2.0-only
/**
 * What the mocked CXL providers ask the platform, in the manner of
 * tools/testing/cxl's cxl_mock_ops: the firmware tables and, as methods a
 * test can stub with sinon, how long each mocked probe takes.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { Timing, type KnobSpec } from '../../framework/sim/timing.js';
import { Firmware } from '../platform/firmware.js';

/** Probe-duration knobs of the mocks (defaults after cxl_test's initcall_debug figures). */
export const CXL_KNOBS: readonly KnobSpec[] = [
  { name: 'cxl_acpi.probe', default: 20, description: 'cxl_acpi probe: parse CEDT, publish CXL windows, add root decoders' },
  { name: 'cxl_pci.probe', default: 150, description: 'cxl_pci probe of one endpoint (asynchronous): mailbox, media ready, add memdev' },
  { name: 'cxl_mem.probe', default: 100, description: 'cxl_mem probe of one memdev (synchronous): add the endpoint port' },
  { name: 'cxl_port.probe', default: 10, description: 'cxl_port probe of one endpoint (synchronous): enumerate decoders, attach to regions' },
];

@injectable()
export class CxlMockOps {
  constructor(
    @inject(Timing) private readonly timing: Timing,
    @inject(Firmware) readonly firmware: Firmware,
  ) {
    for (const k of CXL_KNOBS) timing.register(k);
  }

  /** ms cxl_acpi's probe takes. */
  acpiProbe(): number {
    return this.timing.get('cxl_acpi.probe');
  }

  /** ms cxl_pci's probe of `dev` takes. */
  pciProbe(_dev: string): number {
    return this.timing.get('cxl_pci.probe');
  }

  /** ms cxl_mem's probe of `dev` takes. */
  memProbe(_dev: string): number {
    return this.timing.get('cxl_mem.probe');
  }

  /** ms cxl_port's probe of `dev` takes. */
  portProbe(_dev: string): number {
    return this.timing.get('cxl_port.probe');
  }
}

/**
 * The ops of the machine running the calling mock, as cxl_test's mocks call
 * get_cxl_mock_ops(): machineFor() lays them into every object's API
 * (ModuleLoader.setPlatformApi). A sinon stub on the machine's CxlMockOps
 * is therefore what the mocks see.
 */
export function get_cxl_mock_ops(k: object): CxlMockOps {
  const ops = (k as { readonly cxl_mock_ops?: CxlMockOps }).cxl_mock_ops;
  if (ops === undefined) throw new Error('kshim: get_cxl_mock_ops: this machine has no CXL mock ops (machineFor() provides them)');
  return ops;
}

export const cxlMockOpsModule = new ContainerModule(({ bind }) => {
  bind(CxlMockOps).toSelf();
});
