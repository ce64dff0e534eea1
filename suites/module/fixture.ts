// SPDX-License-Identifier: GPL-2.0-only
/** Small test-only ports for the module loader suites. */
import { createMachine, type Machine, type MachineOptions } from '../../framework/machine.js';
import type { ExportDecl, Imports, InitcallLevel, KconfigView, ModuleDef, PortApi, Tristate, UnitInstance } from '../../framework/kernel/module/types.js';

export interface TestModule {
  name: string;
  config?: string;
  level?: InitcallLevel;
  exports?: ExportDecl[];
  references?: string[] | ((cfg: KconfigView) => string[]);
  aliases?: string[];
  softdep?: string;
  importNs?: string[];
  /** Body of the "C file": returns init/exit/exports. */
  body: (k: PortApi, sym: Imports) => { init?: () => Promise<number> | number; exit?: () => Promise<void> | void; exports?: Record<string, unknown> };
}

export function testModule(m: TestModule): ModuleDef {
  const refs = m.references;
  return {
    name: m.name,
    config: m.config ?? m.name.toUpperCase(),
    object: `test/${m.name}.ko`,
    units: [
      {
        file: `test/${m.name}.c`,
        url: import.meta.url.replace('fixture.js', `${m.name}.js`),
        exports: m.exports,
        references: refs === undefined ? undefined : typeof refs === 'function' ? refs : () => refs,
        aliases: m.aliases,
        softdep: m.softdep === undefined ? undefined : () => m.softdep!,
        importNs: m.importNs,
        create: (k, sym): UnitInstance => {
          const b = m.body(k, sym);
          const init = b.init;
          return {
            initcalls: init ? [{ level: m.level ?? 'device', fn: init }] : [],
            exit: b.exit,
            exports: b.exports,
          };
        },
      },
    ],
  };
}

/** A machine whose catalogue is `mods`, each configured as given (default m), with CONFIG_MODULES=y unless `config` says otherwise. */
export function machineWith(mods: ModuleDef[], config: Record<string, Tristate> = {}, opts: MachineOptions = {}): Machine {
  const cfg: Record<string, Tristate> = { MODULES: 'y' };
  for (const d of mods) if (d.config !== 'always') cfg[d.config] = 'm';
  Object.assign(cfg, config);
  return createMachine({ ...opts, catalog: mods, config: cfg });
}
