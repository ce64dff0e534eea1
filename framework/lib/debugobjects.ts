// SPDX-License-Identifier: GPL-2.0-only
/**
 * Object lifetime debugging (lib/debugobjects.c, CONFIG_DEBUG_OBJECTS and
 * its per-type options such as CONFIG_DEBUG_OBJECTS_WORK). kshim's kernel
 * is a debug build: the checks are on from boot, as with
 * CONFIG_DEBUG_OBJECTS_ENABLE_DEFAULT=1.
 *
 * Modelled: debug_object_init() of an object that is active, which prints
 * the ODEBUG WARN (at most five ODEBUG reports per boot, as
 * debug_print_object() limits them) and then calls the type's fixup_init().
 *
 * Deviation: there is no hash table of tracked objects. A type says what
 * state an object is in from its own bookkeeping (descr.state()), so the
 * two can never disagree; only the active and inactive states are told
 * apart, and astate is always 0.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { KERN_ERR } from '../kernel/printk.js';
import { Panic, type WarnSite } from '../kernel/panic.js';
import { vsprintf } from './vsprintf.js';

/** enum debug_obj_state, with the names obj_states[] prints. */
export const ODEBUG_STATE_NONE = 0;
export const ODEBUG_STATE_INIT = 1;
export const ODEBUG_STATE_INACTIVE = 2;
export const ODEBUG_STATE_ACTIVE = 3;
export const ODEBUG_STATE_DESTROYED = 4;
export const ODEBUG_STATE_NOTAVAILABLE = 5;
export type debug_obj_state = 0 | 1 | 2 | 3 | 4 | 5;
const obj_states = ['none', 'initialized', 'inactive', 'active', 'destroyed', 'not available'] as const;

/** struct debug_obj_descr for objects of type T. */
export interface debug_obj_descr<T extends object> {
  /** "work_struct" */
  readonly name: string;
  /** What %pS prints after "hint:" (a work item's function). */
  debug_hint?(addr: T): unknown;
  /** fixup_init(): called when an active object is initialised again; true when it repaired the damage. */
  fixup_init?(addr: T, state: debug_obj_state): boolean;
  /** kshim: the object's state, from the owning subsystem's bookkeeping. */
  state(addr: T): debug_obj_state;
}

/** Where debug_print_object()'s WARN sits (lib/debugobjects.c as of 6.16; 612 in 6.13 to 6.15). */
export const ODEBUG_WARN_SITE: WarnSite = { file: 'lib/debugobjects.c', line: 615, func: 'debug_print_object' };

@injectable()
export class DebugObjects {
  /** debug_objects_enabled: no_debug_objects on the command line would clear it. */
  debug_objects_enabled = true;
  /** Counters of the debugfs "stats" file. */
  debug_objects_warnings = 0;
  debug_objects_fixups = 0;
  /** debug_print_object()'s static limit: only the first five reports are printed. */
  private limit = 0;

  constructor(@inject(Panic) private readonly panic: Panic) {}

  /** debug_object_init(): an object is being initialised. */
  debug_object_init<T extends object>(addr: T, descr: debug_obj_descr<T>): void {
    if (!this.debug_objects_enabled) return;
    this.__debug_object_init(addr, descr);
  }

  private __debug_object_init<T extends object>(addr: T, descr: debug_obj_descr<T>): void {
    const state = descr.state(addr);
    // None, initialized and inactive objects just become initialized.
    if (state === ODEBUG_STATE_NONE || state === ODEBUG_STATE_INIT || state === ODEBUG_STATE_INACTIVE) return;
    this.debug_print_object(addr, descr, state, 'init');
    if (state === ODEBUG_STATE_ACTIVE) this.debug_object_fixup(descr.fixup_init, addr, state);
  }

  /** The ODEBUG WARN: message at KERN_ERR inside the splat, RIP in debug_print_object. */
  private debug_print_object<T extends object>(addr: T, descr: debug_obj_descr<T>, state: debug_obj_state, msg: string): void {
    if (this.limit < 5) {
      const hint = descr.debug_hint ? descr.debug_hint(addr) : null;
      this.limit++;
      const text = vsprintf('ODEBUG: %s %s (active state %u) object: %p object type: %s hint: %pS', [msg, obj_states[state], 0, addr, descr.name, hint]);
      this.panic.warn(ODEBUG_WARN_SITE, text, 1, KERN_ERR);
    }
    this.debug_objects_warnings++;
  }

  private debug_object_fixup<T extends object>(fixup: ((addr: T, state: debug_obj_state) => boolean) | undefined, addr: T, state: debug_obj_state): boolean {
    if (fixup !== undefined && fixup(addr, state)) {
      this.debug_objects_fixups++;
      return true;
    }
    return false;
  }
}

/** The DI module of debug objects. */
export const debugObjectsModule = new ContainerModule(({ bind }) => {
  bind(DebugObjects).toSelf();
});
