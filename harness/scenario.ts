// SPDX-License-Identifier: GPL-2.0-only
/**
 * Scenario files: the tree, the configuration, the firmware tables, the
 * CXL regions the BIOS programmed, timing knobs and the steps to run, and
 * optionally a Type-2 accelerator driver (mocks/cxl/type2.ts).
 * Every problem is reported once, naming the file, the field and what is
 * wrong, so the CLI can print it and exit 2.
 */
import { loadKconfig, KconfigError, writtenSymbols, type Kconfig, type WrittenConfig } from '../framework/kconfig/index.js';
import { KCONFIG_ENV, KCONFIG_ENV_FILE } from '../framework/kconfig/texts/env.js';
import { FRAMEWORK_KNOBS } from '../framework/sim/timing.js';
import { KMOD_VERSION } from '../framework/userspace/modprobe.js';
import { firstDuplicateKey } from './json-keys.js';
import { closest, hintTree } from './suggest.js';
import { CXL_KNOBS } from '../mocks/cxl/mock_ops.js';
import type { AutoRegion, CfmwsWindow, SoftReservedRange } from '../mocks/platform/firmware.js';
import { ALL_TREES as TREES, lookupTree as findTree } from '../trees/registry.js';
import type { Tree } from '../trees/tree.js';
import { buildCatalog } from '../trees/catalog.js';
import { cmdlineProblem, moduleOptionsProblem } from './cmdline-check.js';

export type Tristate = 'y' | 'm' | 'n';

export type Step =
  | { readonly kind: 'boot' }
  | {
      readonly kind: 'modprobe';
      /** The module named (with -r, the first of them). */
      readonly module: string;
      readonly remove: boolean;
      readonly params?: string;
      /** With -r and several names: all of them, in order; one modprobe task removes them in turn, as kmod's modprobe -r NAME... does. */
      readonly modules?: readonly string[];
    };

export interface Scenario {
  /** Where it came from, for messages. */
  readonly file: string;
  readonly tree: Tree;
  readonly config: Readonly<Record<string, Tristate>>;
  readonly softReserved: readonly SoftReservedRange[];
  /** The file has no firmware.softReserved at all (an explicit [] means "none, on purpose"). */
  readonly softReservedOmitted?: boolean;
  readonly cfmws: readonly CfmwsWindow[];
  readonly regions: readonly AutoRegion[];
  readonly timing: Readonly<Record<string, number>>;
  readonly steps: readonly Step[];
  /** Modules packed into the initramfs. */
  readonly initramfs: readonly string[];
  /** The kernel command line; absent: none, and kshim prints every debug message (framework/lib/dynamic_debug.ts). */
  readonly cmdline?: string;
  /** Where `cmdline` came from, as a ScenarioError field: "cmdline" (the file's) or '--cmdline "..."'. */
  readonly cmdlineOrigin?: string;
  /** cxl_test's hmem_test=1: a second hmem_platform device. */
  readonly hmemTest: boolean;
  /** The userspace the boot runs: which kmod release modprobe and udev use. */
  readonly userspace: { readonly kmodVersion: number };
  /** A built-in Type-2 accelerator driver (mocks/cxl/type2.ts), or null. */
  readonly accelerator: { readonly probe: 'use' | 'defer' } | null;
  /** Another driver's device that probes asynchronously for `probe` ms at boot (mocks/platform/slow_async.ts), or null. */
  readonly asyncDevice?: { readonly probe: number } | null;
  /**
   * Where each value of `config` came from, for messages: "FILE: config.NAME"
   * (as the file spells it) or "--set NAME=v". A symbol missing here is
   * blamed on the file's config.
   */
  readonly configOrigin?: Readonly<Record<string, string>>;
}

/**
 * A problem with a scenario: "FILE: FIELD: PROBLEM". A field that is a
 * command-line option ("--tree", "--set NAME=v") is not in the file, so the
 * message names only the option.
 */
/** What the command line changes in a scenario file: --tree, --set SYM=v, --cmdline. */
export interface ScenarioOverrides {
  readonly tree?: string;
  readonly set?: Record<string, string>;
  readonly cmdline?: string;
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(field.startsWith('--') ? `${field}: ${problem}` : `${file}: ${field}: ${problem}`);
  }
}

/** The longest virtual time a scenario may ask for (a timing knob, a probe duration): one day, in milliseconds. */
export const MAX_MS = 86_400_000;

/** The highest kmod release a scenario may name. */
export const MAX_KMOD_VERSION = 1000;

const kconfigs = new Map<string, Kconfig>();

/** The Kconfig files of a tree that `--show config` lists, in the order the tree's Kconfig sources them. */
const TREE_KCONFIG_FILES = ['drivers/cxl/Kconfig', 'drivers/dax/Kconfig'] as const;

/** What .config holds of drivers/cxl and drivers/dax for these values: the symbols conf_write() would write, in definition order, and those it leaves out. */
export function dotConfigSymbols(tree: Tree, values: Readonly<Record<string, Tristate>>): WrittenConfig {
  return writtenSymbols(treeKconfig(tree), values, TREE_KCONFIG_FILES);
}

/** The parsed Kconfig of a tree (kshim/Kconfig.env, drivers/cxl, drivers/dax), shared by trees with the same texts. */
export function treeKconfig(tree: Tree): Kconfig {
  const key = tree.kconfig['drivers/cxl/Kconfig'] + '\0' + tree.kconfig['drivers/dax/Kconfig'];
  let kc = kconfigs.get(key);
  if (kc === undefined) {
    kc = loadKconfig([
      { file: KCONFIG_ENV_FILE, text: KCONFIG_ENV },
      { file: 'drivers/cxl/Kconfig', text: tree.kconfig['drivers/cxl/Kconfig'] },
      { file: 'drivers/dax/Kconfig', text: tree.kconfig['drivers/dax/Kconfig'] },
    ]);
    kconfigs.set(key, kc);
  }
  return kc;
}

let everySymbol: ReadonlySet<string> | undefined;

/**
 * The Kconfig symbols of every tree kshim knows: a scenario may name one
 * its own tree lacks (scenarios are run across trees), but a name no tree
 * has is a typo. A tree whose Kconfig does not parse is left out here; it
 * is reported when it is used.
 */
export function symbolsOfEveryTree(): ReadonlySet<string> {
  if (everySymbol === undefined) {
    const all = new Set<string>();
    for (const t of TREES) {
      try {
        for (const name of treeKconfig(t).symbols.keys()) all.add(name);
      } catch (e) {
        if (!(e instanceof KconfigError)) throw e;
      }
    }
    everySymbol = all;
  }
  return everySymbol;
}

/** Why `name` (without CONFIG_) is no Kconfig symbol of any tree, or undefined if some tree has it. */
export function unknownSymbolProblem(name: string): string | undefined {
  const all = symbolsOfEveryTree();
  if (all.has(name)) return undefined;
  if (name === '') return 'an empty symbol name; expected a Kconfig symbol such as CXL_REGION';
  const near = closest(name, all);
  return `not a Kconfig symbol of any tree${near !== undefined ? `; did you mean ${near}?` : ''} (kshim run FILE --show config lists the CXL/DAX symbols)`;
}

/**
 * Why `value` cannot be asked of `name` in `tree`: m of a bool. Kconfig
 * would quietly turn it into y ("symbol value 'm' invalid"), which is no
 * dependency at work but a request that cannot mean anything. Undefined
 * otherwise, and when the tree lacks the symbol or its Kconfig does not
 * parse (both are reported where the configuration is resolved).
 */
function boolAsModuleProblem(tree: Tree, name: string, value: Tristate): string | undefined {
  if (value !== 'm') return undefined;
  let type: string | undefined;
  try {
    type = treeKconfig(tree).symbols.get(name)?.type;
  } catch (e) {
    if (e instanceof KconfigError) return undefined;
    throw e;
  }
  return type === 'bool' ? `${name} is a bool in tree ${tree.name}, so it takes y or n, not m` : undefined;
}

/** Every timing knob a scenario may set. */
export function knownKnobs(): string[] {
  return [...FRAMEWORK_KNOBS, ...CXL_KNOBS].map((k) => k.name).sort();
}

const TOP_FIELDS = ['tree', 'config', 'firmware', 'cxl', 'timing', 'steps', 'initramfs', 'cmdline', 'hmemTest', 'userspace', 'accelerator', 'asyncDevice', 'description'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parse JSON text and validate it; throws ScenarioError. */
export function parseScenario(text: string, file: string, overrides: ScenarioOverrides = {}): Scenario {
  // Editors that save "UTF-8 with BOM" put U+FEFF first; it is no part of the JSON.
  const json = text.replace(/^\uFEFF/, '');
  if (json.trim() === '') throw new ScenarioError(file, '(file)', 'the file is empty; expected a JSON object such as { "tree": "mainline" }');
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ScenarioError(file, '(file)', `malformed JSON: ${jsonProblem((e as Error).message, json)}`);
  }
  const twice = firstDuplicateKey(json);
  if (twice !== null) throw new ScenarioError(file, twice.field, `given twice (again at line ${twice.line}, column ${twice.column}); JSON keeps only the last, so give it once`);
  return validateScenario(raw, file, overrides);
}

/** JSON.parse's message on one line (it quotes the text, newlines and all), with the line and column of a position. */
function jsonProblem(message: string, text: string): string {
  const one = message.replace(/\s*\n\s*/g, ' ');
  const at = /at position (\d+)/.exec(one);
  if (at === null || one.includes('line ')) return one;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${one} (line ${line}, column ${column})`;
}

export function validateScenario(raw: unknown, file: string, overrides: ScenarioOverrides = {}): Scenario {
  const fail = (field: string, problem: string): never => {
    throw new ScenarioError(file, field, problem);
  };
  if (!isObject(raw)) fail('(top level)', 'expected a JSON object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (TOP_FIELDS.includes(k)) continue;
    const near = closest(k, TOP_FIELDS);
    fail(k, `unknown field${near !== undefined ? ` (did you mean ${near}?)` : ''}; expected one of ${TOP_FIELDS.join(', ')}`);
  }
  /**
   * An optional field: undefined when the file leaves it out. null is not
   * "the default": the file says something it cannot mean, so it is an
   * error, with what the field takes.
   */
  const optional = (obj: Record<string, unknown>, key: string, field: string, expected: string): unknown => {
    const v = obj[key];
    if (v === null) fail(field, `${expected}, not null (leave the field out for the default)`);
    return v;
  };

  if (o['description'] !== undefined && typeof o['description'] !== 'string') fail('description', 'expected a string');

  // The file's tree is checked even when --tree overrides it: its type always, its name only when it is used
  // (a scenario written for a tree this checkout lacks runs on another with --tree).
  const fileTree = o['tree'];
  if (fileTree !== undefined && typeof fileTree !== 'string') fail('tree', `expected a string, one of ${TREES.map((t) => t.name).join(', ')}`);
  let tree: Tree | undefined;
  if (overrides.tree !== undefined) {
    tree = findTree(overrides.tree);
    if (tree === undefined) fail(`--tree ${overrides.tree}`, `unknown tree${hintTree(overrides.tree, TREES.map((t) => t.name))} (known: ${TREES.map((t) => t.name).join(', ')})`);
  } else {
    if (fileTree === undefined) fail('tree', `required; one of ${TREES.map((t) => t.name).join(', ')}`);
    tree = findTree(fileTree as string);
    if (tree === undefined) fail('tree', `unknown tree "${String(fileTree)}"${hintTree(String(fileTree), TREES.map((t) => t.name))}; known trees: ${TREES.map((t) => t.name).join(', ')} (kshim trees)`);
  }

  const config: Record<string, Tristate> = {};
  const configOrigin: Record<string, string> = {};
  const cfg = optional(o, 'config', 'config', 'expected an object of SYMBOL: "y" | "m" | "n"') ?? {};
  if (!isObject(cfg)) fail('config', 'expected an object of SYMBOL: "y" | "m" | "n"');
  const fileSeen = new Map<string, string>();
  for (const [key, v] of Object.entries(cfg as Record<string, unknown>)) {
    const field = key === '' ? 'config[""]' : `config.${key}`;
    const sym = key.replace(/^CONFIG_/, '');
    const problem = unknownSymbolProblem(sym);
    if (problem !== undefined) fail(field, problem);
    const earlier = fileSeen.get(sym);
    if (earlier !== undefined) fail(field, `the same symbol as config.${earlier}; give it once`);
    fileSeen.set(sym, key);
    if (v !== 'y' && v !== 'm' && v !== 'n') fail(field, `value ${JSON.stringify(v)} is not "y", "m" or "n"`);
    const notModule = boolAsModuleProblem(tree!, sym, v as Tristate);
    if (notModule !== undefined) fail(field, notModule);
    config[sym] = v as Tristate;
    configOrigin[sym] = `${file}: ${field}`;
  }
  const setSeen = new Map<string, string>();
  for (const [key, v] of Object.entries(overrides.set ?? {})) {
    const field = `--set ${key}=${v}`;
    const sym = key.replace(/^CONFIG_/, '');
    const problem = unknownSymbolProblem(sym);
    if (problem !== undefined) fail(field, problem);
    if (v !== 'y' && v !== 'm' && v !== 'n') fail(field, `value ${JSON.stringify(v)} is not y, m or n`);
    const notModule = boolAsModuleProblem(tree!, sym, v as Tristate);
    if (notModule !== undefined) fail(field, notModule);
    const earlier = setSeen.get(sym);
    if (earlier !== undefined && config[sym] !== v) fail(field, `contradicts --set ${earlier}=${config[sym]}`);
    setSeen.set(sym, key);
    config[sym] = v as Tristate;
    configOrigin[sym] = field;
  }

  const fw = optional(o, 'firmware', 'firmware', 'expected an object with softReserved and cfmws') ?? {};
  if (!isObject(fw)) fail('firmware', 'expected an object with softReserved and cfmws');
  const f = fw as Record<string, unknown>;
  for (const k of Object.keys(f)) if (k !== 'softReserved' && k !== 'cfmws') fail(`firmware.${k}`, 'unknown field; expected softReserved or cfmws');
  const softReserved = ranges(f['softReserved'], 'firmware.softReserved', fail, true).map((r) => ({ start: r.start, end: r.end, nid: r.nid ?? 0 }));
  const cfmws = ranges(f['cfmws'], 'firmware.cfmws', fail, false).map((r) => ({ start: r.start, end: r.end }));
  noOverlap(softReserved, 'firmware.softReserved', fail);
  noOverlap(cfmws, 'firmware.cfmws', fail);

  const cxl = optional(o, 'cxl', 'cxl', 'expected an object with regions') ?? {};
  if (!isObject(cxl)) fail('cxl', 'expected an object with regions');
  const c = cxl as Record<string, unknown>;
  for (const k of Object.keys(c)) if (k !== 'regions') fail(`cxl.${k}`, 'unknown field; expected regions');
  const rawRegions = optional(c, 'regions', 'cxl.regions', 'expected an array') ?? [];
  if (!Array.isArray(rawRegions)) fail('cxl.regions', 'expected an array');
  const regions: AutoRegion[] = (rawRegions as unknown[]).map((r, i) => {
    const field = `cxl.regions[${i}]`;
    if (!isObject(r)) fail(field, 'expected an object with start, end and assembly');
    const rr = r as Record<string, unknown>;
    for (const k of Object.keys(rr)) if (!['start', 'end', 'assembly', 'targets'].includes(k)) fail(`${field}.${k}`, 'unknown field; expected start, end, assembly, targets');
    const start = hex(rr['start'], `${field}.start`, fail);
    const end = hex(rr['end'], `${field}.end`, fail);
    if (end < start) fail(`${field}.end`, `end 0x${end.toString(16)} is below start 0x${start.toString(16)}`);
    const assembly = optional(rr, 'assembly', `${field}.assembly`, 'expected "commit" or "fail"') ?? 'commit';
    if (assembly !== 'commit' && assembly !== 'fail') fail(`${field}.assembly`, `${JSON.stringify(assembly)} is not "commit" or "fail"`);
    const targets = optional(rr, 'targets', `${field}.targets`, 'expected an integer from 1 to 16') ?? 2;
    if (typeof targets !== 'number' || !Number.isInteger(targets) || targets < 1 || targets > 16) fail(`${field}.targets`, 'expected an integer from 1 to 16');
    if (assembly === 'fail' && targets === 1) fail(`${field}.targets`, 'a region whose assembly fails needs at least 2 targets (one of them is missing)');
    if (!cfmws.some((w) => w.start <= start && w.end >= end)) fail(field, `region 0x${start.toString(16)}-0x${end.toString(16)} is outside every CXL window (firmware.cfmws)`);
    return { start, end, assembly: assembly as 'commit' | 'fail', targets: targets as number };
  });
  noOverlap(regions, 'cxl.regions', fail);

  const timing: Record<string, number> = {};
  const t = optional(o, 'timing', 'timing', 'expected an object of knob: milliseconds') ?? {};
  if (!isObject(t)) fail('timing', 'expected an object of knob: milliseconds');
  const knobs = knownKnobs();
  for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
    if (!knobs.includes(k)) {
      const near = closest(k, knobs);
      fail(`timing.${k}`, `unknown knob${near !== undefined ? ` (did you mean ${near}?)` : ''}; known knobs: ${knobs.join(', ')} (see kshim knobs)`);
    }
    timing[k] = milliseconds(v, `timing.${k}`, fail);
  }

  const rawSteps = optional(o, 'steps', 'steps', 'expected a non-empty array of steps') ?? ['boot'];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) fail('steps', 'expected a non-empty array of steps');
  const steps: Step[] = (rawSteps as unknown[]).map((s, i) => parseStep(s, `steps[${i}]`, fail));
  if (steps[0]!.kind !== 'boot') fail('steps[0]', 'the first step must be "boot"');
  steps.slice(1).forEach((s, i) => {
    if (s.kind === 'boot') fail(`steps[${i + 1}]`, '"boot" may only be the first step');
  });

  const initramfs = optional(o, 'initramfs', 'initramfs', 'expected an array of module names') ?? [];
  if (!Array.isArray(initramfs) || initramfs.some((m) => typeof m !== 'string')) fail('initramfs', 'expected an array of module names');
  const hmemTest = optional(o, 'hmemTest', 'hmemTest', 'expected true or false') ?? false;
  if (typeof hmemTest !== 'boolean') fail('hmemTest', 'expected true or false');
  const us = optional(o, 'userspace', 'userspace', 'expected an object such as { "kmodVersion": 19 }') ?? {};
  if (!isObject(us)) fail('userspace', 'expected an object such as { "kmodVersion": 19 }');
  for (const k of Object.keys(us as object)) if (k !== 'kmodVersion') fail(`userspace.${k}`, 'unknown field; expected kmodVersion');
  const kmodExpected = `expected a kmod release number from 1 to ${MAX_KMOD_VERSION}, such as 19 or ${KMOD_VERSION}`;
  const kmodVersion = optional(us as Record<string, unknown>, 'kmodVersion', 'userspace.kmodVersion', kmodExpected) ?? KMOD_VERSION;
  if (typeof kmodVersion !== 'number' || !Number.isInteger(kmodVersion) || kmodVersion < 1 || kmodVersion > MAX_KMOD_VERSION) fail('userspace.kmodVersion', kmodExpected);

  const acc = optional(o, 'accelerator', 'accelerator', 'expected an object such as { "probe": "defer" }');
  let accelerator: { probe: 'use' | 'defer' } | null = null;
  if (acc !== undefined) {
    if (!isObject(acc)) fail('accelerator', 'expected an object such as { "probe": "defer" }');
    for (const k of Object.keys(acc as object)) if (k !== 'probe') fail(`accelerator.${k}`, 'unknown field; expected probe');
    const probe = (acc as Record<string, unknown>)['probe'];
    if (probe !== 'use' && probe !== 'defer') fail('accelerator.probe', `${JSON.stringify(probe)} is not "use" or "defer"`);
    accelerator = { probe: probe as 'use' | 'defer' };
  }

  const ad = optional(o, 'asyncDevice', 'asyncDevice', 'expected an object such as { "probe": 200 } (milliseconds)');
  let asyncDevice: { probe: number } | null = null;
  if (ad !== undefined) {
    if (!isObject(ad)) fail('asyncDevice', 'expected an object such as { "probe": 200 } (milliseconds)');
    for (const k of Object.keys(ad as object)) if (k !== 'probe') fail(`asyncDevice.${k}`, 'unknown field; expected probe');
    asyncDevice = { probe: milliseconds((ad as Record<string, unknown>)['probe'], 'asyncDevice.probe', fail) };
  }

  // Module names as modprobe takes them ("cxl-acpi" is cxl_acpi); objects that are always built in are not modules.
  const catalog = buildCatalog(tree!, { hmemTest: hmemTest as boolean, accelerator, asyncDevice });
  const objects = catalog.filter((d) => d.config !== 'always').map((d) => d.name);

  const fileCmdline = optional(o, 'cmdline', 'cmdline', 'expected a string, the kernel command line');
  if (fileCmdline !== undefined && typeof fileCmdline !== 'string') fail('cmdline', 'expected a string, the kernel command line');
  const cmdline = overrides.cmdline ?? (fileCmdline as string | undefined);
  const cmdlineOrigin = overrides.cmdline !== undefined ? `--cmdline ${JSON.stringify(cmdline)}` : 'cmdline';
  if (cmdline !== undefined) {
    const problem = cmdlineProblem(cmdline, catalog);
    if (problem !== undefined) fail(cmdlineOrigin, problem);
  }
  const notAModule = (name: string): string => {
    const near = closest(name.replace(/-/g, '_'), objects);
    return `"${name}" is not a module of tree ${tree!.name}${near !== undefined ? ` (did you mean ${near}?)` : ''}; its modules: ${objects.join(', ')}`;
  };
  const initramfsModules = (initramfs as string[]).map((m) => m.replace(/-/g, '_'));
  initramfsModules.forEach((m, i) => {
    if (!objects.includes(m)) fail(`initramfs[${i}]`, notAModule((initramfs as string[])[i]!));
    const first = initramfsModules.indexOf(m);
    if (first < i) fail(`initramfs[${i}]`, `"${(initramfs as string[])[i]}" is listed twice (also initramfs[${first}])`);
  });
  steps.forEach((s, i) => {
    if (s.kind === 'modprobe') for (const name of s.modules ?? [s.module]) if (!objects.includes(name.replace(/-/g, '_'))) fail(`steps[${i}]`, notAModule(name));
    if (s.kind === 'modprobe' && s.params !== undefined) {
      const problem = moduleOptionsProblem(s.module.replace(/-/g, '_'), s.params, catalog);
      if (problem !== undefined) fail(`steps[${i}]`, problem);
    }
  });

  return {
    file,
    tree: tree!,
    config,
    softReserved,
    softReservedOmitted: f['softReserved'] === undefined,
    cfmws,
    regions,
    timing,
    steps,
    initramfs: initramfsModules,
    ...(cmdline !== undefined ? { cmdline, cmdlineOrigin } : {}),
    hmemTest: hmemTest as boolean,
    userspace: { kmodVersion: kmodVersion as number },
    accelerator,
    asyncDevice,
    configOrigin,
  };
}

/** A duration in milliseconds of virtual time: a number from 0 to a day. */
function milliseconds(v: unknown, field: string, fail: (f: string, p: string) => never): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return fail(field, 'expected a non-negative number of milliseconds');
  if (v > MAX_MS) return fail(field, `${v} ms is more than a day of virtual time; expected at most ${MAX_MS} ms`);
  return v;
}

function parseStep(s: unknown, field: string, fail: (f: string, p: string) => never): Step {
  if (typeof s !== 'string') return fail(field, 'expected a string such as "boot", "modprobe dax_cxl" or "modprobe -r dax_cxl"');
  const words = s.trim().split(/\s+/);
  if (words.length === 1 && words[0] === 'boot') return { kind: 'boot' };
  if (words[0] === 'modprobe' && words.length >= 2 && words[1] !== '-r') {
    // What follows the name is the module's options, split as the kernel splits them (quotes keep blanks).
    const params = s.trim().slice('modprobe'.length).trimStart().slice(words[1]!.length).trim();
    return { kind: 'modprobe', module: words[1]!, remove: false, ...(params !== '' ? { params } : {}) };
  }
  if (words[0] === 'modprobe' && words.length >= 3 && words[1] === '-r') return { kind: 'modprobe', module: words[2]!, remove: true, ...(words.length > 3 ? { modules: words.slice(2) } : {}) };
  if (words[0] === 'rmmod' && words.length === 2) return { kind: 'modprobe', module: words[1]!, remove: true };
  return fail(field, `unknown step ${JSON.stringify(s)}; expected "boot", "modprobe NAME [PARAM=VALUE ...]" or "modprobe -r NAME..."`);
}

interface RawRange {
  start: number;
  end: number;
  nid?: number;
}

function ranges(v: unknown, field: string, fail: (f: string, p: string) => never, withNid: boolean): RawRange[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(field, 'expected an array of { "start": "0x...", "end": "0x..." }');
  return (v as unknown[]).map((r, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(r)) fail(f, 'expected an object with start and end');
    const rr = r as Record<string, unknown>;
    const allowed = withNid ? ['start', 'end', 'nid'] : ['start', 'end'];
    for (const k of Object.keys(rr)) if (!allowed.includes(k)) fail(`${f}.${k}`, `unknown field; expected ${allowed.join(', ')}`);
    const start = hex(rr['start'], `${f}.start`, fail);
    const end = hex(rr['end'], `${f}.end`, fail);
    if (end < start) fail(`${f}.end`, `end 0x${end.toString(16)} is below start 0x${start.toString(16)}`);
    const out: RawRange = { start, end };
    if (withNid && rr['nid'] !== undefined) {
      const nid = rr['nid'];
      if (typeof nid !== 'number' || !Number.isInteger(nid) || nid < 0 || nid > 63) fail(`${f}.nid`, 'expected a node number from 0 to 63');
      out.nid = nid as number;
    }
    return out;
  });
}

function hex(v: unknown, field: string, fail: (f: string, p: string) => never): number {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]+$/.test(v)) return fail(field, `${JSON.stringify(v)} is not a "0x" hex string`);
  const n = Number.parseInt(v.slice(2), 16);
  if (!Number.isSafeInteger(n)) return fail(field, `${v} is beyond the 2^53 addresses kshim models`);
  return n;
}

function noOverlap(list: ReadonlyArray<{ start: number; end: number }>, field: string, fail: (f: string, p: string) => never): void {
  const sorted = list.map((r, i) => ({ ...r, i })).sort((a, b) => a.start - b.start);
  for (let j = 1; j < sorted.length; j++) {
    const a = sorted[j - 1]!;
    const b = sorted[j]!;
    if (b.start <= a.end) fail(`${field}[${b.i}]`, `overlaps ${field}[${a.i}] (0x${a.start.toString(16)}-0x${a.end.toString(16)})`);
  }
}

