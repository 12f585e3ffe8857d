import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type * as vscode from 'vscode';
import { ConfigurationTarget, Disposable, EventEmitter, FileType, Uri } from './core';
import { MockTextDocument } from './document';
import { globToRegExp } from './glob';
import { FileSystemError, RelativePattern } from './items';
import { onReset } from './state';

/**
 * `vscode.workspace`: open documents and their events, configuration (defaults read from the
 * project's package.json `contributes.configuration`, values settable), Workspace Trust, workspace
 * folders, findFiles over the real disk, file-system watchers whose events tests fire, `fs` over the
 * real disk, and applyEdit on open (or opened-from-disk) documents.
 */

const PACKAGE_JSON = join(__dirname, '..', '..', '..', 'package.json');

function readDefaults(): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  try {
    const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { contributes?: { configuration?: unknown } };
    const sections = pkg.contributes?.configuration;
    for (const section of Array.isArray(sections) ? sections : sections ? [sections] : []) {
      const props = (section as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
      for (const [key, spec] of Object.entries(props)) defaults.set(key, spec.default);
    }
  } catch {
    // no package.json: no defaults
  }
  return defaults;
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  '.ntkexp': 'ntkexp',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ts': 'typescript',
  '.js': 'javascript',
  '.md': 'markdown',
  '.csv': 'csv',
  '.html': 'html',
};

export function languageOf(path: string): string {
  const m = /\.[^./\\]+$/.exec(path);
  return (m && LANGUAGE_BY_EXTENSION[m[0].toLowerCase()]) || 'plaintext';
}

interface Watcher {
  readonly base?: string;
  readonly pattern: RegExp;
  readonly ignore: { create: boolean; change: boolean; delete: boolean };
  readonly emitters: { create: EventEmitter<vscode.Uri>; change: EventEmitter<vscode.Uri>; delete: EventEmitter<vscode.Uri> };
}

export const workspaceState = {
  defaults: readDefaults(),
  values: new Map<string, unknown>(),
  trusted: true,
  folders: undefined as vscode.WorkspaceFolder[] | undefined,
  documents: new Map<string, MockTextDocument>(),
  watchers: new Set<Watcher>(),
  contentProviders: new Map<string, vscode.TextDocumentContentProvider>(),
  untitledCount: 0,
};

export const workspaceEvents = {
  open: new EventEmitter<vscode.TextDocument>(),
  close: new EventEmitter<vscode.TextDocument>(),
  change: new EventEmitter<vscode.TextDocumentChangeEvent>(),
  save: new EventEmitter<vscode.TextDocument>(),
  configuration: new EventEmitter<vscode.ConfigurationChangeEvent>(),
  grantTrust: new EventEmitter<void>(),
  folders: new EventEmitter<vscode.WorkspaceFoldersChangeEvent>(),
  createFiles: new EventEmitter<vscode.FileCreateEvent>(),
  deleteFiles: new EventEmitter<vscode.FileDeleteEvent>(),
  renameFiles: new EventEmitter<vscode.FileRenameEvent>(),
};

onReset(() => {
  workspaceState.values.clear();
  workspaceState.trusted = true;
  workspaceState.folders = undefined;
  for (const d of workspaceState.documents.values()) d.isClosed = true;
  workspaceState.documents.clear();
  workspaceState.watchers.clear();
  workspaceState.contentProviders.clear();
  workspaceState.untitledCount = 0;
  for (const e of Object.values(workspaceEvents)) e.dispose();
  for (const key of Object.keys(workspaceEvents) as (keyof typeof workspaceEvents)[]) {
    (workspaceEvents as Record<string, EventEmitter<unknown>>)[key] = new EventEmitter<unknown>();
  }
});

// ---- configuration ----

function lookup(full: string): unknown {
  if (workspaceState.values.has(full)) return workspaceState.values.get(full);
  if (workspaceState.defaults.has(full)) return workspaceState.defaults.get(full);
  const prefix = `${full}.`;
  const keys = new Set([...workspaceState.defaults.keys(), ...workspaceState.values.keys()].filter((k) => k.startsWith(prefix)));
  if (keys.size === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k.slice(prefix.length)] = lookup(k);
  return out;
}

/** Set a value (undefined removes it) and fire onDidChangeConfiguration, as a settings edit would. */
export function setConfiguration(full: string, value: unknown): void {
  if (value === undefined) workspaceState.values.delete(full);
  else workspaceState.values.set(full, value);
  workspaceEvents.configuration.fire({
    affectsConfiguration: (section: string) => section === full || full.startsWith(`${section}.`) || section.startsWith(`${full}.`),
  });
}

/** Settings have one level here (defaults, then values set by tests); the scope is accepted and ignored. */
function getConfiguration(section?: string, _scope?: vscode.ConfigurationScope | null): vscode.WorkspaceConfiguration {
  const fullKey = (key: string): string => (section ? `${section}.${key}` : key);
  // VS Code hands out a snapshot: a later settings change does not show through an old object.
  const snapshot = new Map<string, unknown>();
  const read = (key: string): unknown => {
    const full = fullKey(key);
    if (!snapshot.has(full)) snapshot.set(full, structuredClone(lookup(full)));
    return snapshot.get(full);
  };
  return {
    get<T>(key: string, defaultValue?: T): T | undefined {
      const v = read(key);
      return (v === undefined ? defaultValue : v) as T | undefined;
    },
    has: (key: string) => read(key) !== undefined,
    inspect<T>(key: string) {
      const full = fullKey(key);
      if (lookup(full) === undefined) return undefined;
      return { key: full, defaultValue: workspaceState.defaults.get(full) as T | undefined, globalValue: workspaceState.values.get(full) as T | undefined };
    },
    update: (key: string, value: unknown, _target?: ConfigurationTarget | boolean | null) => {
      setConfiguration(fullKey(key), value);
      return Promise.resolve();
    },
  } as vscode.WorkspaceConfiguration;
}

// ---- documents ----

/** Open (or return the open) document: fires onDidOpenTextDocument for a new one. */
export function openDocument(uri: Uri, text: string, languageId = languageOf(uri.path)): MockTextDocument {
  const key = uri.toString();
  const existing = workspaceState.documents.get(key);
  if (existing) return existing;
  const doc = new MockTextDocument(uri, text, languageId);
  workspaceState.documents.set(key, doc);
  workspaceEvents.open.fire(doc);
  return doc;
}

export function closeDocument(doc: vscode.TextDocument): void {
  const key = doc.uri.toString();
  const open = workspaceState.documents.get(key);
  if (!open) return;
  workspaceState.documents.delete(key);
  open.isClosed = true;
  workspaceEvents.close.fire(open);
}

/** Apply edits to an open document and fire onDidChangeTextDocument. */
export function editDocument(doc: MockTextDocument, edits: { range: vscode.Range; newText: string }[]): void {
  const contentChanges = doc.applyEdits(edits);
  workspaceEvents.change.fire({ document: doc, contentChanges, reason: undefined });
}

async function openTextDocument(arg?: vscode.Uri | string | { language?: string; content?: string; encoding?: string }): Promise<MockTextDocument> {
  if (arg === undefined || (typeof arg === 'object' && !(arg instanceof Uri))) {
    const options = (arg ?? {}) as { language?: string; content?: string };
    const uri = Uri.from({ scheme: 'untitled', path: `Untitled-${++workspaceState.untitledCount}` });
    return openDocument(uri, options.content ?? '', options.language ?? 'plaintext');
  }
  const uri = typeof arg === 'string' ? Uri.file(arg) : (arg as Uri);
  const open = workspaceState.documents.get(uri.toString());
  if (open) return open;
  if (uri.scheme === 'file') {
    try {
      return openDocument(uri, await fsp.readFile(uri.fsPath, 'utf8'));
    } catch (e) {
      throw new Error(`cannot open ${uri.toString()}. Detail: Unable to read file '${uri.fsPath}' (${(e as Error).message})`);
    }
  }
  const provider = workspaceState.contentProviders.get(uri.scheme);
  if (provider) {
    const text = await provider.provideTextDocumentContent(uri, { isCancellationRequested: false, onCancellationRequested: () => new Disposable(() => undefined) });
    return openDocument(uri, text ?? '');
  }
  throw new Error(`cannot open ${uri.toString()}: no file system provider for scheme '${uri.scheme}'`);
}

async function applyEdit(edit: vscode.WorkspaceEdit): Promise<boolean> {
  for (const [uri, edits] of edit.entries()) {
    const doc = await openTextDocument(uri);
    editDocument(doc, edits);
  }
  return true;
}

// ---- files ----

function folderOf(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  const p = uri.fsPath;
  return workspaceState.folders?.find((f) => p === f.uri.fsPath || p.startsWith(`${f.uri.fsPath}/`));
}

const DEFAULT_EXCLUDE = /(^|\/)(\.git|\.svn|\.hg|CVS|\.DS_Store|Thumbs\.db)(\/|$)/;

function walk(root: string, visit: (path: string) => boolean): void {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const path = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        continue;
      }
      if (isDir) stack.push(path);
      else if (!visit(path)) return;
    }
  }
}

function patternOf(p: vscode.GlobPattern): { base?: string; glob: string } {
  return typeof p === 'string' ? { glob: p } : { base: (p as RelativePattern).baseUri.fsPath, glob: p.pattern };
}

async function findFiles(include: vscode.GlobPattern, exclude?: vscode.GlobPattern | null, maxResults?: number): Promise<Uri[]> {
  const inc = patternOf(include);
  const exc = exclude ? patternOf(exclude) : undefined;
  const roots = inc.base ? [inc.base] : (workspaceState.folders ?? []).map((f) => f.uri.fsPath);
  const incRe = globToRegExp(inc.glob);
  const excRe = exc ? globToRegExp(exc.glob) : undefined;
  const out: Uri[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    walk(root, (path) => {
      const rel = relative(root, path).replace(/\\/g, '/');
      if (exclude === undefined && DEFAULT_EXCLUDE.test(rel)) return true;
      if (incRe.test(rel) && !(excRe && excRe.test(rel))) out.push(Uri.file(path));
      return maxResults === undefined || out.length < maxResults;
    });
  }
  return out;
}

function createFileSystemWatcher(globPattern: vscode.GlobPattern, ignoreCreate = false, ignoreChange = false, ignoreDelete = false): vscode.FileSystemWatcher {
  const p = patternOf(globPattern);
  const watcher: Watcher = {
    base: p.base,
    pattern: globToRegExp(p.glob),
    ignore: { create: ignoreCreate, change: ignoreChange, delete: ignoreDelete },
    emitters: { create: new EventEmitter(), change: new EventEmitter(), delete: new EventEmitter() },
  };
  workspaceState.watchers.add(watcher);
  return {
    ignoreCreateEvents: ignoreCreate,
    ignoreChangeEvents: ignoreChange,
    ignoreDeleteEvents: ignoreDelete,
    onDidCreate: watcher.emitters.create.event,
    onDidChange: watcher.emitters.change.event,
    onDidDelete: watcher.emitters.delete.event,
    dispose: () => {
      workspaceState.watchers.delete(watcher);
      for (const e of Object.values(watcher.emitters)) e.dispose();
    },
  };
}

/** Deliver a file event to every watcher whose pattern matches (relative to its base or a workspace folder; else the absolute path). */
export function fireFileEvent(kind: 'create' | 'change' | 'delete', uri: vscode.Uri): number {
  let delivered = 0;
  for (const w of workspaceState.watchers) {
    if (w.ignore[kind]) continue;
    const bases = w.base ? [w.base] : (workspaceState.folders ?? []).map((f) => f.uri.fsPath);
    const candidates = bases.map((b) => relative(b, uri.fsPath).replace(/\\/g, '/')).filter((r) => !r.startsWith('..'));
    if (!w.base) candidates.push(uri.fsPath.replace(/\\/g, '/'));
    if (candidates.some((c) => w.pattern.test(c))) {
      w.emitters[kind].fire(uri);
      delivered++;
    }
  }
  return delivered;
}

function fsError(e: unknown, uri: vscode.Uri): Error {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return FileSystemError.FileNotFound(uri);
    case 'EEXIST':
      return FileSystemError.FileExists(uri);
    case 'ENOTDIR':
      return FileSystemError.FileNotADirectory(uri);
    case 'EISDIR':
      return FileSystemError.FileIsADirectory(uri);
    case 'EACCES':
    case 'EPERM':
      return FileSystemError.NoPermissions(uri);
    default:
      return new FileSystemError(`${(e as Error).message}`, 'Unknown');
  }
}

async function guard<T>(uri: vscode.Uri, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw fsError(e, uri);
  }
}

const fs: vscode.FileSystem = {
  stat: (uri) =>
    guard(uri, async () => {
      const s = await fsp.lstat(uri.fsPath);
      const target = s.isSymbolicLink() ? await fsp.stat(uri.fsPath) : s;
      const type = (target.isDirectory() ? FileType.Directory : target.isFile() ? FileType.File : FileType.Unknown) | (s.isSymbolicLink() ? FileType.SymbolicLink : 0);
      return { type, ctime: target.ctimeMs, mtime: target.mtimeMs, size: target.size };
    }),
  readDirectory: (uri) =>
    guard(uri, async () => {
      const entries = await fsp.readdir(uri.fsPath, { withFileTypes: true });
      return entries.map((e): [string, FileType] => [e.name, e.isDirectory() ? FileType.Directory : e.isFile() ? FileType.File : e.isSymbolicLink() ? FileType.SymbolicLink : FileType.Unknown]);
    }),
  createDirectory: (uri) => guard(uri, async () => void (await fsp.mkdir(uri.fsPath, { recursive: true }))),
  readFile: (uri) => guard(uri, async () => new Uint8Array(await fsp.readFile(uri.fsPath))),
  writeFile: (uri, content) =>
    guard(uri, async () => {
      await fsp.mkdir(dirname(uri.fsPath), { recursive: true });
      await fsp.writeFile(uri.fsPath, content);
    }),
  delete: (uri, options) => guard(uri, async () => void (await fsp.rm(uri.fsPath, { recursive: options?.recursive ?? false }))),
  rename: (source, target, options) =>
    guard(target, async () => {
      if (!options?.overwrite && existsSync(target.fsPath)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      await fsp.rename(source.fsPath, target.fsPath);
    }),
  copy: (source, target, options) =>
    guard(target, async () => {
      if (!options?.overwrite && existsSync(target.fsPath)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      await fsp.cp(source.fsPath, target.fsPath, { recursive: true, force: true });
    }),
  isWritableFileSystem: (scheme) => (scheme === 'file' ? true : undefined),
};

export function setWorkspaceFolders(paths: readonly string[] | undefined): void {
  const before = workspaceState.folders ?? [];
  workspaceState.folders = paths?.map((p, index) => ({ uri: Uri.file(p), name: basename(p), index }));
  workspaceEvents.folders.fire({ added: workspaceState.folders ?? [], removed: before });
}

export const workspace = {
  get isTrusted(): boolean {
    return workspaceState.trusted;
  },
  get onDidGrantWorkspaceTrust() {
    return workspaceEvents.grantTrust.event;
  },
  get workspaceFolders(): readonly vscode.WorkspaceFolder[] | undefined {
    return workspaceState.folders;
  },
  get name(): string | undefined {
    return workspaceState.folders?.[0]?.name;
  },
  get rootPath(): string | undefined {
    return workspaceState.folders?.[0]?.uri.fsPath;
  },
  workspaceFile: undefined as vscode.Uri | undefined,
  get textDocuments(): readonly vscode.TextDocument[] {
    return [...workspaceState.documents.values()];
  },
  get onDidOpenTextDocument() {
    return workspaceEvents.open.event;
  },
  get onDidCloseTextDocument() {
    return workspaceEvents.close.event;
  },
  get onDidChangeTextDocument() {
    return workspaceEvents.change.event;
  },
  get onDidSaveTextDocument() {
    return workspaceEvents.save.event;
  },
  get onDidChangeConfiguration() {
    return workspaceEvents.configuration.event;
  },
  get onDidChangeWorkspaceFolders() {
    return workspaceEvents.folders.event;
  },
  get onDidCreateFiles() {
    return workspaceEvents.createFiles.event;
  },
  get onDidDeleteFiles() {
    return workspaceEvents.deleteFiles.event;
  },
  get onDidRenameFiles() {
    return workspaceEvents.renameFiles.event;
  },
  getConfiguration,
  openTextDocument,
  applyEdit,
  findFiles,
  createFileSystemWatcher,
  fs,
  getWorkspaceFolder: (uri: vscode.Uri) => folderOf(uri),
  asRelativePath(pathOrUri: string | vscode.Uri, includeWorkspaceFolder?: boolean): string {
    const uri = typeof pathOrUri === 'string' ? Uri.file(pathOrUri) : pathOrUri;
    const folder = folderOf(uri);
    if (!folder) return typeof pathOrUri === 'string' ? pathOrUri : uri.fsPath;
    const rel = relative(folder.uri.fsPath, uri.fsPath).replace(/\\/g, '/');
    const multi = (workspaceState.folders?.length ?? 0) > 1;
    return (includeWorkspaceFolder ?? multi) && multi ? `${folder.name}/${rel}` : rel;
  },
  registerTextDocumentContentProvider(scheme: string, provider: vscode.TextDocumentContentProvider): vscode.Disposable {
    workspaceState.contentProviders.set(scheme, provider);
    return new Disposable(() => workspaceState.contentProviders.delete(scheme));
  },
  saveAll: async () => {
    for (const d of workspaceState.documents.values()) await d.save();
    return true;
  },
};
