// SPDX-License-Identifier: GPL-2.0-only
/**
 * drivers/dax/Kconfig in the three states the series passes through, each
 * complete. Modelled on torvalds/linux drivers/dax/Kconfig; help texts are
 * left out, nothing else is.
 *
 * - base: v7.0-rc4 (f338e7738378), before the series.
 * - v8-3: v8 3/9 (7b4bcaadfe00, the same hunk as v7 1/7) adds
 *   `depends on CXL_ACPI >= DEV_DAX_HMEM` and
 *   `depends on CXL_PCI >= DEV_DAX_HMEM` to DEV_DAX_CXL.
 * - mainline: 1eaef15b2349 ("dax/cxl: Fix HMEM dependencies") drops the
 *   `>=` lines, puts `X || !X` for CXL_ACPI, CXL_PCI and CXL_BUS on
 *   DEV_DAX_HMEM and `DEV_DAX_HMEM || !DEV_DAX_HMEM` on DEV_DAX_CXL. The
 *   new lines' placement (after `default`, like v8's) is inferred; the
 *   diffstat and a later tree agree, the commit itself was not read.
 */

/** The path messages name for this file. */
export const DRIVERS_DAX_KCONFIG_FILE = 'drivers/dax/Kconfig';

/** drivers/dax/Kconfig at v7.0-rc4, before the series. */
export const DRIVERS_DAX_KCONFIG_BASE = `\
# SPDX-License-Identifier: GPL-2.0-only
menuconfig DAX
	tristate "DAX: direct access to differentiated memory"
	default m if NVDIMM_DAX

if DAX

config DEV_DAX
	tristate "Device DAX: direct access mapping device"
	depends on TRANSPARENT_HUGEPAGE

config DEV_DAX_PMEM
	tristate "PMEM DAX: direct access to persistent memory"
	depends on LIBNVDIMM && NVDIMM_DAX && DEV_DAX
	default DEV_DAX

config DEV_DAX_HMEM
	tristate "HMEM DAX: direct access to 'specific purpose' memory"
	depends on EFI_SOFT_RESERVE
	select NUMA_KEEP_MEMINFO if NUMA_MEMBLKS
	default DEV_DAX

config DEV_DAX_CXL
	tristate "CXL DAX: direct access to CXL RAM regions"
	depends on CXL_BUS && CXL_REGION && DEV_DAX
	default CXL_REGION && DEV_DAX

config DEV_DAX_HMEM_DEVICES
	depends on DEV_DAX_HMEM && DAX
	def_bool y

config DEV_DAX_KMEM
	tristate "KMEM DAX: map dax-devices as System-RAM"
	default DEV_DAX
	depends on DEV_DAX
	depends on MEMORY_HOTPLUG # for add_memory() and friends

endif
`;

/** drivers/dax/Kconfig after v8 3/9: the `>=` lines on DEV_DAX_CXL. */
export const DRIVERS_DAX_KCONFIG_V8_3 = `\
# SPDX-License-Identifier: GPL-2.0-only
menuconfig DAX
	tristate "DAX: direct access to differentiated memory"
	default m if NVDIMM_DAX

if DAX

config DEV_DAX
	tristate "Device DAX: direct access mapping device"
	depends on TRANSPARENT_HUGEPAGE

config DEV_DAX_PMEM
	tristate "PMEM DAX: direct access to persistent memory"
	depends on LIBNVDIMM && NVDIMM_DAX && DEV_DAX
	default DEV_DAX

config DEV_DAX_HMEM
	tristate "HMEM DAX: direct access to 'specific purpose' memory"
	depends on EFI_SOFT_RESERVE
	select NUMA_KEEP_MEMINFO if NUMA_MEMBLKS
	default DEV_DAX

config DEV_DAX_CXL
	tristate "CXL DAX: direct access to CXL RAM regions"
	depends on CXL_BUS && CXL_REGION && DEV_DAX
	default CXL_REGION && DEV_DAX
	depends on CXL_ACPI >= DEV_DAX_HMEM
	depends on CXL_PCI >= DEV_DAX_HMEM

config DEV_DAX_HMEM_DEVICES
	depends on DEV_DAX_HMEM && DAX
	def_bool y

config DEV_DAX_KMEM
	tristate "KMEM DAX: map dax-devices as System-RAM"
	default DEV_DAX
	depends on DEV_DAX
	depends on MEMORY_HOTPLUG # for add_memory() and friends

endif
`;

/** drivers/dax/Kconfig at 1eaef15b2349: optional CXL dependencies on DEV_DAX_HMEM. */
export const DRIVERS_DAX_KCONFIG_MAINLINE = `\
# SPDX-License-Identifier: GPL-2.0-only
menuconfig DAX
	tristate "DAX: direct access to differentiated memory"
	default m if NVDIMM_DAX

if DAX

config DEV_DAX
	tristate "Device DAX: direct access mapping device"
	depends on TRANSPARENT_HUGEPAGE

config DEV_DAX_PMEM
	tristate "PMEM DAX: direct access to persistent memory"
	depends on LIBNVDIMM && NVDIMM_DAX && DEV_DAX
	default DEV_DAX

config DEV_DAX_HMEM
	tristate "HMEM DAX: direct access to 'specific purpose' memory"
	depends on EFI_SOFT_RESERVE
	select NUMA_KEEP_MEMINFO if NUMA_MEMBLKS
	default DEV_DAX
	depends on CXL_ACPI || !CXL_ACPI
	depends on CXL_PCI || !CXL_PCI
	depends on CXL_BUS || !CXL_BUS

config DEV_DAX_CXL
	tristate "CXL DAX: direct access to CXL RAM regions"
	depends on CXL_BUS && CXL_REGION && DEV_DAX
	default CXL_REGION && DEV_DAX
	depends on DEV_DAX_HMEM || !DEV_DAX_HMEM

config DEV_DAX_HMEM_DEVICES
	depends on DEV_DAX_HMEM && DAX
	def_bool y

config DEV_DAX_KMEM
	tristate "KMEM DAX: map dax-devices as System-RAM"
	default DEV_DAX
	depends on DEV_DAX
	depends on MEMORY_HOTPLUG # for add_memory() and friends

endif
`;
