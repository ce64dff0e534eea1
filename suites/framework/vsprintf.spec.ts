// SPDX-License-Identifier: GPL-2.0-only
/** lib/vsprintf.c's number(): where the kernel's printf differs from C's. */
import { expect } from 'chai';
import { vsprintf } from '../../framework/lib/vsprintf.js';

describe('vsprintf: the # flag of %x', () => {
  it('prints "0x0" for zero, as number() does (C\'s printf prints "0"): what page_offset shows for a mapping at the start of its range', () => {
    expect(vsprintf('%#x', [0])).to.equal('0x0');
    expect(vsprintf('%#llx', [0x850000000])).to.equal('0x850000000');
  });

  it('prints "0X" before upper-case digits for %#X', () => {
    expect(vsprintf('%#X', [255])).to.equal('0XFF');
  });
});
