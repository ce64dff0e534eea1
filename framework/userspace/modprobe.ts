// SPDX-License-Identifier: GPL-2.0-only
/**
 * modprobe as kmod implements it, running in the calling userspace task:
 * resolve an alias, skip built-in and already-loaded modules, honour
 * softdeps, insert hard dependencies from modules.dep first, then the
 * module; with -r, remove it and then its dependencies that became unused.
 * Output goes to the userspace log, not to dmesg.
 *
 * "Already loaded" is libkmod's module_is_inkernel(): since kmod v20
 * (commit fd44a98ae2eb) only a LIVE or built-in module counts, so a module
 * that another task is still initialising (COMING) is inserted again and
 * finit_module() makes this modprobe wait for that init before it reports
 * success. kmod v19 and older counted COMING as loaded and returned at
 * once; `kmodVersion` selects that behaviour (the scenario field
 * "userspace": { "kmodVersion": 19 }).
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { EBUSY, EEXIST, EINVAL, ENODEV, ENOENT, ENOMEM, EPERM, EWOULDBLOCK, EPROBE_DEFER } from '../include/errno.js';
import { BootCommandLine, type CmdlineParam } from '../init/cmdline.js';
import { Rootfs } from '../init/initramfs.js';
import { ModuleLoader } from '../kernel/module/main.js';
import type { ModuleDef } from '../kernel/module/types.js';
import { formatSeconds } from '../kernel/printk.js';
import { Scheduler } from '../sim/scheduler.js';
import { Timing } from '../sim/timing.js';
import { UTS_RELEASE } from '../include/generated/utsrelease.js';


/** The kmod release modelled by default (any release from v20 on behaves alike here). */
export const KMOD_VERSION = 34;
/** The last kmod release whose modprobe treated a COMING module as loaded. */
export const KMOD_LAST_COMING_IS_LOADED = 19;

const STRERROR: Record<number, string> = {
  [ENOMEM]: 'Cannot allocate memory',
  [EPERM]: 'Operation not permitted',
  [ENOENT]: 'Unknown symbol in module, or unknown parameter (see dmesg)',
  [EEXIST]: 'File exists',
  [EINVAL]: 'Invalid argument',
  [EBUSY]: 'Device or resource busy',
  [ENODEV]: 'No such device',
  [EWOULDBLOCK]: 'Resource temporarily unavailable',
  [EPROBE_DEFER]: 'Unknown error 517',
};

export function strerror(err: number): string {
  return STRERROR[Math.abs(err)] ?? `Unknown error ${Math.abs(err)}`;
}

export interface UserLine {
  /** Seconds since boot, "12.345678". */
  readonly time: string;
  readonly pid: number;
  readonly text: string;
}

export interface ModprobeOptions {
  readonly remove?: boolean;
  readonly quiet?: boolean;
  /** -b: apply the blacklist (no effect here; accepted for udev's command line). */
  readonly blacklist?: boolean;
  /** Who runs it, for the userspace log: "modprobe", "udev-worker". */
  readonly comm?: string;
  /** `modprobe NAME param=value ...`: options for the named module, after those of /proc/cmdline. */
  readonly params?: readonly CmdlineParam[];
  /** Set by modprobe itself: the modules its NAME resolved to, which `params` are for. */
  readonly namedModules?: ReadonlySet<string>;
}

/** What a soft dependency is inserted with: quietly, and without the named module's options. */
function softdepOptions(opts: ModprobeOptions): ModprobeOptions {
  return Object.assign({}, opts, { quiet: true, params: [] });
}

@injectable()
export class Modprobe {
  /** What modprobe printed (stderr), in order. */
  readonly output: UserLine[] = [];
  /** The kmod release whose modprobe runs; see the header for what differs. */
  kmodVersion = KMOD_VERSION;
  /** modules.dep, as depmod wrote it for this boot. */
  private readonly modulesDep = new Map<string, ModuleDef[]>();

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(ModuleLoader) private readonly loader: ModuleLoader,
    @inject(Rootfs) private readonly rootfs: Rootfs,
    @inject(Timing) private readonly timing: Timing,
    @inject(BootCommandLine) private readonly proc_cmdline: BootCommandLine,
  ) {}

  private say(text: string): void {
    const t = this.sched.current;
    this.output.push({ time: formatSeconds(this.sched.now), pid: t ? t.pid : 0, text });
  }

  /** Run modprobe for `name` (a module name or a MODALIAS); returns the exit code. */
  async modprobe(name: string, opts: ModprobeOptions = {}): Promise<number> {
    await this.sched.sleep(this.timing.modprobeExec(name) * 1000);
    return opts.remove ? await this.remove(name, opts) : await this.insertByName(name, opts, new Set());
  }

  private resolve(name: string): ModuleDef[] {
    const direct = this.loader.def(name.replace(/-/g, '_'));
    if (direct !== undefined && this.loader.tristate(direct) !== 'n') return [direct];
    return this.loader.resolveAlias(name);
  }

  /**
   * Each def that is not present and not being inserted by this run goes
   * to insertMissing(). The check is inline, before any await: most calls
   * (every uevent of a built-in driver) find everything present.
   */
  private async insertByName(name: string, opts: ModprobeOptions, visiting: Set<string>): Promise<number> {
    const defs = this.resolve(name);
    if (defs.length === 0) {
      if (!opts.quiet) this.say(`modprobe: FATAL: Module ${name} not found in directory /lib/modules/${UTS_RELEASE}`);
      return 1;
    }
    let rc = 0;
    // The options given on modprobe's own command line are for the modules `name` names, not for what they need.
    let named: ModprobeOptions | null = null;
    for (const def of defs) {
      if (this.present(def) || visiting.has(def.name)) continue;
      named ??= Object.assign({}, opts, { namedModules: new Set(defs.map((d) => d.name)) });
      rc = (await this.insertMissing(def, named, visiting)) || rc;
    }
    return rc;
  }

  /** libkmod's module_is_inkernel(): built in, LIVE, or (kmod <= v19) COMING. */
  private present(def: ModuleDef): boolean {
    if (this.loader.tristate(def) === 'y') return true;
    if (this.sched.recording) this.sched.touch(`module:${def.name}`, 'r');
    const m = this.loader.find(def.name);
    if (m === undefined) return false;
    return m.state === 'LIVE' || (m.state === 'COMING' && this.kmodVersion <= KMOD_LAST_COMING_IS_LOADED);
  }

  /** Insert `def` and what it needs; the caller found it neither present nor being inserted by this run. */
  private async insertMissing(def: ModuleDef, opts: ModprobeOptions, visiting: Set<string>): Promise<number> {
    visiting.add(def.name);
    if (this.sched.recording) this.sched.touch('rootfs', 'r');
    if (!this.rootfs.moduleOnDisk(def.name)) {
      if (!opts.quiet) this.say(`modprobe: FATAL: Module ${def.name} not found in directory /lib/modules/${UTS_RELEASE}`);
      return 1;
    }
    const soft = this.loader.softdeps(def);
    for (const pre of soft.pre) await this.insertByName(pre, softdepOptions(opts), visiting);
    for (const dep of this.depends(def)) {
      if (this.present(dep)) continue;
      const rc = await this.insmod(dep, opts);
      if (rc) return rc;
    }
    if (!this.present(def)) {
      const rc = await this.insmod(def, opts);
      if (rc) return rc;
    }
    for (const post of soft.post) await this.insertByName(post, softdepOptions(opts), visiting);
    return 0;
  }

  private async insmod(def: ModuleDef, opts: ModprobeOptions): Promise<number> {
    if (!this.rootfs.moduleOnDisk(def.name)) {
      if (!opts.quiet) this.say(`modprobe: FATAL: Module ${def.name} not found in directory /lib/modules/${UTS_RELEASE}`);
      return 1;
    }
    // kmod's order: the module's `name.param=` entries of /proc/cmdline (prefix stripped), then modprobe's own arguments.
    const own = opts.namedModules?.has(def.name) === true ? (opts.params ?? []) : [];
    const err = await this.loader.__do_sys_finit_module(def.name, { args: [...this.proc_cmdline.moduleParams(def.name), ...own] });
    if (err === 0 || err === -EEXIST) return 0;
    this.say(`modprobe: ERROR: could not insert '${def.name}': ${strerror(err)}`);
    return 1;
  }

  /**
   * modules.dep for `def`: the modules providing the symbols it references,
   * transitively, providers first.
   */
  depends(def: ModuleDef): ModuleDef[] {
    let deps = this.modulesDep.get(def.name);
    if (deps !== undefined) return deps;
    deps = [];
    const seen = new Set<string>([def.name]);
    const visit = (d: ModuleDef): void => {
      for (const sym of this.loader.references(d, false)) {
        const provider = this.loader.providerOf(sym);
        if (provider === undefined || seen.has(provider.name)) continue;
        seen.add(provider.name);
        visit(provider);
        deps!.push(provider);
      }
    };
    visit(def);
    this.modulesDep.set(def.name, deps);
    return deps;
  }

  private async remove(name: string, opts: ModprobeOptions): Promise<number> {
    const def = this.loader.def(name.replace(/-/g, '_'));
    if (def === undefined) {
      this.say(`modprobe: FATAL: Module ${name} not found.`);
      return 1;
    }
    if (this.loader.tristate(def) === 'y') {
      this.say(`modprobe: FATAL: Module ${name} is builtin.`);
      return 1;
    }
    if (this.loader.find(def.name) === undefined) {
      if (!opts.quiet) this.say(`modprobe: FATAL: Module ${name} is not in kernel.`);
      return 1;
    }
    const err = await this.loader.__do_sys_delete_module(def.name);
    if (err === -EWOULDBLOCK) {
      this.say(`modprobe: FATAL: Module ${def.name} is in use.`);
      return 1;
    }
    if (err) {
      this.say(`modprobe: FATAL: Module ${def.name} could not be removed: ${strerror(err)}`);
      return 1;
    }
    // Then the dependencies nobody uses any more, as kmod does.
    for (const dep of [...this.depends(def)].reverse()) {
      const m = this.loader.find(dep.name);
      if (m !== undefined && m.holders.size === 0 && m.refcnt === 0) await this.loader.__do_sys_delete_module(dep.name);
    }
    return 0;
  }
}

export const modprobeModule = new ContainerModule(({ bind }) => {
  bind(Modprobe).toSelf();
});
