// SPDX-License-Identifier: GPL-2.0-only
/**
 * docs/findings.md section 10, kept true: with cxl_acpi's bus rescan queued
 * on cxl_bus_wq (drivers/cxl/core/port.c, cxl_bus_rescan()), modular
 * mainline has, for some timing, a schedule in which dax_hmem takes a Soft
 * Reserved range that region0 commits over right afterwards.
 *
 * `kshim explore scenarios/mainline-modular.json --untimed` finds the class
 * (it does not complete within its budget, and takes tens of seconds), so
 * this spec replays the shortest schedule it printed and checks the run in
 * kernel words: the memdevs' first probes fail with -ENXIO before port1 is
 * bound and are not deferred; the rescan's kworker re-probes them one
 * device at a time; the hmem work decides between the two, while region0
 * exists but is not committed.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Span } from '../../framework/sim/trace.js';
import { runScenario, strategyFor, type Run } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { Explorer } from '../../harness/explore/explorer.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The shortest schedule of the dax_hmem class, as `kshim explore scenarios/mainline-modular.json --untimed` prints it. */
const ID = 'u.1w1.1165';
const PR = '[mem 0x850000000-0x284fffffff flags 0x80000200]';
const HOST = 'hmem_platform hmem_platform.0';

async function replay(id: string, tree?: string): Promise<Run> {
  const file = `${ROOT}scenarios/mainline-modular.json`;
  const scenario = parseScenario(readFileSync(file, 'utf8'), file, tree !== undefined ? { tree } : {});
  const spec = decodeSchedule(id);
  return await runScenario(scenario, { strategy: strategyFor(spec), timeMode: spec.timeMode, trace: true });
}

/** dmesg without timestamps. */
const text = (r: Run): string[] => r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));

/** Index of the n-th line (from 0) equal to `line`. */
function nth(lines: readonly string[], line: string, n = 0): number {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = lines.indexOf(line, at + 1);
    if (at < 0) break;
  }
  expect(at, `${line} (occurrence ${n + 1})`).to.be.at.least(0);
  return at;
}

function spanOf(r: Run, kind: Span['kind'], name: string, n = 0): Span {
  const found = r.machine!.kernel.sched.trace.spans.filter((s) => s.kind === kind && s.name === name);
  expect(found.length, `${kind} ${name} #${n + 1}`).to.be.above(n);
  return found[n]!;
}

describe('findings.md section 10: modular mainline, asynchronous cxl bus rescan: hmem decides between the rescan\'s probes of mem0 and mem1', () => {
  it(`${ID} on mainline-modular.json: dax_hmem owns the Soft Reserved range, region0 commits afterwards and cxl_dax_region fails with a resource conflict`, async () => {
    const r = await replay(ID);
    expect(r.result.schedule).to.equal(ID);
    for (const o of r.outcomes) expect(o.status).to.equal('idle');
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(r.result.warnings).to.deep.equal([]);
    const d = text(r);
    const decided = nth(d, `${HOST}: CXL did not claim resource, registering: ${PR}`);
    const committed = nth(d, "cxl_region region0: driver: 'cxl_region': driver_bound: bound to device");
    expect(committed, 'region0 commits after the decision').to.be.above(decided);
    expect(d.slice(committed)).to.include.members([
      'cxl_dax_region dax_region0: dax_region resource conflict for [mem 0x850000000-0x284fffffff]',
      'cxl_dax_region dax_region0: probe with driver cxl_dax_region failed with error -12',
    ]);
  });

  it('why: cxl_mem fails with -ENXIO before port1 is bound (not deferred), cxl_acpi queues the rescan, and the hmem work\'s wait_for_device_probe() returns between its device_attach() of mem0 and of mem1', async () => {
    const r = await replay(ID);
    const d = text(r);
    // cxl_pci's memdevs are probed while cxl_acpi's probe is still binding port1: -ENXIO, which is not a deferral.
    const portBound = nth(d, 'cxl_acpi ACPI0017:00: port1 added to root0');
    // mem0's probe comes before cxl_acpi has added port1, mem1's while port1 has no driver yet.
    expect(nth(d, 'cxl_mem mem0: CXL port topology not found')).to.be.below(portBound);
    expect(nth(d, 'cxl_mem mem1: CXL port topology port1 not enabled')).to.be.below(portBound);
    for (const mem of ['mem0', 'mem1']) expect(nth(d, `cxl_mem ${mem}: probe with driver cxl_mem rejects match -6`)).to.be.below(portBound);
    expect(d.filter((l) => l.includes('Added to deferred list'))).to.deep.equal([]);
    // cxl_acpi's probe returns after queueing the rescan; the rescan's kworker probes mem0, then mem1.
    const rescan = spanOf(r, 'work', 'cxl_port cxl_bus_rescan_queue');
    const mem0 = spanOf(r, 'probe', 'cxl_mem mem0', 1);
    const mem1 = spanOf(r, 'probe', 'cxl_mem mem1', 1);
    const acpi = spanOf(r, 'probe', 'cxl_acpi ACPI0017:00');
    expect(rescan.start, 'the rescan starts after cxl_acpi\'s probe ended').to.be.at.least(acpi.end);
    for (const p of [mem0, mem1]) {
      expect(p.pid, 'the rescan\'s kworker probes the memdevs').to.equal(rescan.pid);
      expect(p.start).to.be.within(rescan.start, rescan.end);
    }
    expect(mem0.end).to.be.at.most(mem1.start);
    // The hmem work decides on another kworker, in the gap between the two probes, while region0 is constructed but not committed.
    const records = r.machine!.kernel.log.records;
    const decision = records.find((l) => l.text === `${HOST}: CXL did not claim resource, registering: ${PR}`)!;
    const work = spanOf(r, 'work', 'dax_hmem_wq process_defer_work');
    expect(decision.pid).to.equal(work.pid);
    expect(work.pid).to.not.equal(rescan.pid);
    expect(decision.time).to.be.within(mem0.end, mem1.start);
    const decided = nth(d, `${HOST}: CXL did not claim resource, registering: ${PR}`);
    expect(nth(d, "cxl_mem mem0: driver: 'cxl_mem': driver_bound: bound to device")).to.be.below(decided);
    expect(nth(d, 'cxl_pci 0000:0d:00.0: mem0:decoder2.0: __construct_region region0 res: [mem 0x850000000-0x284fffffff flags 0x200] iw: 2 ig: 256')).to.be.below(decided);
    expect(nth(d, "cxl mem1: bus: 'cxl': really_probe: probing driver cxl_mem with device", 1)).to.be.above(decided);
  });

  it('built-in cxl_pci and cxl_mem under a modular cxl_acpi: the window is the only timed outcome (HMEM owns, every schedule); for any timing CXL owns in some', async () => {
    const file = `${ROOT}scenarios/mainline-builtin.json`;
    const scenario = parseScenario(readFileSync(file, 'utf8'), file, { set: { DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm', CXL_ACPI: 'm' } });
    const timed = await new Explorer(scenario, { strategy: 'exhaustive' }).explore();
    expect(timed.complete).to.equal(true);
    expect(timed.outcomes.map((o) => o.signature)).to.deep.equal(['owners=dax_hmem build=ok warnings=none leaks=0 end=idle']);
    const r = await runScenario(scenario, {});
    const d = text(r);
    // Both memdevs were rejected at boot, before cxl_acpi existed, and only the rescan binds them.
    expect(d.filter((l) => /^cxl_mem mem[01]: CXL port topology not found$/.test(l))).to.have.length(2);
    expect(nth(d, "cxl_mem mem0: driver: 'cxl_mem': driver_bound: bound to device")).to.be.below(nth(d, `${HOST}: CXL did not claim resource, registering: ${PR}`));
    expect(nth(d, `${HOST}: CXL did not claim resource, registering: ${PR}`)).to.be.below(nth(d, "cxl_mem mem1: driver: 'cxl_mem': driver_bound: bound to device"));
    const untimed = await new Explorer(scenario, { strategy: 'random', runs: 40, seed: 1, timeMode: 'untimed' }).explore();
    expect(untimed.outcomes.map((o) => o.owners.join(','))).to.include.members(['dax_hmem', 'dax_cxl']);
  });

  it('the example v9 of testing-your-patch.md changes only built-in initcall levels: on its tree the same schedule ends the same way', async () => {
    const r = await replay(ID, 'v9-candidate');
    expect(r.result.schedule).to.equal(ID);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
  });
});
