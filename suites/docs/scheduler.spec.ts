// SPDX-License-Identifier: GPL-2.0-only
/**
 * docs/scheduler.md, "Reading a schedule id", kept true: every id in its
 * table decodes to the choice points and candidates the table gives, and
 * encodes back to the same id; the worked example t.111.121.131.141.151.161
 * deviates at choice points 1 to 6 of wait-for-device-probe.json (0 is the
 * bus rescan's kworker against PID 1, left to the default), and the
 * explorer's line for its first field is the one the page quotes.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeviationStrategy, type ChoicePoint } from '../../framework/sim/strategy.js';
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
  ['t.111.121.131.141.151.161', 'timed', { 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1 }],
];

describe('docs/scheduler.md: reading a schedule id', () => {
  for (const [id, timeMode, deviations] of TABLE) {
    it(`${id} decodes and encodes as the page says`, () => {
      expect(DOC, 'the page quotes the id').to.include(`\`${id}\``);
      expect(decodeSchedule(id)).to.deep.equal({ timeMode, deviations: new Map(Object.entries(deviations).map(([p, c]) => [Number(p), c])) });
      expect(encodeSchedule(timeMode, choices(deviations))).to.equal(id);
    });
  }

  it('t.111.121.131.141.151.161 on wait-for-device-probe.json: choice points 1 to 6 each run candidate 1 before candidate 0; choice point 0, at 0.030 s, is the kworker of cxl_acpi\'s bus rescan against PID 1 and takes the default; explore explains field 111 as the page quotes', async () => {
    const file = `${ROOT}scenarios/wait-for-device-probe.json`;
    const scenario = parseScenario(readFileSync(file, 'utf8'), file);
    const id = 't.111.121.131.141.151.161';
    const first: string[] = [];
    class Watching extends DeviationStrategy {
      override choose(point: ChoicePoint): number {
        if (point.index === 0) first.push(`at ${point.now}`, ...point.candidates.map((t) => `${t.comm}[${t.pid}]`));
        return super.choose(point);
      }
    }
    const strategy = new Watching(decodeSchedule(id).deviations);
    const run = await runScenario(scenario, { strategy, timeMode: 'timed', trace: true });
    expect(run.result.schedule).to.equal(id);
    expect(strategy.taken.map((d) => d.index)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(strategy.misfits(run.machine!.kernel.sched.choices.length)).to.deep.equal([]);
    // Choice point 0: the kworker that will run the rescan cxl_acpi's probe queued, then PID 1.
    expect(first).to.deep.equal(['at 30000', 'kworker/u4:0[2]', 'swapper/0[1]']);
    const rescan = run.machine!.kernel.sched.trace.spans.find((x) => x.kind === 'work' && x.name === 'cxl_port cxl_bus_rescan_queue')!;
    expect([rescan.pid, rescan.start]).to.deep.equal([2, 30000]);
    const lines = await explainSchedule(scenario, id);
    expect(lines).to.have.length(6);
    expect(DOC).to.include(`\n${lines[0]}\n`);
    expect(lines[0]).to.equal('at 0.034000: swapper/0[1] (initcall dax_init) ran before kworker/u4:0[2] (work dax_hmem_wq process_defer_work)');
  });
});
