import '../mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { format } from '../../../src/format/index';
import { registerLanguageFeatures } from '../../../src/extension/language/index';
import { FIXTURE, after, at, open, setup, vscodeMock } from './helpers';

// Outline, formatting, go to definition and references, quick fixes, code lenses, folding, and the
// registration itself.

test('the outline: definitions and experiments, with blocks and settings nested, values as details', async () => {
  setup();
  const doc = open(FIXTURE);
  const symbols = (await vscodeMock.documentSymbols(doc)) as vscode.DocumentSymbol[];
  assert.deepEqual(
    symbols.map((s) => [s.name, s.kind, s.detail]),
    [
      ['swish', vscode.SymbolKind.Function, 'activation(x)'],
      ['logcosh', vscode.SymbolKind.Function, 'loss(y, t)'],
      ['first', vscode.SymbolKind.Namespace, ''],
      ['second', vscode.SymbolKind.Namespace, ''],
    ],
  );
  const first = symbols[2];
  assert.deepEqual(
    first.children.map((c) => [c.name, c.kind, c.detail]),
    [
      ['title', vscode.SymbolKind.Property, '"First"'],
      ['data', vscode.SymbolKind.Struct, 'circle'],
      ['network', vscode.SymbolKind.Struct, ''],
      ['loss', vscode.SymbolKind.Property, 'logcosh'],
      ['train', vscode.SymbolKind.Struct, ''],
    ],
  );
  assert.deepEqual(
    first.children[1].children.map((c) => [c.name, c.detail]),
    [
      ['samples', '16'],
      ['target', 'sin(3 * gamma)'],
    ],
  );
  assert.equal(doc.getText(first.selectionRange), 'first');
  assert.equal(first.range.start.line, 4);
  assert.equal(first.range.end.line, 18);
});

test('the outline of a half-written file does not throw (unnamed experiment, unclosed block)', async () => {
  setup();
  const doc = open('experiment {\n  network {\n    width = 3\n');
  const symbols = (await vscodeMock.documentSymbols(doc)) as vscode.DocumentSymbol[];
  assert.ok(symbols.length >= 1);
});

test('Format Document: one edit to the formatter’s text; idempotent; refused (no edits) with syntax errors', async () => {
  setup();
  const messy = 'experiment   e{\n data circle{samples=8}\nnetwork {\n width=[4,  4]\n      depth = 3 # deep\n}\n}\n';
  const doc = open(messy);
  const edits = await vscodeMock.formatDocument(doc);
  assert.equal(edits.length, 1);
  vscodeMock.applyTextEdits(doc, edits);
  const expected = format(messy);
  assert.ok(expected.ok);
  assert.equal(doc.getText(), expected.text);
  assert.deepEqual(await vscodeMock.formatDocument(doc), [], 'a formatted document needs no edit');

  const broken = open('experiment e {\n  network { width = = 3 }\n}\n', '/ws/broken.ntkexp');
  assert.deepEqual(await vscodeMock.formatDocument(broken), []);
  // Validation errors (not syntax) do not stop the formatter.
  const invalid = open('experiment e {\n  network {   widht = 3 }\n}\n', '/ws/invalid.ntkexp');
  assert.equal((await vscodeMock.formatDocument(invalid)).length, 1);
});

test('go to definition of a custom activation and loss, from settings and sweep lists; none for built-ins', async () => {
  setup();
  const doc = open(FIXTURE);
  const swishName = new vscode.Range(at(doc, 'swish(x)'), at(doc, 'swish(x)', 5));
  for (const from of [at(doc, 'activation = swish', 15), at(doc, '[swish', 3), at(doc, 'swish(x)', 2)]) {
    const [location, ...rest] = (await vscodeMock.definition(doc, from)) as vscode.Location[];
    assert.equal(rest.length, 0);
    assert.equal(location.uri.toString(), doc.uri.toString());
    assert.ok(location.range.isEqual(swishName), `from ${from.line}:${from.character}`);
  }
  const [loss] = (await vscodeMock.definition(doc, at(doc, 'loss = logcosh', 9))) as vscode.Location[];
  assert.equal(doc.getText(loss.range), 'logcosh');
  assert.equal(loss.range.start.line, 2);
  assert.deepEqual(await vscodeMock.definition(doc, at(doc, 'smooth_relu', 2)), []);
  assert.deepEqual(await vscodeMock.definition(doc, at(doc, 'experiment second', 12)), []);
});

test('find all references of a custom activation, with or without its definition', async () => {
  setup();
  const doc = open(FIXTURE);
  const where = (ls: vscode.Location[]): string[] => ls.map((l) => `${l.range.start.line}:${l.range.start.character}`);
  const all = await vscodeMock.references(doc, at(doc, 'activation = swish', 14), true);
  assert.deepEqual(where(all), ['1:11', '12:17', '31:18']);
  const uses = await vscodeMock.references(doc, at(doc, 'swish(x)', 1), false);
  assert.deepEqual(where(uses), ['12:17', '31:18']);
});

test('a misspelled key gets a quick fix that replaces it with the suggestion', async () => {
  setup(20);
  const text = FIXTURE.replace('    depth      = 2\n    activation = swish', '    widht      = 2\n    activation = swish');
  const doc = open(text);
  const diagnostic = vscodeMock.diagnostics(doc.uri).find((d) => d.code === 'unknown-key') as vscode.Diagnostic;
  assert.ok(diagnostic);
  const actions = (await vscodeMock.codeActions(doc, diagnostic.range)) as vscode.CodeAction[];
  assert.equal(actions.length, 1);
  const [fix] = actions;
  assert.equal(fix.title, 'Change `widht` to `width`');
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  assert.equal(fix.isPreferred, true);
  assert.deepEqual(fix.diagnostics, [diagnostic]);
  const [[uri, edits]] = (fix.edit as vscode.WorkspaceEdit).entries();
  assert.equal(uri.toString(), doc.uri.toString());
  assert.deepEqual(
    edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
    [[11, 4, 9, 'width']],
  );

  await vscodeMock.applyCodeAction(fix);
  assert.equal(doc.getText(), text.replace('widht', 'width'));
  await vscodeMock.waitFor(() => vscodeMock.diagnostics(doc.uri).length === 0, { what: 'the fixed file to check clean' });
});

test('quick fixes for other codes that carry a suggestion: an unknown value, a number without its leading 0', async () => {
  setup();
  const text = FIXTURE.replace('    depth      = 2\n    activation = swish', '    beta       = .5\n    activation = swsh').replace('activation = smooth_relu', 'parametrization = ntkk');
  const doc = open(text);
  const titles: string[] = [];
  const results: string[] = [];
  for (const d of vscodeMock.diagnostics(doc.uri)) {
    for (const action of (await vscodeMock.codeActions(doc, d.range, { diagnostics: [d] })) as vscode.CodeAction[]) {
      titles.push(`${d.code}: ${action.title}`);
      results.push(...(action.edit as vscode.WorkspaceEdit).entries().flatMap(([, es]) => es.map((e) => e.newText)));
    }
  }
  assert.deepEqual(titles.sort(), ['syntax: Write `0.5`', 'undefined-name: Change `swsh` to `swish`', 'unknown-value: Change `ntkk` to `ntk`'].sort());
  assert.deepEqual(results.sort(), ['0.5', 'ntk', 'swish']);
});

test('no quick fix for a stale diagnostic, one from another source, or when only refactorings are asked', async () => {
  setup();
  const doc = open(FIXTURE.replace('    depth      = 2\n    activation = swish', '    widht      = 2\n    activation = swish'));
  const [diagnostic] = vscodeMock.diagnostics(doc.uri);
  const moved = new vscode.Diagnostic(diagnostic.range.with(diagnostic.range.start.translate(0, 1)), diagnostic.message);
  moved.code = diagnostic.code;
  moved.source = 'ntkexp';
  assert.deepEqual(await vscodeMock.codeActions(doc, moved.range, { diagnostics: [moved] }), []);
  const foreign = new vscode.Diagnostic(diagnostic.range, diagnostic.message);
  foreign.code = diagnostic.code;
  foreign.source = 'other';
  assert.deepEqual(await vscodeMock.codeActions(doc, foreign.range, { diagnostics: [foreign] }), []);
  assert.deepEqual(await vscodeMock.codeActions(doc, diagnostic.range, { only: vscode.CodeActionKind.Refactor }), []);
  assert.equal((await vscodeMock.codeActions(doc, diagnostic.range, { only: vscode.CodeActionKind.QuickFix })).length, 1);
});

test('CodeLens "Run | Plan | Theory" above each experiment, with the document and the experiment’s name', async () => {
  setup();
  const doc = open(FIXTURE);
  const lenses = await vscodeMock.codeLenses(doc);
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments?.[1]]),
    [
      [4, 'Run', 'ntkexp.run', 'first'],
      [4, 'Plan', 'ntkexp.planRun', 'first'],
      [4, 'Theory', 'ntkexp.showTheory', 'first'],
      [20, 'Run', 'ntkexp.run', 'second'],
      [20, 'Plan', 'ntkexp.planRun', 'second'],
      [20, 'Theory', 'ntkexp.showTheory', 'second'],
    ],
  );
  for (const l of lenses) {
    assert.equal(l.command?.arguments?.length, 2);
    assert.ok(l.command?.arguments?.[0] instanceof vscode.Uri);
    assert.equal((l.command?.arguments?.[0] as vscode.Uri).toString(), doc.uri.toString());
  }
  // The commands receive exactly those arguments.
  const received: unknown[][] = [];
  vscode.commands.registerCommand('ntkexp.run', (...args: unknown[]) => received.push(args));
  await vscode.commands.executeCommand(lenses[3].command?.command as string, ...(lenses[3].command?.arguments ?? []));
  assert.deepEqual(received, [[doc.uri, 'second']]);
});

test('no lens for an experiment without a name; lenses follow edits', async () => {
  setup();
  const doc = open('experiment {\n}\n');
  assert.deepEqual(await vscodeMock.codeLenses(doc), []);
  vscodeMock.setText(doc, '\n\nexperiment late {\n  data circle { samples = 4 }\n}\n');
  const lenses = await vscodeMock.codeLenses(doc);
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments?.[1]]),
    [
      [2, 'Run', 'late'],
      [2, 'Plan', 'late'],
      [2, 'Theory', 'late'],
    ],
  );
});

test('folding: experiments, blocks and multi-line lists by their braces; comment runs', async () => {
  setup();
  const doc = open(`# one\n# two\n${FIXTURE.replace('width      = [64]', 'width      = [\n      64,\n    ]')}`);
  const ranges = (await vscodeMock.foldingRanges(doc)).map((r) => [r.start, r.end, r.kind]);
  assert.deepEqual(ranges.filter(([, , kind]) => kind === vscode.FoldingRangeKind.Comment), [[0, 2, vscode.FoldingRangeKind.Comment]]);
  const line = (needle: string): number => at(doc, needle).line;
  const folds = ranges.filter(([, , kind]) => kind === undefined).map(([s, e]) => [s, e]);
  assert.ok(folds.some(([s, e]) => s === line('experiment first') && e === line('experiment second') - 3), JSON.stringify(folds));
  assert.ok(folds.some(([s, e]) => s === line('  data circle') && e === line('  data circle') + 2));
  assert.ok(folds.some(([s, e]) => s === line('width      = [') && e === line('width      = [') + 1), 'the multi-line list');
  assert.ok(!folds.some(([s]) => s === line('  data mnist')), 'a one-line block does not fold');
});

test('registration: one subscription in the context, every provider for the ntkexp language, all undone by dispose', async () => {
  const { context, features } = setup();
  assert.equal(context.subscriptions.length, 1);
  const kinds = vscodeMock.registrations.map((r) => r.kind).sort();
  assert.deepEqual(kinds, ['codeActions', 'codeLens', 'completion', 'definition', 'documentFormatting', 'documentSymbol', 'foldingRange', 'hover', 'references'].sort());
  for (const r of vscodeMock.registrations) assert.deepEqual(r.selector, [{ language: 'ntkexp' }]);
  const completion = vscodeMock.registrations.find((r) => r.kind === 'completion');
  assert.deepEqual(completion?.extra, [' ', '[', ',']);
  const codeActions = vscodeMock.registrations.find((r) => r.kind === 'codeActions');
  assert.deepEqual((codeActions?.extra[0] as vscode.CodeActionProviderMetadata).providedCodeActionKinds?.map((k) => k.value), ['quickfix']);
  // Nothing answers for other languages.
  const plain = vscodeMock.openDocument('/ws/a.txt', 'experiment e {\n}\n', 'plaintext');
  assert.deepEqual(await vscodeMock.codeLenses(plain), []);

  features.dispose();
  assert.deepEqual(vscodeMock.registrations, []);
  assert.equal(features.documents.size, 0);
});

test('every feature works in Restricted Mode', async () => {
  vscodeMock.reset();
  vscodeMock.setTrusted(false);
  registerLanguageFeatures(vscodeMock.createExtensionContext());
  const doc = open(FIXTURE.replace('    depth      = 2\n    activation = swish', '    widht      = 2\n    activation = swish'));
  assert.equal(vscode.workspace.isTrusted, false);
  assert.ok(vscodeMock.diagnostics(doc.uri).length > 0);
  assert.ok((await vscodeMock.complete(doc, after(doc, 'activation = sw'))).length > 0);
  assert.ok((await vscodeMock.hover(doc, at(doc, 'smooth_relu', 2))).length > 0);
  assert.ok((await vscodeMock.documentSymbols(doc)).length > 0);
  assert.ok((await vscodeMock.codeLenses(doc)).length > 0);
  assert.ok((await vscodeMock.codeActions(doc, vscodeMock.diagnostics(doc.uri)[0].range)).length > 0);
  assert.ok((await vscodeMock.definition(doc, at(doc, 'activation = swish', 14))).length > 0);
});
