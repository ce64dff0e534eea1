// SPDX-License-Identifier: GPL-2.0-only
/**
 * `kshim shell FILE`: boot a scenario, then explore the simulated kernel
 * interactively, the way one loads cxl_test in a VM and pokes at it:
 * modprobe and rmmod, lsmod, cat /proc/iomem, ls and cat under /sys, dmesg,
 * and the Soft Reserved owners, with their output through a small pipeline
 * (`dmesg | grep cxl | tail -5`). A command ending in "&" only starts its task;
 * `step` then runs one scheduler step at a time and `run` runs until idle,
 * so races can be walked through by hand.
 *
 * Shell.execute() runs one command line and returns what it printed, to
 * standard output or error as the real tool would, and its exit status
 * (Shell.exec() returns the text only), so the shell works the same under a
 * terminal (history, tab completion), with commands piped in, and in tests.
 * Like `sh -s`, the shell exits with `exit N`, or at the end of its input
 * with the status of the last command.
 */
import { SYSCALL_FRAMES } from '../framework/kernel/kmod.js';
import { createInterface, type Interface } from 'node:readline';
import { basename } from 'node:path';
import { ENOENT, EWOULDBLOCK } from '../framework/include/errno.js';
import { LEVEL_NAMES, formatTimestamp } from '../framework/kernel/printk.js';
import type { Machine } from '../framework/machine.js';
import type { RunOutcome } from '../framework/sim/scheduler.js';
import type { Task } from '../framework/sim/task.js';
import { strerror } from '../framework/userspace/modprobe.js';
import { liveDaxRegions, type Owner, type Run } from '../harness/run.js';
import { runWithSchedule } from './schedule.js';
import type { Scenario } from '../harness/scenario.js';
import { formatOwners, formatRun, warningLine } from './format.js';
import { count } from './plural.js';
import { lsmod, procModules, sysModule } from './shell-modules.js';
import { parseFilter, type Filter } from './shell-filters.js';
import { getopt, hasOption, tokenize, type OptionSpec, type ParsedOptions } from './shell-syntax.js';
import { loadScenario } from './load.js';
import { buildVfs, formatSysfs, listDir, lookup, normalizePath, type VfsDir } from './sysfs.js';
import { formatTime } from './timeline/layout.js';

export const PROMPT = 'kshim# ';

/** Step budget of `run` (the scheduler's own default). */
const RUN_BUDGET = 500_000;

/**
 * `help`: one entry per usage, continuation lines indented further; `help
 * TOPIC` prints the entries whose usage starts with TOPIC.
 */
const HELP = `commands:
  modprobe [-q] NAME [PARAM=VALUE ...]
                           load a module and what it needs (runs until idle), with options for it; -q: no message
  modprobe -r [-q] NAME...
                           remove modules in turn, each then its unused dependencies, in one task (then runs until idle)
  rmmod NAME...            remove modules
  COMMAND &                start a modprobe or rmmod task without running it (see step, run)
  step                     run one scheduler step
  run                      run until idle
  ps                       tasks that have not finished
  lsmod                    loaded modules: size (made up from the port's source), users
  cat FILE...              /proc/iomem, /proc/modules, /proc/cmdline, or a file under /sys (/sys/module too)
  ls [-l] [-1] [PATH...]   list a directory of /sys or /proc; -l shows link targets
  sysfs                    the whole /sys/bus and /sys/devices view
  dmesg [-c|-C] [-x] [-l LEVEL[,LEVEL...]]
                           the kernel log; -c prints what is new since the last -c, then
                           clears; -C only clears; -x shows facility and level; -l only
                           these levels: emerg alert crit err warn notice info debug
  owners                   who owns each Soft Reserved range now
  help [COMMAND...]        this text, or its lines about COMMAND
  echo [WORD...]           print the words; $? is the exit status of the last command
  exit [N]                 leave with status N, or that of the last command (also Ctrl-D)
after a command and a pipe, filters (dmesg | grep cxl | tail -5):
  | grep [-E] [-v] [-i] [-c] PATTERN
                           lines matching a basic regular expression (-E: an extended
                           one, a|b, (x)+); -v: lines that do not; -i: ignore case; -c:
                           print how many
  | head [-n N | -N]       the first N lines (10); -n -N: all but the last N
  | tail [-n N | -N]       the last N lines (10); -n +N: from line N on
  | wc -l                  count lines
'...' and "..." quote, # starts a comment; no redirection (> <), no ; && ||`;

/** The entries of HELP about `topic`, or null if there are none. */
function helpAbout(topic: string): string | null {
  const entries: string[][] = [];
  for (const line of HELP.split('\n')) {
    if (/^ {3,}/.test(line)) entries[entries.length - 1]?.push(line);
    else if (line.startsWith('  ')) entries.push([line]);
  }
  const words = (e: string[]): string[] => e[0]!.trim().split(/\s{2,}/)[0]!.split(' ').filter((w) => w !== '|');
  const name = topic === 'quit' || topic === 'logout' ? 'exit' : topic;
  const hits = entries.filter((e) => (name === '&' ? words(e).includes('&') : words(e)[0] === name));
  return hits.length === 0 ? null : hits.map((e) => e.join('\n')).join('\n');
}

/** What kmod, coreutils and util-linux exit with when their command line is wrong. */
const USAGE_STATUS: Readonly<Record<string, number>> = { cat: 1, dmesg: 1, ls: 2, lsmod: 1, modprobe: 1, rmmod: 1 };

/** What may follow a pipe. */
const FILTERS = ['grep', 'head', 'tail', 'wc'];

const COMMANDS = ['cat', 'dmesg', 'exit', 'help', 'ls', 'lsmod', 'modprobe', 'owners', 'ps', 'rmmod', 'run', 'step', 'sysfs'];

/** One line a command printed, to standard output (1) or standard error (2). */
export interface OutputLine {
  readonly fd: 1 | 2;
  readonly text: string;
}

export interface ExecResult {
  readonly output: readonly OutputLine[];
  /** The exit status of the line ($?). */
  readonly status: number;
  /** The line was exit (status is the one to exit with). */
  readonly exit: boolean;
}

/** What a command prints, in order. */
class Output {
  readonly lines: OutputLine[] = [];
  /** Text to standard output; "" prints nothing. */
  out(text: string): void {
    if (text !== '') for (const l of text.split('\n')) this.lines.push({ fd: 1, text: l });
  }
  /** An empty line to standard output. */
  blank(): void {
    this.lines.push({ fd: 1, text: '' });
  }
  err(text: string): void {
    if (text !== '') for (const l of text.split('\n')) this.lines.push({ fd: 2, text: l });
  }
  /** A message to standard error, and the status to return. */
  fail(status: number, text: string): number {
    this.err(text);
    return status;
  }
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

export class Shell {
  readonly machine: Machine;
  /** dmesg -c clears up to here. */
  private dmesgCleared = 0;
  /** What the last report covered. */
  private seenLog = 0;
  private seenUser = 0;
  private seenWarn = 0;
  /** What rmmod printed (modprobe keeps its own log). */
  private readonly rmmodOutput: string[] = [];
  private seenRmmod = 0;
  /** The id of the boot's schedule. */
  readonly schedule: string;
  /** The exit status of the last command ($?). */
  status = 0;

  constructor(
    readonly scenario: Scenario,
    run: Run,
  ) {
    if (run.machine === null) throw new Error('kshim: shell needs a booted machine');
    this.machine = run.machine;
    this.schedule = run.result.schedule;
    this.markSeen();
  }

  private get k() {
    return this.machine.kernel;
  }

  private markSeen(): void {
    this.seenLog = this.k.log.records.length;
    this.seenUser = this.machine.modprobe.output.length;
    this.seenWarn = this.k.panic.warnings.length;
    this.seenRmmod = this.rmmodOutput.length;
  }

  banner(): string {
    return `kshim shell: ${basename(this.scenario.file)} booted on tree ${this.scenario.tree.name} (schedule ${this.schedule}), now ${formatTime(this.k.sched.now, 6)}. Type "help".`;
  }

  /** Run one command line; returns what it printed (standard output and error, in order), or null for exit. */
  async exec(line: string): Promise<string | null> {
    const r = await this.execute(line);
    return r.exit ? null : r.output.map((o) => o.text).join('\n');
  }

  /**
   * Run one command line: what it printed, line by line, each to standard
   * output (1) or standard error (2) as the real tool would; its exit status
   * (also kept in `status`, the shell's $?); and whether it was exit. An
   * empty line leaves the status as it was.
   */
  async execute(line: string): Promise<ExecResult> {
    const out = new Output();
    let exit = false;
    try {
      const status = await this.command(line, out);
      if (typeof status === 'number') {
        this.status = status;
      } else if (status !== null) {
        exit = true;
        this.status = status.exit;
      }
    } catch (e) {
      out.err(`kshim: ${e instanceof Error ? e.message : String(e)}`);
      this.status = 1;
    }
    return { output: out.lines, status: this.status, exit };
  }

  /** A command line the tool rejects: getopt's message, where to read more, and its usage status. */
  private usage(out: Output, cmd: string, message: string): number {
    out.err(message);
    out.err(`Try 'help ${cmd}' for more information.`);
    return USAGE_STATUS[cmd] ?? 2;
  }

  /** Parse a command's options, or print why the tool would refuse them and return its status. */
  private options(out: Output, cmd: string, args: readonly string[], spec: OptionSpec): ParsedOptions | number {
    const p = getopt(cmd, args, spec);
    return typeof p === 'object' ? p : this.usage(out, cmd, p);
  }

  /**
   * A line: one command, optionally followed by filters after pipes
   * (`dmesg | grep cxl | tail -5`), or a modprobe or rmmod ending in "&".
   * The filters are checked before the command runs, so a pipeline that
   * cannot run changes nothing. The status is the last filter's, as in sh
   * without pipefail; what the command prints to standard error passes by
   * the filters; `exit` before a pipe, as in sh's subshell, does not exit.
   * Returns the status, {exit} for exit, or null for an empty line.
   */
  private async command(line: string, out: Output): Promise<number | { exit: number } | null> {
    const tokens = tokenize(line, this.status);
    if (typeof tokens === 'string') return out.fail(2, `kshim shell: ${tokens}`);
    if (tokens.length === 0) return null;
    let background = false;
    const last = tokens[tokens.length - 1]!;
    if ('op' in last && last.op === '&') {
      background = true;
      tokens.pop();
    }
    const stages: string[][] = [[]];
    for (const t of tokens) {
      if ('word' in t) stages[stages.length - 1]!.push(t.word);
      else if (t.op === '|') stages.push([]);
      else if (['<', '>', '>>', '<<', '>&', '<&', '>|', '&>', '<>'].includes(t.op)) return out.fail(2, `kshim shell: redirection (${t.op}) is not supported: commands print to the terminal, or through a pipe to grep, head, tail or wc -l`);
      else return out.fail(2, `kshim shell: ${t.op} is not supported: one command per line${t.op === '&' ? ', and & only at its end' : ''}`);
    }
    if (stages.some((s) => s.length === 0)) return out.fail(2, `kshim shell: syntax error near unexpected token '${stages[0]!.length === 0 && tokens.length === 0 ? '&' : '|'}'`);
    const [cmd, ...args] = stages[0]! as [string, ...string[]];
    if (background && stages.length > 1) return out.fail(2, 'kshim shell: a pipeline cannot run in the background');
    if (background && !['modprobe', 'rmmod'].includes(cmd)) return out.fail(2, `kshim shell: ${cmd}: only modprobe and rmmod can run in the background`);
    if (stages.length === 1) return await this.simple(cmd, args, background, out);

    const filters: Filter[] = [];
    for (const stage of stages.slice(1)) {
      const f = parseFilter(stage);
      if ('error' in f) return out.fail(f.status, f.error);
      filters.push(f.filter);
    }
    const first = new Output();
    await this.simple(cmd, args, false, first);
    const piped: string[] = [];
    for (const o of first.lines) {
      if (o.fd === 2) out.lines.push(o);
      else piped.push(o.text);
    }
    let lines: readonly string[] = piped;
    let status = 0;
    for (const f of filters) ({ lines, status } = f(lines));
    for (const text of lines) out.lines.push({ fd: 1, text });
    return status;
  }

  /** One command and its arguments. */
  private async simple(cmd: string, args: string[], background: boolean, out: Output): Promise<number | { exit: number }> {
    if (FILTERS.includes(cmd)) return out.fail(2, `kshim shell: ${cmd} reads only a pipe here, as in: dmesg | ${cmd}${cmd === 'wc' ? ' -l' : cmd === 'grep' ? ' PATTERN' : ''}`);
    // kshim's own commands (and ps, which is not procps's) take no arguments.
    if (['step', 'run', 'ps', 'sysfs', 'owners'].includes(cmd) && args.length > 0) return out.fail(2, `usage: ${cmd}`);
    switch (cmd) {
      case 'exit':
      case 'quit':
      case 'logout':
        return this.exit(args, out);
      case 'help':
        return this.help(args, out);
      case 'echo':
        // No options: enough for `echo $?`.
        if (args.length === 0) out.blank();
        else out.out(args.join(' '));
        return 0;
      case 'modprobe': {
        const p = this.options(out, cmd, args, { flags: 'rq', long: { remove: 'r', quiet: 'q' } });
        if (typeof p === 'number') return p;
        const remove = hasOption(p, 'r');
        if (p.operands.length === 0) return out.fail(1, 'usage: modprobe [-q] NAME [PARAM=VALUE ...] | modprobe -r [-q] NAME...');
        const quiet = hasOption(p, 'q');
        if (remove) {
          // kmod's rmmod_all(): every name in turn, in one process, going on after a failure; 1 if any failed.
          // (Each name costs the "modprobe" knob here, once per invocation in the kernel's userspace.)
          return await this.userTask(out, 'modprobe', async () => {
            let rc = 0;
            for (const name of p.operands) rc = Math.max(rc, await this.machine.modprobe.modprobe(name, { remove, quiet }));
            return rc;
          }, background);
        }
        // The words after the name are the module's options; the shell has already removed their quotes.
        const params = p.operands.slice(1).map((w) => (w.includes('=') ? { param: w.slice(0, w.indexOf('=')), val: w.slice(w.indexOf('=') + 1) } : { param: w, val: null }));
        return await this.userTask(out, 'modprobe', async () => await this.machine.modprobe.modprobe(p.operands[0]!, { remove, quiet, params }), background);
      }
      case 'rmmod': {
        const p = this.options(out, cmd, args, {});
        if (typeof p === 'number') return p;
        if (p.operands.length === 0) return out.fail(1, 'rmmod: ERROR: missing module name.');
        return await this.userTask(out, 'rmmod', async () => {
          let rc = 0;
          for (const name of p.operands) rc = Math.max(rc, await this.rmmod(name));
          return rc;
        }, background);
      }
      case 'step':
        return await this.step(out);
      case 'run':
        return await this.runToIdle(out);
      case 'ps':
        out.out(this.ps());
        return 0;
      case 'lsmod':
        // kmod's lsmod takes no arguments at all.
        if (args.length > 0) return out.fail(1, 'Usage: lsmod');
        out.out(lsmod(this.machine.loader));
        return 0;
      case 'cat': {
        const p = this.options(out, cmd, args, {});
        if (typeof p === 'number') return p;
        if (p.operands.length === 0) return out.fail(1, 'usage: cat FILE...');
        return p.operands.map((a) => this.cat(a, out)).reduce((a, b) => Math.max(a, b), 0);
      }
      case 'ls': {
        const p = this.options(out, cmd, args, { flags: 'l1' });
        if (typeof p === 'number') return p;
        return this.ls(p.operands, hasOption(p, 'l'), out);
      }
      case 'sysfs':
        out.out(formatSysfs(this.k));
        return 0;
      case 'dmesg': {
        const p = this.options(out, cmd, args, { flags: 'cCx', withArg: 'l', long: { 'read-clear': 'c', clear: 'C', decode: 'x', level: 'l' } });
        if (typeof p === 'number') return p;
        if (p.operands.length > 0) return this.usage(out, cmd, 'dmesg: bad usage');
        return this.dmesg(p, out);
      }
      case 'owners':
        out.out(this.owners());
        return 0;
      default:
        return out.fail(127, `kshim shell: ${cmd}: command not found (try help)`);
    }
  }

  /** help [TOPIC...]: like bash's, 1 when a topic matches nothing. */
  private help(args: string[], out: Output): number {
    if (args.length === 0) {
      out.out(HELP);
      return 0;
    }
    let status = 0;
    for (const topic of args) {
      const text = helpAbout(topic);
      if (text === null) status = out.fail(1, `kshim shell: help: no help topics match '${topic}'.  Try 'help'.`);
      else out.out(text);
    }
    return status;
  }

  /** exit [N]: N modulo 256, or the status of the last command. */
  private exit(args: string[], out: Output): number | { exit: number } {
    if (args.length === 0) return { exit: this.status };
    if (!/^[-+]?\d+$/.test(args[0]!)) {
      out.err(`kshim shell: exit: ${args[0]}: numeric argument required`);
      return { exit: 2 };
    }
    if (args.length > 1) return out.fail(1, 'kshim shell: exit: too many arguments');
    return { exit: Number(((BigInt(args[0]!) % 256n) + 256n) % 256n) };
  }

  /**
   * What userspace printed (to standard error, as modprobe and rmmod do),
   * WARNs, how a run that did not reach idle ended, and the size of new
   * dmesg output since the last report.
   */
  private report(outcome: RunOutcome | null, out: Output): void {
    for (const u of this.machine.modprobe.output.slice(this.seenUser)) out.err(u.text);
    for (const r of this.rmmodOutput.slice(this.seenRmmod)) out.err(r);
    for (const w of this.k.panic.warnings.slice(this.seenWarn)) out.out(warningLine(w));
    if (outcome !== null && outcome.status !== 'idle') out.err(outcome.deadlock?.message ?? outcome.runaway?.message ?? outcome.status);
    const n = this.k.log.records.length - this.seenLog;
    if (n > 0) out.out(`(${count(n, 'new dmesg line')}; dmesg -c shows them)`);
    this.markSeen();
  }

  /** rmmod as kmod's: 1 when the module could not be removed. */
  private async rmmod(name: string): Promise<number> {
    const loader = this.machine.loader;
    const say = (text: string): number => {
      this.rmmodOutput.push(text);
      return 1;
    };
    const mod = name.replace(/-/g, '_');
    if (loader.isBuiltin(mod)) return say(`rmmod: ERROR: Module ${mod} is builtin.`);
    const err = await loader.__do_sys_delete_module(mod);
    if (err === -ENOENT) return say(`rmmod: ERROR: Module ${mod} is not currently loaded`);
    if (err === -EWOULDBLOCK) return say(`rmmod: ERROR: Module ${mod} is in use${loader.holdersOf(mod).length ? ` by: ${loader.holdersOf(mod).join(' ')}` : ''}`);
    if (err !== 0) return say(`rmmod: ERROR: could not remove module ${mod}: ${strerror(err)}`);
    return 0;
  }

  /**
   * Start a userspace task. In the background the status is 0, as for a
   * shell's "&"; otherwise run until idle, report, and return the task's
   * exit code (1 if it did not finish: a deadlock, or a run cut short).
   */
  private async userTask(out: Output, comm: string, body: () => Promise<number>, background: boolean): Promise<number> {
    let code: number | null = null;
    const t = this.k.sched.spawn(comm, 'user', async () => {
      code = await body();
    });
    t.baseFrames = SYSCALL_FRAMES;
    if (background) {
      out.err(`[${t.pid}] ${comm}`);
      return 0;
    }
    await this.runBudget(RUN_BUDGET, out);
    return code ?? 1;
  }

  private async runBudget(steps: number, out: Output): Promise<void> {
    const sched = this.k.sched;
    sched.setMaxSteps(sched.stepCount + steps);
    let outcome: RunOutcome;
    try {
      outcome = await sched.run();
    } catch (e) {
      this.report(null, out);
      out.err(`kshim: ${e instanceof Error ? e.message : String(e)}`);
      return;
    } finally {
      sched.setMaxSteps(sched.stepCount + RUN_BUDGET);
    }
    // A one-step budget always "runs away"; that is not news.
    this.report(steps === 1 && outcome.status === 'runaway' ? null : outcome, out);
  }

  private runnable(): Task[] {
    return this.k.sched.allTasks().filter((t) => t.state === 'ready' || t.state === 'sleeping');
  }

  private describe(t: Task): string {
    switch (t.state) {
      case 'sleeping':
        return `sleeping until ${formatTime(t.readyAt, 6)}`;
      case 'blocked':
        return `blocked on ${t.waitingOn?.describe() ?? '?'}`;
      case 'idle':
        return 'idle';
      default:
        return t.state;
    }
  }

  private async step(out: Output): Promise<number> {
    if (this.runnable().length === 0) {
      out.out('nothing to run (idle)');
      return 0;
    }
    const before = new Map(this.k.sched.allTasks().map((t) => [t, t.steps]));
    const n = this.k.sched.stepCount;
    const report = new Output();
    await this.runBudget(1, report);
    const ran = this.k.sched.allTasks().filter((t) => t.steps !== (before.get(t) ?? 0));
    for (const t of ran) out.out(`step ${n + 1}: ${t} ran at ${formatTime(this.k.sched.now, 6)}, now ${this.describe(t)}`);
    out.lines.push(...report.lines);
    const left = this.runnable().length;
    out.out(left === 0 ? 'idle' : `${count(left, 'task')} runnable`);
    return 0;
  }

  private async runToIdle(out: Output): Promise<number> {
    if (this.runnable().length === 0) {
      out.out('nothing to run (idle)');
      return 0;
    }
    await this.runBudget(RUN_BUDGET, out);
    out.out(`idle at ${formatTime(this.k.sched.now, 6)}`);
    return 0;
  }

  private ps(): string {
    const rows = this.k.sched.allTasks().filter((t) => t.state !== 'done');
    return ['  PID COMM              STATE', ...rows.map((t) => `${String(t.pid).padStart(5)} ${t.comm.padEnd(17)} ${this.describe(t)}`)].join('\n');
  }

  /** The files of kshim run --show sysfs, /sys/module, /proc/modules and /proc/cmdline. */
  private vfs(): VfsDir {
    const root = buildVfs(this.k);
    const proc = root.children.get('proc');
    const sys = root.children.get('sys');
    if (sys?.kind === 'dir') sys.children.set('module', sysModule(this.machine.loader));
    if (proc?.kind === 'dir') {
      proc.children.set('modules', { kind: 'file', read: () => procModules(this.machine.loader) });
      proc.children.set('cmdline', { kind: 'file', read: () => `${this.k.cmdline.text}\n` });
    }
    return root;
  }

  /** cat of one file: 1 when it is missing, a directory or write-only. */
  private cat(path: string, out: Output): number {
    const r = lookup(this.vfs(), path);
    if (r === null || r.node.kind === 'link') return out.fail(1, `cat: ${path}: No such file or directory`);
    if (r.node.kind === 'dir') return out.fail(1, `cat: ${path}: Is a directory`);
    const text = r.node.read();
    if (text === null) return out.fail(1, `cat: ${path}: Permission denied`);
    out.out(text.replace(/\n$/, ''));
    return 0;
  }

  /** ls as GNU ls: status 2 when a path cannot be accessed. */
  private ls(paths: readonly string[], long: boolean, out: Output): number {
    const root = this.vfs();
    const operands = paths.length > 0 ? paths : ['/'];
    let status = 0;
    // Files first, then each directory; with several operands, each directory under its name.
    const files: string[] = [];
    const dirs: Array<[string, VfsDir]> = [];
    for (const p of operands) {
      const r = lookup(root, p);
      if (r === null) status = out.fail(2, `ls: cannot access '${p}': No such file or directory`);
      else if (r.node.kind === 'dir') dirs.push([p, r.node]);
      else files.push(p);
    }
    out.out(files.join('\n'));
    dirs.forEach(([p, d], i) => {
      if (files.length > 0 || i > 0) out.blank();
      if (operands.length > 1) out.out(`${p}:`);
      out.out(listDir(d, long).join('\n'));
    });
    return status;
  }

  /**
   * dmesg as util-linux's: -c prints and clears, -C only clears, -x
   * prefixes facility and level ("kern  :warn  : "), -l keeps the levels
   * named (or numbered) in a comma-separated list.
   */
  private dmesg(p: ParsedOptions, out: Output): number {
    let levels: Set<number> | null = null;
    for (const [o, list] of p.options) {
      if (o !== 'l') continue;
      levels ??= new Set();
      for (const name of list!.split(',')) {
        const n = /^[0-7]$/.test(name) ? Number(name) : (LEVEL_NAMES as readonly string[]).indexOf(name);
        if (n < 0) return out.fail(1, `dmesg: unknown level '${name}'`);
        levels.add(n);
      }
    }
    const decode = hasOption(p, 'x');
    const recs = this.k.log.records.slice(this.dmesgCleared);
    if (hasOption(p, 'c') || hasOption(p, 'C')) this.dmesgCleared = this.k.log.records.length;
    this.seenLog = this.k.log.records.length;
    if (hasOption(p, 'C')) return 0;
    const lines: string[] = [];
    for (const r of recs) {
      if (levels !== null && !levels.has(r.level)) continue;
      lines.push(`${decode ? `${'kern'.padEnd(6)}:${(LEVEL_NAMES[r.level] ?? '').padEnd(6)}: ` : ''}${formatTimestamp(r.time)} ${r.text}`);
    }
    out.out(lines.join('\n'));
    return 0;
  }

  /** The ownership table as kshim run prints it, for the machine as it is now. */
  private owners(): string {
    const regions = liveDaxRegions(this.machine);
    const softReserved = this.scenario.softReserved.map((sr) => {
      const covering = regions.filter((r) => r.region.res.start <= sr.start && r.region.res.end >= sr.end);
      return { start: hex(sr.start), end: hex(sr.end), owner: (covering.length > 0 ? covering[0]!.owner : null) as Owner };
    });
    const daxRegions = regions.map((r) => ({
      id: r.region.id,
      start: hex(r.region.res.start),
      end: hex(r.region.res.end),
      owner: r.owner,
      path: this.k.base.core.sysfsPath(r.parent),
    }));
    return formatOwners({ softReserved, daxRegions });
  }

  /** readline completer: commands (filters after a pipe), module names, then paths for ls and cat. */
  complete(line: string): [string[], string] {
    const pipe = line.lastIndexOf('|');
    const words = line.slice(pipe + 1).trimStart().split(/\s+/);
    const cur = words[words.length - 1] ?? '';
    if (words.length <= 1) {
      const hits = (pipe >= 0 ? FILTERS : COMMANDS).filter((c) => c.startsWith(cur));
      return [hits.length === 1 ? [hits[0]! + ' '] : hits, cur];
    }
    if (pipe >= 0) return [[], cur];
    const cmd = words[0]!;
    const loader = this.machine.loader;
    const pick = (names: string[]): [string[], string] => {
      const hits = [...new Set(names)].filter((n) => n.startsWith(cur)).sort();
      return [hits.length === 1 ? [hits[0]! + ' '] : hits, cur];
    };
    if (cmd === 'modprobe' && cur.startsWith('-')) return pick(['-r']);
    if (cmd === 'rmmod' || (cmd === 'modprobe' && words.includes('-r'))) return pick(loader.modules.map((m) => m.name));
    if (cmd === 'modprobe') return pick(loader.catalogue().filter((d) => loader.tristate(d) === 'm').map((d) => d.name));
    if (cmd === 'ls' || cmd === 'cat') return this.completePath(cur);
    return [[], cur];
  }

  private completePath(cur: string): [string[], string] {
    const abs = cur.startsWith('/') ? cur : '/' + cur;
    const slash = abs.lastIndexOf('/');
    const dirPart = abs.slice(0, slash + 1);
    const base = abs.slice(slash + 1);
    const root = this.vfs();
    const d = lookup(root, dirPart === '' ? '/' : dirPart);
    if (d === null || d.node.kind !== 'dir') return [[], cur];
    const prefix = cur.startsWith('/') ? dirPart : dirPart.slice(1);
    const hits = [...d.node.children.keys()]
      .filter((n) => n.startsWith(base))
      .sort()
      .map((n) => {
        const target = lookup(root, normalizePath(dirPart + n));
        return prefix + n + (target?.node.kind === 'dir' ? '/' : '');
      });
    return [hits, cur];
  }
}

export interface ShellArgs {
  readonly tree?: string;
  readonly set: readonly string[];
  readonly cmdline?: string;
  readonly schedule?: string;
}

/** Where the shell reads commands and writes; a terminal when both input and output are TTYs. */
export interface ShellIo {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  readonly errput: NodeJS.WritableStream;
}

/** Boot the scenario and read commands until exit or end of input; returns the exit status. */
export async function shellCommand(file: string, opts: ShellArgs, io: ShellIo = { input: process.stdin, output: process.stdout, errput: process.stderr }): Promise<number> {
  const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline });
  const run = await runWithSchedule(file, scenario, opts, { blockStacks: true });
  if (run.machine === null) {
    io.output.write(formatRun(run.result) + '\n');
    return 1;
  }
  const sh = new Shell(scenario, run);
  const { input, output, errput } = io;
  const rl: Interface = createInterface({
    input,
    output,
    prompt: PROMPT,
    terminal: input.isTTY === true && output.isTTY === true,
    historySize: 1000,
    completer: (line: string) => sh.complete(line),
  });
  rl.on('SIGINT', () => {
    output.write('^C\n');
    sh.status = 130;
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  output.write(sh.banner() + '\n');
  rl.prompt();
  for await (const line of rl) {
    const r = await sh.execute(line);
    for (const o of r.output) (o.fd === 2 ? errput : output).write(o.text + '\n');
    if (r.exit) break;
    rl.prompt();
  }
  rl.close();
  // Like sh -s: exit N, or at the end of input the status of the last command.
  return sh.status;
}
