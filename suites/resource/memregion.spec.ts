// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import sinon from 'sinon';
import { ENOMEM, ENOSPC } from '../../framework/include/errno.js';
import { DEFINE_RES_MEM_NAMED, newResourceRoot } from '../../framework/include/linux/ioport.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { logText, makeFixture } from './fixture.js';

describe('memregion: one IDA for everybody', () => {
  it('hands out the lowest free id, starting at 0', () => {
    const { mr } = makeFixture();
    expect([mr.memregion_alloc(), mr.memregion_alloc(), mr.memregion_alloc()]).to.deep.equal([0, 1, 2]);
    expect(mr.allocated()).to.deep.equal([0, 1, 2]);
  });

  it('reuses the lowest freed id first', () => {
    const { mr } = makeFixture();
    for (let i = 0; i < 5; i++) mr.memregion_alloc();
    mr.memregion_free(3);
    mr.memregion_free(1);
    expect(mr.memregion_alloc()).to.equal(1);
    expect(mr.memregion_alloc()).to.equal(3);
    expect(mr.memregion_alloc()).to.equal(5);
  });

  it('is shared: ids taken by one user (CXL decoders) shift the next user\'s numbers (hmem)', () => {
    const { mr } = makeFixture();
    const cxl = mr.api();
    const hmem = mr.api();
    const decoders = [cxl.memregion_alloc(), cxl.memregion_alloc()];
    expect(hmem.memregion_alloc()).to.equal(2);
    cxl.memregion_free(decoders[0]!);
    expect(hmem.memregion_alloc()).to.equal(0);
  });

  it('WARNs on freeing an id that is not allocated, with the text and site of lib/idr.c', () => {
    const f = makeFixture();
    const id = f.mr.memregion_alloc();
    f.mr.memregion_free(id);
    f.mr.memregion_free(id);
    f.mr.memregion_free(42);
    expect(f.panic.warnings.map((w) => [w.function, w.message, w.text])).to.deep.equal([
      ['ida_free', 'WARNING: lib/idr.c:592 at ida_free, CPU#0: swapper/0/0', 'ida_free called for id=0 which is not allocated.'],
      ['ida_free', 'WARNING: lib/idr.c:592 at ida_free, CPU#0: swapper/0/0', 'ida_free called for id=42 which is not allocated.'],
    ]);
    const text = logText(f);
    expect(text[0]).to.equal('------------[ cut here ]------------');
    expect(text[1]).to.equal('ida_free called for id=0 which is not allocated.');
    expect(text[2]).to.equal('WARNING: lib/idr.c:592 at ida_free, CPU#0: swapper/0/0');
    expect(f.mr.memregion_alloc()).to.equal(0);
  });

  it('ignores a negative id silently', () => {
    const f = makeFixture();
    f.mr.memregion_free(-ENOMEM);
    expect(f.panic.warnings).to.have.length(0);
    expect(f.log.records).to.have.length(0);
  });

  it('without CONFIG_MEMREGION allocates nothing (-ENOMEM) and frees nothing', () => {
    const f = makeFixture();
    f.mr.CONFIG_MEMREGION = false;
    expect(f.mr.memregion_alloc()).to.equal(-ENOMEM);
    f.mr.memregion_free(7);
    expect(f.panic.warnings).to.have.length(0);
    expect(f.mr.allocated()).to.deep.equal([]);
  });

  it('fails when fault injection says so, without consuming an id', () => {
    const f = makeFixture();
    f.faults.add({ function: 'memregion_alloc', nth: 2 });
    expect(f.mr.memregion_alloc()).to.equal(0);
    expect(f.mr.memregion_alloc()).to.equal(-ENOMEM);
    expect(f.mr.memregion_alloc()).to.equal(1);
    f.faults.add({ function: 'memregion_alloc', retval: -ENOSPC, nth: 1 });
    expect(f.mr.memregion_alloc()).to.equal(-ENOSPC);
    expect(logText(f)).to.deep.equal([
      'FAULT_INJECTION: forcing a failure of memregion_alloc: -12',
      'FAULT_INJECTION: forcing a failure of memregion_alloc: -28',
    ]);
  });

  it('each container has its own IDA', () => {
    const a = makeFixture();
    const b = makeFixture();
    a.mr.memregion_alloc();
    expect(b.mr.memregion_alloc()).to.equal(0);
  });
});

describe('resource and memregion: scheduler footprints', () => {
  it('touch the tree they work on, and memregion_ids, only when steps are recorded', () => {
    const rec = makeFixture({ scheduler: { recordSteps: true } });
    const touch = sinon.spy(rec.sched, 'touch');
    const priv = newResourceRoot('HMEM devices');
    rec.res.request_mem_region(0x100000, 0x1000, 'a');
    rec.res.region_intersects_soft_reserve(0, 0x1000);
    rec.res.__request_region(priv, 0x100000, 0x1000, 'hmem', 0);
    const inner = DEFINE_RES_MEM_NAMED(0x100000, 0x100, 'inner');
    rec.res.insert_resource(rec.res.iomem_resource, inner);
    rec.res.release_resource(inner);
    rec.mr.memregion_alloc();
    expect(touch.args.map((a) => a[0])).to.deep.equal(['iomem', 'soft_reserve', 'resource:HMEM devices', 'iomem', 'iomem', 'memregion_ids']);

    const quiet = makeFixture();
    const none = sinon.spy(quiet.sched, 'touch');
    quiet.res.request_mem_region(0x100000, 0x1000, 'a');
    quiet.mr.memregion_alloc();
    expect(none.callCount).to.equal(0);
  });
});

describe('memregion: CONFIG_MEMREGION follows the configuration', () => {
  const file = fileURLToPath(new URL('../../../scenarios/cover-letter-2-cxl-region-n.json', import.meta.url));
  const load = (set: Record<string, string> = {}) => parseScenario(readFileSync(file, 'utf8'), file, { set });

  it('ACPI_HMAT selects MEMREGION: with CXL_REGION=n it is still y, and hmem allocates hmem.<id>', async () => {
    const r = await runScenario(load());
    expect([r.result.config.values.CXL_REGION, r.result.config.values.ACPI_HMAT, r.result.config.values.MEMREGION]).to.deep.equal(['n', 'y', 'y']);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(r.machine!.kernel.memregion.allocated()).to.not.deep.equal([]);
  });

  it('with neither ACPI_HMAT nor CXL_REGION nothing selects MEMREGION, and the machine gets the -ENOMEM stub', async () => {
    // CXL_ACPI selects ACPI_HMAT, so it goes too; without ACPI_HMAT there is no EFI_SOFT_RESERVE, so no Soft Reserved range either.
    const r = await runScenario({ ...load({ ACPI_HMAT: 'n', CXL_ACPI: 'n' }), softReserved: [] });
    expect([r.result.config.values.ACPI_HMAT, r.result.config.values.CXL_REGION, r.result.config.values.MEMREGION]).to.deep.equal(['n', 'n', 'n']);
    expect(r.machine!.kernel.memregion.memregion_alloc()).to.equal(-ENOMEM);
  });
});
