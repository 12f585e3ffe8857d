import './mock/install';
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { vscodeMock, type RenderedNode } from './mock/control';
import { activate } from '../../src/extension/extension';
import type { RunNode } from '../../src/extension/runs/runsTree';
import { badSeriesLines, copyFixture, HOSTILE_IDS, readJson, scratchWorkspace, writeJson, wrongRunJsons } from '../fixtures/planted';
import { INJECTIONS, notificationLinks, render, tagsIn, textOf } from './renderMarkdown';

// Run-store files are untrusted input in the editor: the runs view, the panel and Delete Run read them
// through the checked reader. Planted sweep ids and links never list, open or delete an outside folder;
// an odd run.json skips that entry; bad records are skipped, counted and said once.

let context: vscode.ExtensionContext;
let ws: ReturnType<typeof scratchWorkspace>;

beforeEach(() => {
  vscodeMock.reset();
  context = vscodeMock.createExtensionContext();
  activate(context);
  ws = scratchWorkspace();
  vscodeMock.setWorkspaceFolders([ws.root]);
});

afterEach(() => {
  vscodeMock.disposeContext(context);
});

function logLines(): string[] {
  return (vscodeMock.outputChannels.find((c) => c.name === 'NTK Hessian Explorer')?.lines ?? []).map((l) => l.message);
}

function flatten(nodes: readonly RenderedNode[]): RenderedNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

async function listedDirs(): Promise<string[]> {
  return flatten(await vscodeMock.renderTree('ntkexp.runs')).map((n) => (n.element as RunNode).dir);
}

/** Every folder the tree lists, really inside the workspace (links resolved). */
function assertInside(dirs: readonly string[]): void {
  const root = fs.realpathSync(ws.root);
  for (const d of dirs) assert.ok(fs.realpathSync(d).startsWith(root + path.sep), `${d} is outside the workspace`);
}

/** A valid run outside the workspace, which planted ids and links try to reach. */
function victim(): string {
  return copyFixture('run-circle', path.join(ws.outside, 'victim'));
}

function panelPosts(): { type: string; info?: { id: string }; messages?: unknown[]; text?: string }[] {
  const panel = vscodeMock.panels.at(-1);
  assert.ok(panel, 'a panel opened');
  panel.webview.receive({ type: 'ready' });
  return panel.webview.posted as { type: string; info?: { id: string }; text?: string }[];
}

test('planted sweep ids (../, absolute, separators, .., empty, …): nothing outside is listed, opened or deleted', async () => {
  const outside = victim();
  const sweepDir = copyFixture('sweep-width', path.join(ws.runs, 'sweep'));
  const good = copyFixture('run-circle', path.join(ws.runs, 'good'));
  const info = readJson<{ runs: { id: unknown; experiment: string; varied: object }[] }>(path.join(sweepDir, 'sweep.json'));
  // The ids that would reach the victim, and the whole family of names that are not plain.
  const ids = [path.relative(sweepDir, outside), outside, ...HOSTILE_IDS];
  for (const id of ids) {
    writeJson(path.join(sweepDir, 'sweep.json'), { ...info, runs: [...info.runs, { id, experiment: 'x', varied: {} }] });
    const dirs = await listedDirs();
    assertInside(dirs);
    assert.ok(dirs.includes(good), 'the other run is still listed');
    assert.equal(dirs.filter((d) => d.startsWith(sweepDir + path.sep)).length, 3, 'the sweep\'s own runs are listed on their own');
    assert.ok(!dirs.includes(sweepDir), 'the sweep with a planted id is not listed');

    // Open Results on the sweep: refused with the reason; no panel reads the outside run.
    const panels = vscodeMock.panels.length;
    await vscode.commands.executeCommand('ntkexp.runs.open', sweepDir);
    assert.equal(vscodeMock.panels.length, panels, JSON.stringify(id));
    assert.match(vscodeMock.messages('error').at(-1) ?? '', /sweep\.json\.runs\[3\]\.id: expected a plain name/);
    // A panel revived on it (the webview's saved state is untrusted too) shows nothing.
    const revived = await vscodeMock.revivePanel('ntkexp.run', { panel: { dirs: [sweepDir, outside] } });
    assert.match(revived.webview.html, /no longer on disk/);
    revived.dispose();

    // Delete Run on the sweep: refused, and the victim is untouched.
    vscodeMock.respond('warning', 'Delete');
    await vscode.commands.executeCommand('ntkexp.runs.delete', sweepDir);
    assert.ok(fs.existsSync(path.join(sweepDir, 'sweep.json')) && fs.existsSync(path.join(outside, 'run.json')));
    assert.match(vscodeMock.messages('error').at(-1) ?? '', /^NTK: not deleted: .*sweep\.json is not a valid sweep\.json/);
  }
  const said = logLines().filter((l) => l.startsWith('runs view:'));
  assert.ok(said.length >= 1 && said.every((l) => /could not be read and (is|are) not listed \(first: .*sweep\.json is not a valid sweep\.json/.test(l)), said.join('\n'));
});

test('a sweep sub-folder that is a link to an outside run: not listed, not replayed, not deleted; the rest of the sweep is', async () => {
  const outside = victim();
  const sweepDir = copyFixture('sweep-width', path.join(ws.runs, 'sweep'));
  const info = readJson<{ runs: { id: string }[] }>(path.join(sweepDir, 'sweep.json'));
  const linked = path.join(sweepDir, info.runs[1].id);
  fs.rmSync(linked, { recursive: true });
  fs.symlinkSync(outside, linked);

  const dirs = await listedDirs();
  assertInside(dirs);
  assert.deepEqual(dirs.sort(), [sweepDir, path.join(sweepDir, info.runs[0].id), path.join(sweepDir, info.runs[2].id)].sort());
  assert.equal(logLines().filter((l) => l.startsWith('runs view:')).length, 1);
  await listedDirs();
  assert.equal(logLines().filter((l) => l.startsWith('runs view:')).length, 1, 'said once, not on every refresh');

  await vscode.commands.executeCommand('ntkexp.runs.open', sweepDir);
  const posts = panelPosts();
  const replayed = posts.filter((m) => m.type === 'runInfo').map((m) => m.info?.id);
  assert.deepEqual(replayed, [info.runs[0].id, info.runs[2].id]);
  assert.ok(!posts.some((m) => m.type === 'runInfo' && m.info?.id === readJson<{ id: string }>(path.join(outside, 'run.json')).id));
  const notice = posts.find((m) => m.type === 'notice');
  assert.match(notice?.text ?? '', new RegExp(`run ${info.runs[1].id} of .*sweep\\.json is not read: .* leads to .*victim, outside `));
  assert.ok(logLines().some((l) => l.startsWith('run panel: ') && l.includes(info.runs[1].id)));

  vscodeMock.respond('warning', 'Delete');
  await vscode.commands.executeCommand('ntkexp.runs.delete', linked);
  assert.match(vscodeMock.messages('error').at(-1) ?? '', /not deleted: .* is a symbolic link, not a run folder/);
  assert.ok(fs.existsSync(path.join(outside, 'series.jsonl')), 'the outside run is untouched');
});

test('run.json of every wrong shape in the runs view: that entry is left out, the others are listed, the log says so once', async () => {
  const good = copyFixture('run-circle', path.join(ws.runs, 'good'));
  const info = readJson(path.join(good, 'run.json'));
  const wrongs = wrongRunJsons(info, ws.outside);
  for (const wrong of wrongs) {
    const dir = path.join(ws.runs, `wrong-${wrong.name.replace(/\W+/g, '-')}`);
    copyFixture('run-circle', dir);
    fs.rmSync(path.join(dir, 'run.json'));
    wrong.plant(path.join(dir, 'run.json'));
  }
  assert.deepEqual(await listedDirs(), [good]);
  const said = logLines().filter((l) => l.startsWith('runs view:'));
  assert.equal(said.length, 1);
  assert.match(said[0], new RegExp(`^runs view: ${wrongs.length} run or sweep folders could not be read and are not listed \\(first: ${ws.runs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/wrong-`));
});

test('the panel on a run with a damaged run.json: the error is shown, nothing crashes; in a sweep the other runs are shown', async () => {
  const dir = copyFixture('run-circle', path.join(ws.runs, 'damaged'));
  fs.writeFileSync(path.join(dir, 'run.json'), '[1, 2');
  await vscode.commands.executeCommand('ntkexp.openResults', dir);
  assert.equal(vscodeMock.panels.length, 0);
  assert.match(vscodeMock.messages('error').at(-1) ?? '', /^NTK: cannot open .*damaged: .*run\.json is not JSON/);

  const sweepDir = copyFixture('sweep-width', path.join(ws.runs, 'sweep'));
  const ids = readJson<{ runs: { id: string }[] }>(path.join(sweepDir, 'sweep.json')).runs.map((r) => r.id);
  writeJson(path.join(sweepDir, ids[0], 'run.json'), { format: 'ntkexp-run/1', id: ids[0] });
  await vscode.commands.executeCommand('ntkexp.openResults', sweepDir);
  const posts = panelPosts();
  assert.deepEqual(posts.filter((m) => m.type === 'runInfo').map((m) => m.info?.id), ids.slice(1));
  assert.match(posts.find((m) => m.type === 'notice')?.text ?? '', /run\.json is not a valid run\.json: run\.json\.experiment: expected a string, got nothing; the run is not shown/);
});

test('a replay with bad records in series.jsonl: the rest is posted, the panel and the log say once how many and the first line', async () => {
  const dir = copyFixture('run-circle', path.join(ws.runs, 'circle'));
  const file = path.join(dir, 'series.jsonl');
  const good = fs.readFileSync(file, 'utf8').trim().split('\n');
  const bad = badSeriesLines(JSON.parse(good.find((l) => l.includes('"measurement"'))!));
  const lines = [...good];
  bad.forEach((b, i) => lines.splice(10 + i * 3, 0, b.line));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  await vscode.commands.executeCommand('ntkexp.openResults', dir);
  const panel = vscodeMock.panels[0];
  panel.webview.receive({ type: 'ready' });
  panel.webview.receive({ type: 'ready' }); // shown again: a second replay
  const posts = panel.webview.posted as { type: string; messages?: unknown[]; text?: string }[];
  const batches = posts.filter((m) => m.type === 'batch');
  assert.equal(batches.length, 2);
  for (const b of batches) assert.equal(b.messages?.length, good.length);
  const notices = posts.filter((m) => m.type === 'notice').map((m) => m.text);
  assert.deepEqual(notices, [notices[0], notices[0]], 'the notice comes with each replay');
  assert.equal(notices[0], `${file}: ${bad.length} records could not be read and are not shown (first: line 11: message: unknown type "bogus" (expected one of measurement, surface, theory, started, progress, log, finished, failed, cancelled, params))`);
  assert.equal(logLines().filter((l) => l.includes('records could not be read')).length, 1, 'the log says it once');
});

test('Delete Run: only a proven run or sweep folder inside the workspace, after a modal confirmation with its full path (also in Restricted Mode)', async () => {
  vscodeMock.setTrusted(false);
  const outsideRun = victim();
  const errors = (): string => vscodeMock.messages('error').at(-1) ?? '';

  // Outside the workspace: refused, even though it is a valid run folder.
  await vscode.commands.executeCommand('ntkexp.runs.delete', outsideRun);
  assert.match(errors(), /not deleted: .*victim is not inside a workspace folder/);
  // A folder that is not a run folder, or whose run.json is damaged: refused.
  const plain = path.join(ws.root, 'src');
  fs.mkdirSync(plain);
  await vscode.commands.executeCommand('ntkexp.runs.delete', plain);
  assert.match(errors(), /not deleted: .*src is not a run folder: it has neither run\.json nor sweep\.json/);
  const damaged = copyFixture('run-circle', path.join(ws.runs, 'damaged'));
  fs.writeFileSync(path.join(damaged, 'run.json'), '"run"');
  await vscode.commands.executeCommand('ntkexp.runs.delete', damaged);
  assert.match(errors(), /not deleted: .*run\.json is not a valid run\.json: run\.json: expected an object, got "run"/);
  // A link to a run folder (inside or out), and the workspace folder itself: refused.
  const link = path.join(ws.runs, 'link');
  fs.symlinkSync(outsideRun, link);
  await vscode.commands.executeCommand('ntkexp.runs.delete', link);
  assert.match(errors(), /is a symbolic link, not a run folder/);
  writeJson(path.join(ws.root, 'run.json'), readJson(path.join(outsideRun, 'run.json')));
  await vscode.commands.executeCommand('ntkexp.runs.delete', ws.root);
  assert.match(errors(), /is not inside a workspace folder/);
  assert.equal(vscodeMock.prompts.filter((p) => p.kind === 'warning').length, 0, 'nothing refused was even asked about');

  // A real run inside: asked, modally, with the full path; Cancel keeps it, Delete removes it (and not what a link in it points to).
  const run = copyFixture('run-circle', path.join(ws.runs, 'mine'));
  fs.symlinkSync(outsideRun, path.join(run, 'escape'));
  vscodeMock.respond('warning', undefined);
  await vscode.commands.executeCommand('ntkexp.runs.delete', run);
  const ask = vscodeMock.prompts.at(-1);
  assert.equal(ask?.kind, 'warning');
  assert.equal(ask?.message, `Delete the run folder ${fs.realpathSync(run)} and everything in it?`);
  assert.deepEqual(ask?.options, { modal: true });
  assert.ok(fs.existsSync(run));
  vscodeMock.respond('warning', 'Delete');
  await vscode.commands.executeCommand('ntkexp.runs.delete', run);
  assert.ok(!fs.existsSync(run));
  assert.ok(fs.existsSync(path.join(outsideRun, 'run.json')) && fs.existsSync(link) && fs.existsSync(damaged) && fs.existsSync(plain));
});

test('runs-view tooltips and notifications: Markdown and links planted in run.json and folder names stay text', async () => {
  const dir = copyFixture('run-circle', path.join(ws.runs, 'ticks `x` [y](command:workbench.action.quit)'));
  const info = readJson(path.join(dir, 'run.json'));
  const evil = INJECTIONS.slice(0, 6).join(' ');
  writeJson(path.join(dir, 'run.json'), { ...info, title: evil, experiment: '**bold** [e](command:x)', backend: '<img src=x onerror=alert(1)>', status: 'failed', error: `${evil} [z](command:workbench.action.quit)`, started: '_2025_' });
  const [node] = await vscodeMock.renderTree('ntkexp.runs');
  const tip = node.item.tooltip as vscode.MarkdownString;
  assert.equal(tip.isTrusted, false);
  assert.equal(tip.supportHtml, false);
  const html = render(tip.value);
  assert.deepEqual([...new Set(tagsIn(html))].sort(), ['code', 'p', 'strong'], html);
  const text = textOf(html);
  for (const s of [evil.replace(/\n/g, ' '), '**bold** [e](command:x)', '<img src=x onerror=alert(1)>', '_2025_', dir]) assert.ok(text.includes(s), `${s} in ${text}`);

  // The notification of Open Results on a folder named like a link: no link in it.
  const named = path.join(ws.runs, '[x](command:workbench.action.quit)');
  fs.mkdirSync(named);
  await vscode.commands.executeCommand('ntkexp.openResults', named);
  const message = vscodeMock.messages('error').at(-1) ?? '';
  assert.ok(message.includes('[x] (command:workbench.action.quit)'), message);
  assert.deepEqual(notificationLinks(message), []);
});
