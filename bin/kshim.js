#!/usr/bin/env node
// Entry point of the `kshim` command: builds dist/ when it is missing or
// older than the sources, then runs the CLI.
//
// "Older" means that some TypeScript file under a folder that tsconfig.json
// includes (or tsconfig.json itself) was modified after dist/cli/main.js
// was written. The check only stats files, so it costs a few milliseconds
// when nothing changed. The rebuild runs tsc over the existing dist/ as
// `npm run build` does, without first removing it.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const main = join(root, 'dist', 'cli', 'main.js');
const tsconfig = join(root, 'tsconfig.json');
/** Used when tsconfig.json cannot be read as plain JSON. */
const SOURCE_FOLDERS = ['framework', 'drivers', 'mocks', 'trees', 'harness', 'suites', 'cli', 'bench', 'examples'];
const SOURCE = /\.[cm]?tsx?$/;

function sourceFolders() {
  try {
    const include = JSON.parse(readFileSync(tsconfig, 'utf8')).include;
    if (Array.isArray(include) && include.every((f) => typeof f === 'string')) return include;
  } catch {
    // Comments or trailing commas: tsc accepts them, JSON.parse does not.
  }
  return SOURCE_FOLDERS;
}

/** Whether any file under dir matching SOURCE was modified after `since` (ms). */
function newerUnder(dir, since) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && newerUnder(path, since)) return true;
    } else if (SOURCE.test(e.name) && statSync(path).mtimeMs > since) return true;
  }
  return false;
}

function stale() {
  const built = statSync(main).mtimeMs;
  if (statSync(tsconfig).mtimeMs > built) return true;
  return sourceFolders().some((f) => newerUnder(join(root, f), built));
}

let why = null;
if (!existsSync(main)) why = 'kshim: dist/cli/main.js is missing, building ...';
else if (stale()) why = 'kshim: sources changed since the last build, rebuilding ...';
if (why !== null) {
  process.stderr.write(`${why}\n`);
  const started = new Date();
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    // tsc emits JavaScript even when type checking fails; remove the entry
    // point so that the next run builds again instead of running that.
    rmSync(main, { force: true });
    process.stderr.write(`kshim: the build failed (tsc ${tsc.error ? tsc.error.message : `exited with ${tsc.status ?? tsc.signal}`}); fix the errors above and run kshim again, or npm run build\n`);
    process.exit(1);
  }
  // The next run compares the sources with the time this build started:
  // a file saved while tsc ran is newer, and tsc may leave an output file
  // whose text did not change untouched.
  utimesSync(main, started, started);
}
await import(main);
