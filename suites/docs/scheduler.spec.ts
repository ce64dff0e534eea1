// SPDX-License-Identifier: GPL-2.0-only
/**
 * docs/scheduler.md, "Reading a schedule id", kept true: every id in its
 * table decodes to the choice points and candidates the table gives, and
 * encodes back to the same id; the worked example t.101.111.121.131.141.151
 * deviates at choice points 0 to 5 of wait-for-device-probe.json, and the
 * explorer's line for its first field is the one the page quotes.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeviationStrategy } from '../../framework/sim/strategy.js';
import { explainSchedule } from '../../harness/explore/explain.js';
import { runScenario } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { decodeSchedule, encodeSchedule } from '../../harness/schedule.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DOC = readFileSync(`${ROOT}docs/scheduler.md`, 'utf8');

/** The choices list of a run whose only deviations are `deviations` (choice point to candidate). */
function choices(deviations: Record<number, number>): number[] {
  const points = Object.keys(deviations).map(Number);
  const out = new Array<number>(points.length === 0 ? 3 : Math.max(...points) + 3).fill(0);
  for (const p of points) out[p] = deviations[p]!;
  return out;
}

/** What the table says of each id: time mode and choice point to candidate. */
const TABLE: Array<[string, 'timed' | 'untimed', Record<number, number>]> = [
  ['t.', 'timed', {}],
  ['t.1h2', 'timed', { 17: 2 }],
  ['t.1h2.1141', 'timed', { 17: 2, 40: 1 }],
  ['u.112.13b', 'untimed', { 1: 2, 3: 11 }],
  ['t.2514', 'timed', { 5: 40 }],
  ['t.101.111.121.131.141.151', 'timed', { 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 }],
];

describe('docs/scheduler.md: reading a schedule id', () => {
  for (const [id, timeMode, deviations] of TABLE) {
    it(`${id} decodes and encodes as the page says`, () => {
      expect(DOC, 'the page quotes the id').to.include(`\`${id}\``);
      expect(decodeSchedule(id)).to.deep.equal({ timeMode, deviations: new Map(Object.entries(deviations).map(([p, c]) => [Number(p), c])) });
      expect(encodeSchedule(timeMode, choices(deviations))).to.equal(id);
    });
  }

  it('t.101.111.121.131.141.151 on wait-for-device-probe.json: choice points 0 to 5 each run candidate 1 before candidate 0, and explore explains field 101 as the page quotes', async () => {
    const file = `${ROOT}scenarios/wait-for-device-probe.json`;
    const scenario = parseScenario(readFileSync(file, 'utf8'), file);
    const id = 't.101.111.121.131.141.151';
    const strategy = new DeviationStrategy(decodeSchedule(id).deviations);
    const run = await runScenario(scenario, { strategy, timeMode: 'timed' });
    expect(run.result.schedule).to.equal(id);
    expect(strategy.taken.map((d) => d.index)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(strategy.misfits(run.machine!.kernel.sched.choices.length)).to.deep.equal([]);
    const lines = await explainSchedule(scenario, id);
    expect(lines).to.have.length(6);
    expect(DOC).to.include(`\n${lines[0]}\n`);
    expect(lines[0]).to.equal('at 0.034000: swapper/0[1] (initcall dax_init) ran before kworker/u4:0[4] (work dax_hmem_wq process_defer_work)');
  });
});
