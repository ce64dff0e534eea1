// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failOnMatches, parseFailOn, FailOnError } from '../../harness/fail-on.js';
import { outcomeOf } from '../../harness/explore/signature.js';
import { OWNERS, runScenario } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');

function kshim(...args: string[]) {
  return spawnSync(process.execPath, [KSHIM, ...args], { cwd: ROOT, encoding: 'utf8', input: '' });
}

describe('--fail-on: an outcome as an exit status, for CI and git bisect run', function () {
  this.timeout(30_000);

  it('kshim explore exits 1 when some schedule ends with HMEM owning the range a committed region contains, names the class and how to replay it, and leaves stdout as it was', () => {
    const plain = kshim('explore', 'scenarios/mainline-builtin.json');
    const failing = kshim('explore', 'scenarios/mainline-builtin.json', '--fail-on', 'owners=dax_hmem');
    expect(plain.status).to.equal(0);
    expect(failing.status).to.equal(1);
    expect(failing.stdout).to.equal(plain.stdout);
    expect(failing.stderr.trimEnd().split('\n')).to.deep.equal([
      'kshim: --fail-on owners=dax_hmem: 4 schedules of 4 ended owners=dax_hmem build=ok warnings=none leaks=0 end=idle; replay: kshim replay scenarios/mainline-builtin.json --schedule t.',
    ]);
  });

  it('the same question on the v9 candidate, where CXL owns in every schedule, exits 0 and prints nothing on stderr', () => {
    const r = kshim('explore', 'scenarios/mainline-builtin.json', '--tree', 'v9-candidate', '--fail-on', 'owners=dax_hmem');
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
  });

  it('an exploration that stopped at its budget without a match exits 0 but says a schedule it did not run may still match', () => {
    const r = kshim('explore', 'scenarios/mainline-builtin.json', '--untimed', '--runs', '3', '--fail-on', 'owners=dax_cxl');
    expect(r.status).to.equal(0);
    expect(r.stderr.trimEnd().split('\n')).to.deep.equal([
      'kshim: --fail-on owners=dax_cxl: no explored schedule matched, but the exploration is not complete: a schedule it did not run may still match',
    ]);
  });

  it('kshim run exits 1 when the boot WARNs in the named function (v7 flush from a kworker of the same ordered queue), 0 for a function that did not warn; --json stays one JSON object', () => {
    const warned = kshim('run', 'scenarios/workqueue-flush-v7.json', '--json', '--fail-on', 'warnings=__flush_work');
    expect(warned.status).to.equal(1);
    expect(() => JSON.parse(warned.stdout) as unknown).not.to.throw();
    expect(warned.stderr).to.match(/^kshim: --fail-on warnings=__flush_work: the run ended owners=- build=ok warnings=__flush_work leaks=0 end=idle\n$/);
    const other = kshim('run', 'scenarios/workqueue-flush-v7.json', '--show', 'owners', '--fail-on', 'warnings=process_one_work', '--fail-on', 'leaks=any');
    expect(other.stderr).to.equal('');
    expect(other.status).to.equal(0);
  });

  it('kshim replay judges exactly the replayed run: kmod 19 with the default schedule leaves the range to HMEM', () => {
    const r = kshim('replay', 'scenarios/mainline-modular-kmod19.json', '--schedule', 't.', '--show', 'owners', '--fail-on', 'owners=dax_hmem');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/^kshim: --fail-on owners=dax_hmem: the run ended owners=dax_hmem /);
  });

  it('a condition that does not parse is one line and exit 2, before anything runs', () => {
    for (const [arg, line] of [
      ['leaks', 'kshim: --fail-on leaks: expected FIELD=VALUE with FIELD one of owners, warnings, leaks, build, end (as in an outcome signature, e.g. owners=dax_hmem)'],
      ['owner=dax_hmem', 'kshim: --fail-on owner=dax_hmem: unknown field "owner"; expected one of owners, warnings, leaks, build, end'],
      ['end=hung', 'kshim: --fail-on end=hung: expected one of idle, deadlock, runaway, not-booted'],
      ['leaks=some', 'kshim: --fail-on leaks=some: expected any or a number of leaks'],
    ] as const) {
      const r = kshim('explore', 'scenarios/mainline-modular.json', '--fail-on', arg);
      expect(r.status, arg).to.equal(2);
      expect(r.stdout, arg).to.equal('');
      expect(r.stderr, arg).to.equal(line + '\n');
    }
  });

  it('owners= takes only a name an owner has in a signature (dax_hmem, dax_cxl, none): a typo, which would never match and so always pass, is exit 2 with the names, for run, explore and replay alike', () => {
    const names = 'expected dax_hmem, dax_cxl or none (a range nobody took), as an outcome signature names owners';
    for (const cmd of [['run', 'scenarios/mainline-builtin.json'], ['explore', 'scenarios/mainline-builtin.json'], ['replay', 'scenarios/mainline-builtin.json', '--schedule', 't.']]) {
      const r = kshim(...cmd, '--fail-on', 'owners=dax_hmme');
      expect(r.status, cmd[0]).to.equal(2);
      expect(r.stdout, cmd[0]).to.equal('');
      expect(r.stderr, cmd[0]).to.equal(`kshim: --fail-on owners=dax_hmme: unknown owner "dax_hmme" (did you mean dax_hmem?); ${names}\n`);
    }
    // The driver's name is not the owner's; n/a and - appear in signatures but are no owner.
    expect(() => parseFailOn(['owners=hmem'])).to.throw(FailOnError, `--fail-on owners=hmem: unknown owner "hmem"; ${names}`);
    expect(() => parseFailOn(['owners=n/a'])).to.throw(FailOnError, `--fail-on owners=n/a: ${names}; owners=n/a there means the build did not link: use build=link-error`);
    expect(() => parseFailOn(['owners=-'])).to.throw(FailOnError, `--fail-on owners=-: ${names}; owners=- there means the machine has no Soft Reserved range, so no owner to match`);
    // Every name liveDaxRegions() can give an owner is accepted.
    for (const v of [...OWNERS, 'none']) expect(parseFailOn([`owners=${v}`])[0]!.value).to.equal(v);
  });

  describe('what each field matches', () => {
    const one = (text: string) => parseFailOn([text])[0]!;

    it('owners=none matches a range nobody took; a build that failed booted nothing, so no owner matches, but build=link-error and end=not-booted do', async () => {
      const unowned = outcomeOf(await runScenario(validateScenario({ tree: 'mainline', config: { DEV_DAX_HMEM: 'n', DEV_DAX_CXL: 'n' }, firmware: { softReserved: [{ start: '0x850000000', end: '0x284fffffff', nid: 1 }] } }, 'unowned.json')));
      expect(unowned.owners).to.deep.equal([null]);
      expect(failOnMatches(one('owners=none'), unowned)).to.equal(true);
      expect(failOnMatches(one('owners=dax_hmem'), unowned)).to.equal(false);
      const unlinked = { owners: [null], build: 'link-error' as const, warnings: [], leaks: 0, status: 'not-booted' };
      expect(failOnMatches(one('owners=none'), unlinked)).to.equal(false);
      expect(failOnMatches(one('build=link-error'), unlinked)).to.equal(true);
      expect(failOnMatches(one('end=not-booted'), unlinked)).to.equal(true);
      expect(failOnMatches(one('build=ok'), unlinked)).to.equal(false);
    });

    it('warnings=any and leaks=any match any at all; a number of leaks matches exactly', () => {
      const o = { owners: ['dax_cxl'], build: 'ok' as const, warnings: ['__flush_work'], leaks: 2, status: 'idle' };
      expect(failOnMatches(one('warnings=any'), o)).to.equal(true);
      expect(failOnMatches(one('warnings=any'), { ...o, warnings: [] })).to.equal(false);
      expect(failOnMatches(one('leaks=any'), o)).to.equal(true);
      expect(failOnMatches(one('leaks=any'), { ...o, leaks: 0 })).to.equal(false);
      expect(failOnMatches(one('leaks=2'), o)).to.equal(true);
      expect(failOnMatches(one('leaks=1'), o)).to.equal(false);
      expect(failOnMatches(one('end=deadlock'), o)).to.equal(false);
      expect(() => parseFailOn(['owners='])).to.throw(FailOnError, '--fail-on owners=: empty value');
    });
  });
});
