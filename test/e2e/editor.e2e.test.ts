/**
 * End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100) with the extension installed from
 * its VSIX, driven through the UI with playwright-core in Debian's Chromium: the language features on a
 * file with a misspelled key, runs from the palette and from the CodeLens with their panel, the Runs view
 * and files on disk, a cancelled run, a window reload that revives the panel, an old run opened from the
 * Runs view, and Restricted Mode refusing to run. A screenshot of every step goes to test-output/e2e/
 * (git-ignored); a failing step adds a screenshot and prints the extension host's log and the
 * extension's output channel. NTKEXP_E2E=0 skips the suite.
 */
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { check, docFor } from '../../src/format/index';
import { launchChromium } from '../../scripts/panelHarness';
import { buildVsix, CodeServer, ensureCodeServer, installExtension, QUIET_SETTINGS, ROOT } from './codeServer';
import {
  activeTabTitle,
  chartPoints,
  editorText,
  goToLine,
  hoverText,
  measurementSteps,
  ntkStatusItem,
  openFile,
  problemCounts,
  runCommand,
  runFolders,
  runPanel,
  runStatus,
  tabTitles,
  toast,
  token,
  treeRow,
  treeRows,
  until,
  waitWorkbench,
  type PanelState,
} from './workbench';

const SKIP = process.env.NTKEXP_E2E === '0' ? 'NTKEXP_E2E=0' : false;
const SHOTS = path.join(ROOT, 'test-output', 'e2e');
/** The suite's steps together (setup excluded: a first install of code-server takes minutes). */
const SUITE_TIMEOUT = 8 * 60_000;
const STEP_TIMEOUT = 2 * 60_000;
const VIEWPORT = { width: 1440, height: 900 };
/** The moments chart every run panel has: Tr(H) over time. */
const MOMENTS_CHART = 'moments-H-1';

// The workspace: the examples, a small fast experiment, a long one to cancel, a misspelled key, a file
// to complete in, and an old run (the recorded fixture run, as `ntkexp run` wrote it) to open.
const SMALL = `# A small, fast experiment for the end-to-end tests.
experiment small {
  title  = "Small: inline points, depth 2, width 16"
  seed   = 1
  trials = 1
  data points { inputs = [[1, 0], [0, 1], [1, 1], [-1, 0.5]]; targets = [1, -1, 0.5, 0.2] }
  network {
    depth = 2
    width = 16
  }
  train { steps = 40 }
  measure { points = 5; probes = 4; top = 2; exact = false }
}
`;
const LONG = SMALL.replace('experiment small', 'experiment long')
  .replace('Small: inline points, depth 2, width 16', 'Long: a run to cancel')
  .replace('steps = 40', 'steps = 1000000')
  .replace('points = 5', 'points = 12');
const MISSPELLED = `experiment typo {
  data points { inputs = [[1, 0], [0, 1]]; targets = [1, -1] }
  network {
    depth = 2
    widht = 16
  }
  train { steps = 20 }
}
`;
const COMPLETE = `experiment complete {
  data points { inputs = [[1, 0], [0, 1]]; targets = [1, -1] }
  network {
    depth = 2
    
  }
  train { steps = 20 }
}
`;
const OLD_RUN_ID = 'circle-2025-01-01T00-00-00';

interface Shared {
  tmp: string;
  workspace: string;
  extensionsDir: string;
  vsix?: string;
  browser?: Browser;
  context?: BrowserContext;
  page?: Page;
  server?: CodeServer;
  /** Console errors of the workbench and its webviews, for a failure's report. */
  consoleErrors: string[];
  smallRun?: string;
  codeLensRun?: string;
  longRun?: string;
  longPanelBeforeReload?: PanelState;
  failed?: string;
}
const s: Shared = { tmp: '', workspace: '', extensionsDir: '', consoleErrors: [] };

function page(): Page {
  if (!s.page) throw new Error('no workbench page');
  return s.page;
}

/** A screenshot of the window; the mouse moves out of the way unless a hover is the point of it. */
async function shot(name: string, options: { keepMouse?: boolean } = {}): Promise<void> {
  if (!s.page) return;
  if (!options.keepMouse) await s.page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2).catch(() => undefined);
  await s.page.waitForTimeout(400).catch(() => undefined); // fade-ins and fade-outs of hovers and toasts
  await s.page.screenshot({ path: path.join(SHOTS, `${name}.png`) }).catch((e) => console.log(`e2e: screenshot ${name} failed: ${e}`));
}

/**
 * A step of the suite: skipped when an earlier step failed (the later ones build on it) unless
 * `independent`; on failure a screenshot, the logs and the console errors are printed.
 */
function step(name: string, fn: (t: TestContext) => Promise<void>, options: { independent?: boolean; timeout?: number } = {}): void {
  test(name, { timeout: options.timeout ?? STEP_TIMEOUT }, async (t) => {
    if (s.failed && !options.independent) {
      t.skip(`an earlier step failed: ${s.failed}`);
      return;
    }
    const started = Date.now();
    try {
      await fn(t);
      console.log(`e2e: ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      s.failed = name;
      await shot(`${name.split(' ')[0]}-FAILED`);
      console.log(`e2e: step "${name}" failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${e instanceof Error ? e.message : String(e)}`);
      if (s.server) console.log(s.server.diagnostics(40));
      if (s.consoleErrors.length) console.log(`--- browser console errors (last 15) ---\n${s.consoleErrors.slice(-15).join('\n')}`);
      throw e;
    }
  });
}

async function openWorkbench(server: CodeServer): Promise<Page> {
  if (!s.browser) throw new Error('no browser');
  await s.context?.close().catch(() => undefined);
  s.context = await s.browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const p = await s.context.newPage();
  p.on('console', (m) => {
    if (m.type() === 'error') s.consoleErrors.push(m.text().slice(0, 400));
  });
  p.on('pageerror', (e) => s.consoleErrors.push(`page error: ${e.message.slice(0, 400)}`));
  await p.goto(server.url, { timeout: 60_000 });
  await waitWorkbench(p);
  s.page = p;
  return p;
}

function writeWorkspace(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const examples = path.join(ROOT, 'examples');
  for (const f of fs.readdirSync(examples)) {
    const from = path.join(examples, f);
    if (f.endsWith('.ntkexp')) fs.copyFileSync(from, path.join(dir, f));
    else if (fs.statSync(from).isDirectory()) fs.cpSync(from, path.join(dir, f), { recursive: true });
  }
  fs.writeFileSync(path.join(dir, 'small.ntkexp'), SMALL);
  fs.writeFileSync(path.join(dir, 'long.ntkexp'), LONG);
  fs.writeFileSync(path.join(dir, 'misspelled.ntkexp'), MISSPELLED);
  fs.writeFileSync(path.join(dir, 'complete.ntkexp'), COMPLETE);
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'circle.ntkexp'), path.join(dir, 'circle.ntkexp'));
  fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'run-circle'), path.join(dir, 'ntkexp-runs', OLD_RUN_ID), { recursive: true });
}

/** The run folder that appears after `before` (the one a run just made), waited for. */
async function newRunFolder(before: readonly string[], prefix: string, timeoutMs = 60_000): Promise<string> {
  return until(`a new run folder ${prefix}-… in ${s.workspace}/ntkexp-runs`, async () => runFolders(s.workspace).find((d) => !before.includes(d) && path.basename(d).startsWith(`${prefix}-`)), timeoutMs);
}

async function waitStatus(dir: string, status: string, timeoutMs: number): Promise<void> {
  await until(`${path.basename(dir)}/run.json to say "${status}"`, async () => runStatus(dir) === status, timeoutMs);
}

/** Wait for the panel of `dir` to show at least `points` measurement times in its moments chart. */
async function waitPanel(dir: string, points: number, text?: RegExp, timeoutMs = 60_000): Promise<PanelState> {
  return until(
    `the panel of ${path.basename(dir)} to show ${points} measurement(s)${text ? ` and ${text}` : ''}`,
    async () => {
      const panel = await runPanel(page(), dir);
      return panel && panel.ready && chartPoints(panel, MOMENTS_CHART) >= points && (!text || text.test(panel.text)) ? panel : undefined;
    },
    timeoutMs,
  );
}

async function showRunsView(): Promise<void> {
  await runCommand(page(), 'NTK: Focus on Runs View');
  await page().locator('.part.sidebar .monaco-list[aria-label="Runs"]').waitFor({ state: 'visible', timeout: 15_000 });
}

async function runsRow(label: string, description: RegExp, timeoutMs = 30_000): Promise<{ label: string; description: string }> {
  return until(
    `a Runs view item "${label}" described ${description}`,
    async () => (await treeRows(page(), 'Runs')).find((r) => r.label === label && description.test(r.description)),
    timeoutMs,
  );
}

// Setup that may take long on a fresh machine (installing code-server: minutes), outside the suite's
// own time bound: code-server, the VSIX, its installation into a fresh extensions folder, the browser.
before(
  async () => {
    if (SKIP) return;
    const started = Date.now();
    fs.rmSync(SHOTS, { recursive: true, force: true });
    fs.mkdirSync(SHOTS, { recursive: true });
    s.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-e2e-'));
    s.workspace = path.join(s.tmp, 'workspace');
    s.extensionsDir = path.join(s.tmp, 'extensions');
    writeWorkspace(s.workspace);
    await ensureCodeServer(20 * 60_000);
    const vsix = path.join(s.tmp, 'ntkexp.vsix');
    await buildVsix(vsix, 5 * 60_000);
    s.vsix = vsix;
    await installExtension(vsix, s.extensionsDir, path.join(s.tmp, 'install', 'user-data'), 2 * 60_000);
    s.browser = await launchChromium();
    console.log(`e2e: setup (code-server present, VSIX built and installed, browser) ${((Date.now() - started) / 1000).toFixed(1)} s`);
  },
  { timeout: 30 * 60_000 },
);

// Always: stop code-server (its whole process group), close the browser; keep the folder of a failure.
after(async () => {
  await s.server?.stop().catch(() => undefined);
  await s.context?.close().catch(() => undefined);
  await s.browser?.close().catch(() => undefined);
  if (!s.failed && s.tmp) fs.rmSync(s.tmp, { recursive: true, force: true });
  else if (s.tmp) console.log(`e2e: kept ${s.tmp} for inspection`);
});

describe('editor end to end: code-server with the VSIX', { skip: SKIP, timeout: SUITE_TIMEOUT }, () => {
  before(
    async () => {
      const started = Date.now();
      s.server = await CodeServer.start({
        home: path.join(s.tmp, 'trusted'),
        extensionsDir: s.extensionsDir,
        folder: s.workspace,
        // A trusted workspace: trust switched off, so every folder is trusted.
        settings: { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': false },
      });
      await openWorkbench(s.server);
      console.log(`e2e: code-server on port ${s.server.port} and its workbench in ${((Date.now() - started) / 1000).toFixed(1)} s; workspace ${s.workspace}`);
    },
    { timeout: 2 * 60_000 },
  );

  step('00 the VSIX: under 15 MB, bundles and assets only (the threaded wasm build too), tfjs-node optional', async () => {
    const file = s.vsix as string;
    const mb = fs.statSync(file).size / 2 ** 20;
    assert.ok(mb < 15, `the VSIX is ${mb.toFixed(1)} MB`);
    const entries = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
    for (const needed of ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/docs/FORMAT.md', 'extension/docs/THEORY.md', 'extension/media/icon.png', 'extension/media/screenshots/panel.png', 'extension/media/screenshots/language.png', 'extension/dist/extension.js', 'extension/dist/engine.js', 'extension/dist/cli.js', 'extension/dist/webview.js', 'extension/dist/tfjs-backend-wasm-simd.wasm', ...['tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js', 'wasmThreadWorker.js'].map((f) => `extension/dist/${f}`), 'extension/dist/mnist-digits.bin']) {
      assert.ok(entries.includes(needed), `the VSIX holds ${needed}`);
    }
    const unwanted = entries.filter((e) => /\.map$|\.ts$|^extension\/(src|test|node_modules|bench|scripts|webview)\//.test(e));
    assert.deepEqual(unwanted, [], 'no sources, tests, source maps or node_modules');
    const manifest = JSON.parse(execFileSync('unzip', ['-p', file, 'extension/package.json'], { encoding: 'utf8' })) as { engines: { vscode: string }; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    const [major, minor] = manifest.engines.vscode.replace(/^[\^~>=]+/, '').split('.').map(Number);
    assert.ok(major === 1 && minor <= 100, `engines.vscode ${manifest.engines.vscode} is no higher than 1.100`);
    assert.ok(!manifest.dependencies?.['@tensorflow/tfjs-node'], '@tensorflow/tfjs-node is not a hard dependency');
    assert.ok(manifest.optionalDependencies?.['@tensorflow/tfjs-node'], '@tensorflow/tfjs-node stays optional');
    console.log(`e2e: VSIX ${mb.toFixed(2)} MB, ${entries.length} entries`);
  });

  step('01 diagnostic and quick fix for a misspelled key', async () => {
    const p = page();
    const expected = check(MISSPELLED).find((d) => d.code === 'unknown-key');
    assert.ok(expected, '`ntkexp check` reports the misspelled key');
    await openFile(p, 'misspelled.ntkexp');
    // The diagnostic: the squiggle under `widht`, the Problems count, the hover with `ntkexp check`'s message.
    await activeSquiggle(p);
    await until('the Problems count to be 1 error', async () => (await problemCounts(p)).errors === 1, 30_000);
    const hover = await hoverText(p, token(p, 'widht'), /unknown key `widht`/);
    assert.ok(hover.includes(expected.message), `the hover shows the message of ntkexp check:\n${hover}\nexpected:\n${expected.message}`);
    assert.match(hover, /ntkexp\(unknown-key\)/);
    await shot('01a-diagnostic-hover', { keepMouse: true });
    // The quick fix: Ctrl+. on the word offers `width` and applies it.
    await p.keyboard.press('Escape');
    await token(p, 'widht').click();
    await p.keyboard.press('Control+Period');
    const fix = p.locator('.action-widget .monaco-list-row').filter({ hasText: 'Change `widht` to `width`' }).first();
    await fix.waitFor({ state: 'visible', timeout: 20_000 });
    await shot('01b-quick-fix-offered');
    // Apply with the keyboard (the hover over the menu takes the pointer): the fix is the focused item.
    await p.locator('.action-widget .monaco-list-row.focused[aria-label="Change `widht` to `width`"]').waitFor({ state: 'visible', timeout: 10_000 });
    await p.keyboard.press('Enter');
    await until('the editor to read `width = 16`', async () => /^\s*width = 16$/m.test(await editorText(p)), 10_000);
    await p.keyboard.press('Control+S');
    const file = path.join(s.workspace, 'misspelled.ntkexp');
    await until('the fixed file on disk', async () => fs.readFileSync(file, 'utf8') === MISSPELLED.replace('widht', 'width'), 10_000);
    await until('the diagnostic to go', async () => (await problemCounts(p)).errors === 0 && (await p.locator('.editor-group-container.active .squiggly-error').count()) === 0, 15_000);
    await shot('01c-quick-fix-applied');
  });

  step('02 completion inside network', async () => {
    const p = page();
    await openFile(p, 'complete.ntkexp');
    await goToLine(p, 5, 5); // the empty line inside `network {`
    await p.keyboard.press('Control+Space');
    const widget = p.locator('.editor-widget.suggest-widget.visible');
    await widget.waitFor({ state: 'visible', timeout: 20_000 });
    const labels = await until(
      'the suggestions to list width and activation',
      async () => {
        const shown = (await widget.locator('.monaco-list-row .label-name').allInnerTexts()).map((l) => l.trim());
        return shown.includes('width') && shown.includes('activation') ? shown : undefined;
      },
      15_000,
    );
    assert.ok(!labels.includes('depth'), `depth is already set, so it is not offered again: ${labels.join(', ')}`);
    await shot('02-completion');
    await p.keyboard.press('Escape');
  });

  step('03 hover on a key', async () => {
    const p = page();
    const doc = docFor('depth', ['network']);
    assert.ok(doc, 'the schema documents network.depth');
    // The hover renders the schema's markdown: compare without markdown marks and line breaks.
    const plain = (t: string): string => t.replace(/[*`_]/g, '').replace(/\s+/g, ' ').trim();
    const text = await hoverText(p, token(p, 'depth'), /weight layers|depth/);
    assert.ok(plain(text).includes(plain(doc).slice(0, 60)), `the hover shows the key's documentation:\n${text}\nexpected to start with:\n${doc}`);
    await shot('03-hover', { keepMouse: true });
    await p.mouse.move(5, 5);
    await p.keyboard.press('Escape');
  });

  step('04 run from the command palette: panel, Runs view, finished', async () => {
    const p = page();
    await openFile(p, 'small.ntkexp');
    // The CodeLens "Run | Plan | Theory" above `experiment small` (steps 05 and 05b click it). Wait for it before the
    // palette takes the focus: VS Code drops a pending CodeLens request when the editor loses focus and
    // asks again only when it regains it.
    await codeLens(p).waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(await codeLensTitles(p), ['Run', 'Plan', 'Theory']);
    const before = runFolders(s.workspace);
    await runCommand(p, 'NTK: Run Experiment');
    const dir = await newRunFolder(before, 'small');
    s.smallRun = dir;
    // The panel opens as the run starts and fills as measurements arrive.
    await until('the panel tab "NTK: small"', async () => (await tabTitles(p)).includes('NTK: small'), 30_000);
    await waitStatus(dir, 'finished', 90_000);
    const total = measurementSteps(dir);
    assert.equal(total, 5, 'series.jsonl holds the 5 measurement times');
    const panel = await waitPanel(dir, total, /status finished/);
    assert.ok(Object.keys(panel.charts).length >= 10, `the panel has its charts: ${Object.keys(panel.charts).join(', ')}`);
    for (const id of ['moments-H-1', 'moments-I-1', 'moments-S-1', 'moments-H-2', 'loss']) {
      assert.ok(chartPoints(panel, id) > 0, `chart ${id} has points: ${JSON.stringify(panel.charts[id])}`);
    }
    await toast(p, 'NTK: small finished.').waitFor({ state: 'visible', timeout: 20_000 });
    for (const f of ['run.json', 'series.jsonl', 'summary.json', 'report.html']) assert.ok(fs.existsSync(path.join(dir, f)), `${f} is written`);
    await showRunsView();
    await runsRow('small', /^finished · /);
    await shot('04-run-from-palette');
  });

  step('05 run again from the CodeLens', async () => {
    const p = page();
    const before = runFolders(s.workspace);
    const panelsBefore = (await tabTitles(p)).filter((t) => t === 'NTK: small').length;
    await runCommand(p, 'View: Focus First Editor Group');
    assert.equal(await activeTabTitle(p), 'small.ntkexp');
    const lens = codeLens(p);
    await lens.waitFor({ state: 'visible', timeout: 20_000 });
    await lens.click();
    const dir = await newRunFolder(before, 'small');
    s.codeLensRun = dir;
    assert.notEqual(dir, s.smallRun);
    await waitStatus(dir, 'finished', 90_000);
    await waitPanel(dir, measurementSteps(dir), /status finished/);
    await until('a second "NTK: small" panel', async () => (await tabTitles(p)).filter((t) => t === 'NTK: small').length === panelsBefore + 1, 15_000);
    await until('two "small" runs in the Runs view', async () => (await treeRows(p, 'Runs')).filter((r) => r.label === 'small' && r.description.startsWith('finished')).length === 2, 30_000);
    await shot('05-run-from-codelens');
  });

  step('05b plan the run from the CodeLens: a cluster shape typed, the plan shown beside', async () => {
    const p = page();
    const before = runFolders(s.workspace);
    await runCommand(p, 'View: Focus First Editor Group');
    assert.equal(await activeTabTitle(p), 'small.ntkexp');
    const lens = codeLens(p, 'Plan');
    await lens.waitFor({ state: 'visible', timeout: 20_000 });
    await lens.click();
    // The input box for the cluster shape, then the short run's notification, then the plan.
    const input = p.locator('.quick-input-widget .quick-input-box input').first();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    await input.fill('4x8x16');
    await p.keyboard.press('Enter');
    const text = await until('the plan beside the file', async () => {
      const t = await editorText(p).catch(() => '');
      return t.includes('cluster: 4 nodes') ? t : undefined;
    }, 90_000);
    assert.match(text, /ntkexp run small\.ntkexp --plan --experiment small --nodes 4 --cores-per-node 8 --memory-per-node 16/);
    assert.match(text, /calibration \(small, measured on this machine/);
    assert.match(text, /this machine: \d+ engines? × \d+ threads?, about/);
    assert.match(text, /Slurm: --array=0-\d+ --cpus-per-task=\d+ --mem=\d+G --time=/);
    assert.deepEqual(runFolders(s.workspace), before, 'planning writes no run folder');
    await shot('05b-plan');
    await runCommand(p, 'View: Revert and Close Editor');
  });

  step('06 a long run fills its panel live and is cancelled', async () => {
    const p = page();
    await runCommand(p, 'View: Focus First Editor Group');
    await openFile(p, 'long.ntkexp');
    const before = runFolders(s.workspace);
    await runCommand(p, 'NTK: Run Experiment');
    const dir = await newRunFolder(before, 'long');
    s.longRun = dir;
    // While it runs: the panel gains measurements, the status bar and the notification show progress.
    const first = await until(
      'the live panel of "long" to show 2 measurements while running',
      async () => {
        const panel = await runPanel(p, dir);
        return panel && chartPoints(panel, MOMENTS_CHART) >= 2 && runStatus(dir) === 'running' ? panel : undefined;
      },
      90_000,
    );
    const later = await waitPanel(dir, chartPoints(first, MOMENTS_CHART) + 1, /status running/);
    assert.equal(runStatus(dir), 'running', 'still running while the panel filled');
    assert.ok(chartPoints(later, MOMENTS_CHART) > chartPoints(first, MOMENTS_CHART));
    const status = await until('the status-bar item "NTK: long …"', async () => ((await ntkStatusItem(p)) ?? '').includes('NTK: long') && (await ntkStatusItem(p)), 20_000);
    assert.match(status as string, /step \d+\/1000000/);
    const progress = toast(p, /NTK: long: trial 1: step \d+\/1000000/);
    await progress.waitFor({ state: 'visible', timeout: 20_000 });
    await showRunsView();
    await runsRow('long', /^running · /);
    await shot('06a-long-run-live');
    // Cancel from the notification (Stop Run from the palette if the toast went away).
    const cancel = progress.getByRole('button', { name: 'Cancel' });
    if (await cancel.isVisible()) await cancel.click();
    else await runCommand(p, 'NTK: Stop Run');
    await waitStatus(dir, 'cancelled', 30_000);
    await toast(p, /NTK: long was cancelled; what it measured is kept in/).waitFor({ state: 'visible', timeout: 20_000 });
    await runsRow('long', /^cancelled · /);
    const measured = measurementSteps(dir);
    assert.ok(measured >= 2 && measured < 12, `the cancelled run keeps what it measured (${measured} of 12)`);
    const panel = await until('the panel to say cancelled', async () => {
      const state = await runPanel(p, dir);
      return state && /status cancelled/.test(state.text) && chartPoints(state, MOMENTS_CHART) === measured ? state : undefined;
    }, 20_000);
    s.longPanelBeforeReload = panel;
    await until('the status-bar item to go', async () => (await ntkStatusItem(p)) === undefined, 15_000);
    await until('the engine processes to end', async () => (s.server?.groupProcesses(/engine\.js/) ?? []).length === 0, 15_000).catch(() => {
      assert.fail(`engine processes left after the cancel: ${s.server?.groupProcesses(/engine\.js/).join('; ')}`);
    });
    await shot('06b-cancelled');
  });

  step('07 window reload revives the panel', async () => {
    const p = page();
    const dir = s.longRun as string;
    const before = s.longPanelBeforeReload as PanelState;
    await Promise.all([p.waitForEvent('load', { timeout: 60_000 }), runCommand(p, 'Developer: Reload Window')]);
    await waitWorkbench(p);
    const revived = await until(
      'the revived panel of "long" with its charts',
      async () => {
        const state = await runPanel(p, dir);
        return state && state.ready && chartPoints(state, MOMENTS_CHART) === chartPoints(before, MOMENTS_CHART) ? state : undefined;
      },
      90_000,
    );
    assert.deepEqual(Object.keys(revived.charts).sort(), Object.keys(before.charts).sort(), 'the same charts as before the reload');
    for (const [id, datasets] of Object.entries(before.charts)) {
      assert.deepEqual(revived.charts[id], datasets, `chart ${id} has the same datasets and points as before the reload`);
    }
    assert.match(revived.text, /status cancelled/);
    assert.ok((await tabTitles(p)).includes('NTK: long'));
    await shot('07-reloaded');
  });

  step('08 open an old run from the Runs view', async () => {
    const p = page();
    const dir = path.join(s.workspace, 'ntkexp-runs', OLD_RUN_ID);
    await runCommand(p, 'Notifications: Clear All Notifications');
    await runCommand(p, 'View: Focus First Editor Group');
    await openFile(p, 'circle.ntkexp');
    await showRunsView();
    await runsRow('circle', /^finished · /);
    await treeRow(p, 'Runs', 'circle').click();
    await until('the panel tab "NTK: circle"', async () => (await tabTitles(p)).includes('NTK: circle'), 30_000);
    const total = measurementSteps(dir);
    assert.equal(total, 12);
    const panel = await waitPanel(dir, total, /status finished/);
    assert.match(panel.text, /Circle, width 64/);
    for (const id of ['moments-H-1', 'moments-I-1', 'moments-S-1', 'moments-H-4', 'eigenvalues', 'orthogonality', 'loss']) {
      assert.equal(chartPoints(panel, id), total, `chart ${id} has a point per measurement time`);
    }
    await shot('08-old-run');
    // The same panel with the whole window (a picture of the moments grid; not an assertion).
    const width = panel.widths[MOMENTS_CHART] ?? 0;
    await runCommand(p, 'View: Toggle Maximize Editor Group');
    await until('the charts to widen', async () => ((await runPanel(p, dir))?.widths[MOMENTS_CHART] ?? 0) !== width, 10_000).catch((e) => console.log(`e2e: ${e.message}`));
    await p.waitForTimeout(800); // the charts' resize animation
    await shot('08b-old-run-wide');
    await runCommand(p, 'View: Toggle Maximize Editor Group');
  });

  step('08c the extension logged no error', async () => {
    const lines = s.server?.extensionLog() ?? [];
    assert.ok(lines.some((l) => l.includes('NTK Hessian Explorer activated (workspace trusted)')), `the log says the extension activated trusted:\n${lines.join('\n')}`);
    const errors = lines.filter((l) => /\[error\]/.test(l));
    assert.deepEqual(errors, [], 'no [error] line in the "NTK Hessian Explorer" output');
  });

  step(
    '09 Restricted Mode refuses to run, with the reason',
    async () => {
      // A second instance, trust on and the folder not trusted (startupPrompt "never" opens it restricted).
      await s.server?.stop();
      s.server = await CodeServer.start({
        home: path.join(s.tmp, 'restricted'),
        extensionsDir: s.extensionsDir,
        folder: s.workspace,
        settings: { ...QUIET_SETTINGS, 'security.workspace.trust.enabled': true, 'security.workspace.trust.banner': 'always' },
      });
      const p = await openWorkbench(s.server);
      await p.locator('#status\\.workspaceTrust, .statusbar-item').filter({ hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      await openFile(p, 'small.ntkexp');
      const before = runFolders(s.workspace);
      const lens = codeLens(p);
      await lens.waitFor({ state: 'visible', timeout: 60_000 });
      await runCommand(p, 'NTK: Run Experiment');
      const warning = toast(p, /^.*Running experiments is disabled in Restricted Mode/);
      await warning.waitFor({ state: 'visible', timeout: 30_000 });
      const text = await warning.innerText();
      assert.match(text, /Running experiments is disabled in Restricted Mode: it starts background processes/);
      assert.match(text, /Manage Workspace Trust/);
      await shot('09a-restricted-refused');
      // The CodeLens is refused the same way; nothing starts either time.
      await runCommand(p, 'Notifications: Clear All Notifications');
      await lens.click();
      await warning.waitFor({ state: 'visible', timeout: 30_000 });
      // Planning runs the experiment too (a short run in engines): refused the same way.
      await runCommand(p, 'Notifications: Clear All Notifications');
      await codeLens(p, 'Plan').click();
      await warning.waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await p.locator('.quick-input-widget .quick-input-box input').first().isVisible(), false, 'no cluster shape is asked for');
      await p.waitForTimeout(2_000);
      assert.deepEqual(runFolders(s.workspace), before, 'no run folder was made');
      assert.ok(!(await tabTitles(p)).some((t) => t.startsWith('NTK: small')), 'no run panel opened');
      assert.equal(await ntkStatusItem(p), undefined);
      const log = s.server.extensionLog();
      assert.ok(log.some((l) => l.includes('in Restricted Mode: running is disabled')), `the log says Restricted Mode:\n${log.join('\n')}`);
      // Opening results is reading files: the Runs view lists the runs and opens one.
      await showRunsView();
      await runsRow('circle', /^finished · /);
      await treeRow(p, 'Runs', 'circle').click();
      await waitPanel(path.join(s.workspace, 'ntkexp-runs', OLD_RUN_ID), 12);
      await shot('09b-restricted-open-results');
    },
    { independent: true },
  );
});

/** The error squiggle in the active editor (the diagnostic as the editor draws it). */
async function activeSquiggle(p: Page): Promise<void> {
  await p.locator('.editor-group-container.active .monaco-editor .squiggly-error').first().waitFor({ state: 'visible', timeout: 60_000 });
}

/** The CodeLens "Run" of the active editor. */
function codeLens(p: Page, title = 'Run'): Locator {
  return p.locator('.editor-group-container.active .monaco-editor .codelens-decoration a', { hasText: new RegExp(`^${title}$`) }).first();
}

async function codeLensTitles(p: Page): Promise<string[]> {
  return (await p.locator('.editor-group-container.active .monaco-editor .codelens-decoration a').allInnerTexts()).map((t) => t.trim());
}
