// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildVfs, formatSysfs, listDir, lookup } from '../../cli/sysfs.js';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin', 'kshim.js');

async function boot(file: string): Promise<Run> {
  return runScenario(validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', file), 'utf8')), file));
}

describe('kshim run --show sysfs', () => {
  let run: Run;
  let text: string;
  before(async () => {
    run = await boot('mainline-builtin.json');
    text = formatSysfs(run.machine!.kernel);
  });

  it('links every device of a bus to its directory under /sys/devices, as the kernel lays them out', () => {
    const links = text.split('\n').filter((l) => /^\/sys\/bus\/[^/]+\/devices\//.test(l));
    expect(links).to.deep.equal([
      // The CXL topology as cxl_acpi and cxl_pci build it: ports and decoders under the ACPI0017 root,
      // regions under their root decoder, memdevs under their PCI function.
      '/sys/bus/cxl/devices/dax_region0 -> ../../../devices/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0',
      '/sys/bus/cxl/devices/decoder0.0 -> ../../../devices/platform/ACPI0017:00/root0/decoder0.0',
      '/sys/bus/cxl/devices/decoder2.0 -> ../../../devices/platform/ACPI0017:00/root0/port1/endpoint2/decoder2.0',
      '/sys/bus/cxl/devices/decoder3.0 -> ../../../devices/platform/ACPI0017:00/root0/port1/endpoint3/decoder3.0',
      '/sys/bus/cxl/devices/endpoint2 -> ../../../devices/platform/ACPI0017:00/root0/port1/endpoint2',
      '/sys/bus/cxl/devices/endpoint3 -> ../../../devices/platform/ACPI0017:00/root0/port1/endpoint3',
      '/sys/bus/cxl/devices/mem0 -> ../../../devices/pci0000:00/0000:0d:00.0/mem0',
      '/sys/bus/cxl/devices/mem1 -> ../../../devices/pci0000:00/0000:0e:00.0/mem1',
      '/sys/bus/cxl/devices/port1 -> ../../../devices/platform/ACPI0017:00/root0/port1',
      '/sys/bus/cxl/devices/region0 -> ../../../devices/platform/ACPI0017:00/root0/decoder0.0/region0',
      '/sys/bus/cxl/devices/root0 -> ../../../devices/platform/ACPI0017:00/root0',
      // HMEM owns the range here (the scenario's description says why): hmem.1 is a child of
      // hmem_platform.0 (059edcc405e4), its dax device below it. Memregion id 0 is region0's.
      '/sys/bus/dax/devices/dax1.0 -> ../../../devices/platform/hmem_platform.0/hmem.1/dax1.0',
      '/sys/bus/pci/devices/0000:0d:00.0 -> ../../../devices/pci0000:00/0000:0d:00.0',
      '/sys/bus/pci/devices/0000:0e:00.0 -> ../../../devices/pci0000:00/0000:0e:00.0',
      '/sys/bus/platform/devices/ACPI0017:00 -> ../../../devices/platform/ACPI0017:00',
      '/sys/bus/platform/devices/hmem.1 -> ../../../devices/platform/hmem_platform.0/hmem.1',
      '/sys/bus/platform/devices/hmem_platform.0 -> ../../../devices/platform/hmem_platform.0',
    ]);
  });

  it('lists each driver with links to the devices bound to it, and drivers with none as empty directories', () => {
    const drivers = text.split('\n').filter((l) => /^\/sys\/bus\/[^/]+\/drivers\//.test(l));
    expect(drivers).to.deep.equal([
      // dax_region0 is not bound: HMEM took the range first.
      '/sys/bus/cxl/drivers/cxl_dax_region/',
      '/sys/bus/cxl/drivers/cxl_mem/mem0 -> ../../../../devices/pci0000:00/0000:0d:00.0/mem0',
      '/sys/bus/cxl/drivers/cxl_mem/mem1 -> ../../../../devices/pci0000:00/0000:0e:00.0/mem1',
      '/sys/bus/cxl/drivers/cxl_port/endpoint2 -> ../../../../devices/platform/ACPI0017:00/root0/port1/endpoint2',
      '/sys/bus/cxl/drivers/cxl_port/endpoint3 -> ../../../../devices/platform/ACPI0017:00/root0/port1/endpoint3',
      '/sys/bus/cxl/drivers/cxl_port/port1 -> ../../../../devices/platform/ACPI0017:00/root0/port1',
      '/sys/bus/cxl/drivers/cxl_region/region0 -> ../../../../devices/platform/ACPI0017:00/root0/decoder0.0/region0',
      '/sys/bus/dax/drivers/device_dax/',
      '/sys/bus/dax/drivers/kmem/dax1.0 -> ../../../../devices/platform/hmem_platform.0/hmem.1/dax1.0',
      '/sys/bus/pci/drivers/cxl_pci/0000:0d:00.0 -> ../../../../devices/pci0000:00/0000:0d:00.0',
      '/sys/bus/pci/drivers/cxl_pci/0000:0e:00.0 -> ../../../../devices/pci0000:00/0000:0e:00.0',
      '/sys/bus/platform/drivers/cxl_acpi/ACPI0017:00 -> ../../../../devices/platform/ACPI0017:00',
      '/sys/bus/platform/drivers/hmem/hmem.1 -> ../../../../devices/platform/hmem_platform.0/hmem.1',
      '/sys/bus/platform/drivers/hmem_platform/hmem_platform.0 -> ../../../../devices/platform/hmem_platform.0',
    ]);
  });

  it('shows the attributes of a device (dax_region/id of the device that owns a dax region) and the /sys/devices tree', () => {
    const k = run.machine!.kernel;
    const region = run.result.daxRegions[0]!;
    const dev = k.base.core.allDevices.find((d) => d.state_in_sysfs && k.base.core.sysfsPath(d) === region.path)!;
    expect(k.sysfs.attributes(dev)).to.deep.include(['dax_region/id', String(region.id)]);
    // In the order of bus.c's dax_region_attributes: size, align, id.
    expect(text).to.contain(`/sys/bus/${dev.bus!.name}/devices/${dev.name} -> ../../../devices/${region.path}\n    dax_region/size: `);
    // As read in /sys: the 128 GiB Soft Reserved range, 2 MiB aligned, in dax region 1 of hmem.1.
    expect(text).to.contain(
      '/sys/bus/platform/devices/hmem.1 -> ../../../devices/platform/hmem_platform.0/hmem.1\n' +
        '    dax_region/size: 137438953472\n' +
        '    dax_region/align: 2097152\n' +
        '    dax_region/id: 1\n',
    );
    const tree = text.slice(text.indexOf('/sys/devices/\n'));
    expect(tree).to.match(/^ {2}platform\/$/m);
    expect(tree).to.match(/^ {4}hmem_platform\.0\/ {2}\[driver: hmem_platform\]$/m);
    const depth = region.path.split('/').length;
    const esc = (x: string): string => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(tree).to.match(new RegExp(`^ {${2 * depth}}${esc(dev.name!)}/ {2}\\[driver: ${esc(dev.driver!.name)}\\]\\n {${2 * depth + 2}}dax_region/size: \\d+$`, 'm'));
  });

  it('every link resolves: to a device directory with a driver link back to the driver', () => {
    const root = buildVfs(run.machine!.kernel);
    let links = 0;
    for (const line of text.split('\n')) {
      const m = /^(\/sys\/bus\/\S+) -> (\S+)$/.exec(line);
      if (m === null) continue;
      links++;
      const r = lookup(root, m[1]!);
      expect(r, line).to.not.equal(null);
      expect(r!.node.kind, line).to.equal('dir');
      expect(r!.path, line).to.equal('/sys/devices/' + m[2]!.replace(/^(\.\.\/)+devices\//, ''));
      const drv = /^\/sys\/bus\/([^/]+)\/drivers\/([^/]+)\//.exec(m[1]!);
      if (drv !== null) expect(lookup(root, `${r!.path}/driver`)!.path).to.equal(`/sys/bus/${drv[1]}/drivers/${drv[2]}`);
    }
    expect(links).to.be.above(10);
    const bus = lookup(root, '/sys/bus')!.node;
    expect(bus.kind === 'dir' ? listDir(bus) : []).to.include.members(['cxl', 'dax', 'pci', 'platform']);
  });

  it('is wired to the --show switch of kshim run, which names it in its error', () => {
    const r = spawnSync(process.execPath, [KSHIM, 'run', 'scenarios/mainline-builtin.json', '--show', 'sysfs'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.equal(text + '\n');
    const bad = spawnSync(process.execPath, [KSHIM, 'run', 'scenarios/mainline-builtin.json', '--show', 'sys'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.equal('kshim: --show sys: expected iomem, sysfs, dmesg, owners or config\n');
  });
});
