// SPDX-License-Identifier: GPL-2.0-only
/**
 * Region auto-assembly of drivers/cxl/core/region.c (built into cxl_core
 * only with CONFIG_CXL_REGION), mocked below the level of HDM decoder
 * programming. When an endpoint decoder the BIOS committed arrives
 * (cxl_add_to_region() from cxl_port's discover_region()), the region of
 * its HPA range is constructed on first sight ("regionN" under its root
 * decoder, its range inserted under the CXL window in iomem, the memregion
 * id of the root decoder consumed) and the decoder is staged in the next
 * free slot of p->targets[] (cxl_region_attach_auto()). When the last
 * member arrives, every target is attached at its position, which sets
 * cxld->region (cxl_rr_ep_add()), and the region commits: the cxl_region
 * driver binds and a cxl_dax_region ("dax_regionN") is added for dax_cxl.
 * A region whose member never arrives (cxl_test's fail_autoassemble) stays
 * uncommitted, with the members that did arrive staged in its targets: its
 * range is in iomem, but nothing claims it.
 *
 * Detaching (cxl_decoder_detach()) comes from both sides: a decoder that
 * goes (cxld_unregister(), DETACH_INVALIDATE) looks its region up through
 * cxld->region, and a region that goes (unregister_region(), DETACH_ONLY)
 * walks its targets by position. A decoder that is only staged has no
 * cxld->region, so before 87805c32e6ad its removal leaves it in the
 * region's targets, and a later removal of the region reads the freed
 * decoder (review finding F9: KASAN slab-use-after-free in
 * __cxl_decoder_detach). With 87805c32e6ad (the tree's regionAutoAttach)
 * a staged decoder is CXL_DECODER_STATE_AUTO_STAGED and its removal takes
 * it out of the targets (cxl_cancel_auto_attach()).
 *
 * A region holds a reference on its root decoder until it is released;
 * the release gives its id back, or, when it is lower than the id the
 * root decoder holds for its next region, keeps it for that region
 * instead (so regionN is regionN again when assembled anew). As
 * __create_region() does, construct_region() allocates the memregion id
 * of the root decoder's next region before it builds this one, and fails
 * the region when that allocation fails. The region is unregistered by a
 * devres action of the root port's uport_dev (cxl_acpi's device), so
 * unbinding cxl_acpi takes it down before the ports, as
 * devm_cxl_add_region() arranges.
 *
 * Deviations:
 * - cxl_rwsem.region is a mutex taken where the C takes it for write; the
 *   read-side sections (the COMMIT check in cxl_add_to_region()) take none.
 * - Targets keep their arrival order (no cxl_region_sort_targets(), no
 *   interleave position checks) and only the endpoint port has a region
 *   reference (the mocked topology has no switch ports): attaching a
 *   position is cxl_rr_ep_add() on the endpoint decoder.
 * - No decode reset or target teardown on detach (no HDM registers).
 * - construct_region()'s "failed assign region" error is not printed; the
 *   region's id is freed by dev->release rather than by cxl_region_type's
 *   release (see cxl.h.ts).
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { EBUSY, EINVAL, ENODEV, ENOMEM, ENXIO, ERR_PTR, IS_ERR, PTR_ERR, type ErrPtr } from '../../framework/include/errno.js';
import type { device } from '../../framework/include/linux/device.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import { container_of } from '../../framework/include/linux/container_of.js';
import { mutex } from '../../framework/kernel/locking.js';
import {
  CXL_CONFIG_ACTIVE,
  CXL_CONFIG_COMMIT,
  CXL_CONFIG_INTERLEAVE_ACTIVE,
  CXL_DECODER_STATE_AUTO,
  CXL_DECODER_STATE_AUTO_STAGED,
  CXL_DEVICE_REGION,
  CXL_ENDPOINT_DECODER_PARENT_OFFSET,
  DETACH_INVALIDATE,
  DETACH_ONLY,
  cxl_dax_region,
  cxl_dax_region_type,
  cxl_decoder_root_type,
  cxl_driver,
  cxl_region,
  cxl_region_type,
  cxled_to_port,
  is_cxl_region,
  to_cxl_port,
  to_cxl_region,
  type cxl_detach_mode,
  type cxl_endpoint_decoder,
  type cxl_port,
  type cxl_root_decoder,
} from './cxl.h.js';
import type { CxlCoreHooks } from './core.js';

/**
 * How region.c treats an endpoint decoder staged in a region that has not
 * assembled: as it did from region autodiscovery (a32320b71f08, which the
 * fix blames) up to just before 87805c32e6ad, or with 87805c32e6ad's
 * AUTO_STAGED state and cxl_cancel_auto_attach().
 */
export type RegionAutoAttach = 'a32320b71f08' | '87805c32e6ad';

function regionMock(autoAttach: RegionAutoAttach): PortUnit {
  const cancelStaged = autoAttach === '87805c32e6ad';
  return {
    file: 'drivers/cxl/core/region.c',
    url: import.meta.url,
    built: (cfg) => cfg.IS_ENABLED('CONFIG_CXL_REGION'),
    exports: [{ symbol: 'cxl_add_to_region', gpl: true, namespace: 'CXL' }],
    create(k, sym) {
      const { dev_dbg, dev_err, dev_warn, dev_name, memregion_alloc, memregion_free, insert_resource, remove_resource, device_initialize, device_add, device_attach,
        device_del, device_unregister, device_release_driver, get_device, put_device, bus_find_device, devm_add_action_or_reset, dev_set_name, dev_WARN_ONCE, mutex_lock,
        mutex_unlock, kasan_check_read, kzalloc, kfree, THIS_MODULE } = k;
      const regions: cxl_region[] = [];
      // cxl_rwsem.region, taken for write.
      const cxl_rwsem_region = new mutex('cxl_rwsem.region');

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

      /** cxl_rr_ep_add() on the endpoint port: the decoder now points at its region, which it holds a reference on. */
      function cxl_rr_ep_add(cxlr: cxl_region, cxled: cxl_endpoint_decoder): void {
        const cxld = cxled.cxld;
        if (!cxld.region) {
          cxld.region = cxlr;
          if (cancelStaged && cxled.state === CXL_DECODER_STATE_AUTO_STAGED) cxled.state = CXL_DECODER_STATE_AUTO;
          get_device(cxlr.dev);
        }
      }

      /** cxl_port_detach_region() on the endpoint port: the reference cxl_rr_ep_add() took, if the decoder got that far. */
      function cxl_port_detach_region(_port: cxl_port, cxlr: cxl_region, cxled: cxl_endpoint_decoder): void {
        const cxld = cxled.cxld;
        if (cxld.region === cxlr) {
          cxld.region = null;
          put_device(cxlr.dev);
        }
      }

      function cxl_region_attach_position(cxlr: cxl_region, cxled: cxl_endpoint_decoder): number {
        cxl_rr_ep_add(cxlr, cxled);
        return 0;
      }

      /** Stage an auto decoder in the next slot of the region's targets; it is attached when the last one arrives. */
      function cxl_region_attach_auto(cxlr: cxl_region, cxled: cxl_endpoint_decoder, pos: number): number {
        const p = cxlr.params;

        if (cxled.state !== CXL_DECODER_STATE_AUTO) {
          dev_err(cxlr.dev, '%s: unable to add decoder to autodetected region\n', dev_name(cxled.cxld.dev));
          return -EINVAL;
        }

        if (pos >= 0) {
          dev_dbg(cxlr.dev, '%s: expected auto position, not %d\n', dev_name(cxled.cxld.dev), pos);
          return -EINVAL;
        }

        if (p.nr_targets >= p.interleave_ways) {
          dev_err(cxlr.dev, '%s: no more target slots available\n', dev_name(cxled.cxld.dev));
          return -ENXIO;
        }

        pos = p.nr_targets;
        p.targets[pos] = cxled;
        cxled.pos = pos;
        if (cancelStaged) cxled.state = CXL_DECODER_STATE_AUTO_STAGED;
        p.nr_targets++;

        return 0;
      }

      /** cxl_region_attach() for an auto region: stage, and once every member is in, attach them all and commit. */
      function cxl_region_attach(cxlr: cxl_region, cxled: cxl_endpoint_decoder, pos: number): number {
        const p = cxlr.params;

        if (cxled.part < 0) {
          dev_dbg(cxlr.dev, '%s dead\n', dev_name(cxled.cxld.dev));
          return -ENODEV;
        }

        if (p.state > CXL_CONFIG_INTERLEAVE_ACTIVE) {
          dev_dbg(cxlr.dev, 'region already active\n');
          return -EBUSY;
        }

        if (p.state < CXL_CONFIG_INTERLEAVE_ACTIVE) {
          dev_dbg(cxlr.dev, 'interleave config missing\n');
          return -ENXIO;
        }

        if (p.nr_targets >= p.interleave_ways) {
          dev_dbg(cxlr.dev, 'region already has %d endpoints\n', p.nr_targets);
          return -EINVAL;
        }

        let rc = cxl_region_attach_auto(cxlr, cxled, pos);
        if (rc) return rc;

        // Wait for the other members.
        if (p.nr_targets < p.interleave_ways) return 0;

        for (let i = 0; i < p.nr_targets; i++) {
          rc = cxl_region_attach_position(cxlr, p.targets[i]!);
          if (rc) return rc;
        }

        p.state = CXL_CONFIG_COMMIT;
        return 0;
      }

      async function attach_target(cxlr: cxl_region, cxled: cxl_endpoint_decoder, pos: number): Promise<number> {
        await mutex_lock(cxl_rwsem_region);
        const rc = cxl_region_attach(cxlr, cxled, pos);
        mutex_unlock(cxl_rwsem_region);
        if (rc) dev_warn(cxled.cxld.dev.parent!, 'failed to attach %s to %s: %d\n', dev_name(cxled.cxld.dev), dev_name(cxlr.dev), rc);
        return rc;
      }

      /** Take a staged decoder back out of the targets of the region it waits in (87805c32e6ad). */
      function cxl_region_by_target(dev: device, data: unknown): boolean {
        const cxled = data as cxl_endpoint_decoder;

        if (!is_cxl_region(dev)) return false;
        return to_cxl_region(dev).params.targets[cxled.pos] === cxled;
      }

      function cxl_cancel_auto_attach(cxled: cxl_endpoint_decoder): void {
        const pos = cxled.pos;

        if (cxled.state !== CXL_DECODER_STATE_AUTO_STAGED) return;

        const dev = bus_find_device(sym.cxl_bus_type, cxled, cxl_region_by_target);
        if (!dev) return;

        const p = to_cxl_region(dev).params;
        p.nr_targets--;
        cxled.state = CXL_DECODER_STATE_AUTO;
        cxled.pos = -1;
        p.targets[pos] = null;
        put_device(dev);
      }

      /** With cxl_rwsem.region held: take the decoder out of the region; returns the region to release, with a reference. */
      function __cxl_decoder_detach(cxlr: cxl_region | null, cxled: cxl_endpoint_decoder | null, pos: number, mode: cxl_detach_mode): cxl_region | null {
        let p;

        if (!cxled) {
          p = cxlr!.params;

          if (pos >= p.interleave_ways) {
            dev_dbg(cxlr!.dev, 'position %d out of range %d\n', pos, p.interleave_ways);
            return null;
          }

          if (!p.targets[pos]) return null;
          cxled = p.targets[pos]!;
        } else {
          cxlr = cxled.cxld.region;
          if (!cxlr) {
            if (cancelStaged) cxl_cancel_auto_attach(cxled);
            return null;
          }
          p = cxlr.params;
        }

        if (mode === DETACH_INVALIDATE) cxled.part = -1;

        if (p.state > CXL_CONFIG_ACTIVE) p.state = CXL_CONFIG_ACTIVE;

        // cxled_to_port() is the first load from the decoder: what KASAN checks.
        kasan_check_read(cxled, 8, CXL_ENDPOINT_DECODER_PARENT_OFFSET);
        cxl_port_detach_region(cxled_to_port(cxled), cxlr!, cxled);

        if (cxled.pos < 0 || cxled.pos >= p.interleave_ways || p.targets[cxled.pos] !== cxled) {
          const cxlmd = cxled_to_port(cxled).uport!;
          dev_WARN_ONCE(cxlr!.dev, true, 'expected %s:%s at position %d\n', dev_name(cxlmd.dev), dev_name(cxled.cxld.dev), cxled.pos);
          return null;
        }

        if (p.state === CXL_CONFIG_ACTIVE) p.state = CXL_CONFIG_INTERLEAVE_ACTIVE;
        p.targets[cxled.pos] = null;
        p.nr_targets--;
        cxled.cxld.hpa_range = { start: 0, end: -1 };

        get_device(cxlr!.dev);
        return cxlr;
      }

      async function cxl_decoder_detach(cxlr: cxl_region | null, cxled: cxl_endpoint_decoder | null, pos: number, mode: cxl_detach_mode): Promise<number> {
        await mutex_lock(cxl_rwsem_region);
        const detach = __cxl_decoder_detach(cxlr, cxled, pos, mode);
        mutex_unlock(cxl_rwsem_region);

        if (detach) {
          await device_release_driver(detach.dev);
          put_device(detach.dev);
        }
        return 0;
      }

      async function detach_target(cxlr: cxl_region, pos: number): Promise<number> {
        return await cxl_decoder_detach(cxlr, null, pos, DETACH_ONLY);
      }

      async function unregister_region(data: unknown): Promise<void> {
        const cxlr = data as cxl_region;
        const p = cxlr.params;

        await device_del(cxlr.dev);
        regions.splice(regions.indexOf(cxlr), 1);

        // Only a committed region has its targets attached; detach_target() copes with either.
        for (let i = 0; i < p.interleave_ways; i++) await detach_target(cxlr, i);

        // cxl_region_iomem_release(): the range goes from under the window, if it ever got there.
        if (p.res) {
          if (p.res.parent) remove_resource(p.res);
          p.res = null;
        }
        put_device(cxlr.dev);
      }

      function cxl_dax_region_release(dev: device): void {
        kfree(container_of<cxl_dax_region>(dev));
      }

      async function devm_cxl_add_dax_region(cxlr: cxl_region): Promise<number> {
        const cxlr_dax = kzalloc(() => new cxl_dax_region());
        if (!cxlr_dax) return -ENOMEM;
        cxlr_dax.cxlr = cxlr;
        cxlr_dax.hpa_range = { start: cxlr.params.res!.start, end: cxlr.params.res!.end };
        const dev = cxlr_dax.dev;
        device_initialize(dev);
        dev.parent = cxlr.dev;
        dev.bus = sym.cxl_bus_type;
        dev.type = cxl_dax_region_type;
        dev.release = cxl_dax_region_release;
        dev_set_name(dev, 'dax_region%d', cxlr.id);
        const rc = await device_add(dev);
        if (rc) {
          put_device(dev);
          return rc;
        }
        dev_dbg(cxlr.dev, '%s: register %s\n', dev_name(dev.parent!), dev_name(dev));
        return await devm_add_action_or_reset(cxlr.dev, cxlr_dax_unregister, cxlr_dax);
      }

      async function cxlr_dax_unregister(data: unknown): Promise<void> {
        await device_unregister((data as cxl_dax_region).dev);
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

      /** __create_region() with devm_cxl_add_region(): regionN under the root decoder, registered before it has any configuration. */
      async function __create_region(cxlrd: cxl_root_decoder): Promise<cxl_region | ErrPtr> {
        // The id of the root decoder's next region is allocated first, and its failure fails the region.
        const next_id = memregion_alloc();
        if (next_id < 0) return ERR_PTR(next_id);
        const cxlr = new cxl_region();
        cxlr.id = cxlrd.region_id;
        cxlrd.region_id = next_id;
        cxlr.cxlrd = cxlrd;

        const dev = cxlr.dev;
        device_initialize(dev);
        dev.parent = cxlrd.dev;
        get_device(dev.parent);
        dev.bus = sym.cxl_bus_type;
        dev.type = cxl_region_type;
        dev.release = cxl_region_release;
        dev_set_name(dev, 'region%d', cxlr.id);
        regions.push(cxlr);
        const rc = await device_add(dev);
        if (rc) {
          regions.splice(regions.indexOf(cxlr), 1);
          put_device(dev);
          return ERR_PTR(rc);
        }
        // The root port's uport_dev (cxl_acpi's device) unregisters the region when cxl_acpi unbinds.
        const port = to_cxl_port(cxlrd.dev.parent!);
        const err = await devm_add_action_or_reset(port.uport_dev!, unregister_region, cxlr);
        if (err) return ERR_PTR(err);
        dev_dbg(port.uport_dev!, '%s: created %s\n', dev_name(cxlrd.dev), dev_name(dev));
        return cxlr;
      }

      /** __construct_region(): the region takes the decoder's HPA range and interleave, and claims the range under the window. */
      function __construct_region(cxlr: cxl_region, cxled: cxl_endpoint_decoder): void {
        const cxlmd = cxled_to_port(cxled).uport!;
        const hpa = cxled.cxld.hpa_range;
        const p = cxlr.params;

        const res = new resource({ start: hpa.start, end: hpa.end, name: dev_name(cxlr.dev), flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
        if (insert_resource(cxlr.cxlrd!.res!, res)) {
          dev_warn(cxlmd.dev.parent!, '%s:%s: %s %s cannot insert resource\n', dev_name(cxlmd.dev), dev_name(cxled.cxld.dev), '__construct_region', dev_name(cxlr.dev));
        }

        p.res = res;
        p.interleave_ways = cxled.cxld.interleave_ways;
        p.interleave_granularity = cxled.cxld.interleave_granularity;
        p.targets = new Array<cxl_endpoint_decoder | null>(p.interleave_ways).fill(null);
        p.state = CXL_CONFIG_INTERLEAVE_ACTIVE;

        dev_dbg(cxlmd.dev.parent!, '%s:%s: %s %s res: %pr iw: %d ig: %d\n', dev_name(cxlmd.dev), dev_name(cxled.cxld.dev), '__construct_region', dev_name(cxlr.dev), p.res, p.interleave_ways, p.interleave_granularity);
      }

      /** construct_region(): a region for an auto decoder whose range has none yet. */
      async function construct_region(cxlrd: cxl_root_decoder, cxled: cxl_endpoint_decoder): Promise<cxl_region | ErrPtr> {
        const cxlr = await __create_region(cxlrd);
        if (IS_ERR(cxlr)) return cxlr;

        await mutex_lock(cxl_rwsem_region);
        __construct_region(cxlr, cxled);
        mutex_unlock(cxl_rwsem_region);
        return cxlr;
      }

      function match_root_decoder(dev: device, data: unknown): boolean {
        if (dev.type !== cxl_decoder_root_type) return false;
        const res = container_of<cxl_root_decoder>(dev).res;
        const hpa = data as { start: number; end: number };
        return res !== null && res.start <= hpa.start && res.end >= hpa.end;
      }

      /** cxl_find_root_decoder(): the window that holds the decoder's range, or a dev_err on the memdev's parent. */
      function cxl_find_root_decoder(cxled: cxl_endpoint_decoder): cxl_root_decoder | null {
        const cxld = cxled.cxld;
        const dev = bus_find_device(sym.cxl_bus_type, cxld.hpa_range, match_root_decoder);
        if (!dev) {
          const cxlmd = cxled_to_port(cxled).uport!;
          dev_err(cxlmd.dev.parent!, '%s:%s no CXL window for range %#llx:%#llx\n', dev_name(cxlmd.dev), dev_name(cxld.dev), cxld.hpa_range.start, cxld.hpa_range.end);
          return null;
        }
        // The reference __free(put_cxl_root_decoder) drops at the end of cxl_add_to_region().
        put_device(dev);
        return container_of<cxl_root_decoder>(dev);
      }

      /** cxl_find_region_by_range() */
      function cxl_find_region_by_range(cxlrd: cxl_root_decoder, hpa: { start: number; end: number }): cxl_region | undefined {
        return regions.find((r) => r.cxlrd === cxlrd && r.params.res !== null && r.params.res.start === hpa.start && r.params.res.end === hpa.end);
      }

      /** Put an endpoint decoder the BIOS committed into its auto region; probe the region once it has committed. */
      async function cxl_add_to_region(cxled: cxl_endpoint_decoder): Promise<number> {
        const cxlrd = cxl_find_root_decoder(cxled);
        if (!cxlrd) return -ENXIO;

        await mutex_lock(cxlrd.range_lock);
        let cxlr = cxl_find_region_by_range(cxlrd, cxled.cxld.hpa_range);
        if (cxlr === undefined) {
          const c = await construct_region(cxlrd, cxled);
          if (IS_ERR(c)) {
            mutex_unlock(cxlrd.range_lock);
            return PTR_ERR(c);
          }
          cxlr = c;
        }
        mutex_unlock(cxlrd.range_lock);

        await attach_target(cxlr, cxled, -1);

        const attach = cxlr.params.state === CXL_CONFIG_COMMIT;
        if (attach && (await device_attach(cxlr.dev)) < 0) dev_err(cxlr.dev, 'failed to enable, range: %pr\n', cxlr.params.res);
        return 0;
      }

      async function cxl_region_init(): Promise<number> {
        return await sym.__cxl_driver_register(cxl_region_driver, THIS_MODULE, 'cxl_region');
      }

      async function cxl_region_exit(): Promise<void> {
        await sym.cxl_driver_unregister(cxl_region_driver);
      }

      // Called from port.c (linked before region.c): cxl_core_init(), cxl_core_exit() and cxld_unregister().
      const hooks = sym.cxl_core_hooks as CxlCoreHooks;
      hooks.cxl_region_init = cxl_region_init;
      hooks.cxl_region_exit = cxl_region_exit;
      hooks.cxl_decoder_detach = cxl_decoder_detach;

      return {
        exports: { cxl_add_to_region },
        internals: { cxl_regions: regions },
      };
    },
  };
}

/** region.c as merged with region autodiscovery (a32320b71f08): no AUTO_STAGED state. */
export const region_c_mock = regionMock('a32320b71f08');
/** region.c with 87805c32e6ad "cxl/region: Fix use-after-free from auto assembly failure". */
export const region_c_mock_87805c32e6ad = regionMock('87805c32e6ad');
