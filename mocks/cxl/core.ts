// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_core (drivers/cxl/core/port.c, bus parts): the "cxl" bus,
 * cxl driver registration, and the object constructors the mocked
 * providers use: the root port, root decoders (one per CFMWS window, each
 * holding a memregion id for its next region), the ports below the root,
 * and endpoint decoders (cxl_endpoint_decoder_alloc(), cxl_decoder_add(),
 * and cxld_unregister() through cxl_decoder_autoremove()). The other files
 * of cxl_core: memdevs in ./memdev.ts, cxl_memdev_state_create() in
 * ./mbox.ts, the endpoint decoders' setup in ./hdm.ts, region assembly in
 * ./region.ts.
 *
 * Port lifetime follows port.c: port ids come from cxl_port_ida and
 * decoder ids from the owning port's decoder_ida (so a root port added
 * again after cxl_acpi was reloaded is root0 with decoder0.0 again), each
 * id given back when the last reference goes. A port is unregistered by
 * unregister_port(), a devm action of its host: cxl_acpi's device for the
 * root and host bridge ports, the parent port for an endpoint, so that
 * removing a port removes the endpoints below it.
 * cxl_endpoint_autoremove() lets cxl_mem remove the endpoint first when the
 * memdev goes. cxl_bus_wq is the ordered queue that memdev detach work and
 * the bus rescan (cxl_bus_rescan(), bus_rescan_devices() from a static
 * work item) run on; cxl_acpi drains it on exit. cxl_core_init() is the
 * module's one init: it registers the bus, then calls cxl_region_init(),
 * and cxl_core_exit() calls cxl_region_exit() before it unregisters the
 * bus and destroys cxl_bus_wq. region.c comes later in the link order, so
 * it fills in cxl_core_hooks when it is built (CONFIG_CXL_REGION); without
 * it the hooks are the stubs drivers/cxl/core/core.h gives.
 *
 * In the spirit of tools/testing/cxl: the real bus and driver-core
 * behaviour, with the hardware discovery replaced by tables.
 *
 * Deviations: ids are freed by dev->release rather than by the
 * device_type's release (see cxl.h.ts); no dports, no cxl_ep tracking
 * (the mocked topology has one host bridge and no switches); no device
 * lock assertions in unregister_port(). cxl_core_init() does not call
 * cxl_memdev_init(), cxl_mbox_init() or cxl_ras_init() and makes no
 * debugfs directory (nothing here uses them).
 * cxl_endpoint_decoder_alloc() returns NULL on failure, not an error
 * pointer, and presets nothing cxl_decoder_init() would.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { bus_type, dev_name, type device, type device_driver } from '../../framework/include/linux/device.js';
import { EINVAL, ENOMEM } from '../../framework/include/errno.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import { ida, ida_alloc, ida_free } from '../../framework/include/linux/idr.js';
import type { workqueue_struct } from '../../framework/include/linux/workqueue_types.js';
import { container_of } from '../../framework/include/linux/container_of.js';
import {
  CXL_ENDPOINT_DECODER_SIZE,
  CXL_MODALIAS_FMT,
  DETACH_INVALIDATE,
  cxl_decoder_endpoint_type,
  cxl_decoder_root_type,
  cxl_device_id,
  cxl_driver,
  cxl_endpoint_decoder,
  cxl_port,
  cxl_port_type,
  cxl_root_decoder,
  cxl_root_type,
  is_endpoint_decoder,
  to_cxl_drv,
  to_cxl_endpoint_decoder,
  to_cxl_port,
  type cxl_decoder,
  type cxl_detach_mode,
  type cxl_memdev,
  type cxl_region,
} from './cxl.h.js';

export const CXL_CORE_EXPORTS = [
  { symbol: '__cxl_driver_register', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_driver_unregister', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_bus_type', gpl: true, namespace: 'CXL' },
  { symbol: 'devm_cxl_add_root', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_root_decoder_add', gpl: true, namespace: 'CXL' },
  { symbol: 'devm_cxl_add_port', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_endpoint_autoremove', gpl: true, namespace: 'CXL' },
  { symbol: 'schedule_cxl_memdev_detach', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_bus_rescan', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_bus_drain', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_endpoint_decoder_alloc', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_decoder_add', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_decoder_autoremove', gpl: true, namespace: 'CXL' },
] as const;

/** What port.c calls in files linked after it (region.c); a later unit of cxl_core fills them in. */
export interface CxlCoreHooks {
  cxl_region_init: () => Promise<number>;
  cxl_region_exit: () => Promise<void>;
  cxl_decoder_detach: (cxlr: cxl_region | null, cxled: cxl_endpoint_decoder | null, pos: number, mode: cxl_detach_mode) => Promise<number>;
}

export const core_port_c: PortUnit = {
  file: 'drivers/cxl/core/port.c',
  url: import.meta.url,
  exports: CXL_CORE_EXPORTS,
  create(k) {
    const { bus_register, bus_unregister, driver_register, driver_unregister, device_initialize, dev_set_name, device_add, device_unregister, get_device, put_device,
      device_lock, device_unlock, devm_add_action_or_reset, devm_release_action, memregion_alloc, memregion_free, insert_resource_expand_to_fit,
      remove_resource, alloc_ordered_workqueue, destroy_workqueue, drain_workqueue, queue_work, DECLARE_WORK, bus_rescan_devices, pr_debug, dev_dbg, kzalloc, kfree } = k;
    const cxl_port_ida = new ida();
    // cxl_region_init()/cxl_region_exit(): region.c's when it is built, else core.h's stubs.
    const cxl_core_hooks: CxlCoreHooks = { cxl_region_init: async () => 0, cxl_region_exit: async () => {}, cxl_decoder_detach: async () => 0 };
    let cxl_bus_wq: workqueue_struct | null = null;

    function cxl_bus_match(dev: device, drv: device_driver): number {
      return cxl_device_id(dev) === to_cxl_drv(drv).id ? 1 : 0;
    }

    async function cxl_bus_probe(dev: device): Promise<number> {
      return await to_cxl_drv(dev.driver!).probe(dev);
    }

    async function cxl_bus_remove(dev: device): Promise<void> {
      const drv = to_cxl_drv(dev.driver!);
      if (drv.remove) await drv.remove(dev);
    }

    function cxl_bus_uevent(dev: device, env: Map<string, string>): void {
      env.set('MODALIAS', CXL_MODALIAS_FMT.replace('%d', String(cxl_device_id(dev))));
    }

    const cxl_bus_type = new bus_type('cxl');
    cxl_bus_type.match = cxl_bus_match;
    cxl_bus_type.probe = cxl_bus_probe;
    cxl_bus_type.remove = cxl_bus_remove;
    cxl_bus_type.uevent = cxl_bus_uevent;

    async function __cxl_driver_register(cxl_drv: cxl_driver, owner: string | null, modname: string): Promise<number> {
      if (!cxl_drv.probe) return -EINVAL;
      if (!cxl_drv.drv.name) cxl_drv.drv.name = modname;
      cxl_drv.drv.bus = cxl_bus_type;
      cxl_drv.drv.owner = owner;
      return await driver_register(cxl_drv.drv);
    }

    async function cxl_driver_unregister(cxl_drv: cxl_driver): Promise<void> {
      await driver_unregister(cxl_drv.drv);
    }

    /** Add a device of the cxl bus with a name under a parent. */
    async function cxl_device_add(dev: device, parent: device, name: string): Promise<number> {
      device_initialize(dev);
      dev.parent = parent;
      dev.bus = cxl_bus_type;
      dev_set_name(dev, '%s', name);
      return await device_add(dev);
    }

    function cxl_port_release(dev: device): void {
      ida_free(cxl_port_ida, to_cxl_port(dev).id);
    }

    /** A port with an id of cxl_port_ida; the id goes back when the port is released. */
    function cxl_port_alloc(): cxl_port | null {
      const port = new cxl_port();
      const id = ida_alloc(cxl_port_ida);
      if (id < 0) return null;
      port.id = id;
      port.dev.release = cxl_port_release;
      return port;
    }

    async function unregister_port(data: unknown): Promise<void> {
      const port = data as cxl_port;
      port.dead = true;
      await device_unregister(port.dev);
    }

    /** Register the port as `name` under `parent`, unregistered with `host`'s devres. */
    async function __devm_cxl_add_port(host: device, port: cxl_port, parent: device, name: string): Promise<cxl_port | null> {
      port.uport_dev = port.uport?.dev ?? host;
      if (await cxl_device_add(port.dev, parent, name)) {
        put_device(port.dev);
        return null;
      }
      if (await devm_add_action_or_reset(host, unregister_port, port)) return null;
      return port;
    }

    async function devm_cxl_add_root(host: device): Promise<cxl_port | null> {
      const port = cxl_port_alloc();
      if (!port) return null;
      port.dev.type = cxl_root_type;
      if (!(await __devm_cxl_add_port(host, port, host, `root${port.id}`))) return null;
      // devm_cxl_add_port() of a root: its message goes to the uport device, the host.
      dev_dbg(host, '%s added (root port)\n', dev_name(port.dev));
      return port;
    }

    function cxl_root_decoder_release(dev: device): void {
      const cxlrd = container_of<cxl_root_decoder>(dev);
      const port = to_cxl_port(dev.parent!);
      if (cxlrd.region_id >= 0) memregion_free(cxlrd.region_id);
      ida_free(port.decoder_ida, cxlrd.id);
      put_device(port.dev);
    }

    /**
     * A root decoder for a window: publishes "CXL Window N" in iomem, takes
     * its id from the root port (and a reference on the port, which its
     * release gives back with the id) and the memregion id its first region
     * will use.
     */
    async function cxl_root_decoder_add(host: device, root: cxl_port, window: { start: number; end: number }, index: number): Promise<cxl_root_decoder | null> {
      const cxlrd = new cxl_root_decoder();
      const res = new resource({ start: window.start, end: window.end, name: `CXL Window ${index}`, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
      insert_resource_expand_to_fit(k.iomem_resource, res);
      cxlrd.res = res;
      const id = ida_alloc(root.decoder_ida);
      if (id < 0) {
        remove_resource(res);
        return null;
      }
      get_device(root.dev);
      cxlrd.id = id;
      const dev = cxlrd.dev;
      device_initialize(dev);
      dev.parent = root.dev;
      dev.bus = cxl_bus_type;
      dev.type = cxl_decoder_root_type;
      dev.release = cxl_root_decoder_release;
      cxlrd.region_id = memregion_alloc();
      let rc = cxlrd.region_id < 0 ? cxlrd.region_id : 0;
      if (!rc) {
        dev_set_name(dev, 'decoder%d.%d', root.id, cxlrd.id);
        rc = await device_add(dev);
      }
      if (rc) {
        put_device(dev);
        remove_resource(res);
        return null;
      }
      const cxld_unregister = async (): Promise<void> => {
        await device_unregister(dev);
        remove_resource(res);
      };
      if (await devm_add_action_or_reset(host, cxld_unregister, null)) return null;
      return cxlrd;
    }

    function cxl_endpoint_decoder_release(dev: device): void {
      const cxled = to_cxl_endpoint_decoder(dev);
      const port = to_cxl_port(dev.parent!);
      // __cxl_decoder_release(), then the struct itself.
      ida_free(port.decoder_ida, cxled.cxld.id);
      put_device(port.dev);
      kfree(cxled);
    }

    /** An endpoint decoder of `port`: an id from the port's decoder_ida and a reference on the port, both given back by its release. */
    function cxl_endpoint_decoder_alloc(port: cxl_port): cxl_endpoint_decoder | null {
      const cxled = kzalloc(() => new cxl_endpoint_decoder(), CXL_ENDPOINT_DECODER_SIZE);
      if (!cxled) return null;
      const cxld = cxled.cxld;
      const id = ida_alloc(port.decoder_ida);
      if (id < 0) {
        kfree(cxled);
        return null;
      }
      cxld.id = id;
      cxled.pos = -1;
      cxled.part = -1;
      const dev = cxld.dev;
      device_initialize(dev);
      get_device(port.dev);
      dev.parent = port.dev;
      dev.bus = cxl_bus_type;
      dev.type = cxl_decoder_endpoint_type;
      dev.release = cxl_endpoint_decoder_release;
      return cxled;
    }

    async function cxl_decoder_add(cxld: cxl_decoder): Promise<number> {
      const port = to_cxl_port(cxld.dev.parent!);
      dev_set_name(cxld.dev, 'decoder%d.%d', port.id, cxld.id);
      return await device_add(cxld.dev);
    }

    /** The devm action of a decoder: an endpoint decoder leaves its region first (region.c), then the device goes. */
    async function cxld_unregister(data: unknown): Promise<void> {
      const dev = data as device;
      if (is_endpoint_decoder(dev)) await cxl_core_hooks.cxl_decoder_detach(null, to_cxl_endpoint_decoder(dev), -1, DETACH_INVALIDATE);
      await device_unregister(dev);
    }

    async function cxl_decoder_autoremove(host: device, cxld: cxl_decoder): Promise<number> {
      return await devm_add_action_or_reset(host, cxld_unregister, cxld.dev);
    }

    async function devm_cxl_add_port(host: device, parent: device, kind: 'endpoint' | 'port', uport: cxl_memdev | null = null): Promise<cxl_port | null> {
      const port = cxl_port_alloc();
      if (!port) return null;
      port.uport = uport;
      port.dev.type = cxl_port_type;
      // As __devm_cxl_add_port() does for a memdev, before the port is added (and probed).
      if (uport !== null) uport.endpoint = port;
      if (!(await __devm_cxl_add_port(host, port, parent, `${kind}${port.id}`))) return null;
      // As devm_cxl_add_port() does, on the uport device: the memdev of an endpoint; the host otherwise (no ACPI0016 host bridge here).
      dev_dbg(uport !== null ? uport.dev : host, '%s added to %s\n', dev_name(port.dev), dev_name(parent));
      return port;
    }

    /** The device whose devres unregisters an endpoint: its parent port, or the root's host if the parent is the root. */
    function endpoint_host(endpoint: cxl_port): device {
      const parent = endpoint.dev.parent!;
      return parent.type === cxl_root_type ? parent.parent! : parent;
    }

    async function delete_endpoint(data: unknown): Promise<void> {
      const cxlmd = data as cxl_memdev;
      const endpoint = cxlmd.endpoint!;
      const host = endpoint_host(endpoint);

      await device_lock(host);
      if (host.driver && !endpoint.dead) await devm_release_action(host, unregister_port, endpoint);
      cxlmd.endpoint = null;
      device_unlock(host);
      put_device(endpoint.dev);
      put_device(host);
    }

    /** Remove the endpoint with the memdev's driver; both references are dropped by delete_endpoint(). */
    async function cxl_endpoint_autoremove(cxlmd: cxl_memdev, endpoint: cxl_port): Promise<number> {
      const host = endpoint_host(endpoint);

      get_device(host);
      get_device(endpoint.dev);
      return await devm_add_action_or_reset(cxlmd.dev, delete_endpoint, cxlmd);
    }

    /** Queue the memdev's detach with a reference on it, which detach_memdev() drops (see port.ts). */
    function schedule_cxl_memdev_detach(cxlmd: cxl_memdev): boolean {
      get_device(cxlmd.dev);
      if (queue_work(cxl_bus_wq, cxlmd.detach_work)) return true;
      put_device(cxlmd.dev);
      return false;
    }

    async function cxl_bus_rescan_queue(): Promise<void> {
      const rc = await bus_rescan_devices(cxl_bus_type);

      pr_debug('CXL bus rescan result: %d\n', rc);
    }

    const rescan_work = DECLARE_WORK(cxl_bus_rescan_queue);

    function cxl_bus_rescan(): void {
      queue_work(cxl_bus_wq, rescan_work);
    }

    async function cxl_bus_drain(): Promise<void> {
      await drain_workqueue(cxl_bus_wq!);
    }

    async function cxl_core_init(): Promise<number> {
      cxl_bus_wq = alloc_ordered_workqueue('cxl_port', 0);
      if (!cxl_bus_wq) return -ENOMEM;
      let rc = bus_register(cxl_bus_type);
      if (rc) {
        await destroy_workqueue(cxl_bus_wq);
        return rc;
      }
      rc = await cxl_core_hooks.cxl_region_init();
      if (rc) {
        bus_unregister(cxl_bus_type);
        await destroy_workqueue(cxl_bus_wq);
      }
      return rc;
    }

    async function cxl_core_exit(): Promise<void> {
      await cxl_core_hooks.cxl_region_exit();
      bus_unregister(cxl_bus_type);
      await destroy_workqueue(cxl_bus_wq!);
    }

    return {
      initcalls: [{ level: 'subsys', fn: cxl_core_init }],
      exit: cxl_core_exit,
      exports: {
        __cxl_driver_register, cxl_driver_unregister, cxl_bus_type, devm_cxl_add_root, cxl_root_decoder_add, devm_cxl_add_port,
        cxl_endpoint_autoremove, schedule_cxl_memdev_detach, cxl_bus_rescan, cxl_bus_drain, cxl_endpoint_decoder_alloc, cxl_decoder_add,
        cxl_decoder_autoremove,
      },
      internals: { cxl_device_add, cxl_core_hooks },
    };
  },
};
