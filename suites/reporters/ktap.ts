// SPDX-License-Identifier: GPL-2.0-only
/**
 * A mocha reporter that prints KTAP version 1 (the kernel's
 * Documentation/dev-tools/ktap.rst), the format KUnit and kselftest print,
 * so that kshim results can go through the same tools (kunit.py parse,
 * CI result parsers):
 *
 *   KTAP version 1
 *   1..2
 *     KTAP version 1
 *     # Subtest: the kshim command
 *     1..3
 *     ok 1 kshim run --json prints one JSON object and exits 0
 *     # expected 2 to equal 0
 *     not ok 2 exits 2 with one line naming the file
 *     ok 3 a pending test # SKIP
 *   not ok 1 the kshim command
 *
 * Each describe() is a subtest, indented two spaces per level, with its
 * own version and plan lines, its "# Subtest:" name and, after its
 * children, its own result line. Pending tests are "ok ... # SKIP". A
 * failure prints its message as "# " diagnostic lines right before its
 * result line. Tests a failed hook kept from running are "not ok" with a
 * diagnostic saying so. The run ends with a "# Totals:" line.
 *
 *   npx mocha --reporter dist/suites/reporters/ktap.js
 */
import Mocha from 'mocha';

const { Base } = Mocha.reporters;
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

type Child = Mocha.Test | Mocha.Suite;

interface Level {
  readonly suite: Mocha.Suite;
  readonly indent: string;
  /** Children in the order mocha runs them: the suite's tests, then its suites. */
  readonly children: Child[];
  readonly reported: Set<Child>;
  failed: boolean;
}

/** A description for a result line: one line, no "#" (which would start a directive). */
function describeTitle(title: string): string {
  return title.replace(/\s*\n\s*/g, ' ').replace(/#/g, '\\#').trim();
}

/** An error as diagnostic text: the message, expected/actual when given, and where it was thrown. */
function diagnostics(err: unknown): string[] {
  const e = (err ?? {}) as { message?: unknown; stack?: unknown; expected?: unknown; actual?: unknown; showDiff?: boolean; name?: unknown };
  const lines: string[] = [];
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const name = typeof e.name === 'string' && e.name !== 'Error' && e.name !== 'AssertionError' ? `${e.name}: ` : '';
  lines.push(...`${name}${message}`.split('\n'));
  if (e.showDiff !== false && 'expected' in e && 'actual' in e) {
    const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));
    lines.push(`expected: ${show(e.expected)}`, `actual:   ${show(e.actual)}`);
  }
  if (typeof e.stack === 'string') {
    const at = e.stack.split('\n').find((l) => /^\s+at /.test(l) && !l.includes('node_modules') && !l.includes('node:'));
    if (at !== undefined) lines.push(at.trim());
  }
  return lines;
}

class Ktap extends Base {
  private readonly levels: Level[] = [];
  private pass = 0;
  private fail = 0;
  private skip = 0;

  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    // Each level's plan ("1..N") needs the whole suite tree up front, which parallel workers never hand over.
    if ((runner as Mocha.Runner & { isParallelMode?: () => boolean }).isParallelMode?.() === true) {
      throw new Error('the KTAP reporter needs every suite in one process: run mocha with --no-parallel');
    }
    const r = runner as Mocha.Runner & { _grep?: RegExp; _invert?: boolean };
    const matches = (t: Mocha.Test): boolean => {
      if (r._grep === undefined) return true;
      const m = r._grep.test(t.fullTitle());
      return r._invert ? !m : m;
    };
    const runs = (c: Child): boolean => (c instanceof Mocha.Suite ? runner.grepTotal(c) > 0 : matches(c));

    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      const parent = this.levels[this.levels.length - 1];
      const indent = suite.root ? '' : parent === undefined ? '  ' : parent.indent + '  ';
      const children = [...suite.tests, ...suite.suites].filter(runs);
      this.levels.push({ suite, indent, children, reported: new Set(), failed: false });
      this.write(indent, 'KTAP version 1');
      if (!suite.root) this.write(indent, `# Subtest: ${describeTitle(suite.title)}`);
      this.write(indent, `1..${children.length}`);
    });

    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      const level = this.levels.pop();
      if (level === undefined || level.suite !== suite) return;
      // Whatever did not run (a hook failed) is reported as not run.
      level.children.forEach((c, i) => {
        if (level.reported.has(c)) return;
        level.failed = true;
        this.fail += c instanceof Mocha.Suite ? runner.grepTotal(c) : 1;
        this.write(level.indent, '# not run: a hook failed before it');
        this.write(level.indent, `not ok ${i + 1} ${describeTitle(c.title)}`);
      });
      if (suite.root) {
        this.write('', `# Totals: pass:${this.pass} fail:${this.fail} skip:${this.skip}`);
        return;
      }
      const parent = this.levels[this.levels.length - 1];
      if (parent === undefined) return;
      this.result(parent, suite, !level.failed);
    });

    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      this.pass++;
      this.resultFor(test, true);
    });

    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      this.skip++;
      this.resultFor(test, true, ' # SKIP');
    });

    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, err: unknown) => {
      const level = this.levels[this.levels.length - 1];
      if ((test as { type?: string }).type === 'hook') {
        // A hook is not a test of its own: say what failed and fail the enclosing suite.
        if (level === undefined) return;
        level.failed = true;
        for (const l of [`${test.title} failed`, ...diagnostics(err)]) this.write(level.indent, `# ${l}`);
        return;
      }
      this.fail++;
      const lv = this.levelOf(test as Mocha.Test);
      if (lv !== undefined) for (const l of diagnostics(err)) this.write(lv.indent, `# ${l}`);
      this.resultFor(test as Mocha.Test, false);
    });
  }

  private write(indent: string, line: string): void {
    process.stdout.write(`${indent}${line}\n`);
  }

  private levelOf(test: Mocha.Test): Level | undefined {
    for (let i = this.levels.length - 1; i >= 0; i--) if (this.levels[i]!.suite === test.parent) return this.levels[i];
    return undefined;
  }

  private resultFor(test: Mocha.Test, ok: boolean, directive = ''): void {
    const level = this.levelOf(test);
    if (level === undefined) return;
    this.result(level, test, ok, directive);
  }

  private result(level: Level, child: Child, ok: boolean, directive = ''): void {
    if (level.reported.has(child)) {
      // A test that passed and then failed (an async error after it ended): only the failure counts.
      if (!ok) level.failed = true;
      return;
    }
    level.reported.add(child);
    if (!ok) level.failed = true;
    const n = level.children.indexOf(child) + 1;
    this.write(level.indent, `${ok ? 'ok' : 'not ok'} ${n} ${describeTitle(child.title)}${directive}`);
  }
}

export default Ktap;
