/**
 * Driving the VS Code workbench in code-server with playwright-core: the command palette, Quick Open,
 * Go to Line, notifications, the status bar, tree views, editors, and the run panels' webviews.
 * Waits poll from here with a bound (`until`), never sleep blindly. Browser-side code is passed as
 * strings: this program has no DOM types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

const firstLine = (e: unknown): string => (e instanceof Error ? e.message.split('\n')[0] : String(e));

/** Poll `probe` until it returns something other than undefined/false; fail with the last detail seen. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      last = firstLine(e);
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wait for the workbench to be up: the layout, the explorer listing the folder. */
export async function waitWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.activitybar, .activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

async function openQuickInput(page: Page, key: string): Promise<Locator> {
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press(key);
    try {
      await widget.waitFor({ state: 'visible', timeout: 5_000 });
      return widget;
    } catch {
      // The keyboard focus was outside the workbench (a webview, nothing): click a neutral spot, retry.
      await page.locator('.part.statusbar').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    }
  }
  throw new Error(`the quick input did not open with ${key}`);
}

/**
 * Open the quick input with `key` and do `step` in it (true when done), starting again from the key
 * until `timeoutMs` when anything is off: right after a window reload the palette can open before it
 * listens (keys typed then are lost, leaving the unfiltered list with the wanted row out of sight), or
 * close again under us (a late focus change), and a lost key press leaves nothing open. Each step is
 * bounded, and a failed one closes whatever is half open so that the next key press opens a fresh one.
 */
async function inQuickInput(page: Page, key: string, what: string, timeoutMs: number, step: (widget: Locator) => Promise<boolean>): Promise<void> {
  let attempt = 0;
  await until(
    what,
    async () => {
      attempt++;
      try {
        if (await step(await openQuickInput(page, key))) return true;
        throw new Error('not done yet');
      } catch (e) {
        console.log(`e2e: ${what}: attempt ${attempt} failed (${firstLine(e)})`);
        await page.keyboard.press('Escape').catch(() => undefined);
        await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
        throw e;
      }
    },
    timeoutMs,
  );
}

/** Set the quick input's text on its box (not typed key by key) and choose the row labelled `label`. */
async function pick(page: Page, key: string, text: string, label: string, timeoutMs: number): Promise<void> {
  await inQuickInput(page, key, `choosing "${label}"`, timeoutMs, async (widget) => {
    const row = widget.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
    await widget.locator('.quick-input-box input').first().fill(text, { timeout: 3_000 });
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    await row.click({ timeout: 3_000 });
    await widget.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    return true;
  });
}

/** Run a command through the palette (F1) by its exact title, e.g. "NTK: Run Experiment". */
export async function runCommand(page: Page, title: string, options: { timeoutMs?: number } = {}): Promise<void> {
  await pick(page, 'F1', `>${title}`, title, options.timeoutMs ?? 30_000);
}

/** Open a workspace file with Quick Open (Ctrl+P) by its name, in the active editor group. */
export async function openFile(page: Page, name: string): Promise<void> {
  await pick(page, 'Control+P', name, name, 30_000);
  await until(`the editor tab of ${name} to be active`, async () => (await activeTabTitle(page)) === name, 15_000);
}

export async function activeTabTitle(page: Page): Promise<string> {
  return (await page.locator('.editor-group-container.active .tab.active .label-name').first().innerText({ timeout: 2_000 })).trim();
}

/** Put the cursor at line:column of the active editor (Go to Line, Ctrl+G). */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
  // Go to Line's own ":" prefix is part of the text set on the box.
  const want = `Ln ${line}, Col ${column}`;
  await inQuickInput(page, 'Control+G', `the cursor at ${want}`, 20_000, async (widget) => {
    await widget.locator('.quick-input-box input').first().fill(`:${line}:${column}`, { timeout: 3_000 });
    await page.keyboard.press('Enter');
    return until('the cursor to move', async () => (await cursorPosition(page)) === want, 3_000).catch(() => false);
  });
}

export async function cursorPosition(page: Page): Promise<string> {
  return (await page.locator('#status\\.editor\\.selection').innerText({ timeout: 2_000 })).trim();
}

/** The active editor (of the active group). */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The visible text of the active editor (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page): Promise<string> {
  return (await activeEditor(page).locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** A token of the active editor with exactly this text. */
export function token(page: Page, text: string): Locator {
  return activeEditor(page)
    .locator('.view-line span span', { hasText: new RegExp(`^${escapeRegExp(text)}$`) })
    .first();
}

/** The hover widget's text after moving the mouse onto a token (and off it first). */
export async function hoverText(page: Page, target: Locator, expect: RegExp, timeoutMs = 20_000): Promise<string> {
  return until(
    `a hover matching ${expect}`,
    async () => {
      await page.mouse.move(5, 5);
      await target.hover();
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: expect }).first();
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      return (await hover.innerText()).replace(/\u00a0/g, ' ');
    },
    timeoutMs,
    100,
  );
}

/** Error and warning counts of the status bar's Problems item. */
export async function problemCounts(page: Page): Promise<{ errors: number; warnings: number }> {
  const text = await page.locator('#status\\.problems').innerText({ timeout: 2_000 });
  const [errors, warnings] = (text.match(/\d+/g) ?? []).map(Number);
  return { errors: errors ?? NaN, warnings: warnings ?? NaN };
}

/** A notification toast whose text matches. */
export function toast(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({ hasText: text });
}

/** The text of the extension's status-bar item ("NTK: …"), or undefined when hidden. */
export async function ntkStatusItem(page: Page): Promise<string | undefined> {
  const item = page.locator('.part.statusbar .statusbar-item[id*="ntkexp"]').filter({ hasText: 'NTK:' });
  if ((await item.count()) === 0 || !(await item.first().isVisible())) return undefined;
  return (await item.first().innerText()).trim();
}

export interface TreeRow {
  label: string;
  description: string;
}

/** The rows of a tree view (by its name, e.g. "Runs") as shown. */
export async function treeRows(page: Page, view: string): Promise<TreeRow[]> {
  const rows = page.locator(`.part.sidebar .monaco-list[aria-label="${view}"] .monaco-list-row`);
  const out: TreeRow[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({
      label: (await row.locator('.label-name').first().innerText()).trim(),
      description: ((await row.locator('.label-description').first().innerText().catch(() => '')) ?? '').trim(),
    });
  }
  return out;
}

export function treeRow(page: Page, view: string, label: string): Locator {
  return page
    .locator(`.part.sidebar .monaco-list[aria-label="${view}"] .monaco-list-row`)
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

/** Titles of every editor tab of every group, in order. */
export async function tabTitles(page: Page): Promise<string[]> {
  return (await page.locator('.part.editor .tab .label-name').allInnerTexts()).map((t) => t.trim());
}

/** What a run panel shows, read in its webview (the frame holding the panel's page). */
export interface PanelState {
  /** The run folders the panel shows (from the page's identity, as the serializer uses it). */
  dirs: string[];
  title: string;
  ready: boolean;
  /** Chart id → the number of points of each dataset, from `__ntkexp.describe()`. */
  charts: Record<string, { label: string; points: number }[]>;
  /** Chart id → its width in CSS pixels. */
  widths: Record<string, number>;
  /** The panel's visible text (header: title, status, trials). */
  text: string;
}

const PANEL_PROBE = `(() => {
  const meta = document.querySelector('meta[name="ntkexp-panel"]');
  if (!meta) return null;
  const hook = globalThis.__ntkexp;
  const identity = JSON.parse(meta.getAttribute('content') || '{}');
  const charts = {};
  const widths = {};
  if (hook && hook.ready) {
    for (const c of hook.describe()) {
      charts[c.id] = c.datasets.map((d) => ({ label: String(d.label ?? ''), points: d.points }));
      widths[c.id] = c.width;
    }
  }
  return { dirs: identity.dirs || [], title: identity.title || '', ready: !!(hook && hook.ready), charts, widths, text: (document.body.innerText || '').slice(0, 4000) };
})()`;

async function probeFrame(frame: Frame): Promise<PanelState | null> {
  try {
    return (await Promise.race([frame.evaluate(PANEL_PROBE), new Promise((r) => setTimeout(() => r(null), 2_000))])) as PanelState | null;
  } catch {
    return null; // a frame being replaced or one of another origin
  }
}

/** Every run panel whose webview is loaded (the visible ones: hidden panels are not kept alive). */
export async function runPanels(page: Page): Promise<PanelState[]> {
  const found: PanelState[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const state = await probeFrame(frame);
    if (state) found.push(state);
  }
  return found;
}

/** The loaded panel showing this run folder, if any. */
export async function runPanel(page: Page, dir: string): Promise<PanelState | undefined> {
  const want = path.resolve(dir);
  return (await runPanels(page)).find((p) => p.dirs.map((d) => path.resolve(d)).includes(want));
}

/** The largest number of points of the chart's datasets (0 when it has none or is absent). */
export function chartPoints(state: PanelState | undefined, chart: string): number {
  return Math.max(0, ...(state?.charts[chart] ?? []).map((d) => d.points));
}

/** Run folders under `ntkexp-runs` of a workspace. */
export function runFolders(workspace: string): string[] {
  const dir = path.join(workspace, 'ntkexp-runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((n) => path.join(dir, n)).filter((d) => fs.statSync(d).isDirectory()).sort() : [];
}

export function runStatus(dir: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')) as { status?: string }).status;
  } catch {
    return undefined; // not written yet, or being replaced
  }
}

/** Distinct measurement steps in a run's series.jsonl (what a chart over time has as points). */
export function measurementSteps(dir: string): number {
  const steps = new Set<number>();
  const file = path.join(dir, 'series.jsonl');
  if (!fs.existsSync(file)) return 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { type?: string; step?: number };
      if (r.type === 'measurement' && typeof r.step === 'number') steps.add(r.step);
    } catch {
      // a torn last line while the run writes
    }
  }
  return steps.size;
}
