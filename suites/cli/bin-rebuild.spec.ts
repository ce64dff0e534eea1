// SPDX-License-Identifier: GPL-2.0-only
/**
 * bin/kshim.js, the `npx kshim` entry point: it runs tsc again when a
 * source file is newer than dist/cli/main.js, so that an edited port or
 * tree is what the command runs, and runs the existing build when nothing
 * changed. The tests move timestamps only, in a copy of the checkout: the
 * rebuild rewrites dist/, which the suites running beside this one import.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKOUT = fileURLToPath(new URL('../../..', import.meta.url));
const HOUR = 3600_000;

describe('bin/kshim.js: rebuilds when a source is newer than the build', function () {
  // One test runs tsc over the whole project.
  this.timeout(60_000);

  let ROOT = '';
  let KSHIM = '';
  let MAIN = '';
  /** A port, as docs/testing-your-patch.md has the reader edit one. */
  let PORT = '';
  const kshim = (...args: string[]) => spawnSync(process.execPath, [KSHIM, ...args], { cwd: ROOT, encoding: 'utf8' });

  before(() => {
    ROOT = mkdtempSync(join(tmpdir(), 'kshim-checkout-'));
    // Sources, build and bin/, with the modules linked: cpSync keeps the files' times.
    cpSync(CHECKOUT, ROOT, { recursive: true, preserveTimestamps: true, filter: (src) => !/^(node_modules|\.git|reports)(\/|$)/.test(relative(CHECKOUT, src)) });
    symlinkSync(join(CHECKOUT, 'node_modules'), join(ROOT, 'node_modules'));
    KSHIM = join(ROOT, 'bin', 'kshim.js');
    MAIN = join(ROOT, 'dist', 'cli', 'main.js');
    PORT = join(ROOT, 'drivers', 'dax', 'hmem', 'hmem.c', 'mainline.ts');
    // In the copy every file is as new as the build was in the checkout.
    const built = statSync(join(CHECKOUT, 'dist', 'cli', 'main.js'));
    utimesSync(MAIN, built.atime, built.mtime);
  });
  after(() => rmSync(ROOT, { recursive: true, force: true }));

  it('runs the existing build, with nothing on stderr, when no source is newer than dist/cli/main.js', () => {
    const main = statSync(MAIN);
    const future = new Date(Date.now() + HOUR);
    try {
      utimesSync(MAIN, future, future);
      const r = kshim('trees');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.match(/^mainline /m);
      expect(statSync(MAIN).mtimeMs, 'dist/cli/main.js was not rewritten').to.be.closeTo(future.getTime(), 1);
    } finally {
      // A build stamped an hour ahead would hide the next hour's edits.
      utimesSync(MAIN, main.atime, main.mtime);
    }
  });

  it('says so on stderr, runs tsc and then the command when one port is newer than dist/cli/main.js; the next run does not rebuild', () => {
    const built = Date.now() + HOUR;
    utimesSync(MAIN, new Date(built), new Date(built));
    const port = statSync(PORT);
    const started = Date.now();
    try {
      utimesSync(PORT, port.atime, new Date(built + HOUR));
      const r = kshim('trees');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.equal('kshim: sources changed since the last build, rebuilding ...\n');
      expect(r.stdout).to.match(/^mainline /m);
      // The build is stamped with the time it started, before the port's (future) time.
      expect(statSync(MAIN).mtimeMs).to.be.within(started - 1000, Date.now());
    } finally {
      utimesSync(PORT, port.atime, port.mtime);
    }
    const again = kshim('trees');
    expect(again.status, again.stderr).to.equal(0);
    expect(again.stderr).to.equal('');
  });
});
