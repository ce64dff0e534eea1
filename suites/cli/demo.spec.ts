// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('kshim demo: a first look at synchronous and asynchronous probing', function () {
  this.timeout(30_000);

  it('the synchronous driver is bound when platform_driver_register() returns; the asynchronous one 150 ms later, and wait_for_device_probe() returns only after it', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'kshim.js'), 'demo'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    const at = (text: string): number => {
      const i = lines.findIndex((l) => l.endsWith(text));
      expect(i, text).to.be.at.least(0);
      return i;
    };
    const syncBound = at('demo demo.0: driver: \'demo\': driver_bound: bound to device');
    const asyncQueued = at('platform slow: probing driver slow asynchronously');
    const returned = at('platform_driver_register(slow) returned before its probe ran');
    const asyncProbed = at('slow slow: probed asynchronously after 150 ms');
    const waited = at('wait_for_device_probe() returned');
    expect(syncBound).to.be.below(asyncQueued);
    expect(returned).to.be.below(asyncProbed);
    expect(asyncProbed).to.be.below(waited);
    expect(lines[asyncProbed]).to.match(/^\[ {4}0\.150000\] /);
    expect(lines[waited]).to.match(/^\[ {4}0\.150000\] /);
  });
});
