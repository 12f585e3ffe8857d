/**
 * The browser harness shared by the webview tests, the end-to-end tests and the panel benchmark
 * (bench/panel.ts): the recorded fixtures, the browser bundles built fresh with esbuild (the
 * same options as scripts/build.mjs), and a headless system Chromium or Chrome through playwright-core
 * (never a browser download; scripts/prerequisites.mjs finds it) with a watch on console errors, page errors, CSP violations and network requests.
 * Browser-side code is passed as strings: this program has no DOM types (webview/tsconfig.json has).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as crypto from 'node:crypto';
import type { EngineMessage, MeasurementRecord } from '../src/contracts/engineMessages';
import { reportCsp, scriptForInline } from '../src/run/report';
import type { RunInfo, RunSummary, SweepInfo } from '../src/contracts/runStore';
import type { ChartDescription } from '../webview/ui/testHook';
import { findChromium } from './prerequisites.mjs';

export const ROOT = path.join(__dirname, '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const OUTPUT = path.join(ROOT, 'test-output');

export interface FixtureRun {
  info: RunInfo;
  records: EngineMessage[];
  summary?: RunSummary;
}

export function readJsonl(file: string): EngineMessage[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EngineMessage);
}

export function readFixtureRun(dir: string = path.join(FIXTURES, 'run-circle')): FixtureRun {
  const summary = path.join(dir, 'summary.json');
  return {
    info: JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunInfo,
    records: readJsonl(path.join(dir, 'series.jsonl')),
    ...(fs.existsSync(summary) ? { summary: JSON.parse(fs.readFileSync(summary, 'utf8')) as RunSummary } : {}),
  };
}

export function readFixtureSweep(dir: string = path.join(FIXTURES, 'sweep-width')): { info: SweepInfo; runs: FixtureRun[] } {
  const info = JSON.parse(fs.readFileSync(path.join(dir, 'sweep.json'), 'utf8')) as SweepInfo;
  return { info, runs: info.runs.map((r) => readFixtureRun(path.join(dir, r.id))) };
}

const bundles = new Map<string, Promise<string>>();

/** webview/report.ts or webview/main.ts bundled for the browser, as scripts/build.mjs does. */
export function browserBundle(entry: 'report' | 'main'): Promise<string> {
  let b = bundles.get(entry);
  if (!b) {
    b = esbuild
      .build({
        entryPoints: [path.join(ROOT, 'webview', `${entry}.ts`)],
        bundle: true,
        write: false,
        platform: 'browser',
        target: 'es2022',
        format: 'iife',
        minify: true,
        legalComments: 'none',
        loader: { '.css': 'text' },
        logLevel: 'silent',
      })
      .then((r) => r.outputFiles[0].text);
    bundles.set(entry, b);
  }
  return b;
}

export function stylesheet(): string {
  return fs.readFileSync(path.join(ROOT, 'media', 'ntkexp.css'), 'utf8');
}

/** The system browser ($NTKEXP_CHROMIUM, else Chromium or Chrome on PATH); `npm test` installs one where it can. */
export function launchChromium(): Promise<Browser> {
  const browser = findChromium();
  if (!browser.path) throw new Error(`${browser.problem}: run \`npm test\` (it installs Chromium where it can) or set NTKEXP_CHROMIUM to a Chromium or Chrome`);
  return chromium.launch({
    executablePath: browser.path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface PageWatch {
  /** Console errors and uncaught page errors. */
  errors: string[];
  warnings: string[];
  /** URLs the page asked for. */
  requests: string[];
}

/** Collects CSP violations in the page (read them with `violations(page)`); runs before any page script. */
const VIOLATION_LISTENER = `
  globalThis.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    globalThis.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + (e.sample ? ': ' + e.sample : ''));
  });`;

export async function watchedPage(browser: Browser, options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; init?: string } = {}): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 }, colorScheme: options.colorScheme ?? 'light' });
  const watch: PageWatch = { errors: [], warnings: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
    if (m.type() === 'warning') watch.warnings.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(`page error: ${e.message}`));
  page.on('request', (r) => watch.requests.push(r.url()));
  await page.addInitScript({ content: VIOLATION_LISTENER + (options.init ?? '') });
  return { page, watch };
}

export async function violations(page: Page): Promise<string[]> {
  return (await page.evaluate('globalThis.__cspViolations ?? []')) as string[];
}

/**
 * Wait until an expression is truthy in the page, polling from here: Playwright's own waitForFunction
 * polls with eval inside the page, which the page's Content-Security-Policy rightly refuses.
 */
export async function waitFor(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression)) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expression}`);
    await page.waitForTimeout(40);
  }
}

export async function waitReady(page: Page): Promise<void> {
  await waitFor(page, 'globalThis.__ntkexp !== undefined && globalThis.__ntkexp.ready === true', 20_000);
}

/** What webview/ui/testHook.ts `describe()` returns, one entry per chart. */
export type { ChartDescription };

export async function describeCharts(page: Page): Promise<Map<string, ChartDescription>> {
  const list = (await page.evaluate('globalThis.__ntkexp.describe()')) as ChartDescription[];
  return new Map(list.map((c) => [c.id, c]));
}

export function outputPath(name: string): string {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, name);
}

/** The p-th percentile (0–100) of some numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * A webview-like page for the panel bundle: a strict CSP with a nonce, the stylesheet, `stub` (a script
 * that defines acquireVsCodeApi) and the bundle. Returns the HTML.
 */
export function panelPageHtml(bundle: string, stub: string): string {
  const nonce = crypto.randomBytes(18).toString('base64');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">
<style nonce="${nonce}">${stylesheet()}</style></head>
<body><main id="ntkexp-root"></main>
<script nonce="${nonce}">${stub}</script>
<script nonce="${nonce}">${scriptForInline(bundle)}</script>
</body></html>`;
}

/**
 * A recorded run as it would stream from `trials` workers (the fixture's trials reused in turn): per
 * trial `started`, then each measurement after a progress message, the theory after the first
 * measurement, the surface and `finished` at the end; the trials interleaved as workers send them.
 */
export function liveMessages(run: FixtureRun, trials = 2): EngineMessage[] {
  const recorded = new Set(run.records.map((m) => m.trial));
  const perTrial = Array.from({ length: trials }, (_, trial) => {
    const from = trial % recorded.size;
    const mine = run.records.filter((m) => m.trial === from).map((m) => ({ ...m, trial }) as EngineMessage);
    const ms = mine.filter((m): m is MeasurementRecord & { trial: number } => m.type === 'measurement').sort((a, b) => a.step - b.step);
    const out: EngineMessage[] = [{ type: 'started', run: run.info.id, trial, backend: 'wasm', pid: 1, parameters: run.info.parameters, samples: run.info.samples, outputs: 1 }];
    ms.forEach((m, i) => {
      out.push({ type: 'progress', run: run.info.id, trial, step: m.step, steps: 1000, loss: m.loss, measurements: i, measurements_total: ms.length, elapsed_ms: m.step });
      out.push(m);
      if (i === 0) out.push(...mine.filter((x) => x.type === 'theory'));
    });
    out.push(...mine.filter((x) => x.type === 'surface'));
    out.push({ type: 'finished', run: run.info.id, trial, steps: 1000, loss: ms[ms.length - 1].loss, elapsed_ms: 1000 });
    return out;
  });
  const merged: EngineMessage[] = [];
  for (let i = 0; i < Math.max(...perTrial.map((p) => p.length)); i++) for (const p of perTrial) if (p[i]) merged.push(p[i]);
  return merged;
}

/** Records requestAnimationFrame deltas in globalThis.__frames from the moment it runs, until __stopFrames. */
export const FRAME_RECORDER = `(() => {
  globalThis.__frames = [];
  let last = performance.now();
  const tick = (now) => { globalThis.__frames.push(now - last); last = now; if (!globalThis.__stopFrames) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})()`;
