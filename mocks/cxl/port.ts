// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_port (drivers/cxl/port.c): exports devm_cxl_add_endpoint()
 * to cxl_mem, and a PROBE_FORCE_SYNCHRONOUS driver for ports whose
 * endpoint probe reads the decoder the BIOS programmed and hands it to
 * region auto-assembly (when CXL_REGION is enabled). The endpoint port is
 * added with the parent port as its devm host, so it goes when the parent
 * port goes; an endpoint that loses its driver schedules the detach of its
 * memdev from cxl_mem (schedule_detach). Probe duration: cxl_port.probe.
 *
 * Deviation: the kernel's endpoint probe takes the memdev reference that
 * detach_memdev() drops; here schedule_cxl_memdev_detach() in cxl_core
 * takes it, so that kshim's per-module reference accounting sees it
 * dropped by the module that took it.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM } from '../../framework/include/errno.js';
import { PROBE_FORCE_SYNCHRONOUS, type device } from '../../framework/include/linux/device.js';
import { CXL_DEVICE_PORT, MODULE_ALIAS_CXL, cxl_decoder_root_type, cxl_driver, to_cxl_port, type cxl_memdev, type cxl_port, type cxl_root_decoder } from './cxl.h.js';
import { container_of } from '../../framework/include/linux/container_of.js';
import { get_cxl_mock_ops } from './mock_ops.js';

export const cxl_port_c: PortUnit = {
  file: 'drivers/cxl/port.c',
  url: import.meta.url,
  exports: [{ symbol: 'devm_cxl_add_endpoint', gpl: true, forModules: 'cxl_mem' }],
  references: (cfg) => ['devm_cxl_add_port', 'cxl_endpoint_autoremove', 'schedule_cxl_memdev_detach', '__cxl_driver_register', 'cxl_driver_unregister', 'cxl_bus_type', ...(cfg.IS_ENABLED('CONFIG_CXL_REGION') ? ['cxl_add_to_region'] : [])],
  aliases: [MODULE_ALIAS_CXL(CXL_DEVICE_PORT)],
  importNs: ['CXL'],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { msleep, dev_name, dev_dbg, bus_find_device, put_device, devm_add_action_or_reset, IS_ENABLED, THIS_MODULE } = k;

    function schedule_detach(cxlmd: unknown): void {
      sym.schedule_cxl_memdev_detach(cxlmd as cxl_memdev);
    }

    async function devm_cxl_add_endpoint(host: device, cxlmd: cxl_memdev, parent: device): Promise<number> {
      const endpoint = await sym.devm_cxl_add_port(host, parent, 'endpoint', cxlmd);
      if (!endpoint) return -ENOMEM;
      return await sym.cxl_endpoint_autoremove(cxlmd, endpoint);
    }

    async function cxl_add_to_region(cxled: { cxlrd: cxl_root_decoder; hpa: { start: number; end: number }; ways: number }): Promise<number> {
      if (!IS_ENABLED('CONFIG_CXL_REGION')) return 0;
      return await sym.cxl_add_to_region(cxled);
    }

    async function cxl_endpoint_port_probe(port: cxl_port): Promise<number> {
      const dev = port.dev;
      const cxlmd = port.uport!;

      const rc = await devm_add_action_or_reset(dev, schedule_detach, cxlmd);
      if (rc) return rc;

      const hdm = cxlmd.hdm;
      if (!hdm || !hdm.programmed) return 0;
      const region = ops.firmware.tables.regions[hdm.region]!;
      const rd = bus_find_device(sym.cxl_bus_type, region, (d, r) => {
        if (d.type !== cxl_decoder_root_type) return false;
        const res = container_of<cxl_root_decoder>(d).res;
        const reg = r as { start: number; end: number };
        return res !== null && res.start <= reg.start && res.end >= reg.end;
      });
      if (!rd) {
        dev_dbg(dev, 'no root decoder for %#llx-%#llx\n', region.start, region.end);
        return 0;
      }
      put_device(rd);
      return await cxl_add_to_region({ cxlrd: container_of<cxl_root_decoder>(rd), hpa: { start: region.start, end: region.end }, ways: region.targets });
    }

    async function cxl_port_probe(dev: device): Promise<number> {
      const port = to_cxl_port(dev);

      await msleep(ops.portProbe(dev_name(dev)));
      if (port.uport !== null) return await cxl_endpoint_port_probe(port);
      return 0;
    }

    const cxl_port_driver = new cxl_driver({
      name: 'cxl_port',
      probe: cxl_port_probe,
      id: CXL_DEVICE_PORT,
      drv: { probe_type: PROBE_FORCE_SYNCHRONOUS },
    });

    async function cxl_port_init(): Promise<number> {
      return await sym.__cxl_driver_register(cxl_port_driver, THIS_MODULE, 'cxl_port');
    }

    async function cxl_port_exit(): Promise<void> {
      await sym.cxl_driver_unregister(cxl_port_driver);
    }

    return { initcalls: [{ level: 'subsys', fn: cxl_port_init }], exit: cxl_port_exit, exports: { devm_cxl_add_endpoint } };
  },
};
