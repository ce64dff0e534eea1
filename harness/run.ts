// SPDX-License-Identifier: GPL-2.0-only
/**
 * Running a scenario: resolve the configuration with Kconfig, link-check
 * the objects it builds, boot a fresh machine with the firmware and the
 * mocked CXL platform, run the steps, and report what a kernel developer
 * looks at: who owns each Soft Reserved range, the dax regions, /proc/iomem,
 * WARNs, leaks and dmesg, with the id that replays the run.
 */
import { parse_args } from '../framework/init/cmdline.js';
import { olddefconfig, linkCheck, type Adjustment } from '../framework/kconfig/index.js';
import { createMachine, type Machine } from '../framework/machine.js';
import { KernelImage } from '../framework/image.js';
import { TaskCrash, type RunOutcome, type TimeMode } from '../framework/sim/scheduler.js';
import { DefaultStrategy, DeviationStrategy, type SchedulingStrategy } from '../framework/sim/strategy.js';
import type { device } from '../framework/include/linux/device.js';
import { CxlMockOps, cxlMockOpsModule } from '../mocks/cxl/mock_ops.js';
import { Firmware, firmwareModule } from '../mocks/platform/firmware.js';
import { dax_region } from '../drivers/dax/dax-private.h.js';
import { buildCatalog } from '../trees/catalog.js';
import { hex as hexDigits } from '../framework/lib/hex.js';
import { hmemTestRange, install_hmem_test_wraps } from '../mocks/cxl/hmem_test.js';
import { SYSCALL_FRAMES } from '../framework/kernel/kmod.js';
import type { FaultRule } from '../framework/kernel/fail_function.js';
import type { ModuleDef } from '../framework/kernel/module/types.js';
import type { Tree } from '../trees/tree.js';
import { encodeSchedule, type ScheduleSpec } from './schedule.js';
import { ScenarioError, treeKconfig, type Scenario, type Tristate } from './scenario.js';
import { asyncProbeDriversProblem } from './cmdline-check.js';

/** The root symbols kshim turns on before a scenario's own values: a kernel with CXL and DAX support. */
export const BASELINE_CONFIG: Readonly<Record<string, Tristate>> = { CXL_BUS: 'y', DAX: 'y', DEV_DAX: 'y' };

/**
 * The drivers that can own a Soft Reserved range, by the names the outcome
 * signature gives them (liveDaxRegions() maps the hmem and cxl_dax_region
 * drivers to them); a range nobody took has the owner null, "none" in a
 * signature.
 */
export const OWNERS = ['dax_hmem', 'dax_cxl'] as const;

export type Owner = (typeof OWNERS)[number] | null;

export interface RangeOwner {
  readonly start: string;
  readonly end: string;
  readonly owner: Owner;
}

export interface DaxRegionInfo {
  readonly id: number;
  readonly start: string;
  readonly end: string;
  readonly owner: Owner;
  readonly path: string;
}

export interface RunResult {
  readonly tree: string;
  readonly config: { readonly values: Record<string, Tristate>; readonly adjusted: Adjustment[]; readonly unknown: string[] };
  readonly build: { readonly ok: boolean; readonly errors: string[] };
  readonly softReserved: RangeOwner[];
  readonly daxRegions: DaxRegionInfo[];
  readonly iomem: string;
  readonly warnings: Array<{ function: string; message: string; time: string }>;
  readonly leaks: string[];
  readonly dmesg: string[];
  readonly schedule: string;
}

export interface RunOptions {
  /** Who answers choice points (default: the default strategy). */
  readonly strategy?: SchedulingStrategy;
  readonly timeMode?: TimeMode;
  /** Record per-step footprints for partial-order reduction. */
  readonly recordSteps?: boolean;
  /** Step budget of the runaway guard. */
  readonly maxSteps?: number;
  /** Record the timeline (sched.trace). */
  readonly trace?: boolean;
  /** Keep where each task blocked, for the call traces of the hung-task report (single runs; the explorer goes without). */
  readonly blockStacks?: boolean;
  /**
   * Power the machine off when the run ends: its container is emptied (a
   * machine of the kernel image drops the services it kept), so
   * `machine.get()` no longer works, but its objects stay readable. For
   * callers that keep only the result (explorer, bench): nothing of a
   * powered-off machine outlives the run (docs/performance.md).
   */
  readonly powerOff?: boolean;
  /** Fault injection rules active from the start (fail_function style). */
  readonly faults?: readonly FaultRule[];
  /** More objects after the tree's, in link order (a test's own drivers). */
  readonly extraModules?: readonly ModuleDef[];
  /**
   * Resolve the machine from the process's kernel image instead of building
   * a container of its own (framework/image.ts): the same machine, without
   * inversify's cost per container. For callers that boot thousands of
   * machines (explorer, bench).
   */
  readonly fromImage?: boolean;
}

/** A modprobe step of a scenario as userspace saw it: the command, its exit status and what it printed. */
export interface StepReport {
  /** The step as modprobe runs it: "modprobe dax_cxl", "modprobe -r dax_cxl". */
  readonly command: string;
  readonly exit: number;
  readonly output: string[];
}

/** Everything a run leaves behind: the JSON result, the machine for further views, and how it ended. */
export interface Run {
  readonly result: RunResult;
  readonly machine: Machine | null;
  readonly outcomes: RunOutcome[];
  readonly choices: readonly number[];
  /** The steps after boot, in order (not part of the JSON result). */
  readonly steps?: readonly StepReport[];
}

export interface ResolvedConfig {
  readonly values: Record<string, Tristate>;
  readonly adjusted: Adjustment[];
  readonly unknown: string[];
}

/** A small cache for what a scenario determines alone (its configuration, its link check). */
class Memo<V> {
  private readonly map = new Map<string, V>();
  get(key: string, compute: () => V): V {
    let v = this.map.get(key);
    if (v === undefined) {
      if (this.map.size >= 256) this.map.clear();
      v = compute();
      this.map.set(key, v);
    }
    return v;
  }
}

const configMemo = new Memo<ResolvedConfig>();
const treeIds = new WeakMap<Tree, number>();
let nextTreeId = 1;
/** Trees are keyed by identity: a tree a user derives may reuse a name. */
function treeKey(tree: Tree): string {
  let id = treeIds.get(tree);
  if (id === undefined) treeIds.set(tree, (id = nextTreeId++));
  return `${tree.name}#${id}`;
}
/**
 * Link checks per configuration values, then per the rest of what the build
 * depends on. The values are keyed by identity: a machine's KernelConfig
 * freezes them, and resolveConfig() hands out the same object for the same
 * request, so the key needs no rendering of them per boot.
 */
const buildMemos = new WeakMap<Readonly<Record<string, Tristate>>, Memo<ReturnType<typeof linkCheck>>>();

function buildMemo(values: Readonly<Record<string, Tristate>>): Memo<ReturnType<typeof linkCheck>> {
  let memo = buildMemos.get(values);
  if (memo === undefined) buildMemos.set(values, (memo = new Memo()));
  return memo;
}

/** olddefconfig of the tree's Kconfig over BASELINE_CONFIG and the requested values. */
export function resolveConfig(tree: Tree, requested: Readonly<Record<string, Tristate>>): ResolvedConfig {
  return configMemo.get(`${treeKey(tree)}\0${JSON.stringify(requested)}`, () => resolveConfigUncached(tree, requested));
}

function resolveConfigUncached(tree: Tree, requested: Readonly<Record<string, Tristate>>): ResolvedConfig {
  const kc = treeKconfig(tree);
  const r = olddefconfig(kc, { ...BASELINE_CONFIG, ...requested });
  const adjusted = r.adjusted.filter((a) => a.symbol in requested);
  return { values: r.values, adjusted, unknown: r.unknown };
}

function hex(n: number): string {
  return `0x${hexDigits(n)}`;
}

/** The mocked platform every scenario's machine has: its firmware tables and cxl_test's ops. */
const PLATFORM_MODULES = [firmwareModule, cxlMockOpsModule];

/** The process's kernel image of scenario machines, made on first use; it keeps the services machineFor() gets. */
let platformImage: KernelImage | null = null;

/** A fresh machine for a scenario: configuration, catalogue, firmware, timing. */
export function machineFor(scenario: Scenario, config: Readonly<Record<string, Tristate>>, opts: RunOptions = {}): Machine {
  const strategy = opts.strategy ?? new DefaultStrategy();
  const machineOpts = {
    scheduler: { strategy, timeMode: opts.timeMode ?? 'timed', recordSteps: opts.recordSteps ?? false, maxSteps: opts.maxSteps, trace: opts.trace ?? false, blockStacks: opts.blockStacks ?? false },
    config,
    cmdline: scenario.cmdline,
  };
  const m = opts.fromImage === true ? (platformImage ??= new KernelImage(PLATFORM_MODULES, [CxlMockOps, Firmware])).boot(machineOpts) : createMachine({ ...machineOpts, modules: PLATFORM_MODULES });
  (strategy as { attach?: (s: Machine['kernel']['sched']) => void }).attach?.(m.kernel.sched);
  const ops = m.get(CxlMockOps);
  const fw = m.get(Firmware);
  fw.tables = { softReserved: scenario.softReserved, cfmws: scenario.cfmws, regions: scenario.regions, hmemTest: scenario.hmemTest, accelerator: scenario.accelerator, asyncDevice: scenario.asyncDevice };
  for (const [k, v] of Object.entries(scenario.timing)) m.timing.set(k, v);
  m.modprobe.kmodVersion = scenario.userspace.kmodVersion;
  m.loader.setPlatformApi({ cxl_mock_ops: ops, platform_firmware: fw });
  const catalog = buildCatalog(scenario.tree, fw.tables);
  m.loader.setCatalog(opts.extraModules?.length ? [...catalog, ...opts.extraModules] : catalog);
  if (scenario.hmemTest) install_hmem_test_wraps(m.loader, fw, m.kernel.base.core);
  for (const f of opts.faults ?? []) m.kernel.faults.add(f);
  return m;
}

/** What driverNames() found per catalogue (null: the discovery boot crashed, so nothing is known). */
const driverMemo = new WeakMap<readonly ModuleDef[], Promise<readonly string[] | null>>();

/**
 * The names of the drivers the objects of `scenario`'s tree register
 * (drv->name, as /sys/bus/{bus}/drivers/ lists them): what
 * driver_async_probe= can name. A port declares its drivers only in code
 * (built in create(), registered by an initcall or a work item), so this
 * boots the catalogue once with every object built in, no firmware and no
 * command line, and reads the drivers off the buses: a few milliseconds,
 * once per catalogue. Null when that boot crashed (a port with a bug):
 * the names are then unknown, and not checked.
 */
export async function driverNames(scenario: Scenario, extraModules: readonly ModuleDef[] = []): Promise<readonly string[] | null> {
  const catalog = buildCatalog(scenario.tree, scenario);
  if (extraModules.length > 0) return await discoverDrivers(scenario, extraModules);
  let names = driverMemo.get(catalog);
  if (names === undefined) driverMemo.set(catalog, (names = discoverDrivers(scenario, [])));
  return await names;
}

async function discoverDrivers(scenario: Scenario, extraModules: readonly ModuleDef[]): Promise<readonly string[] | null> {
  const objects = [...buildCatalog(scenario.tree, scenario), ...extraModules].filter((d) => d.config !== 'always');
  const everyObject: Record<string, Tristate> = Object.fromEntries(objects.map((d) => [d.config, 'y']));
  // Kconfig's values for what the objects' Makefile conditions read (CXL_REGION), then every object built in, whatever Kconfig allowed.
  const known = Object.fromEntries(Object.entries(everyObject).filter(([sym]) => treeKconfig(scenario.tree).symbols.has(sym)));
  const values = { ...resolveConfig(scenario.tree, known).values, ...everyObject };
  const bare: Scenario = {
    file: scenario.file,
    tree: scenario.tree,
    config: {},
    softReserved: [],
    cfmws: [],
    regions: [],
    timing: {},
    steps: [{ kind: 'boot' }],
    initramfs: [],
    hmemTest: scenario.hmemTest,
    userspace: scenario.userspace,
    accelerator: scenario.accelerator,
    asyncDevice: scenario.asyncDevice ?? null,
  };
  const m = machineFor(bare, values, { extraModules });
  try {
    await m.bootToIdle();
  } catch (e) {
    if (e instanceof TaskCrash) return null;
    throw e;
  }
  const names = new Set<string>();
  for (const bus of m.kernel.base.bus.buses) for (const drv of bus.p?.drivers ?? []) names.add(drv.name);
  m.powerOff();
  return [...names].sort();
}

/** Run a scenario to the end of its last step. */
export async function runScenario(scenario: Scenario, opts: RunOptions = {}): Promise<Run> {
  // driver_async_probe= names drivers, which only a boot tells: checked here, before this one.
  if (scenario.cmdline?.includes('driver_async_probe') === true) {
    const drivers = await driverNames(scenario, opts.extraModules);
    const modules = [...buildCatalog(scenario.tree, scenario), ...(opts.extraModules ?? [])].filter((d) => d.config !== 'always').map((d) => d.name);
    const problem = drivers === null ? undefined : asyncProbeDriversProblem(scenario.cmdline, drivers, modules);
    if (problem !== undefined) throw new ScenarioError(scenario.file, scenario.cmdlineOrigin ?? 'cmdline', problem);
  }
  const timeMode = opts.timeMode ?? 'timed';
  const cfg = resolveConfig(scenario.tree, scenario.config);
  if (cfg.values['EFI_SOFT_RESERVE'] === 'n' && scenario.softReserved.length > 0) {
    // Without it the EFI stub gives EFI_MEMORY_SP memory to the page allocator at boot: System RAM, not Soft Reserved.
    // Where it was asked for: "FILE: config.EFI_SOFT_RESERVE" or "--set EFI_SOFT_RESERVE=n".
    const asked = scenario.configOrigin?.['EFI_SOFT_RESERVE']?.replace(`${scenario.file}: `, '');
    throw new ScenarioError(scenario.file, asked ?? 'config', `EFI_SOFT_RESERVE is n${asked === undefined ? ' (a symbol it depends on is off)' : ''}: the kernel would then boot the firmware.softReserved ranges as System RAM, which kshim does not model; keep EFI_SOFT_RESERVE=y, or give no softReserved ranges`);
  }
  const m = machineFor(scenario, cfg.values, opts);
  const build = buildMemo(cfg.values).get(`${treeKey(scenario.tree)}\0${scenario.hmemTest}\0${scenario.accelerator?.probe ?? ''}\0${scenario.asyncDevice ? 'async' : ''}`, () => linkCheck(m.loader.linkObjects()));
  if (!build.ok) {
    return {
      result: {
        tree: scenario.tree.name,
        config: cfg,
        build: { ok: false, errors: build.errors },
        softReserved: scenario.softReserved.map((r) => ({ start: hex(r.start), end: hex(r.end), owner: null })),
        daxRegions: [],
        iomem: '',
        warnings: [],
        leaks: [],
        dmesg: [],
        schedule: encodeSchedule(timeMode, []),
      },
      machine: null,
      outcomes: [],
      choices: [],
      steps: [],
    };
  }
  m.get(Firmware).apply();
  const outcomes: RunOutcome[] = [];
  const steps: StepReport[] = [];
  try {
    for (const step of scenario.steps) {
      if (step.kind === 'boot') outcomes.push(await m.bootToIdle({ initramfs: scenario.initramfs }));
      else {
        // What the step's own task printed is the step's output.
        const seen = m.modprobe.output.length;
        const names = step.modules ?? [step.module];
        const r = names.length > 1 ? await removeInTurn(m, names) : await m.userModprobe(step.module, step.remove, parse_args(step.params ?? ''));
        outcomes.push(r.outcome);
        const output = m.modprobe.output.slice(seen).filter((l) => l.pid === r.pid).map((l) => l.text);
        steps.push({ command: ['modprobe', ...(step.remove ? ['-r'] : []), ...names, ...(step.params !== undefined ? [step.params] : [])].join(' '), exit: r.exit, output });
      }
    }
  } catch (e) {
    // A crash that is not a kernel oops: keep the id of the schedule that reached it, for a replay.
    if (e instanceof TaskCrash) e.schedule = encodeSchedule(timeMode, m.kernel.sched.choices);
    throw e;
  }
  const run = { result: collect(scenario, m, cfg, timeMode), machine: m, outcomes, choices: m.kernel.sched.choices.slice(), steps };
  if (opts.powerOff) m.powerOff();
  return run;
}

/**
 * `modprobe -r A B ...` as kmod runs it (rmmod_all()): one task removes
 * each module in turn, with its unused dependencies, and goes on after one
 * fails; exit 1 if any did. Nothing waits in between, so what a removal
 * leaves pending (a delayed release) is still pending at the next one.
 * Then run until idle, as Machine.userModprobe() does for one name.
 */
async function removeInTurn(m: Machine, names: readonly string[]): Promise<{ exit: number; outcome: RunOutcome; pid: number }> {
  let exit = -1;
  const t = m.kernel.sched.spawn('modprobe', 'user', async () => {
    exit = 0;
    for (const name of names) exit = Math.max(exit, await m.modprobe.modprobe(name, { remove: true }));
  });
  t.baseFrames = SYSCALL_FRAMES;
  const outcome = await m.kernel.sched.run();
  return { exit, outcome, pid: t.pid };
}

/** The strategy that replays a schedule id. */
export function strategyFor(spec: ScheduleSpec): DeviationStrategy {
  return new DeviationStrategy(spec.deviations);
}

/** The dax regions alive in the machine: drvdata of a bound parent device. */
export function liveDaxRegions(m: Machine): Array<{ region: dax_region; parent: device; owner: Owner }> {
  const out: Array<{ region: dax_region; parent: device; owner: Owner }> = [];
  for (const dev of m.kernel.base.core.allDevices) {
    if (!dev.state_in_sysfs || !(dev.driver_data instanceof dax_region) || dev.driver === null) continue;
    const drv = dev.driver.name;
    out.push({ region: dev.driver_data, parent: dev, owner: drv === 'hmem' ? 'dax_hmem' : drv === 'cxl_dax_region' ? 'dax_cxl' : null });
  }
  return out.sort((a, b) => a.region.res.start - b.region.res.start || a.region.id - b.region.id);
}

function collect(scenario: Scenario, m: Machine, cfg: ResolvedConfig, timeMode: TimeMode): RunResult {
  const k = m.kernel;
  const regions = liveDaxRegions(m);
  // The firmware's ranges, then the one cxl_test's hmem_test hands hmem_platform.1 (which hmem decides like any other).
  const test = scenario.hmemTest ? hmemTestRange(m.get(Firmware)) : null;
  const ranges = test === null ? scenario.softReserved : [...scenario.softReserved, { start: test.start, end: test.end }];
  const softReserved = ranges.map((sr) => {
    const covering = regions.filter((r) => r.region.res.start <= sr.start && r.region.res.end >= sr.end);
    return { start: hex(sr.start), end: hex(sr.end), owner: covering.length > 0 ? covering[0]!.owner : null };
  });
  const leaks = [...k.leaks(), ...m.loader.leaks].map((l) => l.what);
  const iomem = k.resources.proc_iomem();
  const head = {
    tree: scenario.tree.name,
    config: cfg,
    build: { ok: true, errors: [] },
    softReserved,
    daxRegions: regions.map((r) => ({
      id: r.region.id,
      start: hex(r.region.res.start),
      end: hex(r.region.res.end),
      owner: r.owner,
      path: k.base.core.sysfsPath(r.parent),
    })),
    iomem,
    warnings: k.panic.warnings.map((w) => ({ function: w.function, message: w.message, time: w.time })),
    leaks,
  };
  return withLazyDmesg(head, k.log.deferredLines(), encodeSchedule(timeMode, k.sched.choices));
}

/** Where a result keeps what its dmesg is rendered from; a symbol key that is not enumerable, so JSON and spreads never see it. */
const DMESG = Symbol('dmesg');

interface DeferredDmesg {
  readonly render: () => string[];
  lines: string[] | null;
}

/** The getter of RunResult.dmesg: one function for the whole process, reading its state from the result. */
function renderedDmesg(this: { readonly [DMESG]: DeferredDmesg }): string[] {
  const d = this[DMESG];
  return (d.lines ??= d.render());
}

/**
 * The result with dmesg rendered when first read (the explorer never reads
 * it). V8 keeps the accessor in its old generation: were the getter a
 * closure made per result, that old object would point at the young log
 * and keep every finished boot's log alive through young-generation GCs.
 * With one getter per process the accessor points at nothing young; the
 * log hangs off the result itself (docs/performance.md).
 */
function withLazyDmesg(head: Omit<RunResult, 'dmesg' | 'schedule'>, render: () => string[], schedule: string): RunResult {
  // Field by field, in the order of RunResult. Adding dmesg as a new property, not redefining
  // one, keeps the object in V8's fast mode; schedule then goes after it.
  const r = {
    tree: head.tree,
    config: head.config,
    build: head.build,
    softReserved: head.softReserved,
    daxRegions: head.daxRegions,
    iomem: head.iomem,
    warnings: head.warnings,
    leaks: head.leaks,
  } as Omit<RunResult, 'dmesg' | 'schedule'> & { dmesg: string[]; schedule: string };
  Object.defineProperty(r, DMESG, { value: { render, lines: null } satisfies DeferredDmesg });
  Object.defineProperty(r, 'dmesg', { get: renderedDmesg, enumerable: true, configurable: true });
  r.schedule = schedule;
  return r;
}
