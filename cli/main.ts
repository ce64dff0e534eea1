#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kshim command line. Subcommands are thin shells over the same entry
 * points the suites use.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { demo } from './demo.js';

const program = new Command();
program.name('kshim').description('A deterministic simulation of the Linux driver model').showHelpAfterError();

program
  .command('start')
  .description('the main job of `npm start`')
  .action(async () => {
    await demo();
  });

program
  .command('demo')
  .description('boot a tiny kernel: a platform device, a synchronous and an asynchronous driver, and show dmesg')
  .action(async () => {
    await demo();
  });

await program.parseAsync(process.argv);
