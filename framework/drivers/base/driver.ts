// SPDX-License-Identifier: GPL-2.0-only
/** Driver registration (drivers/base/driver.c, bus.c bus_add_driver / bus_remove_driver). */
import { EBUSY, EINVAL } from '../../include/errno.js';
import { driver_private, type device_driver } from '../../include/linux/device.js';
import { KERN_ERR, KERN_WARNING } from '../../kernel/printk.js';
import type { DdebugSite } from '../../lib/dynamic_debug.js';
import type { DriverBase } from './driver_base.js';

const UNEXPECTED_UNREGISTER = { file: 'drivers/base/driver.c', line: 273, func: 'driver_unregister' };


/** bus_add_driver() and bus_remove_driver() are bus.c's: their pr_debug() callsites are bus.c's. */
const BUS_C: DdebugSite = { modname: 'bus', filename: 'drivers/base/bus.c', instance: 0 };
export class DriverRegistration {
  constructor(private readonly base: DriverBase) {}

  driver_find(name: string, bus: device_driver['bus']): device_driver | null {
    return bus?.p?.drivers.find((d) => d.name === name) ?? null;
  }

  async driver_register(drv: device_driver): Promise<number> {
    const b = this.base;
    const bus = drv.bus;
    if (bus === null || bus.p === null) {
      b.log.emit(KERN_ERR, `Driver '${drv.name}' was unable to register with bus_type '${bus?.name ?? '(null)'}' because the bus was not initialized.`);
      return -EINVAL;
    }
    if ((bus.probe && drv.probe) || (bus.remove && drv.remove)) {
      b.log.emit(KERN_WARNING, `Driver '${drv.name}' needs updating - please use bus_type methods`);
    }
    if (this.driver_find(drv.name, bus) !== null) {
      b.log.emit(KERN_ERR, `Error: Driver '${drv.name}' is already registered, aborting...`);
      return -EBUSY;
    }
    return await this.bus_add_driver(drv);
  }

  private async bus_add_driver(drv: device_driver): Promise<number> {
    const b = this.base;
    const sp = drv.bus!.p!;
    b.log.dynamic_pr_debug(BUS_C, "bus: '%s': add driver %s\n", [drv.bus!.name, drv.name]);
    drv.p = new driver_private();
    if (b.sched.recording) b.sched.touch(`bus:${drv.bus!.name}:drivers`);
    sp.drivers.push(drv);
    if (sp.drivers_autoprobe) await b.dd.driver_attach(drv);
    b.dd.deferred_probe_extend_timeout();
    return 0;
  }

  async driver_unregister(drv: device_driver): Promise<void> {
    const b = this.base;
    if (drv.p === null) {
      b.panic.warn(UNEXPECTED_UNREGISTER, 'Unexpected driver unregister!');
      return;
    }
    // bus_remove_driver(): off the bus's driver list first, so that no new
    // device matches it, then detach the devices bound to it.
    const list = drv.bus!.p!.drivers;
    if (b.sched.recording) b.sched.touch(`bus:${drv.bus!.name}:drivers`);
    const i = list.indexOf(drv);
    if (i >= 0) list.splice(i, 1);
    b.log.dynamic_pr_debug(BUS_C, "bus: '%s': remove driver %s\n", [drv.bus!.name, drv.name]);
    await b.dd.driver_detach(drv);
    drv.p = null;
  }
}
