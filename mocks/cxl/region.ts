// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked region auto-assembly (drivers/cxl/core/region.c, built into
 * cxl_core only with CONFIG_CXL_REGION). When an endpoint decoder of an
 * auto region arrives, the region is constructed on first sight
 * ("regionN" under its root decoder, its HPA range inserted under the CXL
 * window in iomem, the memregion id of the root decoder consumed); when
 * the last target arrives it is committed, the cxl_region driver binds
 * and a cxl_dax_region ("dax_regionN") is added for dax_cxl. A region
 * whose member never arrives (cxl_test's fail_autoassemble) stays
 * uncommitted: its range is in iomem, but nothing claims it.
 *
 * A region holds a reference on its root decoder until it is released;
 * the release gives its id back, or, when it is lower than the id the
 * root decoder holds for its next region, keeps it for that region
 * instead (so regionN is regionN again when assembled anew).
 *
 * As __create_region() does, construct_region() allocates the memregion
 * id of the root decoder's next region before it builds this one, and
 * fails the region (cxl_add_to_region() returns the error) when that
 * allocation fails.
 *
 * The region is unregistered by a devres action of the root port's
 * uport_dev (cxl_acpi's device), so unbinding cxl_acpi takes it down
 * before the ports, as devm_cxl_add_region() arranges.
 *
 * Deviations: construct_region()'s "failed assign region" error is not
 * printed (there is no endpoint decoder device to name in it); its id is
 * freed by dev->release rather than by cxl_region_type's release (see
 * cxl.h.ts).
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENXIO, ERR_PTR, IS_ERR, PTR_ERR, type ErrPtr } from '../../framework/include/errno.js';
import type { device } from '../../framework/include/linux/device.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import {
  CXL_CONFIG_COMMIT,
  CXL_CONFIG_INTERLEAVE_ACTIVE,
  CXL_DEVICE_REGION,
  cxl_dax_region,
  cxl_dax_region_type,
  cxl_driver,
  cxl_region,
  cxl_region_type,
  to_cxl_port,
  to_cxl_region,
  type cxl_root_decoder,
} from './cxl.h.js';
import type { CxlCoreHooks } from './core.js';

/** An endpoint decoder that firmware left programmed for an auto region. */
export interface cxl_endpoint_decoder {
  readonly cxlrd: cxl_root_decoder;
  readonly hpa: { start: number; end: number };
  /** Members the region needs (interleave ways). */
  readonly ways: number;
}

export const region_c_mock: PortUnit = {
  file: 'drivers/cxl/core/region.c',
  url: import.meta.url,
  built: (cfg) => cfg.IS_ENABLED('CONFIG_CXL_REGION'),
  exports: [{ symbol: 'cxl_add_to_region', gpl: true, namespace: 'CXL' }],
  create(k, sym) {
    const { dev_dbg, dev_name, memregion_alloc, memregion_free, insert_resource, remove_resource, device_initialize, device_add, device_attach,
      device_del, device_unregister, get_device, put_device, devm_add_action_or_reset, dev_set_name, mutex_lock, mutex_unlock, THIS_MODULE } = k;
    const regions: cxl_region[] = [];

    function cxl_region_release(dev: device): void {
      const cxlr = to_cxl_region(dev);
      const cxlrd = cxlr.cxlrd!;
      const id = cxlrd.region_id;

      if (cxlr.id < id) {
        cxlrd.region_id = cxlr.id;
        memregion_free(id);
      } else {
        memregion_free(cxlr.id);
      }
      put_device(dev.parent);
    }

    async function unregister_region(data: unknown): Promise<void> {
      const cxlr = data as cxl_region;
      const p = cxlr.params;

      await device_del(cxlr.dev);
      regions.splice(regions.indexOf(cxlr), 1);
      if (p.res) {
        remove_resource(p.res);
        p.res = null;
      }
      put_device(cxlr.dev);
    }

    async function devm_cxl_add_dax_region(cxlr: cxl_region): Promise<number> {
      const cxlr_dax = new cxl_dax_region();
      cxlr_dax.cxlr = cxlr;
      cxlr_dax.hpa_range = { start: cxlr.params.res!.start, end: cxlr.params.res!.end };
      const dev = cxlr_dax.dev;
      device_initialize(dev);
      dev.parent = cxlr.dev;
      dev.bus = sym.cxl_bus_type;
      dev.type = cxl_dax_region_type;
      dev_set_name(dev, 'dax_region%d', cxlr.id);
      const rc = await device_add(dev);
      if (rc) return rc;
      dev_dbg(cxlr.dev, '%s: register %s\n', dev_name(dev.parent!), dev_name(dev));
      return await devm_add_action_or_reset(cxlr.dev, async () => await device_unregister(dev), null);
    }

    async function cxl_region_probe(dev: device): Promise<number> {
      const cxlr = to_cxl_region(dev);
      const p = cxlr.params;

      if (p.state < CXL_CONFIG_COMMIT) {
        dev_dbg(dev, 'config state: %d\n', p.state);
        return -ENXIO;
      }
      return await devm_cxl_add_dax_region(cxlr);
    }

    const cxl_region_driver = new cxl_driver({ name: 'cxl_region', probe: cxl_region_probe, id: CXL_DEVICE_REGION });

    /** construct_region(): the region device and its HPA range, before all members arrived. */
    async function construct_region(cxled: cxl_endpoint_decoder): Promise<cxl_region | ErrPtr> {
      const cxlrd = cxled.cxlrd;
      // As __create_region(): the id of the root decoder's next region is allocated first, and its failure fails the region.
      const next_id = memregion_alloc();
      if (next_id < 0) return ERR_PTR(next_id);
      const cxlr = new cxl_region();
      cxlr.hpa = { start: cxled.hpa.start, end: cxled.hpa.end };
      cxlr.id = cxlrd.region_id;
      cxlrd.region_id = next_id;
      cxlr.cxlrd = cxlrd;
      const p = cxlr.params;
      p.interleave_ways = cxled.ways;
      p.state = CXL_CONFIG_INTERLEAVE_ACTIVE;
      const res = new resource({ start: cxled.hpa.start, end: cxled.hpa.end, name: `region${cxlr.id}`, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
      let rc = insert_resource(cxlrd.res!, res);
      if (rc) dev_dbg(cxlrd.dev, 'region%d: HPA %pr conflicts\n', cxlr.id, res);
      else p.res = res;

      const dev = cxlr.dev;
      device_initialize(dev);
      dev.parent = cxlrd.dev;
      get_device(dev.parent);
      dev.bus = sym.cxl_bus_type;
      dev.type = cxl_region_type;
      dev.release = cxl_region_release;
      dev_set_name(dev, 'region%d', cxlr.id);
      regions.push(cxlr);
      rc = await device_add(dev);
      if (rc) {
        regions.splice(regions.indexOf(cxlr), 1);
        if (p.res) remove_resource(p.res);
        put_device(dev);
        return ERR_PTR(rc);
      }
      // As devm_cxl_add_region(): the root port's uport_dev (cxl_acpi's device) unregisters the region when cxl_acpi unbinds.
      await devm_add_action_or_reset(to_cxl_port(cxlrd.dev.parent!).uport_dev!, unregister_region, cxlr);
      dev_dbg(dev, '%s: %pr position %d\n', dev_name(cxlrd.dev), res, 0);
      return cxlr;
    }

    /** cxl_find_region_by_range() */
    function cxl_find_region_by_range(cxlrd: cxl_root_decoder, hpa: { start: number; end: number }): cxl_region | undefined {
      return regions.find((r) => r.cxlrd === cxlrd && r.hpa.start === hpa.start && r.hpa.end === hpa.end);
    }

    /** Attach an endpoint decoder to its auto region; commit and probe once all members are in. */
    async function cxl_add_to_region(cxled: cxl_endpoint_decoder): Promise<number> {
      const cxlrd = cxled.cxlrd;
      await mutex_lock(cxlrd.range_lock);
      let cxlr = cxl_find_region_by_range(cxlrd, cxled.hpa);
      if (cxlr === undefined) {
        const c = await construct_region(cxled);
        if (IS_ERR(c)) {
          mutex_unlock(cxlrd.range_lock);
          return PTR_ERR(c);
        }
        cxlr = c;
      }
      mutex_unlock(cxlrd.range_lock);
      const p = cxlr.params;
      p.nr_targets++;
      if (p.nr_targets < p.interleave_ways) return 0;
      p.state = CXL_CONFIG_COMMIT;
      dev_dbg(cxlr.dev, 'committed\n');
      await device_attach(cxlr.dev);
      return 0;
    }

    async function cxl_region_init(): Promise<number> {
      return await sym.__cxl_driver_register(cxl_region_driver, THIS_MODULE, 'cxl_region');
    }

    async function cxl_region_exit(): Promise<void> {
      await sym.cxl_driver_unregister(cxl_region_driver);
    }

    // Called by cxl_core_init() and cxl_core_exit() in port.c (the module's own init and exit).
    const hooks = sym.cxl_core_hooks as CxlCoreHooks;
    hooks.cxl_region_init = cxl_region_init;
    hooks.cxl_region_exit = cxl_region_exit;

    return {
      exports: { cxl_add_to_region },
      internals: { cxl_regions: regions },
    };
  },
};
