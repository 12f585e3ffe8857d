import '../mock/install';
import * as vscode from 'vscode';
import { vscodeMock } from '../mock/control';
import type { MockTextDocument } from '../mock/document';
import type { MockExtensionContext } from '../mock/context';
import { type LanguageFeatures, registerLanguageFeatures } from '../../../src/extension/language/index';

/** A file with a custom activation and loss, two experiments and a sweep (the language tests' main fixture). */
export const FIXTURE = [
  '# Two experiments sharing a custom activation.',
  'activation swish(x) = x * sigmoid(x)',
  'loss logcosh(y, t) = log(cosh(y - t))',
  '',
  'experiment first {',
  '  title = "First"',
  '  data circle {',
  '    samples = 16',
  '    target  = sin(3 * gamma)',
  '  }',
  '  network {',
  '    depth      = 2',
  '    activation = swish',
  '  }',
  '  loss = logcosh',
  '  train {',
  '    steps = 10',
  '  }',
  '}',
  '',
  'experiment second {',
  '  data mnist { samples = 32 }',
  '  network {',
  '    width      = [64]',
  '    depth      = 2',
  '    activation = smooth_relu',
  '  }',
  '  measure {',
  '    points = 4',
  '  }',
  '  sweep {',
  '    activation = [swish, tanh]',
  '  }',
  '}',
  '',
].join('\n');

export interface Setup {
  readonly context: MockExtensionContext;
  readonly features: LanguageFeatures;
}

/** A fresh mocked editor with the language features registered (diagnostics delay `delay` ms). */
export function setup(delay = 250): Setup {
  vscodeMock.reset();
  if (delay !== 250) vscodeMock.configure('ntkexp.diagnosticsDelay', delay);
  const context = vscodeMock.createExtensionContext();
  const features = registerLanguageFeatures(context);
  return { context, features };
}

export function open(text: string, path = '/ws/experiments/fixture.ntkexp'): MockTextDocument {
  return vscodeMock.openDocument(path, text, 'ntkexp');
}

/** The position `shift` characters after the start of the `nth` occurrence of `needle`. */
export function at(doc: vscode.TextDocument, needle: string, shift = 0, nth = 0): vscode.Position {
  const text = doc.getText();
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`\`${needle}\` (occurrence ${nth}) is not in the document`);
  }
  return doc.positionAt(i + shift);
}

/** The position at the end of `needle` (typing continues there). */
export function after(doc: vscode.TextDocument, needle: string, nth = 0): vscode.Position {
  return at(doc, needle, needle.length, nth);
}

export function markdownOf(hovers: readonly vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

export function docText(item: vscode.CompletionItem): string {
  const d = item.documentation;
  return d === undefined ? '' : typeof d === 'string' ? d : d.value;
}

export function labels(items: readonly vscode.CompletionItem[]): string[] {
  return items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** A number following `label` in a markdown text (`E σ(Z) = 0.8061`). */
export function numberAfter(text: string, label: string): number {
  const i = text.indexOf(label);
  if (i < 0) throw new Error(`\`${label}\` is not in:\n${text}`);
  const m = /^\s*=\s*(-?[0-9.]+(?:e-?\d+)?)/.exec(text.slice(i + label.length));
  if (!m) throw new Error(`no number after \`${label}\` in:\n${text}`);
  return Number(m[1]);
}

export { vscodeMock };
