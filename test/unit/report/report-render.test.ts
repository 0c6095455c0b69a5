import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport } from '../../../lib/report';
import { sampleReport } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// Launching a browser and a chart renderer on a shared 2-core box is slow;
// this is a limit on waiting, not an assertion on speed.
jest.setTimeout(120_000);

describe('HTML report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requests: string[] = [];
  const input = sampleReport();
  const k = input.classNames.length;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run infra/provision.sh (it installs the Debian chromium package)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'graft-report-'));
    const file = join(dir, 'report.html');
    await writeFile(file, await buildReport(input));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads nothing but the file itself', () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatch(/^file:\/\/.*report\.html$/);
  });

  it('shows the run identity and the escaped pipeline name', async () => {
    expect(await page.title()).toBe('Graft report: flowers <b>v2</b>');
    const summary = await page.locator('#summary').innerText();
    expect(summary).toContain('run-2025-01-02-abc');
    expect(summary).toContain('f'.repeat(64));
    expect(summary).toContain('sha256:' + 'a'.repeat(16));
    expect(await page.locator('h1 b').count()).toBe(0);
  });

  it('renders user strings as text, never as markup', async () => {
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#per-class').innerText()).toContain('<img src=x onerror=alert(1)>');
  });

  it('lists the stages with their status', async () => {
    const rows = await page.locator('#stages tbody tr').allInnerTexts();
    expect(rows.map((r) => r.split('\t').slice(0, 2))).toEqual([
      ['ingest', 'cached'], ['extract', 'computed'], ['train-head', 'resumed'], ['fine-tune', 'computed'],
    ]);
  });

  it('shows test accuracy, per-class metrics, the comparison and the champion outcome', async () => {
    expect(await page.locator('#test-accuracy').innerText()).toBe('83.33%');
    expect(await page.locator('#per-class tbody tr').count()).toBe(k);
    expect(await page.locator('#comparison tbody tr').count()).toBe(3);
    expect(await page.locator('#comparison tr.best td').first().innerText()).toBe('fine-tune');
    expect(await page.locator('#champion').getAttribute('data-outcome')).toBe('promoted');
  });

  it('draws the learning curves: a visible SVG with line and point marks', async () => {
    const svg = page.locator('#learning-curves svg').first();
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(100);
    expect(box?.height).toBeGreaterThan(100);
    // One line per (metric, split, stage): 2 metrics x 2 splits x 2 stages, and the learning rate per stage.
    const lines = page.locator('#learning-curves g.mark-line.role-mark path');
    expect(await lines.count()).toBe(8 + 2);
    const points = page.locator('#learning-curves g.mark-symbol.role-mark path');
    expect(await points.count()).toBe(20 + 5); // 5 epochs x 4 series values, and 5 learning rates
    const lineBox = await lines.first().boundingBox();
    expect((lineBox?.width ?? 0) + (lineBox?.height ?? 0)).toBeGreaterThan(0);
  });

  it('draws the learning-rate panel next to them, on a log axis for rates spanning 200x', async () => {
    expect(await page.locator('#learning-curves text').allTextContents()).toEqual(expect.arrayContaining(['loss', 'accuracy', 'learning rate']));
    // Log-axis labels in exponent form (1e-3, 1e-5, …).
    expect((await page.locator('#learning-curves g.role-axis-label text').allTextContents()).some((t) => /^\d(\.\d+)?e-\d+$/.test(t))).toBe(true);
  });

  it('draws the confusion matrix: k*k visible cells, each with its count', async () => {
    const svg = page.locator('#confusion-matrix svg').first();
    const box = await svg.boundingBox();
    expect(box?.width).toBeGreaterThan(50);
    expect(box?.height).toBeGreaterThan(50);
    const cells = page.locator('#confusion-matrix g.mark-rect.role-mark path');
    expect(await cells.count()).toBe(k * k);
    for (const cell of await cells.all()) {
      const b = await cell.boundingBox();
      expect(b?.width).toBeGreaterThan(0);
      expect(b?.height).toBeGreaterThan(0);
    }
    const counts = await page.locator('#confusion-matrix g.mark-text.role-mark text').allTextContents();
    expect(counts.map(Number).sort((a, b) => a - b)).toEqual(input.confusion!.flat().sort((a, b) => a - b));
  });
});
