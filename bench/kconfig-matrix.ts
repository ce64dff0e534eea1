// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig matrix sweep benchmark: for each state of the series (its
 * drivers/dax/Kconfig with the matching code) and DEV_DAX=y and m, every
 * assignment of the eight CXL/DAX symbols, keeping the ones Kconfig accepts
 * and running the link check on each. Wall-clock time is read here only to
 * report it; it never feeds the simulation.
 */
import { cxlDaxObjects, type CodeState } from '../framework/kconfig/cxl_dax_link.js';
import { sweepValid } from '../framework/kconfig/enumerate.js';
import { linkCheck } from '../framework/kconfig/link.js';
import { CXL_DAX_SYMBOLS, loadCxlDaxKconfig, type KconfigVariant } from '../framework/kconfig/texts/index.js';

/** One row of the sweep: a Kconfig state, its code, DEV_DAX, and what was found. */
export interface MatrixRow {
  readonly variant: KconfigVariant;
  readonly code: CodeState;
  readonly devDax: 'y' | 'm';
  readonly valid: number;
  readonly linkFailures: number;
}

/** The result of a full sweep and how long it took. */
export interface MatrixSweep {
  readonly rows: MatrixRow[];
  /** Parse, check and compile of the three Kconfig trees. */
  readonly loadMs: number;
  /** Enumeration plus link checks over all six sweeps. */
  readonly sweepMs: number;
}

/** Each Kconfig state with the code it shipped with. */
export const MATRIX_STATES: readonly (readonly [KconfigVariant, CodeState])[] = [
  ['base', 'pre-series'],
  ['v8-3', 'v8'],
  ['mainline', 'mainline'],
];

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs the full sweep once (parsing included) and reports counts and timings. */
export function matrixSweep(): MatrixSweep {
  const t0 = nowMs();
  const trees = MATRIX_STATES.map(([variant, code]) => ({ variant, code, kconfig: loadCxlDaxKconfig(variant) }));
  const t1 = nowMs();
  const rows: MatrixRow[] = [];
  for (const { variant, code, kconfig } of trees) {
    for (const devDax of ['y', 'm'] as const) {
      let linkFailures = 0;
      const valid = sweepValid(kconfig, CXL_DAX_SYMBOLS, { DAX: 'y', DEV_DAX: devDax }, (cfg) => {
        if (!linkCheck(cxlDaxObjects(code, (s) => cfg.get(s))).ok) linkFailures++;
      });
      rows.push({ variant, code, devDax, valid, linkFailures });
    }
  }
  return { rows, loadMs: t1 - t0, sweepMs: nowMs() - t1 };
}

/** Milliseconds for one full sweep, parse and link checks included. */
export function matrixSweepMs(): number {
  const r = matrixSweep();
  return r.loadMs + r.sweepMs;
}
