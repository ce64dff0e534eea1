// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_acpi (drivers/cxl/acpi.c): binds ACPI0017:00; its probe
 * publishes every CFMWS as "CXL Window N" (IORES_DESC_CXL) in iomem under
 * a root port root0 with one root decoder each, only then adds the host
 * bridge port (port1) that memdev enumeration climbs to, as the real probe
 * adds host bridge uports after parsing the CFMWS, and finally asks
 * cxl_core to rescan the cxl bus (cxl_bus_rescan(), a work item on
 * cxl_bus_wq that runs after the probe has returned) so memdevs that came
 * first can attach, those detached when a previous cxl_acpi went away
 * included. Everything the probe adds is devm-managed on ACPI0017:00, so
 * unbinding removes the ports (and the endpoints below them); the exit
 * drains cxl_bus_wq, where the memdev detach work that follows runs.
 * Probe duration: cxl_acpi.probe.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM, ENXIO } from '../../framework/include/errno.js';
import { platform_driver, type platform_device } from '../../framework/drivers/base/platform.js';
import { get_cxl_mock_ops } from './mock_ops.js';

export const cxl_acpi_c: PortUnit = {
  file: 'drivers/cxl/acpi.c',
  url: import.meta.url,
  references: () => ['devm_cxl_add_root', 'cxl_root_decoder_add', 'devm_cxl_add_port', 'cxl_bus_rescan', 'cxl_bus_drain'],
  aliases: ['acpi*:ACPI0017:*', 'platform:cxl_acpi*'],
  softdep: () => 'pre: cxl_port',
  importNs: ['CXL', 'ACPI'],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { msleep, platform_driver_register, platform_driver_unregister } = k;

    async function cxl_acpi_probe(pdev: platform_device): Promise<number> {
      const host = pdev.dev;
      await msleep(ops.acpiProbe());

      const cxl_root = await sym.devm_cxl_add_root(host);
      if (!cxl_root) return -ENOMEM;

      const windows = ops.firmware.tables.cfmws;
      for (let i = 0; i < windows.length; i++) {
        const cxlrd = await sym.cxl_root_decoder_add(host, cxl_root, windows[i]!, i);
        if (!cxlrd) return -ENXIO;
      }

      const host_bridge = await sym.devm_cxl_add_port(host, cxl_root.dev, 'port');
      if (!host_bridge) return -ENOMEM;

      sym.cxl_bus_rescan();
      return 0;
    }

    const cxl_acpi_driver = new platform_driver({
      probe: cxl_acpi_probe,
      driver: { name: 'cxl_acpi' },
      acpi_match_table: ['ACPI0017'],
    });

    async function cxl_acpi_init(): Promise<number> {
      return await platform_driver_register(cxl_acpi_driver);
    }

    async function cxl_acpi_exit(): Promise<void> {
      await platform_driver_unregister(cxl_acpi_driver);
      await sym.cxl_bus_drain();
    }

    return { initcalls: [{ level: 'subsys', fn: cxl_acpi_init }], exit: cxl_acpi_exit };
  },
};
