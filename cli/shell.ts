// SPDX-License-Identifier: GPL-2.0-only
/**
 * `kshim shell FILE`: boot a scenario, then explore the simulated kernel
 * interactively, the way one loads cxl_test in a VM and pokes at it:
 * modprobe and rmmod, lsmod, cat /proc/iomem, ls and cat under /sys, dmesg,
 * and the Soft Reserved owners. A command ending in "&" only starts its task;
 * `step` then runs one scheduler step at a time and `run` runs until idle,
 * so races can be walked through by hand.
 *
 * Shell.exec() runs one command line and returns its output, so the shell
 * works the same under a terminal (history, tab completion) and in tests.
 */
import { createInterface, type Interface } from 'node:readline';
import { basename } from 'node:path';
import { ENOENT, EWOULDBLOCK } from '../framework/include/errno.js';
import { formatTimestamp } from '../framework/kernel/printk.js';
import type { Machine } from '../framework/machine.js';
import type { RunOutcome } from '../framework/sim/scheduler.js';
import type { Task } from '../framework/sim/task.js';
import { strerror } from '../framework/userspace/modprobe.js';
import { liveDaxRegions, type Owner, type Run } from '../harness/run.js';
import { runWithSchedule } from './schedule.js';
import type { Scenario } from '../harness/scenario.js';
import { formatOwners, formatRun } from './format.js';
import { loadScenario } from './load.js';
import { buildVfs, formatSysfs, listDir, lookup, normalizePath } from './sysfs.js';
import { formatTime } from './timeline/layout.js';

export const PROMPT = 'kshim# ';

/** Step budget of `run` (the scheduler's own default). */
const RUN_BUDGET = 500_000;

const HELP = `commands:
  modprobe NAME        load a module and what it needs (runs until idle)
  modprobe -r NAME     remove a module, then its unused dependencies
  rmmod NAME           remove one module
  ... &                start the command's task without running it (see step, run)
  step                 run one scheduler step
  run                  run until idle
  ps                   tasks that have not finished
  lsmod                loaded modules and their users
  cat FILE             /proc/iomem, or an attribute under /sys
  ls [-l] [DIR]        list a directory of /sys (or /proc); -l shows link targets
  sysfs                the whole /sys/bus and /sys/devices view
  dmesg [-c]           the kernel log; -c prints what is new since the last -c, then clears
  owners               who owns each Soft Reserved range now
  help                 this text
  exit                 leave (also Ctrl-D)`;

const COMMANDS = ['cat', 'dmesg', 'exit', 'help', 'ls', 'lsmod', 'modprobe', 'owners', 'ps', 'rmmod', 'run', 'step', 'sysfs'];

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

  /** Run one command line; returns the text to print, or null for exit. */
  async exec(line: string): Promise<string | null> {
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return '';
    let background = false;
    if (words[words.length - 1] === '&') {
      background = true;
      words.pop();
    } else if (words[words.length - 1]!.endsWith('&')) {
      background = true;
      words[words.length - 1] = words[words.length - 1]!.slice(0, -1);
    }
    const [cmd, ...args] = words as [string, ...string[]];
    if (background && !['modprobe', 'rmmod'].includes(cmd)) return `kshim: ${cmd}: only modprobe and rmmod can run in the background`;
    switch (cmd) {
      case 'exit':
      case 'quit':
      case 'logout':
        return null;
      case 'help':
        return HELP;
      case 'modprobe': {
        const remove = args[0] === '-r' || args[0] === '--remove';
        const names = remove ? args.slice(1) : args;
        if (names.length !== 1) return 'usage: modprobe [-r] NAME';
        return await this.userTask(remove ? 'modprobe -r' : 'modprobe', async () => {
          await this.machine.modprobe.modprobe(names[0]!, { remove });
        }, background);
      }
      case 'rmmod': {
        if (args.length !== 1) return 'usage: rmmod NAME';
        return await this.userTask('rmmod', async () => this.rmmod(args[0]!), background);
      }
      case 'step':
        return await this.step();
      case 'run':
        return await this.runToIdle();
      case 'ps':
        return this.ps();
      case 'lsmod':
        return ['Module                  Used by', ...this.machine.loader.lsmod().map((l) => {
          const [name, count, users] = l.split(/\s+/);
          return `${name!.padEnd(24)}${count}${users ? ` ${users}` : ''}`;
        })].join('\n');
      case 'cat':
        return args.length === 0 ? 'usage: cat FILE' : args.map((a) => this.cat(a)).join('\n');
      case 'ls':
        return this.ls(args);
      case 'sysfs':
        return formatSysfs(this.k);
      case 'dmesg':
        return this.dmesg(args);
      case 'owners':
        return this.owners();
      default:
        return `kshim: ${cmd}: command not found (try help)`;
    }
  }

  /** What userspace printed, WARNs and the size of new dmesg output since the last report. */
  private report(outcome: RunOutcome | null): string[] {
    const out: string[] = [];
    for (const u of this.machine.modprobe.output.slice(this.seenUser)) out.push(u.text);
    out.push(...this.rmmodOutput.slice(this.seenRmmod));
    for (const w of this.k.panic.warnings.slice(this.seenWarn)) out.push(`[${w.time}] ${w.message}`);
    if (outcome !== null && outcome.status !== 'idle') out.push(outcome.deadlock?.message ?? outcome.runaway?.message ?? outcome.status);
    const n = this.k.log.records.length - this.seenLog;
    if (n > 0) out.push(`(${n} new dmesg line${n === 1 ? '' : 's'}; dmesg -c shows them)`);
    this.markSeen();
    return out;
  }

  private async rmmod(name: string): Promise<void> {
    const loader = this.machine.loader;
    const say = (text: string): void => {
      this.rmmodOutput.push(text);
    };
    const mod = name.replace(/-/g, '_');
    if (loader.isBuiltin(mod)) return say(`rmmod: ERROR: Module ${mod} is builtin.`);
    const err = await loader.delete_module(mod);
    if (err === -ENOENT) say(`rmmod: ERROR: Module ${mod} is not currently loaded`);
    else if (err === -EWOULDBLOCK) say(`rmmod: ERROR: Module ${mod} is in use${loader.holdersOf(mod).length ? ` by: ${loader.holdersOf(mod).join(' ')}` : ''}`);
    else if (err !== 0) say(`rmmod: ERROR: could not remove module ${mod}: ${strerror(err)}`);
  }

  /** Start a userspace task; unless in the background, run until idle and report. */
  private async userTask(comm: string, body: () => Promise<void>, background: boolean): Promise<string> {
    const t = this.k.sched.spawn(comm, 'user', body);
    if (background) return `[${t.pid}] ${comm}`;
    return (await this.runBudget(RUN_BUDGET)).join('\n');
  }

  private async runBudget(steps: number): Promise<string[]> {
    const sched = this.k.sched;
    sched.setMaxSteps(sched.stepCount + steps);
    let outcome: RunOutcome;
    try {
      outcome = await sched.run();
    } catch (e) {
      return [...this.report(null), `kshim: ${e instanceof Error ? e.message : String(e)}`];
    } finally {
      sched.setMaxSteps(sched.stepCount + RUN_BUDGET);
    }
    // A one-step budget always "runs away"; that is not news.
    return this.report(steps === 1 && outcome.status === 'runaway' ? null : outcome);
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

  private async step(): Promise<string> {
    if (this.runnable().length === 0) return 'nothing to run (idle)';
    const before = new Map(this.k.sched.allTasks().map((t) => [t, t.steps]));
    const n = this.k.sched.stepCount;
    const out = await this.runBudget(1);
    const ran = this.k.sched.allTasks().filter((t) => t.steps !== (before.get(t) ?? 0));
    const head = ran.map((t) => `step ${n + 1}: ${t} ran at ${formatTime(this.k.sched.now, 6)}, now ${this.describe(t)}`);
    const left = this.runnable().length;
    return [...head, ...out, left === 0 ? 'idle' : `${left} task${left === 1 ? '' : 's'} runnable`].join('\n');
  }

  private async runToIdle(): Promise<string> {
    if (this.runnable().length === 0) return 'nothing to run (idle)';
    const out = await this.runBudget(RUN_BUDGET);
    return [...out, `idle at ${formatTime(this.k.sched.now, 6)}`].join('\n');
  }

  private ps(): string {
    const rows = this.k.sched.allTasks().filter((t) => t.state !== 'done');
    return ['  PID COMM              STATE', ...rows.map((t) => `${String(t.pid).padStart(5)} ${t.comm.padEnd(17)} ${this.describe(t)}`)].join('\n');
  }

  private cat(path: string): string {
    const r = lookup(buildVfs(this.k), path);
    if (r === null) return `cat: ${path}: No such file or directory`;
    if (r.node.kind === 'dir') return `cat: ${path}: Is a directory`;
    if (r.node.kind === 'file') return r.node.read().replace(/\n$/, '');
    return `cat: ${path}: No such file or directory`;
  }

  private ls(args: string[]): string {
    const long = args.includes('-l');
    const paths = args.filter((a) => !a.startsWith('-'));
    const root = buildVfs(this.k);
    const out: string[] = [];
    for (const p of paths.length > 0 ? paths : ['/']) {
      const r = lookup(root, p);
      if (r === null) {
        out.push(`ls: cannot access '${p}': No such file or directory`);
        continue;
      }
      if (paths.length > 1) out.push(`${p}:`);
      if (r.node.kind === 'dir') out.push(...listDir(r.node, long));
      else out.push(p);
    }
    return out.join('\n');
  }

  private dmesg(args: string[]): string {
    const clear = args.includes('-c') || args.includes('--read-clear');
    const recs = this.k.log.records.slice(this.dmesgCleared);
    if (clear) this.dmesgCleared = this.k.log.records.length;
    this.seenLog = this.k.log.records.length;
    return recs.map((r) => `${formatTimestamp(r.time)} ${r.text}`).join('\n');
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

  /** readline completer: commands, module names, then paths for ls and cat. */
  complete(line: string): [string[], string] {
    const words = line.split(/\s+/);
    const cur = words[words.length - 1] ?? '';
    if (words.length <= 1) {
      const hits = COMMANDS.filter((c) => c.startsWith(cur));
      return [hits.length === 1 ? [hits[0]! + ' '] : hits, cur];
    }
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
    const root = buildVfs(this.k);
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
  readonly schedule?: string;
}

/** Boot the scenario and read commands until exit or end of input. */
export async function shellCommand(file: string, opts: ShellArgs): Promise<number> {
  const scenario = loadScenario(file, { tree: opts.tree, set: opts.set });
  const run = await runWithSchedule(file, scenario, opts);
  if (run.machine === null) {
    process.stdout.write(formatRun(run.result) + '\n');
    return 1;
  }
  const sh = new Shell(scenario, run);
  const input = process.stdin;
  const output = process.stdout;
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
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  output.write(sh.banner() + '\n');
  rl.prompt();
  for await (const line of rl) {
    let text: string | null;
    try {
      text = await sh.exec(line);
    } catch (e) {
      text = `kshim: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (text === null) break;
    if (text !== '') output.write(text + '\n');
    rl.prompt();
  }
  rl.close();
  return 0;
}
