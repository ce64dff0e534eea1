// SPDX-License-Identifier: GPL-2.0-only
/**
 * struct resource, its flags and descriptors, and the inline helpers of
 * include/linux/ioport.h (v7.0, after bc62f5b308cb "dax/hmem, e820,
 * resource: Defer Soft Reserved insertion until hmem is ready"), plus
 * struct range (include/linux/range.h) and the REGION_* results
 * (include/linux/mm.h).
 *
 * Deviations from the C:
 * - resource_size_t is a JavaScript number. Addresses are exact up to
 *   2^53; "~0" (the end of iomem_resource and of the private roots, C's
 *   `.end = -1`) is RESOURCE_SIZE_MAX = 2^53 - 1. A negative `end` given
 *   to the constructor or to DEFINE_RES_* wraps the way the C unsigned
 *   arithmetic would, onto that maximum.
 * - IORESOURCE_DAX_STATIC / IORESOURCE_DAX_KMEM live in drivers/dax/bus.h in
 *   the kernel (BIT(0) / BIT(1)); they are re-exported here for the ports.
 */

/** The largest address the simulation represents: the stand-in for (resource_size_t)~0. */
export const RESOURCE_SIZE_MAX = Number.MAX_SAFE_INTEGER;

// ---- flags (include/linux/ioport.h) ---------------------------------------
export const IORESOURCE_BITS = 0x000000ff;
export const IORESOURCE_TYPE_BITS = 0x00001f00;
export const IORESOURCE_IO = 0x00000100;
export const IORESOURCE_MEM = 0x00000200;
export const IORESOURCE_REG = 0x00000300;
export const IORESOURCE_IRQ = 0x00000400;
export const IORESOURCE_DMA = 0x00000800;
export const IORESOURCE_BUS = 0x00001000;
export const IORESOURCE_PREFETCH = 0x00002000;
export const IORESOURCE_READONLY = 0x00004000;
export const IORESOURCE_CACHEABLE = 0x00008000;
export const IORESOURCE_RANGELENGTH = 0x00010000;
export const IORESOURCE_SHADOWABLE = 0x00020000;
export const IORESOURCE_SIZEALIGN = 0x00040000;
export const IORESOURCE_STARTALIGN = 0x00080000;
export const IORESOURCE_MEM_64 = 0x00100000;
export const IORESOURCE_WINDOW = 0x00200000;
export const IORESOURCE_MUXED = 0x00400000;
export const IORESOURCE_EXT_TYPE_BITS = 0x01000000;
export const IORESOURCE_SYSRAM = 0x01000000;
export const IORESOURCE_SYSRAM_DRIVER_MANAGED = 0x02000000;
export const IORESOURCE_SYSRAM_MERGEABLE = 0x04000000;
export const IORESOURCE_EXCLUSIVE = 0x08000000;
export const IORESOURCE_DISABLED = 0x10000000;
export const IORESOURCE_UNSET = 0x20000000;
export const IORESOURCE_AUTO = 0x40000000;
export const IORESOURCE_BUSY = 0x80000000;
export const IORESOURCE_SYSTEM_RAM = IORESOURCE_MEM | IORESOURCE_SYSRAM;

/** dax bus flags (drivers/dax/bus.h: BIT(0), BIT(1)); carried in dax_region->res.flags. */
export const IORESOURCE_DAX_STATIC = 1 << 0;
export const IORESOURCE_DAX_KMEM = 1 << 1;

// ---- descriptors ----------------------------------------------------------
export const IORES_DESC_NONE = 0;
export const IORES_DESC_CRASH_KERNEL = 1;
export const IORES_DESC_ACPI_TABLES = 2;
export const IORES_DESC_ACPI_NV_STORAGE = 3;
export const IORES_DESC_PERSISTENT_MEMORY = 4;
export const IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5;
export const IORES_DESC_DEVICE_PRIVATE_MEMORY = 6;
export const IORES_DESC_RESERVED = 7;
export const IORES_DESC_SOFT_RESERVED = 8;
export const IORES_DESC_CXL = 9;

// ---- region_intersects() results (include/linux/mm.h) ---------------------
export const REGION_INTERSECTS = 0;
export const REGION_DISJOINT = 1;
export const REGION_MIXED = 2;

/** Fields a resource can be created with (the designated initialisers of the C). */
export interface ResourceInit {
  start?: number;
  end?: number;
  name?: string | null;
  flags?: number;
  desc?: number;
}

/** Unsigned wrap of a negative end (C's `.end = -1`, or start + 0 - 1 at 0). */
function wrapEnd(end: number): number {
  return end < 0 ? RESOURCE_SIZE_MAX + 1 + end : end;
}

/** struct resource: [start, end] inclusive, kept in a tree of sorted, non-overlapping siblings. */
export class resource {
  start: number;
  end: number;
  name: string | null;
  flags: number;
  desc: number;
  parent: resource | null = null;
  sibling: resource | null = null;
  child: resource | null = null;

  constructor(init: ResourceInit = {}) {
    this.start = init.start ?? 0;
    this.end = wrapEnd(init.end ?? 0);
    this.name = init.name ?? null;
    this.flags = init.flags ?? 0;
    this.desc = init.desc ?? IORES_DESC_NONE;
  }
}

/** A fresh root covering the whole address space, like the static roots of the C (`.end = -1`). */
export function newResourceRoot(name: string, flags = IORESOURCE_MEM, desc = IORES_DESC_NONE): resource {
  return new resource({ name, start: 0, end: -1, flags, desc });
}

// ---- DEFINE_RES_* ---------------------------------------------------------
export function DEFINE_RES_NAMED_DESC(start: number, size: number, name: string | null, flags: number, desc: number): resource {
  return new resource({ start, end: start + size - 1, name, flags, desc });
}
export function DEFINE_RES_NAMED(start: number, size: number, name: string | null, flags: number): resource {
  return DEFINE_RES_NAMED_DESC(start, size, name, flags, IORES_DESC_NONE);
}
export function DEFINE_RES(start: number, size: number, flags: number): resource {
  return DEFINE_RES_NAMED(start, size, null, flags);
}
export function DEFINE_RES_IO_NAMED(start: number, size: number, name: string | null): resource {
  return DEFINE_RES_NAMED(start, size, name, IORESOURCE_IO);
}
export function DEFINE_RES_IO(start: number, size: number): resource {
  return DEFINE_RES_IO_NAMED(start, size, null);
}
export function DEFINE_RES_MEM_NAMED(start: number, size: number, name: string | null): resource {
  return DEFINE_RES_NAMED(start, size, name, IORESOURCE_MEM);
}
export function DEFINE_RES_MEM(start: number, size: number): resource {
  return DEFINE_RES_MEM_NAMED(start, size, null);
}
export function DEFINE_RES_IRQ_NAMED(irq: number, name: string | null): resource {
  return DEFINE_RES_NAMED(irq, 1, name, IORESOURCE_IRQ);
}
export function DEFINE_RES_IRQ(irq: number): resource {
  return DEFINE_RES_IRQ_NAMED(irq, null);
}
export function DEFINE_RES_DMA_NAMED(dma: number, name: string | null): resource {
  return DEFINE_RES_NAMED(dma, 1, name, IORESOURCE_DMA);
}
export function DEFINE_RES_DMA(dma: number): resource {
  return DEFINE_RES_DMA_NAMED(dma, null);
}

// ---- inline helpers -------------------------------------------------------
/** The part of a resource the helpers below read. */
export interface ResourceRange {
  start: number;
  end: number;
}

export function resource_size(res: ResourceRange): number {
  return res.end - res.start + 1;
}

export function resource_type(res: { flags: number }): number {
  return res.flags & IORESOURCE_TYPE_BITS;
}

export function resource_ext_type(res: { flags: number }): number {
  return res.flags & IORESOURCE_EXT_TYPE_BITS;
}

export function resource_set_size(res: ResourceRange, size: number): void {
  res.end = res.start + size - 1;
}

export function resource_set_range(res: ResourceRange, start: number, size: number): void {
  res.start = start;
  resource_set_size(res, size);
}

/** r1 fully contains r2; false across types or when either is IORESOURCE_UNSET. */
export function resource_contains(r1: resource, r2: resource): boolean {
  if (resource_type(r1) !== resource_type(r2)) return false;
  if (r1.flags & IORESOURCE_UNSET || r2.flags & IORESOURCE_UNSET) return false;
  return r1.start <= r2.start && r1.end >= r2.end;
}

export function resource_overlaps(r1: ResourceRange, r2: ResourceRange): boolean {
  return r1.start <= r2.end && r1.end >= r2.start;
}

/** Writes the overlap of r1 and r2 into r; false (r untouched) if they do not overlap. */
export function resource_intersection(r1: ResourceRange, r2: ResourceRange, r: ResourceRange): boolean {
  if (!resource_overlaps(r1, r2)) return false;
  r.start = Math.max(r1.start, r2.start);
  r.end = Math.min(r1.end, r2.end);
  return true;
}

/** Writes the span of r1 and r2 into r; false (r untouched) if they do not overlap. */
export function resource_union(r1: ResourceRange, r2: ResourceRange, r: ResourceRange): boolean {
  if (!resource_overlaps(r1, r2)) return false;
  r.start = Math.min(r1.start, r2.start);
  r.end = Math.max(r1.end, r2.end);
  return true;
}

// ---- struct range (include/linux/range.h) ---------------------------------
export class range {
  constructor(
    public start = 0,
    public end = 0,
  ) {}
}

export function range_len(r: range): number {
  return r.end - r.start + 1;
}

export function range_contains(r1: range, r2: range): boolean {
  return r1.start <= r2.start && r1.end >= r2.end;
}

export function range_overlaps(r1: range, r2: range): boolean {
  return r1.start <= r2.end && r1.end >= r2.start;
}
