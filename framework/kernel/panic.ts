// SPDX-License-Identifier: GPL-2.0-only
/**
 * WARN splats, oopses and use-after-free reports (kernel/panic.c,
 * lib/bug.c, arch/x86's die and page-fault paths, mm/kasan). Each is
 * printed in kernel format and also kept as a structured record, so tests
 * and the explorer can ask "which functions warned".
 *
 * Deviations:
 * - Frames and RIP print without their +offset/size (%pS shows only the
 *   name); the CPU line has no "Hardware name:" after it and no register
 *   dump follows RIP; a Code line is printed only where the bytes are
 *   known (INT3 fill), not for code that is still there.
 * - One CPU: every report says CPU 0.
 * - A KASAN report ends after the object's description (see mm/slab.ts).
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { vsprintf } from '../lib/vsprintf.js';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import { formatSeconds, KERN_ALERT, KERN_CRIT, KERN_DEFAULT, KERN_ERR, KERN_INFO, KERN_WARNING, Printk } from './printk.js';
import { callTrace, captureFrames, formatFrame, framesOfStack, sourceLocation, type Frame, type ModuleOfFile } from './stacktrace.js';
import { UTS_RELEASE } from '../include/generated/utsrelease.js';
import { formatModuleAddress } from './module/layout.js';
import type { KasanTrack } from '../mm/slab.js';
import { DebugLocks } from '../lib/debug_locks.js';

/** Where a WARN fires: the C file, line and function it models. */
export interface WarnSite {
  readonly file: string;
  readonly line: number;
  readonly func: string;
}

/** Where a BUG() sits: the file and line its bug_entry records (CONFIG_DEBUG_BUGVERBOSE). */
export interface BugSite {
  readonly file: string;
  readonly line: number;
}

export type WarningKind = 'warn' | 'oops' | 'kasan' | 'bug' | 'lockdep';

export interface Warning {
  readonly kind: WarningKind;
  /** The function that warned (__flush_work). */
  readonly function: string;
  /** The headline as the kernel prints it: "WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: kworker/u8:1/57". */
  readonly message: string;
  /** Text printed by the WARN itself (WARN(cond, fmt)), if any. */
  readonly text: string | null;
  /** Virtual time as "12.345678". */
  readonly time: string;
  readonly pid: number;
  readonly comm: string;
  readonly callTrace: readonly string[];
}

/** What print_report() says about a bad access to a slab object (see mm/slab.ts). */
export interface KasanReport {
  /** "slab-use-after-free" */
  readonly bugType: string;
  readonly write: boolean;
  readonly size: number;
  /** The address accessed, as %px prints it. */
  readonly addr: string;
  readonly object: {
    readonly addr: string;
    /** One past its last byte. */
    readonly end: string;
    /** "kmalloc-256" */
    readonly cache: string;
    readonly size: number;
    /** Where the access falls, in bytes from the object's start. */
    readonly offset: number;
    readonly alloc: KasanTrack | null;
    readonly free: KasanTrack | null;
    /** The call_rcu() that queued the free, if the free was deferred. */
    readonly aux: KasanTrack | null;
  };
  /** The chain of the bad access, innermost first: the report is about frames[0]. */
  readonly frames: readonly Frame[];
}

/**
 * show_opcodes() over INT3 fill: the 42 bytes before RIP, the byte at RIP
 * in angle brackets, and the 21 after (OPCODE_BUFSIZE is 64).
 */
const INT3_CODE = `Code: ${'cc '.repeat(42)}<cc>${' cc'.repeat(21)}`;

/** The frames above the faulting function in every KASAN report's stack: the report's own. */
const KASAN_REPORT_FRAMES = ['dump_stack_lvl', 'print_report', 'kasan_report'];

/** Thrown to end the current task the way an oops ends a kernel thread. */
export class KernelOops extends Error {
  constructor(readonly headline: string) {
    super(headline);
  }
}

export interface PanicApi {
  WARN_ON(condition: unknown, site?: WarnSite): boolean;
  WARN(condition: unknown, fmt: string, ...args: unknown[]): boolean;
  WARN_ON_ONCE(condition: unknown, site?: WarnSite): boolean;
  WARN_ONCE(condition: unknown, fmt: string, ...args: unknown[]): boolean;
  BUG(site?: BugSite): never;
  BUG_ON(condition: unknown, site?: BugSite): void;
}

@injectable()
export class Panic {
  readonly warnings: Warning[] = [];
  /** Resolves a source file to its module name, set by the module loader. */
  moduleOf: ModuleOfFile = () => null;
  /** Names of loaded modules for the "Modules linked in:" line, set by the module loader. */
  modulesLinkedIn: () => string[] = () => [];
  private readonly onceSites = new Set<string>();
  /** tainted_mask: the TAINT_* bits set so far. */
  private tainted = 0;
  /** die_counter: the [#N] of each oops. */
  private dieCounter = 0;
  /** exec_summary_regs: RIP (and the Code line, if any) of the first oops, repeated after the end marker of every oops. */
  private execSummary: { readonly rip: string; readonly code: string | null } | null = null;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly log: Printk,
    @inject(DebugLocks) private readonly debugLocks: DebugLocks,
  ) {
    sched.oopsHandler = this.handleTaskError.bind(this);
  }

  /**
   * Print a WARNING splat and record it. `site` names the kernel location;
   * without it the caller's function is used (ports rarely know C lines),
   * and the banner takes __warn()'s form for a WARN of unknown file.
   * `textLevel` is the level of WARN()'s own message: the default one,
   * unless its format starts with a KERN_ prefix (ODEBUG's KERN_ERR).
   */
  warn(site: WarnSite | null, text: string | null, skipFrames = 1, textLevel = KERN_WARNING): Warning {
    const task = this.sched.current;
    const frames = captureFrames(skipFrames + 1, this.moduleOf);
    const func = site ? site.func : (frames[0]?.func ?? 'unknown');
    const caller = site ? func : frames[0] ? formatFrame(frames[0]) : 'unknown';
    const pid = task ? task.pid : 0;
    const comm = task ? task.comm : 'swapper/0';
    // The banner of kernel/panic.c since 6.19 (28ea295f941e); %pS prints no +offset/size here.
    const headline = site ? `WARNING: ${site.file}:${site.line} at ${caller}, CPU#0: ${comm}/${pid}` : `WARNING: at ${caller}, CPU#0: ${comm}/${pid}`;
    const trace = callTrace(task, site ? frames.filter((f, i) => !(i === 0 && f.func === func)) : frames.slice(1));
    this.log.emit(KERN_WARNING, '------------[ cut here ]------------');
    if (text !== null) this.log.emit(textLevel, text);
    // An x86 WARN traps (ud2), so __warn() has the registers and show_regs() prints RIP.
    this.printSplat(KERN_WARNING, headline, task, trace, caller);
    this.log.emit(KERN_WARNING, '---[ end trace 0000000000000000 ]---');
    this.add_taint(TAINT_WARN, LOCKDEP_STILL_OK);
    const w = this.record('warn', func, headline, text, task, trace);
    this.sched.trace.mark('warn', func, headline);
    return w;
  }

  /** Keep a report as a Warning record, stamped with the current time and task. */
  private record(kind: WarningKind, func: string, headline: string, text: string | null, task: Task | null, trace: readonly string[]): Warning {
    const w: Warning = { kind, function: func, message: headline, text, time: formatSeconds(this.sched.now), pid: task ? task.pid : 0, comm: task ? task.comm : 'swapper/0', callTrace: trace };
    this.warnings.push(w);
    return w;
  }

  /** WARN_ON(cond): warns when cond is truthy; returns !!cond. */
  WARN_ON(condition: unknown, site?: WarnSite): boolean {
    if (condition) this.warn(site ?? null, null, 2);
    return !!condition;
  }

  WARN_ON_ONCE(condition: unknown, site?: WarnSite): boolean {
    if (condition) {
      const key = site ? `${site.file}:${site.line}` : captureFrames(1, this.moduleOf)[0]?.func ?? '?';
      if (!this.onceSites.has(key)) {
        this.onceSites.add(key);
        this.warn(site ?? null, null, 2);
      }
    }
    return !!condition;
  }

  /** WARN_ONCE(cond, fmt) at a known site: the text goes inside the splat, once per site. */
  WARN_ONCE(condition: unknown, site: WarnSite, text: string): boolean {
    if (condition) {
      const key = `${site.file}:${site.line}`;
      if (!this.onceSites.has(key)) {
        this.onceSites.add(key);
        this.warn(site, text, 2);
      }
    }
    return !!condition;
  }

  /**
   * A KASAN-style report without the object (Slab.kasan_untracked()): the
   * headline, kshim's words for the access, the stack; `frames` is the
   * chain of the caller of the bad access.
   */
  kasan(func: string, what: string, frames: readonly Frame[]): Warning {
    const task = this.sched.current;
    // `func` is where the bad access is; the chain it was called from follows (unless `frames` starts with it).
    const trace = callTrace(task, frames[0]?.func === func ? frames : [{ func, module: null }, ...frames]);
    const headline = `BUG: KASAN: slab-use-after-free in ${func}`;
    this.log.emit(KERN_ERR, '==================================================================');
    this.log.emit(KERN_ERR, headline);
    this.log.emit(KERN_ERR, what);
    this.printSplat(KERN_ERR, null, task, trace, null, 'none');
    this.log.emit(KERN_ERR, '==================================================================');
    // end_report(): a bad access leaves memory, and the locks in it, unreliable.
    this.add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
    this.sched.trace.mark('warn', func, headline);
    return this.record('kasan', func, headline, what, task, trace);
  }

  /**
   * mm/kasan/report.c's print_report() for a bad access to a slab object:
   * the bug type and the function that made the access (the first frame
   * after `skipFrames`), the access and the task, the stack (from
   * dump_stack_lvl()), who allocated and freed the object, and where the
   * access falls in it; then end_report()'s taint. Recorded as 'kasan'
   * under the function that made the access.
   */
  kasanReport(r: KasanReport): Warning {
    const task = this.sched.current;
    const frames = r.frames;
    const where = frames[0] ? formatFrame(frames[0]) : 'unknown';
    const trace = callTrace(task, frames);
    const headline = `BUG: KASAN: ${r.bugType} in ${where}`;
    const access = `${r.write ? 'Write' : 'Read'} of size ${r.size} at addr ${r.addr} by task ${task ? task.comm : 'swapper/0'}/${task ? task.pid : 0}`;
    const E = (line: string): void => this.log.emit(KERN_ERR, line);
    // stack_depot_print() prints at the default level; a track without a stack says so.
    const printStack = (track: KasanTrack): void => {
      if (track.frames === null) E('(stack is not available)');
      else for (const f of track.frames) this.log.emit(KERN_DEFAULT, ` ${f}`);
    };
    E('==================================================================');
    E(headline);
    E(access);
    E('');
    this.printSplat(KERN_ERR, null, task, [...KASAN_REPORT_FRAMES, ...trace], null, 'none');
    E('');
    const o = r.object;
    for (const [what, track] of [['Allocated by task', o.alloc], ['Freed by task', o.free]] as const) {
      if (track === null) continue;
      E(`${what} ${track.pid}:`);
      printStack(track);
      E('');
    }
    if (o.aux !== null) {
      E('Last potentially related work creation:');
      printStack(o.aux);
      E('');
    }
    E(`The buggy address belongs to the object at ${o.addr}`);
    E(` which belongs to the cache ${o.cache} of size ${o.size}`);
    E(`The buggy address is located ${o.offset} bytes inside of`);
    E(` ${o.free !== null ? 'freed' : 'allocated'} ${o.size}-byte region [${o.addr}, ${o.end})`);
    E('');
    E('==================================================================');
    // end_report(): a bad access leaves memory, and the locks in it, unreliable.
    this.add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE);
    this.sched.trace.mark('warn', frames[0]?.func ?? 'unknown', headline);
    return this.record('kasan', frames[0]?.func ?? 'unknown', headline, access, task, trace);
  }

  /**
   * printk(level, headline) followed by a stack dump; recorded as a 'bug'
   * (pr_err "tried to init an initialized object", pr_warn duplicate sysfs name).
   */
  dump_stack(headline: string, func: string, level = KERN_ERR): Warning {
    const task = this.sched.current;
    // The function that dumps (sysfs_warn_dup, kobject_init), then its callers; not dump_stack() itself.
    const frames = captureFrames(2, this.moduleOf);
    const trace = callTrace(task, frames[0]?.func === func ? frames : [{ func, module: null }, ...frames]);
    this.log.emit(level, headline);
    this.printSplat(level, null, task, trace, null, 'none');
    return this.record('bug', func, headline, null, task, trace);
  }

  /**
   * The stack dump that ends a lockdep report ("stack backtrace:" comes
   * before it): the CPU line and the call trace from `func`, the function
   * taking the lock; recorded as a 'lockdep' warning under `headline`.
   */
  dump_stack_only(func: string, headline: string): Warning {
    const task = this.sched.current;
    const frames = captureFrames(3, this.moduleOf);
    const from = frames.findIndex((f) => f.func === func);
    const trace = callTrace(task, from >= 0 ? frames.slice(from) : [{ func, module: null }, ...frames]);
    this.printSplat(KERN_WARNING, null, task, trace, null, 'none');
    return this.record('lockdep', func, headline, null, task, trace);
  }

  /**
   * A NULL pointer dereference inside a kernel function the framework
   * models (`func`, faulting at `address`, a small offset into the missing
   * struct): the oops (see printPageFault(): a load or store is KASAN's
   * general protection fault), recorded, then the task dies with its locks
   * held.
   */
  nullDereference(func: string, address: number, access: PageFaultAccess = 'read access'): never {
    const task = this.sched.current;
    // Skip this function, and the faulting function when it is a frame of its own: the trace starts at its caller.
    const captured = captureFrames(2, this.moduleOf);
    const frames = captured[0]?.func === func ? captured.slice(1) : captured;
    const trace = callTrace(task, frames);
    const headline = this.printPageFault(task, address.toString(16).padStart(16, '0'), access, func, trace);
    this.record('oops', func, headline, null, task, trace);
    throw new KernelOops(headline);
  }

  /**
   * A read of a module's data after free_module(): `address` (the low 32
   * bits of a module address, see module/layout.ts) is unmapped, so the
   * read is x86's page-fault oops. RIP is `frames[0]`, the function
   * reading; the trace starts at its caller. Recorded under `symbol`, the
   * object that was there, with `what` saying what it was; returns the oops
   * for the caller to throw, which kills the current task.
   */
  moduleFault(address: number, symbol: string, what: string, frames: readonly Frame[]): KernelOops {
    const task = this.sched.current;
    const rip = frames[0] ? formatFrame(frames[0]) : 'unknown';
    const trace = callTrace(task, frames.slice(1));
    const headline = this.printPageFault(task, formatModuleAddress(address), 'read access', rip, trace);
    this.record('oops', symbol, headline, what, task, trace);
    this.sched.trace.mark('warn', symbol, headline);
    return new KernelOops(headline);
  }

  /**
   * Code called or returned into in a module's freed text. x86_64 keeps
   * module text in execmem's ROX cache, which fills a freed range with INT3
   * and keeps it mapped, so the CPU traps at the first byte it runs there
   * (`address`): exc_int3() finds nobody to handle it and die()s with
   * "int3". RIP is one past the trapping byte, which %pS cannot name; the
   * bytes around it are all 0xcc. The unwinder finds no ORC data for RIP,
   * so every frame of the trace (`frames` over the task's bottom frames) is
   * one it guessed: "? ". Recorded under `symbol`, the function that was
   * there; returns the oops for the caller to throw.
   */
  freedTextTrap(address: number, symbol: string, what: string, frames: readonly Frame[]): KernelOops {
    const task = this.sched.current;
    const trace = callTrace(task, frames);
    this.oops_begin();
    const headline = this.__die('int3', 0, task, trace.map((f) => `? ${f}`), `0x${formatModuleAddress(address + 1)}`, INT3_CODE);
    this.oops_end();
    this.record('oops', symbol, headline, what, task, trace);
    this.sched.trace.mark('warn', symbol, headline);
    return new KernelOops(headline);
  }

  /**
   * BUG()/BUG_ON() on x86: the ud2 traps, handle_bug() passes it to
   * report_bug(), which prints the cut line at the default level and
   * "kernel BUG at <file>:<line>!" at KERN_CRIT (without a known site, the
   * form of a bug_entry without file: the address, here the function, and
   * "[verbose debug info unavailable]"). report_bug() says BUG, so
   * exc_invalid_op() goes on to die("invalid opcode"): the oops, RIP at the
   * function that hit the BUG, the call trace from its caller. The task dies.
   */
  private bug(site: BugSite | null): never {
    const task = this.sched.current;
    // Skip captureFrames, bug() and the BUG/BUG_ON entry: frames[0] is the function with the ud2.
    const frames = captureFrames(3, this.moduleOf);
    const rip = frames[0] ? formatFrame(frames[0]) : 'unknown';
    const trace = callTrace(task, frames.slice(1));
    const headline = site ? `kernel BUG at ${site.file}:${site.line}!` : `Kernel BUG at ${rip} [verbose debug info unavailable]`;
    this.log.emit(KERN_DEFAULT, '------------[ cut here ]------------');
    this.log.emit(KERN_CRIT, headline);
    this.oops_begin();
    this.__die('invalid opcode', 0, task, trace, rip);
    this.oops_end();
    this.record('oops', frames[0]?.func ?? 'unknown', headline, null, task, trace);
    throw new KernelOops(headline);
  }

  /**
   * A fault on a not-present page at `addr` (16 hex digits). A load or
   * store near NULL in KASAN-instrumented code never reaches the page: its
   * shadow check reads a non-canonical address first, so it is the general
   * protection fault that KASAN explains (generalProtection()). Anything
   * else is x86's page_fault_oops(): the BUG and #PF lines, the page-table
   * walk, "Oops: <error code> [#N]", registers, call trace, modules and
   * CR2. Returns the headline.
   */
  private printPageFault(task: Task | null, addr: string, access: PageFaultAccess, rip: string, trace: readonly string[]): string {
    const address = parseInt(addr, 16);
    // An address in the first page is a NULL pointer; anything else is "unable to handle page fault".
    const nullPage = address < PAGE_SIZE;
    if (nullPage && access !== 'instruction fetch') return this.generalProtection(task, address, rip, trace);
    const headline = nullPage ? `BUG: kernel NULL pointer dereference, address: ${addr}` : `BUG: unable to handle page fault for address: ${addr}`;
    const errorCode = PF_ERROR_CODE[access];
    this.oops_begin();
    this.log.emit(KERN_ALERT, headline);
    this.log.emit(KERN_ALERT, `#PF: supervisor ${access} in kernel mode`);
    this.log.emit(KERN_ALERT, `#PF: error_code(${errorCode}) - not-present page`);
    // show_fault_oops() -> dump_pagetable() (pr_info, then pr_cont): nothing is mapped at the bottom of the
    // kernel's address space; a freed module range still has its upper levels, down to a cleared PTE.
    this.log.emit(KERN_INFO, nullPage ? 'PGD 0 P4D 0 ' : MODULE_AREA_PAGETABLE);
    // page_fault_oops() passes "Oops" as the die() string, so 6.10+ print "Oops: Oops: 0000".
    this.__die('Oops', Number(errorCode), task, trace, rip);
    this.log.emit(KERN_DEFAULT, `CR2: ${addr}`);
    this.oops_end();
    return headline;
  }

  /**
   * exc_general_protection() -> die_addr() for a load or store at
   * `address` near NULL in KASAN-instrumented code: the shadow byte of
   * `address` lies at KASAN_SHADOW_OFFSET + (address >> 3), a
   * non-canonical address, so the check itself faults. The Oops line says
   * so, kasan_non_canonical_hook() names the granule the access was for,
   * then the registers and trace; no CR2. Returns the headline.
   */
  private generalProtection(task: Task | null, address: number, rip: string, trace: readonly string[]): string {
    const shadow = KASAN_SHADOW_OFFSET_HIGH + ((address >>> 3) >>> 0).toString(16).padStart(8, '0');
    const granule = address - (address % 8);
    this.oops_begin();
    const headline = this.__die(`general protection fault, probably for non-canonical address 0x${shadow}`, 0, task, trace, rip, null, () => {
      this.log.emit(KERN_ALERT, `KASAN: null-ptr-deref in range [0x${granule.toString(16).padStart(16, '0')}-0x${(granule + 7).toString(16).padStart(16, '0')}]`);
    });
    this.oops_end();
    return headline;
  }

  /**
   * x86's oops_begin() -> oops_enter(): from here on nothing about the
   * kernel's locks can be trusted, so lock debugging goes off, silently.
   */
  private oops_begin(): void {
    this.debugLocks.debug_locks_off();
  }

  /**
   * x86's __die(): __die_header()'s "Oops: <str>: <err> [#N]" line (the
   * preemption model moved to the CPU line in 6.15; SMP, KASAN, PTI off),
   * then show_regs() (CPU line, RIP, call trace) and the modules, all at the
   * default level. Returns the Oops line.
   */
  private __die(str: string, err: number, task: Task | null, trace: readonly string[], rip: string, code: string | null = null, afterHeader: (() => void) | null = null): string {
    const errorCode = (err & 0xffff).toString(16).padStart(4, '0');
    if (this.dieCounter === 0) this.execSummary = { rip, code };
    const line = `Oops: ${str}: ${errorCode} [#${++this.dieCounter}] SMP KASAN NOPTI`;
    this.log.emit(KERN_DEFAULT, line);
    // die_addr(): what kasan_non_canonical_hook() says comes between the header and the body.
    afterHeader?.();
    this.printSplat(KERN_DEFAULT, null, task, trace, rip, 'after', code);
    return line;
  }

  /**
   * x86's oops_end(): TAINT_DIE, the end marker, then the "executive
   * summary" of the first oops's registers, of which kshim has only RIP.
   */
  private oops_end(): void {
    // LOCKDEP_NOW_UNRELIABLE, but oops_begin() already turned debug_locks off: no "Disabling lock debugging" line.
    this.add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE);
    this.log.emit(KERN_WARNING, '---[ end trace 0000000000000000 ]---');
    // __die() has set it by now, at the latest for this oops.
    const summary = this.execSummary!;
    this.log.emit(KERN_DEFAULT, `RIP: 0010:${summary.rip}`);
    if (summary.code !== null) this.log.emit(KERN_DEFAULT, summary.code);
  }

  /**
   * Where "Modules linked in:" goes: __warn() prints it before the stack
   * ('before'), an x86 oops after the call trace ('after'); a bare
   * dump_stack() and a KASAN report (dump_stack_lvl) do not print it.
   */
  private printSplat(level: number, headline: string | null, task: Task | null, trace: readonly string[], rip: string | null = null, modules: 'before' | 'after' | 'none' = 'before', code: string | null = null): void {
    if (headline !== null) this.log.emit(level, headline);
    if (modules === 'before') this.print_modules(level);
    const comm = task ? task.comm : 'swapper/0';
    // dump_stack_print_info(): the preemption model ends the line since 6.15; a tainted kernel adds print_tainted_verbose().
    this.log.emit(level, `CPU: 0 UID: 0 PID: ${task ? task.pid : 0} Comm: ${comm} ${this.print_tainted()} ${UTS_RELEASE} #1 ${PREEMPT_MODEL}`);
    if (this.tainted !== 0) this.log.emit(level, this.print_tainted_verbose());
    if (task?.workqueueLine) this.log.emit(level, `Workqueue: ${task.workqueueLine}`);
    if (rip !== null) this.log.emit(level, `RIP: 0010:${rip}`);
    if (code !== null) this.log.emit(level, code);
    this.log.emit(level, 'Call Trace:');
    this.log.emit(level, ' <TASK>');
    for (const f of trace) this.log.emit(level, ` ${f}`);
    this.log.emit(level, ' </TASK>');
    if (modules === 'after') this.print_modules(level);
  }

  /**
   * add_taint(): set the flag; a taint that makes lock state unreliable
   * also turns lock debugging off, and says so if it was still on.
   */
  add_taint(flag: number, lockdep_ok: LockdepOk): void {
    if (lockdep_ok === LOCKDEP_NOW_UNRELIABLE && this.debugLocks.__debug_locks_off()) this.log.emit(KERN_WARNING, 'Disabling lock debugging due to kernel taint');
    this.tainted |= 1 << flag;
  }

  /** test_taint() */
  test_taint(flag: number): boolean {
    return (this.tainted & (1 << flag)) !== 0;
  }

  /** "Not tainted", or one column per taint flag: its letter when set, else 'G' for the first and a space for the others. */
  print_tainted(): string {
    if (this.tainted === 0) return 'Not tainted';
    let s = 'Tainted: ';
    for (let i = 0; i < TAINT_FLAGS.length; i++) s += this.tainted & (1 << i) ? TAINT_FLAGS[i] : i === 0 ? 'G' : ' ';
    return s;
  }

  /** "Tainted: [W]=WARN, [D]=DIE": the letter and name of each set flag. */
  private print_tainted_verbose(): string {
    const set: string[] = [];
    for (let i = 0; i < TAINT_FLAGS.length; i++) if (this.tainted & (1 << i)) set.push(`[${TAINT_FLAGS[i]}]=${TAINT_NAMES[i]}`);
    return `Tainted: ${set.join(', ')}`;
  }

  private print_modules(level: number): void {
    const mods = this.modulesLinkedIn();
    this.log.emit(level, `Modules linked in:${mods.length ? ' ' + mods.join(' ') : ''}`);
  }

  /**
   * A NULL pointer dereference in kernel code oopses the task that made it.
   * In a port, reading or writing a property of null or undefined, or calling
   * a function pointer that is not set, is that dereference: it is printed as
   * x86 oopses for it (KASAN's general protection fault for a load or store,
   * the page fault for a call), recorded, and the task dies with its locks
   * held.
   * `where` is the source line the error was thrown at, for the record.
   */
  private pageFaultOops(task: Task, err: TypeError, access: PageFaultAccess, where: string | null): void {
    const frames = framesOfStack(err.stack ?? '', 0, this.moduleOf);
    const rip = frames[0] ?? { func: 'unknown', module: null };
    const trace = callTrace(task, frames.slice(1));
    const headline = this.printPageFault(task, '0000000000000000', access, formatFrame(rip), trace);
    this.record('oops', rip.func, headline, `${err.name}: ${err.message}${where === null ? '' : ` (${where})`}`, task, trace);
    this.sched.trace.mark('warn', rip.func, headline);
  }

  private handleTaskError(task: Task, err: unknown): boolean {
    if (task.state === 'done') return false;
    if (err instanceof KernelOops) return true;
    const access = pageFaultAccess(err);
    if (access === null) return false;
    // Thrown in kshim's own code, it is a bug of the simulation: a loud crash, not a kernel oops.
    const where = sourceLocation((err as TypeError).stack ?? '');
    if (where === null || KSHIM_OWN_CODE.test(where)) return false;
    this.pageFaultOops(task, err as TypeError, access, where);
    return true;
  }

  api(): PanicApi {
    return {
      WARN_ON: (c, site) => (c ? (this.warn(site ?? null, null, 2), true) : false),
      WARN: (c, fmt, ...args) => {
        if (c) this.warn(null, args.length ? fmtArgs(fmt, args) : fmt, 2);
        return !!c;
      },
      WARN_ON_ONCE: (c, site) => this.WARN_ON_ONCE(c, site),
      WARN_ONCE: (c, fmt, ...args) => {
        if (c) {
          const key = `once:${fmt}`;
          if (!this.onceSites.has(key)) {
            this.onceSites.add(key);
            this.warn(null, args.length ? fmtArgs(fmt, args) : fmt, 2);
          }
        }
        return !!c;
      },
      BUG: (site) => this.bug(site ?? null),
      BUG_ON: (c, site) => {
        if (c) this.bug(site ?? null);
      },
    };
  }
}

/** The letters of kernel/panic.c's taint_flags[] as of 7.0 (TAINT_FLAGS_COUNT 20), by bit. */
const TAINT_FLAGS = 'PFSRMBUDAWCIOELKXTNJ';
/** The names print_tainted_verbose() gives them (the TAINT_ constant without its prefix), by bit. */
const TAINT_NAMES = [
  'PROPRIETARY_MODULE', 'FORCED_MODULE', 'CPU_OUT_OF_SPEC', 'FORCED_RMMOD', 'MACHINE_CHECK', 'BAD_PAGE', 'USER', 'DIE', 'OVERRIDDEN_ACPI_TABLE', 'WARN',
  'CRAP', 'FIRMWARE_WORKAROUND', 'OOT_MODULE', 'UNSIGNED_MODULE', 'SOFTLOCKUP', 'LIVEPATCH', 'AUX', 'RANDSTRUCT', 'TEST', 'FWCTL',
] as const;
/**
 * preempt_model_str() of the simulated build: CONFIG_PREEMPT with
 * PREEMPT_DYNAMIC (x86's default since HAVE_PREEMPT_DYNAMIC_CALL), in its
 * "full" mode. Before 6.15 this was the " PREEMPT" of the Oops line.
 */
const PREEMPT_MODEL = 'PREEMPT(full)';
export const TAINT_BAD_PAGE = 5;
export const TAINT_DIE = 7;
export const TAINT_WARN = 9;

/** enum lockdep_ok: whether lock debugging can go on after a taint. */
export const LOCKDEP_STILL_OK = 0;
export const LOCKDEP_NOW_UNRELIABLE = 1;
export type LockdepOk = typeof LOCKDEP_STILL_OK | typeof LOCKDEP_NOW_UNRELIABLE;

/** Where kshim itself lives, as sourceLocation() writes it: a fault there is no fault of the code under test. */
const KSHIM_OWN_CODE = /^(?:dist\/)?(?:framework|harness|cli|bench)\//;

export type PageFaultAccess = 'read access' | 'write access' | 'instruction fetch';

/** x86's PAGE_SIZE: a fault below it is a NULL pointer dereference. */
const PAGE_SIZE = 0x1000;
/** KASAN_SHADOW_OFFSET of x86_64 with 4-level paging (0xdffffc0000000000), its high 32 bits. */
const KASAN_SHADOW_OFFSET_HIGH = 'dffffc00';

/**
 * dump_pagetable() for an address in a freed module range: the upper
 * levels are still there and the PTE is cleared. The table entries are
 * fixed values of kshim's own, not of any real machine.
 */
const MODULE_AREA_PAGETABLE = 'PGD 2c2f067 P4D 2c2f067 PUD 2c31067 PMD 10b9e8067 PTE 0';

/** The x86 page-fault error code of a not-present page, by access (bit 1: write, bit 4: instruction fetch). */
const PF_ERROR_CODE: Record<PageFaultAccess, string> = {
  'read access': '0x0000',
  'write access': '0x0002',
  'instruction fetch': '0x0010',
};

/**
 * What kind of NULL dereference a JavaScript TypeError is, or null when it is
 * some other type error (a bug in kshim, not a fault of the kernel code).
 */
export function pageFaultAccess(err: unknown): PageFaultAccess | null {
  if (!(err instanceof TypeError)) return null;
  if (/^Cannot read properties of (?:null|undefined)\b/.test(err.message)) return 'read access';
  if (/^Cannot set properties of (?:null|undefined)\b/.test(err.message)) return 'write access';
  if (/ is not a function$/.test(err.message)) return 'instruction fetch';
  return null;
}

function fmtArgs(fmt: string, args: unknown[]): string {
  return vsprintf(fmt, args);
}

/** The DI module of WARN, oops and KASAN-style reports. */
export const panicModule = new ContainerModule(({ bind }) => {
  bind(Panic).toSelf();
});
