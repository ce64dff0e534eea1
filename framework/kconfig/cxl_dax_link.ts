// SPDX-License-Identifier: GPL-2.0-only
/**
 * A link model of the CXL and DAX objects: which objects a configuration
 * builds (obj-$(CONFIG_...) in drivers/cxl and drivers/dax Makefiles), what
 * each exports and which cross-object symbols its code references, at three
 * states of the code:
 *
 * - pre-series: v7.0-rc4; dax_hmem and dax_cxl do not reference each other
 *   or the CXL core.
 * - v8: the v8 series applied (the same for v7's cxl_region_contains_resource).
 *   hmem.o references cxl_region_contains_resource whenever CONFIG_CXL_REGION
 *   is defined (include/cxl/cxl.h's #ifdef; the static work initializer keeps
 *   process_defer_work, its caller, alive); the CXL core exports it with
 *   EXPORT_SYMBOL_GPL. dax_cxl references dax_hmem_flush_work when
 *   IS_ENABLED(CONFIG_DEV_DAX_HMEM) (bus.h's stub otherwise).
 * - mainline: the same references, but hmem.c only takes the address of
 *   process_defer_work under IS_ENABLED(CONFIG_DEV_DAX_CXL), so with
 *   DEV_DAX_CXL=n the compiler drops the call to
 *   cxl_region_contains_resource; both exports are
 *   EXPORT_SYMBOL_FOR_MODULES ("dax_hmem" and "dax_cxl").
 *
 * Only the symbols that matter for link order are listed; kernel core
 * symbols (region_intersects, flush_workqueue, ...) are always built in
 * and left out. The CXL core's exports are in namespace "CXL".
 */
import type { LinkExport, LinkObject } from './link.js';
import type { TristateName } from './tristate.js';

/** The state of the driver code the objects are built from. */
export type CodeState = 'pre-series' | 'v8' | 'mainline';

/** Reads a symbol's value in the configuration being linked. */
export type ConfigReader = (symbol: string) => TristateName;

const CXL = 'CXL';
const IMPORTS_CXL: readonly string[] = [CXL];
const NONE: readonly never[] = [];
const ns = (symbol: string): LinkExport => ({ symbol, license: 'gpl', namespace: CXL });
const gpl = (symbol: string): LinkExport => ({ symbol, license: 'gpl' });

/** Exports and references of each object at one code state; the variants are built once. */
interface Templates {
  readonly dax: readonly LinkExport[];
  readonly daxCxlRefs: readonly string[];
  readonly daxCxlRefsHmem: readonly string[];
  readonly deviceHmem: readonly LinkExport[];
  readonly hmem: readonly LinkExport[];
  readonly hmemRefs: readonly string[];
  readonly hmemRefsCxl: readonly string[];
  readonly core: readonly LinkExport[];
  readonly coreRegion: readonly LinkExport[];
  readonly port: readonly LinkExport[];
  readonly portRefs: readonly string[];
  readonly acpiRefs: readonly string[];
  readonly mem: readonly LinkExport[];
  readonly memRefs: readonly string[];
  readonly pciRefs: readonly string[];
}

function templates(code: CodeState): Templates {
  const daxCxlRefs = ['alloc_dax_region', 'devm_create_dev_dax', '__cxl_driver_register', 'cxl_driver_unregister'];
  const hmemRefs = ['walk_hmem_resources', 'alloc_dax_region', 'devm_create_dev_dax', ...(code === 'v8' ? ['dax_hmem_initial_probe'] : [])];
  const core = [ns('cxl_bus_type'), ns('__cxl_driver_register'), ns('cxl_driver_unregister'), ns('devm_cxl_add_root'), ns('cxl_await_media_ready'), { symbol: '__devm_cxl_add_memdev', forModules: ['cxl_mem'] }];
  const contains: LinkExport[] = code === 'pre-series' ? [] : code === 'v8' ? [gpl('cxl_region_contains_resource')] : [{ symbol: 'cxl_region_contains_resource', forModules: ['dax_hmem'] }];
  return {
    dax: [gpl('alloc_dax_region'), gpl('devm_create_dev_dax'), gpl('__dax_driver_register')],
    daxCxlRefs,
    daxCxlRefsHmem: code === 'pre-series' ? daxCxlRefs : [...daxCxlRefs, 'dax_hmem_flush_work'],
    deviceHmem: [gpl('walk_hmem_resources'), ...(code === 'v8' ? [gpl('dax_hmem_initial_probe')] : [])],
    hmem: code === 'v8' ? [gpl('dax_hmem_flush_work')] : code === 'mainline' ? [{ symbol: 'dax_hmem_flush_work', forModules: ['dax_cxl'] }] : [],
    hmemRefs,
    hmemRefsCxl: [...hmemRefs, 'cxl_region_contains_resource'],
    core,
    coreRegion: [...core, ...contains],
    port: [ns('devm_cxl_add_endpoint')],
    portRefs: ['__cxl_driver_register', 'cxl_driver_unregister'],
    acpiRefs: ['devm_cxl_add_root'],
    mem: [ns('devm_cxl_add_memdev')],
    memRefs: ['__devm_cxl_add_memdev', 'devm_cxl_add_endpoint', '__cxl_driver_register', 'cxl_driver_unregister'],
    pciRefs: ['devm_cxl_add_memdev', 'cxl_await_media_ready'],
  };
}

const TEMPLATES: Record<CodeState, Templates> = { 'pre-series': templates('pre-series'), v8: templates('v8'), mainline: templates('mainline') };

/** The objects a configuration builds, with their exports and references, in link order (drivers/Makefile: dax/ before cxl/). */
export function cxlDaxObjects(code: CodeState, config: ConfigReader): LinkObject[] {
  const t = TEMPLATES[code];
  if (!t) throw new Error(`unknown code state '${String(code)}': expected pre-series, v8 or mainline`);
  const out: LinkObject[] = [];
  const add = (symbol: string, name: string, dir: string, builtInFile: string, exports: readonly LinkExport[], references: readonly string[], imports: readonly string[] = NONE): void => {
    const v = config(symbol);
    if (v === 'n') return;
    const builtIn = v === 'y';
    out.push({ name, file: builtIn ? `${dir}/${builtInFile}` : `${dir}/${name}.ko`, builtIn, exports, references, imports });
  };
  const region = config('CXL_REGION') === 'y';
  const hmemOn = config('DEV_DAX_HMEM') !== 'n';
  const daxCxlOn = config('DEV_DAX_CXL') !== 'n';
  const hmemCallsCxl = code === 'v8' ? region : code === 'mainline' && region && daxCxlOn;

  add('DAX', 'dax', 'drivers/dax', 'bus.o', t.dax, NONE);
  add('DEV_DAX_CXL', 'dax_cxl', 'drivers/dax', 'cxl.o', NONE, hmemOn ? t.daxCxlRefsHmem : t.daxCxlRefs, IMPORTS_CXL);
  add('DEV_DAX_HMEM_DEVICES', 'device_hmem', 'drivers/dax/hmem', 'device.o', t.deviceHmem, NONE);
  add('DEV_DAX_HMEM', 'dax_hmem', 'drivers/dax/hmem', 'hmem.o', t.hmem, hmemCallsCxl ? t.hmemRefsCxl : t.hmemRefs);
  add('CXL_BUS', 'cxl_core', 'drivers/cxl/core', 'port.o', region ? t.coreRegion : t.core, NONE);
  add('CXL_PORT', 'cxl_port', 'drivers/cxl', 'port.o', t.port, t.portRefs, IMPORTS_CXL);
  add('CXL_ACPI', 'cxl_acpi', 'drivers/cxl', 'acpi.o', NONE, t.acpiRefs, IMPORTS_CXL);
  add('CXL_MEM', 'cxl_mem', 'drivers/cxl', 'mem.o', t.mem, t.memRefs, IMPORTS_CXL);
  add('CXL_PCI', 'cxl_pci', 'drivers/cxl', 'pci.o', NONE, t.pciRefs, IMPORTS_CXL);
  return out;
}
