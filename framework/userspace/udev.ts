// SPDX-License-Identifier: GPL-2.0-only
/**
 * systemd-udevd, as far as module autoloading goes: once userspace runs,
 * every "add" uevent carrying a MODALIAS makes a worker run
 * "modprobe -b -q $MODALIAS" after a delay; workers run concurrently and
 * race each other. Starting udevd (and mounting the real root) replays
 * "add" for every existing device, as `udevadm trigger` does.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { DriverBase } from '../drivers/base/driver_base.js';
import { dev_name, type device } from '../include/linux/device.js';
import { MODPROBE_FRAMES } from '../kernel/kmod.js';
import { Scheduler } from '../sim/scheduler.js';
import { Timing } from '../sim/timing.js';
import { Modprobe } from './modprobe.js';

export interface UdevEvent {
  readonly device: string;
  readonly modalias: string;
  /** Virtual time (µs) of the uevent or the coldplug that replayed it. */
  readonly time: number;
  readonly coldplug: boolean;
}

@injectable()
export class Udevd {
  running = false;
  readonly events: UdevEvent[] = [];

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(DriverBase) private readonly base: DriverBase,
    @inject(Timing) private readonly timing: Timing,
    @inject(Modprobe) private readonly modprobe: Modprobe,
  ) {
    base.ueventListeners.push((action, dev, env) => {
      const modalias = env.get('MODALIAS');
      if (this.running && action === 'add' && modalias !== undefined) this.queue(dev, modalias, false);
    });
  }

  /** systemd-udevd starts: coldplug every device that is present. */
  start(): void {
    this.running = true;
    this.trigger();
  }

  /** udevadm trigger --action=add: replay add for every registered device with a MODALIAS. */
  trigger(): void {
    for (const bus of this.base.bus.buses) {
      for (const dev of bus.p?.devices ?? []) {
        const env = new Map<string, string>();
        dev.bus?.uevent?.(dev, env);
        const modalias = env.get('MODALIAS');
        if (modalias !== undefined) this.queue(dev, modalias, true);
      }
    }
  }

  private queue(dev: device, modalias: string, coldplug: boolean): void {
    this.events.push({ device: dev_name(dev), modalias, time: this.sched.now, coldplug });
    const worker = this.sched.spawn('(udev-worker)', 'udev', async () => {
      await this.sched.sleep(this.timing.udevDelay(modalias) * 1000);
      await this.modprobe.modprobe(modalias, { quiet: true, blacklist: true, comm: '(udev-worker)' });
    });
    worker.baseFrames = MODPROBE_FRAMES;
  }
}

export const udevModule = new ContainerModule(({ bind }) => {
  bind(Udevd).toSelf();
});
