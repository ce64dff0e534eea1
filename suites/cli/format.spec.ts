// SPDX-License-Identifier: GPL-2.0-only
/** The human views of a run: --show config as a .config writes it, and the steps of a scenario. */
import { expect } from 'chai';
import { formatConfig, formatDotConfig, formatOwners, formatRun, warningLine } from '../../cli/format.js';
import { runScenario } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';

describe('kshim run: the human views', () => {
  it('--show config writes an unset symbol as a .config does, "# CONFIG_X is not set"', async () => {
    const s = validateScenario({ tree: 'mainline', config: { CXL_PCI: 'n', CXL_ACPI: 'm' }, firmware: { softReserved: [] } }, 'x.json');
    const { result } = await runScenario(s);
    expect(formatConfig(result, ['CXL_PCI', 'CXL_ACPI', 'CXL_REGION'])).to.equal(['# CONFIG_CXL_PCI is not set', 'CONFIG_CXL_ACPI=m', 'CONFIG_CXL_REGION=y'].join('\n'));
  });

  it('--show config lists drivers/cxl and drivers/dax as .config would, in Kconfig order; a series symbol whose dependencies hide it is not in .config, and a comment says why', async () => {
    const s = validateScenario({ tree: 'v8', config: { DEV_DAX_HMEM: 'y', CXL_ACPI: 'm', CXL_PCI: 'm' }, firmware: { softReserved: [] } }, 'x.json');
    const { result } = await runScenario(s);
    const lines = formatDotConfig(result, s.tree).split('\n');
    expect(lines.slice(0, 2)).to.deep.equal(['CONFIG_CXL_BUS=y', 'CONFIG_CXL_PCI=m']);
    expect(lines.indexOf('CONFIG_DAX=y'), 'drivers/dax after drivers/cxl').to.be.above(lines.indexOf('CONFIG_CXL_REGION=y'));
    expect(lines).to.include('CONFIG_DEV_DAX_KMEM=y');
    expect(lines.filter((l) => l.includes('DEV_DAX_CXL'))).to.deep.equal(['# DEV_DAX_CXL: not in .config (depends on CXL_ACPI >= DEV_DAX_HMEM)']);
    // Symbols outside the series that are hidden (CXL_PMEM without LIBNVDIMM) are left out without a word, as .config does.
    expect(lines.filter((l) => l.includes('CXL_PMEM'))).to.deep.equal([]);
  });

  it('the owners table of a machine without Soft Reserved ranges says so, rather than stopping at its header', async () => {
    const s = validateScenario({ tree: 'mainline', firmware: { softReserved: [] } }, 'x.json');
    const { result } = await runScenario(s);
    expect(formatOwners(result).split('\n')).to.deep.equal(['Soft Reserved range  owner', '(none: the firmware has no Soft Reserved range)']);
  });

  it('an empty /proc/iomem (dax_hmem.region_idle=1: the dax region has no device, so nothing claims the range) prints no line under its heading, one blank line before the next section as elsewhere', async () => {
    const s = validateScenario({ tree: 'mainline', config: { DAX: 'm', DEV_DAX: 'm', DEV_DAX_HMEM: 'm', DEV_DAX_KMEM: 'm', DEV_DAX_CXL: 'm' }, firmware: { softReserved: [{ start: '0x850000000', end: '0x284fffffff', nid: 1 }], cfmws: [] }, cmdline: 'dax_hmem.region_idle=1' }, 'x.json');
    const { result } = await runScenario(s);
    expect(result.iomem).to.equal('');
    const lines = formatRun(result).split('\n');
    const at = lines.indexOf('== /proc/iomem ==');
    expect(lines.slice(at - 1, at + 3)).to.deep.equal(['', '== /proc/iomem ==', '', '== owners ==']);
    // A /proc/iomem with lines keeps them, with the same one blank line after.
    const claimed = (await runScenario(validateScenario({ tree: 'mainline', firmware: { softReserved: [{ start: '0x850000000', end: '0x284fffffff', nid: 1 }], cfmws: [] } }, 'y.json'))).result;
    const full = formatRun(claimed).split('\n');
    const i = full.indexOf('== /proc/iomem ==');
    const iomem = claimed.iomem.trimEnd().split('\n');
    expect(full.slice(i + 1, i + 1 + iomem.length + 2)).to.deep.equal([...iomem, '', '== owners ==']);
  });

  it('a warning under "== warnings ==" keeps its dmesg timestamp, padded as dmesg pads it', () => {
    expect(warningLine({ time: '3.278000', message: 'WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: kworker/0:0/25' })).to.equal(
      '[    3.278000] WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: kworker/0:0/25',
    );
    expect(warningLine({ time: '12345.000001', message: 'x' })).to.equal('[12345.000001] x');
  });

  it('lists the steps after boot between dmesg and /proc/iomem, a further line of output indented', async () => {
    const s = validateScenario({ tree: 'mainline', config: { DEV_DAX_CXL: 'n' }, firmware: { softReserved: [] }, steps: ['boot', 'modprobe dax_cxl'] }, 'x.json');
    const run = await runScenario(s);
    const text = formatRun(run.result, [], [...run.steps!, { command: 'modprobe -r kmem', exit: 1, output: ['first', 'second'] }]);
    const lines = text.split('\n');
    const at = lines.indexOf('== steps ==');
    expect(lines[at - 2]).to.match(/^\[\s*\d+\.\d+\] /);
    expect(lines.slice(at, at + 6)).to.deep.equal([
      '== steps ==',
      'modprobe dax_cxl: exit 1: modprobe: FATAL: Module dax_cxl not found in directory /lib/modules/7.0.0-kshim',
      'modprobe -r kmem: exit 1: first',
      '    second',
      '',
      '== /proc/iomem ==',
    ]);
    // A scenario that only boots has no steps section.
    expect(formatRun(run.result)).to.not.contain('== steps ==');
  });
});
