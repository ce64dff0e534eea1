// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_port (drivers/cxl/port.c): exports devm_cxl_add_endpoint()
 * to cxl_mem, and a PROBE_FORCE_SYNCHRONOUS driver for ports whose
 * endpoint probe sets up the endpoint's decoders (cxl_core's hdm.c) and
 * hands each one the BIOS committed to region auto-assembly (when
 * CXL_REGION is enabled), walking them with device_for_each_child(). As
 * in port.c, region
 * discovery is opportunistic: an error of cxl_add_to_region() is logged
 * ("failed to add to region") and the endpoint probe still succeeds; and
 * devm_cxl_add_endpoint() fails with "endpointN failed probe" (-ENXIO)
 * when the endpoint it added did not bind to cxl_port. The endpoint port
 * is added with the parent port as its devm host, so it goes when the
 * parent port goes; an endpoint that loses its driver schedules the
 * detach of its memdev from cxl_mem (schedule_detach). Probe duration:
 * cxl_port.probe.
 *
 * Deviations:
 * - The kernel's endpoint probe takes the memdev reference that
 *   detach_memdev() drops; here schedule_cxl_memdev_detach() in cxl_core
 *   takes it, so that kshim's per-module reference accounting sees it
 *   dropped by the module that took it.
 * - The endpoint's decoders come from cxl_core's mocked hdm.c (one per
 *   endpoint, see ./hdm.ts).
 * - No dports, CDAT, RAS or HDM register setup; switch ports probe empty.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM, ENXIO } from '../../framework/include/errno.js';
import { PROBE_FORCE_SYNCHRONOUS, type device } from '../../framework/include/linux/device.js';
import {
  CXL_DECODER_F_ENABLE,
  CXL_DECODER_STATE_AUTO,
  CXL_DEVICE_PORT,
  MODULE_ALIAS_CXL,
  cxl_driver,
  is_endpoint_decoder,
  to_cxl_endpoint_decoder,
  to_cxl_port,
  type cxl_endpoint_decoder,
  type cxl_memdev,
  type cxl_port,
} from './cxl.h.js';
import { get_cxl_mock_ops } from './mock_ops.js';

export const cxl_port_c: PortUnit = {
  file: 'drivers/cxl/port.c',
  url: import.meta.url,
  exports: [{ symbol: 'devm_cxl_add_endpoint', gpl: true, forModules: 'cxl_mem' }],
  references: (cfg) => [
    'devm_cxl_add_port', 'cxl_endpoint_autoremove', 'schedule_cxl_memdev_detach', '__cxl_driver_register', 'cxl_driver_unregister', 'cxl_bus_type',
    'devm_cxl_endpoint_decoders_setup', ...(cfg.IS_ENABLED('CONFIG_CXL_REGION') ? ['cxl_add_to_region'] : []),
  ],
  aliases: [MODULE_ALIAS_CXL(CXL_DEVICE_PORT)],
  importNs: ['CXL'],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { msleep, dev_name, dev_dbg, dev_err, devm_add_action_or_reset, device_for_each_child, IS_ENABLED, THIS_MODULE } = k;

    function schedule_detach(cxlmd: unknown): void {
      sym.schedule_cxl_memdev_detach(cxlmd as cxl_memdev);
    }

    async function cxl_add_to_region(cxled: cxl_endpoint_decoder): Promise<number> {
      if (!IS_ENABLED('CONFIG_CXL_REGION')) return 0;
      return await sym.cxl_add_to_region(cxled);
    }

    /** An endpoint decoder the BIOS committed for an auto region goes to region assembly. */
    async function discover_region(dev: device): Promise<number> {
      if (!is_endpoint_decoder(dev)) return 0;
      const cxled = to_cxl_endpoint_decoder(dev);
      if ((cxled.cxld.flags & CXL_DECODER_F_ENABLE) === 0) return 0;
      if (cxled.state !== CXL_DECODER_STATE_AUTO) return 0;

      const rc = await cxl_add_to_region(cxled);
      if (rc) dev_dbg(dev, 'failed to add to region: %#llx-%#llx\n', cxled.cxld.hpa_range.start, cxled.cxld.hpa_range.end);

      return 0;
    }

    async function cxl_endpoint_port_probe(port: cxl_port): Promise<number> {
      const dev = port.dev;
      const cxlmd = port.uport!;

      let rc = await devm_add_action_or_reset(dev, schedule_detach, cxlmd);
      if (rc) return rc;

      rc = await sym.devm_cxl_endpoint_decoders_setup(port);
      if (rc) return rc;

      await device_for_each_child(dev, null, discover_region);

      return 0;
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

    async function devm_cxl_add_endpoint(host: device, cxlmd: cxl_memdev, parent: device): Promise<number> {
      const endpoint = await sym.devm_cxl_add_port(host, parent, 'endpoint', cxlmd);
      if (!endpoint) return -ENOMEM;

      const rc = await sym.cxl_endpoint_autoremove(cxlmd, endpoint);
      if (rc) return rc;

      if (!endpoint.dev.driver) {
        dev_err(cxlmd.dev, '%s failed probe\n', dev_name(endpoint.dev));
        return -ENXIO;
      }

      return 0;
    }

    async function cxl_port_init(): Promise<number> {
      return await sym.__cxl_driver_register(cxl_port_driver, THIS_MODULE, 'cxl_port');
    }

    async function cxl_port_exit(): Promise<void> {
      await sym.cxl_driver_unregister(cxl_port_driver);
    }

    return { initcalls: [{ level: 'subsys', fn: cxl_port_init }], exit: cxl_port_exit, exports: { devm_cxl_add_endpoint } };
  },
};
