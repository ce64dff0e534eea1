// SPDX-License-Identifier: GPL-2.0-only
/**
 * kshim compare FILE --tree A --tree B: the outcome classes of one scenario
 * on two trees, split into those only A reaches, those only B reaches and
 * those both reach (the window v8 8/9 closes, as a class that is gone).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareOutput } from '../../cli/compare.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');
const FILE = 'scenarios/cover-letter-3-assembly-fails.json';

describe('kshim compare', function () {
  this.timeout(60_000);
  const cwd = process.cwd();
  before(() => process.chdir(ROOT));
  after(() => process.chdir(cwd));

  it('v8/7 against v8/8 on the cover letter\'s scenario 3: "nobody owns the range" is gone, HMEM owning it is new, no class on both', async () => {
    const out = await compareOutput(FILE, { tree: ['v8/7', 'v8/8'], set: [] });
    expect(out.split('\n')).to.deep.equal([
      `${FILE}: v8/7 (96 schedules) against v8/8 (112 schedules), exhaustive`,
      '',
      'only on v8/7 (gone on v8/8): 1 outcome class',
      '  owners=none build=ok warnings=none leaks=0 end=idle',
      '    96 of 96 schedules; shortest: t. (0 deviations from the default order)',
      `    replay: kshim replay ${FILE} --schedule t. --tree v8/7`,
      '',
      'only on v8/8 (new on v8/8): 1 outcome class',
      '  owners=dax_hmem build=ok warnings=none leaks=0 end=idle',
      '    112 of 112 schedules; shortest: t. (0 deviations from the default order)',
      `    replay: kshim replay ${FILE} --schedule t. --tree v8/8`,
      '',
      'on both: none',
      '',
    ]);
  });

  it('--json: both sides, then onlyA, onlyB and both; a class both reach has its count on each side', async () => {
    const json = JSON.parse(await compareOutput('scenarios/mainline-modular.json', { tree: ['v8/8', 'mainline'], set: [], json: true })) as Record<string, unknown>;
    expect(Object.keys(json)).to.deep.equal(['a', 'b', 'onlyA', 'onlyB', 'both']);
    expect(json.a).to.deep.equal({ tree: 'v8/8', schedulesExplored: 112, complete: true });
    expect(json.onlyA).to.deep.equal([]);
    expect(json.onlyB).to.deep.equal([]);
    expect(json.both).to.deep.equal([{ signature: 'owners=dax_cxl build=ok warnings=none leaks=0 end=idle', countA: 112, countB: (json.b as { schedulesExplored: number }).schedulesExplored }]);
  });

  it('needs two different trees: one --tree, or the same twice, is one line on stderr and exit 2', () => {
    for (const [args, line] of [
      [['--tree', 'v8/7'], 'kshim: compare: give --tree twice, the tree before and the tree after (got v8/7)'],
      [['--tree', 'v8/7', '--tree', 'v8/7'], 'kshim: compare: --tree v8/7 twice; give two different trees'],
      [['--tree', 'v8/7', '--tree', 'nosuch'], /^kshim: --tree nosuch: unknown tree/],
    ] as const) {
      const r = spawnSync(process.execPath, [KSHIM, 'compare', FILE, ...args], { cwd: ROOT, encoding: 'utf8', input: '' });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stdout).to.equal('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).to.have.length(1);
      if (typeof line === 'string') expect(lines[0]).to.equal(line);
      else expect(lines[0]).to.match(line);
    }
  });
});
