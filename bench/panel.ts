/**
 * panel_frame: the run panel (webview/main.ts) in headless Debian Chromium, in a page like the editor's
 * webview (the approach of test/webview/panel.browser.test.ts: strict CSP with a nonce, a stub
 * acquireVsCodeApi). The recorded fixture run is streamed as eight trials (the fixture's two, copied),
 * one message every 100 ms — a progress message before each measurement, the theory after the first,
 * the surface and `finished` at the end — so every chart (moments, eigenvalues, density, orthogonality,
 * surface, NTK, loss) updates about five times a second while the frame times are recorded with
 * requestAnimationFrame. Reported: p50, p95 and max of the frame-to-frame times during the replay, and
 * the chart draws made (webview/charts/drawQueue.ts spreads them over frames; none is skipped).
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { browserBundle, FRAME_RECORDER, launchChromium, liveMessages, outputPath, panelPageHtml, percentile, readFixtureRun, waitReady, watchedPage } from '../scripts/panelHarness';
import { round2, type Benchmark } from './common';

const TRIALS = 8;
const INTERVAL_MS = 100;

/** The panel in a webview-like page whose VS Code API stub ignores what it is given. */
const STUB = `globalThis.acquireVsCodeApi = () => ({ postMessage: () => {}, getState: () => null, setState: () => {} });`;

export const panelFrame: Benchmark = {
  name: 'panel_frame',
  async run() {
    const file = outputPath('bench-panel.html');
    fs.writeFileSync(file, panelPageHtml(await browserBundle('main'), STUB));
    const browser = await launchChromium();
    try {
      const { page, watch } = await watchedPage(browser);
      await page.goto(pathToFileURL(file).href);
      await waitReady(page);
      const messages = liveMessages(readFixtureRun(), TRIALS);
      await page.evaluate(FRAME_RECORDER);
      const t0 = Date.now();
      for (const m of messages) {
        const sent = Date.now();
        await page.evaluate((msg) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(msg, '*'), m);
        await page.waitForTimeout(Math.max(0, INTERVAL_MS - (Date.now() - sent)));
      }
      const seconds = (Date.now() - t0) / 1000;
      await page.evaluate('globalThis.__stopFrames = true');
      const frames = ((await page.evaluate('globalThis.__frames')) as number[]).slice(1);
      // Chart draws made during the replay (the draw queue spreads them over frames, visible charts
      // first), read before describe(), which draws whatever is still pending.
      const draws = (await page.evaluate('globalThis.__ntkexp.draws()')) as { pending: number; drawn: number };
      const charts = (await page.evaluate('globalThis.__ntkexp.describe().length')) as number;
      const stats = (await page.evaluate('globalThis.__ntkexp.stats')) as { received: number; rejected: number };
      if (watch.errors.length > 0) throw new Error(`panel errors: ${watch.errors.join('; ')}`);
      return [
        {
          name: 'panel_frame',
          ms: seconds * 1000,
          p50_ms: round2(percentile(frames, 50)),
          p95_ms: round2(percentile(frames, 95)),
          max_ms: round2(Math.max(...frames)),
          frames: frames.length,
          messages: messages.length,
          messages_per_s: round2(messages.length / seconds),
          received: stats.received,
          rejected: stats.rejected,
          charts,
          chart_draws: draws.drawn,
          pending_at_end: draws.pending,
          trials: TRIALS,
          browser: browser.version(),
        },
      ];
    } finally {
      await browser.close();
    }
  },
};
