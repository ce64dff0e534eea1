// SPDX-License-Identifier: GPL-2.0-only
/**
 * Loadable modules (kernel/module/main.c): the catalogue of objects of a
 * boot, linking the built-in ones into "vmlinux", finit_module() with
 * symbol resolution (waiting for a provider that is still COMING), module
 * states, init, the async_synchronize_full() before a load returns, and
 * delete_module() with the "in use" refusal. Each load has its place in
 * the module area (./layout.ts); what still points into a freed load
 * faults when it is used (./freed.ts), and what it left behind (a
 * registered driver, device references) is kept as a leftover. Module parameters (module_param_named()) are set from the
 * command line for built-in code and from the arguments of a load
 * (kernel/params.c's parse_args()); module_blacklist= refuses a load.
 */
import { sprint_symbol_entry } from '../kallsyms.js';
import { ContainerModule, inject, injectable } from 'inversify';
import { DriverBase } from '../../drivers/base/driver_base.js';
import { EBUSY, EEXIST, EINVAL, ENOENT, ENOEXEC, EPERM, EWOULDBLOCK } from '../../include/errno.js';
import { BootCommandLine, param_bool, param_name, type CmdlineParam } from '../../init/cmdline.js';
import type { DdebugSite } from '../../lib/dynamic_debug.js';
import { parse_args, type kernel_param, type ParamCell, type ParamType } from './params.js';
import { Kernel, type Leak } from '../../kernel.js';
import { Scheduler } from '../../sim/scheduler.js';
import type { Task } from '../../sim/task.js';
import { Async } from '../async.js';
import { WaitFor } from '../locking.js';
import { Panic } from '../panic.js';
import { KERN_DEBUG, KERN_ERR, KERN_WARNING, Printk } from '../printk.js';
import { Workqueue } from '../workqueue.js';
import { layered } from '../../lib/layered.js';
import type { work_struct } from '../../include/linux/workqueue_types.js';
import { dev_name, type device } from '../../include/linux/device.js';
import { KernelConfig } from './config.js';
import { SymbolTable, globMatch, moduleMatches } from './symbols.js';
import type { LinkObject } from '../../kconfig/link.js';
import { computeLinkObjects } from './link_objects.js';
import { FreedModules } from './freed.js';
import { ModuleArea } from './layout.js';
import { captureFrames } from '../stacktrace.js';
import type { ExportDecl, Initcall, InitcallLevel, ModuleDef, PortApi, PortUnit, Tristate, UnitInstance } from './types.js';

export type module_state = 'UNFORMED' | 'COMING' | 'LIVE' | 'GOING';

/** A loaded (or loading) module: struct module. */
export class module {
  state: module_state = 'UNFORMED';
  readonly holders = new Set<module>();
  readonly uses = new Set<module>();
  refcnt = 0;
  async_probe_requested = false;
  instances: UnitInstance[] = [];
  /** Which load of the module this is (1, 2, ... per kernel): the dynamic debug callsites of this load. */
  instance = 0;
  /** The parameters its files declared (module_param_named). */
  kp: kernel_param[] = [];
  /** Where it sits in the module area (the low 32 bits; see ./layout.ts), 0 until placed. */
  base = 0;
  constructor(readonly def: ModuleDef) {}
  get name(): string {
    return this.def.name;
  }
}

/** What finit_module() gets besides the file. */
export interface LoadOptions {
  /** The module's own async_probe (a test's shortcut for the `async_probe` argument). */
  readonly async_probe?: boolean;
  /** The parameter string, split: what modprobe passes (its options, then `name.param=` from /proc/cmdline). */
  readonly args?: readonly CmdlineParam[];
}

/** One built-in initcall, in link order within its level. */
export interface BuiltinInitcall extends Initcall {
  /** "drivers/dax/hmem/hmem.c" */
  readonly file: string;
  readonly name: string;
}

const RESOLVE_WAIT_US = 30_000_000;

/** A finit_module() in progress, which later loads of the same file wait for. */
interface Idempotent {
  done: boolean;
  ret: number;
  readonly waiters: Task[];
}

@injectable()
export class ModuleLoader {
  readonly symbols = new SymbolTable();
  /** Loaded modules, newest first (as lsmod and "Modules linked in:" list them). */
  readonly modules: module[] = [];
  /** finit_module() calls in progress, by module name. */
  private readonly idempotent = new Map<string, Idempotent>();
  /**
   * module_wq: one wait queue for every task waiting on some module's
   * state (a provider leaving COMING, a name leaving UNFORMED/COMING). It
   * is woken only where the C calls wake_up_all(&module_wq): when a load
   * is over (after the init's async_synchronize_full(), or after a failed
   * load freed the module) and when delete_module() freed one. Each waiter
   * then checks its own condition again.
   */
  private readonly module_wq: Task[] = [];
  /** Leaks found when a module was freed. */
  readonly leaks: Leak[] = [];
  /** request_module for ports; installed by kmod. */
  requestModule: (caller: string | null, name: string) => Promise<number> = async () => -ENOENT;
  private catalog: readonly ModuleDef[] = [];
  /** What the simulated platform adds to the API of every object (setPlatformApi). */
  private platformApi: Readonly<Record<string, unknown>> = {};
  /** Module name by source file, built when a stack trace first needs it. */
  private byUrl: Map<string, string> | null = null;
  private readonly portApis = new Map<string, PortApi>();
  /** The shared tables of the current catalogue and configuration, found on first use by memo(). */
  private derived: Derived | null = null;
  /** --wrap=<sym> per module (tools/testing/cxl style mocking). */
  private readonly wraps = new Map<string, Map<string, (real: any) => unknown>>();
  private cacheGeneration = -1;
  /** The parameters of built-in objects, by KBUILD_MODNAME: /sys/module/NAME/parameters of code in vmlinux. */
  readonly builtinParams = new Map<string, kernel_param[]>();
  /** initcall_debug on the command line: do_one_initcall() reports each module init. */
  initcall_debug = false;
  /** Loads so far: each gets its own dynamic debug callsites. */
  private loads = 0;
  /** The module area of this boot, and what is known of the loads freed from it. */
  private readonly area = new ModuleArea();
  private readonly freed: FreedModules;
  /** last_unloaded_module: the name "Modules linked in:" ends with, once some module was removed. */
  last_unloaded_module: string | null = null;
  /** The file whose create() runs, and where its module_param_named() declarations go. */
  private declaring: { readonly unit: PortUnit; readonly kp: kernel_param[] } | null = null;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly log: Printk,
    @inject(Panic) private readonly panic: Panic,
    @inject(Async) private readonly async: Async,
    @inject(Workqueue) private readonly wq: Workqueue,
    @inject(DriverBase) private readonly base: DriverBase,
    @inject(KernelConfig) readonly config: KernelConfig,
    @inject(Kernel) private readonly kernel: Kernel,
    @inject(BootCommandLine) private readonly cmdline: BootCommandLine,
  ) {
    // Hooks are bound methods: see docs/performance.md on function literals stored into properties.
    this.freed = new FreedModules(panic, sched);
    panic.moduleOf = this.moduleOfUrl.bind(this);
    panic.modulesLinkedIn = this.modulesLinkedIn.bind(this);
    base.dd.module_requested_async_probing = this.asyncProbeRequested.bind(this);
    base.dd.read_driver = this.freed.readDriver.bind(this.freed);
    wq.describeFunc = this.describeWorkFunc.bind(this);
    wq.beforeRun = this.checkWorkOwnerAlive.bind(this);
    base.core.currentLoad = this.currentLoad.bind(this);
    base.core.callRelease = this.callRelease.bind(this);
  }

  /** print_modules(): the modules past UNFORMED, newest first, then " [last unloaded: NAME]" once one was removed. */
  private modulesLinkedIn(): string[] {
    const names = this.modules.filter((m) => m.state !== 'UNFORMED').map((m) => m.name);
    if (this.last_unloaded_module !== null) names.push(`[last unloaded: ${this.last_unloaded_module}]`);
    return names;
  }

  /** A work item's function as print_worker_info()'s %ps prints it: with its module, or only an address once the module is gone. */
  private describeWorkFunc(w: work_struct): string {
    if (w.owner === null) return w.func?.name || 'work_fn';
    return this.freed.workFuncAddress(w) ?? `${w.func?.name || 'work_fn'} [${w.owner}]`;
  }

  /**
   * The release() a device's last put calls: in the text of the load that
   * initialised the device. If that load was freed, the call faults.
   */
  private callRelease(dev: device, release: (dev: device) => void): void {
    const by = dev.initializedBy;
    if (by !== null && this.freed.isFreed(by.load)) {
      // The trace starts at the caller, kobject_cleanup(): skip captureFrames() and this function.
      throw this.freed.callRelease(by.load, release.name || 'release', dev_name(dev), captureFrames(2, this.panic.moduleOf));
    }
    release(dev);
  }

  private asyncProbeRequested(owner: string | null): boolean {
    return owner !== null && (this.find(owner)?.async_probe_requested ?? false);
  }

  /** process_one_work() is about to call the function of `w`: if its module load was freed, that call faults. */
  private checkWorkOwnerAlive(w: work_struct): void {
    if (w.owner !== null && this.freed.isFreed(w.ownerLoad)) throw this.freed.callWork(w);
  }

  /**
   * Set the objects of this boot, in link order. The array is kept, not
   * copied, and must not change afterwards: what the loader derives from
   * it is shared by every boot given the same array under the same
   * configuration (see memo() and def()).
   */
  setCatalog(defs: readonly ModuleDef[]): void {
    this.catalog = Object.freeze(defs);
    this.cacheGeneration = -1;
    this.byUrl = null;
  }

  /**
   * Data every object of this machine sees in its API besides the kernel's,
   * as cxl_test's mocks reach their ops through get_cxl_mock_ops(): the
   * mocked platform objects stay free of machine state. Set before the
   * first object is instantiated.
   */
  setPlatformApi(api: Readonly<Record<string, unknown>>): void {
    this.platformApi = api;
  }

  catalogue(): readonly ModuleDef[] {
    return this.catalog;
  }

  def(name: string): ModuleDef | undefined {
    return catalogTables(this.catalog).byName.get(name);
  }

  /** y, m or n for an object of the catalogue. */
  tristate(def: ModuleDef): 'y' | 'm' | 'n' {
    return def.config === 'always' ? 'y' : this.config.value(def.config);
  }

  isBuiltin(name: string): boolean {
    const d = this.def(name);
    return d !== undefined && this.tristate(d) === 'y';
  }

  /** Built as a module (whether or not it is loaded). */
  isModular(name: string): boolean {
    const d = this.def(name);
    return d !== undefined && this.tristate(d) === 'm';
  }

  find(name: string): module | undefined {
    return this.modules.find((m) => m.name === name);
  }

  /** The load of module `name` now in memory: its instance, or 0 when none is (or it is built in). */
  private currentLoad(name: string): number {
    return this.find(name)?.instance ?? 0;
  }

  private moduleOfUrl(url: string): string | null {
    if (this.byUrl === null) {
      this.byUrl = new Map();
      for (const d of this.catalog) for (const u of d.units) this.byUrl.set(sourceKey(u.url), d.name);
    }
    const name = this.byUrl.get(sourceKey(url));
    if (name === undefined) return null;
    return this.isModular(name) ? name : null;
  }

  // ---- references, exports, link objects ----------------------------------------

  /**
   * What depends only on the catalogue and the configuration. Both are
   * inputs of the build, not state of a boot, so the tables are shared by
   * every machine booting the same catalogue array under the same values.
   */
  private memo(): Derived {
    if (this.derived === null || this.cacheGeneration !== this.config.generation) {
      const byConfig = catalogTables(this.catalog).derived;
      const key = configKey(this.config.all());
      let d = byConfig.get(key);
      if (d === undefined) byConfig.set(key, (d = new Derived()));
      this.derived = d;
      this.cacheGeneration = this.config.generation;
    }
    return this.derived;
  }

  /** The C files the Makefile links into this module under the current configuration. */
  units(def: ModuleDef): PortUnit[] {
    return memoized(this.memo().units, def, () => {
      const view = this.config.view(this.tristate(def) === 'y');
      return def.units.filter((u) => u.built === undefined || u.built(view));
    });
  }

  references(def: ModuleDef, builtIn: boolean): string[] {
    return memoized(builtIn ? this.memo().refsBuiltIn : this.memo().refsModular, def, () => {
      const view = this.config.view(builtIn);
      const own = new Set(this.exportsOf(def).map((e) => e.symbol));
      const out: string[] = [];
      for (const u of this.units(def)) for (const r of u.references?.(view) ?? []) if (!own.has(r) && !out.includes(r)) out.push(r);
      return out;
    });
  }

  exportsOf(def: ModuleDef): ExportDecl[] {
    return memoized(this.memo().exports, def, () => this.units(def).flatMap((u) => u.exports ?? []));
  }

  /** What the linker and modpost see under the current configuration (see ./link_objects.ts). */
  linkObjects(): LinkObject[] {
    return computeLinkObjects(this.catalog, (s) => this.config.value(s));
  }

  /** The module (configured m) exporting `symbol`, if any. */
  providerOf(symbol: string): ModuleDef | undefined {
    return memoized(this.memo().provider, symbol, () => this.catalog.find((d) => this.tristate(d) === 'm' && this.exportsOf(d).some((e) => e.symbol === symbol)) ?? null) ?? undefined;
  }

  /** MODULE_SOFTDEP pre/post lists of a module under this configuration. */
  softdeps(def: ModuleDef): { pre: string[]; post: string[] } {
    const view = this.config.view(false);
    const pre: string[] = [];
    const post: string[] = [];
    for (const u of this.units(def)) {
      const text = u.softdep?.(view);
      if (!text) continue;
      let cur: string[] | null = null;
      for (const word of text.split(/\s+/)) {
        if (word === 'pre:') cur = pre;
        else if (word === 'post:') cur = post;
        else if (word && cur) cur.push(word);
      }
    }
    return { pre, post };
  }

  aliases(def: ModuleDef): string[] {
    return memoized(this.memo().aliases, def, () => this.units(def).flatMap((u) => u.aliases ?? []));
  }

  /** Modules (configured m) whose MODULE_ALIAS matches `alias`, in catalogue order. */
  resolveAlias(alias: string): ModuleDef[] {
    return memoized(this.memo().alias, alias, () => this.catalog.filter((d) => this.tristate(d) !== 'n' && this.aliases(d).some((p) => globMatch(p, alias))));
  }

  // ---- the API a port sees -------------------------------------------------------

  portApi(moduleName: string, builtIn: boolean): PortApi {
    const owner = builtIn ? null : moduleName;
    const key = owner ?? 'vmlinux';
    let api = this.portApis.get(key);
    if (api !== undefined) return api;
    // Object.assign, not a literal of spreads: V8 takes a slow path for every property
    // a literal adds after a spread (about 2 us here, against 0.15 us).
    const own = Object.assign({}, this.config.view(builtIn), this.platformApi, {
      THIS_MODULE: owner,
      request_module: (name: string) => this.requestModule(owner, name),
      module_param_named: this.module_param_named.bind(this),
    });
    api = layered<PortApi>(this.kernel.apiFor(owner), own);
    this.portApis.set(key, api);
    return api;
  }

  /**
   * Create the units of a module in order. Each sees the symbols the
   * module references, plus what earlier units of the same module export
   * or share internally (the C files of one .ko link against each other).
   */
  private instantiate(def: ModuleDef, builtIn: boolean, instance: number, kp: kernel_param[]): UnitInstance[] {
    const wraps = this.wraps.get(def.name);
    const moduleApi = this.wrapApi(this.portApi(def.name, builtIn), wraps);
    const refs = this.references(def, builtIn);
    const shared: Record<string, unknown> = {};
    const units = this.units(def);
    return units.map((u: PortUnit, i) => {
      const sym = this.symbols.importTable(refs);
      if (wraps !== undefined) {
        for (const [name, wrap] of wraps) {
          if (!refs.includes(name)) continue;
          const real = (sym as Record<string, unknown>)[name];
          Object.defineProperty(sym, name, { value: wrap(real), enumerable: true });
        }
      }
      for (const [name, value] of Object.entries(shared)) Object.defineProperty(sym, name, { value, enumerable: true });
      this.declaring = { unit: u, kp };
      let inst: UnitInstance;
      try {
        inst = u.create(this.unitApi(moduleApi, { modname: def.name, filename: u.file, instance }), sym);
      } finally {
        this.declaring = null;
      }
      // Only the units after this one see what it shares; after the last there are none.
      if (i < units.length - 1) Object.assign(shared, inst.exports ?? {}, inst.internals ?? {});
      return inst;
    });
  }

  /**
   * What one C file sees besides its module's API: its own pr_debug() and
   * dev_dbg() callsites (KBUILD_MODNAME, the file, the load). Only with a
   * command line: without one every callsite prints and nothing asks
   * where it is, so the file sees its module's API itself.
   */
  private unitApi(api: PortApi, site: DdebugSite): PortApi {
    if (this.log.ddebug.everyCallsite) return api;
    const log = this.log;
    const core = this.base.core;
    const own: Pick<PortApi, 'dev_dbg' | 'pr_debug'> = {
      dev_dbg: function dev_dbg(dev, fmt, ...args) {
        core.dynamic_dev_dbg(site, dev, fmt, args);
      },
      pr_debug: function pr_debug(fmt, ...args) {
        log.dynamic_pr_debug(site, fmt, args);
      },
    };
    return layered<PortApi>(api, own);
  }

  /**
   * module_param_named() of the file being instantiated: declares into the
   * parameter list of the load (or of vmlinux) in progress.
   */
  private module_param_named(name: string, initial: boolean, type: ParamType, perm: number): ParamCell<boolean> {
    const d = this.declaring;
    if (d === null || !(d.unit.params ?? []).includes(name)) throw new Error(`${d?.unit.file ?? '?'}: module_param_named(${name}) outside create() or missing from the unit's params`);
    const cell = { value: initial };
    d.kp.push({ name: param_name(name), type, perm, cell });
    return cell;
  }

  /**
   * Link a module against a wrapper of a symbol or kernel function instead
   * of the real one, as tools/testing/cxl links with --wrap=<sym>: the
   * wrapper gets the real function and returns the replacement.
   */
  wrap(module: string, symbol: string, wrapper: (real: any) => unknown): void {
    let m = this.wraps.get(module);
    if (m === undefined) this.wraps.set(module, (m = new Map()));
    m.set(symbol, wrapper);
  }

  private wrapApi(api: PortApi, wraps: Map<string, (real: any) => unknown> | undefined): PortApi {
    if (wraps === undefined) return api;
    const own: Record<string, unknown> = {};
    for (const [name, wrap] of wraps) if (name in api) own[name] = wrap((api as unknown as Record<string, unknown>)[name]);
    return layered<PortApi>(api, own);
  }

  // ---- vmlinux ----------------------------------------------------------------------

  /**
   * Instantiate every built-in object (link order) and publish its exports.
   * Returns the built-in initcalls in link order.
   */
  linkVmlinux(): BuiltinInitcall[] {
    const calls: BuiltinInitcall[] = [];
    for (const d of this.catalog) {
      if (this.tristate(d) !== 'y') continue;
      const kp: kernel_param[] = [];
      const inst = this.instantiate(d, true, 0, kp);
      this.parse_boot_module_args(d.name, kp);
      if (kp.length > 0) this.builtinParams.set(d.name, kp);
      const dup = this.symbols.add(null, this.exportsOf(d), exportValues(inst));
      if (dup !== null) this.log.emit(KERN_ERR, `kshim: vmlinux exports duplicate symbol ${dup}`);
      this.units(d).forEach((u, i) => {
        for (const c of inst[i]!.initcalls ?? []) calls.push({ level: c.level, fn: c.fn, file: u.file, name: c.fn.name || u.file });
      });
    }
    return calls;
  }

  /**
   * start_kernel()'s parse_args("Booting kernel") for a built-in object's
   * parameters: `name.param=` from the command line. A name the object
   * does not declare is left alone (async_probe and dyndbg included:
   * dynamic debug read its own at boot).
   */
  private parse_boot_module_args(name: string, kp: readonly kernel_param[]): void {
    if (kp.length === 0) return;
    const bad = parse_args(this.cmdline.moduleParams(name), kp, () => {});
    if (bad !== null) this.log.emit(KERN_ERR, `Booting kernel: \`${bad.val ?? ''}' invalid for parameter \`${bad.written}'`);
  }

  /** kernel/module/main.c's own `module.async_probe=`: the default of every load's async_probe. */
  private module_async_probe(): boolean {
    const vals = this.cmdline.moduleParams('module').filter((p) => param_name(p.param) === 'async_probe');
    return vals.length > 0 && param_bool(vals[vals.length - 1]!.val) === true;
  }

  /** module_blacklist=: names that load_module() refuses (built-in code is not affected). */
  private blacklisted(name: string): boolean {
    const vals = this.cmdline.kernelParam('module_blacklist');
    const list = vals[vals.length - 1];
    if (list === undefined || list === null) return false;
    return list.split(',').some((n) => n === name);
  }

  /**
   * unknown_module_param_cb(): async_probe (a value that is not a bool
   * also means yes), the dyndbg queries of this load, and a warning for
   * anything else.
   */
  private unknown_module_param_cb(mod: module, p: CmdlineParam): void {
    // Both names are compared exactly, unlike declared parameters: "async-probe" is unknown.
    if (p.param === 'async_probe') {
      mod.async_probe_requested = param_bool(p.val) ?? true;
      return;
    }
    if (p.param === 'dyndbg') {
      for (const line of this.log.ddebug.ddebug_exec_queries(p.val ?? '+p', mod.name, mod.instance)) this.log.emit(KERN_ERR, line);
      return;
    }
    this.log.emit(KERN_WARNING, `${mod.name}: unknown parameter '${p.param}' ignored`);
  }

  // ---- load_module -----------------------------------------------------------------

  /**
   * The finit_module() syscall (SYSCALL_DEFINE3's __do_sys_finit_module()):
   * load a module built as m. Returns 0, -EEXIST if it is already loaded
   * (after waiting for a concurrent load to finish), or the error of symbol
   * resolution or of its init function.
   */
  async __do_sys_finit_module(name: string, opts: LoadOptions = {}): Promise<number> {
    return await this.idempotent_init_module(name, opts);
  }

  private async idempotent_init_module(name: string, opts: LoadOptions): Promise<number> {
    const def = this.def(name);
    if (def === undefined || this.tristate(def) !== 'm') return -ENOENT;
    // idempotent_init_module(): a second finit_module() of the same file
    // while the first is in progress waits for the first to return, init
    // and async_synchronize_full() included, and gets its result.
    if (this.sched.recording) this.sched.touch(`module:${name}`, 'r');
    const running = this.idempotent.get(name);
    if (running !== undefined) {
      const self = this.sched.self(`idempotent_init_module(${name})`);
      const on = new WaitFor(() => `idempotent_init_module(${name}): finit_module of ${name} in progress`, () => []);
      while (!running.done) {
        running.waiters.push(self);
        // idempotent_wait_for_completion(): wait_for_completion_interruptible().
        await this.sched.block(on, 'interruptible');
      }
      return running.ret;
    }
    const idem: Idempotent = { done: false, ret: 0, waiters: [] };
    this.idempotent.set(name, idem);
    try {
      idem.ret = await this.init_module_from_file(name, def, opts);
    } finally {
      idem.done = true;
      this.idempotent.delete(name);
      for (const t of idem.waiters.splice(0)) this.sched.wake(t);
    }
    return idem.ret;
  }

  /** init_module_from_file(): the module file read, load_module() of it. */
  private async init_module_from_file(name: string, def: ModuleDef, opts: LoadOptions): Promise<number> {
    return await this.load_module(name, def, opts);
  }

  private async load_module(name: string, def: ModuleDef, opts: LoadOptions): Promise<number> {
    // early_mod_check()
    if (this.blacklisted(name)) {
      this.log.emit(KERN_ERR, `Module ${name} is blacklisted`);
      return -EPERM;
    }
    const busy = await this.module_patient_check_exists(name);
    if (busy) return busy;
    const mod = new module(def);
    mod.instance = ++this.loads;
    mod.base = this.area.alloc();
    this.modules.unshift(mod);
    if (this.sched.recording) this.sched.touch(`module:${name}`);

    const err = await this.simplify_symbols(mod);
    if (err) {
      this.free_module(mod);
      this.wake_up_all_module_wq();
      return err;
    }
    mod.instances = this.instantiate(def, false, mod.instance, mod.kp);
    const dup = this.symbols.add(name, this.exportsOf(def), exportValues(mod.instances));
    if (dup !== null) {
      this.log.emit(KERN_ERR, `${name}: exports duplicate symbol ${dup} (owned by ${this.symbols.find(dup)?.owner ?? 'kernel'})`);
      this.free_module(mod);
      this.wake_up_all_module_wq();
      return -ENOEXEC;
    }
    mod.state = 'COMING';
    // After complete_formation() and prepare_coming_module(): module.async_probe= sets the default, then the arguments.
    mod.async_probe_requested = opts.async_probe ?? this.module_async_probe();
    const bad = parse_args(opts.args ?? [], mod.kp, (p) => this.unknown_module_param_cb(mod, p));
    if (bad !== null) {
      this.log.emit(KERN_ERR, `${name}: \`${bad.val ?? ''}' invalid for parameter \`${bad.param}'`);
      mod.state = 'GOING';
      this.free_module(mod);
      this.wake_up_all_module_wq();
      return -EINVAL;
    }
    const span = this.sched.trace.begin('module', name);
    const ret = await this.do_init_module(mod);
    this.sched.trace.end(span, ret);
    return ret;
  }

  /** finished_loading(): no module of that name, or it is LIVE or GOING. */
  private finished_loading(name: string): boolean {
    const m = this.find(name);
    return m === undefined || m.state === 'LIVE' || m.state === 'GOING';
  }

  /**
   * A module of this name is already in the list: wait while it is still
   * being loaded, then -EEXIST if it is LIVE, else -EBUSY. A module going
   * away (GOING) is not waited for, and a load that failed meanwhile is not
   * retried: the caller gets -EBUSY (v6.2, "module: Don't wait for GOING
   * modules").
   */
  private async module_patient_check_exists(name: string): Promise<number> {
    let old = this.find(name);
    if (old === undefined) return 0;
    if (old.state === 'COMING' || old.state === 'UNFORMED') {
      await this.wait_module_wq(() => !this.finished_loading(name), `finished_loading(${name})`);
      old = this.find(name);
    }
    return old !== undefined && old.state === 'LIVE' ? -EEXIST : -EBUSY;
  }

  private async simplify_symbols(mod: module): Promise<number> {
    const imports = this.units(mod.def).flatMap((u) => u.importNs ?? []);
    for (const name of this.references(mod.def, false)) {
      for (;;) {
        const s = this.symbols.find(name);
        if (s === undefined) return this.unknown_symbol(mod, name, -ENOENT);
        // verify_namespace_is_imported(): every namespaced symbol, vmlinux's included.
        const ns = s.decl.forModules !== undefined ? `module:${s.decl.forModules}` : s.decl.namespace;
        if (ns !== undefined) {
          const allowed = s.decl.forModules !== undefined ? moduleMatches(s.decl.forModules, mod.name) : imports.includes(ns);
          if (!allowed) {
            this.log.emit(KERN_ERR, `${mod.name}: module uses symbol (${name}) from namespace ${ns}, but does not import it.`);
            return this.unknown_symbol(mod, name, -EINVAL);
          }
        }
        if (s.owner === null) break;
        if (this.sched.recording) this.sched.touch(`module:${s.owner}`, 'r');
        const owner = this.find(s.owner);
        if (owner === undefined) return this.unknown_symbol(mod, name, -ENOENT);
        if (owner.state === 'COMING') {
          const start = this.sched.now;
          await this.wait_module_wq(() => owner.state === 'COMING' && this.sched.now - start < RESOLVE_WAIT_US, `resolve_symbol_wait(${name}: ${owner.name} is COMING)`, RESOLVE_WAIT_US);
          if (owner.state === 'COMING') {
            this.log.emit(KERN_WARNING, `${mod.name}: gave up waiting for init of module ${owner.name}.`);
            return this.unknown_symbol(mod, name, -EBUSY);
          }
          continue;
        }
        if (owner.state !== 'LIVE') return this.unknown_symbol(mod, name, -ENOENT);
        owner.holders.add(mod);
        mod.uses.add(owner);
        break;
      }
    }
    return 0;
  }

  /** simplify_symbols() after a failed resolve_symbol_wait(): "Unknown symbol X (err N)", and the load fails with N. */
  private unknown_symbol(mod: module, name: string, err: number): number {
    this.log.emit(KERN_WARNING, `${mod.name}: Unknown symbol ${name} (err ${err})`);
    return err;
  }

  private async do_init_module(mod: module): Promise<number> {
    // A module has one init; a module linked from several ported files runs theirs in link order.
    const inits = mod.instances.flatMap((i) => i.initcalls ?? []);
    let ret = 0;
    for (const c of inits) {
      ret = await this.do_one_initcall(mod, c);
      if (ret < 0) break;
    }
    if (ret < 0) {
      mod.state = 'GOING';
      this.free_module(mod);
      this.wake_up_all_module_wq();
      return ret;
    }
    if (ret > 0) {
      // pr_warn() of two lines, then dump_stack() (as of v7.0; a 2026 patch shortens it to one line).
      const fn = 'do_init_module';
      this.panic.dump_stack(`${fn}: '${mod.name}'->init suspiciously returned ${ret}, it should follow 0/-E convention\n${fn}: loading module anyway...`, fn, KERN_WARNING);
    }
    mod.state = 'LIVE';
    if (this.sched.recording) this.sched.touch(`module:${mod.name}`);
    if (!mod.async_probe_requested) await this.async.async_synchronize_full();
    // Waiters on module_wq (a module resolving our symbols) run on from here, not from LIVE.
    this.wake_up_all_module_wq();
    return 0;
  }

  /** do_one_initcall() of a module's init: with initcall_debug, its start and its result, the function tagged with its module as %pS prints it. */
  private async do_one_initcall(mod: module, c: Initcall): Promise<number> {
    if (!this.initcall_debug) return await c.fn();
    const fn = sprint_symbol_entry(c.fn.name || 'init_module', mod.name);
    const start = this.sched.now;
    this.log.printk(KERN_DEBUG, 'calling  %s @ %d', fn, this.sched.current!.pid);
    const ret = await c.fn();
    this.log.printk(KERN_DEBUG, 'initcall %s returned %d after %d usecs', fn, ret, this.sched.now - start);
    return ret;
  }

  // ---- delete_module ------------------------------------------------------------------

  /** The delete_module() syscall (SYSCALL_DEFINE2's __do_sys_delete_module()): -ENOENT if not loaded, -EWOULDBLOCK while used, -EBUSY without an exit function. */
  async __do_sys_delete_module(name: string): Promise<number> {
    const mod = this.find(name);
    if (mod === undefined) return -ENOENT;
    // The C's order: users first, then "already dying", then no exit, then the refcount (try_stop_module).
    if (mod.holders.size > 0) return -EWOULDBLOCK;
    if (mod.state !== 'LIVE') return -EBUSY;
    const exits = mod.instances.map((i) => i.exit).filter((e) => e !== undefined);
    const hasInit = mod.instances.some((i) => (i.initcalls ?? []).length > 0);
    if (hasInit && exits.length === 0) return -EBUSY;
    if (mod.refcnt > 0) return -EWOULDBLOCK;
    mod.state = 'GOING';
    if (this.sched.recording) this.sched.touch(`module:${name}`);
    const span = this.sched.trace.begin('exit', name);
    for (const exit of exits.reverse()) await exit!();
    this.sched.trace.end(span);
    // Async work the exit started still runs module text: wait for all of it before the free.
    await this.async.async_synchronize_full();
    this.last_unloaded_module = mod.name;
    this.free_module(mod);
    this.wake_up_all_module_wq();
    return 0;
  }

  /** Holders of a module, for "rmmod: ERROR: Module x is in use by: y". */
  holdersOf(name: string): string[] {
    return [...(this.find(name)?.holders ?? [])].map((m) => m.name);
  }

  private free_module(mod: module): void {
    this.symbols.removeOwner(mod.name);
    for (const u of mod.uses) u.holders.delete(mod);
    mod.uses.clear();
    const i = this.modules.indexOf(mod);
    if (i >= 0) this.modules.splice(i, 1);
    this.freed.free(mod.name, mod.instance, mod.base);
    this.checkLeftovers(mod);
  }

  /**
   * Anything still pointing into the freed module: a driver left on its
   * bus (a leftover, and a fault if a bus walk reads it), work it queued
   * (process_one_work() faults when it calls it, a kworker running it
   * faults when it runs again), device references it never dropped.
   */
  private checkLeftovers(mod: module): void {
    const name = mod.name;
    for (const bus of this.base.bus.buses) {
      for (const drv of bus.p?.drivers ?? []) {
        if (drv.owner === name) {
          this.leaks.push({ kind: 'driver', what: `driver ${drv.name} of module ${name} still registered on bus ${bus.name} after the module was freed` });
          this.freed.driverLeftRegistered(drv, mod.instance);
        }
      }
    }
    for (const w of this.wq.ownedWork(name)) {
      if (w.ownerLoad !== mod.instance) continue;
      // A run begun early by work_pending()'s race has not called the function yet: its kworker faults when it does (beforeRun).
      for (const run of w.running) if (run.begun) this.freed.returnIntoFreedWork(run.task, w, run.wq.name);
    }
    for (const dev of this.base.core.allDevices) {
      const n = dev.moduleRefs.get(name);
      if (n !== undefined && n > 0) {
        this.leaks.push({ kind: 'module-ref', what: `${dev.name ?? '?'}: ${n} reference${n === 1 ? '' : 's'} taken by ${name} never dropped` });
        dev.moduleRefs.delete(name);
      }
    }
  }

  /**
   * wait_event[_timeout](module_wq, !cond()): sleep until cond() is false,
   * checked again at each wake_up_all of module_wq (and once when the
   * timeout, if any, expires).
   */
  private async wait_module_wq(cond: () => boolean, what: string, timeoutUs?: number): Promise<void> {
    const self = this.sched.self(what);
    let timer: Task | null = null;
    if (timeoutUs !== undefined) {
      timer = this.sched.spawn('timer', 'timer', async () => this.sched.wake(self), { at: this.sched.now + timeoutUs });
    }
    const on = new WaitFor(() => what, () => []);
    while (cond()) {
      if (!this.module_wq.includes(self)) this.module_wq.push(self);
      // wait_event_interruptible[_timeout](module_wq, ...).
      await this.sched.block(on, 'interruptible');
    }
    const i = this.module_wq.indexOf(self);
    if (i >= 0) this.module_wq.splice(i, 1);
    if (timer !== null) this.sched.cancel(timer);
  }

  private wake_up_all_module_wq(): void {
    for (const t of this.module_wq.splice(0)) this.sched.wake(t);
  }

  /** lsmod-style lines. */
  lsmod(): string[] {
    return this.modules.map((m) => `${m.name.padEnd(20)} ${m.holders.size} ${[...m.holders].map((h) => h.name).join(',')}`.trimEnd());
  }
}

/** The loader's memo tables for one catalogue under one configuration; they hold no machine state. */
class Derived {
  readonly units = new Map<ModuleDef, PortUnit[]>();
  readonly refsBuiltIn = new Map<ModuleDef, string[]>();
  readonly refsModular = new Map<ModuleDef, string[]>();
  readonly exports = new Map<ModuleDef, ExportDecl[]>();
  readonly aliases = new Map<ModuleDef, string[]>();
  readonly provider = new Map<string, ModuleDef | null>();
  readonly alias = new Map<string, ModuleDef[]>();
}

/** What the loader keeps per catalogue array: its objects by name, and the derived tables per configuration. */
interface CatalogTables {
  readonly byName: ReadonlyMap<string, ModuleDef>;
  readonly derived: Map<string, Derived>;
}

const tablesByCatalog = new WeakMap<readonly ModuleDef[], CatalogTables>();

function catalogTables(catalog: readonly ModuleDef[]): CatalogTables {
  let t = tablesByCatalog.get(catalog);
  if (t === undefined) {
    const byName = new Map<string, ModuleDef>();
    for (const d of catalog) if (!byName.has(d.name)) byName.set(d.name, d);
    tablesByCatalog.set(catalog, (t = { byName, derived: new Map() }));
  }
  return t;
}

const configKeys = new WeakMap<Readonly<Record<string, Tristate>>, string>();

/** The same string for the same values, whatever order the record was built in (values are never changed in place). */
function configKey(values: Readonly<Record<string, Tristate>>): string {
  let key = configKeys.get(values);
  if (key === undefined) {
    key = Object.keys(values)
      .sort()
      .map((k) => `${k}=${values[k]}`)
      .join(' ');
    configKeys.set(values, key);
  }
  return key;
}

/** What a module's units export, as one record (a later unit wins a name, as with Object.assign). */
function exportValues(instances: readonly UnitInstance[]): Readonly<Record<string, unknown>> {
  // Most objects are one C file, whose exports need no copy.
  if (instances.length === 1) return instances[0]!.exports ?? {};
  return Object.assign({}, ...instances.map((i) => i.exports ?? {}));
}

function memoized<K, V>(table: Map<K, V>, key: K, compute: () => V): V {
  let v = table.get(key);
  if (v === undefined) {
    v = compute();
    table.set(key, v);
  }
  return v;
}

/**
 * The same key for a port's compiled file and its TypeScript source, so that
 * stack frames map to modules with or without source maps:
 * ".../dist/drivers/dax/hmem/hmem.c/v8-8.js" and ".../drivers/dax/hmem/hmem.c/v8-8.ts".
 */
function sourceKey(url: string): string {
  return url.replace(/^file:\/\//, '').replace('/dist/', '/').replace(/\.(js|ts)$/, '');
}

export const moduleLoaderModule = new ContainerModule(({ bind }) => {
  bind(ModuleLoader).toSelf();
});

export type { InitcallLevel };
