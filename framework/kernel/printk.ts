// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel log (kernel/printk): one buffer per simulated kernel, with the
 * level of each record and the virtual time it was printed at. Rendering
 * follows dmesg: "[    7.379000] text". pr_debug() goes through dynamic
 * debug (framework/lib/dynamic_debug.ts), whose boot queries the log
 * applies from the command line.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { BootCommandLine, module_param_of } from '../init/cmdline.js';
import { _DPRINTK_FLAGS_PRINT, DynamicDebug, UNNAMED_SITE, type DdebugSite } from '../lib/dynamic_debug.js';
import { vsprintf } from '../lib/vsprintf.js';
import { Scheduler } from '../sim/scheduler.js';
import { captureFrames } from './stacktrace.js';

export const KERN_EMERG = 0;
export const KERN_ALERT = 1;
export const KERN_CRIT = 2;
export const KERN_ERR = 3;
export const KERN_WARNING = 4;
export const KERN_NOTICE = 5;
export const KERN_INFO = 6;
export const KERN_DEBUG = 7;
/**
 * printk(KERN_DEFAULT ...) has no level of its own: the record gets
 * default_message_loglevel, CONFIG_MESSAGE_LOGLEVEL_DEFAULT (4) unless
 * configured otherwise, so it reads as a warning in dmesg -l.
 */
export const KERN_DEFAULT = KERN_WARNING;

export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;

/**
 * One line of the log. A line printed with a format is formatted when it is
 * first read: most lines of most runs (the explorer's) are never read, and
 * vsprintf is the costliest part of printing. The arguments are copied at
 * print time, so later changes to a printed resource do not show.
 */
export class LogRecord {
  private formatted: string | null;
  constructor(
    /** Virtual time in µs. */
    readonly time: number,
    readonly level: number,
    /** Pid of the task that printed it (0 outside any task). */
    readonly pid: number,
    text: string | null,
    private readonly prefix = '',
    private readonly fmt = '',
    private readonly args: readonly unknown[] = [],
  ) {
    this.formatted = text;
  }

  get text(): string {
    if (this.formatted === null) {
      const t = this.prefix + vsprintf(this.fmt, this.args);
      this.formatted = t.endsWith('\n') ? t.slice(0, -1) : t;
    }
    return this.formatted;
  }
}

/** Copy what a format may print of an argument: a resource's range and flags, as they are now. */
function snapshot(a: unknown): unknown {
  if (a !== null && typeof a === 'object' && 'start' in a && 'end' in a && 'flags' in a) {
    const r = a as { start: number; end: number; flags: number };
    return { start: r.start, end: r.end, flags: r.flags };
  }
  return a;
}

function renderLines(records: readonly LogRecord[], minLevel: number): string[] {
  const out: string[] = [];
  for (const r of records) if (r.level <= minLevel) out.push(`${formatTimestamp(r.time)} ${r.text}`);
  return out;
}

/** "[    7.379000]": seconds right-aligned in 5 columns, microseconds in 6. */
export function formatTimestamp(us: number): string {
  const sec = Math.floor(us / 1_000_000);
  const usec = us % 1_000_000;
  return `[${String(sec).padStart(5, ' ')}.${String(usec).padStart(6, '0')}]`;
}

/** "7.379000" as used in structured output. */
export function formatSeconds(us: number): string {
  return `${Math.floor(us / 1_000_000)}.${String(us % 1_000_000).padStart(6, '0')}`;
}

export interface PrintkApi {
  printk(level: number, fmt: string, ...args: unknown[]): void;
  pr_emerg(fmt: string, ...args: unknown[]): void;
  pr_err(fmt: string, ...args: unknown[]): void;
  pr_warn(fmt: string, ...args: unknown[]): void;
  pr_notice(fmt: string, ...args: unknown[]): void;
  pr_info(fmt: string, ...args: unknown[]): void;
  pr_debug(fmt: string, ...args: unknown[]): void;
}


/** Frames of the debug-print plumbing itself, skipped when naming the function of a callsite. */
const DBG_FRAMES = new Set(['dev_dbg', 'pr_debug', 'dynamic_dev_dbg', 'dynamic_pr_debug', 'dev_printk', 'emitf', 'printk', 'callerOfDebugPrint', 'flags', 'prefix', 'ddebug_matches']);

/** The kernel function that called pr_debug()/dev_dbg(): what `func` and the `f` flag of dynamic debug see. */
export function callerOfDebugPrint(): string {
  for (const f of captureFrames(1, () => null)) if (!DBG_FRAMES.has(f.func)) return f.func;
  return '?';
}

@injectable()
export class Printk {
  readonly records: LogRecord[] = [];
  /** Optional listener, e.g. to echo the log live in `kshim shell`. */
  listener: ((r: LogRecord) => void) | null = null;
  /** Which pr_debug()/dev_dbg() callsites print. */
  readonly ddebug: DynamicDebug;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(BootCommandLine) cmdline: BootCommandLine,
  ) {
    // A bound method, not a function literal stored into a property (rule 1
    // of docs/performance.md: that literal kept every finished machine alive).
    if (sched.trace.enabled) sched.trace.logCursor = this.recordCount.bind(this);
    this.ddebug = new DynamicDebug(!cmdline.given);
  }

  /**
   * dynamic_debug_init()'s pass over the command line: bare `dyndbg=` and
   * every `module.dyndbg=` act on the built-in callsites, once. The kernel
   * runs it after printing its command line, before driver_init().
   */
  dynamic_debug_init(cmdline: BootCommandLine): void {
    if (!cmdline.given) return;
    for (const p of cmdline.params) {
      // The name after the module's dot is compared exactly, dashes and all, as ddebug_dyndbg_param_cb() does.
      const m = module_param_of(p.param);
      if (p.param.slice(p.param.indexOf('.') + 1) !== 'dyndbg') continue;
      for (const line of this.ddebug.ddebug_exec_queries(p.val ?? '+p', m === null ? null : m.module, 0)) this.emit(KERN_ERR, line);
    }
  }

  /** __dynamic_pr_debug(): printed when the callsite's flags have p, after their prefix. */
  dynamic_pr_debug(site: DdebugSite, fmt: string, args: readonly unknown[]): void {
    const flags = this.ddebug.flags(site, fmt, callerOfDebugPrint);
    if ((flags & _DPRINTK_FLAGS_PRINT) === 0) return;
    this.emitf(KERN_DEBUG, this.ddebug.prefix(flags, site, this.sched.current ? this.sched.current.pid : 0, callerOfDebugPrint), fmt, args);
  }

  /** How many records the log holds: where a timeline span's lines begin or end. */
  recordCount(): number {
    return this.records.length;
  }

  /** Append preformatted text; a trailing newline is dropped, inner newlines make more records. */
  emit(level: number, text: string): void {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const pid = this.sched.current ? this.sched.current.pid : 0;
    // Nearly every message is one line: no array from split() for it.
    if (!body.includes('\n')) this.push(new LogRecord(this.sched.now, level, pid, body));
    else for (const line of body.split('\n')) this.push(new LogRecord(this.sched.now, level, pid, line));
  }

  /** Append `prefix` + the formatted message; formatting waits until the line is read. */
  emitf(level: number, prefix: string, fmt: string, args: readonly unknown[]): void {
    if (args.length === 0) {
      this.emit(level, prefix + fmt);
      return;
    }
    const pid = this.sched.current ? this.sched.current.pid : 0;
    this.push(new LogRecord(this.sched.now, level, pid, null, prefix, fmt, args.map(snapshot)));
  }

  private push(r: LogRecord): void {
    this.records.push(r);
    if (this.listener !== null) this.listener(r);
  }

  printk(level: number, fmt: string, ...args: unknown[]): void {
    this.emitf(level, '', fmt, args);
  }

  /** The log as dmesg prints it (all levels, debug included). */
  lines(minLevel = KERN_DEBUG): string[] {
    return renderLines(this.records, minLevel);
  }

  /** lines(), rendered later from what the log holds then; the function keeps only the records. */
  deferredLines(): () => string[] {
    const records = this.records;
    return () => renderLines(records, KERN_DEBUG);
  }

  /** True if some record's text contains `needle` (or matches it). */
  contains(needle: string | RegExp): boolean {
    return this.records.some((r) => (typeof needle === 'string' ? r.text.includes(needle) : needle.test(r.text)));
  }

  api(): PrintkApi {
    const p = (level: number) => (fmt: string, ...args: unknown[]) => this.printk(level, fmt, ...args);
    return {
      printk: (level, fmt, ...args) => this.printk(level, fmt, ...args),
      pr_emerg: p(KERN_EMERG),
      pr_err: p(KERN_ERR),
      pr_warn: p(KERN_WARNING),
      pr_notice: p(KERN_NOTICE),
      pr_info: p(KERN_INFO),
      pr_debug: (fmt, ...args) => this.dynamic_pr_debug(UNNAMED_SITE, fmt, args),
    };
  }
}

/** The DI module of the kernel log. */
export const printkModule = new ContainerModule(({ bind }) => {
  bind(Printk).toSelf();
});
