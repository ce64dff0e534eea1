// SPDX-License-Identifier: GPL-2.0-only
/**
 * drivers/cxl/Kconfig at v7.0-rc4 (f338e7738378), the same in every state
 * of the series: the series only changes drivers/dax/Kconfig.
 *
 * Modelled on torvalds/linux drivers/cxl/Kconfig plus 1f1cb7f0c255
 * ("cxl/mem: Arrange for always-synchronous memdev attach", 7.0), which
 * makes CXL_PCI select CXL_MEM and drops CXL_MEM's `depends on CXL_PCI`.
 * Help texts are left out. Deviations: entries this model has no use for
 * (CXL_FEATURES, CXL_EDAC_*, CXL_RAS, CXL_MCE, CXL_REGION_INVALIDATION_TEST,
 * FWCTL and the like) are left out; the CXL_BUS select list keeps only
 * targets kshim/Kconfig.env defines.
 */

/** The path messages name for this file. */
export const DRIVERS_CXL_KCONFIG_FILE = 'drivers/cxl/Kconfig';

/** drivers/cxl/Kconfig. */
export const DRIVERS_CXL_KCONFIG = `\
# SPDX-License-Identifier: GPL-2.0-only
menuconfig CXL_BUS
	tristate "CXL (Compute Express Link) Devices Support"
	depends on PCI
	select FW_LOADER
	select FW_UPLOAD
	select PCI_DOE
	select FIRMWARE_TABLE
	select NUMA_KEEP_MEMINFO if NUMA_MEMBLKS

if CXL_BUS

config CXL_PCI
	tristate "PCI manageability"
	default CXL_BUS
	select CXL_MEM

config CXL_MEM_RAW_COMMANDS
	bool "RAW Command Interface for Memory Devices"
	depends on CXL_PCI

config CXL_ACPI
	tristate "CXL ACPI: Platform Support"
	depends on ACPI
	depends on ACPI_NUMA
	default CXL_BUS
	select ACPI_TABLE_LIB
	select ACPI_HMAT
	select CXL_PORT

config CXL_PMEM
	tristate "CXL PMEM: Persistent Memory Support"
	depends on LIBNVDIMM
	default CXL_BUS

config CXL_MEM
	tristate "CXL: Memory Expansion"
	default CXL_BUS

config CXL_PORT
	default CXL_BUS
	tristate

config CXL_SUSPEND
	def_bool y
	depends on SUSPEND && CXL_MEM

config CXL_REGION
	bool "CXL: Region Support"
	default CXL_BUS
	# For MAX_PHYSMEM_BITS
	depends on SPARSEMEM
	select MEMREGION
	select GET_FREE_REGION

endif
`;
