// SPDX-License-Identifier: GPL-2.0-only
/**
 * The objects a tree builds, in link order, as the Makefiles define them:
 * the mocked platform (PCI, ACPI scan) first, then drivers/dax (hmem/ last
 * or first, per the tree), then drivers/cxl, then what the platform adds
 * for tests (a Type-2 accelerator driver, cxl_test's hmem_test). Each
 * object names the Kconfig symbol that makes it y, m or n.
 */
import type { ModuleDef } from '../framework/kernel/module/types.js';
import { cxl_acpi_unit } from '../mocks/cxl/acpi.js';
import { hmem_test_unit } from '../mocks/cxl/hmem_test.js';
import { sfcAccelModule } from '../mocks/cxl/type2.js';
import { core_port_c } from '../mocks/cxl/core.js';
import { cxl_mem_unit } from '../mocks/cxl/mem.js';
import type { CxlMockOps } from '../mocks/cxl/mock_ops.js';
import { cxl_pci_unit } from '../mocks/cxl/pci.js';
import { cxl_port_unit } from '../mocks/cxl/port.js';
import { region_c_mock } from '../mocks/cxl/region.js';
import { acpi_scan_unit } from '../mocks/platform/acpi.js';
import { pci_core_unit } from '../mocks/platform/pci.js';
import { device_c as dax_device_c } from '../drivers/dax/device.js';
import { kmem_c } from '../drivers/dax/kmem.js';
import type { Tree } from './tree.js';

export function buildCatalog(tree: Tree, ops: CxlMockOps): ModuleDef[] {
  const f = tree.files;
  const platform: ModuleDef[] = [
    { name: 'pci', config: 'always', object: 'drivers/pci/pci-driver.o', units: [pci_core_unit(ops.firmware)] },
    { name: 'acpi', config: 'always', object: 'drivers/acpi/scan.o', units: [acpi_scan_unit(ops.firmware)] },
  ];
  const hmem: ModuleDef[] = [
    { name: 'device_hmem', config: 'DEV_DAX_HMEM_DEVICES', object: 'drivers/dax/hmem/device_hmem.ko', units: [f['drivers/dax/hmem/device.c']] },
    { name: 'dax_hmem', config: 'DEV_DAX_HMEM', object: 'drivers/dax/hmem/dax_hmem.ko', units: [f['drivers/dax/hmem/hmem.c']] },
  ];
  const dax: ModuleDef[] = [
    { name: 'dax', config: 'DAX', object: 'drivers/dax/dax.ko', units: [f['drivers/dax/bus.c']] },
    { name: 'device_dax', config: 'DEV_DAX', object: 'drivers/dax/device_dax.ko', units: [dax_device_c] },
    { name: 'kmem', config: 'DEV_DAX_KMEM', object: 'drivers/dax/kmem.ko', units: [kmem_c] },
    { name: 'dax_cxl', config: 'DEV_DAX_CXL', object: 'drivers/dax/dax_cxl.ko', units: [f['drivers/dax/cxl.c']] },
  ];
  const region = f['drivers/cxl/core/region.c'];
  const cxl: ModuleDef[] = [
    { name: 'cxl_core', config: 'CXL_BUS', object: 'drivers/cxl/core/cxl_core.ko', units: [core_port_c, region_c_mock, ...(region ? [region] : [])] },
    { name: 'cxl_port', config: 'CXL_PORT', object: 'drivers/cxl/cxl_port.ko', units: [cxl_port_unit(ops)] },
    { name: 'cxl_acpi', config: 'CXL_ACPI', object: 'drivers/cxl/cxl_acpi.ko', units: [cxl_acpi_unit(ops)] },
    { name: 'cxl_mem', config: 'CXL_MEM', object: 'drivers/cxl/cxl_mem.ko', units: [cxl_mem_unit(ops)] },
    { name: 'cxl_pci', config: 'CXL_PCI', object: 'drivers/cxl/cxl_pci.ko', units: [cxl_pci_unit(ops)] },
  ];
  const daxDir = tree.daxMakefile === 'hmem-first' ? [...hmem, ...dax] : [...dax, ...hmem];
  const test: ModuleDef[] = ops.firmware.tables.hmemTest
    ? [{ name: 'cxl_test', config: 'always', object: 'tools/testing/cxl/test/hmem_test.o', units: [hmem_test_unit()] }]
    : [];
  // A device driver outside drivers/cxl (drivers/net links after cxl/).
  const accel = ops.firmware.tables.accelerator;
  const type2: ModuleDef[] = accel ? [sfcAccelModule(accel.probe)] : [];
  return [...platform, ...daxDir, ...cxl, ...type2, ...test];
}
