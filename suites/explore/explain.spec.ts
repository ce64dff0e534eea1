// SPDX-License-Identifier: GPL-2.0-only
/** A shortest schedule in words: what each deviation from the default order ran, and what it postponed. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countRepeats, explainSchedule } from '../../harness/explore/explain.js';
import { runScenario, strategyFor } from '../../harness/run.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { validateScenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function shipped(name: string) {
  return validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', name), 'utf8')), name);
}

describe('explorer: a schedule in words', () => {
  it('built-in mainline, CXL owns (for some timing): PID 1 runs the initcalls up to cxl_pci_driver_init while the hmem work waits to pass wait_for_device_probe()', async () => {
    const lines = await explainSchedule(shipped('mainline-builtin.json'), 'u.111.121.131.141.151.161');
    const hmemWork = 'kworker/u4:0[2] (work dax_hmem_wq process_defer_work)';
    expect(lines).to.have.length(6);
    for (const l of lines) expect(l).to.match(new RegExp(`^at 0\\.0341[0-4]0: .* ran before ${hmemWork.replace(/[[\]()/]/g, '\\$&')}$`));
    const pid1 = lines.map((l) => /^at [\d.]+: swapper\/0\[1\] \(initcall (\w+)\)/.exec(l)?.[1]).filter((x) => x !== undefined);
    expect(pid1).to.deep.equal(['dax_init', 'dax_kmem_init', 'cxl_dax_region_init', 'cxl_mem_init', 'cxl_pci_driver_init']);
  });

  it('the default order has nothing to explain; one deviation is one line', async () => {
    expect(await explainSchedule(shipped('mainline-builtin.json'), 't.')).to.deep.equal([]);
    const once = await explainSchedule(shipped('mainline-modular-kmod19.json'), 't.1h1');
    expect(once).to.deep.equal(['at 3.007000: (udev-worker)[10] (module cxl_mem) ran before (udev-worker)[9] (module dax)']);
  });

  it('repeats of the same deviation in a row are one line with a count', () => {
    expect(countRepeats(['a', 'a', 'a', 'b', 'a'])).to.deep.equal(['a (3 times)', 'b', 'a']);
    expect(countRepeats([])).to.deep.equal([]);
  });

  it('a task in the middle of something is described by what it is in ("in probe ..."), not by what it starts later', async () => {
    const lines = await explainSchedule(shipped('workqueue-flush-v7.json'), 't.1h1');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^at [\d.]+: kworker\/u4:0\[\d+\] \(in probe cxl_port endpoint2\) ran before \(udev-worker\)/);
  });

  it('an answer of 0 in a hand-written id is the default order: nothing is explained, and the replay is the default run', async () => {
    const builtin = shipped('mainline-builtin.json');
    // The field is read: choice point 17 ("h" in base 36), candidate 0, the one the default order takes.
    expect(decodeSchedule('t.1h0')).to.deep.equal({ timeMode: 'timed', deviations: new Map([[17, 0]]) });
    expect(await explainSchedule(builtin, 't.1h0')).to.deep.equal([]);
    // Candidate 1 at the same choice point is a deviation, so the empty answer above is about candidate 0.
    expect(await explainSchedule(builtin, 't.1h1')).to.deep.equal(['at 0.304140: (udev-worker)[21] ran before (udev-worker)[20]']);
    const replay = await runScenario(builtin, { strategy: strategyFor(decodeSchedule('t.1h0')) });
    const dflt = await runScenario(builtin);
    expect(replay.result.schedule).to.equal('t.');
    expect(replay.result.dmesg).to.deep.equal(dflt.result.dmesg);
  });
});

