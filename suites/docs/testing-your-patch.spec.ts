// SPDX-License-Identifier: GPL-2.0-only
/** The walkthrough of docs/testing-your-patch.md, kept true. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Explorer } from '../../harness/explore/explorer.js';
import { parseScenario } from '../../harness/scenario.js';
import { lookupTree } from '../../trees/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FILE = `${ROOT}scenarios/mainline-modular.json`;

describe('docs/testing-your-patch.md: a v9 candidate for the request_module() window', () => {
  it('is a tree derived from mainline that replaces only drivers/dax/hmem/hmem.c', () => {
    const v9 = lookupTree('v9-candidate')!;
    const mainline = lookupTree('mainline')!;
    expect(v9.parent).to.equal('mainline');
    const changed = Object.keys(v9.files).filter((f) => v9.files[f as keyof typeof v9.files] !== mainline.files[f as keyof typeof mainline.files]);
    expect(changed).to.deep.equal(['drivers/dax/hmem/hmem.c']);
  });

  it('mainline lets HMEM own a range a committed region contains in some schedules; the candidate in none', async () => {
    const text = readFileSync(FILE, 'utf8');
    const before = await new Explorer(parseScenario(text, FILE), { strategy: 'exhaustive', shrink: false }).explore();
    const after = await new Explorer(parseScenario(text, FILE, { tree: 'v9-candidate' }), { strategy: 'exhaustive', shrink: false }).explore();
    expect(before.complete && after.complete).to.equal(true);
    expect(before.outcomes.map((o) => o.owners[0])).to.have.members(['dax_cxl', 'dax_hmem']);
    expect(after.outcomes.map((o) => o.owners[0])).to.deep.equal(['dax_cxl']);
  });
});
