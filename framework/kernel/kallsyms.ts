// SPDX-License-Identifier: GPL-2.0-only
/**
 * The part of kernel/kallsyms.c that %pS uses for a function's entry point:
 * "name+0x0/0xsize", and " [module]" for module text (sprint_symbol()).
 *
 * Deviation: kshim's functions have no machine code, so a symbol's size is
 * made up. It is a hash of the name (FNV-1a), a multiple of 16 from 0x20 to
 * 0x2a0, the same in every run and every build, and independent of the
 * port's source. That is enough for tools that read the format, such as
 * scripts/bootgraph.pl on an initcall_debug dmesg; the numbers mean
 * nothing else.
 */

/** The made-up size of `name`'s text, in bytes. */
export function kallsyms_symbol_size(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return 0x20 + (h % 0x28) * 0x10;
}

/** %pS of a function's first instruction: what initcall_debug prints for the initcall it calls. */
export function sprint_symbol_entry(name: string, module: string | null): string {
  const sym = `${name}+0x0/0x${kallsyms_symbol_size(name).toString(16)}`;
  return module === null ? sym : `${sym} [${module}]`;
}
