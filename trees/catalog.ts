// SPDX-License-Identifier: GPL-2.0-only
/**
 * The objects a tree builds, in link order, as the Makefiles define them:
 * the mocked platform (PCI, ACPI scan) first, then drivers/dax (hmem/ last
 * or first, per the tree), then drivers/cxl, then what the platform adds
 * for tests (a Type-2 accelerator driver, cxl_test's hmem_test). Each
 * object names the Kconfig symbol that makes it y, m or n.
 */
import type { ModuleDef } from '../framework/kernel/module/types.js';
import { cxl_acpi_c } from '../mocks/cxl/acpi.js';
import { hmem_test_unit } from '../mocks/cxl/hmem_test.js';
import { sfcAccelModule } from '../mocks/cxl/type2.js';
import { core_port_c } from '../mocks/cxl/core.js';
import { core_memdev_c } from '../mocks/cxl/memdev.js';
import { core_mbox_c } from '../mocks/cxl/mbox.js';
import { core_hdm_c } from '../mocks/cxl/hdm.js';
import { cxl_mem_c } from '../mocks/cxl/mem.js';
import { cxl_pci_c } from '../mocks/cxl/pci.js';
import { cxl_port_c } from '../mocks/cxl/port.js';
import { region_c_mock, region_c_mock_87805c32e6ad } from '../mocks/cxl/region.js';
import { acpi_scan_c } from '../mocks/platform/acpi.js';
import type { FirmwareTables } from '../mocks/platform/firmware.js';
import { pci_driver_c } from '../mocks/platform/pci.js';
import { slow_async_c } from '../mocks/platform/slow_async.js';
import { device_c as dax_device_c } from '../drivers/dax/device.js';
import { kmem_c } from '../drivers/dax/kmem.js';
import type { Tree } from './tree.js';

/** What of the firmware decides which objects exist: cxl_test's hmem_test, a Type-2 accelerator driver, another asynchronous driver. */
export type CatalogOptions = Pick<FirmwareTables, 'hmemTest' | 'accelerator' | 'asyncDevice'>;

const catalogs = new Map<Tree, Map<string, readonly ModuleDef[]>>();

/**
 * The objects of `tree`, the same array for every boot with the same
 * options: the units hold no machine state (mocks reach theirs through
 * get_cxl_mock_ops() and platform_firmware()), so the module loader can
 * keep what it derives from a catalogue across boots.
 */
export function buildCatalog(tree: Tree, opts: CatalogOptions = {}): readonly ModuleDef[] {
  let byOpts = catalogs.get(tree);
  if (byOpts === undefined) catalogs.set(tree, (byOpts = new Map()));
  const key = `${opts.hmemTest === true}:${opts.accelerator?.probe ?? ''}:${opts.asyncDevice ? 'async' : ''}`;
  let catalog = byOpts.get(key);
  if (catalog === undefined) byOpts.set(key, (catalog = Object.freeze(linkOrder(tree, opts))));
  return catalog;
}

function linkOrder(tree: Tree, opts: CatalogOptions): ModuleDef[] {
  const f = tree.files;
  const platform: ModuleDef[] = [
    { name: 'pci', config: 'always', object: 'drivers/pci/pci-driver.o', units: [pci_driver_c] },
    { name: 'acpi', config: 'always', object: 'drivers/acpi/scan.o', units: [acpi_scan_c] },
    // Another driver's hardware, linked before drivers/dax (drivers/block, drivers/nvdimm).
    ...(opts.asyncDevice ? [{ name: 'slow_async', config: 'always', object: 'test/slow_async.o', units: [slow_async_c] }] : []),
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
  const assembly = tree.regionAutoAttach === '87805c32e6ad' ? region_c_mock_87805c32e6ad : region_c_mock;
  const cxl: ModuleDef[] = [
    { name: 'cxl_core', config: 'CXL_BUS', object: 'drivers/cxl/core/cxl_core.ko', units: [core_port_c, core_memdev_c, core_mbox_c, core_hdm_c, assembly, ...(region ? [region] : [])] },
    { name: 'cxl_port', config: 'CXL_PORT', object: 'drivers/cxl/cxl_port.ko', units: [cxl_port_c] },
    { name: 'cxl_acpi', config: 'CXL_ACPI', object: 'drivers/cxl/cxl_acpi.ko', units: [cxl_acpi_c] },
    { name: 'cxl_mem', config: 'CXL_MEM', object: 'drivers/cxl/cxl_mem.ko', units: [cxl_mem_c] },
    { name: 'cxl_pci', config: 'CXL_PCI', object: 'drivers/cxl/cxl_pci.ko', units: [cxl_pci_c] },
  ];
  const daxDir = tree.daxMakefile === 'hmem-first' ? [...hmem, ...dax] : [...dax, ...hmem];
  const test: ModuleDef[] = opts.hmemTest
    ? [{ name: 'cxl_test', config: 'always', object: 'tools/testing/cxl/test/hmem_test.o', units: [hmem_test_unit()] }]
    : [];
  // A device driver outside drivers/cxl (drivers/net links after cxl/).
  const accel = opts.accelerator;
  const type2: ModuleDef[] = accel ? [sfcAccelModule(accel.probe)] : [];
  return [...platform, ...daxDir, ...cxl, ...type2, ...test];
}
