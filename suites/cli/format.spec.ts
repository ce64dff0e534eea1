// SPDX-License-Identifier: GPL-2.0-only
/** The human views of a run: --show config as a .config writes it. */
import { expect } from 'chai';
import { formatConfig } from '../../cli/format.js';
import { runScenario } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';

describe('kshim run: the human views', () => {
  it('--show config writes an unset symbol as a .config does, "# CONFIG_X is not set"', async () => {
    const s = validateScenario({ tree: 'mainline', config: { CXL_PCI: 'n', CXL_ACPI: 'm' }, firmware: { softReserved: [] } }, 'x.json');
    const { result } = await runScenario(s);
    expect(formatConfig(result, ['CXL_PCI', 'CXL_ACPI', 'CXL_REGION'])).to.equal(['# CONFIG_CXL_PCI is not set', 'CONFIG_CXL_ACPI=m', 'CONFIG_CXL_REGION=y'].join('\n'));
  });
});
