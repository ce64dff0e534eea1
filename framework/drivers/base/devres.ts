// SPDX-License-Identifier: GPL-2.0-only
/**
 * Managed resources (drivers/base/devres.c): entries on dev->devres_head,
 * released in strict reverse order at unbind, probe failure, device_del
 * and final release.
 */
import { ENOMEM } from '../../include/errno.js';
import { dev_name, type device, type devres_node } from '../../include/linux/device.js';
import { KERN_ERR } from '../../kernel/printk.js';
import type { DriverBase } from './driver_base.js';

export type devm_action = (data: unknown) => Promise<void> | void;

/** WARN_ON sites of drivers/base/devres.c (lines around v6.18). */
const REMOVE_ACTION_SITE = { file: 'drivers/base/devres.c', line: 756, func: 'devm_remove_action' };
const RELEASE_ACTION_SITE = { file: 'drivers/base/devres.c', line: 777, func: 'devm_release_action' };

export class Devres {
  constructor(private readonly base: DriverBase) {}

  devres_add(dev: device, node: devres_node): void {
    if (this.base.sched.recording) this.base.sched.touch(`dev:${dev_name(dev)}`);
    dev.devres_head.push(node);
  }

  devm_add_action(dev: device, action: devm_action, data: unknown): number {
    if (this.base.faults.should_fail('devm_add_action', action.name) || this.base.faults.should_fail('kmalloc', 'devres')) return -ENOMEM;
    this.devres_add(dev, {
      release: (_dev, d) => action(d),
      data,
      name: `devm_add_action(${action.name || 'action'})`,
      action,
    });
    return 0;
  }

  async devm_add_action_or_reset(dev: device, action: devm_action, data: unknown): Promise<number> {
    const rc = this.devm_add_action(dev, action, data);
    if (rc) await action(data);
    return rc;
  }

  /** Remove the entry without running it (devm_remove_action). */
  devm_remove_action(dev: device, action: devm_action, data: unknown): void {
    const i = this.findAction(dev, action, data);
    if (this.base.panic.WARN_ON(i < 0, REMOVE_ACTION_SITE)) return;
    dev.devres_head.splice(i, 1);
  }

  /** Remove the entry and run it now (devm_release_action). */
  async devm_release_action(dev: device, action: devm_action, data: unknown): Promise<void> {
    const i = this.findAction(dev, action, data);
    if (this.base.panic.WARN_ON(i < 0, RELEASE_ACTION_SITE)) return;
    dev.devres_head.splice(i, 1);
    await action(data);
  }

  private findAction(dev: device, action: devm_action, data: unknown): number {
    for (let i = dev.devres_head.length - 1; i >= 0; i--) {
      const n = dev.devres_head[i]!;
      if (n.action === action && n.data === data) return i;
    }
    return -1;
  }

  /**
   * Release every entry, newest first. Like remove_nodes() + release_nodes(),
   * the list is taken off the device first: entries added by a release
   * callback stay on the device for the next release. Returns how many were
   * released.
   */
  async devres_release_all(dev: device): Promise<number> {
    if (this.base.sched.recording) this.base.sched.touch(`dev:${dev_name(dev)}`);
    const todo = dev.devres_head.splice(0);
    for (let i = todo.length - 1; i >= 0; i--) {
      const node = todo[i]!;
      await node.release(dev, node.data);
    }
    return todo.length;
  }

  /**
   * The same from a context that cannot sleep (the last put_device). An
   * entry whose release would sleep is reported: the shim does not model
   * sleeping in the final put.
   */
  devres_release_all_atomic(dev: device): void {
    const todo = dev.devres_head.splice(0);
    for (let i = todo.length - 1; i >= 0; i--) {
      const node = todo[i]!;
      const r = node.release(dev, node.data);
      if (r instanceof Promise) {
        this.base.log.emit(KERN_ERR, `kshim: ${node.name} on ${dev_name(dev)} sleeps in the final put_device(); not modelled`);
      }
    }
  }
}
