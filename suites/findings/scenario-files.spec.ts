// SPDX-License-Identifier: GPL-2.0-only
/**
 * The scenario files that reproduce the review findings and the cover
 * letter's four scenarios from the command line (suites/findings/README.md,
 * "From the command line"). Each file is loaded the way `kshim run FILE
 * [--tree T] [--set SYM=v]` loads it, booted in its default schedule, and
 * checked for what its description tells the reader to look for: hmem's
 * decisions, the dax_region conflicts and probe errors in dmesg,
 * /proc/iomem line for line, and who owns each range. Each file is also
 * run on the tree that fixed its finding, so a fix that stops working, or
 * a finding that stops reproducing, fails here.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario, type Run } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { decisions, iomem, lines } from '../patches/fixture.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** `kshim run scenarios/NAME [--tree T] [--set SYM=v]`: the build must link and every step must run to idle. */
async function kshimRun(name: string, overrides: { tree?: string; set?: Record<string, string> } = {}): Promise<Run> {
  const file = `${ROOT}scenarios/${name}`;
  const r = await runScenario(parseScenario(readFileSync(file, 'utf8'), file, overrides));
  expect(r.result.build.errors, 'build errors').to.deep.equal([]);
  for (const o of r.outcomes) expect(o.status, 'every step runs to idle').to.equal('idle');
  return r;
}

const RANGE = '850000000-284fffffff';
const HOST = 'hmem_platform hmem_platform.0';
const PR = '[mem 0x850000000-0x284fffffff flags 0x80000200]';
const AWAIT = `${HOST}: await CXL initial probe: ${PR}`;
const DEFER = `${HOST}: deferring range to CXL: ${PR}`;
const CLAIMS = `${HOST}: CXL claims resource, dropping: ${PR}`;
const NOT_CLAIMED = `${HOST}: CXL did not claim resource, registering: ${PR}`;

const owners = (r: Run): Array<string | null> => r.result.softReserved.map((s) => s.owner);
const paths = (r: Run): string[] => r.result.daxRegions.map((d) => d.path);
/** dmesg lines (without timestamps) that match `re`. */
const grep = (r: Run, re: RegExp): string[] => r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, '')).filter((l) => re.test(l));

describe('scenario files: the cover letter of v7 and v8', () => {
  it('[1] cover-letter-1-cxl-owns.json: a committed region contains the range; CXL keeps it ("CXL claims resource, dropping") and iomem is CXL Window 0 > region0 > dax0.0 > System RAM (kmem), with no Soft Reserved line, on v8, v7 and mainline', async () => {
    const want = [`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`, `    ${RANGE} : dax0.0`, `      ${RANGE} : System RAM (kmem)`];
    for (const [tree, decided] of [
      ['v8', [AWAIT, CLAIMS]],
      ['v7', [DEFER, CLAIMS]],
      ['mainline', [AWAIT, CLAIMS]],
    ] as const) {
      const r = await kshimRun('cover-letter-1-cxl-owns.json', { tree });
      expect(decisions(r), tree).to.deep.equal(decided);
      expect(owners(r), tree).to.deep.equal(['dax_cxl']);
      expect(paths(r), tree).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
      expect(iomem(r), tree).to.deep.equal(want);
      expect(r.result.warnings, tree).to.deep.equal([]);
    }
  });

  it('[2] cover-letter-2-cxl-region-n.json: CXL_REGION=n turns DEV_DAX_CXL off; HMEM takes the range at its first probe and v8 9/9 shows CXL Window 0 > Soft Reserved > dax0.0 > System RAM (kmem); mainline has no Soft Reserved line', async () => {
    for (const tree of ['v8', 'v7']) {
      const r = await kshimRun('cover-letter-2-cxl-region-n.json', { tree });
      expect(r.result.config.values['DEV_DAX_CXL'], tree).to.equal('n');
      expect(decisions(r), tree).to.deep.equal([]);
      expect(lines(r, "add device region"), tree).to.deep.equal([]);
      expect(owners(r), tree).to.deep.equal(['dax_hmem']);
      expect(paths(r), tree).to.deep.equal(['platform/hmem.0']);
      expect(iomem(r), tree).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : Soft Reserved`, `    ${RANGE} : dax0.0`, `      ${RANGE} : System RAM (kmem)`]);
    }
    const main = await kshimRun('cover-letter-2-cxl-region-n.json', { tree: 'mainline' });
    expect(owners(main)).to.deep.equal(['dax_hmem']);
    expect(paths(main)).to.deep.equal(['platform/hmem_platform.0/hmem.0']);
    expect(iomem(main)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : dax0.0`, `    ${RANGE} : System RAM (kmem)`]);
  });

  it('[3] cover-letter-3-assembly-fails.json: region0 never commits; v8 awaits the CXL probes, then "CXL did not claim resource, registering", and 9/9 puts Soft Reserved on top of the window; v8/7 leaves the range without an owner', async () => {
    const r = await kshimRun('cover-letter-3-assembly-fails.json');
    expect(decisions(r)).to.deep.equal([AWAIT, NOT_CLAIMED]);
    expect(lines(r, "cxl_region region0: driver: 'cxl_region': driver_bound: bound to device")).to.deep.equal([]);
    expect(owners(r)).to.deep.equal(['dax_hmem']);
    expect(paths(r)).to.deep.equal(['platform/hmem.2']);
    expect(iomem(r)).to.deep.equal([
      `${RANGE} : Soft Reserved`,
      `  ${RANGE} : CXL Window 0`,
      `    ${RANGE} : region0`,
      `      ${RANGE} : dax2.0`,
      `        ${RANGE} : System RAM (kmem)`,
    ]);

    const before = await kshimRun('cover-letter-3-assembly-fails.json', { tree: 'v8/7' });
    expect(decisions(before)).to.deep.equal([DEFER]);
    expect(owners(before)).to.deep.equal([null]);
    expect(iomem(before)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`]);

    const main = await kshimRun('cover-letter-3-assembly-fails.json', { tree: 'mainline' });
    expect(decisions(main)).to.deep.equal([AWAIT, NOT_CLAIMED]);
    expect(iomem(main)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`, `    ${RANGE} : dax2.0`, `      ${RANGE} : System RAM (kmem)`]);
  });

  it('[4] cover-letter-4-region-smaller.json: region0 is smaller than the range; HMEM registers all of it, dax_cxl fails with -12 on the overlap, and kmem cannot reserve a range larger than region0 (-16), so iomem ends at region0 instead of the cover letter\'s dax6.0 under it', async () => {
    for (const tree of ['v8', 'mainline']) {
      const r = await kshimRun('cover-letter-4-region-smaller.json', { tree });
      expect(decisions(r), tree).to.deep.equal([AWAIT, NOT_CLAIMED]);
      expect(lines(r, "cxl_region region0: driver: 'cxl_region': driver_bound: bound to device"), tree).to.have.length(1);
      expect(grep(r, /^cxl_dax_region dax_region0: /).filter((l) => /conflict|failed/.test(l)), tree).to.deep.equal([
        'cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x280fffffff]',
        'cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
      ]);
      expect(grep(r, /^kmem dax\d+\.0: /).filter((l) => !l.includes("bus: 'dax'")), tree).to.deep.equal([
        'kmem dax2.0: mapping0: 0x850000000-0x284fffffff could not reserve region',
        'kmem dax2.0: probe with driver kmem failed with error -16',
      ]);
      expect(owners(r), tree).to.deep.equal(['dax_hmem']);
    }
    const v8 = await kshimRun('cover-letter-4-region-smaller.json');
    expect(iomem(v8)).to.deep.equal([`${RANGE} : Soft Reserved`, `  ${RANGE} : CXL Window 0`, '    850000000-280fffffff : region0']);
  });
});

describe('scenario files: review findings', () => {
  it('F1 workqueue-flush-v7.json: v7 WARNs in __flush_work from dax_cxl\'s registration work when no Soft Reserved range exists; v8 and mainline boot clean', async () => {
    const v7 = await kshimRun('workqueue-flush-v7.json');
    expect(v7.result.warnings.map((w) => w.function)).to.deep.equal(['__flush_work']);
    expect(v7.result.warnings[0]!.message).to.include('kernel/workqueue.c:4289');
    expect(lines(v7, 'Workqueue: events_long cxl_dax_region_driver_register [dax_cxl]')).to.have.length(1);
    for (const tree of ['v8', 'mainline']) {
      const r = await kshimRun('workqueue-flush-v7.json', { tree });
      expect(r.result.warnings, tree).to.deep.equal([]);
      expect(paths(r), tree).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
    }
  });

  it('F2 f2-reload-bypass-v7.json: after modprobe -r dax_cxl (which also unloads the unused dax_hmem), reloading makes v7 register the CXL range for HMEM without a message, and dax_cxl then fails with -12; v8 and mainline say "deferring range to CXL" and CXL gets it back', async () => {
    const v7 = await kshimRun('f2-reload-bypass-v7.json');
    expect(v7.steps!.map((s) => [s.command, s.exit])).to.deep.equal([
      ['modprobe -r dax_cxl', 0],
      ['modprobe dax_hmem', 0],
      ['modprobe dax_cxl', 0],
    ]);
    // Boot decides once; the reload adds no decision line, only a registration.
    expect(decisions(v7)).to.deep.equal([DEFER, CLAIMS]);
    expect(lines(v7, "Registering platform device 'hmem.")).to.deep.equal(["Registering platform device 'hmem.2'. Parent at platform"]);
    expect(grep(v7, /^cxl_dax_region dax_region0: (dax_region resource conflict|probe with driver)/)).to.deep.equal([
      'cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
      'cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
    ]);
    expect(owners(v7)).to.deep.equal(['dax_hmem']);
    expect(paths(v7)).to.deep.equal(['platform/hmem.2']);

    for (const tree of ['v8', 'mainline']) {
      const r = await kshimRun('f2-reload-bypass-v7.json', { tree });
      expect(decisions(r), tree).to.deep.equal([AWAIT, CLAIMS, DEFER]);
      expect(lines(r, 'dax_region resource conflict'), tree).to.deep.equal([]);
      expect(owners(r), tree).to.deep.equal(['dax_cxl']);
      expect(r.result.leaks, tree).to.deep.equal([]);
    }
  });

  it('F2, Dan\'s hand-back, cxl-acpi-unload-mainline.json: with cxl_acpi unloaded, reloading dax_hmem loads cxl_acpi again through request_module("cxl_acpi"), so mainline defers the range to CXL again instead of handing it to HMEM, region0 is assembled again and dax_cxl (loaded by udev) owns the range; v7 hands it to HMEM without asking (F2)', async () => {
    const main = await kshimRun('cxl-acpi-unload-mainline.json');
    expect(main.steps!.map((s) => [s.command, s.exit])).to.deep.equal([
      ['modprobe -r dax_cxl', 0],
      ['modprobe -r cxl_acpi', 0],
      ['modprobe dax_hmem', 0],
    ]);
    // cxl_acpi registers its driver at boot and again from dax_hmem_init()'s request_module(), before hmem walks its ranges.
    const reloaded = main.result.dmesg.map((l, i) => (l.includes("bus: 'platform': add driver cxl_acpi") ? i : -1)).filter((i) => i >= 0);
    expect(reloaded).to.have.length(2);
    const walk = main.result.dmesg.findIndex((l, i) => i > reloaded[1]! && l.includes(DEFER));
    expect(walk, 'deferring range to CXL after cxl_acpi came back').to.be.above(reloaded[1]!);
    expect(decisions(main)).to.deep.equal([AWAIT, CLAIMS, DEFER]);
    expect(lines(main, "Registering platform device 'hmem.")).to.deep.equal([]);
    // The memdevs detached when cxl_acpi went are probed again by its rescan, and the decoders the BIOS committed rebuild region0.
    // cxl_acpi's probe only queues that rescan on cxl_bus_wq, so hmem has decided (did_probe is set) before region0 commits.
    const committed = main.result.dmesg.map((l, i) => (l.endsWith("cxl_region region0: driver: 'cxl_region': driver_bound: bound to device") ? i : -1)).filter((i) => i >= 0);
    expect(committed).to.have.length(2);
    expect(committed[1]).to.be.above(walk);
    const rescans = main.result.dmesg.map((l, i) => (l.endsWith('CXL bus rescan result: 0') ? i : -1)).filter((i) => i >= 0);
    expect(rescans).to.have.length(2);
    expect(rescans[1]).to.be.above(committed[1]!);
    expect(iomem(main)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`, `    ${RANGE} : dax0.0`, `      ${RANGE} : System RAM (kmem)`]);
    expect(owners(main)).to.deep.equal(['dax_cxl']);
    expect(paths(main)).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
    expect(main.result.leaks).to.deep.equal([]);

    const v7 = await kshimRun('cxl-acpi-unload-mainline.json', { tree: 'v7' });
    expect(decisions(v7)).to.deep.equal([DEFER, CLAIMS]);
    expect(owners(v7)).to.deep.equal(['dax_hmem']);
    // The rebuilt region0's dax_region0 then meets hmem's, as in f2-reload-bypass-v7.json.
    expect(grep(v7, /^cxl_dax_region dax_region0: (dax_region resource conflict|probe with driver)/)).to.deep.equal([
      'cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
      'cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
    ]);
  });

  it('F3 f3-double-walk-v7.json: v7\'s work runs twice and registers each CXL range twice; the second hmem devices fail with -12 on the dax_region conflict; v8 walks once', async () => {
    const A = '[mem 0x850000000-0x8ffffffff flags 0x80000200]';
    const C = '[mem 0x2000000000-0x20ffffffff flags 0x80000200]';
    const v7 = await kshimRun('f3-double-walk-v7.json');
    expect(decisions(v7)).to.deep.equal([
      `${HOST}: deferring range to CXL: ${A}`,
      `${HOST}: deferring range to CXL: ${C}`,
      `${HOST}: CXL did not claim resource, registering: ${A}`,
      `${HOST}: CXL did not claim resource, registering: ${C}`,
      `${HOST}: CXL did not claim resource, registering: ${A}`,
      `${HOST}: CXL did not claim resource, registering: ${C}`,
    ]);
    expect(grep(v7, /^hmem hmem\.\d+: (dax_region resource conflict|probe with driver hmem failed)/)).to.deep.equal([
      'hmem hmem.5: dax_region resource conflict for [mem 0x850000000-0x8ffffffff]',
      'hmem hmem.5: probe with driver hmem failed with error -12',
      'hmem hmem.6: dax_region resource conflict for [mem 0x2000000000-0x20ffffffff]',
      'hmem hmem.6: probe with driver hmem failed with error -12',
    ]);
    expect(owners(v7)).to.deep.equal(['dax_hmem', 'dax_hmem', 'dax_hmem']);

    const v8 = await kshimRun('f3-double-walk-v7.json', { tree: 'v8' });
    expect(decisions(v8)).to.deep.equal([
      `${HOST}: await CXL initial probe: ${A}`,
      `${HOST}: await CXL initial probe: ${C}`,
      `${HOST}: CXL did not claim resource, registering: ${A}`,
      `${HOST}: CXL did not claim resource, registering: ${C}`,
    ]);
    expect(lines(v8, 'dax_region resource conflict')).to.deep.equal([]);
    expect(owners(v8)).to.deep.equal(['dax_hmem', 'dax_hmem', 'dax_hmem']);
  });

  it('F4 f4-kconfig-ge-v8.json: DEV_DAX_HMEM=y with CXL_ACPI=m leaves DEV_DAX_CXL off on v8 ("CXL_ACPI >= DEV_DAX_HMEM"), HMEM owns the range region1 commits over, and nothing binds dax_region1; mainline caps DEV_DAX_HMEM at m and CXL keeps the region', async () => {
    const v8 = await kshimRun('f4-kconfig-ge-v8.json');
    expect(v8.result.config.values['DEV_DAX_HMEM']).to.equal('y');
    expect(v8.result.config.values['DEV_DAX_CXL']).to.equal('n');
    expect(v8.result.config.adjusted).to.deep.equal([]);
    expect(decisions(v8)).to.deep.equal([]);
    expect(lines(v8, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device")).to.have.length(1);
    expect(lines(v8, 'cxl_region region1: region1: register dax_region1')).to.have.length(1);
    expect(lines(v8, "add driver cxl_dax_region")).to.deep.equal([]);
    expect(owners(v8)).to.deep.equal(['dax_hmem']);
    expect(paths(v8)).to.deep.equal(['platform/hmem.0']);
    // 9/9's Soft Reserved went in at boot, before cxl_acpi: the window and then region1 were inserted above it.
    expect(iomem(v8)).to.deep.equal([
      `${RANGE} : CXL Window 0`,
      `  ${RANGE} : region1`,
      `    ${RANGE} : Soft Reserved`,
      `      ${RANGE} : dax0.0`,
      `        ${RANGE} : System RAM (kmem)`,
    ]);

    const asked = await kshimRun('f4-kconfig-ge-v8.json', { set: { DEV_DAX_CXL: 'y' } });
    expect(asked.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'y', actual: 'n', reason: 'CXL_ACPI >= DEV_DAX_HMEM' }]);

    const main = await kshimRun('f4-kconfig-ge-v8.json', { tree: 'mainline' });
    expect(main.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
    expect(main.result.config.values['DEV_DAX_CXL']).to.equal('m');
    expect(decisions(main)).to.deep.equal([AWAIT, CLAIMS]);
    expect(owners(main)).to.deep.equal(['dax_cxl']);
  });

  it('F6 kconfig-x-or-not-x.json: v8 and v7 fail to link (hmem.o references cxl_region_contains_resource, which lives in cxl_core.ko); mainline makes DEV_DAX_HMEM m and links', async () => {
    const file = `${ROOT}scenarios/kconfig-x-or-not-x.json`;
    for (const tree of ['v8', 'v7']) {
      const r = await runScenario(parseScenario(readFileSync(file, 'utf8'), file, { tree }));
      expect(r.result.build.errors, tree).to.deep.equal(["ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'"]);
    }
    const main = await kshimRun('kconfig-x-or-not-x.json');
    expect(main.result.config.values['DEV_DAX_HMEM']).to.equal('m');
    expect(owners(main)).to.deep.equal(['dax_cxl']);
  });

  it('F10 f10-second-hmem-platform.json: mainline decides hmem_platform.1\'s range with its own work and registers it under platform/hmem_platform.1; v8 announces it and never decides it', async () => {
    const TEST = '[mem 0x850000000-0x184fffffff flags 0x200]';
    const main = await kshimRun('f10-second-hmem-platform.json');
    expect(decisions(main)).to.deep.equal([
      `hmem_platform hmem_platform.1: await CXL initial probe: ${TEST}`,
      `hmem_platform hmem_platform.1: CXL did not claim resource, registering: ${TEST}`,
    ]);
    const under1 = paths(main).filter((p) => p.split('/').includes('hmem_platform.1'));
    expect(under1).to.have.length(1);
    expect(under1[0]).to.match(/^platform\/hmem_platform\.1\/hmem\.\d+$/);
    expect(main.result.daxRegions.find((d) => d.path === under1[0])!.start).to.equal('0x850000000');

    const v8 = await kshimRun('f10-second-hmem-platform.json', { tree: 'v8' });
    expect(decisions(v8)).to.deep.equal([`hmem_platform hmem_platform.1: await CXL initial probe: ${TEST}`]);
    expect(paths(v8).filter((p) => p.includes('hmem_platform'))).to.deep.equal([]);
    expect(v8.result.daxRegions.map((d) => d.start)).to.deep.equal(['0x3000000000']);
  });

  it('findings.md section 6, soft-reserved-straddles-window-v8.json: v8 9/9 cannot insert Soft Reserved across the window and leaves the range without an owner, silently; v8/8 and mainline register it, and kmem then fails to reserve it (-16)', async () => {
    const PR6 = '[mem 0x850000000-0x284fffffff flags 0x80000200]';
    const v8 = await kshimRun('soft-reserved-straddles-window-v8.json');
    expect(decisions(v8)).to.deep.equal([`${HOST}: await CXL initial probe: ${PR6}`, `${HOST}: CXL did not claim resource, registering: ${PR6}`]);
    expect(lines(v8, "Registering platform device 'hmem.")).to.deep.equal([]);
    expect(grep(v8, /^hmem(_platform)? hmem/).filter((l) => /fail|error/i.test(l))).to.deep.equal([]);
    expect(owners(v8)).to.deep.equal([null]);
    expect(iomem(v8)).to.deep.equal(['800000000-104fffffff : CXL Window 0']);
    for (const tree of ['v8/8', 'mainline']) {
      const r = await kshimRun('soft-reserved-straddles-window-v8.json', { tree });
      expect(owners(r), tree).to.deep.equal(['dax_hmem']);
      expect(grep(r, /^kmem dax1\.0: (mapping|probe)/), tree).to.deep.equal([
        'kmem dax1.0: mapping0: 0x850000000-0x284fffffff could not reserve region',
        'kmem dax1.0: probe with driver kmem failed with error -16',
      ]);
      expect(iomem(r), tree).to.deep.equal(['800000000-104fffffff : CXL Window 0']);
    }
  });
});
