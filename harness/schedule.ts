// SPDX-License-Identifier: GPL-2.0-only
/**
 * Schedule ids: a run is described by its time mode and the answers it
 * gave at choice points. Only deviations from the default (index 0) are
 * written, so the default run is "t." and a run that picked candidate 2 at
 * choice point 17 and candidate 1 at 40 is "t.h2.141" (index and answer in
 * base 36, pairs joined by "." with the answer's length as the pair's
 * first character).
 */
import type { TimeMode } from '../framework/sim/scheduler.js';

export interface ScheduleSpec {
  readonly timeMode: TimeMode;
  /** Choice-point index to the candidate picked there (non-zero only). */
  readonly deviations: ReadonlyMap<number, number>;
}

export function encodeSchedule(timeMode: TimeMode, choices: readonly number[]): string {
  const parts: string[] = [];
  choices.forEach((c, i) => {
    if (c !== 0) {
      const idx = i.toString(36);
      const ans = c.toString(36);
      parts.push(`${ans.length}${idx}${ans}`);
    }
  });
  return `${timeMode === 'untimed' ? 'u' : 't'}.${parts.join('.')}`;
}

/** A schedule id that does not parse: which id, and what is wrong with it. */
export class ScheduleIdError extends Error {
  constructor(
    readonly id: string,
    readonly problem: string,
  ) {
    super(`schedule id ${JSON.stringify(id)}: ${problem}`);
  }
}

export function decodeSchedule(id: string): ScheduleSpec {
  const m = /^([tu])\.(.*)$/.exec(id.trim());
  if (m === null) throw new ScheduleIdError(id, 'malformed: expected "t." or "u." followed by choices, as printed by kshim run or explore');
  const deviations = new Map<number, number>();
  if (m[2] !== '') {
    for (const part of m[2]!.split('.')) {
      const len = Number.parseInt(part[0] ?? '', 36);
      const idx = part.slice(1, part.length - len);
      const ans = part.slice(part.length - len);
      if (!(len > 0) || idx === '' || ans === '' || !/^[0-9a-z]+$/.test(idx + ans)) throw new ScheduleIdError(id, `bad choice "${part}"`);
      deviations.set(Number.parseInt(idx, 36), Number.parseInt(ans, 36));
    }
  }
  return { timeMode: m[1] === 'u' ? 'untimed' : 'timed', deviations };
}
