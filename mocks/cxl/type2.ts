// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked Type-2 CXL accelerator driver, after seed mail 002 (Alejandro
 * Lucero and Dan Williams, Oct 2024, on the sfc CXL support): a device
 * driver that creates its own CXL memdev with devm_cxl_add_memdev() and
 * needs the endpoint port that cxl_mem's probe adds below it. Not a port
 * of any kernel file; it models the two ways the thread discussed:
 *
 * - "use": the PCI function's probe ("sfc_efx") adds the memdev and looks
 *   at cxlmd->endpoint as soon as the call returns, logging either
 *   "using CXL endpoint ..." or "no CXL endpoint yet".
 * - "defer": the PCI function's probe adds the memdev and registers a
 *   child platform device "sfc_cxl.0" for the CXL part; that device's
 *   probe returns -EPROBE_DEFER until cxlmd->endpoint exists, so the
 *   driver core retries it from the deferred list.
 *
 * The module, "sfc_accel", registers both platform drivers and then its own
 * "sfc_efx.0" device from one device_initcall (the real driver is a PCI
 * driver bound to an enumerated function). It links after drivers/cxl, as
 * drivers/net does. It references devm_cxl_add_memdev (exported by
 * cxl_mem), so a built-in accelerator with a modular CXL_MEM does not link,
 * as in the kernel.
 *
 * Scenario files enable it with "accelerator": { "probe": "use" | "defer" }
 * (built in, config "always"); tests pass their own ModuleDef with a
 * config symbol of their choice and read what the driver saw.
 */
import type { ModuleDef, PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM, EPROBE_DEFER } from '../../framework/include/errno.js';
import { platform_device, platform_driver } from '../../framework/drivers/base/platform.js';
import type { cxl_memdev } from './cxl.h.js';

export type AcceleratorProbe = 'use' | 'defer';

/** What the accelerator saw, for tests. */
export interface AcceleratorSeen {
  /** dev_name(cxlmd->endpoint) right after devm_cxl_add_memdev() returned, or null, per call. */
  readonly endpointOnReturn: Array<string | null>;
  readonly memdevs: cxl_memdev[];
  /** Return values of the sfc_cxl probes, in order. */
  readonly cxlProbes: number[];
}

export function acceleratorSeen(): AcceleratorSeen {
  return { endpointOnReturn: [], memdevs: [], cxlProbes: [] };
}

export function sfc_accel_unit(mode: AcceleratorProbe, seen: AcceleratorSeen | null = null): PortUnit {
  return {
    file: 'test/sfc_accel.c',
    url: import.meta.url,
    references: () => ['devm_cxl_add_memdev'],
    importNs: ['CXL'],
    create(k, sym) {
      const { platform_driver_register, platform_driver_unregister, platform_device_register, platform_device_unregister, platform_device_alloc,
        platform_device_add, platform_device_put, dev_set_drvdata, dev_get_drvdata, dev_info, dev_warn, dev_name } = k;

      const efx = new platform_device({ name: 'sfc_efx', id: 0, dev: { release: () => {} } });

      async function sfc_efx_probe(pdev: platform_device): Promise<number> {
        const cxlmd = await sym.devm_cxl_add_memdev(pdev.dev, null);
        if ('err' in cxlmd) return cxlmd.err as number;
        seen?.memdevs.push(cxlmd);
        seen?.endpointOnReturn.push(cxlmd.endpoint ? dev_name(cxlmd.endpoint.dev) : null);
        if (mode === 'use') {
          if (cxlmd.endpoint) dev_info(pdev.dev, '%s: using CXL endpoint %s\n', dev_name(cxlmd.dev), dev_name(cxlmd.endpoint.dev));
          else dev_warn(pdev.dev, '%s: no CXL endpoint yet\n', dev_name(cxlmd.dev));
          return 0;
        }
        // The CXL part becomes a child device with a driver of its own, allocated per probe and removed with the parent's driver.
        const cxl_fn = platform_device_alloc('sfc_cxl', 0);
        if (cxl_fn === null) return -ENOMEM;
        cxl_fn.dev.platform_data = cxlmd;
        cxl_fn.dev.parent = pdev.dev;
        const rc = await platform_device_add(cxl_fn);
        if (rc) {
          platform_device_put(cxl_fn);
          return rc;
        }
        dev_set_drvdata(pdev.dev, cxl_fn);
        return 0;
      }

      async function sfc_efx_remove(pdev: platform_device): Promise<void> {
        const cxl_fn = dev_get_drvdata(pdev.dev) as platform_device | null;
        if (cxl_fn) await platform_device_unregister(cxl_fn);
      }

      function sfc_cxl_probe(pdev: platform_device): number {
        const cxlmd = pdev.dev.platform_data as cxl_memdev;
        const rc = cxlmd.endpoint ? 0 : -EPROBE_DEFER;
        seen?.cxlProbes.push(rc);
        if (rc === 0) dev_info(pdev.dev, '%s: using CXL endpoint %s\n', dev_name(cxlmd.dev), dev_name(cxlmd.endpoint!.dev));
        return rc;
      }

      const sfc_efx_driver = new platform_driver({ probe: sfc_efx_probe, remove: sfc_efx_remove, driver: { name: 'sfc_efx' } });
      const sfc_cxl_driver = new platform_driver({ probe: sfc_cxl_probe, driver: { name: 'sfc_cxl' } });

      async function sfc_init(): Promise<number> {
        let rc = await platform_driver_register(sfc_cxl_driver);
        if (rc) return rc;
        rc = await platform_driver_register(sfc_efx_driver);
        if (rc) return rc;
        return await platform_device_register(efx);
      }

      async function sfc_exit(): Promise<void> {
        await platform_device_unregister(efx);
        await platform_driver_unregister(sfc_efx_driver);
        await platform_driver_unregister(sfc_cxl_driver);
      }

      return { initcalls: [{ level: 'device', fn: sfc_init }], exit: sfc_exit };
    },
  };
}

/**
 * The accelerator as an object of the build; `config` is "always" (built in)
 * or a symbol the caller sets. Without `seen` nothing is recorded, so one
 * object can serve every boot of a catalogue.
 */
export function sfcAccelModule(mode: AcceleratorProbe, seen: AcceleratorSeen | null = null, config = 'always'): ModuleDef {
  return { name: 'sfc_accel', config, object: 'test/sfc_accel.ko', units: [sfc_accel_unit(mode, seen)] };
}
