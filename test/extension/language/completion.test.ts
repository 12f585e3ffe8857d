import '../mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BUILTIN_ACTIVATION_NAMES, BUILTIN_LOSS_NAMES } from '../../../src/format/schema';
import { dataSources, keysForBlock } from '../../../src/format/index';
import { FIXTURE, after, docText, labels, open, setup, vscodeMock } from './helpers';

// Completion from the schema: keys per block, block names, sources, values per key, formulas.

/** The fixture with `line` inserted after the line that ends with `anchor` (the cursor goes to its end). */
function typing(anchor: string, line: string, base = FIXTURE): { doc: vscode.TextDocument; position: vscode.Position } {
  const i = base.indexOf(anchor);
  assert.ok(i >= 0, anchor);
  const cut = base.indexOf('\n', i) + 1;
  const doc = open(base.slice(0, cut) + line + '\n' + base.slice(cut));
  return { doc, position: new vscode.Position(doc.positionAt(cut).line, line.length) };
}

async function complete(anchor: string, line: string, base?: string): Promise<vscode.CompletionItem[]> {
  setup();
  const { doc, position } = typing(anchor, line, base);
  return vscodeMock.complete(doc, position);
}

test('inside `network {`: the network keys not yet written, documented from the schema', async () => {
  const items = await complete('  network {', '    ');
  const names = labels(items);
  assert.ok(names.includes('width'), names.join(' '));
  for (const k of ['beta', 'parametrization']) assert.ok(names.includes(k));
  assert.ok(!names.includes('depth') && !names.includes('activation'), 'keys already in the block are left out');
  assert.ok(!names.includes('samples') && !names.includes('steps'), 'only keys of this block');
  const width = items.find((i) => i.label === 'width') as vscode.CompletionItem;
  assert.equal(width.kind, vscode.CompletionItemKind.Property);
  assert.match(docText(width), /Hidden width/);
  assert.match(docText(width), /Default: 500/);
  assert.equal((width.insertText as vscode.SnippetString).value, 'width = $0');
  const param = items.find((i) => i.label === 'parametrization') as vscode.CompletionItem;
  assert.equal((param.insertText as vscode.SnippetString).value, 'parametrization = ${1|ntk,mean_field|}');
});

test('a key being typed is completed with the keys of its block; `= …` already there is kept', async () => {
  setup();
  const doc = open(FIXTURE.replace('    depth      = 2\n    activation = swish', '    wi = 2\n    activation = swish'));
  const items = await vscodeMock.complete(doc, after(doc, '    wi'));
  const width = items.find((i) => i.label === 'width');
  assert.ok(width);
  assert.equal(width.insertText, undefined, 'only the key is inserted when `=` follows');
});

test('keys of the data source in `data SOURCE {`, of the experiment and of blocks at the top', async () => {
  setup();
  const doc = open(FIXTURE.replace('  data mnist { samples = 32 }', '  data mnist {\n    \n  }'));
  const inMnist = labels(await vscodeMock.complete(doc, after(doc, '  data mnist {\n    ')));
  assert.deepEqual(
    inMnist.sort(),
    keysForBlock(['data', 'mnist'])
      .map((k) => k.key)
      .sort(),
  );

  const top = await complete('  title = "First"', '  ');
  const names = labels(top);
  for (const k of ['seed', 'trials', 'measure', 'surface', 'sweep']) assert.ok(names.includes(k), `${k} in ${names.join(' ')}`);
  for (const k of ['title', 'loss', 'data', 'network', 'train']) assert.ok(!names.includes(k), `${k}: keys and blocks already present are left out`);
  const surface = top.find((i) => i.label === 'surface') as vscode.CompletionItem;
  assert.equal(surface.kind, vscode.CompletionItemKind.Module);
  assert.equal((surface.insertText as vscode.SnippetString).value, 'surface {\n\t$0\n}');
  assert.match(docText(surface), /plane through the final parameters/);
});

test('a data block snippet offers the sources; `data ` offers them directly', async () => {
  setup();
  const doc = open(FIXTURE.replace('  data circle {', '  data \n  foo {'));
  const items = await vscodeMock.complete(doc, after(doc, '  data '), { triggerKind: vscode.CompletionTriggerKind.TriggerCharacter, triggerCharacter: ' ' });
  assert.deepEqual(labels(items), dataSources());
  assert.match(docText(items.find((i) => i.label === 'circle') as vscode.CompletionItem), /cos γ, sin γ/);
  assert.equal(((items.find((i) => i.label === 'csv') as vscode.CompletionItem).insertText as vscode.SnippetString).value, 'csv "${1:data.csv}"');
});

test('after `activation =`: every built-in activation and the custom ones, documented with formula and moments', async () => {
  const items = await complete('  network {', '    activation = ', FIXTURE.replace('    activation = swish\n', ''));
  const names = labels(items);
  for (const a of BUILTIN_ACTIVATION_NAMES) assert.ok(names.includes(a), a);
  assert.ok(names.includes('swish'), 'the activation defined in the file');
  const swish = items.find((i) => i.label === 'swish') as vscode.CompletionItem;
  assert.equal(swish.detail, 'activation defined in this file');
  assert.equal(swish.documentation, undefined, 'the moments are computed only for the item shown');
  await vscodeMock.resolveCompletionItem(swish);
  assert.match(docText(swish), /activation swish\(x\) = x \* sigmoid\(x\)/);
  assert.match(docText(swish), /E σ\(Z\) = /);
  assert.ok((swish.sortText ?? '') < ((items.find((i) => i.label === 'tanh') as vscode.CompletionItem).sortText ?? ''), 'custom names first');
  const smoothRelu = await vscodeMock.resolveCompletionItem(items.find((i) => i.label === 'smooth_relu') as vscode.CompletionItem);
  assert.match(docText(smoothRelu), /E σ\(Z\) = 0\.806/);
});

test('a typed space after `=` asks for values; a space anywhere else does not', async () => {
  setup();
  const { doc, position } = typing('  network {', '    activation = ', FIXTURE.replace('    activation = swish\n', ''));
  const trigger = { triggerKind: vscode.CompletionTriggerKind.TriggerCharacter, triggerCharacter: ' ' };
  assert.ok(labels(await vscodeMock.complete(doc, position, trigger)).includes('swish'));
  const indent = typing('  train {', '    ');
  assert.deepEqual(await vscodeMock.complete(indent.doc, indent.position, trigger), []);
  const afterValue = typing('  train {', '    steps = 10 ');
  assert.deepEqual(await vscodeMock.complete(afterValue.doc, afterValue.position, trigger), []);
});

test('values per key: losses with the custom one, enumerations, booleans, directions, sweep lists', async () => {
  const losses = labels(await complete('  title = "First"', '  loss = ', FIXTURE.replace('  loss = logcosh\n', '')));
  assert.deepEqual(losses.sort(), [...BUILTIN_LOSS_NAMES, 'logcosh'].sort());

  assert.deepEqual(labels(await complete('  network {', '    parametrization = ')), ['ntk', 'mean_field']);
  assert.deepEqual(labels(await complete('  measure {', '    orthogonality = ')), ['true', 'false']);
  assert.deepEqual(labels(await complete('  measure {', '    exact = ')), ['auto', 'true', 'false']);
  assert.deepEqual(labels(await complete('  measure {', '    spacing = ')), ['log', 'linear']);

  setup();
  const surface = open(FIXTURE.replace('  measure {\n    points = 4\n  }', '  surface {\n    directions = [I1, \n  }'));
  const directions = labels(await vscodeMock.complete(surface, after(surface, 'directions = [I1, ')));
  for (const d of ['I1', 'S1', 'H1', 'random']) assert.ok(directions.includes(d), directions.join(' '));

  const sweep = labels(await complete('  sweep {', '    activation = [tanh, ', FIXTURE.replace('    activation = [swish, tanh]\n', '')));
  assert.ok(sweep.includes('swish') && sweep.includes('relu'), sweep.join(' '));

  assert.deepEqual(labels(await complete('experiment second {', '  data mnist { target = ', FIXTURE.replace('  data mnist { samples = 32 }\n', ''))), ['parity', 'onehot']);
  assert.deepEqual(await complete('  train {', '    steps = '), [], 'numbers are the user’s');
});

test('inside formulas: functions (as calls), constants and the variables in scope', async () => {
  setup();
  const doc = open(FIXTURE.replace('activation swish(x) = x * sigmoid(x)', 'activation swish(x) = x * sig'));
  const items = await vscodeMock.complete(doc, after(doc, 'x * sig'));
  const names = labels(items);
  for (const f of ['sigmoid', 'exp', 'tanh', 'atan2', 'pi', 'e', 'x']) assert.ok(names.includes(f), `${f} in ${names.join(' ')}`);
  const sigmoid = items.find((i) => i.label === 'sigmoid') as vscode.CompletionItem;
  assert.equal(sigmoid.kind, vscode.CompletionItemKind.Function);
  assert.equal((sigmoid.insertText as vscode.SnippetString).value, 'sigmoid($1)');
  assert.match(docText(sigmoid), /1\/\(1 \+ e⁻ˣ\)/);

  const loss = labels(await complete('loss logcosh(y, t) = log(cosh(y - t))', 'loss half(y, t) = 0.5 * (y - '));
  assert.ok(loss.includes('y') && loss.includes('t') && loss.includes('log'));

  const target = labels(await complete('    samples = 16', '    target  = sin(3 * ', FIXTURE.replace('    target  = sin(3 * gamma)\n', '')));
  assert.ok(target.includes('gamma') && target.includes('sin'), target.join(' '));
});

test('at the top level: the keywords; in comments and strings: nothing', async () => {
  const top = await complete('loss logcosh(y, t) = log(cosh(y - t))', 'exp');
  assert.deepEqual(labels(top), ['experiment', 'activation', 'loss']);
  assert.match(((top[0].insertText as vscode.SnippetString).value), /^experiment \$\{1:name\} \{/);
  assert.deepEqual(await complete('  network {', '    # width = '), []);
  assert.deepEqual(await complete('  title = "First"', '  title = "width = '), []);
});

test('in a sweep: every setting of every block that is not swept yet, inserted with a list', async () => {
  const items = await complete('    activation = [swish, tanh]', '    ');
  const names = labels(items);
  for (const k of ['width', 'depth', 'learning_rate', 'seed', 'samples']) assert.ok(names.includes(k), k);
  assert.ok(!names.includes('activation'), 'already swept');
  assert.equal(((items.find((i) => i.label === 'width') as vscode.CompletionItem).insertText as vscode.SnippetString).value, 'width = [$0]');
});
