/**
 * The panel entry (webview/main.ts) in headless Chromium, in a page like the editor's webview: a strict
 * CSP with a nonce and a stub `acquireVsCodeApi`. The recorded run is replayed as the extension would
 * post it, about ten messages a second; the charts must update in place (never recreated), end equal to
 * the report's, reject a malformed message, keep the reader's choices through setState/getState, and
 * log no error or CSP violation. The frame times during the replay are reported, not asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildReportHtml, jsonForScript } from '../../src/run/report';
import {
  browserBundle,
  describeCharts,
  FRAME_RECORDER,
  launchChromium,
  liveMessages,
  outputPath,
  panelPageHtml,
  percentile,
  readFixtureRun,
  stylesheet,
  violations,
  waitFor,
  waitReady,
  watchedPage,
  type ChartDescription,
} from '../../scripts/panelHarness';

const run = readFixtureRun();
let browser: Browser;
let bundle: string;

before(async () => {
  bundle = await browserBundle('main');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** A webview-like page with a stub of the VS Code API that records posts and keeps the state. */
function panelPage(name: string, storedState: unknown): string {
  const stub = `
    globalThis.__vscode = { posted: [], state: ${jsonForScript(storedState ?? null)} };
    globalThis.acquireVsCodeApi = () => ({
      postMessage: (m) => { globalThis.__vscode.posted.push(m); },
      getState: () => globalThis.__vscode.state,
      setState: (s) => { globalThis.__vscode.state = s; },
    });`;
  const file = outputPath(name);
  fs.writeFileSync(file, panelPageHtml(bundle, stub));
  return pathToFileURL(file).href;
}

/** Open the panel page and give it the recorded run at once, as a reopened panel is replayed. */
async function showWholeRun(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitReady(page);
  await post(page, { type: 'runInfo', info: run.info });
  await post(page, { type: 'batch', messages: run.records });
  await waitFor(page, `globalThis.__ntkexp.describe().length > 10`);
}

const post = (page: Page, message: unknown): Promise<void> =>
  page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, origin: string): void }).postMessage(m, '*'), message);


test('a live run replayed at ten messages a second: charts update in place and end as the report draws them', async (t) => {
  const url = panelPage('panel.html', undefined);
  const { page, watch } = await watchedPage(browser);
  try {
    await page.goto(url);
    await waitReady(page);
    assert.deepEqual(await page.evaluate('globalThis.__vscode.posted'), [{ type: 'ready' }]);
    await page.evaluate(FRAME_RECORDER);

    const messages = liveMessages(run);
    const seen = new Map<string, Set<string | number>>();
    const updates = new Map<string, number[]>();
    const snapshot = async (): Promise<void> => {
      for (const c of (await describeCharts(page)).values()) {
        (seen.get(c.id) ?? seen.set(c.id, new Set()).get(c.id)!).add(c.chartId);
        (updates.get(c.id) ?? updates.set(c.id, []).get(c.id)!).push(c.updates);
      }
    };
    // The extension batches; most posts here carry one message, the last ones a batch.
    const single = messages.slice(0, messages.length - 8);
    const started = Date.now();
    for (const [i, m] of single.entries()) {
      await post(page, m);
      if (i === 20) await post(page, { type: 'measurement', trial: 0, step: 'seven' }); // malformed: dropped
      await page.waitForTimeout(100);
      if (i % 6 === 5) await snapshot();
    }
    await post(page, { type: 'batch', messages: messages.slice(single.length) });
    await page.waitForTimeout(200);
    await snapshot();
    const seconds = (Date.now() - started) / 1000;
    await page.evaluate('globalThis.__stopFrames = true');

    // Each chart was created once and then only updated.
    const charts = await describeCharts(page);
    for (const [id, ids] of seen) assert.equal(ids.size, 1, `${id} was recreated`);
    assert.equal(await page.evaluate('globalThis.__ntkexp.chartsCreated()'), charts.size, 'no chart created twice');
    const h1 = updates.get('moments-H-1')!;
    assert.ok(h1[h1.length - 1] >= 10 && h1.every((u, i) => i === 0 || u >= h1[i - 1]), `moments-H-1 updated ${h1.join(' → ')} times`);

    // The malformed message was dropped and reported back; nothing else was.
    const stats = (await page.evaluate('globalThis.__ntkexp.stats')) as { received: number; rejected: number; rejections: string[] };
    assert.equal(stats.rejected, 1);
    assert.match(stats.rejections[0], /measurement\.step: expected a non-negative integer, got "seven"/);
    const posted = (await page.evaluate('globalThis.__vscode.posted')) as { type: string; reason?: string }[];
    assert.deepEqual(
      posted.map((p) => p.type),
      ['ready', 'rejected'],
    );
    assert.equal(stats.received, single.length + 2);

    // The end state equals the report's drawing of the same run.
    const reportFile = outputPath('panel-reference-report.html');
    fs.writeFileSync(reportFile, buildReportHtml({ ...run, assets: { script: await browserBundle('report'), css: stylesheet() } }));
    const reference = await watchedPage(browser);
    await reference.page.goto(pathToFileURL(reportFile).href);
    await waitReady(reference.page);
    const expected = await describeCharts(reference.page);
    await reference.page.close();
    const shape = (c: ChartDescription): unknown => ({
      datasets: c.datasets.map((d) => ({ key: d.key, points: d.points, first: d.first, last: d.last })),
      scales: Object.fromEntries(Object.entries(c.scales).map(([k, s]) => [k, { type: s.type, title: s.title }])),
    });
    assert.deepEqual([...charts.keys()].sort(), [...expected.keys()].sort());
    for (const [id, c] of charts) {
      // The panel also had progress messages: its loss curve per trial is denser; the rest is identical.
      if (id === 'loss') continue;
      assert.deepEqual(shape(c), shape(expected.get(id)!), id);
    }
    assert.match(await page.locator('#ntk-trials').textContent() ?? '', /Trials: 2 finished\./);

    const frames = ((await page.evaluate('globalThis.__frames')) as number[]).slice(1);
    t.diagnostic(
      `replay: ${single.length + 1} posts in ${seconds.toFixed(1)} s; ${frames.length} frames, frame time p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`,
    );
    await page.screenshot({ path: outputPath('panel-light.png'), fullPage: true });
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(
      watch.requests.filter((u) => u !== url),
      [],
    );
  } finally {
    await page.close();
  }
});

test("the reader's choices go to setState and come back from getState after a reload", async () => {
  const url = panelPage('panel-state.html', undefined);
  const { page, watch } = await watchedPage(browser);
  try {
    await showWholeRun(page, url);
    await page.evaluate(`(() => { const s = document.querySelector('#section-moments vscode-single-select'); s.value = '3'; s.dispatchEvent(new Event('change')); })()`);
    await page.locator('#fig-density input[type=range]').fill('4');
    const state = (await page.evaluate('globalThis.__vscode.state')) as { ui: { k: string; densityIndex: number } };
    assert.equal(state.ui.k, '3');
    assert.equal(state.ui.densityIndex, 4);

    // A reloaded panel (a new page whose getState returns what was saved) starts from those choices.
    const again = panelPage('panel-restored.html', state);
    const restored = await watchedPage(browser, { colorScheme: 'dark' });
    await restored.page.goto(again);
    await waitReady(restored.page);
    await post(restored.page, { type: 'batch', messages: run.records });
    await waitFor(restored.page, `globalThis.__ntkexp.describe().some((c) => c.id === 'density')`);
    const visible = await restored.page.evaluate(`[...document.querySelectorAll('#section-moments figure')].filter((f) => !f.hidden).map((f) => f.id)`);
    assert.deepEqual(visible, ['fig-moments-H-3', 'fig-moments-I-3', 'fig-moments-S-3']);
    const step4 = [...new Set(run.records.flatMap((m) => (m.type === 'measurement' ? [m.step] : [])))].sort((a, b) => a - b)[4];
    assert.equal(await restored.page.locator('#fig-density output').textContent(), `t = ${step4} (step ${step4})`);
    // A reset forgets the data (before a full replay).
    await post(restored.page, { type: 'reset' });
    await waitFor(restored.page, `document.querySelector('#section-moments').hidden === true`);
    await post(restored.page, { type: 'batch', messages: run.records });
    await waitFor(restored.page, `document.querySelector('#section-moments').hidden === false`);
    await restored.page.waitForTimeout(100);
    await restored.page.screenshot({ path: outputPath('panel-dark.png'), fullPage: true });
    const charts = await describeCharts(restored.page);
    assert.ok(charts.size >= 11);
    for (const p of [page, restored.page]) assert.deepEqual(await violations(p), []);
    assert.deepEqual([...watch.errors, ...restored.watch.errors], []);
    await restored.page.close();
  } finally {
    await page.close();
  }
});

test('Export Charts: an export request is answered with every chart as PNG and CSV', async () => {
  const url = panelPage('panel-export.html', undefined);
  const { page, watch } = await watchedPage(browser);
  try {
    await showWholeRun(page, url);
    await post(page, { type: 'export', request: 7 });
    await waitFor(page, `globalThis.__vscode.posted.some((m) => m.type === 'exported')`);
    const reply = (await page.evaluate(`globalThis.__vscode.posted.find((m) => m.type === 'exported')`)) as {
      request: number;
      charts: { name: string; png: string; csv: string }[];
    };
    assert.equal(reply.request, 7);
    const charts = await describeCharts(page);
    assert.equal(reply.charts.length, charts.size, 'one export per chart on the page');
    const names = new Set(reply.charts.map((c) => c.name));
    assert.equal(names.size, reply.charts.length, 'names are unique');
    for (const c of reply.charts) {
      assert.match(c.name, /^[A-Za-z0-9_.-]+$/);
      assert.ok(c.png.startsWith('data:image/png;base64,') && c.png.length > 1000, `${c.name}: a real PNG`);
      assert.ok(c.csv.startsWith('dataset,x,y\n'), `${c.name}: CSV header`);
    }
    const moments = reply.charts.find((c) => c.name === 'moments-H-1');
    assert.ok(moments && moments.csv.split('\n').length > 5, 'the moments chart exports its points');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('a batch with unreadable records: the rest is drawn, the panel says how many and the first, the extension is told once', async () => {
  const clean = await watchedPage(browser);
  const { page, watch } = await watchedPage(browser);
  try {
    await showWholeRun(clean.page, panelPage('panel-clean.html', undefined));
    await page.goto(panelPage('panel-skipped.html', undefined));
    await waitReady(page);
    const mixed: unknown[] = [...run.records];
    mixed.splice(3, 0, { type: 'measurement', trial: 0, step: 'seven' });
    mixed.splice(20, 0, 'not a record', { type: 'surface', trial: 0, x: [1], y: [1], loss: [[1, 2]] });
    await post(page, { type: 'runInfo', info: run.info });
    await post(page, { type: 'batch', messages: mixed });
    await post(page, { type: 'notice', text: '/ws/ntkexp-runs/r/summary.json is not JSON (Unexpected end of JSON input); it is left out' });
    await waitFor(page, `globalThis.__ntkexp.describe().length > 10 && document.querySelectorAll('#ntk-notices li').length === 2`);

    const shape = (c: ChartDescription): unknown => c.datasets.map((d) => ({ key: d.key, points: d.points, first: d.first, last: d.last }));
    const charts = await describeCharts(page);
    const expected = await describeCharts(clean.page);
    assert.deepEqual([...charts.keys()].sort(), [...expected.keys()].sort());
    for (const [id, c] of charts) assert.deepEqual(shape(c), shape(expected.get(id)!), id);

    const notices = await page.locator('#ntk-notices li').allTextContents();
    assert.equal(notices[0], '/ws/ntkexp-runs/r/summary.json is not JSON (Unexpected end of JSON input); it is left out');
    assert.match(notices[1], /^live updates: 3 records could not be read and are not shown \(first: batch\.messages\[3\]: measurement\.step: expected a non-negative integer, got "seven"\)$/);
    const posted = (await page.evaluate('globalThis.__vscode.posted')) as { type: string; reason?: string }[];
    assert.deepEqual(posted.map((p) => p.type), ['ready', 'rejected'], 'one reply for the batch, not one per record');
    assert.match(posted[1].reason ?? '', /^a batch of live updates: 3 records could not be read/);
    assert.deepEqual(watch.errors, []);
    assert.deepEqual(await violations(page), []);
  } finally {
    await page.close();
    await clean.page.close();
  }
});
