// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_core (drivers/cxl/core/port.c, memdev.c, bus parts): the
 * "cxl" bus, cxl driver registration, and the object constructors the
 * mocked providers use: the root port, root decoders (one per CFMWS
 * window, each holding a memregion id for its next region), memdevs and
 * endpoint ports. Region assembly lives in ./region.ts.
 *
 * In the spirit of tools/testing/cxl: the real bus and driver-core
 * behaviour, with the hardware discovery replaced by tables.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { bus_type, dev_name, type device, type device_driver } from '../../framework/include/linux/device.js';
import { EINVAL, ENOMEM } from '../../framework/include/errno.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import {
  CXL_MODALIAS_FMT,
  cxl_decoder_root_type,
  cxl_device_id,
  cxl_driver,
  cxl_memdev,
  cxl_memdev_type,
  cxl_port,
  cxl_port_type,
  cxl_root_decoder,
  cxl_root_type,
  to_cxl_drv,
  type cxl_hdm_program,
} from './cxl.h.js';

export const CXL_CORE_EXPORTS = [
  { symbol: '__cxl_driver_register', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_driver_unregister', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_bus_type', gpl: true, namespace: 'CXL' },
  { symbol: 'devm_cxl_add_root', gpl: true, namespace: 'CXL' },
  { symbol: 'cxl_root_decoder_add', gpl: true, namespace: 'CXL' },
  { symbol: '__devm_cxl_add_memdev', gpl: true, forModules: 'cxl_mem' },
  { symbol: 'devm_cxl_add_port', gpl: true, namespace: 'CXL' },
] as const;

export const core_port_c: PortUnit = {
  file: 'drivers/cxl/core/port.c',
  url: import.meta.url,
  exports: CXL_CORE_EXPORTS,
  create(k) {
    const { bus_register, driver_register, driver_unregister, device_initialize, dev_set_name, device_add, device_unregister,
      devm_add_action_or_reset, memregion_alloc, memregion_free, insert_resource_expand_to_fit, remove_resource, dev_dbg } = k;

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

    async function devm_cxl_add_root(host: device): Promise<cxl_port | null> {
      const port = new cxl_port();
      port.dev.type = cxl_root_type;
      const rc = await cxl_device_add(port.dev, host, 'root0');
      if (rc) return null;
      if (await devm_add_action_or_reset(host, async () => await device_unregister(port.dev), null)) return null;
      // devm_cxl_add_port() of a root: its message goes to the uport device, the host.
      dev_dbg(host, '%s added (root port)\n', dev_name(port.dev));
      return port;
    }

    let nextDecoderId = 0;
    /**
     * A root decoder for a window: publishes "CXL Window N" in iomem and
     * takes the memregion id its first region will use.
     */
    async function cxl_root_decoder_add(host: device, root: cxl_port, window: { start: number; end: number }, index: number): Promise<cxl_root_decoder | null> {
      const cxlrd = new cxl_root_decoder();
      const res = new resource({ start: window.start, end: window.end, name: `CXL Window ${index}`, flags: IORESOURCE_MEM, desc: IORES_DESC_CXL });
      insert_resource_expand_to_fit(k.iomem_resource, res);
      cxlrd.res = res;
      cxlrd.region_id = memregion_alloc();
      if (cxlrd.region_id < 0) return null;
      cxlrd.dev.type = cxl_decoder_root_type;
      const rc = await cxl_device_add(cxlrd.dev, root.dev, `decoder${root.id}.${nextDecoderId++}`);
      if (rc) return null;
      const teardown = async (): Promise<void> => {
        await device_unregister(cxlrd.dev);
        if (cxlrd.region_id >= 0) memregion_free(cxlrd.region_id);
        remove_resource(res);
      };
      if (await devm_add_action_or_reset(host, teardown, null)) return null;
      return cxlrd;
    }

    let nextMemdevId = 0;
    async function __devm_cxl_add_memdev(host: device, hdm: cxl_hdm_program | null): Promise<cxl_memdev | { err: number }> {
      const cxlmd = new cxl_memdev();
      cxlmd.id = nextMemdevId++;
      cxlmd.hdm = hdm;
      cxlmd.dev.type = cxl_memdev_type;
      const rc = await cxl_device_add(cxlmd.dev, host, `mem${cxlmd.id}`);
      if (rc) return { err: rc };
      if (await devm_add_action_or_reset(host, async () => await device_unregister(cxlmd.dev), null)) return { err: -ENOMEM };
      return cxlmd;
    }

    let nextPortId = 1;
    async function devm_cxl_add_port(host: device, parent: device, kind: 'endpoint' | 'port', uport: cxl_memdev | null = null): Promise<cxl_port | null> {
      const port = new cxl_port();
      port.id = nextPortId++;
      port.uport = uport;
      port.dev.type = cxl_port_type;
      const rc = await cxl_device_add(port.dev, parent, `${kind}${port.id}`);
      if (rc) return null;
      if (await devm_add_action_or_reset(host, async () => await device_unregister(port.dev), null)) return null;
      // As devm_cxl_add_port() does, on the uport device: the memdev of an endpoint; the host otherwise (no ACPI0016 host bridge here).
      dev_dbg(uport !== null ? uport.dev : host, '%s added to %s\n', dev_name(port.dev), dev_name(parent));
      return port;
    }

    async function cxl_core_init(): Promise<number> {
      return bus_register(cxl_bus_type);
    }

    return {
      initcalls: [{ level: 'subsys', fn: cxl_core_init }],
      exit: () => {},
      exports: { __cxl_driver_register, cxl_driver_unregister, cxl_bus_type, devm_cxl_add_root, cxl_root_decoder_add, __devm_cxl_add_memdev, devm_cxl_add_port },
      internals: { cxl_device_add },
    };
  },
};
