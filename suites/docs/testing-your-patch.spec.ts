// SPDX-License-Identifier: GPL-2.0-only
/** The walkthrough of docs/testing-your-patch.md, kept true, first attempt included. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hmem_c as hmem_mainline } from '../../drivers/dax/hmem/hmem.c/mainline.js';
import { judgeTree } from '../../harness/expectations.js';
import { runScenario, strategyFor } from '../../harness/run.js';
import { parseScenario, type Scenario } from '../../harness/scenario.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { mainline } from '../../trees/index.js';
import { lookupTree } from '../../trees/registry.js';
import { atInitcallLevel, deriveTree } from '../../trees/tree.js';
import { exploreLikeTheCli } from '../helpers/explored.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function scenario(name: string, tree?: string): Scenario {
  const file = `${ROOT}scenarios/${name}`;
  return parseScenario(readFileSync(file, 'utf8'), file, tree !== undefined ? { tree } : {});
}

/** The outcome classes of `kshim explore` on s, shared with the transcripts suite, which explores the same scenarios. */
async function owners(s: Scenario, untimed = false, runs?: number): Promise<{ complete: boolean; classes: string[] }> {
  const r = await exploreLikeTheCli(s, untimed, runs);
  return { complete: r.complete, classes: r.outcomes.map((o) => o.signature).sort() };
}

describe('docs/testing-your-patch.md: a v9 candidate for the built-in window', function () {
  // Exhaustive explorations, one of them untimed with a budget of 1500 runs: seconds each on a loaded CI machine.
  this.timeout(60_000);

  it('section 2: the imports it gives for a copy of the hmem.c port at examples/my-patch/hmem.c.ts are mainline.ts\'s, each path rewritten for the new folder, and each names a source file', () => {
    const guide = readFileSync(`${ROOT}docs/testing-your-patch.md`, 'utf8').split('\n');
    const at = guide.findIndex((l) => l.startsWith('<!-- the imports of a copied hmem.c port'));
    expect(at, 'the marked block').to.be.above(0);
    expect(guide[at + 1]).to.equal('```ts');
    const end = guide.indexOf('```', at + 2);
    const quoted = guide.slice(at + 2, end);

    const FROM = 'drivers/dax/hmem/hmem.c';
    const TO = 'examples/my-patch';
    const port = readFileSync(`${ROOT}${FROM}/mainline.ts`, 'utf8').split('\n').filter((l) => l.startsWith('import '));
    const moved = port.map((line) =>
      line.replace(/from '([^']+)';$/, (_, spec: string) => {
        const rel = posix.relative(TO, posix.join(FROM, spec));
        return `from '${rel.startsWith('.') ? rel : `./${rel}`}';`;
      }),
    );
    expect(quoted).to.deep.equal(moved);
    for (const line of quoted) {
      const spec = /from '([^']+)';$/.exec(line)![1]!;
      const source = posix.join(TO, spec).replace(/\.js$/, '.ts');
      expect(existsSync(`${ROOT}${source}`), `${spec} from ${TO}/ is ${source}`).to.equal(true);
    }
  });

  it('is a tree derived from mainline that replaces drivers/dax/hmem/hmem.c and drivers/dax/cxl.c only', () => {
    const v9 = lookupTree('v9-candidate')!;
    expect(v9.parent).to.equal('mainline');
    const changed = Object.keys(v9.files).filter((f) => v9.files[f as keyof typeof v9.files] !== mainline.files[f as keyof typeof mainline.files]);
    expect(changed.sort()).to.deep.equal(['drivers/dax/cxl.c', 'drivers/dax/hmem/hmem.c']);
  });

  it('built-in mainline lets HMEM own a range a committed region contains: in every schedule at the scenario\'s timings, and for any timing unless PID 1 reaches cxl_pci first', async () => {
    const before = await owners(scenario('mainline-builtin.json'));
    expect(before.complete).to.equal(true);
    expect(before.classes).to.deep.equal(['owners=dax_hmem build=ok warnings=none leaks=0 end=idle']);
    // The two shortest untimed schedules the doc prints (the complete untimed exploration takes about a minute, too long for the suite).
    for (const [id, owner] of [['u.', 'dax_hmem'], ['u.111.121.131.141.151.161', 'dax_cxl']] as const) {
      const spec = decodeSchedule(id);
      const r = await runScenario(scenario('mainline-builtin.json'), { strategy: strategyFor(spec), timeMode: spec.timeMode });
      expect(r.result.daxRegions.map((d) => d.owner), id).to.deep.equal([owner]);
    }
  });

  it('first attempt, dax_hmem_init() alone as a late_initcall: dax_cxl\'s registration work flushes a dax_hmem_wq that does not exist yet, in every schedule', async () => {
    const firstTry = deriveTree(mainline, 'first-try', 'hmem.c only', { files: { 'drivers/dax/hmem/hmem.c': atInitcallLevel(hmem_mainline, 'late') } });
    const s = { ...scenario('mainline-builtin.json'), tree: firstTry };
    const r = await owners(s);
    expect(r.complete).to.equal(true);
    expect(r.classes).to.deep.equal(['owners=none build=ok warnings=__flush_workqueue leaks=1 end=idle']);
    // The transcript's first line: how many schedules that took.
    const transcript = /<!-- transcript of the first attempt[^\n]*\n```\n\$ [^\n]*\n(\d+) schedules explored/.exec(readFileSync(`${ROOT}docs/testing-your-patch.md`, 'utf8'));
    expect(transcript, 'the transcript of the first attempt').to.not.equal(null);
    expect(Number(transcript![1])).to.equal((await exploreLikeTheCli(s)).schedulesExplored);
    // The oops the guide shows is a stretch of that run's dmesg, line for line.
    const doc = readFileSync(`${ROOT}docs/testing-your-patch.md`, 'utf8');
    const block = /<!-- dmesg excerpt of the first attempt[^\n]*\n```\n([\s\S]*?)```/.exec(doc);
    expect(block, 'the dmesg excerpt of the first attempt').to.not.equal(null);
    const excerpt = block![1]!.trimEnd().split('\n');
    const dmesg = (await runScenario(s)).result.dmesg;
    const at = dmesg.indexOf(excerpt[0]!);
    expect(at, excerpt[0]).to.be.at.least(0);
    expect(dmesg.slice(at, at + excerpt.length)).to.deep.equal(excerpt);
  });

  it('the candidate: one outcome, CXL owns, built in (in every schedule at these timings, and in the first 1500 of any timing) and modular', async () => {
    const timed = await owners(scenario('mainline-builtin.json', 'v9-candidate'));
    const modular = await owners(scenario('mainline-modular.json', 'v9-candidate'));
    for (const r of [timed, modular]) {
      expect(r.complete).to.equal(true);
      expect(r.classes).to.deep.equal(['owners=dax_cxl build=ok warnings=none leaks=0 end=idle']);
    }
    // The guide's untimed run has a budget, and says so: the complete exploration is too long for the suite.
    const untimed = await owners(scenario('mainline-builtin.json', 'v9-candidate'), true, 1500);
    expect(untimed.complete).to.equal(false);
    expect(untimed.classes).to.deep.equal(['owners=dax_cxl build=ok warnings=none leaks=0 end=idle']);
  });

  it('the candidate keeps every base expectation', async () => {
    const verdicts = await judgeTree('v9-candidate');
    expect(Object.keys(verdicts).sort()).to.deep.equal(['E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
    expect(Object.entries(verdicts).filter(([, v]) => !v.pass).map(([id, v]) => `${id}: ${v.reason}`)).to.deep.equal([]);
  });
});
