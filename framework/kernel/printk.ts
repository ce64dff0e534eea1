// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel log (kernel/printk): one buffer per simulated kernel, with the
 * level of each record and the virtual time it was printed at. Rendering
 * follows dmesg: "[    7.379000] text".
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { vsprintf } from '../lib/vsprintf.js';
import { Scheduler } from '../sim/scheduler.js';

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

@injectable()
export class Printk {
  readonly records: LogRecord[] = [];
  /** Optional listener, e.g. to echo the log live in `kshim shell`. */
  listener: ((r: LogRecord) => void) | null = null;

  constructor(@inject(Scheduler) private readonly sched: Scheduler) {
    // A bound method, not a function literal stored into a property (rule 1
    // of docs/performance.md: that literal kept every finished machine alive).
    if (sched.trace.enabled) sched.trace.logCursor = this.recordCount.bind(this);
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
      pr_debug: p(KERN_DEBUG),
    };
  }
}

/** The DI module of the kernel log. */
export const printkModule = new ContainerModule(({ bind }) => {
  bind(Printk).toSelf().inSingletonScope();
});
