// SPDX-License-Identifier: GPL-2.0-only
/**
 * The platform bus (drivers/base/platform.c): two-phase device
 * registration, naming ("hmem.0", bare name, ".auto"), matching by
 * driver_override, ACPI id, id table or name, MODALIAS for udev.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { ENOMEM, ENXIO, EPROBE_DEFER } from '../../include/errno.js';
import { container_of, embed, embedding } from '../../include/linux/container_of.js';
import { bus_type, dev_name, device, device_driver, type probe_type } from '../../include/linux/device.js';
import { FaultInjection } from '../../kernel/fail_function.js';
import { KERN_WARNING } from '../../kernel/printk.js';
import type { DdebugSite } from '../../lib/dynamic_debug.js';
import { DriverBase } from './driver_base.js';

export const PLATFORM_DEVID_NONE = -1;
export const PLATFORM_DEVID_AUTO = -2;


/** drivers/base/platform.c's pr_debug() callsites. */
const PLATFORM_C: DdebugSite = { modname: 'platform', filename: 'drivers/base/platform.c', instance: 0 };
export class platform_device {
  name: string;
  id: number;
  id_auto = false;
  readonly dev = new device();
  driver_override: string | null = null;
  /** ACPI _HID when the device was enumerated from ACPI ("ACPI0017"). */
  acpi_hid: string | null = null;
  constructor(init: { name: string; id: number; dev?: Partial<Pick<device, 'release' | 'parent'>> }) {
    this.name = init.name;
    this.id = init.id;
    if (init.dev?.release) this.dev.release = init.dev.release;
    if (init.dev?.parent) this.dev.parent = init.dev.parent;
    embed(this, 'dev');
  }
}

export interface platform_device_id {
  readonly name: string;
}

export interface platform_driver_init {
  probe?: (pdev: platform_device) => Promise<number> | number;
  remove?: (pdev: platform_device) => Promise<void> | void;
  driver: { name: string; probe_type?: probe_type; suppress_bind_attrs?: boolean };
  id_table?: readonly platform_device_id[];
  acpi_match_table?: readonly string[];
  prevent_deferred_probe?: boolean;
}

export class platform_driver {
  probe: platform_driver_init['probe'] | null;
  remove: platform_driver_init['remove'] | null;
  readonly driver: device_driver;
  readonly id_table: readonly platform_device_id[] | null;
  readonly acpi_match_table: readonly string[] | null;
  readonly prevent_deferred_probe: boolean;
  constructor(init: platform_driver_init) {
    this.probe = init.probe ?? null;
    this.remove = init.remove ?? null;
    this.driver = new device_driver(init.driver.name);
    if (init.driver.probe_type !== undefined) this.driver.probe_type = init.driver.probe_type;
    this.driver.suppress_bind_attrs = init.driver.suppress_bind_attrs ?? false;
    this.id_table = init.id_table ?? null;
    this.acpi_match_table = init.acpi_match_table ?? null;
    this.prevent_deferred_probe = init.prevent_deferred_probe ?? false;
    embed(this, 'driver');
  }
}

export function to_platform_device(dev: device): platform_device {
  return container_of<platform_device>(dev);
}

export function to_platform_driver(drv: device_driver): platform_driver {
  return container_of<platform_driver>(drv);
}

export interface PlatformApi {
  platform_device_alloc(name: string, id: number): platform_device | null;
  platform_device_add_data(pdev: platform_device, data: object | null, size?: number): number;
  platform_device_add(pdev: platform_device): Promise<number>;
  platform_device_register(pdev: platform_device): Promise<number>;
  platform_device_del(pdev: platform_device | null): Promise<void>;
  platform_device_unregister(pdev: platform_device | null): Promise<void>;
  platform_device_put(pdev: platform_device | null): void;
  platform_driver_register(drv: platform_driver): Promise<number>;
  platform_driver_unregister(drv: platform_driver): Promise<void>;
  to_platform_device(dev: device): platform_device;
  readonly platform_bus_type: bus_type;
  readonly platform_bus: device;
}

/** The platform root device is static: nothing to free. */
function platform_bus_release(_dev: device): void {}

/** sizeof(struct platform_object) without its name: kshim's round figure for the kmalloc cache. */
const PLATFORM_OBJECT_SIZE = 0x3a0;

@injectable()
export class PlatformBus {
  readonly platform_bus_type = new bus_type('platform');
  readonly platform_bus = new device();
  private nextAutoId = 0;
  private readonly freeAutoIds: number[] = [];
  /** platform_device_release(): platform_device_alloc()'s object goes with its platform data. Bound: it is stored as dev->release. */
  private readonly platform_device_release = (dev: device): void => {
    dev.platform_data = null;
    this.base.slab.kfree(embedding(dev));
  };

  constructor(
    @inject(DriverBase) private readonly base: DriverBase,
    @inject(FaultInjection) private readonly faults: FaultInjection,
  ) {
    const bus = this.platform_bus_type;
    // Bound, not wrapped: a call trace shows platform_probe, not an arrow named "probe".
    bus.match = this.platform_match.bind(this);
    bus.probe = this.platform_probe.bind(this);
    bus.remove = this.platform_remove.bind(this);
    bus.uevent = this.platform_uevent.bind(this);
    this.platform_bus.init_name = 'platform';
    this.platform_bus.release = platform_bus_release;
  }

  /** platform_bus_init(): the "platform" root device and the bus. Runs before any initcall. */
  platform_bus_init(): void {
    const core = this.base.core;
    core.device_initialize(this.platform_bus);
    this.platform_bus.name = 'platform';
    this.platform_bus.state_in_sysfs = true;
    core.rootChildren.push(this.platform_bus);
    this.platform_bus.p = this.platform_bus.p!;
    this.base.bus.bus_register(this.platform_bus_type);
  }

  private platform_match(dev: device, drv: device_driver): number {
    const pdev = to_platform_device(dev);
    const pdrv = to_platform_driver(drv);
    if (pdev.driver_override !== null) return pdev.driver_override === drv.name ? 1 : 0;
    if (pdev.acpi_hid !== null && pdrv.acpi_match_table?.includes(pdev.acpi_hid)) return 1;
    if (pdrv.id_table !== null) return pdrv.id_table.some((id) => id.name === pdev.name) ? 1 : 0;
    return pdev.name === drv.name ? 1 : 0;
  }

  private async platform_probe(dev: device): Promise<number> {
    const drv = to_platform_driver(dev.driver!);
    const pdev = to_platform_device(dev);
    let ret = 0;
    if (drv.probe) ret = await drv.probe(pdev);
    if (drv.prevent_deferred_probe && ret === -EPROBE_DEFER) {
      this.base.core.dev_printk(KERN_WARNING, dev, 'probe deferral not supported\n', []);
      ret = -ENXIO;
    }
    return ret;
  }

  private async platform_remove(dev: device): Promise<void> {
    const drv = to_platform_driver(dev.driver!);
    if (drv.remove) await drv.remove(to_platform_device(dev));
  }

  private platform_uevent(dev: device, env: Map<string, string>): void {
    const pdev = to_platform_device(dev);
    env.set('MODALIAS', pdev.acpi_hid !== null ? `acpi:${pdev.acpi_hid}:` : `platform:${pdev.name}`);
  }

  platform_device_alloc(name: string, id: number): platform_device | null {
    if (this.faults.should_fail('platform_device_alloc', name) || this.faults.should_fail('kmalloc', name)) return null;
    // struct platform_object: the device with its name after it, one kzalloc().
    const pdev = this.base.slab.allocated(new platform_device({ name, id }), PLATFORM_OBJECT_SIZE + name.length + 1);
    this.base.core.device_initialize(pdev.dev);
    pdev.dev.release = this.platform_device_release;
    return pdev;
  }

  platform_device_add_data(pdev: platform_device, data: object | null, _size?: number): number {
    if (data === null) {
      pdev.dev.platform_data = null;
      return 0;
    }
    if (this.faults.should_fail('kmalloc', 'platform_data')) return -ENOMEM;
    pdev.dev.platform_data = kmemdup(data);
    return 0;
  }

  async platform_device_add(pdev: platform_device): Promise<number> {
    const dev = pdev.dev;
    const core = this.base.core;
    if (dev.parent === null) dev.parent = this.platform_bus;
    dev.bus = this.platform_bus_type;
    switch (pdev.id) {
      default:
        core.dev_set_name(dev, '%s.%d', pdev.name, pdev.id);
        break;
      case PLATFORM_DEVID_NONE:
        core.dev_set_name(dev, '%s', pdev.name);
        break;
      case PLATFORM_DEVID_AUTO:
        pdev.id = this.freeAutoIds.length ? this.freeAutoIds.sort((a, b) => a - b).shift()! : this.nextAutoId++;
        pdev.id_auto = true;
        core.dev_set_name(dev, '%s.%d.auto', pdev.name, pdev.id);
        break;
    }
    this.base.log.dynamic_pr_debug(PLATFORM_C, "Registering platform device '%s'. Parent at %s\n", [dev_name(dev), dev_name(dev.parent!)]);
    // Injected as a failure of device_add() before it published anything.
    const ret = this.faults.should_fail('platform_device_add', dev_name(dev)) || (await core.device_add(dev));
    if (ret === 0) return ret;
    if (pdev.id_auto) {
      this.freeAutoIds.push(pdev.id);
      pdev.id = PLATFORM_DEVID_AUTO;
    }
    return ret;
  }

  async platform_device_register(pdev: platform_device): Promise<number> {
    this.base.core.device_initialize(pdev.dev);
    return await this.platform_device_add(pdev);
  }

  async platform_device_del(pdev: platform_device | null): Promise<void> {
    if (pdev === null) return;
    await this.base.core.device_del(pdev.dev);
    if (pdev.id_auto) {
      this.freeAutoIds.push(pdev.id);
      pdev.id = PLATFORM_DEVID_AUTO;
    }
  }

  async platform_device_unregister(pdev: platform_device | null): Promise<void> {
    if (pdev === null) return;
    await this.platform_device_del(pdev);
    this.platform_device_put(pdev);
  }

  platform_device_put(pdev: platform_device | null, holder: string | null = null): void {
    if (pdev !== null) this.base.core.put_device(pdev.dev, holder);
  }

  async __platform_driver_register(drv: platform_driver, owner: string | null): Promise<number> {
    const injected = this.faults.should_fail('platform_driver_register', drv.driver.name);
    if (injected) return injected;
    drv.driver.owner = owner;
    drv.driver.bus = this.platform_bus_type;
    return await this.base.drivers.driver_register(drv.driver);
  }

  async platform_driver_unregister(drv: platform_driver): Promise<void> {
    await this.base.drivers.driver_unregister(drv.driver);
  }

  api(owner: string | null = null): PlatformApi {
    return {
      platform_device_alloc: (name, id) => this.platform_device_alloc(name, id),
      platform_device_add_data: (pdev, data, size) => this.platform_device_add_data(pdev, data, size),
      platform_device_add: (pdev) => this.platform_device_add(pdev),
      platform_device_register: (pdev) => this.platform_device_register(pdev),
      platform_device_del: (pdev) => this.platform_device_del(pdev),
      platform_device_unregister: (pdev) => this.platform_device_unregister(pdev),
      platform_device_put: (pdev) => this.platform_device_put(pdev, owner),
      platform_driver_register: (drv) => this.__platform_driver_register(drv, owner),
      platform_driver_unregister: (drv) => this.platform_driver_unregister(drv),
      to_platform_device,
      platform_bus_type: this.platform_bus_type,
      platform_bus: this.platform_bus,
    };
  }
}

/** kmemdup(): a shallow copy of the same shape (an array stays an array; nested pointers are shared, as in C). */
function kmemdup<T extends object>(data: T): T {
  if (Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView))) return (data as unknown as { slice(): T }).slice();
  return Object.assign(Object.create(Object.getPrototypeOf(data) as object | null) as T, data);
}


/** The DI module of the platform bus. */
export const platformModule = new ContainerModule(({ bind }) => {
  bind(PlatformBus).toSelf();
});
