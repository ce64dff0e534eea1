// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { layered } from '../../framework/lib/layered.js';

describe('the API a module sees: its own functions over the kernel API (layered)', () => {
  const kernel = { get_device: () => 'kernel', queue_work: () => true };
  const module = layered<Record<string, unknown> & typeof kernel & { THIS_MODULE: string }>(kernel, { get_device: () => 'dax_hmem', THIS_MODULE: 'dax_hmem' });

  it("answers with the module's own function first, and the kernel's for every other name", () => {
    expect(module.get_device()).to.equal('dax_hmem');
    expect(module.queue_work()).to.equal(true);
    expect(module.THIS_MODULE).to.equal('dax_hmem');
    expect(module['no_such_function']).to.equal(undefined);
  });

  it('knows both layers for `in` (what a --wrap checks before wrapping)', () => {
    expect('queue_work' in module).to.equal(true);
    expect('THIS_MODULE' in module).to.equal(true);
    expect('no_such_function' in module).to.equal(false);
  });

  it('does not make the kernel API a prototype (see docs/performance.md)', () => {
    expect(Object.getPrototypeOf(module)).to.not.equal(kernel);
  });
});
