/**
 * The draw queue (webview/charts/drawQueue.ts) with stand-ins for the browser: animation frames run by
 * hand, an IntersectionObserver whose reports the test makes, and charts whose draw advances a fake
 * clock (performance.now) by a known time, so that the test does not depend on the machine's load.
 * Checked: no frame spends more than the budget plus one draw; visible charts are drawn before the
 * others; every dirty chart is drawn in the end (none skipped), each once however often it was marked;
 * a chart that left the page or was cancelled is not drawn; flushDraws draws everything at once.
 */
import { before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';

type Frame = () => void;
let frames: Frame[] = [];
let observerCallback: ((entries: { target: unknown; isIntersecting: boolean }[]) => void) | undefined;
const g = globalThis as unknown as Record<string, unknown>;
g.requestAnimationFrame = (f: Frame): number => frames.push(f);
g.IntersectionObserver = class {
  constructor(cb: typeof observerCallback) {
    observerCallback = cb;
  }
  observe(): void {}
  unobserve(): void {}
};

// Imported after the stand-ins are in place.
let queue: typeof import('../../webview/charts/drawQueue');
before(async () => {
  queue = await import('../../webview/charts/drawQueue');
});

const DRAW_MS = 3;
const log: string[] = [];

let clock = 0;
performance.now = (): number => clock;

function chart(name: string): { canvas: { isConnected: boolean }; draw(): void; name: string } {
  return {
    name,
    canvas: { isConnected: true },
    draw() {
      clock += DRAW_MS;
      log.push(name);
    },
  };
}

/** Run the pending animation frames one at a time; the time each took. */
function runFrames(): number[] {
  const times: number[] = [];
  while (frames.length > 0) {
    const f = frames.shift()!;
    const t0 = clock;
    f();
    times.push(clock - t0);
  }
  return times;
}

beforeEach(() => {
  queue.flushDraws();
  runFrames();
  log.length = 0;
});

test('the drawing is spread over frames, each within the budget plus one draw, and nothing is skipped', () => {
  const charts = Array.from({ length: 20 }, (_, i) => chart(`c${i}`));
  for (const c of charts) queue.requestDraw(c as never);
  for (const c of charts.slice(0, 5)) queue.requestDraw(c as never); // marked twice: drawn once
  const times = runFrames();
  assert.deepEqual([...log].sort(), charts.map((c) => c.name).sort(), 'every chart drawn exactly once');
  assert.ok(times.length >= (20 * DRAW_MS) / (queue.FRAME_BUDGET_MS + DRAW_MS), `spread over ${times.length} frames`);
  assert.ok(times.some((t) => t >= queue.FRAME_BUDGET_MS), 'a frame uses its budget (not one chart per frame)');
  for (const t of times) assert.ok(t <= queue.FRAME_BUDGET_MS + DRAW_MS, `a frame drew for ${t} ms`);
  assert.equal(queue.drawStats().pending, 0);
});

test('visible charts are drawn before the ones off screen', () => {
  const charts = Array.from({ length: 8 }, (_, i) => chart(`v${i}`));
  for (const c of charts) queue.requestDraw(c as never);
  // The observer reports: only v5 and v6 are on screen.
  observerCallback!(charts.map((c, i) => ({ target: c.canvas, isIntersecting: i === 5 || i === 6 })));
  runFrames();
  assert.deepEqual(log.slice(0, 2).sort(), ['v5', 'v6']);
  assert.equal(log.length, 8, 'the charts off screen are drawn too, afterwards');
});

test('a chart that left the page or was cancelled is not drawn; flushDraws draws the rest at once', () => {
  const [a, b, c] = [chart('a'), chart('b'), chart('c')];
  observerCallback!([a, b, c].map((x) => ({ target: x.canvas, isIntersecting: true })));
  for (const x of [a, b, c]) queue.requestDraw(x as never);
  a.canvas.isConnected = false;
  queue.cancelDraw(b as never);
  queue.flushDraws();
  assert.deepEqual(log, ['c']);
  assert.equal(queue.drawStats().pending, 0);
  runFrames();
  assert.deepEqual(log, ['c'], 'nothing left for the frames');
});
