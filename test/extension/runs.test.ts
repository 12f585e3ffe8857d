import './mock/install';
import { afterEach, beforeEach, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { vscodeMock } from './mock/control';
import { activate } from '../../src/extension/extension';
import { MessageBatcher } from '../../src/extension/panels/batcher';
import { validateReply } from '../../src/contracts/panelMessages';
import { RESTRICTED_MESSAGE } from '../../src/extension/trust';
import { scanRuns } from '../../src/extension/runs/runsTree';
import type { RunInfo } from '../../src/contracts/runStore';
import { check } from '../../src/format/index';
import { checkOptionsForFile } from '../../src/run/confine';

// The extension's commands, runs and panels under the mocked VS Code, with real engine processes.

const FIXTURES = join(__dirname, '..', 'fixtures');
let context: vscode.ExtensionContext;

beforeEach(() => {
  vscodeMock.reset();
  context = vscodeMock.createExtensionContext();
  activate(context);
});

afterEach(() => {
  vscodeMock.disposeContext(context);
});

function experimentFile(steps = 12): vscode.Uri {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-ext-'));
  const file = join(dir, 'e.ntkexp');
  writeFileSync(
    file,
    `experiment e {
  trials = 1
  data points { inputs = [[1, 0], [0, 1], [1, 1]]; targets = [1, -1, 0.5] }
  network { depth = 2; width = 8 }
  train { steps = ${steps} }
  measure { points = 3; probes = 4; top = 2; exact = false }
}
`,
  );
  return vscode.Uri.file(file);
}

test('Restricted Mode: Run Experiment is refused with an explanation, and nothing runs', async () => {
  vscodeMock.setTrusted(false);
  const uri = experimentFile();
  vscodeMock.respond('warning', undefined);
  await vscode.commands.executeCommand('ntkexp.run', uri, 'e');
  assert.ok(vscodeMock.messages('warning').includes(RESTRICTED_MESSAGE));
  assert.equal(vscodeMock.panels.length, 0);
  assert.equal(vscodeMock.progress.length, 0);
});

test('Run Experiment refuses what `ntkexp run` refuses, saying why: a file with no experiment, a run beyond the limits; nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntkexp-ext-'));
  const cases: [string, RegExp][] = [
    ['# nothing here yet\n', /empty\.ntkexp has no experiment; nothing was run/],
    ['experiment e {\n  trials = 1000000\n  data circle { samples = 8 }\n}\n', /^Not run: trials: 1000000 trials in one run, more than 10000: lower trials/],
    ['experiment e {\n  data circle { samples = 8 }\n  train { steps = 1000000000 }\n  measure { every = 1 }\n}\n', /^Not run: measurements: 1000000001 per trial/],
  ];
  for (const [i, [text, expected]] of cases.entries()) {
    const file = join(dir, i === 0 ? 'empty.ntkexp' : `refused-${i}.ntkexp`);
    writeFileSync(file, text);
    vscodeMock.respond('error', undefined);
    await vscode.commands.executeCommand('ntkexp.run', vscode.Uri.file(file));
    assert.ok(vscodeMock.messages('error').some((m) => expected.test(m)), `${JSON.stringify(text)}: ${JSON.stringify(vscodeMock.messages('error'))}`);
  }
  // The time ceiling is the `ntkexp.maxHours` setting (ntkexp run --max-hours).
  vscodeMock.configure('ntkexp.maxHours', 1e-9);
  vscodeMock.respond('error', undefined);
  const small = experimentFile();
  await vscode.commands.executeCommand('ntkexp.run', small, 'e');
  assert.equal(existsSync(join(small.fsPath, '..', 'ntkexp-runs')), false);
  assert.ok(vscodeMock.messages('error').some((m) => /^Not run: time: the run would take about .* more than the limit of 3\.6 µs/.test(m)), JSON.stringify(vscodeMock.messages('error')));
  assert.equal(vscodeMock.panels.length, 0);
  assert.equal(existsSync(join(dir, 'ntkexp-runs')), false, 'no run folder');
});

test('Run Experiment: the run goes to a forked engine, its panel opens and fills, the runs view lists it', async () => {
  const uri = experimentFile();
  vscodeMock.respond('information', undefined);
  await vscode.commands.executeCommand('ntkexp.run', uri, 'e');
  assert.equal(vscodeMock.panels.length, 1, 'the panel opened when the run started');
  const panel = vscodeMock.panels[0];
  assert.match(panel.webview.html, /Content-Security-Policy/);
  assert.match(panel.webview.html, /script-src 'nonce-[A-Za-z0-9]+'/);
  assert.doesNotMatch(panel.webview.html, /<script>(?!<)/, 'no inline script without a nonce');
  panel.webview.receive({ type: 'ready' });
  const types = panel.webview.posted.map((m) => (m as { type: string }).type);
  assert.deepEqual(types.slice(-4), ['reset', 'runInfo', 'batch', 'summary'], 'a replay after ready');
  const batch = panel.webview.posted.filter((m) => (m as { type: string }).type === 'batch').pop() as { messages: { type: string }[] };
  assert.equal(batch.messages.filter((m) => m.type === 'measurement').length, 3);
  assert.ok(vscodeMock.messages('information').some((m) => /finished/.test(m)));
  const roots = [join(uri.fsPath, '..')];
  const runs = scanRuns(roots);
  assert.equal(runs.length, 1);
  assert.equal((runs[0].info as RunInfo).status, 'finished');
});

test('Run Experiment refuses a csv that Problems flags (a link out as the file or as its folder, a FIFO): nothing is read or run', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'ntkexp-ext-data-')));
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'secret.csv'), 'a,y\n666,666\n');
  const cases: [string, (ws: string) => void, string, RegExp][] = [
    ['d.csv', (ws) => symlinkSync(join(root, 'outside', 'secret.csv'), join(ws, 'd.csv')), 'path-escape', /the symbolic link `d\.csv` leads to .*outside\/secret\.csv/],
    ['out/secret.csv', (ws) => symlinkSync(join(root, 'outside'), join(ws, 'out')), 'path-escape', /the symbolic link `out` leads to .*outside/],
    ['d.csv', (ws) => assert.equal(spawnSync('mkfifo', [join(ws, 'd.csv')]).status, 0, 'mkfifo'), 'data-file', /is a FIFO \(named pipe\), not a regular file/],
  ];
  for (const [i, [csv, plant, code, why]] of cases.entries()) {
    const ws = join(root, `ws${i}`);
    mkdirSync(ws);
    plant(ws);
    const file = join(ws, 'e.ntkexp');
    const text = `experiment e {\n  data csv "${csv}" { target = y }\n  network { depth = 2; width = 8 }\n  train { steps = 3 }\n}\n`;
    writeFileSync(file, text);
    const uri = vscode.Uri.file(file);
    vscodeMock.respond('error', undefined);
    await vscode.commands.executeCommand('ntkexp.run', uri, 'e');
    assert.ok(vscodeMock.messages('error').includes('e.ntkexp has 1 error; nothing was run. The Problems panel lists it.'), `${csv}: ${vscodeMock.messages('error').join(' | ')}`);
    // What Problems shows is what refused the run: the options of `ntkexp check`.
    const problems = vscodeMock.diagnostics(uri);
    assert.deepEqual(problems.map((d) => d.code), [code], csv);
    assert.match(problems[0].message, why);
    assert.deepEqual(problems.map((d) => d.message), check(text, checkOptionsForFile(file)).map((d) => d.message));
    assert.equal(existsSync(join(ws, 'ntkexp-runs')), false, `${csv}: no run folder`);
  }
  assert.equal(vscodeMock.panels.length, 0);
  assert.equal(vscodeMock.progress.length, 0, 'no run started');
});

test('Cancel on the progress notification stops the run; the run is marked cancelled', async () => {
  const uri = experimentFile(1_000_000);
  vscodeMock.respond('information', undefined);
  const done = vscode.commands.executeCommand('ntkexp.run', uri, 'e');
  await vscodeMock.waitFor(() => vscodeMock.panels.length === 1 && vscodeMock.progress.length === 1, { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 1500));
  vscodeMock.progress[0].cancel();
  await done;
  const runs = scanRuns([join(uri.fsPath, '..')]);
  assert.equal((runs[0].info as RunInfo).status, 'cancelled');
  assert.ok(vscodeMock.messages('information').some((m) => /cancelled/.test(m)));
});

test('Open Results on a recorded run replays it; a malformed panel message is ignored and logged', async () => {
  await vscode.commands.executeCommand('ntkexp.openResults', join(FIXTURES, 'run-circle'));
  const panel = vscodeMock.panels[0];
  panel.webview.receive({ type: 'ready' });
  const posted = panel.webview.posted as { type: string; messages?: unknown[] }[];
  assert.deepEqual(posted.map((m) => m.type), ['reset', 'runInfo', 'batch', 'summary']);
  const records = readFileSync(join(FIXTURES, 'run-circle', 'series.jsonl'), 'utf8').trim().split('\n').length;
  assert.equal(posted[2].messages?.length, records);
  panel.webview.receive({ type: 'exported', request: 'x', charts: 'all' });
  panel.webview.receive({ type: 'evil', payload: '<script>' });
  assert.equal(panel.webview.posted.length, 4, 'nothing acted on the malformed messages');
  // The same folder opens the same panel.
  await vscode.commands.executeCommand('ntkexp.runs.open', join(FIXTURES, 'run-circle'));
  assert.equal(vscodeMock.panels.filter((p) => !p.isDisposed).length, 1);
});

test('a reloaded window revives the panel from the state the webview saved', async () => {
  const serializer = vscodeMock.serializers.get('ntkexp.run');
  assert.ok(serializer, 'a serializer is registered for the panel');
  // The state is the webview's (untrusted): a folder no panel of this workspace showed is not revived.
  const never = vscode.window.createWebviewPanel('ntkexp.run', 'NTK: restored', vscode.ViewColumn.One, {});
  await serializer.deserializeWebviewPanel(never, { ui: { k: 'all' }, panel: { dirs: [join(FIXTURES, 'run-circle')], title: 'x' } });
  assert.match(never.webview.html, /no longer on disk \(or is not one this workspace opened\)/);
  await vscode.commands.executeCommand('ntkexp.openResults', join(FIXTURES, 'run-circle'));
  const panel = vscode.window.createWebviewPanel('ntkexp.run', 'NTK: restored', vscode.ViewColumn.One, {});
  await serializer.deserializeWebviewPanel(panel, { ui: { k: 'all' }, panel: { dirs: [join(FIXTURES, 'run-circle')], title: 'x' } });
  assert.match(panel.webview.html, /ntkexp-panel/);
  (panel as unknown as { webview: { receive(m: unknown): void; posted: unknown[] } }).webview.receive({ type: 'ready' });
  assert.equal(((panel as unknown as { webview: { posted: { type: string }[] } }).webview.posted[1] as { type: string }).type, 'runInfo');
});

test('panel replies are validated: only well-formed ready, rejected and exported pass', () => {
  assert.deepEqual(validateReply({ type: 'ready' }), { type: 'ready' });
  assert.equal(validateReply({ type: 'ready2' }), undefined);
  assert.equal(validateReply(null), undefined);
  assert.equal(validateReply({ type: 'rejected' }), undefined);
  const png = 'data:image/png;base64,iVBORw0KGgo=';
  assert.ok(validateReply({ type: 'exported', request: 1, charts: [{ name: 'moments-H-1', png, csv: 'dataset,x,y\n' }] }));
  assert.equal(validateReply({ type: 'exported', request: 1, charts: [{ name: '../../etc/passwd', png, csv: '' }] }), undefined, 'a name that is a path');
  assert.equal(validateReply({ type: 'exported', request: 1, charts: [{ name: 'a', png: 'data:text/html,<script>', csv: '' }] }), undefined, 'not a PNG');
  assert.equal(validateReply({ type: 'exported', request: 1.5, charts: [] }), undefined);
});

test('live updates are batched: at most one post per 100 ms, everything delivered in order', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    let now = 0;
    const posts: { at: number; batch: number[] }[] = [];
    const batcher = new MessageBatcher<number>((batch) => posts.push({ at: now, batch }), 100, () => now);
    for (let i = 0; i < 1000; i++) {
      batcher.push(i);
      now += 3; // a message every 3 ms: 333 a second
      mock.timers.tick(3);
    }
    for (let i = 0; i < 70; i++) {
      now += 3;
      mock.timers.tick(3);
    }
    const delivered = posts.flatMap((p) => p.batch);
    assert.deepEqual(delivered, Array.from({ length: 1000 }, (_, i) => i));
    for (let i = 1; i < posts.length; i++) assert.ok(posts[i].at - posts[i - 1].at >= 99, `posts ${posts[i - 1].at} and ${posts[i].at}`);
    assert.ok(posts.length <= 31, `${posts.length} posts for 3 s of messages`);
  } finally {
    mock.timers.reset();
  }
});

test('commands are registered under the NTK category and the palette hides the view-only ones', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const declared = pkg.contributes.commands.map((c: { command: string; category: string }) => {
    assert.equal(c.category, 'NTK');
    return c.command;
  });
  const registered = vscodeMock.registeredCommands().filter((c) => c.startsWith('ntkexp.'));
  assert.deepEqual([...registered].sort(), [...declared].sort());
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
});
