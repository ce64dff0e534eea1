// SPDX-License-Identifier: GPL-2.0-only
/**
 * kshim/Kconfig.env: the symbols drivers/cxl/Kconfig and drivers/dax/Kconfig
 * reference from the rest of the tree, reduced to bool/tristate entries with
 * the defaults of an x86_64 server build (ACPI, NUMA, EFI, sparse memory,
 * memory hotplug, modules enabled). This is kshim's own file, not a kernel
 * file: real entries carry arch dependencies left out here, and ACPI_HMAT
 * defaults to y here (in the tree it has no default and is selected by
 * CXL_ACPI or set by the user). Every prompted symbol can be overridden by
 * a request, e.g. { MODULES: 'n' } or { EFI_SOFT_RESERVE: 'n' }.
 *
 * At its end, the debug switches of lib/Kconfig.debug that kshim models:
 * DEBUG_TEST_DRIVER_REMOVE and DEBUG_KOBJECT_RELEASE, off by default as
 * in the kernel, PROVE_LOCKING (lockdep's workqueue maps only, off by
 * default), and DETECT_HUNG_TASK, on by default here (the kernel
 * defaults it to SOFTLOCKUP_DETECTOR); DEBUG_KERNEL and
 * DEBUG_OBJECTS_TIMERS, which they depend on, are always y here (no
 * prompt), since kshim's kernel always runs with debugobjects.
 */

/** The path messages name for the environment file. */
export const KCONFIG_ENV_FILE = 'kshim/Kconfig.env';

/** The environment Kconfig text. */
export const KCONFIG_ENV = `\
# SPDX-License-Identifier: GPL-2.0-only
# kshim: the environment of the CXL and DAX Kconfig files.

config MODULES
	bool "Enable loadable module support"
	default y
	modules

config PCI
	bool "PCI support"
	default y

config PCI_DOE
	bool

config ACPI
	bool "ACPI support"
	default y

config NUMA
	bool "NUMA memory allocation and scheduler support"
	default y

config NUMA_MEMBLKS
	def_bool NUMA

config NUMA_KEEP_MEMINFO
	bool

config ACPI_NUMA
	bool "ACPI NUMA support"
	depends on ACPI && NUMA
	default y

config ACPI_HMAT
	bool "ACPI Heterogeneous Memory Attribute Table support"
	depends on ACPI_NUMA
	select MEMREGION
	default y

config ACPI_TABLE_LIB
	bool

config EFI
	bool "EFI runtime service support"
	depends on ACPI
	default y

config EFI_STUB
	bool "EFI stub support"
	depends on EFI
	default y

config EFI_SOFT_RESERVE
	bool "Reserve EFI Specific Purpose Memory"
	depends on EFI && EFI_STUB && ACPI_HMAT
	default ACPI_HMAT

config SPARSEMEM
	bool "Sparse memory model"
	default y

config MEMORY_HOTPLUG
	bool "Memory hotplug"
	depends on SPARSEMEM
	default y

config MEMREGION
	bool

config GET_FREE_REGION
	bool

config TRANSPARENT_HUGEPAGE
	bool "Transparent hugepage support"
	default y

config SUSPEND
	bool "Suspend to RAM and standby"
	default y

config FW_LOADER
	tristate "Firmware loading facility"
	default y

config FW_UPLOAD
	bool

config FIRMWARE_TABLE
	bool

config LIBNVDIMM
	tristate "NVDIMM (Non-Volatile Memory Device) support"

config NVDIMM_DAX
	bool "NVDIMM DAX: raw access to persistent memory"
	depends on LIBNVDIMM
	default LIBNVDIMM

# kshim's lib/Kconfig.debug: the switches kshim acts on. kshim's kernel is
# always a debug kernel with debugobjects on (no prompt for those).

config DEBUG_KERNEL
	def_bool y

config DEBUG_OBJECTS_TIMERS
	def_bool y

config DEBUG_TEST_DRIVER_REMOVE
	bool "Test driver remove calls during probe (UNSTABLE)"
	depends on DEBUG_KERNEL

config DEBUG_KOBJECT_RELEASE
	bool "kobject release debugging"
	depends on DEBUG_OBJECTS_TIMERS

config DETECT_HUNG_TASK
	bool "Detect Hung Tasks"
	depends on DEBUG_KERNEL
	default y

config PROVE_LOCKING
	bool "Lock debugging: prove locking correctness"
	depends on DEBUG_KERNEL
`;
