// SPDX-License-Identifier: GPL-2.0-only
/** errno values used by the simulated kernel (include/uapi/asm-generic/errno-base.h, include/linux/errno.h). */
export const EPERM = 1;
export const ENOENT = 2;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EAGAIN = 11;
export const EWOULDBLOCK = EAGAIN;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const EINVAL = 22;
export const ENOSPC = 28;
export const ENOSYS = 38;
export const ENAMETOOLONG = 36;
export const ETIME = 62;
export const ETIMEDOUT = 110;
export const EPROBE_DEFER = 517;

const NAMES: Record<number, string> = {
  [EPERM]: 'EPERM', [ENOENT]: 'ENOENT', [EIO]: 'EIO', [ENXIO]: 'ENXIO', [E2BIG]: 'E2BIG', [ENOEXEC]: 'ENOEXEC', [EAGAIN]: 'EAGAIN', [ENOMEM]: 'ENOMEM', [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY', [EEXIST]: 'EEXIST', [ENODEV]: 'ENODEV', [EINVAL]: 'EINVAL', [ENOSPC]: 'ENOSPC',
  [ENOSYS]: 'ENOSYS', [ENAMETOOLONG]: 'ENAMETOOLONG', [ETIME]: 'ETIME', [ETIMEDOUT]: 'ETIMEDOUT',
  [EPROBE_DEFER]: 'EPROBE_DEFER',
};

/** "-ENOMEM" for -12, for messages written by the simulation (ports print numbers, like the C). */
export function errname(err: number): string {
  const n = NAMES[Math.abs(err)];
  return n ? `${err < 0 ? '-' : ''}${n}` : String(err);
}

/** An error pointer: ERR_PTR(-ENOMEM). */
export class ErrPtr {
  constructor(readonly err: number) {}
}

export function ERR_PTR(err: number): ErrPtr {
  return new ErrPtr(err);
}

export function IS_ERR(p: unknown): p is ErrPtr {
  return p instanceof ErrPtr;
}

export function IS_ERR_OR_NULL(p: unknown): p is ErrPtr | null | undefined {
  return p === null || p === undefined || p instanceof ErrPtr;
}

export function PTR_ERR(p: ErrPtr): number {
  return p.err;
}

export function PTR_ERR_OR_ZERO(p: unknown): number {
  return p instanceof ErrPtr ? p.err : 0;
}
