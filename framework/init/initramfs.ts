// SPDX-License-Identifier: GPL-2.0-only
/**
 * The root filesystems as module loading sees them (init/initramfs.c,
 * kernel/umh.c): user-mode helpers are enabled by populate_rootfs at the
 * rootfs initcall level; until the real root is mounted only the modules
 * packed into the initramfs can be loaded.
 */
import { ContainerModule, injectable } from 'inversify';

@injectable()
export class Rootfs {
  /** usermodehelper_enable() has run (populate_rootfs). */
  usermodehelper_enabled = false;
  /** The real root is mounted: every module on disk can be loaded. */
  realRootMounted = false;
  /** Modules present in the initramfs. */
  readonly initramfs = new Set<string>();

  /** Can modprobe find `module` right now? */
  moduleOnDisk(module: string): boolean {
    return this.realRootMounted || this.initramfs.has(module);
  }
}

export const rootfsModule = new ContainerModule(({ bind }) => {
  bind(Rootfs).toSelf();
});
