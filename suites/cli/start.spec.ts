// SPDX-License-Identifier: GPL-2.0-only
/** `npm start`: the verdict table, the HTML report, and failing cells that rerun with kshim run. */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');

describe('kshim start (npm start): the base expectations on every tree state', () => {
  let out: string;
  let r: SpawnSyncReturns<string>;

  before(() => {
    out = mkdtempSync(join(tmpdir(), 'kshim-start-'));
    r = spawnSync(process.execPath, [KSHIM, 'start', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  });

  it('prints a row per tree, series and local trees, with a mark per expectation', () => {
    expect(r.status, r.stderr).to.equal(0);
    const rows = r.stdout.split('\n');
    expect(rows[0]).to.match(/^tree\s+E1 {2}E2 {2}E3 {2}E4 {2}E5 {2}E6$/);
    const row = (t: string): string[] => rows.find((l) => l.split(/\s+/)[0] === t)!.trim().split(/\s+/).slice(1);
    expect(row('base')).to.deep.equal(['✓', '✗', '✓', '✗', '✓', '✗']);
    expect(row('mainline')).to.deep.equal(['✓', '✓', '✓', '✓', '✓', '✓']);
    expect(row('v9-candidate')).to.have.length(6);
    const trees = spawnSync(process.execPath, [KSHIM, 'trees'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]!);
    expect(trees.length).to.be.above(20);
    for (const t of trees) expect(row(t), t).to.have.length(6);
  });

  it('says why a cell failed, and which command reruns it', () => {
    expect(r.stdout).to.contain('  E2 on base, v7/1,');
    expect(r.stdout).to.match(/E2 on [^:]+: 0x850000000-0x284fffffff has no owner \(hmem_platform said "deferring range to CXL"\)/);
    const rerun = /rerun a failing cell: npx kshim run (\S+) --tree (\S+)/.exec(r.stdout)!;
    expect(rerun).to.not.equal(null);
    const again = spawnSync(process.execPath, [KSHIM, 'run', rerun[1]!, '--tree', rerun[2]!, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(again.status).to.equal(0);
    expect(JSON.parse(again.stdout).softReserved.map((s: { owner: string | null }) => s.owner)).to.deep.equal([null]);
  });

  it('writes a self-contained HTML report with the same verdicts and names it', () => {
    const page = join(out, 'base-expectations.html');
    expect(r.stdout).to.contain('HTML report: ');
    expect(existsSync(page)).to.equal(true);
    const html = readFileSync(page, 'utf8');
    expect(html).to.not.match(/(src|href)="(https?:)?\/\//);
    // Row by row, the same marks as the table on stdout.
    const stdoutRows = r.stdout.split('\n').filter((l) => /^\S+\s+[✓✗]/.test(l)).map((l) => l.trim().split(/\s+/));
    const htmlRows = [...html.matchAll(/<tr><th class="tree">([^<]+)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1]!, ...[...m[2]!.matchAll(/<td class="(pass|fail)"/g)].map((c) => (c[1] === 'pass' ? '✓' : '✗'))]);
    expect(htmlRows.length).to.be.above(20);
    expect(htmlRows).to.deep.equal(stdoutRows);
    expect(html).to.contain('npx kshim run ');
  });

  it('for an E6 failure, names the commands of the machines that broke it, not a machine that passed', () => {
    const html = readFileSync(join(out, 'base-expectations.html'), 'utf8');
    // On base, E6 fails because E2 and E4 leave a range without an owner; E1 passes there.
    const li = /<li id="f-base-E6">(.*?)<\/li>/s.exec(html)![1]!;
    expect(li).to.match(/^<b>base E6<\/b>: E2: .*; E4: /);
    const cmds = [...li.matchAll(/<code class="cmd">([^<]+)<\/code>/g)].map((m) => m[1]!);
    // --out is an absolute directory outside the checkout: the commands name it as given.
    expect(cmds).to.deep.equal(['E2', 'E4'].map((m) => `npx kshim run ${join(out, 'base-expectations', `${m}.json`)} --tree base`));
    for (const c of cmds) {
      const [, file] = /run (\S+) --tree/.exec(c)!;
      const again = spawnSync(process.execPath, [KSHIM, 'run', file!, '--tree', 'base', '--json'], { cwd: ROOT, encoding: 'utf8' });
      expect(JSON.parse(again.stdout).softReserved.some((s: { owner: string | null }) => s.owner === null), c).to.equal(true);
    }
  });

  it('writes the timeline page of each boot that failed a cell, and links it from the report and the summary', () => {
    const html = readFileSync(join(out, 'base-expectations.html'), 'utf8');
    const links = (li: string): string[] => [...(new RegExp(`<li id="f-${li}">(.*?)</li>`, 's').exec(html)![1]!.matchAll(/<a class="timeline" href="([^"]+)">/g))].map((m) => m[1]!);
    expect(links('v8/7-E2')).to.deep.equal(['base-expectations/E2-v8-7.timeline.html']);
    expect(links('base-E6')).to.deep.equal(['base-expectations/E2-base.timeline.html', 'base-expectations/E4-base.timeline.html']);
    const page = readFileSync(join(out, 'base-expectations', 'E2-v8-7.timeline.html'), 'utf8');
    expect(page).to.contain('<svg id="timeline"');
    // The reason of the failure is on the page: hmem_platform deferred the range and nothing claimed it.
    expect(page).to.match(/data-name="hmem_platform: deferring range to CXL"/);
    expect(page).to.match(/0x850000000-0x284fffffff +no owner when the run ended/);
    const line = /^its timeline: (\S+)$/m.exec(r.stdout)!;
    expect(line, r.stdout).to.not.equal(null);
    expect(existsSync(resolve(ROOT, line[1]!))).to.equal(true);
    // Passing trees get no page.
    expect(existsSync(join(out, 'base-expectations', 'E2-mainline.timeline.html'))).to.equal(false);
  });

  it('a rerun on trees that pass removes the timeline pages of the earlier run', () => {
    // A copy of the full run's output, so that the rerun leaves `out` as the other tests read it.
    const copy = mkdtempSync(join(tmpdir(), 'kshim-start-rerun-'));
    cpSync(out, copy, { recursive: true });
    const pages = () => readdirSync(join(copy, 'base-expectations')).filter((f) => f.endsWith('.timeline.html'));
    expect(pages()).to.include('E2-v8-7.timeline.html');
    const again = spawnSync(process.execPath, [KSHIM, 'start', '--out', copy, '--tree', 'mainline'], { cwd: ROOT, encoding: 'utf8' });
    expect(again.status, again.stderr).to.equal(0);
    expect(pages()).to.deep.equal([]);
  });

  it('refuses an unknown --tree with exit 2', () => {
    const own = mkdtempSync(join(tmpdir(), 'kshim-start-bad-'));
    const bad = spawnSync(process.execPath, [KSHIM, 'start', '--out', own, '--tree', 'v8-8'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.contain('--tree v8-8: unknown tree');
  });

  it('--check: exit 1 and the failing cells on stderr when a cell fails, 0 when every cell passes; stdout as without it', () => {
    const own = mkdtempSync(join(tmpdir(), 'kshim-start-check-'));
    const failing = spawnSync(process.execPath, [KSHIM, 'start', '--out', own, '--tree', 'v8/7', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(failing.status).to.equal(1);
    expect(failing.stderr).to.equal('kshim: --check: 3 cells failed: E2 on v8/7, E4 on v8/7, E6 on v8/7\n');
    const plain = spawnSync(process.execPath, [KSHIM, 'start', '--out', own, '--tree', 'v8/7'], { cwd: ROOT, encoding: 'utf8' });
    expect(plain.status).to.equal(0);
    expect(failing.stdout).to.equal(plain.stdout);
    const json = spawnSync(process.execPath, [KSHIM, 'start', '--out', own, '--tree', 'v8/7', '--check', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(json.status).to.equal(1);
    expect((JSON.parse(json.stdout) as { trees: string[] }).trees).to.deep.equal(['v8/7']);
    const passing = spawnSync(process.execPath, [KSHIM, 'start', '--out', own, '--tree', 'mainline', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(passing.stderr).to.equal('');
    expect(passing.status).to.equal(0);
  });
});
