// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel command line of a scenario: next_arg() splitting, dynamic
 * debug (boot queries for built-in code, `module.dyndbg` through modprobe
 * for a loadable module), module parameters (dax_hmem.region_idle,
 * device_hmem.disable), module_blacklist=, <module>.async_probe,
 * initcall_debug and deferred_probe_timeout=.
 */
import { expect } from 'chai';
import { parse_args } from '../../framework/init/cmdline.js';
import { driverNames, runScenario } from '../../harness/run.js';
import { ScenarioError, validateScenario } from '../../harness/scenario.js';
import { Shell } from '../../cli/shell.js';

const RANGE = { start: '0x850000000', end: '0x284fffffff' };
const MODULAR = { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', DEV_DAX_KMEM: 'm' };

/** One Soft Reserved range that no CXL window covers: HMEM takes it. */
function hmemOnly(cmdline: string | undefined, extra: Record<string, unknown> = {}) {
  return validateScenario({ tree: 'mainline', firmware: { softReserved: [{ ...RANGE, nid: 1 }], cfmws: [] }, ...(cmdline !== undefined ? { cmdline } : {}), ...extra }, 'cmdline.json');
}

async function dmesg(cmdline: string | undefined, extra: Record<string, unknown> = {}): Promise<string[]> {
  const { result } = await runScenario(hmemOnly(cmdline, extra));
  return result.dmesg.map((l) => l.replace(/^\[[ \d.]+\] /, ''));
}

function problem(cmdline: string, extra: Record<string, unknown> = {}): string {
  try {
    hmemOnly(cmdline, extra);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  return '(accepted)';
}

describe('kernel command line: next_arg()', () => {
  it('splits on blanks outside quotes, drops the quotes around a value and stops at --', () => {
    expect(parse_args('initcall_debug dyndbg="module dax_hmem +p"  "dax_hmem.region_idle=1" -- init_arg')).to.deep.equal([
      { param: 'initcall_debug', val: null },
      { param: 'dyndbg', val: 'module dax_hmem +p' },
      { param: 'dax_hmem.region_idle', val: '1' },
    ]);
  });

  it('prints "Kernel command line:" after the banner, as start_kernel() does', async () => {
    const lines = await dmesg('initcall_debug=0');
    expect(lines.slice(0, 2)).to.deep.equal(['Linux version 7.0.0-kshim (kshim) #1 SMP PREEMPT_DYNAMIC', 'Kernel command line: initcall_debug=0']);
  });
});

describe('kernel command line: dynamic debug', () => {
  it('without a command line every dev_dbg and pr_debug prints (kshim\'s verbose default)', async () => {
    const lines = await dmesg(undefined);
    expect(lines).to.include("bus: 'platform': registered");
    expect(lines.some((l) => l.includes('really_probe: probing driver hmem with device'))).to.equal(true);
  });

  it('with a command line that enables nothing, no debug message prints', async () => {
    const lines = await dmesg('initcall_debug=0');
    expect(lines.filter((l) => /really_probe|device_add|registered$/.test(l))).to.deep.equal([]);
    // dev_err/dev_info and the boot messages still print.
    expect(lines).to.include('Run /init as init process');
  });

  it('dyndbg="file drivers/base/dd.c +p" enables dd.c\'s callsites and no others', async () => {
    const lines = await dmesg('dyndbg="file drivers/base/dd.c +p"');
    expect(lines).to.include("platform hmem_platform.0: bus: 'platform': really_probe: probing driver hmem_platform with device");
    expect(lines.filter((l) => l.includes("device: '"))).to.deep.equal([]);
  });

  it('the m and t flags prefix "[pid] module:" to the message', async () => {
    const lines = await dmesg('dyndbg="module dd format probing\\040driver +pmt"');
    const probing = lines.filter((l) => l.includes('really_probe: probing'));
    expect(probing.length).to.be.greaterThan(0);
    for (const l of probing) expect(l).to.match(/^\[\d+\] dd: \S+ \S+: bus: '\w+': really_probe: probing driver/);
    // The format match-spec selected only those callsites of dd.c.
    expect(lines.filter((l) => l.includes('bound device to driver'))).to.deep.equal([]);
  });

  it('func and the f flag name the calling function', async () => {
    const lines = await dmesg('dyndbg="func driver_bound +pf"');
    expect(lines).to.include("driver_bound: hmem_platform hmem_platform.0: driver: 'hmem_platform': driver_bound: bound to device");
    expect(lines.filter((l) => l.includes('really_probe'))).to.deep.equal([]);
  });

  it('a bare dyndbg= query acts on built-in code only: a loadable dax module needs dax.dyndbg=, which modprobe passes from /proc/cmdline', async () => {
    const ALLOC = /^ dax0\.0: alloc range\[0\]: 0x0000000850000000:0x000000284fffffff$/;
    const modular = { config: MODULAR };
    expect((await dmesg('dyndbg="module dax +p"')).filter((l) => ALLOC.test(l)), 'built in').to.have.length(1);
    expect((await dmesg('dyndbg="module dax +p"', modular)).filter((l) => ALLOC.test(l)), 'loadable, bare dyndbg=').to.have.length(0);
    expect((await dmesg('dax.dyndbg=+p', modular)).filter((l) => ALLOC.test(l)), 'loadable, dax.dyndbg=').to.have.length(1);
  });
});

describe('kernel command line: module parameters', () => {
  it('dax_hmem.region_idle=1 (built in): the dax region is created idle, with no dax device and nothing in /proc/iomem under it', async () => {
    const busy = await runScenario(hmemOnly('dax_hmem.region_idle=0'));
    expect(busy.result.iomem).to.include('dax0.0');
    const idle = await runScenario(hmemOnly('dax_hmem.region_idle=1'));
    expect(idle.result.iomem).to.not.include('dax0.0');
    expect(idle.result.daxRegions.map((r) => r.owner)).to.deep.equal(['dax_hmem']);
  });

  it('dax_hmem.region_idle=1 reaches a loadable dax_hmem through modprobe', async () => {
    const idle = await runScenario(hmemOnly('dax_hmem.region_idle=1', { config: MODULAR }));
    expect(idle.result.iomem).to.not.include('dax0.0');
    expect(idle.result.daxRegions.map((r) => r.owner)).to.deep.equal(['dax_hmem']);
  });

  it('device_hmem.disable=1: hmem_register_device() registers nothing, so no hmem device and no owner', async () => {
    const { result } = await runScenario(hmemOnly('device_hmem.disable=1'));
    expect(result.softReserved.map((r) => r.owner)).to.deep.equal([null]);
    expect(result.daxRegions).to.deep.equal([]);
  });

  it('module_blacklist=dax_hmem: load_module() refuses it with "Module dax_hmem is blacklisted" and modprobe reports EPERM', async () => {
    const s = hmemOnly('module_blacklist=dax_hmem', { config: MODULAR, steps: ['boot', 'modprobe dax_hmem'] });
    const { result, steps } = await runScenario(s);
    expect(result.dmesg.some((l) => l.endsWith('Module dax_hmem is blacklisted'))).to.equal(true);
    expect(result.softReserved.map((r) => r.owner)).to.deep.equal([null]);
    expect(steps![0]!.output).to.include("modprobe: ERROR: could not insert 'dax_hmem': Operation not permitted");
  });

  it('dax_hmem.async_probe: the loadable dax_hmem\'s driver probes asynchronously ("probing driver hmem_platform asynchronously")', async () => {
    const sync = await dmesg('dyndbg="file dd.c +p"', { config: MODULAR });
    expect(sync.filter((l) => l.includes('probing driver hmem_platform asynchronously'))).to.deep.equal([]);
    const async = await dmesg('dax_hmem.async_probe dyndbg="file dd.c +p"', { config: MODULAR });
    expect(async).to.include('platform hmem_platform.0: probing driver hmem_platform asynchronously');
  });

  it('a module parameter whose value does not parse fails the load: "dax_hmem: `maybe\' invalid for parameter `region_idle\'"', async () => {
    // The scenario check refuses such a line; a scenario built past it shows what the kernel does.
    const s = { ...hmemOnly(undefined, { config: MODULAR, steps: ['boot', 'modprobe dax_hmem'] }), cmdline: 'dax_hmem.region_idle=maybe' };
    const { result, steps } = await runScenario(s);
    expect(result.dmesg.some((l) => l.endsWith("dax_hmem: `maybe' invalid for parameter `region_idle'"))).to.equal(true);
    expect(result.softReserved.map((r) => r.owner)).to.deep.equal([null]);
    expect(steps![0]!.output).to.include("modprobe: ERROR: could not insert 'dax_hmem': Invalid argument");
  });

  it('initcall_debug prints "calling" and "initcall ... returned" for each built-in initcall, the function as %pS prints it', async () => {
    const lines = await dmesg('initcall_debug');
    expect(lines.some((l) => /^calling {2}hmem_init\+0x0\/0x[0-9a-f]+ @ \d+$/.test(l))).to.equal(true);
    expect(lines.some((l) => /^initcall hmem_init\+0x0\/0x[0-9a-f]+ returned 0 after \d+ usecs$/.test(l))).to.equal(true);
  });

  it('initcall_debug lines are what scripts/bootgraph.pl reads: every initcall it finds starting also returns, a module\'s tagged [module]', async () => {
    const { result } = await runScenario(hmemOnly('initcall_debug', { config: { DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_KMEM: 'm' } }));
    // The two patterns of bootgraph.pl, on the timestamped lines.
    const calls = result.dmesg.flatMap((l) => [...l.matchAll(/([0-9.]+)\] calling {2}([a-zA-Z0-9_]+)\+/g)].map((m) => m[2]!));
    const returns = result.dmesg.flatMap((l) => [...l.matchAll(/([0-9.]+)\] initcall ([a-zA-Z0-9_]+)\+.*returned/g)].map((m) => m[2]!));
    expect(calls).to.include.members(['hmem_init', 'dax_hmem_init']);
    expect(returns).to.have.members(calls);
    expect(result.dmesg.some((l) => /\] calling {2}dax_hmem_init\+0x0\/0x[0-9a-f]+ \[dax_hmem\] @ \d+$/.test(l))).to.equal(true);
  });
});

describe('kernel command line: checked before a boot', () => {
  it('names an unknown parameter and the one it was probably meant to be', () => {
    expect(problem('driver_async_prob=cxl_pci')).to.equal(
      'cmdline.json: cmdline: unknown parameter "driver_async_prob" (did you mean driver_async_probe?); kshim models initcall_debug, driver_async_probe, deferred_probe_timeout, module_blacklist, dyndbg and MODULE.PARAM for a module\'s parameters',
    );
  });

  it('names a module parameter the module does not declare, with those it takes', () => {
    expect(problem('dax_hmem.regin_idle=1')).to.equal('cmdline.json: cmdline: "dax_hmem.regin_idle": dax_hmem has no parameter regin_idle; it takes region_idle, dyndbg, async_probe');
  });

  it('refuses a value a bool parameter cannot take, a dyndbg query that does not parse, and an unterminated quote', () => {
    expect(problem('dax_hmem.region_idle=maybe')).to.match(/takes a bool .*not "maybe"$/);
    expect(problem('dyndbg="modul dax_hmem +p"')).to.match(/unknown keyword "modul"/);
    expect(problem('.region_idle=1')).to.equal('cmdline.json: cmdline: ".region_idle" is not a parameter name (expected MODULE.PARAM)');
    expect(problem('module_blacklist=dax-hmem')).to.match(/^cmdline.json: cmdline: "module_blacklist": dax-hmem is not a module of this tree/);
    expect(problem('dax_hmem.async-probe')).to.match(/dax_hmem has no parameter async_probe/);
    expect(problem('dyndbg="line 10 +p"')).to.match(/'line' .* not modelled/);
    expect(problem('dyndbg="module dax_hmem +pl"')).to.match(/flag 'l'/);
    expect(problem('"initcall_debug')).to.match(/unterminated quote/);
  });

  it('accepts every parameter it models, and the words of a real command line that mean nothing here', () => {
    expect(problem('initcall_debug driver_async_probe=cxl_pci,* deferred_probe_timeout=30 module_blacklist=cxl_pci dyndbg="file dd.c +p; module dax_hmem =pmt" dax_hmem.region_idle=true dax_hmem.async_probe device_hmem.disable=0 module.async_probe')).to.equal('(accepted)');
    expect(problem('BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet console=ttyS0 dax_hmem.dyndbg="module dax +p" dyndbg="file dd.c:driver_bound +p; format \'add device\\n\' +p; =_"')).to.equal('(accepted)');
  });
});

describe('kernel command line: driver_async_probe= names drivers, checked before the boot', () => {
  const VALID = 'driver names as /sys/bus/BUS/drivers/ lists them: cxl_acpi, cxl_dax_region, cxl_mem, cxl_pci, cxl_port, cxl_region, device_dax, hmem, hmem_platform, kmem; * for every driver';
  const refused = async (s: ReturnType<typeof hmemOnly>, opts: Parameters<typeof runScenario>[1] = {}): Promise<string> => {
    try {
      await runScenario(s, opts);
    } catch (e) {
      if (e instanceof ScenarioError) return e.message;
      throw e;
    }
    return '(accepted)';
  };

  it('the drivers of a tree are those its objects register when every one is built in, with those of the platform the scenario adds', async () => {
    expect(await driverNames(hmemOnly(undefined))).to.deep.equal(VALID.split(': ')[1]!.split('; ')[0]!.split(', '));
    expect(await driverNames(hmemOnly(undefined, { accelerator: { probe: 'use' }, asyncDevice: { probe: 1 } }))).to.include.members(['sfc_cxl', 'sfc_efx', 'slow_async']);
  });

  it('a name no driver of the tree has is refused with the names it has, like module_blacklist=; a module\'s name says what takes that; * and real names boot', async () => {
    expect(await refused(hmemOnly('driver_async_probe=hmem,nosuch'))).to.equal(`cmdline.json: cmdline: "driver_async_probe": nosuch is not a driver of this tree (${VALID.replace('BUS', '*')})`);
    expect(await refused(hmemOnly('driver_async_probe=hmme_platform'))).to.match(/: hmme_platform is not a driver of this tree; did you mean hmem_platform\? \(/);
    expect(await refused(hmemOnly('driver_async_probe=dax_hmem'))).to.equal(
      `cmdline.json: cmdline: "driver_async_probe": dax_hmem is a module of this tree, not a driver (${VALID.replace('BUS', '*')}); when modprobe loads dax_hmem, dax_hmem.async_probe asks it of every driver of the module`,
    );
    // --cmdline is blamed on the option; a later driver_async_probe= is checked too.
    const s = validateScenario({ tree: 'mainline', firmware: { softReserved: [] } }, 'x.json', { cmdline: 'driver_async_probe=* driver_async_probe=*,cxl_pcii' });
    expect(await refused(s)).to.match(/^--cmdline "driver_async_probe=\* driver_async_probe=\*,cxl_pcii": "driver_async_probe": cxl_pcii is not a driver of this tree; did you mean cxl_pci\?/);
    for (const ok of ['driver_async_probe=*', 'driver_async_probe=*,hmem', 'driver_async_probe=hmem,cxl_pci,device_dax', 'driver_async_probe=']) expect(await refused(hmemOnly(ok)), ok).to.equal('(accepted)');
    // The accelerator's drivers exist only in a scenario that has it.
    expect(await refused(hmemOnly('driver_async_probe=sfc_cxl'))).to.match(/sfc_cxl is not a driver of this tree/);
    expect(await refused(hmemOnly('driver_async_probe=sfc_cxl', { accelerator: { probe: 'use' } }))).to.equal('(accepted)');
  });

  it('a name it accepts is one the kernel acts on: driver_async_probe=hmem attaches hmem to hmem.0 asynchronously', async () => {
    const lines = await dmesg('driver_async_probe=hmem dyndbg="file dd.c +p"');
    expect(lines).to.include('platform hmem.0: probing driver hmem asynchronously');
    expect(lines).to.include('hmem hmem.0: driver hmem async attach completed: 0');
  });
});

describe('kernel command line: modprobe NAME PARAM=VALUE', () => {
  it('a scenario step "modprobe dax_hmem region_idle=1" reloads dax_hmem with its region idle: /proc/iomem loses dax0.0', async () => {
    const s = hmemOnly(undefined, { config: MODULAR, steps: ['boot', 'modprobe -r dax_hmem', 'modprobe dax_hmem region_idle=1'] });
    const { result, steps } = await runScenario(s);
    expect(steps!.map((st) => `${st.command}: ${st.exit}`)).to.deep.equal(['modprobe -r dax_hmem: 0', 'modprobe dax_hmem region_idle=1: 0']);
    expect(result.iomem).to.equal('');
    expect(result.daxRegions.map((r) => r.owner)).to.deep.equal(['dax_hmem']);
    const busy = await runScenario(hmemOnly(undefined, { config: MODULAR, steps: ['boot', 'modprobe -r dax_hmem', 'modprobe dax_hmem'] }));
    expect(busy.result.iomem).to.include('dax0.0');
  });

  it('a step\'s options are checked like the command line: "modprobe dax_hmem regin_idle=1" is refused before the boot', () => {
    expect(problem('initcall_debug', { config: MODULAR, steps: ['boot', 'modprobe dax_hmem regin_idle=1'] })).to.equal(
      'cmdline.json: steps[1]: "dax_hmem.regin_idle": dax_hmem has no parameter regin_idle; it takes region_idle, dyndbg, async_probe',
    );
  });

  it('kshim shell: cat /proc/cmdline shows the command line; an option the module does not know is warned about and ignored, as load_module() does', async () => {
    const s = hmemOnly('dax_hmem.region_idle=0', { config: MODULAR });
    const sh = new Shell(s, await runScenario(s));
    expect(await sh.exec('cat /proc/cmdline')).to.equal('dax_hmem.region_idle=0');
    await sh.exec('modprobe -r dax_hmem');
    await sh.exec('dmesg -c');
    await sh.exec('modprobe dax_hmem bogus=1');
    expect((await sh.exec('dmesg -c'))!.split('\n').map((l) => l.replace(/^\[[ \d.]+\] /, ''))).to.include("dax_hmem: unknown parameter 'bogus' ignored");
  });
});

describe('kernel command line: what lib/dynamic_debug.c and load_module() do with the rest', () => {
  it('file NAME:FUNC is file NAME func FUNC', async () => {
    const lines = await dmesg('dyndbg="file dd.c:driver_bound +p"');
    expect(lines.filter((l) => l.includes("bus: '"))).to.deep.equal([]);
    expect(lines).to.include("hmem_platform hmem_platform.0: driver: 'hmem_platform': driver_bound: bound to device");
  });

  it('a query that does not parse is logged as the kernel logs it and skipped; the others of the same dyndbg= still apply', async () => {
    const s = { ...hmemOnly(undefined), cmdline: 'dyndbg="modul dd +p; file dd.c:driver_bound +p"' };
    const lines = (await runScenario(s)).result.dmesg.map((l) => l.replace(/^\[[ \d.]+\] /, ''));
    expect(lines.slice(2, 4)).to.deep.equal(['dyndbg: unknown keyword "modul"', 'dyndbg: query parse failed']);
    expect(lines).to.include("hmem_platform hmem_platform.0: driver: 'hmem_platform': driver_bound: bound to device");
  });

  it('a format match-spec sees the format with its newline ("\\n" unescaped)', async () => {
    const lines = await dmesg(`dyndbg="format 'registered\\n' +p"`);
    // Bus registration happens after dynamic_debug_init(), the platform bus's too (driver_init()).
    expect(lines.filter((l) => l.startsWith('bus: '))).to.deep.equal(["bus: 'platform': registered", "bus: 'pci': registered", "bus: 'dax': registered", "bus: 'cxl': registered"]);
  });

  it('initcall_debug also times each module init and each probe (really_probe_debug())', async () => {
    const lines = await dmesg('initcall_debug', { config: MODULAR });
    expect(lines.some((l) => /^calling {2}dax_hmem_init\+0x0\/0x[0-9a-f]+ \[dax_hmem\] @ \d+$/.test(l))).to.equal(true);
    expect(lines.some((l) => /^initcall dax_hmem_init\+0x0\/0x[0-9a-f]+ \[dax_hmem\] returned 0 after \d+ usecs$/.test(l))).to.equal(true);
    expect(lines.some((l) => /^probe of hmem\.0 returned 0 after \d+ usecs$/.test(l))).to.equal(true);
  });

  it('module.async_probe makes every loaded module probe asynchronously, as if each had async_probe', async () => {
    const lines = await dmesg('module.async_probe dyndbg="file dd.c +p"', { config: MODULAR });
    expect(lines).to.include('platform hmem_platform.0: probing driver hmem_platform asynchronously');
  });
});

describe('kernel command line: /sys/module in kshim shell', () => {
  it('shows each loaded module\'s initstate, refcnt, holders and parameters (Y or N, as param_get_bool() does), and the parameters of built-in code', async () => {
    const s = hmemOnly('dax_hmem.region_idle=1', { config: MODULAR });
    const sh = new Shell(s, await runScenario(s));
    expect(await sh.exec('cat /sys/module/dax_hmem/initstate /sys/module/dax_hmem/parameters/region_idle')).to.equal('live\nY');
    expect(await sh.exec('ls /sys/module/dax/holders')).to.equal('dax_hmem\ndevice_dax\nkmem');
    expect(await sh.exec('cat /sys/module/dax/refcnt')).to.equal('3');
    // device_hmem is built in (DEV_DAX_HMEM_DEVICES is a bool): only its parameters.
    expect(await sh.exec('ls /sys/module/device_hmem')).to.equal('parameters');
    expect(await sh.exec('cat /sys/module/device_hmem/parameters/disable')).to.equal('N');
    await sh.exec('modprobe -r dax_hmem');
    expect(await sh.exec('ls /sys/module/dax/holders')).to.equal('device_dax\nkmem');
    expect((await sh.execute('ls /sys/module/dax_hmem')).status).to.equal(2);
  });
});
