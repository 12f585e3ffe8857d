import './mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { vscodeMock } from './mock/control';
import { cloneMessage } from './mock/webview';

// The mocked `vscode` module that every extension test uses: its behaviour where tests rely on it.

test('require("vscode") is the mock, typed by @types/vscode', () => {
  assert.equal(vscode.version, '1.100.0');
  assert.equal((require('vscode') as typeof vscode).Uri, vscode.Uri);
  assert.equal(typeof vscode.window.createWebviewPanel, 'function');
});

test('Position, Range and Selection behave as in VS Code', () => {
  const a = new vscode.Position(1, 4);
  const b = new vscode.Position(3, 0);
  assert.ok(a.isBefore(b) && b.isAfter(a) && a.isEqual(new vscode.Position(1, 4)));
  assert.deepEqual(a.translate(1, -2), new vscode.Position(2, 2));
  assert.throws(() => new vscode.Position(-1, 0), /non-negative/);
  const r = new vscode.Range(b, a);
  assert.ok(r.start.isEqual(a), 'a range orders its ends');
  assert.ok(r.contains(new vscode.Position(2, 99)) && !r.isSingleLine && !r.isEmpty);
  assert.ok(r.intersection(new vscode.Range(0, 0, 1, 3)) === undefined);
  assert.ok(r.union(new vscode.Range(0, 0, 0, 1)).start.isEqual(new vscode.Position(0, 0)));
  const s = new vscode.Selection(b, a);
  assert.ok(s.isReversed && s.active.isEqual(a));
});

test('Uri: file, parse, joinPath, with, fsPath, toString', () => {
  const u = vscode.Uri.file('/ws/my folder/a.ntkexp');
  assert.equal(u.scheme, 'file');
  assert.equal(u.fsPath, '/ws/my folder/a.ntkexp');
  assert.equal(u.toString(), 'file:///ws/my%20folder/a.ntkexp');
  assert.equal(vscode.Uri.parse(u.toString()).fsPath, u.fsPath);
  assert.equal(vscode.Uri.joinPath(u, '..', 'b.csv').path, '/ws/my folder/b.csv');
  assert.equal(u.with({ scheme: 'untitled' }).scheme, 'untitled');
  assert.equal(vscode.Uri.parse('untitled:Untitled-1').path, 'Untitled-1');
  assert.equal(vscode.Uri.parse('https://example.com/a?b=1#c').authority, 'example.com');
});

test('a TextDocument over a string: VS Code’s line model, offsets, words, validation', () => {
  vscodeMock.reset();
  const doc = vscodeMock.openDocument('/ws/a.ntkexp', 'ab\r\ncd\re\nlearning_rate = 1');
  assert.equal(doc.languageId, 'ntkexp');
  assert.equal(doc.lineCount, 4);
  assert.deepEqual([0, 1, 2, 3].map((i) => doc.lineAt(i).text), ['ab', 'cd', 'e', 'learning_rate = 1']);
  assert.equal(doc.eol, vscode.EndOfLine.CRLF);
  for (let o = 0; o <= doc.getText().length; o++) {
    const p = doc.positionAt(o);
    if (doc.getText()[o - 1] !== '\r' || doc.getText()[o] !== '\n') assert.equal(doc.offsetAt(p), o, `offset ${o}`);
  }
  assert.deepEqual(doc.positionAt(4), new vscode.Position(1, 0));
  assert.equal(doc.getText(new vscode.Range(3, 0, 3, 13)), 'learning_rate');
  const word = doc.getWordRangeAtPosition(new vscode.Position(3, 5));
  assert.equal(word && doc.getText(word), 'learning_rate');
  assert.deepEqual(doc.validatePosition(new vscode.Position(9, 9)), new vscode.Position(3, 17));
  assert.throws(() => doc.lineAt(4), /Illegal value/);
  assert.equal(doc.lineAt(2).rangeIncludingLineBreak.end.line, 3);
});

test('EventEmitter: listeners run in order, a throwing one does not stop the others, dispose detaches', () => {
  vscodeMock.reset();
  const e = new vscode.EventEmitter<number>();
  const seen: number[] = [];
  const d = e.event((n) => seen.push(n));
  vscodeMock.quietListenerErrors = true;
  e.event(() => {
    throw new Error('boom');
  });
  e.event((n) => seen.push(n * 10));
  e.fire(1);
  d.dispose();
  e.fire(2);
  assert.deepEqual(seen, [1, 10, 20]);
  assert.equal(vscodeMock.listenerErrors.length, 2);
});

test('configuration: defaults from package.json, settable values, change events, snapshots', () => {
  vscodeMock.reset();
  const config = vscode.workspace.getConfiguration('ntkexp');
  assert.equal(config.get('diagnosticsDelay'), 250);
  assert.equal(config.get('backend'), 'auto');
  assert.equal(config.get('missing', 7), 7);
  const events: boolean[] = [];
  vscode.workspace.onDidChangeConfiguration((e) => events.push(e.affectsConfiguration('ntkexp.diagnosticsDelay'), e.affectsConfiguration('ntkexp'), e.affectsConfiguration('editor')));
  vscodeMock.configure('ntkexp.diagnosticsDelay', 10);
  assert.deepEqual(events, [true, true, false]);
  assert.equal(config.get('diagnosticsDelay'), 250, 'an old configuration object is a snapshot');
  assert.equal(vscode.workspace.getConfiguration('ntkexp').get('diagnosticsDelay'), 10);
  assert.equal(vscode.workspace.getConfiguration().get('ntkexp.diagnosticsDelay'), 10);
  assert.deepEqual(vscode.workspace.getConfiguration('ntkexp').inspect('diagnosticsDelay'), { key: 'ntkexp.diagnosticsDelay', defaultValue: 250, globalValue: 10 });
});

test('Workspace Trust: settable, and granting fires onDidGrantWorkspaceTrust', () => {
  vscodeMock.reset();
  assert.equal(vscode.workspace.isTrusted, true);
  vscodeMock.setTrusted(false);
  assert.equal(vscode.workspace.isTrusted, false);
  let granted = 0;
  vscode.workspace.onDidGrantWorkspaceTrust(() => granted++);
  vscodeMock.grantTrust();
  assert.equal(vscode.workspace.isTrusted, true);
  assert.equal(granted, 1);
});

test('documents: open, change and close events; textDocuments; applyEdit', async () => {
  vscodeMock.reset();
  const log: string[] = [];
  vscode.workspace.onDidOpenTextDocument((d) => log.push(`open ${d.uri.path}`));
  vscode.workspace.onDidChangeTextDocument((e) => log.push(`change v${e.document.version} ${e.contentChanges.map((c) => `${c.rangeOffset}+${c.rangeLength}=${c.text}`).join(',')}`));
  vscode.workspace.onDidCloseTextDocument((d) => log.push(`close ${d.uri.path}`));
  const doc = vscodeMock.openDocument('/ws/a.txt', 'hello world');
  assert.equal(vscode.workspace.textDocuments.length, 1);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 6, 0, 11), 'there');
  edit.insert(doc.uri, new vscode.Position(0, 0), '> ');
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  assert.equal(doc.getText(), '> hello there');
  vscodeMock.closeDocument(doc);
  assert.ok(doc.isClosed);
  assert.deepEqual(log, ['open /ws/a.txt', 'change v2 6+5=there,0+0=> ', 'close /ws/a.txt']);
  const untitled = await vscode.workspace.openTextDocument({ language: 'ntkexp', content: 'experiment e {}' });
  assert.ok(untitled.isUntitled && untitled.languageId === 'ntkexp');
});

test('files: findFiles and fs over the disk, watchers fed by fireFileEvent', async () => {
  vscodeMock.reset();
  const root = mkdtempSync(join(tmpdir(), 'ntkexp-mock-'));
  mkdirSync(join(root, 'runs', 'r1'), { recursive: true });
  writeFileSync(join(root, 'a.ntkexp'), 'x');
  writeFileSync(join(root, 'runs', 'r1', 'run.json'), '{}');
  vscodeMock.setWorkspaceFolders([root]);
  assert.deepEqual((await vscode.workspace.findFiles('**/*.ntkexp')).map((u) => u.fsPath), [join(root, 'a.ntkexp')]);
  assert.deepEqual((await vscode.workspace.findFiles(new vscode.RelativePattern(root, 'runs/*/run.json'))).length, 1);
  assert.equal(vscode.workspace.asRelativePath(join(root, 'runs', 'r1', 'run.json')), 'runs/r1/run.json');

  const target = vscode.Uri.file(join(root, 'out', 'deep', 'b.txt'));
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode('data'));
  assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)), 'data');
  assert.equal((await vscode.workspace.fs.stat(target)).type, vscode.FileType.File);
  await vscode.workspace.fs.delete(target);
  await assert.rejects(async () => vscode.workspace.fs.readFile(target), (e: vscode.FileSystemError) => e.code === 'FileNotFound');

  const created: string[] = [];
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, 'runs/*/run.json'));
  watcher.onDidCreate((u) => created.push(u.fsPath));
  assert.equal(vscodeMock.fireFileEvent('create', join(root, 'runs', 'r2', 'run.json')), 1);
  assert.equal(vscodeMock.fireFileEvent('create', join(root, 'other.json')), 0);
  watcher.dispose();
  vscodeMock.fireFileEvent('create', join(root, 'runs', 'r3', 'run.json'));
  assert.deepEqual(created, [join(root, 'runs', 'r2', 'run.json')]);
});

test('languages: diagnostic collections as VS Code merges them; selectors score; providers captured', () => {
  vscodeMock.reset();
  const doc = vscodeMock.openDocument('/ws/a.ntkexp', 'x');
  const c = vscode.languages.createDiagnosticCollection('test');
  const d = (m: string): vscode.Diagnostic => new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), m);
  c.set([
    [doc.uri, [d('a')]],
    [doc.uri, [d('b')]],
  ]);
  assert.deepEqual(c.get(doc.uri)?.map((x) => x.message), ['a', 'b']);
  c.set(doc.uri, [d('c')]);
  assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).map((x) => x.message), ['c']);
  c.set(doc.uri, []);
  assert.equal(c.has(doc.uri), false);
  c.dispose();
  assert.throws(() => c.set(doc.uri, [d('x')]), /disposed/);

  assert.equal(vscode.languages.match({ language: 'ntkexp' }, doc), 10);
  assert.equal(vscode.languages.match('*', doc), 5);
  assert.equal(vscode.languages.match({ language: 'json' }, doc), 0);
  assert.equal(vscode.languages.match({ pattern: '**/*.ntkexp' }, doc), 10);

  const reg = vscode.languages.registerHoverProvider({ language: 'ntkexp' }, { provideHover: () => new vscode.Hover('hi') });
  assert.equal(vscodeMock.providers('hover', doc).length, 1);
  assert.equal(vscodeMock.providers('hover', vscodeMock.openDocument('/ws/b.json', '{}')).length, 0);
  reg.dispose();
  assert.equal(vscodeMock.providers('hover', doc).length, 0);
  assert.throws(() => new vscode.DocumentSymbol('', '', vscode.SymbolKind.File, new vscode.Range(0, 0, 0, 1), new vscode.Range(0, 0, 0, 1)), /name/);
  assert.throws(() => new vscode.DocumentSymbol('x', '', vscode.SymbolKind.File, new vscode.Range(0, 0, 0, 1), new vscode.Range(1, 0, 1, 1)), /selectionRange/);
});

test('commands: a registry that refuses duplicates and unknown ids; built-ins logged; setContext kept', async () => {
  vscodeMock.reset();
  const d = vscode.commands.registerCommand('ntkexp.test', (a: number, b: number) => a + b);
  assert.throws(() => vscode.commands.registerCommand('ntkexp.test', () => 0), /already exists/);
  assert.equal(await vscode.commands.executeCommand('ntkexp.test', 2, 3), 5);
  await assert.rejects(async () => vscode.commands.executeCommand('nope'), /not found/);
  await vscode.commands.executeCommand('setContext', 'ntkexp.running', true);
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file('/x'));
  vscodeMock.stubCommand('other.extension', () => 'stubbed');
  assert.equal(await vscode.commands.executeCommand('other.extension'), 'stubbed');
  assert.equal(vscodeMock.contextKeys.get('ntkexp.running'), true);
  assert.deepEqual(
    vscodeMock.executedCommands.map((c) => c.command),
    ['ntkexp.test', 'nope', 'setContext', 'vscode.open', 'other.extension'],
  );
  d.dispose();
  assert.deepEqual(vscodeMock.registeredCommands(), []);
});

test('window: messages and pickers answered by queued responses; dismissed without one', async () => {
  vscodeMock.reset();
  vscodeMock.respond('error', 'Open Log');
  assert.equal(await vscode.window.showErrorMessage('Run failed', 'Open Log', 'Retry'), 'Open Log');
  assert.equal(await vscode.window.showInformationMessage('Done'), undefined);
  const item = { title: 'Yes' };
  vscodeMock.respond('warning', 'Yes');
  assert.equal(await vscode.window.showWarningMessage('Delete?', { modal: true }, item), item);
  vscodeMock.respond('quickPick', (p: { items: readonly unknown[] }) => p.items[1]);
  assert.deepEqual(await vscode.window.showQuickPick([{ label: 'a' }, { label: 'b' }]), { label: 'b' });
  vscodeMock.respond('quickPick', 'fig1');
  assert.equal(await vscode.window.showQuickPick(['quick', 'fig1']), 'fig1');
  vscodeMock.respond('openDialog', [vscode.Uri.file('/runs/r1')]);
  assert.equal((await vscode.window.showOpenDialog({ canSelectFolders: true }))?.[0].fsPath, '/runs/r1');
  vscodeMock.respond('saveDialog', vscode.Uri.file('/out.png'));
  assert.equal((await vscode.window.showSaveDialog({}))?.fsPath, '/out.png');
  assert.deepEqual(vscodeMock.messages(), ['Run failed', 'Done', 'Delete?']);
  assert.deepEqual(vscodeMock.messages('error'), ['Run failed']);
});

test('window: progress with Cancel, log output channels, status-bar items', async () => {
  vscodeMock.reset();
  const result = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Running', cancellable: true }, async (progress, token) => {
    progress.report({ message: 'step 1', increment: 10 });
    await vscodeMock.waitFor(() => token.isCancellationRequested);
    return 'cancelled';
  });
  await vscodeMock.waitFor(() => vscodeMock.progress.length === 1 && vscodeMock.progress[0].reports.length === 1);
  vscodeMock.progress[0].cancel();
  assert.equal(await result, 'cancelled');
  assert.equal(vscodeMock.progress[0].done, true);

  const log = vscode.window.createOutputChannel('NTK', { log: true });
  log.info('started %s', 'run-1');
  log.error(new Error('broken'));
  log.appendLine('plain');
  log.show();
  const channel = vscodeMock.outputChannels[0];
  assert.equal(channel.log, true);
  assert.deepEqual(channel.lines.slice(0, 1), [{ level: 'info', message: 'started run-1' }]);
  assert.equal(channel.lines[1].level, 'error');
  assert.match(channel.text, /\[info\] started run-1\n\[error\] Error: broken/);
  assert.equal(channel.shown, 1);

  const item = vscode.window.createStatusBarItem('ntkexp.run', vscode.StatusBarAlignment.Left, 10);
  item.text = '$(sync~spin) fig1';
  item.show();
  assert.equal(vscodeMock.statusBarItems[0].visible, true);
  assert.equal(vscodeMock.statusBarItems[0].priority, 10);
  item.dispose();
  assert.equal(vscodeMock.statusBarItems[0].disposed, true);
});

test('webview panels: html and messages recorded, delivered only while live, messages from the page, serializer revive', async () => {
  vscodeMock.reset();
  const panel = vscode.window.createWebviewPanel('ntkexp.run', 'Run', vscode.ViewColumn.One, { enableScripts: true, localResourceRoots: [vscode.Uri.file('/ext/dist')] });
  const fake = vscodeMock.panels[0];
  assert.equal(fake, panel);
  panel.webview.html = '<html></html>';
  assert.equal(fake.webview.htmlHistory.length, 1);
  assert.equal(panel.webview.options.enableScripts, true);
  assert.match(panel.webview.asWebviewUri(vscode.Uri.file('/ext/dist/webview.js')).toString(), /^https:\/\/file%2B\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js$/);
  assert.equal(await panel.webview.postMessage({ type: 'a', data: new Float64Array([1, 2]), skip: undefined }), true);
  fake.simulateHide();
  assert.equal(await panel.webview.postMessage({ type: 'b' }), false);
  fake.simulateShow();
  assert.deepEqual(fake.webview.posted, [{ type: 'a', data: new Float64Array([1, 2]) }]);
  assert.deepEqual(fake.webview.dropped, [{ type: 'b' }]);
  assert.equal(fake.webview.htmlHistory.length, 2, 'a page discarded while hidden loads again');

  const received: unknown[] = [];
  panel.webview.onDidReceiveMessage((m) => received.push(m));
  fake.webview.receive({ type: 'ready', when: new Date(0) });
  assert.deepEqual(received, [{ type: 'ready', when: '1970-01-01T00:00:00.000Z' }]);

  let disposed = 0;
  panel.onDidDispose(() => disposed++);
  fake.simulateClose();
  assert.equal(disposed, 1);
  assert.throws(() => panel.webview, /disposed/);

  const restored: unknown[] = [];
  vscode.window.registerWebviewPanelSerializer('ntkexp.run', { deserializeWebviewPanel: async (_p, state) => void restored.push(state) });
  assert.throws(() => vscode.window.registerWebviewPanelSerializer('ntkexp.run', { deserializeWebviewPanel: async () => undefined }));
  const revived = await vscodeMock.revivePanel('ntkexp.run', { run: 'r1' });
  assert.deepEqual(restored, [{ run: 'r1' }]);
  assert.equal(revived.viewType, 'ntkexp.run');
  assert.deepEqual(cloneMessage({ a: NaN, f: () => 1, l: [undefined, 1] }), { a: null, l: [null, 1] });
});

test('tree views: the provider is captured and can be rendered; selection and visibility are drivable', async () => {
  vscodeMock.reset();
  const provider: vscode.TreeDataProvider<string> = {
    getChildren: (e) => (e === undefined ? ['runs'] : e === 'runs' ? ['r1', 'r2'] : []),
    getTreeItem: (e) => new vscode.TreeItem(e, e === 'runs' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None),
  };
  const view = vscode.window.createTreeView('ntkexp.runs', { treeDataProvider: provider });
  const tree = await vscodeMock.renderTree('ntkexp.runs');
  assert.deepEqual(
    tree.map((n) => [n.item.label, n.children.map((c) => c.item.label)]),
    [['runs', ['r1', 'r2']]],
  );
  const selected: string[][] = [];
  view.onDidChangeSelection((e) => selected.push([...e.selection]));
  vscodeMock.treeView('ntkexp.runs')?.view?.select(['r2']);
  assert.deepEqual(selected, [['r2']]);
});

test('ExtensionContext: subscriptions, mementos with JSON values, paths; clipboard and l10n', async () => {
  vscodeMock.reset();
  const context = vscodeMock.createExtensionContext();
  let disposed = 0;
  context.subscriptions.push({ dispose: () => disposed++ });
  await context.workspaceState.update('k', { a: 1, f: undefined });
  assert.deepEqual(context.workspaceState.get('k'), { a: 1 });
  assert.deepEqual(context.workspaceState.keys(), ['k']);
  assert.equal(context.globalState.get('none', 3), 3);
  assert.equal(context.extensionMode, vscode.ExtensionMode.Test);
  assert.ok(context.asAbsolutePath('package.json').endsWith('package.json'));
  assert.equal(context.extensionUri.fsPath, context.extensionPath);
  vscodeMock.disposeContext(context);
  assert.equal(disposed, 1);
  assert.equal(context.subscriptions.length, 0);
  await vscode.env.clipboard.writeText('copied');
  assert.equal(await vscode.env.clipboard.readText(), 'copied');
  assert.equal(vscode.l10n.t('Run {0} of {1}', 2, 3), 'Run 2 of 3');
});

test('reset returns to a fresh editor', async () => {
  vscodeMock.openDocument('/ws/x.ntkexp', 'x');
  vscode.commands.registerCommand('left.over', () => 0);
  vscodeMock.configure('ntkexp.backend', 'cpu');
  vscodeMock.reset();
  assert.deepEqual(vscode.workspace.textDocuments, []);
  assert.deepEqual(vscodeMock.registeredCommands(), []);
  assert.equal(vscode.workspace.getConfiguration('ntkexp').get('backend'), 'auto');
  assert.deepEqual(vscodeMock.panels, []);
});
