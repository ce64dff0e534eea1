// SPDX-License-Identifier: GPL-2.0-only
/** trees/registry.ts: every tree has a name of its own; a --tree it does not know may be one the build predates. */
import { expect } from 'chai';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rebuildHint, unknownTree } from '../../cli/load.js';
import { TREES } from '../../trees/index.js';
import { checkLocalTrees, LOCAL_TREE_PROBLEMS } from '../../trees/registry.js';
import { deriveTree } from '../../trees/tree.js';

describe('trees/registry.ts: the local trees', () => {
  const mainline = TREES.find((t) => t.name === 'mainline')!;

  it('refuses a local tree without a name, or with the name of another tree, naming the entry of LOCAL_TREES', () => {
    const mine = deriveTree(mainline, 'mine', 'a fix', {});
    expect(checkLocalTrees(TREES, [mine])).to.deep.equal([]);
    expect(checkLocalTrees(TREES, [mine, deriveTree(mainline, '', 'unnamed', {})])).to.deep.equal([
      'LOCAL_TREES[1]: the tree has no name (deriveTree(parent, NAME, description, changes)); give it one',
    ]);
    expect(checkLocalTrees(TREES, [deriveTree(mainline, 'mainline', 'a fix', {})])).to.deep.equal([
      'LOCAL_TREES[0]: the name "mainline" is already a tree of the series (trees/index.ts); give yours another name',
    ]);
    expect(checkLocalTrees(TREES, [mine, deriveTree(mainline, 'mine', 'another fix', {})])).to.deep.equal([
      'LOCAL_TREES[1]: the name "mine" is already used by LOCAL_TREES[0]; give each tree its own name',
    ]);
  });

  it('trees/local.ts as checked in has no such problem (the kshim command would refuse to start)', () => {
    expect(LOCAL_TREE_PROBLEMS).to.deep.equal([]);
  });
});

describe('an unknown --tree: the hint to rebuild', () => {
  it('asks "did you run npm run build?" only when trees/local.ts is newer than its build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kshim-build-'));
    const source = join(dir, 'local.ts');
    const built = join(dir, 'local.js');
    writeFileSync(source, '');
    writeFileSync(built, '');
    utimesSync(built, new Date(1000), new Date(1000));
    expect(rebuildHint(source, built)).to.equal(' (trees/local.ts is newer than the build: did you run npm run build?)');
    utimesSync(source, new Date(500), new Date(500));
    expect(rebuildHint(source, built)).to.equal('');
    expect(rebuildHint(join(dir, 'none.ts'), built)).to.equal('');
    expect(unknownTree('my-fix').message).to.match(/^--tree my-fix: unknown tree \(known: base, .*\bv9-candidate\)/);
  });
});
