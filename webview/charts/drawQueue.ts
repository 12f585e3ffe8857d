/// <reference lib="dom" />
/**
 * When charts are drawn. A measurement of a live run touches every chart of the panel (twenty of them
 * with all moments shown), and one Chart.js draw costs 2–5 ms here, so drawing them all in the frame
 * the data arrives makes that frame 50–100 ms long and the panel stutters (measured by `npm run bench
 * -- --only panel_frame`). Instead a chart whose data changed is marked dirty and drawn by this queue:
 * charts on screen first, then the others, and no more than a frame's budget of drawing per frame (at
 * least one chart, so that progress is always made). Data is applied at once (ChartView.update); only
 * the drawing is spread over the following frames. `flushDraws()` draws everything now, for what reads
 * the canvases (export, the report, the tests' describe()).
 */

/** What the queue draws: a chart view's canvas and its draw. */
export interface Drawable {
  readonly canvas: HTMLCanvasElement;
  draw(): void;
}

/** Drawing time allowed per frame, ms: half a 60 Hz frame, leaving the rest to layout and input. */
export const FRAME_BUDGET_MS = 8;

const dirty = new Set<Drawable>();
/** Visibility as the IntersectionObserver last reported it; a canvas not yet reported counts as visible. */
const onScreen = new WeakMap<Element, boolean>();
const byCanvas = new WeakMap<Element, Drawable>();
let observer: IntersectionObserver | undefined;
let scheduled = false;
let drawn = 0;

function observe(view: Drawable): void {
  if (byCanvas.has(view.canvas)) return;
  byCanvas.set(view.canvas, view);
  if (typeof IntersectionObserver === 'undefined') return;
  // A margin of half a screen: charts about to scroll into view are drawn with the visible ones.
  observer ??= new IntersectionObserver(
    (entries) => {
      let newlyVisible = false;
      for (const e of entries) {
        onScreen.set(e.target, e.isIntersecting);
        const v = byCanvas.get(e.target);
        if (e.isIntersecting && v && dirty.has(v)) newlyVisible = true;
      }
      if (newlyVisible) schedule();
    },
    { rootMargin: '50% 0px' },
  );
  observer.observe(view.canvas);
}

const visible = (v: Drawable): boolean => onScreen.get(v.canvas) !== false;

function schedule(): void {
  if (scheduled || dirty.size === 0) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    drawWithinBudget();
  });
}

/** Mark a chart for drawing; it is drawn within a few frames. */
export function requestDraw(view: Drawable): void {
  observe(view);
  dirty.add(view);
  schedule();
}

/**
 * Draw dirty charts, visible ones first, until the frame's budget is spent; schedule the rest for the
 * next frame. Called from an animation frame (the panel calls it right after rendering new data).
 */
export function drawWithinBudget(budgetMs = FRAME_BUDGET_MS): void {
  const start = performance.now();
  const order = [...dirty].sort((a, b) => Number(visible(b)) - Number(visible(a)));
  for (const v of order) {
    dirty.delete(v);
    if (!v.canvas.isConnected) continue;
    v.draw();
    drawn++;
    if (performance.now() - start >= budgetMs) break;
  }
  schedule();
}

/** Forget a chart (it is being destroyed). */
export function cancelDraw(view: Drawable): void {
  dirty.delete(view);
  observer?.unobserve(view.canvas);
  byCanvas.delete(view.canvas);
}

/** Draw every dirty chart now. */
export function flushDraws(): void {
  for (const v of [...dirty]) {
    dirty.delete(v);
    if (v.canvas.isConnected) {
      v.draw();
      drawn++;
    }
  }
}

/** Charts waiting to be drawn, and draws so far (for the tests and the bench). */
export function drawStats(): { pending: number; drawn: number } {
  return { pending: dirty.size, drawn };
}
