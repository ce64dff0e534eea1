// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked cxl_pci (drivers/cxl/pci.c): a PROBE_PREFER_ASYNCHRONOUS PCI
 * driver for class 0x050210 that creates the memdev state
 * (cxl_memdev_state_create() of cxl_core) and adds one memdev per
 * endpoint through cxl_mem's devm_cxl_add_memdev() (a symbol dependency,
 * as since 7.0). Probe duration: cxl_pci.probe.
 *
 * Deviations: no register mapping, mailbox or media-ready wait; the state
 * is created and not used.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import { pci_driver, type pci_dev } from '../platform/pci.js';
import { get_cxl_mock_ops } from './mock_ops.js';

export const cxl_pci_c: PortUnit = {
  file: 'drivers/cxl/pci.c',
  url: import.meta.url,
  references: () => ['__pci_register_driver', 'pci_unregister_driver', 'cxl_memdev_state_create', 'devm_cxl_add_memdev'],
  aliases: ['pci:v*d*sv*sd*bc05sc02i10*'],
  importNs: ['CXL'],
  create(k, sym) {
    const ops = get_cxl_mock_ops(k);
    const { msleep, dev_name, THIS_MODULE } = k;

    async function cxl_pci_probe(pdev: pci_dev): Promise<number> {
      await msleep(ops.pciProbe(dev_name(pdev.dev)));
      sym.cxl_memdev_state_create(pdev.dev);
      const cxlmd = await sym.devm_cxl_add_memdev(pdev.dev, pdev.hdm);
      if ('err' in cxlmd) return cxlmd.err;
      return 0;
    }

    const cxl_pci_driver = new pci_driver('cxl_pci', [{ class: 0x050210, class_mask: 0xffffff }], cxl_pci_probe, null, PROBE_PREFER_ASYNCHRONOUS);

    async function cxl_pci_driver_init(): Promise<number> {
      return await sym.__pci_register_driver(cxl_pci_driver, THIS_MODULE);
    }

    async function cxl_pci_driver_exit(): Promise<void> {
      await sym.pci_unregister_driver(cxl_pci_driver);
    }

    return { initcalls: [{ level: 'device', fn: cxl_pci_driver_init }], exit: cxl_pci_driver_exit };
  },
};
