/**
 * report.html in headless Chromium, opened from file://: every chart's datasets and axes read back
 * from Chart.js, the controls, light and dark themes (screenshots in test-output/), and no console
 * error, page error, CSP violation or network request.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildReportHtml } from '../../src/run/report';
import { orNaN, type MeasurementRecord } from '../../src/contracts/engineMessages';
import {
  browserBundle,
  describeCharts,
  launchChromium,
  outputPath,
  readFixtureRun,
  readFixtureSweep,
  stylesheet,
  violations,
  waitFor,
  waitReady,
  watchedPage,
  type ChartDescription,
  type PageWatch,
} from '../../scripts/panelHarness';

const run = readFixtureRun();
const sweep = readFixtureSweep();
let browser: Browser;
let runUrl: string;
let sweepUrl: string;

before(async () => {
  const assets = { script: await browserBundle('report'), css: stylesheet() };
  const runFile = outputPath('report-circle.html');
  fs.writeFileSync(runFile, buildReportHtml({ ...run, assets }));
  const sweepFile = outputPath('report-sweep.html');
  fs.writeFileSync(sweepFile, buildReportHtml({ ...sweep.runs[0], sweep: { info: sweep.info, runs: sweep.runs }, assets }));
  runUrl = pathToFileURL(runFile).href;
  sweepUrl = pathToFileURL(sweepFile).href;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function open(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; watch: PageWatch; charts: Map<string, ChartDescription> }> {
  const { page, watch } = await watchedPage(browser, { colorScheme });
  await page.goto(url);
  await waitReady(page);
  return { page, watch, charts: await describeCharts(page) };
}

async function assertClean(page: Page, watch: PageWatch, url: string): Promise<void> {
  assert.deepEqual(watch.errors, [], 'console errors');
  assert.deepEqual(await violations(page), [], 'CSP violations');
  assert.deepEqual(
    watch.requests.filter((u) => u !== url),
    [],
    'network requests',
  );
}

const measurements = run.records.filter((m): m is MeasurementRecord & { trial: number } => m.type === 'measurement');
const steps = [...new Set(measurements.map((m) => m.step))].sort((a, b) => a - b);

test('every chart of a run, with its datasets and axes as Chart.js holds them', async () => {
  const { page, watch, charts } = await open(runUrl);
  try {
    const moments = ['H', 'I', 'S'].flatMap((A) => [1, 2, 3, 4].map((k) => `moments-${A}-${k}`));
    assert.deepEqual([...charts.keys()].sort(), [...moments, 'density', 'eigenvalues', 'loss', 'ntk', 'orthogonality', 'rayleigh', 'surface', 'surface-slices'].sort());
    for (const c of charts.values()) {
      assert.ok(c.width > 200 && c.height > 150, `${c.id} has a size (${c.width}×${c.height})`);
      assert.ok(c.ariaLabel && c.ariaLabel.length > 40, `${c.id} is described for screen readers`);
      for (const s of Object.values(c.scales)) assert.ok(s.title.length > 0 && s.ticks.length >= 2, `${c.id}: axis titled and labeled (${s.title}: ${s.ticks.join(' ')})`);
    }

    // Moments: log t axis with t = 0 at η/2 labeled 0; H and I on log y, S on symmetric log.
    for (const id of moments) {
      const c = charts.get(id)!;
      const [A, k] = id.split('-').slice(1);
      assert.equal(c.scales.x.type, 'logarithmic');
      assert.match(c.scales.x.title, /^t = η · step {3}\(t = 0 drawn at η\/2\)$/);
      assert.equal(c.scales.x.ticks[0], '0');
      assert.equal(c.scales.y.type, A === 'S' ? 'symlog' : 'logarithmic');
      assert.match(c.scales.y.title, new RegExp(`^Tr\\(${A}`));
      assert.deepEqual(
        c.datasets.map((d) => d.key),
        ['spread', 'trial:0', 'trial:1', 'mean', 'theory'],
      );
      const [spread, t0, t1, mean, theory] = c.datasets;
      assert.ok(spread.band && !t0.inLegend && !t1.inLegend && mean.band && !mean.dashed && theory.dashed);
      assert.equal(spread.points, steps.length);
      assert.equal(mean.points, steps.length);
      assert.equal(theory.points, steps.length);
      assert.deepEqual(mean.first!.x, 0.5);
      const at = (step: number, trial: number): number => orNaN(measurements.find((m) => m.step === step && m.trial === trial)!.moments[A as 'H'][Number(k) - 1]);
      const last = steps[steps.length - 1];
      assert.ok(Math.abs(mean.last!.y - (at(last, 0) + at(last, 1)) / 2) <= 1e-12 * Math.abs(at(last, 0)) + 1e-300);
      assert.equal(theory.last!.y, measurements.find((m) => m.step === last)!.expected![A as 'H'][Number(k) - 1]);
    }
    assert.equal(charts.get('moments-H-2')!.scales.y.title, 'Tr(H²)');
    assert.equal(charts.get('moments-S-1')!.scales.y.title, 'Tr(S)   (symmetric log)');

    const top = charts.get('eigenvalues')!;
    assert.equal(top.datasets.length, 15);
    assert.deepEqual(top.legend, ['H: λ₁ … λ₅', 'I: λ₁ … λ₅', 'S: λ₁ … λ₅']);
    assert.equal(top.scales.y.type, 'logarithmic');

    const density = charts.get('density')!;
    assert.deepEqual(
      density.datasets.map((d) => d.label),
      ['trial 0', 'trial 1'],
    );
    assert.equal(density.scales.x.type, 'linear');
    assert.equal(density.scales.y.type, 'logarithmic');
    assert.match(density.ariaLabel!, /at t = 1000/);

    const rayleigh = charts.get('rayleigh')!;
    assert.equal(rayleigh.type, 'scatter');
    assert.deepEqual(
      rayleigh.datasets.map((d) => [d.label, d.points]),
      [
        ['v = top eigenvectors of I', 10],
        ['v = top eigenvectors of S', 10],
      ],
    );
    assert.deepEqual([rayleigh.scales.x.type, rayleigh.scales.y.type], ['symlog', 'symlog']);
    assert.deepEqual([rayleigh.scales.x.title, rayleigh.scales.y.title], ['vᵀ I v', 'vᵀ S v']);

    const orth = charts.get('orthogonality')!;
    assert.equal(orth.datasets[0].points, steps.length);
    assert.ok(orth.datasets[0].band);
    assert.equal(orth.scales.y.title, '‖IS‖_F / (‖I‖_F ‖S‖_F)');

    const surface = charts.get('surface')!;
    assert.deepEqual(surface.heatmap, { nx: 21, ny: 21, log: true });
    assert.match(surface.scales.x.title, /^distance along I1 {3}\(curvature dᵀHd = 1\.7\)$/);
    assert.match(surface.scales.y.title, /^distance along I4/);
    assert.equal(surface.datasets[0].points, 21 * 21);
    const slices = charts.get('surface-slices')!;
    assert.deepEqual(
      slices.datasets.map((d) => [d.key, d.dashed]),
      [
        ['slice:0', false],
        ['theory:quad:0', true],
        ['slice:1', false],
        ['theory:quad:1', true],
      ],
    );

    const ntk = charts.get('ntk')!;
    assert.deepEqual(
      ntk.datasets.map((d) => [d.key, d.points, d.dashed]),
      [
        ['ntk:first', 12, false],
        ['ntk:last', 12, false],
        ['theory:limit', 12, true],
      ],
    );
    assert.deepEqual([ntk.scales.x.type, ntk.scales.y.type], ['logarithmic', 'logarithmic']);

    const loss = charts.get('loss')!;
    assert.deepEqual(
      loss.datasets.map((d) => d.key),
      ['spread', 'trial:0', 'trial:1', 'mean', 'theory:loss'],
    );
    assert.equal(loss.scales.y.type, 'logarithmic');

    // Chart.js's own registry finds the same chart objects on the canvases.
    const ids = await page.evaluate(`[...document.querySelectorAll('canvas')].map((c) => globalThis.__ntkexp.Chart.getChart(c)?.id).filter((id) => id !== undefined)`);
    assert.deepEqual(new Set(ids as number[]), new Set([...charts.values()].map((c) => c.chartId)));

    // The heatmap is drawn: the left edge of the plane (high loss) is viridis' yellow end, not the page.
    const pixel = (await page.evaluate(`(() => {
      const chart = globalThis.__ntkexp.Chart.getChart(document.getElementById('chart-surface'));
      const a = chart.chartArea, r = chart.currentDevicePixelRatio;
      return [...chart.ctx.getImageData(Math.round((a.left + 3) * r), Math.round((a.top + a.bottom) / 2 * r), 1, 1).data];
    })()`)) as number[];
    assert.equal(pixel[3], 255);
    assert.ok(pixel[0] > 150 && pixel[1] > 150 && pixel[2] < 120, `viridis yellow at the edge, got ${pixel.join(',')}`);

    await page.screenshot({ path: outputPath('report-light.png'), fullPage: true });
    await assertClean(page, watch, runUrl);
  } finally {
    await page.close();
  }
});

test('controls: the k chooser shows one row of moments, the sliders move the density and the scatter', async () => {
  const { page, watch } = await open(runUrl);
  try {
    const visible = (): Promise<string[]> => page.evaluate(`[...document.querySelectorAll('#section-moments figure')].filter((f) => !f.hidden).map((f) => f.id)`) as Promise<string[]>;
    assert.equal((await visible()).length, 12);
    await page.evaluate(`(() => { const s = document.querySelector('#section-moments vscode-single-select'); s.value = '2'; s.dispatchEvent(new Event('change')); })()`);
    assert.deepEqual(await visible(), ['fig-moments-H-2', 'fig-moments-I-2', 'fig-moments-S-2']);
    // The real control works with a pointer too: open the dropdown, pick "all k".
    await page.locator('#section-moments vscode-single-select').click();
    await page.locator('#section-moments vscode-single-select').getByRole('option', { name: 'all k', exact: true }).click();
    assert.equal((await visible()).length, 12);

    const slider = page.locator('#fig-density input[type=range]');
    await slider.fill('0');
    const density = (await describeCharts(page)).get('density')!;
    assert.match(density.ariaLabel!, /at t = 0,/);
    assert.equal(await page.locator('#fig-density output').textContent(), 't = 0 (step 0)');
    await page.locator('#fig-rayleigh input[type=range]').fill('5');
    assert.match((await describeCharts(page)).get('rayleigh')!.ariaLabel!, new RegExp(`at t = ${steps[5]}`));
    // Keyboard: the slider is a focusable control.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('#fig-density output').textContent(), `t = ${steps[1]} (step ${steps[1]})`);
    await assertClean(page, watch, runUrl);
  } finally {
    await page.close();
  }
});

test('dark: from prefers-color-scheme, and forced by data-theme; the charts follow without being recreated', async () => {
  const light = await open(runUrl, 'light');
  const dark = await open(runUrl, 'dark');
  try {
    const bg = (p: Page): Promise<string> => p.evaluate(`getComputedStyle(document.body).backgroundColor`) as Promise<string>;
    assert.equal(await bg(light.page), 'rgb(255, 255, 255)');
    assert.equal(await bg(dark.page), 'rgb(30, 30, 30)');
    const lightTicks = light.charts.get('loss')!.scales.x.color;
    const darkTicks = dark.charts.get('loss')!.scales.x.color;
    assert.notEqual(lightTicks, darkTicks);
    await dark.page.screenshot({ path: outputPath('report-dark.png'), fullPage: true });

    // data-theme="dark" on a light system: the page and every chart turn dark, the same chart objects.
    const before = await describeCharts(light.page);
    await light.page.evaluate(`document.documentElement.dataset.theme = 'dark'`);
    await waitFor(light.page, `globalThis.__ntkexp.describe().find((c) => c.id === 'loss').scales.x.color === ${JSON.stringify(darkTicks)}`);
    assert.equal(await bg(light.page), 'rgb(30, 30, 30)');
    const afterCharts = await describeCharts(light.page);
    for (const [id, c] of afterCharts) assert.equal(c.chartId, before.get(id)!.chartId, `${id} kept its chart`);
    // …and data-theme="light" on a dark system.
    await dark.page.evaluate(`document.documentElement.dataset.theme = 'light'`);
    await waitFor(dark.page, `globalThis.__ntkexp.describe().find((c) => c.id === 'loss').scales.x.color === ${JSON.stringify(lightTicks)}`);
    await assertClean(light.page, light.watch, runUrl);
    await assertClean(dark.page, dark.watch, runUrl);
  } finally {
    await light.page.close();
    await dark.page.close();
  }
});

test('a sweep report: each width in one chart, the deviation from theory against width with its slope, and the sweep\'s own limit', async () => {
  const { page, watch, charts } = await open(sweepUrl);
  try {
    const series = charts.get('sweep-series')!;
    assert.deepEqual(
      series.datasets.map((d) => d.label),
      ['width = 32', 'width = 128', 'width = 512', 'theory, expected (n → ∞)'],
    );
    assert.ok(series.datasets.slice(0, 3).every((d) => d.band && d.points === 6));
    const dev = charts.get('sweep-deviation')!;
    assert.deepEqual([dev.scales.x.type, dev.scales.y.type], ['logarithmic', 'logarithmic']);
    assert.equal(dev.scales.x.title, 'hidden width n');
    const points = dev.datasets.filter((d) => d.key?.startsWith('dev:'));
    assert.equal(points.length, 4);
    for (const d of points) {
      assert.equal(d.points, 3);
      assert.match(d.label!, /^Tr\(H.*\): slope −0\.\d+ ± 0\.\d+$/);
    }
    assert.equal(dev.datasets.filter((d) => d.key?.startsWith('fit:')).length, 4);
    assert.ok(dev.legend.some((l) => l.includes('reference')));
    // The sweep's own limit: m∞ with its band at each of the 6 times, beside the expectation.
    const limit = charts.get('sweep-limit')!;
    assert.deepEqual(
      limit.datasets.map((d) => d.key),
      ['limit:0', 'expected:0'],
    );
    assert.ok(limit.datasets[0].band && limit.datasets[0].points === 6);
    assert.match(limit.datasets[0].label!, /^m∞ from widths 32, 128, 512: better fit n\^−1\/2 at \d of 6 times, n\^−1 at \d$/);
    assert.equal(limit.datasets[1].points, 6);
    assert.equal(limit.scales.x.type, 'logarithmic');
    // The run chooser switches the detail charts to another width.
    const before = charts.get('moments-H-1')!.datasets.find((d) => d.key === 'mean')!.last!.y;
    await page.evaluate(`(() => { const s = document.querySelector('.ntk-header vscode-single-select'); s.value = 'widths-width-512'; s.dispatchEvent(new Event('change')); })()`);
    const afterY = (await describeCharts(page)).get('moments-H-1')!.datasets.find((d) => d.key === 'mean')!.last!.y;
    assert.notEqual(afterY, before);
    await page.evaluate(`(() => { const s = document.querySelector('.ntk-header vscode-single-select'); s.value = 'widths-width-32'; s.dispatchEvent(new Event('change')); })()`);
    await page.screenshot({ path: outputPath('report-sweep-light.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await waitFor(page, `getComputedStyle(document.body).backgroundColor === 'rgb(30, 30, 30)'`);
    await page.waitForTimeout(100);
    await page.screenshot({ path: outputPath('report-sweep-dark.png'), fullPage: true });
    await assertClean(page, watch, sweepUrl);
  } finally {
    await page.close();
  }
});

test('the sharpness chart: λmax(H) with its band, the optimizer\'s threshold and the limit\'s λmax(I); the edge-of-stability and catapult notices', async () => {
  // The fixture run with the sharpness fields a run now records (their computation is tested in
  // test/engine/train/stability.test.ts): a threshold between the first and the largest λmax(H), so
  // some trial crosses it, and the catapult regime at step 0.
  const tops = measurements.map((m) => orNaN(m.top!.H![0]));
  const threshold = (Math.min(...tops) + Math.max(...tops)) / 2;
  const records = run.records.map((r) =>
    r.type !== 'measurement'
      ? r
      : {
          ...r,
          sharpness: { H: r.top!.H![0], method: 'lanczos', limit_I: 1.25 },
          stability: { optimizer: 'gd', threshold, rule: '2/η', on: 'H', ...(r.step === 0 ? { catapult: { linearized: 3 * threshold, threshold, regime: true } } : {}) },
        },
  );
  const file = outputPath('report-sharpness.html');
  fs.writeFileSync(file, buildReportHtml({ ...run, records, assets: { script: await browserBundle('report'), css: stylesheet() } }));
  const url = pathToFileURL(file).href;
  const { page, watch, charts } = await open(url);
  try {
    const c = charts.get('sharpness')!;
    assert.ok(c, 'a sharpness chart');
    assert.deepEqual(
      c.datasets.map((d) => d.key),
      ['sharpness', 'threshold', 'limit'],
    );
    assert.ok(c.datasets[0].band && c.datasets[0].points === steps.length);
    assert.ok(Math.abs(c.datasets[1].first!.y - threshold) < 1e-12 && c.datasets[1].last!.y === c.datasets[1].first!.y);
    assert.match(c.datasets[1].label!, /^threshold 2\/η = .* \(gd, on λmax\(H\)\)$/);
    assert.equal(c.datasets[2].first!.y, 1.25);
    assert.equal(c.scales.y.type, 'logarithmic');
    const notice = (await page.evaluate(`document.querySelector('#section-ntk .ntk-notice').textContent`)) as string;
    assert.match(notice, /Edge of stability: the sharpness λmax\(H\) reached gd's threshold 2\/η = /);
    assert.match(notice, /Catapult regime: at initialization/);
    await page.screenshot({ path: outputPath('report-sharpness.png'), fullPage: true });
    await assertClean(page, watch, url);
  } finally {
    await page.close();
  }
});

test('the per-layer section: each layer\'s block through training with its prediction, and each layer\'s share of Tr(I) and Tr(S)', async () => {
  // The fixture run with a `layers` field (its computation is tested in test/engine/measure/layers.test.ts):
  // two layers carrying 30% and 70% of each trace, the first with a prediction.
  const records = run.records.map((r) =>
    r.type !== 'measurement'
      ? r
      : {
          ...r,
          layers: [0.3, 0.7].map((f, l) => ({
            layer: l,
            parameters: 10 + l,
            moments: { H: r.moments.H.map((v) => orNaN(v) * f), I: r.moments.I.map((v) => orNaN(v) * f), S: r.moments.S.map((v) => orNaN(v) * f) },
            stderr: r.moments_stderr,
            top: { H: [1], I: [1], S: [0.1] },
            ...(l === 0 ? { theory: { I: r.moments.I.map((v) => orNaN(v) * 0.29) } } : {}),
          })),
        },
  );
  const file = outputPath('report-layers.html');
  fs.writeFileSync(file, buildReportHtml({ ...run, records, assets: { script: await browserBundle('report'), css: stylesheet() } }));
  const url = pathToFileURL(file).href;
  const { page, watch, charts } = await open(url);
  try {
    const m = charts.get('layer-moments')!;
    assert.deepEqual(
      m.datasets.map((d) => d.key),
      ['layer:0', 'theory:0', 'layer:1'],
    );
    assert.ok(m.datasets[0].band && m.datasets[0].points === steps.length);
    assert.equal(m.datasets[0].label, 'layer 1 (W1, b1: 10 parameters)');
    for (const A of ['I', 'S'] as const) {
      const share = charts.get(`layer-share-${A}`)!;
      assert.deepEqual(
        share.datasets.map((d) => d.key),
        ['share:0', 'share:1'],
      );
      // Each trial's share is ±30% and ±70% (the sign of its trace: Tr(S) changes sign between trials
      // late in this run), averaged over the trials.
      const mean = (step: number, f: number): number => {
        const at = measurements.filter((r) => r.step === step);
        return at.reduce((a, r) => a + f * Math.sign(orNaN(r.moments[A][0])), 0) / at.length;
      };
      const [first, last] = [steps[0], steps[steps.length - 1]];
      assert.ok(Math.abs(share.datasets[0].last!.y - mean(last, 0.3)) < 1e-9, `${A}: ${share.datasets[0].last!.y} vs ${mean(last, 0.3)}`);
      assert.ok(Math.abs(share.datasets[1].first!.y - mean(first, 0.7)) < 1e-9, `${A}: ${share.datasets[1].first!.y}`);
    }
    await page.screenshot({ path: outputPath('report-layers.png'), fullPage: true });
    await assertClean(page, watch, url);
  } finally {
    await page.close();
  }
});
