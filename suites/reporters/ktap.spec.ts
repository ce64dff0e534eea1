// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MOCHA = join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const REPORTER = join(ROOT, 'dist', 'suites', 'reporters', 'ktap.js');
const FIXTURE = join(ROOT, 'dist', 'suites', 'reporters', 'fixtures', 'sample.fixture.js');

/** Run mocha on the fixture alone (not the project's config, which would add every suite). */
function mocha(...extra: string[]) {
  return spawnSync(process.execPath, [MOCHA, '--no-config', '--no-package', '--reporter', REPORTER, ...extra, FIXTURE], { cwd: ROOT, encoding: 'utf8' });
}

const EXPECTED = `KTAP version 1
1..3
ok 1 a test outside any describe
  KTAP version 1
  # Subtest: probe order
  1..4
  ok 1 hmem_platform probes before hmem
  # owner of 0x850000000-0x284fffffff: expected 'dax_hmem' to equal 'dax_cxl'
  # expected: "dax_cxl"
  # actual:   "dax_hmem"
  # at <stack frame>
  not ok 2 dax_cxl owns the range
  ok 3 a pending test is reported with the SKIP directive # SKIP
    KTAP version 1
    # Subtest: nested: async probing
    1..2
    ok 1 cxl_pci probes asynchronously
    ok 2 counts \\# characters in titles
  ok 4 nested: async probing
not ok 2 probe order
  KTAP version 1
  # Subtest: a suite whose before hook fails
  1..1
  # "before all" hook for "never runs" failed
  # firmware tables missing
  # at <stack frame>
  # not run: a hook failed before it
  not ok 1 never runs
not ok 3 a suite whose before hook fails
# Totals: pass:4 fail:2 skip:1
`;

describe('the KTAP reporter (mocha --reporter dist/suites/reporters/ktap.js)', () => {
  it('prints KTAP version 1: nested subtests, plans, ok/not ok, # SKIP, failure diagnostics, totals', () => {
    expect(existsSync(FIXTURE), FIXTURE).to.equal(true);
    const r = mocha();
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(2);
    const frames = r.stdout.match(/^ *# at .*$/gm) ?? [];
    expect(frames).to.have.length(2);
    for (const f of frames) expect(f).to.match(/# at .*sample\.fixture\.js:\d+:\d+\)?$/);
    expect(r.stdout.replace(/^( *)# at .*$/gm, '$1# at <stack frame>')).to.equal(EXPECTED);
  });

  it('keeps every plan equal to the results printed at its level', () => {
    const lines = mocha().stdout.split('\n');
    // Walk the output as a KTAP parser would: a stack of (plan, results seen) per indentation level.
    const stack: Array<{ indent: number; plan: number; seen: number[] }> = [];
    for (const line of lines) {
      const indent = line.length - line.trimStart().length;
      const t = line.trim();
      if (t === 'KTAP version 1') stack.push({ indent, plan: -1, seen: [] });
      else if (/^1\.\.\d+$/.test(t)) stack[stack.length - 1]!.plan = Number(t.slice(3));
      else if (/^(not )?ok \d+ /.test(t)) {
        while (stack.length > 1 && stack[stack.length - 1]!.indent > indent) {
          const done = stack.pop()!;
          expect(done.seen).to.deep.equal(Array.from({ length: done.plan }, (_, i) => i + 1));
        }
        stack[stack.length - 1]!.seen.push(Number(/\d+/.exec(t)![0]));
      }
    }
    expect(stack).to.have.length(1);
    expect(stack[0]!.seen).to.deep.equal([1, 2, 3]);
    expect(stack[0]!.plan).to.equal(3);
  });

  it('counts only the tests --grep selects in the plans', () => {
    const r = mocha('--grep', 'async probing');
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(`KTAP version 1
1..1
  KTAP version 1
  # Subtest: probe order
  1..1
    KTAP version 1
    # Subtest: nested: async probing
    1..2
    ok 1 cxl_pci probes asynchronously
    ok 2 counts \\# characters in titles
  ok 1 nested: async probing
ok 1 probe order
# Totals: pass:2 fail:0 skip:0
`);
  });

  it('refuses mocha --parallel with one clear message, since a plan needs the whole suite tree (npm test runs in parallel)', () => {
    const r = mocha('--parallel');
    expect(r.status).to.not.equal(0);
    expect(r.stdout).to.not.contain('KTAP version 1');
    expect(r.stderr).to.contain('the KTAP reporter needs every suite in one process: run mocha with --no-parallel');
  });

  it('uses a fixture that no spec glob of .mocharc.json matches (it fails on purpose)', () => {
    const globs = (JSON.parse(readFileSync(join(ROOT, '.mocharc.json'), 'utf8')) as { spec: string[] }).spec;
    // The globs use "**" and "*" only; as regular expressions:
    const toRe = (g: string): RegExp => new RegExp('^' + g.split(/(\*\*\/|\*)/).map((p) => (p === '**/' ? '(?:.*/)?' : p === '*' ? '[^/]*' : p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
    const rel = relative(ROOT, FIXTURE);
    expect(globs.length).to.be.above(0);
    for (const g of globs) {
      expect(toRe(g).test('dist/suites/reporters/ktap.spec.js'), g).to.equal(true);
      expect(toRe(g).test(rel), g).to.equal(false);
    }
  });
});
