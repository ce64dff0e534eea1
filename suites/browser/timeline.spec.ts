// SPDX-License-Identifier: GPL-2.0-only
/**
 * The timeline page in a real browser: Debian's headless Chromium driven by
 * playwright-core. .ci/run installs Chromium when it is missing; without it
 * this suite fails, naming the browser.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderTimeline } from '../../cli/timeline/render.js';
import { formatTimestamp } from '../../framework/kernel/printk.js';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('kshim timeline in Chromium', function () {
  // Starting the browser is most of it (about a second).
  this.timeout(20_000);
  let dir: string;
  let run: Run;
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing: no browser at ${CHROMIUM}. The timeline browser suite needs it: apt-get install -y chromium (.ci/run installs it).`);
    }
    dir = mkdtempSync(join(tmpdir(), 'kshim-browser-'));
    // Everything modular, then dax_cxl removed: all five span kinds, uevents, several kworkers and udev workers.
    const modular = JSON.parse(readFileSync(join(ROOT, 'scenarios', 'mainline-modular.json'), 'utf8')) as Record<string, unknown>;
    run = await runScenario(validateScenario({ ...modular, steps: ['boot', 'modprobe -r dax_cxl'] }, 'mainline-modular.json'), { trace: true });
    const file = join(dir, 'timeline.html');
    writeFileSync(file, renderTimeline(run, { scenario: 'mainline-modular.json' }));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
  });

  after(async () => {
    await context?.close();
  });

  // The tests share `page`: each starts with the mouse off the plot and no tooltip, whatever the one before hovered.
  beforeEach(async () => {
    await page.mouse.move(1, 1);
    await page.locator('#tooltip').waitFor({ state: 'hidden', timeout: 5000 });
  });

  it('loads without errors and without touching the network', () => {
    expect(errors).to.deep.equal([]);
    expect(requests.length).to.be.above(0);
    for (const u of requests) expect(u).to.match(/^file:\/\//);
  });

  it('draws one lane per task that has spans or marks, labelled with its comm and pid', async () => {
    const trace = run.machine!.kernel.sched.trace;
    const pids = [...new Set([...trace.spans, ...trace.marks].map((s) => s.pid))].sort((a, b) => a - b);
    const lanes = await page.$$eval('svg#timeline g.lane-head', (els) => els.map((e) => [Number(e.getAttribute('data-pid')), e.querySelector('.lane-label')?.textContent ?? '']));
    expect(lanes.map(([pid]) => pid)).to.deep.equal(pids);
    expect(await page.$$eval('svg#timeline g.lane', (els) => els.map((e) => Number(e.getAttribute('data-pid'))))).to.deep.equal(pids);
    const tasks = new Map(run.machine!.kernel.sched.allTasks().map((t) => [t.pid, t.comm]));
    for (const [pid, label] of lanes) expect(label).to.equal(`${tasks.get(pid as number)} (pid ${pid})`);
    expect(lanes.map(([, l]) => l)).to.include('swapper/0 (pid 1)');
  });

  it('draws a bar for every span, of every kind in the run, each with a visible width', async () => {
    const trace = run.machine!.kernel.sched.trace;
    const kinds = [...new Set(trace.spans.map((s) => s.kind))].sort();
    expect(kinds).to.deep.equal(['exit', 'initcall', 'module', 'probe', 'work']);
    for (const k of kinds) {
      const n = await page.locator(`svg#timeline .bar.${k}`).count();
      expect(n, k).to.equal(trace.spans.filter((s) => s.kind === k).length);
    }
    const widths = await page.$$eval('svg#timeline .bar', (els) => els.map((e) => e.getBoundingClientRect().width));
    expect(widths).to.have.length(trace.spans.length);
    for (const w of widths) expect(w).to.be.above(0);
    expect(await page.locator('svg#timeline .mark.uevent').count()).to.equal(trace.marks.filter((m) => m.kind === 'uevent').length);
  });

  it('shows a tooltip with the dmesg lines of the task during a span when the bar is hovered', async () => {
    const trace = run.machine!.kernel.sched.trace;
    const probe = trace.spans.find((s) => s.kind === 'probe' && s.name === 'cxl_acpi ACPI0017:00')!;
    const rec = run.machine!.kernel.log.records.find((r) => r.pid === probe.pid && r.time >= probe.start && r.time <= probe.end && r.text.includes('bound device to driver cxl_acpi'))!;
    expect(rec, 'a dmesg line of the cxl_acpi probe').to.not.equal(undefined);
    const tooltip = page.locator('#tooltip');
    expect(await tooltip.isVisible()).to.equal(false);
    await page.hover('svg#timeline .bar.probe[data-name="cxl_acpi ACPI0017:00"]');
    await tooltip.waitFor({ state: 'visible', timeout: 2000 });
    const text = await tooltip.innerText();
    expect(text).to.contain('probe cxl_acpi ACPI0017:00');
    expect(text).to.contain(`${formatTimestamp(rec.time)} ${rec.text}`);
    await page.mouse.move(1, 1);
    await tooltip.waitFor({ state: 'hidden', timeout: 2000 });
  });

  it('shows a uevent marker\'s tooltip, and renders a screenshot', async () => {
    await page.hover('svg#timeline .mark.uevent >> nth=0');
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: 2000 });
    expect(await page.locator('#tooltip').innerText()).to.match(/^uevent (add|bind|remove|unbind) \S+/);
    const shot = join(dir, 'timeline.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).to.be.above(10_000);
  });

  it('fits an 800 px wide window: the page does not scroll sideways, the wide tables scroll inside their boxes', async () => {
    // dax_cxl owns the range: the dax region table holds its long sysfs path.
    const modular = validateScenario(JSON.parse(readFileSync(join(ROOT, 'scenarios', 'mainline-modular.json'), 'utf8')), 'mainline-modular.json');
    const file = join(dir, 'owned-by-cxl.html');
    writeFileSync(file, renderTimeline(await runScenario(modular, { trace: true }), { scenario: 'mainline-modular.json' }));
    const narrow = await context!.newPage();
    try {
      await narrow.setViewportSize({ width: 800, height: 600 });
      await narrow.goto(pathToFileURL(file).href);
      const width = await narrow.$eval('html', (e) => e.scrollWidth);
      const boxes = await narrow.$$eval('header pre.block', (els) => els.map((e) => ({ right: e.getBoundingClientRect().right, wide: e.scrollWidth > e.clientWidth })));
      expect(width, 'the page scrolls sideways').to.be.at.most(800);
      for (const b of boxes) expect(b.right).to.be.at.most(800);
      expect(boxes.some((b) => b.wide), 'a table wider than the window, scrolling in its box').to.equal(true);
    } finally {
      await narrow.close();
    }
  });

  it('keeps the lane labels in view, over the bars, when the plot is scrolled sideways in a narrow window', async () => {
    const narrow = await context!.newPage();
    try {
      await narrow.setViewportSize({ width: 800, height: 600 });
      await narrow.goto(pathToFileURL(join(dir, 'timeline.html')).href);
      const box = narrow.locator('div.scroll');
      await narrow.mouse.wheel(0, 500);
      const scrolled = await box.evaluate((e) => {
        e.scrollLeft = e.scrollWidth;
        e.dispatchEvent(new Event('scroll'));
        return e.scrollLeft;
      });
      expect(scrolled, 'the plot is wider than an 800 px window').to.be.above(200);
      const area = (await box.boundingBox())!;
      const labels = await narrow.$$eval('svg#timeline .lane-label', (els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          const top = e.ownerDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { text: e.textContent, left: r.left, right: r.right, inView: r.top >= 0 && r.bottom <= e.ownerDocument.documentElement.clientHeight, onTop: top === e };
        }),
      );
      expect(labels.length).to.be.above(3);
      for (const l of labels) {
        expect(l.left, l.text!).to.be.at.least(area.x);
        expect(l.right, l.text!).to.be.at.most(area.x + area.width);
      }
      // Those in the window are not covered by a bar, a marker or a hatched break.
      const inView = labels.filter((l) => l.inView);
      expect(inView.length).to.be.above(3);
      for (const l of inView) expect(l.onTop, l.text!).to.equal(true);
    } finally {
      await narrow.close();
    }
  });

  it('shows a tooltip\'s dmesg lines whole in a laptop window, and keeps the tooltip inside a narrow one', async () => {
    // The cxl_dax_region probe's lines run to about 100 characters ("... really_probe: bound device to driver cxl_dax_region").
    const bar = 'svg#timeline .bar.probe[data-name="cxl_dax_region dax_region0"]';
    const shown = async (p: Page): Promise<{ lines: string[]; rows: number; width: number }> => {
      await p.hover(bar);
      await p.locator('#tooltip').waitFor({ state: 'visible', timeout: 2000 });
      const pre = p.locator('#tooltip pre');
      // Rows on screen: the distinct tops of the text's line boxes.
      const rows = await pre.evaluate((e) => {
        const range = e.ownerDocument.createRange();
        range.selectNodeContents(e);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      });
      const tip = (await p.locator('#tooltip').boundingBox())!;
      return { lines: (await pre.innerText()).split('\n'), rows, width: tip.x + tip.width };
    };
    const wide = await shown(page);
    expect(Math.max(...wide.lines.map((l) => l.length))).to.be.above(95);
    expect(wide.rows, 'one row per dmesg line').to.equal(wide.lines.length);
    expect(wide.width).to.be.at.most(1400);
    const narrow = await context!.newPage();
    try {
      await narrow.setViewportSize({ width: 800, height: 600 });
      await narrow.goto(pathToFileURL(join(dir, 'timeline.html')).href);
      const small = await shown(narrow);
      expect(small.width).to.be.at.most(800);
    } finally {
      await narrow.close();
    }
  });
});
