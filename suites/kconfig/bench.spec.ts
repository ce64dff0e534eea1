// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { matrixSweep } from '../../bench/kconfig-matrix.js';

describe('kconfig: matrix sweep (what `npm run bench` times)', () => {
  it('covers each state with its code and both DEV_DAX values, and finds the v8 link failures', () => {
    const r = matrixSweep();
    expect(r.rows.map((x) => [x.variant, x.code, x.devDax, x.valid, x.linkFailures])).to.deep.equal([
      ['base', 'pre-series', 'y', 273, 0],
      ['base', 'pre-series', 'm', 219, 0],
      ['v8-3', 'v8', 'y', 204, 12],
      ['v8-3', 'v8', 'm', 179, 6],
      ['mainline', 'mainline', 'y', 197, 0],
      ['mainline', 'mainline', 'm', 171, 0],
    ]);
  });
});
