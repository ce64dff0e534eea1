// SPDX-License-Identifier: GPL-2.0-only
/**
 * include/linux/kconfig.h: how C code sees a Kconfig value. CONFIG_FOO is
 * defined for y, CONFIG_FOO_MODULE for m, so `#ifdef CONFIG_FOO` is false
 * for m. IS_REACHABLE() also needs to know whether the calling object is
 * built with MODULE (a module) or built in.
 */
import type { TristateName } from './tristate.js';

/** A config value as the preprocessor sees it; undefined is an unset option (n). */
export type ConfigValue = TristateName | undefined;

/** IS_BUILTIN(CONFIG_FOO): 1 if FOO=y. */
export function IS_BUILTIN(option: ConfigValue): 0 | 1 {
  return option === 'y' ? 1 : 0;
}

/** IS_MODULE(CONFIG_FOO): 1 if FOO=m. */
export function IS_MODULE(option: ConfigValue): 0 | 1 {
  return option === 'm' ? 1 : 0;
}

/** IS_ENABLED(CONFIG_FOO): 1 if FOO=y or FOO=m. */
export function IS_ENABLED(option: ConfigValue): 0 | 1 {
  return IS_BUILTIN(option) || IS_MODULE(option) ? 1 : 0;
}

/** IS_REACHABLE(CONFIG_FOO): 1 if FOO=y, or FOO=m and the calling object is itself a module. */
export function IS_REACHABLE(option: ConfigValue, callerIsModule: boolean): 0 | 1 {
  return IS_BUILTIN(option) || (IS_MODULE(option) && callerIsModule) ? 1 : 0;
}

/** `#ifdef CONFIG_FOO`: true only for FOO=y. */
export function ifdef(option: ConfigValue): boolean {
  return option === 'y';
}
