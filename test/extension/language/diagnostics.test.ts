import '../mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { checkOptionsForFile } from '../../../src/run/confine';
import { diagnoseFile } from '../../../src/run/diagnose';
import { registerLanguageFeatures } from '../../../src/extension/language/index';
import { FIXTURE, open, setup, vscodeMock } from './helpers';

// Diagnostics as you type: exactly what `ntkexp check` prints, after the debounce, gone on close.

const BROKEN = FIXTURE.replace('depth      = 2\n    activation = swish', 'widht      = 2\n    activation = swish')
  .replace('activation = smooth_relu', 'activation = smooth_reul')
  .replace('steps = 10', 'steps = -1');

/** A diagnostic reduced to what `ntkexp check` prints: place, severity, code, message. */
function shown(d: vscode.Diagnostic): [number, number, number, number, string, string, string] {
  return [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity === vscode.DiagnosticSeverity.Error ? 'error' : 'warning', String(d.code), d.message];
}

/** What `ntkexp check FILE` reports for the text (src/cli/verbs/check.ts calls the same function). */
function expected(text: string, path: string): ReturnType<typeof shown>[] {
  return diagnoseFile(text, checkOptionsForFile(path)).map((d) => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.severity, d.code, d.message]);
}

test('opening a document publishes the diagnostics of `check` at once: same ranges, codes, severities and messages', () => {
  setup();
  const doc = open(BROKEN);
  const published = vscodeMock.diagnostics(doc.uri);
  assert.ok(published.length >= 3, `${published.length} diagnostics`);
  assert.deepEqual(published.map(shown), expected(BROKEN, doc.uri.fsPath));
  for (const d of published) assert.equal(d.source, 'ntkexp');
  assert.ok(published.some((d) => d.code === 'unknown-key' && d.message.includes('widht')));
  assert.ok(published.some((d) => d.code === 'undefined-name' && d.message.includes('smooth_reul')));
  assert.ok(published.some((d) => d.code === 'range'));
});

test('the limits `ntkexp run` refuses are warnings on the setting to lower, the same as `ntkexp check`; so is a file with no experiment', () => {
  setup();
  const limited = FIXTURE.replace('  title = "First"', '  title = "First"\n  trials = 1000000').replace('    steps = 10', '    steps = 1000000000\n  }\n  measure {\n    every = 1');
  const doc = open(limited, '/ws/limits.ntkexp');
  const published = vscodeMock.diagnostics(doc.uri);
  assert.deepEqual(published.map(shown), expected(limited, doc.uri.fsPath));
  const limits = published.filter((d) => d.code === 'limit');
  const lineOf = (fragment: string): number => limited.split('\n').findIndex((l) => l.includes(fragment));
  assert.deepEqual(
    limits.map((d) => [d.range.start.line, d.severity === vscode.DiagnosticSeverity.Warning]),
    [
      [lineOf('trials = 1000000'), true],
      [lineOf('every = 1'), true],
    ],
    'warnings on trials and every, where they are written',
  );
  assert.match(limits[0].message, /trials: 1000000 trials in one run, more than 10000/);
  assert.match(limits[1].message, /measurements: 1000000001 per trial/);
  for (const text of ['', '  \n\t\n', '# only a comment\n']) {
    const empty = open(text, `/ws/empty-${text.length}.ntkexp`);
    assert.deepEqual(vscodeMock.diagnostics(empty.uri).map(shown), expected(text, empty.uri.fsPath));
    assert.deepEqual(vscodeMock.diagnostics(empty.uri).map((d) => d.code), ['no-experiment']);
  }
});

test('a clean file has no diagnostics; an unused definition is a faded warning', () => {
  setup();
  const clean = open(FIXTURE);
  assert.deepEqual(vscodeMock.diagnostics(clean.uri), []);
  const unused = open(`activation spare(x) = x\n${FIXTURE}`, '/ws/unused.ntkexp');
  const [d] = vscodeMock.diagnostics(unused.uri);
  assert.equal(d.code, 'unused-definition');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
  assert.deepEqual(d.tags, [vscode.DiagnosticTag.Unnecessary]);
});

test('typing is checked only after `ntkexp.diagnosticsDelay` ms of quiet, once for a burst of edits', async () => {
  setup(100);
  const doc = open(FIXTURE);
  let changes = 0;
  vscode.languages.onDidChangeDiagnostics((e) => {
    if (e.uris.some((u) => u.toString() === doc.uri.toString())) changes++;
  });
  vscodeMock.setText(doc, BROKEN.replace('steps = -1', 'steps = -2'));
  await vscodeMock.sleep(30);
  vscodeMock.setText(doc, BROKEN.replace('steps = -1', 'steps = -3'));
  await vscodeMock.sleep(30);
  vscodeMock.setText(doc, BROKEN);
  await vscodeMock.sleep(50);
  assert.deepEqual(vscodeMock.diagnostics(doc.uri), [], 'nothing before the delay has passed since the last edit');
  assert.equal(changes, 0);
  await vscodeMock.waitFor(() => vscodeMock.diagnostics(doc.uri).length > 0, { what: 'the debounced check' });
  assert.deepEqual(vscodeMock.diagnostics(doc.uri).map(shown), expected(BROKEN, doc.uri.fsPath));
  await vscodeMock.sleep(150);
  assert.equal(changes, 1, 'one publication for the burst');
  // Fixing the file clears them the same way.
  vscodeMock.setText(doc, FIXTURE);
  await vscodeMock.waitFor(() => vscodeMock.diagnostics(doc.uri).length === 0, { what: 'the fix to be checked' });
});

test('the delay is read when a check is scheduled: a settings change applies to the next keystroke', async () => {
  setup(5000);
  const doc = open(FIXTURE);
  vscodeMock.configure('ntkexp.diagnosticsDelay', 0);
  vscodeMock.setText(doc, BROKEN);
  await vscodeMock.waitFor(() => vscodeMock.diagnostics(doc.uri).length > 0, { timeout: 500, what: 'a check with delay 0' });
});

test('closing a document removes its diagnostics and cancels a pending check', async () => {
  setup(30);
  const a = open(BROKEN, '/ws/a.ntkexp');
  assert.ok(vscodeMock.diagnostics(a.uri).length > 0);
  vscodeMock.closeDocument(a);
  assert.deepEqual(vscodeMock.diagnostics(a.uri), []);

  const b = open(FIXTURE, '/ws/b.ntkexp');
  vscodeMock.setText(b, BROKEN);
  vscodeMock.closeDocument(b);
  await vscodeMock.sleep(80);
  assert.deepEqual(vscodeMock.diagnostics(b.uri), [], 'the pending check of a closed document never publishes');
});

test('only ntkexp documents are checked; a change of language mode clears them', async () => {
  setup();
  const text = vscodeMock.openDocument('/ws/notes.txt', 'widht = 3', 'plaintext');
  assert.deepEqual(vscodeMock.diagnostics(text.uri), []);
  const doc = open(BROKEN, '/ws/mode.ntkexp');
  assert.ok(vscodeMock.diagnostics(doc.uri).length > 0);
  await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
  assert.deepEqual(vscodeMock.diagnostics(doc.uri), []);
});

test('documents already open when the features register are checked', () => {
  vscodeMock.reset();
  const doc = vscodeMock.openDocument('/ws/early.ntkexp', BROKEN, 'ntkexp');
  setupKeepingDocuments();
  assert.deepEqual(vscodeMock.diagnostics(doc.uri).map(shown), expected(BROKEN, doc.uri.fsPath));
});

/** As `setup` without the reset: the extension activates with documents already open. */
function setupKeepingDocuments(): void {
  registerLanguageFeatures(vscodeMock.createExtensionContext());
}

test('csv paths are checked against the document’s own folder, symbolic links included, as `ntkexp check FILE` does', () => {
  setup();
  const root = mkdtempSync(join(tmpdir(), 'ntkexp-lang-'));
  mkdirSync(join(root, 'inside'));
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'data.csv'), 'x,y\n1,2\n');
  symlinkSync(join(root, 'outside', 'data.csv'), join(root, 'inside', 'link.csv'));
  const text = (path: string): string => `experiment e {\n  data csv "${path}" {\n    target = y\n  }\n}\n`;

  const climbing = open(text('../outside/data.csv'), join(root, 'inside', 'climb.ntkexp'));
  const linked = open(text('link.csv'), join(root, 'inside', 'link.ntkexp'));
  for (const doc of [climbing, linked]) {
    const published = vscodeMock.diagnostics(doc.uri);
    assert.deepEqual(published.map((d) => d.code), ['path-escape'], doc.uri.fsPath);
    assert.deepEqual(published.map(shown), expected(doc.getText(), doc.uri.fsPath));
  }
  // An untitled document has no folder: only the lexical check applies.
  const untitled = vscodeMock.openDocument('untitled:Untitled-1', text('link.csv'), 'ntkexp');
  assert.deepEqual(vscodeMock.diagnostics(untitled.uri), []);
});

test('one parse per document version, shared by the providers; the cache forgets closed documents', () => {
  const { features } = setup();
  const doc = open(FIXTURE);
  const first = features.documents.get(doc);
  assert.equal(features.documents.get(doc), first, 'the same version is not parsed again');
  assert.equal(first.version, doc.version);
  vscodeMock.setText(doc, BROKEN);
  const second = features.documents.get(doc);
  assert.notEqual(second, first);
  assert.equal(second.version, doc.version);
  assert.equal(features.documents.size, 1);
  vscodeMock.closeDocument(doc);
  assert.equal(features.documents.size, 0);
});

test('diagnostics work in Restricted Mode', () => {
  vscodeMock.reset();
  vscodeMock.setTrusted(false);
  setupKeepingDocuments();
  const doc = open(BROKEN);
  assert.equal(vscode.workspace.isTrusted, false);
  assert.ok(vscodeMock.diagnostics(doc.uri).length > 0);
});

test('disposing the features removes the collection, its listeners and pending timers', async () => {
  const { features } = setup(20);
  const doc = open(FIXTURE);
  vscodeMock.setText(doc, BROKEN);
  features.dispose();
  await vscodeMock.sleep(60);
  assert.deepEqual(vscodeMock.diagnostics(doc.uri), []);
  const later = open(BROKEN, '/ws/later.ntkexp');
  assert.deepEqual(vscodeMock.diagnostics(later.uri), []);
  assert.deepEqual(vscodeMock.listenerErrors, []);
});
