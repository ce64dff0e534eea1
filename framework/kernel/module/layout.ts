// SPDX-License-Identifier: GPL-2.0-only
/**
 * Where a loaded module sits in the kernel's address space (x86_64's module
 * area, given out by mm/execmem.c since 6.10, module_alloc() before): each
 * load gets its own range, above the one before, and loses it in
 * free_module(). kshim uses the addresses for what a kernel prints with
 * them: /proc/modules, and the oops of code that jumps into, or reads, a
 * module that is gone (./freed.ts): with the module gone, the address is
 * all the kernel can print, as %pS finds no symbol there.
 *
 * Deviations:
 * - No KASLR: the area starts at 0xffffffffc0000000 in every boot, and
 *   every load gets a slot of MODULE_SLOT bytes whatever its size.
 * - A freed range is never given out again (execmem may reuse it); after
 *   the last slot the allocator starts over at the bottom.
 * - Where a function or an object sits inside its module is a hash of its
 *   name, not its place in the .ko; the same name always gets the same
 *   offset, so reports do not change between schedules except for the
 *   module's base.
 */

/** The low 32 bits of the module area's start; the high 32 bits of every module address are all ones. */
const MODULES_VADDR_LOW = 0xc000_0000;
/** The low 32 bits of its end (MODULES_END is 0xffffffffff000000). */
const MODULES_END_LOW = 0xff00_0000;
/** What each load gets of the area. */
const MODULE_SLOT = 0x4_0000;
/** Where a module's data starts inside its slot (after its text). */
const DATA_OFFSET = 0x3_0000;

/** FNV-1a of a name, 32 bits. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A module address as %px and the page-fault lines print it: 16 hex digits. */
export function formatModuleAddress(low: number): string {
  return `ffffffff${(low >>> 0).toString(16).padStart(8, '0')}`;
}

/** The module area of one boot. */
export class ModuleArea {
  private next = MODULES_VADDR_LOW;

  /** The base (low 32 bits) of a new load's slot. */
  alloc(): number {
    if (this.next + MODULE_SLOT > MODULES_END_LOW) this.next = MODULES_VADDR_LOW;
    const base = this.next;
    this.next += MODULE_SLOT;
    return base;
  }
}

/** Where function `name` of the module loaded at `base` starts (16-byte aligned, inside its text). */
export function textAddress(base: number, name: string): number {
  return base + (fnv1a(name) % (DATA_OFFSET / 16)) * 16;
}

/** A return address inside function `name`: where it resumes after a call it made. */
export function returnAddress(base: number, name: string): number {
  return textAddress(base, name) + 0x10 + (fnv1a(`${name}+ret`) % 0xf0);
}

/** Where the object `name` (a struct in the module's .data, such as its driver) sits. */
export function dataAddress(base: number, name: string): number {
  return base + DATA_OFFSET + (fnv1a(name) % ((MODULE_SLOT - DATA_OFFSET) / 64)) * 64;
}
