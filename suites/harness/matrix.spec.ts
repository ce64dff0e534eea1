// SPDX-License-Identifier: GPL-2.0-only
/** The Kconfig matrix: held values, answers of "none", and trees that lack a symbol. */
import { expect } from 'chai';
import { configMatrix, MatrixError } from '../../harness/matrix.js';
import { lookupTree } from '../../trees/registry.js';
import { withoutCxlRegion } from './trees.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../../harness/scenario.js';

const mainline = lookupTree('mainline')!;

async function matrixError(run: () => Promise<unknown>): Promise<MatrixError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof MatrixError) return e;
    throw e;
  }
  throw new Error('expected a MatrixError');
}

describe('kshim matrix: the Kconfig matrix of a tree', () => {
  it('holds a swept symbol fixed: every row has the held value', async () => {
    const all = await configMatrix(mainline);
    const held = await configMatrix(mainline, { fixed: { DAX: 'y', DEV_DAX: 'y', CXL_REGION: 'n' } });
    expect(held.valid).to.be.greaterThan(0).and.to.be.lessThan(all.valid);
    expect(held.configs.map((c) => c.values['CXL_REGION'])).to.deep.equal(held.configs.map(() => 'n'));
    // The rows with CXL_REGION=n of the full matrix, no more and no fewer.
    expect(held.configs.map((c) => c.values)).to.deep.equal(all.configs.filter((c) => c.values['CXL_REGION'] === 'n').map((c) => c.values));
    expect(held.why).to.equal(undefined);
  });

  it('with --explore, every configuration has outcomes, one that does not link included: its one class is the build\'s (owners=n/a, end=not-booted)', async () => {
    const v8 = lookupTree('v8')!;
    const scenario = parseScenario(readFileSync(fileURLToPath(new URL('../../../scenarios/mainline-builtin.json', import.meta.url)), 'utf8'), 'mainline-builtin.json', { tree: 'v8' });
    const m = await configMatrix(v8, { fixed: { DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', CXL_BUS: 'm', CXL_REGION: 'y' }, explore: scenario, runs: 3 });
    const failing = m.configs.filter((c) => !c.build.ok);
    expect(failing.length).to.be.greaterThan(0);
    for (const c of m.configs) expect(c.outcomes, JSON.stringify(c.values)).to.be.an('array').that.is.not.empty;
    for (const c of failing) expect(c.outcomes!.map((o) => o.signature)).to.deep.equal(['owners=n/a build=link-error warnings=none leaks=0 end=not-booted']);
  });

  it('says why when held values leave no valid configuration', async () => {
    const none = await configMatrix(mainline, { fixed: { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'n', CXL_PCI: 'y' } });
    expect(none.valid).to.equal(0);
    expect(none.why).to.equal('CXL_PCI=y cannot hold, Kconfig gives n (limited by CXL_BUS)');
  });

  it('refuses, naming the tree, a tree whose Kconfig lacks a symbol the matrix sweeps or holds, and m held on a bool', async () => {
    expect((await matrixError(() => configMatrix(withoutCxlRegion))).message).to.equal(
      'tree no-region: its Kconfig has no CXL_REGION, which kshim matrix sweeps (DEV_DAX_HMEM, DEV_DAX_CXL, CXL_BUS, CXL_ACPI, CXL_PCI, CXL_REGION, CXL_MEM)',
    );
    expect((await matrixError(() => configMatrix(mainline, { fixed: { FOO: 'y' } }))).message).to.equal('tree mainline: its Kconfig has no symbol FOO to hold at y');
    expect((await matrixError(() => configMatrix(mainline, { fixed: { CXL_REGION: 'm' } }))).message).to.contain('CXL_REGION is a bool in tree mainline');
  });
});
