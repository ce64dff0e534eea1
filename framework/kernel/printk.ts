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

export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'] as const;

export interface LogRecord {
  /** Virtual time in µs. */
  readonly time: number;
  readonly level: number;
  readonly text: string;
  /** Pid of the task that printed it (0 outside any task). */
  readonly pid: number;
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

  constructor(@inject(Scheduler) private readonly sched: Scheduler) {}

  /** Append preformatted text; a trailing newline is dropped, inner newlines make more records. */
  emit(level: number, text: string): void {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const pid = this.sched.current ? this.sched.current.pid : 0;
    for (const line of body.split('\n')) {
      const r: LogRecord = { time: this.sched.now, level, text: line, pid };
      this.records.push(r);
      if (this.listener !== null) this.listener(r);
    }
  }

  printk(level: number, fmt: string, ...args: unknown[]): void {
    this.emit(level, args.length === 0 ? fmt : vsprintf(fmt, args));
  }

  /** The log as dmesg prints it (all levels, debug included). */
  lines(minLevel = KERN_DEBUG): string[] {
    const out: string[] = [];
    for (const r of this.records) if (r.level <= minLevel) out.push(`${formatTimestamp(r.time)} ${r.text}`);
    return out;
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
