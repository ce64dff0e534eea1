// SPDX-License-Identifier: GPL-2.0-only
/**
 * The check pass over a parsed symbol table: every symbol an expression,
 * `select` or `imply` names must be defined, every config must have a type,
 * and only bool or tristate symbols can be selected or implied.
 */
import type { Kconfig } from './ast.js';
import { KconfigError } from './errors.js';
import { parseKconfig, type KconfigSource, type ParseOptions } from './parser.js';

/** Every problem the check pass finds, in file order then line order. */
export function check(kconfig: Kconfig): KconfigError[] {
  const errors: KconfigError[] = [];
  for (const sym of kconfig.symbols.values()) {
    if (!sym.type) {
      const e = sym.entries[0]!;
      errors.push(new KconfigError(e.file, e.line, `config ${sym.name} has no type: add bool, tristate, def_bool or def_tristate`));
    }
  }
  for (const ref of kconfig.refs) {
    if (kconfig.symbols.has(ref.name)) continue;
    const what = ref.context === 'select' || ref.context === 'imply' ? `${ref.context} of` : `expression in '${ref.context}' references`;
    errors.push(new KconfigError(ref.file, ref.line, `${what} undefined symbol ${ref.name}`));
  }
  const fileRank = new Map(kconfig.files.map((f, i) => [f, i]));
  const rank = (f: string): number => fileRank.get(f) ?? kconfig.files.length;
  return errors.sort((a, b) => rank(a.file) - rank(b.file) || a.line - b.line);
}

/** Parses and checks Kconfig files, throwing the first problem as a KconfigError. */
export function loadKconfig(sources: readonly KconfigSource[], options: ParseOptions = {}): Kconfig {
  const kconfig = parseKconfig(sources, options);
  const errors = check(kconfig);
  if (errors.length > 0) throw errors[0]!;
  return kconfig;
}
