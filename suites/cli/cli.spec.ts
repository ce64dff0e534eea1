// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { progressBar } from '../../cli/explore.js';
import { count } from '../../cli/plural.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');

function kshim(...args: string[]) {
  return spawnSync(process.execPath, [KSHIM, ...args], { cwd: ROOT, encoding: 'utf8', input: '' });
}

/** The run exits 2 with exactly this one line on stderr and nothing on stdout. */
function refused(args: readonly string[], line: string | RegExp): void {
  const r = kshim(...args);
  const what = args.join(' ');
  expect(r.status, `${what}: ${r.stderr}`).to.equal(2);
  expect(r.stdout, what).to.equal('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, what).to.have.length(1);
  if (typeof line === 'string') expect(lines[0], what).to.equal(line);
  else expect(lines[0], what).to.match(line);
}

/** A scenario file of its own in a fresh directory. */
function scenarioFile(json: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kshim-')), 'scn.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('the kshim command', function () {
  // Each test starts node processes; on a loaded machine one can take several seconds.
  this.timeout(30_000);

  it('a reader that closes the pipe early (kshim trees | head -1) ends kshim quietly with status 0, not an EPIPE stack trace', () => {
    // `true` exits without reading, long before kshim writes: every write of kshim meets a closed pipe.
    const r = spawnSync('/bin/bash', ['-c', `set -o pipefail; "${process.execPath}" "${KSHIM}" trees | true`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
  });

  it('kshim run --json prints one JSON object and exits 0', () => {
    const r = kshim('run', 'scenarios/mainline-builtin.json', '--json');
    expect(r.status).to.equal(0);
    const j = JSON.parse(r.stdout) as { tree: string; softReserved: unknown[] };
    expect(j.tree).to.equal('mainline');
    expect(j.softReserved).to.have.length(1);
  });

  it('kshim replay --show owners prints the ownership of exactly the replayed run', () => {
    const hmem = kshim('replay', 'scenarios/mainline-modular-kmod19.json', '--schedule', 't.', '--show', 'owners');
    expect(hmem.status).to.equal(0);
    expect(hmem.stdout.split('\n')[1]).to.match(/^0x850000000-0x284fffffff\s+dax_hmem$/);
    const cxl = kshim('replay', 'scenarios/mainline-modular-kmod19.json', '--schedule', 't.1h1', '--show', 'owners');
    expect(cxl.stdout.split('\n')[1]).to.match(/^0x850000000-0x284fffffff\s+dax_cxl$/);
  });

  it('kshim replay refuses a schedule id that this scenario cannot have produced, and says which choice does not fit', () => {
    const r = kshim('replay', 'scenarios/mainline-builtin.json', '--schedule', 't.1zz1', '--json');
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim()).to.match(/^kshim: scenarios\/mainline-builtin\.json: --schedule: schedule t\.1zz1 does not fit this run: choice point 1295 \("zz" in the id\) is never reached \(this run has \d+\)/);
    const tooFew = kshim('replay', 'scenarios/mainline-builtin.json', '--schedule', 't.10z', '--json');
    expect(tooFew.status).to.equal(2);
    expect(tooFew.stderr).to.match(/choice point 0 \("0" in the id\) offers \d+ candidates, so there is no candidate 35/);
  });

  it('kshim replay on another tree runs what fits and names what did not', () => {
    const r = kshim('replay', 'scenarios/mainline-builtin.json', '--schedule', 't.1zz1', '--tree', 'v8', '--json');
    expect(r.status).to.equal(0);
    expect((JSON.parse(r.stdout) as { schedule: string }).schedule).to.equal('t.');
    expect(r.stderr).to.contain('kshim: schedule t.1zz1 does not fit this run: choice point 1295 ("zz" in the id) is never reached');
    expect(r.stderr).to.contain('what ran is t.');
  });

  it('exits 2 with one line naming the file, the field and the problem, and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kshim-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ tree: 'mainline', firmware: { softReserved: [{ start: '0x2000', end: '0x1000' }] } }));
    const r = kshim('run', file, '--json');
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.contain(`${file}: firmware.softReserved[0].end: end 0x1000 is below start 0x2000`);
    expect(r.stderr).to.not.match(/\bat .*\.js:\d+/);
  });

  it('a usage error (unknown option or command, missing argument) is one line and exit 2, like every other input error', () => {
    for (const [args, text] of [
      [['bench', '--bogus'], "kshim: unknown option '--bogus'"],
      [['frob'], "kshim: unknown command 'frob'"],
      [['run'], "kshim: missing required argument 'file'"],
      [['run', 'scenarios/probe.json', '--sett', 'CXL_PCI=y'], "kshim: unknown option '--sett' (Did you mean --set?)"],
    ] as const) {
      const r = kshim(...args);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr.trim().split('\n')).to.deep.equal([`${text} (--help lists the commands and options)`]);
    }
    expect(kshim('explore', '--help').status).to.equal(0);
  });

  it('kshim --version (and -V) prints the version of package.json and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = kshim(flag);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${version}\n`);
    }
    expect(kshim('--help').stdout).to.match(/-V, --version +print the version of kshim\n/);
  });

  it('a count of one takes the singular: "1 outcome class", "1 run", "1 valid configuration", "1 fails to build"', () => {
    expect([count(0, 'schedule'), count(1, 'schedule'), count(2, 'outcome class', 'outcome classes'), count(1, 'outcome class', 'outcome classes')]).to.deep.equal(['0 schedules', '1 schedule', '2 outcome classes', '1 outcome class']);
    const explore = kshim('explore', 'scenarios/mainline-modular.json', '--runs', '1');
    expect(explore.stdout.split('\n')[0]).to.equal('1 schedule explored (exhaustive), not complete: stopped at the budget of 1 run (--runs N raises it); 1 outcome class:');
    // Every symbol held, on v8 with F6's values: one configuration, and it does not link.
    const held = ['DEV_DAX_HMEM=y', 'CXL_BUS=m', 'CXL_REGION=y', 'DEV_DAX_CXL=n', 'CXL_ACPI=m', 'CXL_PCI=m', 'CXL_MEM=m'];
    const matrix = kshim('matrix', '--tree', 'v8', ...held.flatMap((v) => ['--set', v]));
    expect(matrix.stdout.split('\n')[0]).to.equal(`v8: 1 valid configuration (DAX=y DEV_DAX=y ${held.join(' ')}); 1 fails to build`);
  });

  it('kshim trees lists one tree per line, and kshim knobs the timing knobs with defaults', () => {
    const trees = kshim('trees');
    expect(trees.status).to.equal(0);
    expect(trees.stdout.split('\n').map((l) => l.split(/\s+/)[0])).to.include.members(['base', 'mainline', 'v9-candidate']);
    // Every description starts in the same column, after the longest name.
    const lines = trees.stdout.trimEnd().split('\n');
    const column = new Set(lines.map((l) => /^\S+ +/.exec(l)![0].length));
    expect([...column], trees.stdout).to.have.length(1);
    const knobs = kshim('knobs');
    expect(knobs.stdout).to.match(/^rootfs\s+3000 ms/m);
    expect(knobs.stdout).to.match(/^cxl_pci\.probe\s+150 ms/m);
  });

  it('kshim matrix: a --set symbol that is no symbol of the tree, or m for a bool, is one line and exit 2', () => {
    refused(['matrix', '--tree', 'mainline', '--set', 'FOO=y'], 'kshim: --set FOO=y: not a Kconfig symbol of any tree (kshim run FILE --show config lists the CXL/DAX symbols)');
    refused(['matrix', '--tree', 'mainline', '--set', 'CXL_REGION=m'], 'kshim: --set CXL_REGION=m: CXL_REGION is a bool in tree mainline: hold it at y or n');
    refused(['matrix', '--tree', 'mainlin'], /^kshim: --tree mainlin: unknown tree; did you mean mainline\? \(known: base, /);
  });

  it('kshim matrix --set holds the symbol in every row, and says why when no configuration keeps the held values', () => {
    const held = kshim('matrix', '--tree', 'mainline', '--set', 'CXL_REGION=n');
    expect(held.status, held.stderr).to.equal(0);
    const [head, , , columns, ...rows] = held.stdout.trimEnd().split('\n');
    expect(head).to.match(/^mainline: \d+ valid configurations \(DAX=y DEV_DAX=y CXL_REGION=n\); 0 fail to build$/);
    // DEV_DAX_CXL's column is DAX_CXL: a bare "CXL" reads as the CXL core (CXL_BUS, the next column).
    expect(columns!.split('\t')).to.deep.equal(['HMEM', 'DAX_CXL', 'BUS', 'ACPI', 'PCI', 'REGION', 'MEM', 'build']);
    const region = columns!.split('\t').indexOf('REGION');
    expect(rows.length).to.be.greaterThan(10);
    for (const row of rows) expect(row.split('\t')[region], row).to.equal('n');
    const none = kshim('matrix', '--tree', 'mainline', '--set', 'CXL_BUS=n', '--set', 'CXL_PCI=y');
    expect(none.status).to.equal(0);
    expect(none.stdout).to.equal('mainline: 0 valid configurations (DAX=y DEV_DAX=y CXL_BUS=n CXL_PCI=y): CXL_PCI=y cannot hold, Kconfig gives n (limited by CXL_BUS)\n');
  });

  it('kshim matrix prints a legend: the Kconfig symbol of each short column name and, with --explore, what (N) and (N+) count; --help shows --tree as required', () => {
    const columns = 'columns: HMEM = DEV_DAX_HMEM, DAX_CXL = DEV_DAX_CXL, BUS = CXL_BUS, ACPI = CXL_ACPI, PCI = CXL_PCI, REGION = CXL_REGION, MEM = CXL_MEM (Kconfig symbols, each y, m or n); build: ok or the first link error';
    const plain = kshim('matrix', '--tree', 'v8').stdout.split('\n');
    expect(plain.slice(0, 4)).to.deep.equal(['v8: 204 valid configurations (DAX=y DEV_DAX=y); 12 fail to build', columns, '', 'HMEM\tDAX_CXL\tBUS\tACPI\tPCI\tREGION\tMEM\tbuild']);
    const explored = kshim('matrix', '--tree', 'mainline', '--explore', '--set', 'DEV_DAX_HMEM=m', '--set', 'CXL_BUS=m', '--set', 'CXL_REGION=y', '--set', 'CXL_MEM=m', '--runs', '3');
    expect(explored.status, explored.stderr).to.equal(0);
    const out = explored.stdout.split('\n');
    expect(out.slice(1, 5)).to.deep.equal([
      columns,
      'outcomes: per outcome class, the owner of each Soft Reserved range (none: nobody owns it; -: the scenario has none; n/a: not booted, the configuration does not link) and WARN with the functions that warned, then (N): the number of explored schedules with that outcome; (N+): that configuration\'s exploration stopped at its budget of 3 schedules (--runs), so N is a lower bound and other classes may exist; then the id of one such schedule (kshim replay SCENARIO --tree mainline --set SYMBOL=VALUE ... --schedule ID)',
      '',
      'HMEM\tDAX_CXL\tBUS\tACPI\tPCI\tREGION\tMEM\tbuild\toutcomes',
    ]);
    // The cells the legend explains: a budget that ran out, and one that did not.
    expect(out.slice(5).join('\n')).to.match(/ \(3\+\) t\./).and.to.match(/ \([12]\) t\./);
    // A configuration that does not link has one class, not booted: "n/a", never an empty cell.
    const v8 = kshim('matrix', '--tree', 'v8', '--explore', '--set', 'DEV_DAX_HMEM=m', '--set', 'DEV_DAX_CXL=y', '--runs', '1').stdout.split('\n');
    const unlinked = v8.find((l) => l.includes('undefined reference'));
    expect(unlinked).to.match(/\tn\/a \(1\) t\.$/);
    const help = kshim('matrix', '--help').stdout;
    expect(help.split('\n')[0]).to.equal('Usage: kshim matrix --tree <name> [options]');
    expect(help).to.match(/--tree <name> +the tree state \(required\)\n/);
  });

  it('kshim matrix: --scenario and --runs go with --explore, and --runs is at least 1', () => {
    refused(['matrix', '--tree', 'mainline', '--scenario', 'scenarios/probe.json'], 'kshim: --scenario scenarios/probe.json: only with --explore (the scenario is what each configuration explores)');
    refused(['matrix', '--tree', 'mainline', '--runs', '5'], 'kshim: --runs 5: only with --explore (it is the exploration budget per configuration)');
    refused(['matrix', '--tree', 'mainline', '--explore', '--runs', '0'], 'kshim: --runs 0: expected a positive integer (runs per configuration)');
  });

  it('kshim start --out naming a file is one line and exit 2, before anything runs', () => {
    const file = scenarioFile({});
    refused(['start', '--out', file, '--tree', 'mainline'], `kshim: --out ${file}: exists and is not a directory; name a directory for the HTML report (default reports)`);
  });

  it('a scenario file that cannot be read points at the examples where they are, from inside or outside the checkout', () => {
    refused(['run', 'scenarios/nosuch.json'], 'kshim: scenarios/nosuch.json: cannot read the scenario file (ENOENT); scenarios/ has examples');
    const elsewhere = mkdtempSync(join(tmpdir(), 'kshim-'));
    const r = spawnSync(process.execPath, [KSHIM, 'run', 'nosuch.json'], { cwd: elsewhere, encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal(`kshim: nosuch.json: cannot read the scenario file (ENOENT); ${join(ROOT, 'scenarios')}/ has examples\n`);
  });

  it('kshim start --out an absolute directory outside the checkout names the report by that path, not by ../..', () => {
    const out = mkdtempSync(join(tmpdir(), 'kshim-start-'));
    const r = kshim('start', '--out', out, '--tree', 'mainline');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`\nHTML report: ${join(out, 'base-expectations.html')}\n`);
  });

  it('kshim start --tree mainline --tree mainline judges mainline once: one row, not two', () => {
    const r = kshim('start', '--out', mkdtempSync(join(tmpdir(), 'kshim-start-')), '--tree', 'mainline', '--tree', 'mainline');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('mainline '))).to.deep.equal(['mainline  ✓   ✓   ✓   ✓   ✓   ✓']);
  });

  it('kshim start --out where no directory can be made is one line and exit 2, not a hang (mkdir -p under /proc)', function () {
    if (process.platform !== 'linux') this.skip();
    const r = spawnSync(process.execPath, [KSHIM, 'start', '--out', '/proc/kshim/reports', '--tree', 'mainline'], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(r.signal, 'kshim start did not return').to.equal(null);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('kshim: --out /proc/kshim/reports: cannot create the report directory (ENOENT)\n');
  });

  it('an unknown --tree is blamed on --tree, not on the file, by every command that takes a scenario', () => {
    for (const cmd of [['run'], ['explore'], ['replay', '--schedule', 't.'], ['timeline'], ['shell']]) {
      refused([cmd[0]!, 'scenarios/mainline-builtin.json', ...cmd.slice(1), '--tree', 'nosuch'], /^kshim: --tree nosuch: unknown tree \(known: base, v7\/1, .*\bmainline\b.*\)$/);
    }
  });

  it('--json with --show, and a --show view that does not exist, are usage errors before anything runs', () => {
    refused(['run', 'scenarios/mainline-builtin.json', '--json', '--show', 'owners'], 'kshim: --json and --show owners: give one of them (--json prints everything as one JSON object)');
    refused(['replay', 'scenarios/mainline-builtin.json', '--schedule', 't.', '--json', '--show', 'dmesg'], /^kshim: --json and --show dmesg: give one of them/);
    refused(['run', 'scenarios/nosuch.json', '--show', 'iomm'], 'kshim: --show iomm: expected iomem, sysfs, dmesg, owners or config');
  });

  it('an option that takes one value, given twice with different values, is a usage error naming both, not "the last one wins"', () => {
    const s = 'scenarios/mainline-builtin.json';
    refused(['run', s, '--tree', 'v8/7', '--tree', 'mainline'], 'kshim: --tree mainline: --tree v8/7 is given too; give --tree once');
    refused(['timeline', s, '--out', 'a.html', '--out', 'b.html'], 'kshim: --out b.html: --out a.html is given too; give --out once');
    refused(['replay', s, '--schedule', 't.', '--schedule', 'u.'], 'kshim: --schedule u.: --schedule t. is given too; give --schedule once');
    refused(['explore', s, '--strategy', 'random', '--strategy', 'pct'], 'kshim: --strategy pct: --strategy random is given too; give --strategy once');
    // The same value twice says one thing, and runs.
    const same = kshim('run', s, '--tree', 'mainline', '--tree', 'mainline', '--show', 'owners', '--show', 'owners');
    expect(same.status, same.stderr).to.equal(0);
    expect(same.stdout).to.match(/^Soft Reserved range {7}owner\n0x850000000-0x284fffffff {2}dax_hmem\n/);
  });

  it('a schedule id that does not parse is blamed on --schedule', () => {
    refused(['replay', 'scenarios/mainline-builtin.json', '--schedule', 't.1a'], 'kshim: --schedule t.1a: bad choice "1a"; a field is one digit L, the choice point in base 36, then the candidate in its last L characters: t.1h2 took candidate 2 at choice point 17 (docs/scheduler.md)');
    // Two candidates for one choice point: the run cannot have taken both.
    refused(['replay', 'scenarios/mainline-builtin.json', '--schedule', 't.1h1.1h2'], 'kshim: --schedule t.1h1.1h2: choice point 17 is given twice ("1h1" and "1h2"); a run takes one candidate there');
    refused(['timeline', 'scenarios/mainline-builtin.json', '--schedule', 'x'], /^kshim: --schedule x: malformed: expected "t\." or "u\."/);
  });

  it('a --set symbol no tree has is blamed on --set, and a --set without = is a usage error', () => {
    refused(['run', 'scenarios/mainline-builtin.json', '--set', 'CXL_REGON=y'], /^kshim: --set CXL_REGON=y: not a Kconfig symbol of any tree; did you mean CXL_REGION\?/);
    refused(['run', 'scenarios/mainline-builtin.json', '--set', 'CXL_REGION'], 'kshim: --set CXL_REGION: expected SYMBOL=y, SYMBOL=m or SYMBOL=n');
  });

  it('--cmdline with a driver_async_probe= name no driver of the tree has is one line and exit 2, as module_blacklist= is; before the boot, for run and explore', () => {
    const drivers = 'driver names as /sys/bus/*/drivers/ lists them: cxl_acpi, cxl_dax_region, cxl_mem, cxl_pci, cxl_port, cxl_region, device_dax, hmem, hmem_platform, kmem; * for every driver';
    for (const cmd of ['run', 'explore']) {
      refused([cmd, 'scenarios/mainline-builtin.json', '--cmdline', 'driver_async_probe=hmem,nosuch'], `kshim: --cmdline "driver_async_probe=hmem,nosuch": "driver_async_probe": nosuch is not a driver of this tree (${drivers})`);
    }
    refused(['run', 'scenarios/mainline-builtin.json', '--cmdline', 'module_blacklist=nosuch'], /^kshim: --cmdline "module_blacklist=nosuch": "module_blacklist": nosuch is not a module of this tree/);
    const ok = kshim('run', 'scenarios/mainline-builtin.json', '--cmdline', 'driver_async_probe=*,cxl_pci', '--show', 'owners');
    expect(ok.status, ok.stderr).to.equal(0);
  });

  it('m for a bool symbol is bad input, exit 2 naming --set or the file\'s field, for every command that takes --set; a value Kconfig lowers for a dependency stays a note', () => {
    refused(['run', 'scenarios/mainline-builtin.json', '--set', 'CXL_REGION=m'], 'kshim: --set CXL_REGION=m: CXL_REGION is a bool in tree mainline, so it takes y or n, not m');
    refused(['run', 'scenarios/mainline-builtin.json', '--set', 'MODULES=m', '--show', 'owners'], 'kshim: --set MODULES=m: MODULES is a bool in tree mainline, so it takes y or n, not m');
    refused(['explore', 'scenarios/mainline-builtin.json', '--set', 'CONFIG_DEBUG_KOBJECT_RELEASE=m'], 'kshim: --set CONFIG_DEBUG_KOBJECT_RELEASE=m: DEBUG_KOBJECT_RELEASE is a bool in tree mainline, so it takes y or n, not m');
    const file = scenarioFile({ tree: 'mainline', config: { CXL_REGION: 'm' }, firmware: { softReserved: [] } });
    refused(['run', file], `kshim: ${file}: config.CXL_REGION: CXL_REGION is a bool in tree mainline, so it takes y or n, not m`);
  });

  it('with --json and --show, the values Kconfig changed are notes on stderr, one line each; the full output lists them itself', () => {
    const json = kshim('run', 'scenarios/mainline-builtin.json', '--set', 'CXL_ACPI=m', '--set', 'DEV_DAX_HMEM=y', '--json');
    expect(json.status).to.equal(0);
    expect(json.stderr).to.equal('kshim: --set DEV_DAX_HMEM=y: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)\n');
    const show = kshim('run', 'scenarios/kconfig-x-or-not-x.json', '--show', 'owners');
    expect(show.status).to.equal(0);
    expect(show.stderr).to.equal('kshim: scenarios/kconfig-x-or-not-x.json: config.DEV_DAX_HMEM: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)\n');
    const full = kshim('run', 'scenarios/kconfig-x-or-not-x.json');
    expect(full.stderr).to.equal('');
    expect(full.stdout.split('\n')[1]).to.equal('config: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)');
  });

  it('kshim run shows each step after boot with its exit status and what modprobe printed', () => {
    const file = scenarioFile({ tree: 'mainline', config: { DEV_DAX_CXL: 'n' }, firmware: { softReserved: [] }, steps: ['boot', 'modprobe dax_cxl', 'modprobe -r dax_hmem'] });
    const r = kshim('run', file);
    expect(r.status, r.stderr).to.equal(0);
    const out = r.stdout.split('\n');
    const at = out.indexOf('== steps ==');
    expect(at).to.be.greaterThan(0);
    expect(out.slice(at, at + 4)).to.deep.equal([
      '== steps ==',
      'modprobe dax_cxl: exit 1: modprobe: FATAL: Module dax_cxl not found in directory /lib/modules/7.0.0-kshim',
      'modprobe -r dax_hmem: exit 1: modprobe: FATAL: Module dax_hmem is builtin.',
      '',
    ]);
    refused(['run', scenarioFile({ tree: 'mainline', steps: ['boot', 'modprobe nosuch'] })], /: steps\[1\]: "nosuch" is not a module of tree mainline; its modules: device_hmem, dax_hmem, /);
  });

  it('kshim run --json and kshim replay --json add the steps after boot (command, exit status, output) and how the run ended, after every key they had', () => {
    const file = scenarioFile({ tree: 'mainline', config: { DEV_DAX_CXL: 'n' }, firmware: { softReserved: [] }, steps: ['boot', 'modprobe dax_cxl', 'modprobe -r dax_hmem'] });
    const keys = ['tree', 'config', 'build', 'softReserved', 'daxRegions', 'iomem', 'warnings', 'leaks', 'dmesg', 'schedule', 'steps', 'end'];
    for (const args of [['run', file, '--json'], ['replay', file, '--schedule', 't.', '--json']]) {
      const r = kshim(...args);
      expect(r.status, r.stderr).to.equal(0);
      const j = JSON.parse(r.stdout) as { steps: unknown; end: string };
      expect(Object.keys(j), args[0]).to.deep.equal(keys);
      // The same steps as "== steps ==" of the text view lists.
      expect(j.steps, args[0]).to.deep.equal([
        { command: 'modprobe dax_cxl', exit: 1, output: ['modprobe: FATAL: Module dax_cxl not found in directory /lib/modules/7.0.0-kshim'] },
        { command: 'modprobe -r dax_hmem', exit: 1, output: ['modprobe: FATAL: Module dax_hmem is builtin.'] },
      ]);
      expect(j.end, args[0]).to.equal('idle');
    }
    // A build that failed ran no step and booted nothing.
    const failed = JSON.parse(kshim('run', 'scenarios/kconfig-x-or-not-x.json', '--tree', 'v8', '--json').stdout) as { build: { ok: boolean }; steps: unknown[]; end: string };
    expect([failed.build.ok, failed.steps, failed.end]).to.deep.equal([false, [], 'not-booted']);
  });

  it('kshim explore --json gives each outcome the deviations of its shortest schedule, as the text spells them out', () => {
    const file = 'scenarios/mainline-modular-kmod19.json';
    const j = JSON.parse(kshim('explore', file, '--json').stdout) as { outcomes: Array<{ signature: string; schedule: string; deviations: string[] }> };
    const text = kshim('explore', file).stdout.split('\n');
    expect(j.outcomes.map((o) => Object.keys(o))).to.deep.equal(j.outcomes.map(() => ['signature', 'owners', 'warnings', 'count', 'schedule', 'deviations']));
    expect(j.outcomes.map((o) => o.deviations.length)).to.deep.equal([1, 0]);
    for (const o of j.outcomes) {
      // The text lists the same lines under the class's signature, before its replay line.
      const at = text.indexOf(`  ${o.signature}`);
      const replay = text.indexOf(`    replay: kshim replay ${file} --schedule ${o.schedule}`, at);
      expect(text.slice(at + 2, replay), o.signature).to.deep.equal(o.deviations.map((l) => `      ${l}`));
    }
    expect(j.outcomes[0]!.deviations[0]).to.match(/^at 3\.\d{6}: \S+ \(module cxl_mem\) ran before \S+ \(module dax\)$/);
  });

  it('kshim explore: --runs and --depth are at least 1, and an option of another strategy is a usage error', () => {
    const file = 'scenarios/mainline-builtin.json';
    refused(['explore', file, '--runs', '0'], 'kshim: --runs 0: expected a positive integer');
    refused(['explore', file, '--strategy', 'pct', '--depth', '0'], 'kshim: --depth 0: expected a positive integer');
    // A seed past 32 bits would alias a smaller one in the generator; past 2^53 two seeds would be one number.
    refused(['explore', file, '--strategy', 'random', '--seed', '4294967296'], 'kshim: --seed 4294967296: expected an integer from 0 to 4294967295 (the seed of a 32-bit generator)');
    refused(['explore', file, '--runs', '99999999999999999999'], 'kshim: --runs 99999999999999999999: expected an integer from 1 to 9007199254740991');
    refused(['explore', file, '--depth', '2'], 'kshim: --depth 2: only with --strategy pct, not exhaustive');
    refused(['explore', file, '--seed', '7'], 'kshim: --seed 7: only with --strategy random or pct, not exhaustive');
    refused(['explore', file, '--strategy', 'random', '--bound', '1'], 'kshim: --bound 1: only with --strategy exhaustive, not random');
    refused(['explore', file, '--strategy', 'pct', '--bound', '1'], 'kshim: --bound 1: only with --strategy exhaustive, not pct');
    refused(['explore', file, '--strategy', 'random', '--depth', '2'], 'kshim: --depth 2: only with --strategy pct, not random');
    expect(kshim('explore', file, '--strategy', 'pct', '--depth', '2', '--seed', '3', '--runs', '2').status).to.equal(0);
  });

  it('kshim explore says when an exhaustive search stopped at its budget and how to raise it; --help shows the default budget', () => {
    const r = kshim('explore', 'scenarios/mainline-modular.json', '--runs', '3');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.split('\n')[0]).to.match(/^3 schedules explored \(exhaustive\), not complete: stopped at the budget of 3 runs \(--runs N raises it\); \d+ outcome class/);
    expect(kshim('explore', '--help').stdout.replace(/\s+/g, ' ')).to.contain('the run budget of exhaustive (default 20000)');
  });

  it('kshim explore on a terminal shows its progress as done/total ("12/3000 schedules"), not the two numbers run together ("123000")', () => {
    const terminal = (isTTY: boolean) => {
      const stream = Object.assign(new Writable({ write: (chunk: Buffer, _enc, done) => ((stream.text += String(chunk)), done()) }), { isTTY, columns: 120, text: '' });
      return stream;
    };
    const tty = terminal(true);
    const bar = progressBar(tty)!;
    bar.start(3000, '');
    bar.update(12);
    bar.stop();
    expect(tty.text).to.contain('] 0/3000 schedules');
    expect(tty.text).to.contain('] 12/3000 schedules');
    // An exhaustive search may stop sooner: its total is a budget, and the bar says so.
    const budget = terminal(true);
    const exhaustive = progressBar(budget)!;
    exhaustive.start(20000, ' at most (the budget of --runs)');
    exhaustive.stop();
    expect(budget.text).to.contain('] 0/20000 schedules at most (the budget of --runs)');
    // Not a terminal (a pipe, a file): no bar at all.
    expect(progressBar(terminal(false))).to.equal(undefined);
  });

  it('kshim explore --bound N that cut the search says it is not complete, in the text and in --json ("complete": false, "bound": N); a bound that cut nothing is complete', () => {
    // kmod19 has two outcome classes (findings.md section 1); --bound 0 runs only the default order and finds one.
    const file = 'scenarios/mainline-modular-kmod19.json';
    const text = kshim('explore', file, '--bound', '0');
    expect(text.status, text.stderr).to.equal(0);
    expect(text.stdout.split('\n')[0]).to.equal('1 schedule explored (exhaustive), not complete: complete only up to 0 deviations from the default order (--bound 0 left out schedules with more); 1 outcome class:');
    const json = kshim('explore', file, '--bound', '1', '--json');
    expect(json.status, json.stderr).to.equal(0);
    const j = JSON.parse(json.stdout) as { schedulesExplored: number; complete: boolean; bound: number; outcomes: unknown[] };
    expect(Object.keys(j)).to.deep.equal(['schedulesExplored', 'complete', 'bound', 'outcomes']);
    expect(j.complete).to.equal(false);
    expect(j.bound).to.equal(1);
    // Enough deviations for every schedule: the bound cut nothing, and the search is the unbounded one.
    const wide = JSON.parse(kshim('explore', file, '--bound', '40', '--json').stdout) as { schedulesExplored: number; complete: boolean; outcomes: unknown[] };
    expect([wide.schedulesExplored, wide.complete, wide.outcomes.length]).to.deep.equal([112, true, 2]);
    const unbounded = JSON.parse(kshim('explore', file, '--json').stdout) as Record<string, unknown>;
    expect(Object.keys(unbounded)).to.deep.equal(['schedulesExplored', 'complete', 'outcomes']);
  });
});
