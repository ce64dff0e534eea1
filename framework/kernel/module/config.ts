// SPDX-License-Identifier: GPL-2.0-only
/**
 * The resolved .config of a boot, and the view one object has of it
 * (include/linux/kconfig.h: IS_ENABLED and friends depend on whether the
 * calling object is built in or a module).
 */
import { ContainerModule, injectable } from 'inversify';
import type { KconfigView, Tristate } from './types.js';

@injectable()
export class KernelConfig {
  private values: Readonly<Record<string, Tristate>> = {};
  /** Bumped on every change, so that derived data can be cached. */
  generation = 0;
  /** The two views (module, built-in) of the current values. */
  private views: [KconfigView | null, KconfigView | null] = [null, null];

  /** The values are frozen: the module loader shares what it derives from them across boots. */
  set(values: Readonly<Record<string, Tristate>>): void {
    this.values = Object.freeze(values);
    this.generation++;
    this.views = [null, null];
  }

  /** CONFIG_FOO as y, m or n; symbols the configuration does not know are n. */
  value(symbol: string): Tristate {
    return this.values[strip(symbol)] ?? 'n';
  }

  all(): Readonly<Record<string, Tristate>> {
    return this.values;
  }

  /** The view of an object built in (true) or as a module (false). */
  view(builtIn: boolean): KconfigView {
    const i = builtIn ? 1 : 0;
    return (this.views[i] ??= kconfigView((s) => this.value(s), builtIn));
  }
}

export function kconfigView(raw: (symbol: string) => Tristate, builtIn: boolean): KconfigView {
  const value = (s: string): Tristate => raw(strip(s));
  return {
    builtIn,
    value,
    IS_ENABLED: (s) => value(s) !== 'n',
    IS_BUILTIN: (s) => value(s) === 'y',
    IS_MODULE: (s) => value(s) === 'm',
    IS_REACHABLE: (s) => value(s) === 'y' || (value(s) === 'm' && !builtIn),
  };
}

function strip(symbol: string): string {
  return symbol.startsWith('CONFIG_') ? symbol.slice(7) : symbol;
}

export const kernelConfigModule = new ContainerModule(({ bind }) => {
  bind(KernelConfig).toSelf();
});
