// SPDX-License-Identifier: GPL-2.0-only
/**
 * A mocked PCI core (drivers/pci/pci-driver.c, probe.c): the "pci" bus,
 * driver registration with class-based id tables and MODALIAS, and the
 * CXL memory devices firmware exposes (class 0x050210), one per auto-region
 * target, enumerated at subsys_initcall time.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { container_of, embed } from '../../framework/include/linux/container_of.js';
import { bus_type, device, device_driver, type probe_type } from '../../framework/include/linux/device.js';
import type { cxl_hdm_program } from '../cxl/cxl.h.js';
import { platform_firmware } from './firmware.js';

export const PCI_CLASS_MEMORY_CXL = 0x0502;

export class pci_dev {
  readonly dev = new device();
  vendor = 0x8086;
  device = 0x0d93;
  /** 24-bit class code: base, sub, prog-if. */
  class = 0x050210;
  /** What the BIOS programmed into the device's HDM decoder (read by the mocked cxl_pci). */
  hdm: cxl_hdm_program | null = null;
  constructor() {
    embed(this, 'dev');
  }
}

export function to_pci_dev(dev: device): pci_dev {
  return container_of<pci_dev>(dev);
}

export interface pci_device_id {
  readonly class: number;
  readonly class_mask: number;
}

export class pci_driver {
  readonly driver: device_driver;
  constructor(
    name: string,
    readonly id_table: readonly pci_device_id[],
    readonly probe: (pdev: pci_dev) => Promise<number> | number,
    readonly remove: ((pdev: pci_dev) => Promise<void> | void) | null = null,
    probe_type_?: probe_type,
  ) {
    this.driver = new device_driver(name);
    if (probe_type_ !== undefined) this.driver.probe_type = probe_type_;
    embed(this, 'driver');
  }
}

export function to_pci_driver(drv: device_driver): pci_driver {
  return container_of<pci_driver>(drv);
}

function hex(n: number, w: number): string {
  return n.toString(16).toUpperCase().padStart(w, '0');
}

export const pci_driver_c: PortUnit = {
  file: 'drivers/pci/pci-driver.c',
  url: import.meta.url,
  exports: [
    { symbol: '__pci_register_driver' },
    { symbol: 'pci_unregister_driver' },
  ],
  create(k) {
    const firmware = platform_firmware(k);
    const { bus_register, driver_register, driver_unregister, device_initialize, dev_set_name, device_add } = k;

    function pci_bus_match(dev: device, drv: device_driver): number {
      const pdev = to_pci_dev(dev);
      return to_pci_driver(drv).id_table.some((id) => (pdev.class & id.class_mask) === (id.class & id.class_mask)) ? 1 : 0;
    }

    async function pci_device_probe(dev: device): Promise<number> {
      return await to_pci_driver(dev.driver!).probe(to_pci_dev(dev));
    }

    async function pci_device_remove(dev: device): Promise<void> {
      const drv = to_pci_driver(dev.driver!);
      if (drv.remove) await drv.remove(to_pci_dev(dev));
    }

    function pci_uevent(dev: device, env: Map<string, string>): void {
      const p = to_pci_dev(dev);
      env.set('MODALIAS', `pci:v${hex(p.vendor, 8)}d${hex(p.device, 8)}sv00000000sd00000000bc${hex(p.class >> 16, 2)}sc${hex((p.class >> 8) & 0xff, 2)}i${hex(p.class & 0xff, 2)}`);
    }

    function pci_release_dev(_dev: device): void {}

    const pci_bus_type = new bus_type('pci');
    pci_bus_type.match = pci_bus_match;
    pci_bus_type.probe = pci_device_probe;
    pci_bus_type.remove = pci_device_remove;
    pci_bus_type.uevent = pci_uevent;

    const pci_root = new device();

    async function __pci_register_driver(drv: pci_driver, owner: string | null): Promise<number> {
      drv.driver.bus = pci_bus_type;
      drv.driver.owner = owner;
      return await driver_register(drv.driver);
    }

    async function pci_unregister_driver(drv: pci_driver): Promise<void> {
      await driver_unregister(drv.driver);
    }

    function pci_driver_init(): number {
      return bus_register(pci_bus_type);
    }

    /** pci_subsys_init(): scan the bus and add one function per CXL memory device. */
    async function pci_subsys_init(): Promise<number> {
      device_initialize(pci_root);
      dev_set_name(pci_root, 'pci0000:00');
      pci_root.release = pci_release_dev;
      await device_add(pci_root);
      const memdevs = firmware.memdevs();
      for (let i = 0; i < memdevs.length; i++) {
        const m = memdevs[i]!;
        const pdev = new pci_dev();
        pdev.hdm = { region: m.region, position: m.position, programmed: m.present };
        device_initialize(pdev.dev);
        pdev.dev.release = pci_release_dev;
        pdev.dev.parent = pci_root;
        pdev.dev.bus = pci_bus_type;
        dev_set_name(pdev.dev, '0000:%s:00.0', (0x0d + i).toString(16).padStart(2, '0'));
        await device_add(pdev.dev);
      }
      return 0;
    }

    return {
      initcalls: [
        { level: 'postcore', fn: pci_driver_init },
        { level: 'subsys', fn: pci_subsys_init },
      ],
      exports: { __pci_register_driver, pci_unregister_driver },
    };
  },
};
