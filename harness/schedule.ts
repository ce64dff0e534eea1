// SPDX-License-Identifier: GPL-2.0-only
/**
 * Schedule ids: a run is described by its time mode and the answers it
 * gave at choice points. Only deviations from the default (answer 0) are
 * written, in choice-point order, so the default timed run is "t.". Each
 * deviation is one field: the number of base-36 digits of the answer, then
 * the choice point's index in base 36, then the answer in base 36; fields
 * are joined by ".". A run that picked candidate 2 at choice point 17 and
 * candidate 1 at choice point 40 is "t.1h2.1141": "1h2" is one digit of
 * answer, index "h" (17), answer "2"; "1141" is one digit of answer, index
 * "14" (40), answer "1". docs/scheduler.md explains the format with more
 * examples.
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

/** How a field reads, for the message about one that does not. */
const FIELD = 'a field is one digit L, the choice point in base 36, then the candidate in its last L characters: t.1h2 took candidate 2 at choice point 17 (docs/scheduler.md)';

export function decodeSchedule(id: string): ScheduleSpec {
  const m = /^([tu])\.(.*)$/.exec(id.trim());
  if (m === null) throw new ScheduleIdError(id, 'malformed: expected "t." or "u." followed by choices, as printed by kshim run or explore');
  const deviations = new Map<number, number>();
  const fields = new Map<number, string>();
  if (m[2] !== '') {
    for (const part of m[2]!.split('.')) {
      const len = Number.parseInt(part[0] ?? '', 36);
      const idx = part.slice(1, part.length - len);
      const ans = part.slice(part.length - len);
      if (!(len > 0) || idx === '' || ans === '' || !/^[0-9a-z]+$/.test(idx + ans)) throw new ScheduleIdError(id, `bad choice "${part}"; ${FIELD}`);
      const point = Number.parseInt(idx, 36);
      const earlier = fields.get(point);
      if (earlier !== undefined) throw new ScheduleIdError(id, `choice point ${point} is given twice ("${earlier}" and "${part}"); a run takes one candidate there`);
      fields.set(point, part);
      deviations.set(point, Number.parseInt(ans, 36));
    }
  }
  return { timeMode: m[1] === 'u' ? 'untimed' : 'timed', deviations };
}
