// SPDX-License-Identifier: GPL-2.0-only
/**
 * docs/findings.md section 12, kept true: on mainline (7.1) under
 * CONFIG_DEBUG_TEST_DRIVER_REMOVE, for some timing, a memdev's test remove
 * takes its decoder out of committed region0 (targets[0] becomes empty,
 * nr_targets drops to 1), cxl_pci's second probe adds a new memdev, and its
 * decoder auto-attaches at targets[nr_targets], over the other member's
 * slot; cxl_region_attach() then walks targets[0..1] and dereferences the
 * empty slot in cxl_rr_ep_add(). Upstream aa8a76711c15 ("cxl/region: Fill
 * first free targets[] slot during auto-discovery", queued for 7.2) fixes
 * that slot choice. The schedule is the one random untimed exploration
 * found (not shrunk): this spec replays it.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario, strategyFor } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { decodeSchedule } from '../../harness/schedule.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The schedule `kshim explore scenarios/mainline-modular.json --set DEBUG_TEST_DRIVER_REMOVE=y --untimed --strategy random --runs 800` printed for the class. */
const ID = 'u.101.142.152.162.175.185.195.1a5.1b4.1c1.1d7.1e4.1f2.1g4.1h3.1i4.1j1.1k2.1l4.1m5.1n3.1o4.1p1.1q4.1r2.1s3.1x2.1y1.1z2.1104.1123.1134.1142.1157.1163.1178.1195.11a3.11b6.11c1.11d1.11e6.11f7.11g3.11i6.11j5.11k6.11l5.11m2.11n5.11o2.11p1.11q4.11r4.11s2.11t4.11u6.11v5.11w1.11x4.11y2.11z3.1201.1212.1224.1294.12a4.12b2.12c3.12n2.12o3.12q2.12r3.12t2.12v2.12w4.12x3.12y3.12z3.1311.1322.1331.1345.13a2.13b3.13h2.13k2.13o3.13p2.13q2.13r2.13s2.13t1.13u2.13v3';

describe('findings §12: a hole in region0\'s targets[] after a test remove, and the auto-attach that writes past it (mainline 7.1, DEBUG_TEST_DRIVER_REMOVE)', () => {
  it('replays to a KASAN null-ptr-deref in cxl_rr_ep_add() from cxl_region_attach(), after mem0\'s decoder left the committed region and a new memdev\'s decoder attached', async () => {
    const file = `${ROOT}scenarios/mainline-modular.json`;
    const scenario = parseScenario(readFileSync(file, 'utf8'), file, { set: { DEBUG_TEST_DRIVER_REMOVE: 'y' } });
    const spec = decodeSchedule(ID);
    const r = await runScenario(scenario, { strategy: strategyFor(spec), timeMode: spec.timeMode });
    expect(r.result.schedule).to.equal(ID);
    const d = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
    const oops = d.indexOf('Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN NOPTI');
    expect(oops).to.be.greaterThan(0);
    expect(d[oops + 1]).to.equal('KASAN: null-ptr-deref in range [0x0000000000000000-0x0000000000000007]');
    const trace = d.slice(oops, oops + 40);
    expect(trace).to.include('RIP: 0010:cxl_rr_ep_add [cxl_core]');
    expect(trace.join('\n')).to.match(/ cxl_region_attach_position \[cxl_core\]\n cxl_region_attach \[cxl_core\]\n attach_target \[cxl_core\]/);
    // Before it: region0 had committed with mem0 and mem1, mem0 went away, and a new memdev's decoder arrived.
    const before = d.slice(0, oops);
    expect(before).to.include("cxl_region region0: driver: 'cxl_region': driver_bound: bound to device");
    expect(before).to.include("bus: 'cxl': remove device mem0");
    expect(before.at(-1)).to.equal('cxl_mem mem2: decoder2.0 added to endpoint2');
    expect(r.result.warnings.map((w) => w.function)).to.include('cxl_rr_ep_add');
  });
});
