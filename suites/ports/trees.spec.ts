// SPDX-License-Identifier: GPL-2.0-only
/**
 * The tree manifests: every state of the series, in series order, each its
 * parent plus exactly what one patch changed (NOTES.md §1).
 */
import { expect } from 'chai';
import { TREES, findTree } from '../../trees/index.js';
import type { Tree, TreeFiles } from '../../trees/tree.js';
import { DRIVERS_DAX_KCONFIG_BASE, DRIVERS_DAX_KCONFIG_MAINLINE, DRIVERS_DAX_KCONFIG_V8_3 } from '../../framework/kconfig/texts/dax.js';
import { hmem_c as hmem_base } from '../../drivers/dax/hmem/hmem.c/base.js';
import { hmem_c as hmem_v8_2 } from '../../drivers/dax/hmem/hmem.c/v8-2.js';
import { hmem_c as hmem_v8_3 } from '../../drivers/dax/hmem/hmem.c/v8-3.js';
import { hmem_c as hmem_v8_4 } from '../../drivers/dax/hmem/hmem.c/v8-4.js';
import { hmem_c as hmem_v8_8 } from '../../drivers/dax/hmem/hmem.c/v8-8.js';
import { hmem_c as hmem_v8_9 } from '../../drivers/dax/hmem/hmem.c/v8-9.js';
import { hmem_c as hmem_v7_1 } from '../../drivers/dax/hmem/hmem.c/v7-1.js';
import { hmem_c as hmem_v7_2 } from '../../drivers/dax/hmem/hmem.c/v7-2.js';
import { hmem_c as hmem_v7_6 } from '../../drivers/dax/hmem/hmem.c/v7-6.js';
import { hmem_c as hmem_v7_7 } from '../../drivers/dax/hmem/hmem.c/v7-7.js';
import { hmem_c as hmem_mainline } from '../../drivers/dax/hmem/hmem.c/mainline.js';
import { device_c as device_base } from '../../drivers/dax/hmem/device.c/base.js';
import { device_c as device_v8_8 } from '../../drivers/dax/hmem/device.c/v8-8.js';
import { device_c as device_mainline } from '../../drivers/dax/hmem/device.c/mainline.js';
import { cxl_c as cxl_base } from '../../drivers/dax/cxl.c/base.js';
import { cxl_c as cxl_v8_5 } from '../../drivers/dax/cxl.c/v8-5.js';
import { cxl_c as cxl_v8_8 } from '../../drivers/dax/cxl.c/v8-8.js';
import { bus_c as bus_base } from '../../drivers/dax/bus.c/base.js';
import { bus_c as bus_v8_1 } from '../../drivers/dax/bus.c/v8-1.js';
import { bus_c as bus_v8_6 } from '../../drivers/dax/bus.c/v8-6.js';
import { bus_c as bus_v7_4 } from '../../drivers/dax/bus.c/v7-4.js';
import { region_c as region_v8_7 } from '../../drivers/cxl/core/region.c/v8-7.js';
import { region_c as region_mainline } from '../../drivers/cxl/core/region.c/mainline.js';

const ORDER = [
  'base',
  'v7/1', 'v7/2', 'v7/3', 'v7/4', 'v7/5', 'v7/6', 'v7/7', 'v7',
  'v8/1', 'v8/2', 'v8/3', 'v8/4', 'v8/5', 'v8/6', 'v8/7', 'v8/8', 'v8/9', 'v8',
  'mainline',
];

function tree(name: string): Tree {
  const t = findTree(name);
  expect(t, name).to.not.equal(undefined);
  return t!;
}

/** What differs between a tree and its parent: file paths, Kconfig paths, and the Makefile order. */
function changes(t: Tree): string[] {
  const p = tree(t.parent!);
  const out: string[] = [];
  for (const f of Object.keys(t.files) as Array<keyof TreeFiles>) if (t.files[f] !== p.files[f]) out.push(f);
  for (const f of Object.keys(t.kconfig) as Array<keyof Tree['kconfig']>) if (t.kconfig[f] !== p.kconfig[f]) out.push(f);
  if (t.daxMakefile !== p.daxMakefile) out.push(`drivers/dax/Makefile: ${t.daxMakefile}`);
  return out;
}

describe('trees: the states of the series', () => {
  it('lists every state once, in the order they were posted: base, v7, v8, mainline', () => {
    expect(TREES.map((t) => t.name)).to.deep.equal(ORDER);
  });

  it('derives each v8 and v7 patch from the one before, and both series from base; mainline from v8/8', () => {
    const parents = Object.fromEntries(TREES.map((t) => [t.name, t.parent]));
    expect(parents).to.deep.equal({
      base: null,
      'v8/1': 'base', 'v8/2': 'v8/1', 'v8/3': 'v8/2', 'v8/4': 'v8/3', 'v8/5': 'v8/4', 'v8/6': 'v8/5', 'v8/7': 'v8/6', 'v8/8': 'v8/7', 'v8/9': 'v8/8', v8: 'v8/9',
      'v7/1': 'base', 'v7/2': 'v7/1', 'v7/3': 'v7/2', 'v7/4': 'v7/3', 'v7/5': 'v7/4', 'v7/6': 'v7/5', 'v7/7': 'v7/6', v7: 'v7/7',
      mainline: 'v8/8',
    });
  });

  it('each patch changes exactly the files NOTES.md lists for it', () => {
    const expected: Record<string, string[]> = {
      'v8/1': ['drivers/dax/bus.c'],
      'v8/2': ['drivers/dax/hmem/hmem.c'],
      'v8/3': ['drivers/dax/hmem/hmem.c', 'drivers/dax/Kconfig'],
      'v8/4': ['drivers/dax/hmem/hmem.c'],
      'v8/5': ['drivers/dax/cxl.c', 'drivers/dax/Makefile: hmem-first'],
      'v8/6': ['drivers/dax/bus.c'],
      'v8/7': ['drivers/cxl/core/region.c'],
      'v8/8': ['drivers/dax/hmem/hmem.c', 'drivers/dax/hmem/device.c', 'drivers/dax/cxl.c'],
      'v8/9': ['drivers/dax/hmem/hmem.c'],
      v8: [],
      'v7/1': ['drivers/dax/hmem/hmem.c', 'drivers/dax/Kconfig'],
      'v7/2': ['drivers/dax/hmem/hmem.c'],
      'v7/3': ['drivers/dax/cxl.c', 'drivers/dax/Makefile: hmem-first'],
      'v7/4': ['drivers/dax/bus.c'],
      'v7/5': ['drivers/cxl/core/region.c'],
      'v7/6': ['drivers/dax/hmem/hmem.c', 'drivers/dax/hmem/device.c', 'drivers/dax/cxl.c'],
      'v7/7': ['drivers/dax/hmem/hmem.c'],
      v7: [],
      mainline: ['drivers/dax/hmem/hmem.c', 'drivers/dax/hmem/device.c', 'drivers/cxl/core/region.c', 'drivers/dax/Kconfig'],
    };
    for (const t of TREES.filter((x) => x.parent !== null)) expect(changes(t), t.name).to.deep.equal(expected[t.name]);
  });

  it('uses the port of each file that NOTES.md names for the state', () => {
    const hmem = Object.fromEntries(TREES.map((t) => [t.name, t.files['drivers/dax/hmem/hmem.c']]));
    expect(hmem).to.deep.equal({
      base: hmem_base, 'v8/1': hmem_base, 'v8/2': hmem_v8_2, 'v8/3': hmem_v8_3, 'v8/4': hmem_v8_4, 'v8/5': hmem_v8_4, 'v8/6': hmem_v8_4,
      'v8/7': hmem_v8_4, 'v8/8': hmem_v8_8, 'v8/9': hmem_v8_9, v8: hmem_v8_9,
      'v7/1': hmem_v7_1, 'v7/2': hmem_v7_2, 'v7/3': hmem_v7_2, 'v7/4': hmem_v7_2, 'v7/5': hmem_v7_2, 'v7/6': hmem_v7_6, 'v7/7': hmem_v7_7, v7: hmem_v7_7,
      mainline: hmem_mainline,
    });
    const at = (name: string) => tree(name).files;
    expect([at('v8/7')['drivers/dax/hmem/device.c'], at('v8/8')['drivers/dax/hmem/device.c'], at('v7/6')['drivers/dax/hmem/device.c'], at('mainline')['drivers/dax/hmem/device.c']])
      .to.deep.equal([device_base, device_v8_8, device_v8_8, device_mainline]);
    expect([at('base')['drivers/dax/cxl.c'], at('v8/5')['drivers/dax/cxl.c'], at('v7/3')['drivers/dax/cxl.c'], at('v8/8')['drivers/dax/cxl.c'], at('v7/6')['drivers/dax/cxl.c'], at('mainline')['drivers/dax/cxl.c']])
      .to.deep.equal([cxl_base, cxl_v8_5, cxl_v8_5, cxl_v8_8, cxl_v8_8, cxl_v8_8]);
    expect([at('base')['drivers/dax/bus.c'], at('v8/1')['drivers/dax/bus.c'], at('v8/6')['drivers/dax/bus.c'], at('v7/4')['drivers/dax/bus.c'], at('v7')['drivers/dax/bus.c'], at('mainline')['drivers/dax/bus.c']])
      .to.deep.equal([bus_base, bus_v8_1, bus_v8_6, bus_v7_4, bus_v7_4, bus_v8_6]);
    expect([at('v8/6')['drivers/cxl/core/region.c'], at('v8/7')['drivers/cxl/core/region.c'], at('v7/4')['drivers/cxl/core/region.c'], at('v7/5')['drivers/cxl/core/region.c'], at('mainline')['drivers/cxl/core/region.c']])
      .to.deep.equal([null, region_v8_7, null, region_v8_7, region_mainline]);
    const daxKconfig = (name: string) => tree(name).kconfig['drivers/dax/Kconfig'];
    expect(['v8/2', 'v8/3', 'v8/9', 'v7/1', 'v7', 'mainline'].map(daxKconfig))
      .to.deep.equal([DRIVERS_DAX_KCONFIG_BASE, DRIVERS_DAX_KCONFIG_V8_3, DRIVERS_DAX_KCONFIG_V8_3, DRIVERS_DAX_KCONFIG_V8_3, DRIVERS_DAX_KCONFIG_V8_3, DRIVERS_DAX_KCONFIG_MAINLINE]);
  });

  it('names the whole series v8 and v7: the same content as v8/9 and v7/7 under their own names', () => {
    for (const [alias, last] of [['v8', 'v8/9'], ['v7', 'v7/7']] as const) {
      const a = tree(alias);
      const l = tree(last);
      expect(a).to.not.equal(l);
      expect(a.files).to.deep.equal(l.files);
      expect(a.kconfig).to.deep.equal(l.kconfig);
      expect(a.daxMakefile).to.equal(l.daxMakefile);
    }
  });

  it('describes each patch state by its subject line', () => {
    expect(tree('v8/3').description).to.equal('[PATCH v8 3/9] dax/hmem: Request cxl_acpi and cxl_pci before walking Soft Reserved ranges');
    expect(tree('v7/6').description).to.equal('[PATCH v7 6/7] dax/hmem, cxl: Defer and resolve Soft Reserved ownership');
    for (const t of TREES.filter((x) => /^v[78]\/\d$/.test(x.name))) {
      const [v, n] = t.name.slice(1).split('/');
      expect(t.description, t.name).to.match(new RegExp(`^\\[PATCH v${v} ${n}/${v === '8' ? 9 : 7}\\] `));
    }
  });
});
