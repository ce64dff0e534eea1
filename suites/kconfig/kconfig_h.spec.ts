// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { IS_BUILTIN, IS_ENABLED, IS_MODULE, IS_REACHABLE, ifdef } from '../../framework/kconfig/kconfig_h.js';

describe('kconfig: include/linux/kconfig.h', () => {
  it('follows the table: IS_BUILTIN, IS_MODULE, IS_ENABLED, IS_REACHABLE from built-in and module callers', () => {
    const rows = (['n', 'm', 'y'] as const).map((v) => [v, IS_BUILTIN(v), IS_MODULE(v), IS_ENABLED(v), IS_REACHABLE(v, false), IS_REACHABLE(v, true)]);
    expect(rows).to.deep.equal([
      ['n', 0, 0, 0, 0, 0],
      ['m', 0, 1, 1, 0, 1],
      ['y', 1, 0, 1, 1, 1],
    ]);
    expect([IS_ENABLED(undefined), IS_REACHABLE(undefined, true)]).to.deep.equal([0, 0]);
  });

  it('#ifdef CONFIG_FOO is false for m: only CONFIG_FOO_MODULE is defined', () => {
    expect([ifdef('n'), ifdef('m'), ifdef('y')]).to.deep.equal([false, false, true]);
  });
});
