// SPDX-License-Identifier: GPL-2.0-only
/**
 * Every `$ npx kshim explore ...`, `$ npx kshim run ...` and
 * `$ npx kshim replay ...` transcript quoted in the guides, produced by the
 * functions the CLI prints with (in this process: a node process per
 * transcript cost seconds) and compared line for line with what it prints
 * now. A quote may leave lines out only where it says so, with a line of
 * `...`: each stretch between two such lines is a run of consecutive output
 * lines, and a quote that does not start (end) with `...` starts (ends)
 * where the output does. With --fail-on, the quote goes on with the
 * verdict lines kshim prints on stderr; a quote ending in `> /dev/null`
 * shows those lines alone. suites/cli covers the command line itself. A
 * transcript under an HTML comment starting "transcript of the first
 * attempt" shows a tree as it was before the guide changed it, and is
 * checked elsewhere.
 */
import { compareOutput } from '../../cli/compare.js';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sinon from 'sinon';
import { exploreWithVerdict, type ExploreArgs } from '../../cli/explore.js';
import { runFailOn, type FailOnVerdict } from '../../cli/fail-on.js';
import { parseFailOn } from '../../harness/fail-on.js';
import { runOutput } from '../../cli/format.js';
import { loadScenario } from '../../cli/load.js';
import { runWithSchedule } from '../../cli/schedule.js';
import { runScenario } from '../../harness/run.js';
import { exploreShared } from '../helpers/explored.js';
import { quoteMismatch } from '../helpers/quote.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const GUIDES = ['docs/testing-your-patch.md', 'docs/driver-model-in-scenarios.md', 'docs/findings.md'];

interface Transcript {
  readonly guide: string;
  readonly line: number;
  readonly args: string[];
  readonly output: string;
}

/** The explore, run and replay commands of a guide's code blocks, each with the lines quoted up to the next command or the end of the block. */
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
      const m = /^\$ npx kshim ((?:explore|run|replay|compare) .+)$/.exec(text);
      if (m !== null) current = { line: i + 1, args: shellWords(m[1]!), out: [] };
    } else if (current !== null) current.out.push(text);
  });
  return found;
}

/** The words of a quoted command line as sh splits them: blanks outside quotes, '...' and "..." kept whole without their quotes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const c of line) {
    if (quote !== null) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (quote !== null) throw new Error(`unterminated ${quote} in a transcript: ${line}`);
  if (word !== null) words.push(word);
  return words;
}

/** The file and options of a quoted command line, as commander hands them to the command (the options the guides use). */
type QuotedOptions = ExploreArgs & { show?: string; schedule?: string; failOn: string[]; stdoutDropped?: boolean; trees: string[] };

function parseArgs(args: readonly string[]): { file: string; opts: QuotedOptions } {
  const opts: QuotedOptions = { strategy: 'exhaustive', set: [], failOn: [], trees: [] };
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '>' && args[i + 1] === '/dev/null' && i + 2 === args.length) {
      opts.stdoutDropped = true;
      break;
    }
    if (a === '--untimed') opts.untimed = true;
    else if (a === '--fail-on') opts.failOn.push(args[++i]!);
    else if (a === '--json') opts.json = true;
    else if (a === '--set') opts.set.push(args[++i]!);
    else if (a === '--tree') opts.trees.push((opts.tree = args[++i]!));
    else if (['--strategy', '--runs', '--seed', '--bound', '--depth', '--show', '--schedule', '--cmdline'].includes(a)) (opts as unknown as Record<string, string>)[a.slice(2)] = args[++i]!;
    else if (a.startsWith('--')) throw new Error(`transcript option ${a} is not understood by this test`);
    else file = a;
  }
  return { file: file!, opts };
}

/** What `kshim explore|run|replay ARGS` prints on stdout, then its --fail-on lines on stderr, run from the repository root. */
async function printedBy(args: readonly string[]): Promise<string> {
  const { file, opts } = parseArgs(args.slice(1));
  let stdout: string;
  let verdict: FailOnVerdict;
  if (args[0] === 'explore') ({ stdout, verdict } = await exploreWithVerdict(file, opts, undefined, exploreShared));
  else if (args[0] === 'compare') ({ stdout, verdict } = { stdout: await compareOutput(file, { ...opts, tree: opts.trees }), verdict: { status: 0, lines: [] } });
  else {
    const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline });
    // As the CLI runs them: keeping stacks, for the reports that print them later (KASAN's Allocated/Freed by, the hung-task detector's).
    const run = args[0] === 'replay' ? await runWithSchedule(file, scenario, { schedule: opts.schedule!, set: opts.set }, { blockStacks: true }) : await runScenario(scenario, { blockStacks: true });
    stdout = runOutput(run, scenario.tree, opts);
    verdict = runFailOn(run, parseFailOn(opts.failOn));
  }
  const stderr = verdict.lines.map((l) => `kshim: ${l}\n`).join('');
  return (opts.stdoutDropped === true ? '' : stdout) + stderr;
}

describe('the explore, run and replay transcripts of the guides print what kshim prints', function () {
  // The guides quote paths relative to the repository root, and the replay lines repeat them.
  const cwd = process.cwd();
  before(() => process.chdir(ROOT));
  after(() => process.chdir(cwd));
  // Two of them are untimed explorations of several thousand schedules.
  this.timeout(60_000);
  for (const guide of GUIDES) {
    const all = transcripts(guide);
    it(`${guide}: finds its transcripts`, () => {
      expect(all.filter((t) => t.args[0] === 'explore').length, 'explore transcripts in the guide').to.be.greaterThan(2);
    });
    for (const t of all) {
      it(`${guide}:${t.line}: kshim ${t.args.join(' ')}`, async () => {
        // Notes of the scenario loader go to stderr, which the transcripts do not show.
        sinon.stub(process.stderr, 'write').returns(true);
        const printed = (await printedBy(t.args)).trimEnd();
        const why = quoteMismatch(printed, t.output);
        if (why !== null) expect.fail(`${t.guide}:${t.line}: ${why}`);
      });
    }
  }
});

describe('a guide quote leaves lines out only where it says ...', () => {
  const printed = ['a', 'b', 'c', 'd', 'e'].join('\n');
  it('takes a quote of the whole output, or of consecutive stretches between ... lines', () => {
    expect(quoteMismatch(printed, printed)).to.equal(null);
    expect(quoteMismatch(printed, 'a\nb\n...\nd\ne')).to.equal(null);
    expect(quoteMismatch(printed, '...\nc\n...')).to.equal(null);
  });
  it('refuses a quote that skips a line without saying so', () => {
    expect(quoteMismatch(printed, 'a\nc\n...')).to.match(/not printed one after the other/);
  });
  it('refuses a quote that starts or stops short of the output without ...', () => {
    expect(quoteMismatch(printed, 'b\nc\n...')).to.match(/output starts with "a"/);
    expect(quoteMismatch(printed, '...\nc\nd')).to.match(/goes on after the quote's last line, with "e"/);
  });
  it('refuses stretches out of order', () => {
    expect(quoteMismatch(printed, '...\nd\n...\nb\n...')).to.match(/from "b"/);
  });
});
