// SPDX-License-Identifier: GPL-2.0-only
/**
 * F9 (Dan Williams, DAN-T 1/9, 87805c32e6ad, Fixes a32320b71f08): an auto
 * region that misses a member (cxl_test's fail_autoassemble) keeps the
 * endpoint decoders that did arrive staged in p->targets[] without
 * attaching them, so their cxld->region is NULL. A memdev removal then
 * takes the decoder for unattached (cxld_unregister() ->
 * cxl_decoder_detach() returns early) and frees it while the region still
 * points to it; the region's own removal later walks its targets by
 * position and reads the freed decoder in __cxl_decoder_detach(). The fix
 * marks a staged decoder CXL_DECODER_STATE_AUTO_STAGED and takes it out
 * of the targets when it goes (cxl_cancel_auto_attach()).
 *
 * The machine is scenarios/f9-failed-assembly-uaf.json: one two-way auto
 * region over the Soft Reserved range whose second member is missing;
 * steps `modprobe -r cxl_pci` (the memdevs go) then `modprobe -r
 * cxl_acpi` (the region goes). That is the order in which `modprobe -r
 * cxl_test` tears cxl_test down, in one task (cxl_test_exit() unregisters
 * the mock memdevs before the mock ACPI0017 device); here the same order
 * comes from the two drivers of real hardware, so the free and the read
 * happen in two modprobe tasks. kshim keeps detach_target() as a frame of
 * its own, where the kernel's trace has it inlined into
 * unregister_region().
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario, type Run } from '../../harness/run.js';
import { parseScenario, type Scenario } from '../../harness/scenario.js';
import { deriveTree } from '../../trees/tree.js';
import { mainline } from '../../trees/index.js';
import { lines } from '../patches/fixture.js';
import { CXL_DECODER_STATE_AUTO, to_cxl_region, type cxl_endpoint_decoder } from '../../mocks/cxl/cxl.h.js';

const FILE = fileURLToPath(new URL('../../../scenarios/f9-failed-assembly-uaf.json', import.meta.url));

function scenario(overrides: { tree?: string; steps?: string[]; assembly?: 'commit' | 'fail' } = {}): Scenario {
  const json = JSON.parse(readFileSync(FILE, 'utf8'));
  if (overrides.steps) json.steps = overrides.steps;
  if (overrides.assembly) json.cxl.regions[0].assembly = overrides.assembly;
  return parseScenario(JSON.stringify(json), FILE, { tree: overrides.tree });
}

const kasan = (r: Run) => r.result.warnings.filter((w) => w.message.startsWith('BUG: KASAN'));

/** The report's lines from the headline to the end marker, without timestamps. */
function report(r: Run): string[] {
  const all = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
  const from = all.findIndex((l) => l.startsWith('BUG: KASAN:'));
  return all.slice(from, all.indexOf('==================================================================', from) + 1);
}

describe('F9: use-after-free from a failed auto-assembly (fixed by 87805c32e6ad)', () => {
  it('v8: removing the memdevs, then cxl_acpi, reads the freed decoder2.0 in __cxl_decoder_detach, from unregister_region()\'s detach_target()', async () => {
    const r = await runScenario(scenario(), { blockStacks: true });
    expect(r.steps!.map((s) => [s.command, s.exit])).to.deep.equal([['modprobe -r cxl_pci', 0], ['modprobe -r cxl_acpi', 0]]);
    expect(kasan(r).map((w) => w.message)).to.deep.equal(['BUG: KASAN: slab-use-after-free in __cxl_decoder_detach [cxl_core]']);
    const rep = report(r);
    expect(rep[1]).to.match(/^Read of size 8 at addr ffff8881[0-9a-f]{8} by task modprobe\/\d+$/);
    const trace = rep.slice(rep.indexOf(' <TASK>') + 1, rep.indexOf(' </TASK>'));
    expect(trace.slice(0, 8)).to.deep.equal([
      ' dump_stack_lvl', ' print_report', ' kasan_report',
      ' __cxl_decoder_detach [cxl_core]', ' cxl_decoder_detach [cxl_core]', ' detach_target [cxl_core]', ' unregister_region [cxl_core]', ' devres_release_all',
    ]);
    // rmmod's delete_module() system call: the module's exit, then the syscall entry.
    expect(trace.slice(-4)).to.deep.equal([' cxl_acpi_exit [cxl_acpi]', ' __do_sys_delete_module', ' do_syscall_64', ' entry_SYSCALL_64_after_hwframe']);
    // Allocated by cxl_port's probe of endpoint2, freed by the removal of cxl_pci: the release of the decoder's last reference.
    const freed = rep.slice(rep.findIndex((l) => l.startsWith('Freed by task')));
    expect(freed.slice(5, 9)).to.deep.equal([' kfree', ' cxl_endpoint_decoder_release [cxl_core]', ' device_release', ' kobject_cleanup']);
    expect(freed).to.include.members([' cxld_unregister [cxl_core]', ' delete_endpoint [cxl_core]', ' cxl_pci_driver_exit [cxl_pci]']);
    const alloc = rep.slice(rep.findIndex((l) => l.startsWith('Allocated by task')));
    expect(alloc.slice(5, 7)).to.deep.equal([' cxl_endpoint_decoder_alloc [cxl_core]', ' devm_cxl_endpoint_decoders_setup [cxl_core]']);
    expect(rep).to.include(' which belongs to the cache kmalloc-1k of size 1024');
    expect(rep).to.include('The buggy address is located 64 bytes inside of');
    // Without lock debugging the boot goes on: cxl_acpi's ports and the root decoder go after region0.
    expect(lines(r, "bus: 'cxl': remove device root0")).to.have.length(1);
  });

  it('the timeline marks the report on the lane of the modprobe that made the bad read', async () => {
    const r = await runScenario(scenario(), { trace: true });
    const marks = r.machine!.kernel.sched.trace.marks.filter((m) => m.kind === 'warn');
    const modprobe = r.machine!.kernel.sched.allTasks().filter((t) => t.kind === 'user' && t.comm === 'modprobe').at(-1)!;
    expect(marks.map((m) => [m.name, m.text, m.pid])).to.deep.equal([['__cxl_decoder_detach', 'BUG: KASAN: slab-use-after-free in __cxl_decoder_detach [cxl_core]', modprobe.pid]]);
  });

  it('mainline (87805c32e6ad): decoder2.0 is AUTO_STAGED, and its removal takes it out of region0\'s targets, so region0 goes without reading it', async () => {
    const r = await runScenario(scenario({ tree: 'mainline', steps: ['boot', 'modprobe -r cxl_pci'] }));
    const region0 = r.machine!.kernel.base.core.allDevices.find((d) => d.name === 'region0' && d.state_in_sysfs)!;
    expect(region0.driver, 'region0 never commits').to.equal(null);
    const p = to_cxl_region(region0).params;
    expect([p.nr_targets, p.targets]).to.deep.equal([0, [null, null]]);
    const done = await runScenario(scenario({ tree: 'mainline' }));
    expect(done.result.warnings).to.deep.equal([]);
    expect(done.result.leaks).to.deep.equal([]);
  });

  it('before the memdev goes, v8 and mainline stage decoder2.0 alike (position 0 of 2, no region attached); only mainline marks it AUTO_STAGED', async () => {
    for (const [tree, state] of [['v8', 'CXL_DECODER_STATE_AUTO'], ['mainline', 'CXL_DECODER_STATE_AUTO_STAGED']] as const) {
      const r = await runScenario(scenario({ tree, steps: ['boot'] }));
      const region0 = r.machine!.kernel.base.core.allDevices.find((d) => d.name === 'region0')!;
      const p = to_cxl_region(region0).params;
      const staged = p.targets[0] as cxl_endpoint_decoder;
      expect([p.nr_targets, p.interleave_ways, p.targets[1]], tree).to.deep.equal([1, 2, null]);
      expect([staged.cxld.dev.name, staged.pos, staged.cxld.region], tree).to.deep.equal(['decoder2.0', 0, null]);
      expect(staged.state === CXL_DECODER_STATE_AUTO ? 'CXL_DECODER_STATE_AUTO' : 'CXL_DECODER_STATE_AUTO_STAGED', tree).to.equal(state);
    }
  });

  it('mainline without 87805c32e6ad reads the freed decoder again: the fix is what makes the difference', async () => {
    const reverted = deriveTree(mainline, 'mainline-without-87805c32e6ad', 'mainline with region.c before 87805c32e6ad', { regionAutoAttach: 'a32320b71f08' });
    const r = await runScenario({ ...scenario({ tree: 'mainline' }), tree: reverted });
    expect(kasan(r).map((w) => w.function)).to.deep.equal(['__cxl_decoder_detach']);
  });

  it('needs that order and that failure: cxl_acpi first (the region walks its live targets), or a region that committed (its decoders are attached and detach through cxld->region), is clean on v8', async () => {
    const regionFirst = await runScenario(scenario({ steps: ['boot', 'modprobe -r cxl_acpi', 'modprobe -r cxl_pci'] }));
    expect(regionFirst.result.warnings).to.deep.equal([]);
    const committed = await runScenario(scenario({ assembly: 'commit' }));
    expect(committed.result.warnings).to.deep.equal([]);
    expect(committed.result.leaks).to.deep.equal([]);
    // With the region committed, the first decoder to go detaches it: cxl_region lets go of region0 and dax_region0 goes.
    expect(lines(committed, "bus: 'cxl': remove device dax_region0")).to.have.length(1);
  });
});
