// SPDX-License-Identifier: GPL-2.0-only
/**
 * kshim shell: the commands through Shell.exec(), then the real thing in a
 * terminal, driven through tmux (send-keys, capture-pane): prompt, output,
 * tab completion, history and exit. .ci/run installs tmux when it is
 * missing; without it the terminal test fails, naming tmux.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMPT, Shell, shellCommand } from '../../cli/shell.js';
import { moduleSize } from '../../cli/shell-modules.js';
import { formatModuleAddress } from '../../framework/kernel/module/layout.js';
import { runScenario } from '../../harness/run.js';
import { parseScenario, validateScenario, type Scenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function scenario(file: string): Scenario {
  return validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8')), file);
}

async function shell(file: string): Promise<Shell> {
  const s = scenario(file);
  return new Shell(s, await runScenario(s));
}

describe('kshim shell: commands', () => {
  it('cat /proc/iomem, ls under /sys, cat of an attribute, owners, and modprobe -r of a built-in module', async () => {
    const s = scenario('mainline-builtin.json');
    const run = await runScenario(s);
    const sh = new Shell(s, run);
    expect(await sh.exec('cat /proc/iomem')).to.equal(run.result.iomem.trimEnd());
    const region = run.result.daxRegions[0]!;
    const dev = region.path.split('/').pop()!;
    const bus = run.machine!.kernel.base.core.allDevices.find((d) => d.name === dev)!.bus!.name;
    expect((await sh.exec(`ls /sys/bus/${bus}/devices`))!.split('\n')).to.include(dev);
    expect(await sh.exec(`ls -l /sys/bus/${bus}/devices/${dev}`)).to.contain(`driver -> ../../../../`);
    expect(await sh.exec(`cat /sys/devices/${region.path}/dax_region/id`)).to.equal(String(region.id));
    expect(await sh.exec('cat /sys/nope')).to.equal('cat: /sys/nope: No such file or directory');
    expect(await sh.exec('cat /sys/bus')).to.equal('cat: /sys/bus: Is a directory');
    expect(await sh.exec('owners')).to.match(new RegExp(`^Soft Reserved range +owner\\n0x850000000-0x284fffffff +${run.result.softReserved[0]!.owner}`));
    expect(await sh.exec('modprobe -r dax_cxl')).to.equal('modprobe: FATAL: Module dax_cxl is builtin.');
    expect(await sh.exec('frobnicate')).to.equal('kshim shell: frobnicate: command not found (try help)');
    expect(await sh.exec('exit')).to.equal(null);
  });

  it('cat of a dax device\'s attributes prints one value each; its write-only mapping file is "Permission denied" with status 1', async () => {
    const sh = await shell('mainline-modular.json');
    const dax = '/sys/bus/dax/devices/dax0.0';
    expect(await sh.exec(`cat ${dax}/size ${dax}/target_node ${dax}/resource ${dax}/numa_node ${dax}/align`)).to.equal('137438953472\n1\n0x850000000\n-1\n2097152');
    const mapping = await sh.execute(`cat ${dax}/mapping`);
    expect(mapping.output).to.deep.equal([{ fd: 2, text: `cat: ${dax}/mapping: Permission denied` }]);
    expect(mapping.status).to.equal(1);
  });

  it('modprobe -r removes a module and what it leaves unused; dmesg -c prints only what is new', async () => {
    const sh = await shell('mainline-modular.json');
    expect(await sh.exec('lsmod')).to.match(/^dax_cxl +\d+  0$/m);
    const all = (await sh.exec('dmesg -c'))!.split('\n');
    expect(all[0]).to.match(/^\[ +0\.000000\] /);
    expect(await sh.exec('dmesg -c')).to.equal('');
    const out = (await sh.exec('modprobe -r dax_cxl'))!;
    expect(out).to.match(/^\(\d+ new dmesg lines; dmesg -c shows them\)$/);
    expect(await sh.exec('lsmod')).to.not.match(/^dax_cxl /m);
    const fresh = (await sh.exec('dmesg -c'))!;
    expect(fresh).to.contain("bus: 'cxl': remove driver cxl_dax_region");
    expect(fresh.split('\n').length).to.equal(Number(/\d+/.exec(out)![0]));
    expect(await sh.exec('rmmod dax_cxl')).to.equal('rmmod: ERROR: Module dax_cxl is not currently loaded');
    expect(await sh.exec('rmmod cxl_core')).to.match(/^rmmod: ERROR: Module cxl_core is in use by: /);
  });

  it('a command with & only starts its task; step runs one scheduler step, run the rest', async () => {
    const sh = await shell('mainline-modular.json');
    await sh.exec('modprobe -r dax_cxl');
    const started = (await sh.exec('modprobe dax_cxl &'))!;
    const pid = /^\[(\d+)\] modprobe$/.exec(started)![1];
    expect(await sh.exec('ps')).to.match(new RegExp(`^ +${pid} modprobe +ready$`, 'm'));
    const step = (await sh.exec('step'))!;
    expect(step).to.match(new RegExp(`^step \\d+: modprobe \\(pid ${pid}\\) ran at \\d+\\.\\d{6} s, now sleeping until \\d+\\.\\d{6} s$`, 'm'));
    expect(await sh.exec('lsmod')).to.not.match(/^dax_cxl /m);
    expect(await sh.exec('run')).to.match(/idle at \d+\.\d{6} s$/);
    expect(await sh.exec('lsmod')).to.match(/^dax_cxl +\d+  0$/m);
    expect(await sh.exec('step')).to.equal('nothing to run (idle)');
    expect(await sh.exec('ls &')).to.equal('kshim shell: ls: only modprobe and rmmod can run in the background');
  });

  it('completes commands, module names and /sys paths', async () => {
    const sh = await shell('mainline-modular.json');
    expect(sh.complete('lsm')).to.deep.equal([['lsmod '], 'lsm']);
    expect(sh.complete('modprobe -r dax_c')).to.deep.equal([['dax_cxl '], 'dax_c']);
    expect(sh.complete('ls /sys/bus/da')).to.deep.equal([['/sys/bus/dax/'], '/sys/bus/da']);
    expect(sh.complete('cat /proc/io')).to.deep.equal([['/proc/iomem'], '/proc/io']);
    expect(sh.complete('ls /sys/bus/dax/d')[0]).to.deep.equal(['/sys/bus/dax/devices/', '/sys/bus/dax/drivers/']);
  });
});

/** `printf INPUT | kshim shell FILE`, in process: the exit status and what went to standard output and error. */
async function pipeInto(file: string, input: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const text = (s: PassThrough): (() => string) => {
    const chunks: string[] = [];
    s.on('data', (c: Buffer) => chunks.push(c.toString()));
    return () => chunks.join('');
  };
  const output = new PassThrough();
  const errput = new PassThrough();
  const stdout = text(output);
  const stderr = text(errput);
  const status = await shellCommand(join(ROOT, 'scenarios', file), { set: [] }, { input: Readable.from([input]), output, errput });
  return { status, stdout: stdout(), stderr: stderr() };
}

describe('kshim shell: exit status', () => {
  it('each command sets $? as the real tool does; error messages go to standard error', async () => {
    const sh = await shell('mainline-modular.json');
    const status = async (line: string): Promise<number> => (await sh.execute(line)).status;
    expect(await status('modprobe nosuch')).to.equal(1);
    expect(await status('lsmod')).to.equal(0);
    expect(await status('rmmod dax_hmem')).to.equal(1);
    expect(await status('frobnicate')).to.equal(127);
    expect(sh.status).to.equal(127);
    expect(await status('')).to.equal(127); // an empty line leaves $? alone
    expect(await status('modprobe -r dax_cxl')).to.equal(0);
    expect(await status('modprobe dax_cxl')).to.equal(0);
    expect(await status('modprobe -r dax_cxl &')).to.equal(0);
    expect(await status('run')).to.equal(0);

    const cat = await sh.execute('cat /proc/iomem /nope');
    expect(cat.status).to.equal(1);
    expect(cat.output.filter((o) => o.fd === 2)).to.deep.equal([{ fd: 2, text: 'cat: /nope: No such file or directory' }]);
    expect(cat.output.filter((o) => o.fd === 1)[0]!.text).to.match(/^[0-9a-f]+-[0-9a-f]+ : CXL Window 0$/);
    expect((await sh.execute('cat /sys/bus')).status).to.equal(1);

    const ls = await sh.execute('ls /nope /proc');
    expect(ls.status).to.equal(2);
    expect(ls.output).to.deep.include({ fd: 2, text: "ls: cannot access '/nope': No such file or directory" });
    expect(ls.output).to.deep.include({ fd: 1, text: 'iomem' });

    const rm = await sh.execute('rmmod cxl_core');
    expect(rm.status).to.equal(1);
    expect(rm.output[0]).to.deep.equal({ fd: 2, text: 'rmmod: ERROR: Module cxl_core is in use by: cxl_port cxl_acpi cxl_mem cxl_pci' });
  });

  it('exit N leaves with N (modulo 256); exit alone, and the end of input, with the status of the last command', async () => {
    const sh = await shell('mainline-builtin.json');
    expect(await sh.execute('exit 3')).to.deep.equal({ output: [], status: 3, exit: true });
    expect((await sh.execute('exit 300')).status).to.equal(44);
    expect((await sh.execute('exit -1')).status).to.equal(255);
    expect(await sh.execute('exit foo')).to.deep.equal({ output: [{ fd: 2, text: 'kshim shell: exit: foo: numeric argument required' }], status: 2, exit: true });
    expect(await sh.execute('exit 1 2')).to.deep.equal({ output: [{ fd: 2, text: 'kshim shell: exit: too many arguments' }], status: 1, exit: false });
    await sh.execute('cat /nope');
    expect(await sh.execute('exit')).to.deep.equal({ output: [], status: 1, exit: true });

    const failed = await pipeInto('mainline-modular.json', 'modprobe nosuch\n');
    expect(failed.status).to.equal(1);
    expect(failed.stderr).to.equal('modprobe: FATAL: Module nosuch not found in directory /lib/modules/7.0.0-kshim\n');
    const last = await pipeInto('mainline-modular.json', 'modprobe nosuch\nlsmod\n');
    expect(last.status).to.equal(0);
    expect(last.stdout).to.match(/^dax_cxl /m);
    const exited = await pipeInto('mainline-builtin.json', 'exit 7\nfrobnicate\n');
    expect(exited).to.include({ status: 7, stderr: '' });
  });

  it('kshim shell exits with the status of its last command (a real process)', function () {
    this.timeout(30_000);
    const r = spawnSync(process.execPath, ['bin/kshim.js', 'shell', 'scenarios/mainline-builtin.json'], { cwd: ROOT, encoding: 'utf8', input: 'lsmod\nfrobnicate\n' });
    expect(r.status).to.equal(127);
    expect(r.stderr).to.equal('kshim shell: frobnicate: command not found (try help)\n');
    expect(spawnSync(process.execPath, ['bin/kshim.js', 'shell', 'scenarios/mainline-builtin.json'], { cwd: ROOT, encoding: 'utf8', input: 'exit 42\n' }).status).to.equal(42);
  });
});

describe('kshim shell: options and arguments', () => {
  /** What a line printed to standard error, and its status. */
  async function refused(sh: Shell, line: string): Promise<[string, number]> {
    const r = await sh.execute(line);
    expect(r.output.filter((o) => o.fd === 1), `${line} prints nothing to standard output`).to.deep.equal([]);
    return [r.output.map((o) => o.text).join('\n'), r.status];
  }

  it('an unknown option or a stray argument gets the tool\'s message and usage status, and the command does nothing', async () => {
    const sh = await shell('mainline-modular.json');
    expect(await refused(sh, 'ls -z')).to.deep.equal(["ls: invalid option -- 'z'\nTry 'help ls' for more information.", 2]);
    expect(await refused(sh, 'ls --long /sys')).to.deep.equal(["ls: unrecognized option '--long'\nTry 'help ls' for more information.", 2]);
    expect(await refused(sh, 'dmesg -z')).to.deep.equal(["dmesg: invalid option -- 'z'\nTry 'help dmesg' for more information.", 1]);
    expect(await refused(sh, 'dmesg now')).to.deep.equal(["dmesg: bad usage\nTry 'help dmesg' for more information.", 1]);
    expect(await refused(sh, 'dmesg -l')).to.deep.equal(["dmesg: option requires an argument -- 'l'\nTry 'help dmesg' for more information.", 1]);
    expect(await refused(sh, 'dmesg -l warning')).to.deep.equal(["dmesg: unknown level 'warning'", 1]);
    expect(await refused(sh, 'cat -n /proc/iomem')).to.deep.equal(["cat: invalid option -- 'n'\nTry 'help cat' for more information.", 1]);
    expect(await refused(sh, 'lsmod -v')).to.deep.equal(['Usage: lsmod', 1]);
    expect(await refused(sh, 'rmmod')).to.deep.equal(['rmmod: ERROR: missing module name.', 1]);
    expect(await refused(sh, 'rmmod -f dax_cxl')).to.deep.equal(["rmmod: invalid option -- 'f'\nTry 'help rmmod' for more information.", 1]);
    expect(await refused(sh, 'modprobe --force dax_cxl')).to.deep.equal(["modprobe: unrecognized option '--force'\nTry 'help modprobe' for more information.", 1]);
    expect(await refused(sh, 'modprobe -r')).to.deep.equal(['usage: modprobe [-q] NAME [PARAM=VALUE ...] | modprobe -r [-q] NAME...', 1]);
    expect(await refused(sh, 'modprobe -q')).to.deep.equal(['usage: modprobe [-q] NAME [PARAM=VALUE ...] | modprobe -r [-q] NAME...', 1]);
    for (const cmd of ['step', 'run', 'ps', 'sysfs', 'owners']) {
      expect(await refused(sh, `${cmd} extra`)).to.deep.equal([`usage: ${cmd}`, 2]);
      expect(await refused(sh, `${cmd} -x`)).to.deep.equal([`usage: ${cmd}`, 2]);
    }
    expect(await refused(sh, 'help me')).to.deep.equal(["kshim shell: help: no help topics match 'me'.  Try 'help'.", 1]);
    // Nothing ran: no module went away, the log was not cleared.
    expect(await sh.exec('lsmod')).to.match(/^dax_cxl /m);
    expect((await sh.exec('dmesg'))!.split('\n')[0]).to.match(/^\[ +0\.000000\] Linux version/);
  });

  it('modprobe -r NAME... removes the modules in turn in one task, as kmod\'s rmmod_all() does, going on after one fails (status 1)', async () => {
    const sh = await shell('mainline-modular.json');
    const r = await sh.execute('modprobe -r nosuch dax_cxl kmem');
    expect(r.output.filter((o) => o.fd === 2).map((o) => o.text)).to.deep.equal(['modprobe: FATAL: Module nosuch not found.']);
    expect(r.status).to.equal(1);
    const left = (await sh.exec('lsmod'))!;
    expect(left).to.not.match(/^(dax_cxl|kmem|dax_hmem) /m);
    expect(await sh.exec('modprobe -r -q dax_cxl')).to.equal('');
    expect(sh.status).to.equal(1);
    expect(await sh.exec('help modprobe')).to.contain('  modprobe -r [-q] NAME...\n                           remove modules in turn, each then its unused dependencies, in one task (then runs until idle)');
  });

  it('DEBUG_KOBJECT_RELEASE: modprobe -r dax_hmem kmem device_dax takes dax.ko out while mapping0\'s release is pending, and the kworker that runs it oopses; one command per module does not, since each runs until idle and the releases run in between', async () => {
    const file = join(ROOT, 'scenarios', 'cmdline-modular.json');
    const s = parseScenario(readFileSync(file, 'utf8'), 'cmdline-modular.json', { set: { DEBUG_KOBJECT_RELEASE: 'y' } });
    const one = new Shell(s, await runScenario(s));
    expect((await one.exec('modprobe -r dax_hmem kmem device_dax'))!.split('\n')).to.deep.equal([
      '[   14.020000] Oops: int3: 0000 [#1] SMP KASAN NOPTI',
      '(22 new dmesg lines; dmesg -c shows them)',
    ]);
    expect((await one.exec('dmesg | grep -E "RIP|Modules linked in"'))!.split('\n')).to.deep.equal([
      '[   14.020000] RIP: 0010:0xffffffffc0004591',
      '[   14.020000] Modules linked in: cxl_pci cxl_mem cxl_acpi cxl_port cxl_core [last unloaded: dax]',
      '[   14.020000] RIP: 0010:0xffffffffc0004591',
    ]);
    const each = new Shell(s, await runScenario(s));
    for (const name of ['dax_hmem', 'kmem', 'device_dax']) await each.exec(`modprobe -r ${name}`);
    expect(await each.exec('dmesg | grep -c Oops')).to.equal('0');
    expect(await each.exec('lsmod')).to.not.match(/^dax /m);
  });

  it('options real tools have and that are cheap here: modprobe -q, rmmod of several modules, ls -1, dmesg -C, -x and -l, help COMMAND', async () => {
    const sh = await shell('workqueue-flush-v7.json');
    expect(await sh.execute('modprobe -q nosuch')).to.deep.equal({ output: [], status: 1, exit: false });
    expect(await sh.exec('ls -1 /proc')).to.equal('cmdline\niomem\nmodules');
    expect(await sh.exec('ls /proc/iomem /proc /sys/bus/dax')).to.equal('/proc/iomem\n\n/proc:\ncmdline\niomem\nmodules\n\n/sys/bus/dax:\ndevices\ndrivers');

    const all = (await sh.exec('dmesg'))!.split('\n');
    const decoded = (await sh.exec('dmesg --decode'))!.split('\n');
    expect(decoded[0]).to.equal(`kern  :notice: ${all[0]}`);
    expect(decoded.length).to.equal(all.length);
    const warn = (await sh.exec('dmesg -x -l err,warn'))!.split('\n');
    expect(warn.length).to.be.above(0);
    for (const l of warn) expect(l).to.match(/^kern  :(err|warn)  : \[/);
    expect(await sh.exec('dmesg --level=3,4')).to.equal(warn.map((l) => l.slice('kern  :warn  : '.length)).join('\n'));
    expect(await sh.exec('dmesg -C')).to.equal('');
    expect(await sh.exec('dmesg')).to.equal('');

    expect(await sh.exec('help dmesg')).to.match(/^  dmesg \[-c\|-C\] \[-x\] \[-l LEVEL\[,LEVEL\.\.\.\]\]\n {27}the kernel log; /);
    expect(await sh.exec('help modprobe exit')).to.equal(
      // A command's entry, with the continuation lines under it.
      (await sh.exec('help'))!.split('\n').filter((l, i, all) => /^  (modprobe|exit) /.test(l) || (/^ {27}/.test(l) && /^  (modprobe|exit) /.test(all[i - 1]!))).join('\n'),
    );

    const mods = await shell('module-dependencies.json');
    const both = await mods.execute('rmmod dax_cxl cxl_mem');
    expect(both.status).to.equal(1);
    expect(both.output).to.deep.include({ fd: 2, text: 'rmmod: ERROR: Module cxl_mem is in use by: cxl_pci' });
    expect(await mods.exec('lsmod')).to.not.match(/^dax_cxl /m);
  });
});

describe('kshim shell: echo and $?', () => {
  it('echo $? prints the exit status of the command before it; "..." expands it, \'...\' and \\$? do not', async () => {
    const sh = await shell('mainline-modular.json');
    await sh.execute('modprobe nosuch');
    expect(await sh.exec('echo $?')).to.equal('1');
    // echo itself succeeded.
    expect(await sh.exec('echo $?')).to.equal('0');
    await sh.execute('frobnicate');
    expect(await sh.exec('echo "status $?" \'$?\' \\$? x$?y')).to.equal('status 127 $? $? x127y');
    await sh.execute('dmesg | grep -c "no such line"');
    expect(await sh.exec('echo $?')).to.equal('1');
    expect((await sh.execute('echo')).output).to.deep.equal([{ fd: 1, text: '' }]);
  });
});

describe('kshim shell: grep -E', () => {
  it('takes an extended regular expression: | ( ) + ? special unescaped, literal when escaped', async () => {
    const sh = await shell('mainline-modular.json');
    const log = (await sh.exec('dmesg'))!.split('\n');
    const out = async (line: string): Promise<string[]> => (await sh.execute(line)).output.map((o) => o.text);
    const drivers = log.filter((l) => /add driver cxl_(acpi|pci)$/.test(l));
    expect(drivers).to.have.length(2);
    expect(await out("dmesg | grep -E 'add driver cxl_(acpi|pci)$'")).to.deep.equal(drivers);
    expect(await out("dmesg | grep --extended-regexp 'add driver cxl_(acpi|pci)$'")).to.deep.equal(drivers);
    // Without -E the same pattern is literal parentheses and bar: nothing matches.
    expect((await sh.execute("dmesg | grep 'add driver cxl_(acpi|pci)$'")).status).to.equal(1);
    expect(await out("dmesg | grep -E '\\(kshim\\)'")).to.deep.equal(log.filter((l) => l.includes('(kshim)')));
    expect(await out("dmesg | grep -Ec 'region[0-9]+: committed'")).to.deep.equal([String(log.filter((l) => /region\d+: committed/.test(l)).length)]);
  });
});

describe('kshim shell: pipes', () => {
  it('| grep [-v] [-i] [-c], | head and | tail [-n N | -N], | wc -l, chained; the status is the last filter\'s', async () => {
    const sh = await shell('mainline-modular.json');
    const log = (await sh.exec('dmesg'))!.split('\n');
    expect(log.length).to.be.above(20);
    const lines = async (line: string): Promise<string[]> => {
      const r = await sh.execute(line);
      expect(r.output.every((o) => o.fd === 1), line).to.equal(true);
      return r.output.map((o) => o.text);
    };
    expect(await lines('dmesg | tail')).to.deep.equal(log.slice(-10));
    expect(await lines('dmesg | head')).to.deep.equal(log.slice(0, 10));
    expect(await lines('dmesg | tail -3')).to.deep.equal(log.slice(-3));
    expect(await lines('dmesg | tail -n 4')).to.deep.equal(log.slice(-4));
    expect(await lines('dmesg | tail -n -4')).to.deep.equal(log.slice(-4));
    expect(await lines('dmesg | tail -n +5')).to.deep.equal(log.slice(4));
    expect(await lines('dmesg | head -n2')).to.deep.equal(log.slice(0, 2));
    expect(await lines('dmesg | head --lines=-3')).to.deep.equal(log.slice(0, -3));
    const cxl = log.filter((l) => l.includes('cxl'));
    expect(await lines('dmesg | grep cxl')).to.deep.equal(cxl);
    expect(await lines('dmesg | grep cxl | tail -5')).to.deep.equal(cxl.slice(-5));
    expect(await lines('dmesg | grep -v cxl')).to.deep.equal(log.filter((l) => !l.includes('cxl')));
    expect(await lines('dmesg | grep -c cxl')).to.deep.equal([String(cxl.length)]);
    expect(await lines('dmesg | grep -ic CXL')).to.deep.equal([String(log.filter((l) => /cxl/i.test(l)).length)]);
    expect(await lines('dmesg | grep -vc cxl')).to.deep.equal([String(log.length - cxl.length)]);
    expect(await lines('dmesg | wc -l')).to.deep.equal([String(log.length)]);
    expect(await lines('dmesg | grep cxl | head -3 | wc -l')).to.deep.equal(['3']);
    // A basic regular expression: \| alternates, ( and [ in brackets are literal, quotes keep the blank.
    expect(await lines("dmesg | grep 'add driver kmem\\|Run /init'")).to.deep.equal(log.filter((l) => l.includes('add driver kmem') || l.includes('Run /init')));
    expect(await lines('dmesg | grep "region[0-9]: committed"')).to.deep.equal(log.filter((l) => /region\d: committed/.test(l)));
    expect(await lines("dmesg | grep '(kshim)'")).to.deep.equal(log.filter((l) => l.includes('(kshim)')));
    const iomem = (await sh.exec('cat /proc/iomem'))!.split('\n');
    expect(await lines("cat /proc/iomem | grep -c '^ '")).to.deep.equal([String(iomem.filter((l) => l.startsWith(' ')).length)]);

    expect((await sh.execute('dmesg | grep nosuchthing')).status).to.equal(1);
    expect((await sh.execute('dmesg | grep -c nosuchthing')).output).to.deep.equal([{ fd: 1, text: '0' }]);
    expect((await sh.execute('dmesg | grep -c nosuchthing')).status).to.equal(1);
    expect((await sh.execute('dmesg | grep nosuchthing | wc -l')).status).to.equal(0);
    // Standard error passes the pipe by; exit before a pipe leaves only its subshell.
    expect(await sh.execute('ls /nope /proc | wc -l')).to.deep.equal({ output: [{ fd: 2, text: "ls: cannot access '/nope': No such file or directory" }, { fd: 1, text: '4' }], status: 0, exit: false });
    expect(await sh.execute('exit 3 | wc -l')).to.deep.equal({ output: [{ fd: 1, text: '0' }], status: 0, exit: false });
    // dmesg -c in a pipeline clears as it does alone.
    expect(await lines('dmesg -c | wc -l')).to.deep.equal([String(log.length)]);
    expect(await lines('dmesg | wc -l')).to.deep.equal(['0']);
  });

  it('anything else after a pipe, redirection, ; and && are refused before the command runs; a filter with a bad option gets the tool\'s message', async () => {
    const sh = await shell('mainline-modular.json');
    const refused = async (line: string, text: string, status: number): Promise<void> => {
      expect(await sh.execute(line), line).to.deep.equal({ output: text.split('\n').map((t) => ({ fd: 2, text: t })), status, exit: false });
    };
    const pipeOnly = 'kshim shell: only grep, head, tail and wc -l can follow a pipe';
    await refused('dmesg -c | sort', pipeOnly, 2);
    await refused('dmesg -c | wc', pipeOnly, 2);
    await refused('dmesg -c | wc -w', pipeOnly, 2);
    await refused('dmesg -c | grep cxl | less', pipeOnly, 2);
    await refused('dmesg -c > /tmp/log', 'kshim shell: redirection (>) is not supported: commands print to the terminal, or through a pipe to grep, head, tail or wc -l', 2);
    await refused('dmesg -c 2>&1', 'kshim shell: redirection (>&) is not supported: commands print to the terminal, or through a pipe to grep, head, tail or wc -l', 2);
    await refused('cat < /proc/iomem', 'kshim shell: redirection (<) is not supported: commands print to the terminal, or through a pipe to grep, head, tail or wc -l', 2);
    await refused('dmesg -c; lsmod', 'kshim shell: ; is not supported: one command per line', 2);
    await refused('dmesg -c && lsmod', 'kshim shell: && is not supported: one command per line', 2);
    await refused('modprobe -r dax_cxl & lsmod', 'kshim shell: & is not supported: one command per line, and & only at its end', 2);
    await refused('modprobe -r dax_cxl | wc -l &', 'kshim shell: a pipeline cannot run in the background', 2);
    await refused('dmesg -c |', "kshim shell: syntax error near unexpected token '|'", 2);
    await refused('| grep x', "kshim shell: syntax error near unexpected token '|'", 2);
    await refused("dmesg -c | grep 'x", "kshim shell: unexpected EOF while looking for matching `''", 2);
    await refused('grep cxl', 'kshim shell: grep reads only a pipe here, as in: dmesg | grep PATTERN', 2);
    await refused('dmesg -c | grep', "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'help grep' for more information.", 2);
    await refused('dmesg -c | grep -F x', "grep: invalid option -- 'F'\nTry 'help grep' for more information.", 2);
    await refused('dmesg -c | grep "[x"', 'grep: Unmatched [, [^, [:, [., or [=', 2);
    await refused('dmesg -c | grep x /proc/iomem', 'kshim shell: grep: after a pipe it reads only the pipe, not files', 2);
    await refused('dmesg -c | head -n x', "head: invalid number of lines: 'x'", 1);
    await refused('dmesg -c | tail -n 2x', "tail: invalid number of lines: '2x'", 1);
    await refused('dmesg -c | tail -f', "tail: invalid option -- 'f'\nTry 'help tail' for more information.", 1);
    await refused('modprobe -r dax_cxl | sort', pipeOnly, 2);
    // None of them ran: dmesg -c did not clear, dax_cxl is still loaded.
    expect((await sh.exec('dmesg'))!.split('\n').length).to.be.above(20);
    expect(await sh.exec('lsmod')).to.match(/^dax_cxl /m);
    // A comment, and quotes around a word that is not special.
    await sh.execute('frobnicate');
    expect(await sh.execute('  # lsmod | sort')).to.deep.equal({ output: [], status: 127, exit: false });
    expect(await sh.exec('ls /proc # | sort')).to.equal('cmdline\niomem\nmodules');
    expect(await sh.exec("l's' '/proc'")).to.equal('cmdline\niomem\nmodules');
  });

  it('completes filter names after a pipe', async () => {
    const sh = await shell('mainline-builtin.json');
    expect(sh.complete('dmesg | gr')).to.deep.equal([['grep '], 'gr']);
    expect(sh.complete('dmesg | grep cxl | ')).to.deep.equal([['grep', 'head', 'tail', 'wc'], '']);
    expect(sh.complete('dmesg | grep cx')).to.deep.equal([[], 'cx']);
  });
});

describe('kshim shell: lsmod and /proc/modules', () => {
  it('lsmod prints Module, Size and Used by as kmod does; the size is made up from the port\'s source, the same on every boot', async () => {
    const sh = await shell('module-dependencies.json');
    const loader = sh.machine.loader;
    const lines = (await sh.exec('lsmod'))!.split('\n');
    expect(lines[0]).to.equal('Module                  Size  Used by');
    expect(lines.length - 1).to.equal(loader.modules.length);
    for (const [i, m] of loader.modules.entries()) {
      const size = moduleSize(loader, m.def);
      expect(size % 4096, `${m.name}: whole pages`).to.equal(0);
      expect(size, `${m.name}: more than the 8 KiB base`).to.be.above(8192);
      const users = [...m.holders].map((h) => h.name).join(',');
      // printf("%-19s %8lu  %d", ...) and the holders.
      expect(lines[i + 1]).to.equal(`${m.name.padEnd(19)} ${String(size).padStart(8)}  ${m.holders.size}${users ? ` ${users}` : ''}`);
    }
    expect(lines).to.include('cxl_mem                28672  1 cxl_pci');
    // Deterministic: another boot, the same sizes; a bigger port, a bigger module.
    const again = await shell('module-dependencies.json');
    expect(await again.exec('lsmod')).to.equal(lines.join('\n'));
    const size = (name: string): number => moduleSize(loader, loader.find(name)!.def);
    expect(size('cxl_core')).to.be.above(size('cxl_pci'));
  });

  it('cat /proc/modules: name, size, refcount, users each with a comma (or -), state and the module\'s address, as root reads them', async () => {
    const sh = await shell('module-dependencies.json');
    const loader = sh.machine.loader;
    const proc = (await sh.exec('cat /proc/modules'))!.split('\n');
    const at = (name: string): string => `0x${formatModuleAddress(loader.find(name)!.base)}`;
    expect(proc).to.include(`cxl_pci 16384 0 - Live ${at('cxl_pci')}`);
    expect(proc).to.include(`cxl_mem 28672 1 cxl_pci, Live ${at('cxl_mem')}`);
    // Users newest first, as add_module_usage() adds them at the head of source_list.
    expect(proc).to.include(`cxl_core ${moduleSize(loader, loader.find('cxl_core')!.def)} 6 dax_cxl,cxl_pci,cxl_mem,dax_hmem,cxl_acpi,cxl_port, Live ${at('cxl_core')}`);
    // Each module has its own place in the module area, the first loaded lowest (the list is newest first).
    const addresses = proc.filter((l) => l !== '').map((l) => l.split(' ').at(-1)!);
    expect(addresses[addresses.length - 1]).to.equal('0xffffffffc0000000');
    expect([...addresses].reverse()).to.deep.equal([...addresses].sort());
    expect(new Set(addresses).size).to.equal(addresses.length);
    // The same modules, sizes and counts as lsmod.
    const lsmod = (await sh.exec('lsmod'))!.split('\n').slice(1).map((l) => l.split(/ +/).slice(0, 3).join(' '));
    expect(proc.map((l) => l.split(' ').slice(0, 3).join(' '))).to.deep.equal(lsmod);
    expect(await sh.exec('cat /proc/modules | grep -c Live')).to.equal(String(loader.modules.length));
    expect(await sh.exec('ls /proc')).to.equal('cmdline\niomem\nmodules');
    expect(sh.complete('cat /proc/mo')).to.deep.equal([['/proc/modules'], '/proc/mo']);

    // States as m_show() names them; an UNFORMED module is not listed; a module without exit is [permanent].
    const m = loader.find('dax_cxl')!;
    m.state = 'GOING';
    expect(await sh.exec('cat /proc/modules | head -1')).to.equal(`dax_cxl ${moduleSize(loader, m.def)} 0 - Unloading ${at('dax_cxl')}`);
    m.state = 'UNFORMED';
    expect(await sh.exec('cat /proc/modules')).to.not.match(/^dax_cxl /m);
    expect(await sh.exec('lsmod')).to.not.match(/^dax_cxl /m);
    m.state = 'LIVE';
    const instances = m.instances;
    m.instances = instances.map((i) => ({ ...i, exit: undefined }));
    expect(await sh.exec('cat /proc/modules | head -n 1')).to.match(/^dax_cxl \d+ 0 \[permanent\], Live 0xffffffffc0[0-9a-f]{6}$/);
    m.instances = instances;
  });

  it('a module whose init is still running is Loading in /proc/modules and in lsmod', async () => {
    const sh = await shell('mainline-modular.json');
    expect(await sh.execute('rmmod cxl_acpi')).to.include({ status: 0 });
    await sh.exec('modprobe cxl_acpi &');
    let seen = '';
    for (let i = 0; i < 100 && seen === ''; i++) {
      seen = (await sh.exec('cat /proc/modules | grep Loading'))!;
      if ((await sh.exec('step'))!.endsWith('\nidle')) break;
    }
    expect(seen).to.match(/^cxl_acpi \d+ 0 - Loading 0xffffffffc0[0-9a-f]{6}$/);
    expect(await sh.exec("lsmod | grep '^cxl_acpi '")).to.match(/^cxl_acpi +\d+  0$/);
    await sh.exec('run');
    expect(await sh.exec("cat /proc/modules | grep '^cxl_acpi '")).to.equal(`cxl_acpi ${moduleSize(sh.machine.loader, sh.machine.loader.find('cxl_acpi')!.def)} 0 - Live 0x${formatModuleAddress(sh.machine.loader.find('cxl_acpi')!.base)}`);
  });
});

describe('kshim shell in a terminal (tmux)', function () {
  /**
   * How long one step may take to show its output: the first includes
   * starting node and booting the machine, and the suite runs two jobs
   * at once next to Chromium and tsc, so the deadline is generous. The
   * waits poll the pane; none sleeps a fixed time.
   */
  const WAIT_MS = 30_000;
  // Above any single wait, so that a slow step fails in waitFor() with the pane shown, not in mocha's timer.
  this.timeout(4 * WAIT_MS);
  let sock: string;
  let testEnd = Infinity;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-S', sock, ...args], { encoding: 'utf8' });
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'kshim').stdout;
  /** Poll the pane until `re` matches `times` times (or fail after WAIT_MS, or before the test's own timeout, showing the pane). */
  async function waitFor(re: RegExp, times = 1): Promise<string> {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    const deadline = Math.min(Date.now() + WAIT_MS, testEnd);
    for (;;) {
      const s = screen();
      if ((s.match(g) ?? []).length >= times) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} (x${times}) in the terminal:\n${s}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  const keys = (...k: string[]) => expect(tmux('send-keys', '-t', 'kshim', ...k).status).to.equal(0);

  before(() => {
    const v = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (v.error !== undefined || v.status !== 0) {
      throw new Error('tmux is missing: the kshim shell terminal test drives a real terminal with tmux: apt-get install -y tmux (.ci/run installs it).');
    }
    sock = join(mkdtempSync(join(tmpdir(), 'kshim-tmux-')), 'sock');
  });

  beforeEach(function () {
    testEnd = Date.now() + this.timeout() - 2000;
  });

  after(() => {
    if (sock !== undefined) tmux('kill-server');
  });

  it('boots mainline-builtin.json, answers at the kshim# prompt, completes with Tab, recalls with Up, and exits', async () => {
    const cmd = `'${process.execPath}' bin/kshim.js shell scenarios/mainline-builtin.json; echo "[kshim exited $?]"`;
    // remain-on-exit keeps the pane, and its last lines, after the shell command ends, however late the test reads it.
    expect(tmux('new-session', '-d', '-s', 'kshim', '-x', '160', '-y', '50', '-c', ROOT, cmd, ';', 'set-option', '-p', '-t', 'kshim', 'remain-on-exit', 'on').status).to.equal(0);
    await waitFor(/^kshim shell: mainline-builtin\.json booted on tree mainline \(schedule t\.\), now \d+\.\d{6} s\. Type "help"\.\nkshim# $/m);

    keys('cat /proc/iomem', 'Enter');
    await waitFor(/^kshim# cat \/proc\/iomem\n[0-9a-f]+-[0-9a-f]+ : CXL Window 0$/m);

    keys('modprobe -r dax_cxl', 'Enter');
    await waitFor(/^kshim# modprobe -r dax_cxl\nmodprobe: FATAL: Module dax_cxl is builtin\.\nkshim# $/m);

    // Tab must be the last key of a write: readline treats a Tab inside pasted text as text.
    keys('ls /sys/bus/da', 'Tab');
    await waitFor(/^kshim# ls \/sys\/bus\/dax\/$/m);
    keys('dev', 'Tab');
    await waitFor(/^kshim# ls \/sys\/bus\/dax\/devices\/$/m);
    keys('Enter');
    await waitFor(/^kshim# ls \/sys\/bus\/dax\/devices\/\ndax\d+\.\d+\nkshim# $/m);

    keys('Up');
    await waitFor(/^kshim# ls \/sys\/bus\/dax\/devices\/$/m, 2);
    keys('Enter');
    await waitFor(/^dax\d+\.\d+$/m, 2);

    keys('exit', 'Enter');
    const end = await waitFor(/^\[kshim exited 0\]$/m);
    expect(end).to.not.match(/Error|at .*\.js:\d+/);
    expect(end.split('\n').filter((l) => l.startsWith(PROMPT))).to.deep.equal(['cat /proc/iomem', 'modprobe -r dax_cxl', 'ls /sys/bus/dax/devices/', 'ls /sys/bus/dax/devices/', 'exit'].map((c) => PROMPT + c));
  });
});
