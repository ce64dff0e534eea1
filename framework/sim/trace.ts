// SPDX-License-Identifier: GPL-2.0-only
/**
 * A boot's timeline, for the timeline page and learners: spans (an
 * initcall, a probe, a work item, a module load) and instants (a uevent, a
 * WARN) per task, in virtual time. Recording costs nothing unless enabled:
 * callers pass the parts of a name and a detail that may be a number, and
 * the trace joins and converts them only when it records.
 * The scheduler owns one (`sched.trace`), as it owns the clock.
 */

export type SpanKind = 'initcall' | 'probe' | 'work' | 'module' | 'exit';
/** choice: a deviation from the default order that a replayed schedule id made (added by the CLI). */
export type MarkKind = 'uevent' | 'warn' | 'dmesg' | 'choice';

export interface Span {
  readonly kind: SpanKind;
  readonly name: string;
  readonly pid: number;
  readonly start: number;
  end: number;
  /** Optional detail, e.g. the probe's return value. */
  detail: string;
  /** How many log records there were when the span began, and when it ended (-1 while open): its lines lie between. */
  readonly firstLog: number;
  endLog: number;
}

export interface Mark {
  readonly kind: MarkKind;
  readonly name: string;
  readonly pid: number;
  readonly time: number;
  readonly text: string;
}

/** What the trace needs of the scheduler: the running task and the clock. */
export interface Clock {
  readonly now: number;
  readonly current: { readonly pid: number } | null;
}

function noLog(): number {
  return 0;
}

export class Trace {
  enabled = false;
  readonly spans: Span[] = [];
  readonly marks: Mark[] = [];
  /** The number of log records so far; set by printk, which owns the log. */
  logCursor: () => number = noLog;

  constructor(private readonly sched: Clock) {}

  /**
   * Open a span on the current task; returns it (or null when not recording)
   * for end(). With `object`, the span is named "name object".
   */
  begin(kind: SpanKind, name: string, object?: string): Span | null {
    if (!this.enabled) return null;
    if (object !== undefined) name = `${name} ${object}`;
    const s: Span = { kind, name, pid: this.sched.current?.pid ?? 0, start: this.sched.now, end: -1, detail: '', firstLog: this.logCursor(), endLog: -1 };
    this.spans.push(s);
    return s;
  }

  end(span: Span | null, detail: string | number = ''): void {
    if (span === null) return;
    span.end = this.sched.now;
    span.endLog = this.logCursor();
    span.detail = String(detail);
  }

  mark(kind: MarkKind, name: string, text = ''): void {
    if (!this.enabled) return;
    this.marks.push({ kind, name, pid: this.sched.current?.pid ?? 0, time: this.sched.now, text });
  }
}
