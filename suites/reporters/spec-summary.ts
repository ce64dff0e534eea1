// SPDX-License-Identifier: GPL-2.0-only
/**
 * mocha's spec reporter, followed by the line CI reads: "N passed, N failed".
 */
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecSummary extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats!;
      process.stdout.write(`${s.passes} passed, ${s.failures} failed\n`);
    });
  }
}

export default SpecSummary;
