import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * New Experiment from Template and Select Backend. Templates are the project's examples, shipped in
 * dist/templates by the build (the repository's examples/ when running from source); each one's
 * first comment line is its description.
 */
export interface Template {
  readonly name: string;
  readonly description: string;
  readonly text: string;
}

export function templates(extensionPath: string): Template[] {
  const dirs = [path.join(extensionPath, 'dist', 'templates'), path.join(extensionPath, 'examples')];
  const dir = dirs.find((d) => fs.existsSync(d));
  if (!dir) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ntkexp'))
    .sort((a, b) => (a === 'quickstart.ntkexp' ? -1 : b === 'quickstart.ntkexp' ? 1 : a.localeCompare(b)))
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const first = text.split('\n').find((l) => l.startsWith('#'));
      return { name: f.replace(/\.ntkexp$/, ''), description: first ? first.replace(/^#\s*/, '') : '', text };
    });
}

export async function newExperiment(extensionPath: string): Promise<void> {
  const list = templates(extensionPath);
  if (list.length === 0) {
    void vscode.window.showErrorMessage('NTK: no templates found in this installation.');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    list.map((t) => ({ label: t.name, detail: t.description, template: t })),
    { title: 'New experiment from which template?', matchOnDetail: true },
  );
  if (!picked) return;
  const doc = await vscode.workspace.openTextDocument({ content: picked.template.text, language: 'ntkexp' });
  await vscode.window.showTextDocument(doc);
}

export const BACKEND_CHOICES = [
  { label: 'auto', detail: 'The best backend that loads: tensorflow if @tensorflow/tfjs-node is installed, else wasm.' },
  { label: 'tensorflow', detail: 'Native libtensorflow through the optional @tensorflow/tfjs-node (install it next to the extension).' },
  { label: 'wasm', detail: 'WebAssembly with SIMD, shipped with the extension: always available.' },
  { label: 'cpu', detail: 'Plain JavaScript: slow, for checking only.' },
] as const;

export function tfjsNodeAvailable(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

export async function selectBackend(): Promise<void> {
  const config = vscode.workspace.getConfiguration('ntkexp');
  const current = config.get<string>('backend', 'auto');
  const nodeOk = tfjsNodeAvailable();
  const picked = await vscode.window.showQuickPick(
    BACKEND_CHOICES.map((b) => ({
      label: b.label,
      description: `${b.label === current ? 'current' : ''}${b.label === 'tensorflow' && !nodeOk ? ' (not installed here)' : ''}`.trim(),
      detail: b.detail,
    })),
    { title: 'TensorFlow.js backend of the engine processes' },
  );
  if (!picked) return;
  await config.update('backend', picked.label, vscode.ConfigurationTarget.Global);
  if (picked.label === 'tensorflow' && !nodeOk) {
    void vscode.window.showWarningMessage('NTK: @tensorflow/tfjs-node is not installed here, so runs will stop with an error until it is (its install downloads libtensorflow). "auto" falls back to wasm.');
  } else {
    void vscode.window.showInformationMessage(`NTK: new runs use the ${picked.label} backend.`);
  }
}
