// SPDX-License-Identifier: GPL-2.0-only
/**
 * Scenarios for the hmem.c port suites, built in the test: the cover
 * letter's 128 GiB Soft Reserved range under CXL Window 0, the modular
 * configuration of the QEMU reports, and a runner that boots a fresh
 * machine per call.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVfs, listDir, lookup } from '../../cli/sysfs.js';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import type { Kernel } from '../../framework/kernel.js';
import { runScenario, type Run } from '../../harness/run.js';
import { MODULAR as BASE_MODULAR } from '../../harness/expectations.js';
import { validateScenario, type Tristate } from '../../harness/scenario.js';

/** The cover letter's range: 0x850000000-0x284fffffff (128 GiB), also CXL Window 0. */
export const SR = { start: '0x850000000', end: '0x284fffffff' } as const;

/** Everything CXL and DAX built as a module. */
export const MODULAR: Readonly<Record<string, Tristate>> = { ...BASE_MODULAR, DEV_DAX_CXL: 'm' };

/**
 * cxl_acpi (and what it needs) in the initramfs: the CXL windows exist
 * before the real root is mounted and udev loads dax_hmem, so CXL
 * ownership does not depend on which of udev's concurrent loads wins.
 */
export const CXL_ACPI_EARLY = ['cxl_core', 'cxl_port', 'cxl_acpi'];

export interface ScenarioInput {
  tree: string;
  config?: Record<string, Tristate>;
  softReserved?: Array<{ start: string; end: string; nid?: number }>;
  cfmws?: Array<{ start: string; end: string }>;
  regions?: Array<{ start: string; end: string; assembly?: 'commit' | 'fail' }>;
  initramfs?: string[];
  steps?: string[];
}

/** Validate a scenario object the way a scenario file is validated, then run it on a fresh machine. */
export async function run(input: ScenarioInput): Promise<Run> {
  const raw = {
    tree: input.tree,
    config: input.config ?? {},
    firmware: { softReserved: input.softReserved ?? [], cfmws: input.cfmws ?? [] },
    cxl: { regions: input.regions ?? [] },
    initramfs: input.initramfs ?? [],
    steps: input.steps ?? ['boot'],
  };
  const r = await runScenario(validateScenario(raw, `test scenario on ${input.tree}`));
  expect(r.result.build.errors, 'build errors').to.deep.equal([]);
  for (const o of r.outcomes) expect(o.status, 'every step runs to idle').to.equal('idle');
  return r;
}

/** The cover letter's machine: one Soft Reserved range on node 1 exactly covered by CXL Window 0. */
export function coverLetter(tree: string, more: Omit<ScenarioInput, 'tree'> = {}): ScenarioInput {
  return {
    tree,
    softReserved: [{ ...SR, nid: 1 }],
    cfmws: [{ ...SR }],
    ...more,
  };
}

/** The dmesg lines that contain `text`, without their timestamps. */
export function lines(r: Run, text: string | RegExp): string[] {
  const all = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
  return typeof text === 'string' ? all.filter((l) => l.includes(text)) : all.filter((l) => text.test(l));
}

/** Index of the first dmesg line containing `text`, or -1. */
export function at(r: Run, text: string): number {
  return r.result.dmesg.findIndex((l) => l.includes(text));
}

/** The owner of the single Soft Reserved range. */
export function owner(r: Run): string | null {
  expect(r.result.softReserved).to.have.length(1);
  return r.result.softReserved[0]!.owner;
}

/** /proc/iomem as lines, with the indentation that shows nesting. */
export function iomem(r: Run): string[] {
  return r.result.iomem.split('\n').filter((l) => l.length > 0);
}

/** How the hmem_platform host prints a range with dev_dbg (%pr of a busy "HMEM devices" child). */
export const PR_SR = '[mem 0x850000000-0x284fffffff flags 0x80000200]';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A shipped scenario (scenarios/FILE), its steps replaced when given, booted with these faults. */
export async function shippedScenario(file: string, steps?: string[], faults: FaultRule[] = []): Promise<Run> {
  const raw = JSON.parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8')) as Record<string, unknown>;
  if (steps) raw.steps = steps;
  return runScenario(validateScenario(raw, file), { faults });
}

/** `cat PATH` in the sysfs view: the text without its newline, null when unreadable (write-only, or a show() error), undefined when missing. */
export function sysfsCat(k: Kernel, path: string): string | null | undefined {
  const r = lookup(buildVfs(k), path);
  if (r === null || r.node.kind !== 'file') return undefined;
  return r.node.read();
}

/** `ls PATH` in the sysfs view, null when it is not a directory. */
export function sysfsLs(k: Kernel, path: string): string[] | null {
  const r = lookup(buildVfs(k), path);
  return r !== null && r.node.kind === 'dir' ? listDir(r.node) : null;
}
