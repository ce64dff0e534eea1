// SPDX-License-Identifier: GPL-2.0-only
/**
 * Every `$ npx kshim explore ...` and `$ npx kshim run ... --show config`
 * transcript quoted in the guides, run with the CLI and compared line for
 * line with what it prints now (a transcript starting with "..." with the
 * end of the output). A transcript
 * under an HTML comment starting "transcript of the first attempt" shows a
 * tree as it was before the guide changed it, and is checked elsewhere.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = `${ROOT}dist/cli/main.js`;
const GUIDES = ['docs/testing-your-patch.md', 'docs/driver-model-in-scenarios.md', 'docs/findings.md'];

interface Transcript {
  readonly guide: string;
  readonly line: number;
  readonly args: string[];
  readonly output: string;
}

/** The explore commands of a guide's code blocks, each with the lines quoted up to the next command or the end of the block. */
function transcripts(guide: string): Transcript[] {
  const lines = readFileSync(`${ROOT}${guide}`, 'utf8').split('\n');
  const found: Transcript[] = [];
  let inBlock = false;
  let skipped = false;
  let current: { line: number; args: string[]; out: string[] } | null = null;
  const close = (): void => {
    if (current !== null && !skipped) found.push({ guide, line: current.line, args: current.args, output: current.out.join('\n').trimEnd() });
    current = null;
  };
  lines.forEach((text, i) => {
    if (text.startsWith('```')) {
      if (inBlock) {
        close();
        skipped = false;
      } else skipped = i > 0 && lines[i - 1]!.startsWith('<!-- transcript of the first attempt');
      inBlock = !inBlock;
      return;
    }
    if (!inBlock) return;
    if (text.startsWith('$ ')) {
      close();
      const m = /^\$ npx kshim (explore .+|run .+ --show config)$/.exec(text);
      if (m !== null) current = { line: i + 1, args: m[1]!.split(/\s+/), out: [] };
    } else if (current !== null) current.out.push(text);
  });
  return found;
}

describe('the explore and --show config transcripts of the guides print what kshim prints', function () {
  // Two of them are untimed explorations of several thousand schedules.
  this.timeout(60_000);
  for (const guide of GUIDES) {
    const all = transcripts(guide);
    it(`${guide}: finds its transcripts`, () => {
      expect(all.filter((t) => t.args[0] === 'explore').length, 'explore transcripts in the guide').to.be.greaterThan(2);
    });
    for (const t of all) {
      it(`${guide}:${t.line}: kshim ${t.args.join(' ')}`, () => {
        const r = spawnSync(process.execPath, [KSHIM, ...t.args], { cwd: ROOT, encoding: 'utf8' });
        expect(r.status, r.stderr).to.equal(0);
        const printed = r.stdout.trimEnd();
        if (t.output.startsWith('...\n')) expect(printed.endsWith(t.output.slice(3)), `${printed}\nends with${t.output.slice(3)}`).to.equal(true);
        else expect(printed).to.equal(t.output);
      });
    }
  }
});
