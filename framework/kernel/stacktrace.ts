// SPDX-License-Identifier: GPL-2.0-only
/**
 * Simulated call chains for WARN splats. The ports and the shim use kernel
 * function names, so the JavaScript stack (with V8's async frames) already
 * reads like a kernel call trace; this file keeps the kernel-named frames,
 * tags frames of modular code with their module ("[dax_hmem]") and appends
 * the task's bottom frames (process_one_work, worker_thread, ...).
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task } from '../sim/task.js';

export interface Frame {
  readonly func: string;
  /** Module name for code built as a module, null for built-in code. */
  readonly module: string | null;
}

/** Maps a source file URL of a port or mock to the module it is built into, or null if built in. */
export type ModuleOfFile = (fileUrl: string) => string | null;

const FRAME = /^\s*at (?:async )?(?:new )?(\S+?)(?: \[as ([^\]]+)\])? \((.*?):\d+:\d+\)$/;
const KERNEL_NAME = /^[a-z_][a-z0-9_]*$/;
/** Simulation plumbing that never appears in a kernel trace. */
/** Simulation plumbing and userspace (modprobe, udev) never appear in a kernel trace. */
const HIDDEN_DIRS = ['/framework/sim/', '/framework/userspace/', '/harness/', '/cli/', '/node_modules/', 'node:'];
/** Helpers tsc emits into every file that uses `using` (guard(device)): __disposeResources's next(). */
const HIDDEN_FUNCS = new Set(['next']);

export function captureFrames(skip: number, moduleOf: ModuleOfFile): Frame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 80;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return framesOfStack(stack, skip, moduleOf);
}

/** The kernel-named frames of a V8 stack (`error.stack`), innermost first, after its first `skip` frames. */
export function framesOfStack(stack: string, skip: number, moduleOf: ModuleOfFile): Frame[] {
  const frames: Frame[] = [];
  const lines = stack.split('\n').filter((l) => l.startsWith('    at ')).slice(skip);
  for (const line of lines) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    const file = m[3]!;
    if (HIDDEN_DIRS.some((d) => file.includes(d))) continue;
    // "platform_driver.dax_hmem_probe [as probe]": the function's own name is
    // what a kernel trace shows; the property it was called through is only a
    // fallback. "Task.body" is the scheduler's entry into a task: plumbing.
    const own = m[1]!.slice(m[1]!.lastIndexOf('.') + 1);
    const via = m[2] === undefined ? null : m[2].slice(m[2].lastIndexOf('.') + 1);
    if (m[1] === 'Task.body') continue;
    const func = KERNEL_NAME.test(own) || via === null ? own : via;
    if (!KERNEL_NAME.test(func) || func === 'api' || func.startsWith('__sim') || HIDDEN_FUNCS.has(func)) continue;
    const prev = frames[frames.length - 1];
    if (prev !== undefined && prev.func === func) continue;
    frames.push({ func, module: moduleOf(file) });
  }
  return frames;
}

export function formatFrame(f: Frame): string {
  return f.module === null ? f.func : `${f.func} [${f.module}]`;
}

/**
 * The whole chain for a task: captured frames (innermost first) then the
 * task's bottom frames, in their order; a bottom frame the captured stack
 * shows as well (process_one_work and worker_thread are real frames of a
 * kworker, kernel_init one of PID 1) is listed once, among the bottom ones.
 */
export function callTrace(task: Task | null, frames: readonly Frame[]): string[] {
  const out = frames.map(formatFrame);
  if (task === null) return out;
  // A bottom frame the stack shows too (kernel_init, process_one_work) comes from the task's list, in its place there.
  const base = new Set(task.baseFrames);
  return [...out.filter((f) => !base.has(f)), ...task.baseFrames];
}

/** The project's root: this file is dist/framework/kernel/stacktrace.js. */
const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LOCATION = /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/;

/**
 * Where an error was thrown, as a path of the TypeScript source with its line
 * ("examples/my-patch/hmem.c.ts:163"), read through the compiled file's
 * source map; the compiled location when there is no map. Null when no frame
 * is in kshim's own files. Only used to report a crash, never on a hot path.
 */
export function sourceLocation(stack: string, skipFile: (file: string) => boolean = () => false): string | null {
  for (const line of stack.split('\n')) {
    if (!line.startsWith('    at ') || line.includes('node:') || line.includes('/node_modules/')) continue;
    const m = LOCATION.exec(line);
    if (m === null) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (skipFile(file)) continue;
    const jsLine = Number(m[2]);
    if (file.endsWith('.ts')) return `${relative(PROJECT_ROOT, file)}:${jsLine}`; // already mapped (source maps enabled)
    try {
      const map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      const e = map.findEntry(jsLine - 1, Number(m[3]) - 1) as { originalSource?: string; originalLine?: number };
      if (e.originalSource !== undefined && e.originalLine !== undefined) {
        const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : resolve(dirname(file), e.originalSource);
        return `${relative(PROJECT_ROOT, src)}:${e.originalLine + 1}`;
      }
    } catch {
      // No map next to the file: report the compiled location.
    }
    return `${relative(PROJECT_ROOT, file)}:${jsLine}`;
  }
  return null;
}
