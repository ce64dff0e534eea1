// SPDX-License-Identifier: GPL-2.0-only
/**
 * Root hooks for every suite: source maps for stack traces, and one sinon
 * sandbox restored after each test (no stub outlives its test).
 */
import 'reflect-metadata';
import sinon from 'sinon';

process.setSourceMapsEnabled(true);

export const mochaHooks = {
  afterEach(): void {
    sinon.restore();
  },
};
