// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_mem (drivers/cxl/mem.c; the memdev side of memdev.c is in
 * ./memdev.ts): exports devm_cxl_add_memdev() (so cxl_pci depends on it
 * and the driver is always registered before the first memdev exists) and
 * a PROBE_FORCE_SYNCHRONOUS driver for memdevs whose probe adds the
 * endpoint port through cxl_port, below the host bridge port (with that
 * port as the devm host of the endpoint). Until cxl_acpi has added that
 * port (it does so last, after the root decoders) the probe fails with
 * -ENXIO; cxl_acpi's bus rescan retries it. As in mem.c, the endpoint is
 * added under the device lock of the parent port and only while cxl_port
 * is bound to it: a port whose driver is gone (unbound, or on its way out
 * with cxl_acpi) fails the probe with "CXL port topology portN not
 * enabled" (-ENXIO). A memdev whose endpoint went away with the port
 * topology is detached from cxl_mem by cxl_core's detach_memdev(), and the
 * rescan of a cxl_acpi loaded again probes it afresh; while that detach is
 * still queued the probe returns -EBUSY. Probe duration: cxl_mem.probe.
 *
 * Deviations: one bus_find_device() for the host bridge port stands for
 * devm_cxl_enumerate_ports() and cxl_mem_find_port(), and its failure is
 * logged at debug level; no RCH dports (the endpoint parent is always the
 * port), no debugfs, nvdimm, EDAC or suspend accounting.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { EBUSY, ENXIO } from '../../framework/include/errno.js';
import { PROBE_FORCE_SYNCHRONOUS, device } from '../../framework/include/linux/device.js';
import { CXL_DEVICE_MEMORY_EXPANDER, MODULE_ALIAS_CXL, cxl_driver, cxl_port_type, to_cxl_memdev, to_cxl_port, type cxl_hdm_program, type cxl_memdev } from './cxl.h.js';
import { get_cxl_mock_ops } from './mock_ops.js';

export const cxl_mem_c: PortUnit = {
  file: 'drivers/cxl/mem.c',
  url: import.meta.url,
  exports: [{ symbol: 'devm_cxl_add_memdev', gpl: true, namespace: 'CXL' }],
  references: () => ['__devm_cxl_add_memdev', 'devm_cxl_add_endpoint', '__cxl_driver_register', 'cxl_driver_unregister', 'cxl_bus_type'],
  aliases: [MODULE_ALIAS_CXL(CXL_DEVICE_MEMORY_EXPANDER)],
  importNs: ['CXL'],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { msleep, dev_dbg, dev_err, dev_name, bus_find_device, put_device, guard, work_pending, THIS_MODULE } = k;

    async function devm_cxl_add_memdev(host: device, hdm: cxl_hdm_program | null): Promise<cxl_memdev | { err: number }> {
      return await sym.__devm_cxl_add_memdev(host, hdm);
    }

    async function cxl_mem_probe(dev: device): Promise<number> {
      const cxlmd = to_cxl_memdev(dev);
      if (work_pending(cxlmd.detach_work)) return -EBUSY;
      await msleep(ops.memProbe(dev_name(dev)));

      const parent_port = bus_find_device(sym.cxl_bus_type, null, (d) => d.type === cxl_port_type && to_cxl_port(d).uport === null);
      if (!parent_port) {
        dev_dbg(dev, 'CXL port topology not found\n');
        return -ENXIO;
      }
      // No RCH dport in the mocked topology: the endpoint goes below the port itself.
      const endpoint_parent = parent_port;

      let rc = 0;
      endpoint_add: {
        using _guard = await guard(device)(endpoint_parent);
        if (!endpoint_parent.driver) {
          dev_err(dev, 'CXL port topology %s not enabled\n', dev_name(endpoint_parent));
          rc = -ENXIO;
          break endpoint_add;
        }

        rc = await sym.devm_cxl_add_endpoint(endpoint_parent, cxlmd, parent_port);
      }
      put_device(parent_port);
      return rc;
    }

    const cxl_mem_driver = new cxl_driver({
      name: 'cxl_mem',
      probe: cxl_mem_probe,
      id: CXL_DEVICE_MEMORY_EXPANDER,
      drv: { probe_type: PROBE_FORCE_SYNCHRONOUS },
    });

    async function cxl_mem_init(): Promise<number> {
      return await sym.__cxl_driver_register(cxl_mem_driver, THIS_MODULE, 'cxl_mem');
    }

    async function cxl_mem_exit(): Promise<void> {
      await sym.cxl_driver_unregister(cxl_mem_driver);
    }

    return { initcalls: [{ level: 'device', fn: cxl_mem_init }], exit: cxl_mem_exit, exports: { devm_cxl_add_memdev } };
  },
};
