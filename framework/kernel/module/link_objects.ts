// SPDX-License-Identifier: GPL-2.0-only
/**
 * What the linker and modpost see of a catalogue under a configuration:
 * each built-in C file as an object of vmlinux (so an undefined reference
 * names the file, as ld does), each module as one .ko. A pure function of
 * the ports' declarations, so the Kconfig matrix can check thousands of
 * configurations without booting anything.
 */
import type { LinkExport, LinkObject } from '../../kconfig/link.js';
import { kconfigView } from './config.js';
import type { ExportDecl, ModuleDef, PortUnit, Tristate } from './types.js';

function toLink(e: ExportDecl): LinkExport {
  return {
    symbol: e.symbol,
    license: e.gpl || e.forModules !== undefined ? 'gpl' : 'any',
    ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
    ...(e.forModules !== undefined ? { forModules: e.forModules.split(',').map((m) => m.trim()) } : {}),
  };
}

export function computeLinkObjects(catalog: readonly ModuleDef[], value: (symbol: string) => Tristate): LinkObject[] {
  const out: LinkObject[] = [];
  for (const d of catalog) {
    const t = d.config === 'always' ? 'y' : value(d.config);
    if (t === 'n') continue;
    const builtIn = t === 'y';
    const view = kconfigView(value, builtIn);
    const units: PortUnit[] = d.units.filter((u) => u.built === undefined || u.built(view));
    const exports = units.flatMap((u) => u.exports ?? []);
    const own = new Set(exports.map((e) => e.symbol));
    if (!builtIn) {
      const references: string[] = [];
      for (const u of units) for (const r of u.references?.(view) ?? []) if (!own.has(r) && !references.includes(r)) references.push(r);
      out.push({ name: d.name, file: d.object, builtIn: false, exports: exports.map(toLink), references, imports: units.flatMap((u) => u.importNs ?? []) });
      continue;
    }
    for (const u of units) {
      out.push({
        name: d.name,
        file: u.file.replace(/\.c$/, '.o'),
        builtIn: true,
        exports: (u.exports ?? []).map(toLink),
        references: (u.references?.(view) ?? []).filter((r) => !own.has(r)),
        imports: u.importNs ?? [],
      });
    }
  }
  return out;
}
