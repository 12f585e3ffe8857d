import '../mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { docFor } from '../../../src/format/index';
import { FIXTURE, at, markdownOf, numberAfter, open, setup, vscodeMock } from './helpers';

// Hover: schema documentation for keys, blocks, sources and functions; formula and E σ(Z), E σ(Z)² for
// activations (built-in and custom); formulas for losses.

async function hoverAt(text: string, needle: string, shift = 1, nth = 0): Promise<{ markdown: string; hovers: vscode.Hover[]; doc: vscode.TextDocument }> {
  setup();
  const doc = open(text);
  const hovers = await vscodeMock.hover(doc, at(doc, needle, shift, nth));
  return { markdown: markdownOf(hovers), hovers, doc };
}

/** E f(Z), Z ~ N(0, 1), by a plain trapezoid rule on [−12, 12]: an independent reference. */
function reference(f: (z: number) => number): number {
  const n = 200000;
  const h = 24 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = -12 + i * h;
    s += (i === 0 || i === n ? 0.5 : 1) * f(z) * Math.exp(-0.5 * z * z);
  }
  return (s * h) / Math.sqrt(2 * Math.PI);
}

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

test('a key shows its schema documentation: meaning, type, default; the range is the key', async () => {
  const { markdown, hovers, doc } = await hoverAt(FIXTURE.replace('    depth      = 2\n    activation = swish', '    width      = 100\n    activation = swish'), 'width      = 100');
  assert.equal(markdown, docFor('width', ['network']));
  assert.match(markdown, /Hidden width/);
  assert.match(markdown, /Default: 500/);
  const range = hovers[0].range as vscode.Range;
  assert.equal(doc.getText(range), 'width');
});

test('a key of a data source is documented for that source', async () => {
  const { markdown } = await hoverAt(FIXTURE, 'samples = 32');
  assert.equal(markdown, docFor('samples', ['data', 'mnist']));
  assert.match(markdown, /training images/);
});

test('smooth_relu: its formula, E σ(Z) ≈ 0.806 and E σ(Z)² ≈ 0.921', async () => {
  const { markdown } = await hoverAt(FIXTURE, 'smooth_relu', 3);
  assert.match(markdown, /\*\*smooth\\_relu\*\* · built-in activation/, 'the name is escaped (it renders as smooth_relu)');
  assert.match(markdown, /σ\(x\) = log\(1 \+ e\^x\)/);
  const mean = numberAfter(markdown, 'E σ(Z)');
  const meanSquare = numberAfter(markdown, 'E σ(Z)²');
  assert.ok(Math.abs(mean - 0.806) < 1e-3, `E σ(Z) = ${mean}`);
  assert.ok(Math.abs(mean - reference(softplus)) < 1e-4);
  assert.ok(Math.abs(meanSquare - reference((z) => softplus(z) ** 2)) < 1e-4, `E σ(Z)² = ${meanSquare}`);
  assert.match(markdown, /Z ~ N\(0, 1\)/);
});

test('a custom activation, where it is used and where it is defined: the formula and its moments', async () => {
  const use = await hoverAt(FIXTURE, 'activation = swish', 14);
  assert.match(use.markdown, /\*\*swish\*\* · custom activation \(line 2\)/);
  assert.match(use.markdown, /activation swish\(x\) = x \* sigmoid\(x\)/);
  const mean = numberAfter(use.markdown, 'E σ(Z)');
  assert.ok(Math.abs(mean - reference((z) => z * sigmoid(z))) < 1e-4, `E σ(Z) = ${mean}`);
  assert.ok(Math.abs(numberAfter(use.markdown, 'E σ(Z)²') - reference((z) => (z * sigmoid(z)) ** 2)) < 1e-4);

  const inSweep = await hoverAt(FIXTURE, '[swish', 2);
  assert.equal(inSweep.markdown, use.markdown);
  const definition = await hoverAt(FIXTURE, 'swish(x)', 1);
  assert.equal(definition.markdown, use.markdown);
});

test('relu: E σ(Z) = 1/√(2π) to the digits shown, and a warning that it is not smooth', async () => {
  const { markdown } = await hoverAt(FIXTURE.replace('activation = smooth_relu', 'activation = relu'), '= relu', 3);
  assert.equal(numberAfter(markdown, 'E σ(Z)'), Number((1 / Math.sqrt(2 * Math.PI)).toPrecision(4)));
  assert.equal(numberAfter(markdown, 'E σ(Z)²'), 0.5);
  assert.match(markdown, /Not smooth/);
});

test('a custom activation that does not compile says why instead of showing moments', async () => {
  const text = FIXTURE.replace('activation swish(x) = x * sigmoid(x)', 'activation swish(x) = x * sigmoidd(x)');
  const { markdown } = await hoverAt(text, 'activation = swish', 14);
  assert.match(markdown, /No moments: .*sigmoidd/);
});

test('losses: the built-in formula, the custom definition', async () => {
  const builtin = await hoverAt(FIXTURE.replace('  loss = logcosh', '  loss = bce'), 'loss = bce', 8);
  assert.match(builtin.markdown, /\*\*bce\*\* · built-in loss/);
  assert.match(builtin.markdown, /log\(1 \+ e\^\{−Y\*_i Y_i\}\)/);
  const custom = await hoverAt(FIXTURE, 'loss = logcosh', 9);
  assert.match(custom.markdown, /\*\*logcosh\*\* · custom loss \(line 3\)/);
  assert.match(custom.markdown, /loss logcosh\(y, t\) = log\(cosh\(y - t\)\)/);
});

test('blocks, data sources, functions, constants, parameters, enumeration values, experiments', async () => {
  assert.equal((await hoverAt(FIXTURE, '  network {', 3)).markdown, docFor('network'));
  assert.equal((await hoverAt(FIXTURE, 'data circle', 6)).markdown, docFor('circle'));
  assert.equal((await hoverAt(FIXTURE, 'sigmoid(x)', 2)).markdown, docFor('sigmoid'));
  assert.equal((await hoverAt(FIXTURE, 'log(cosh(', 5)).markdown, docFor('cosh'));
  assert.match((await hoverAt(FIXTURE, '(y - t)', 1)).markdown, /\*\*y\*\* · parameter of loss `logcosh`/);
  const pi = await hoverAt(FIXTURE.replace('sin(3 * gamma)', 'sin(pi * gamma)'), 'pi *', 1);
  assert.equal(pi.markdown, docFor('pi'));
  const ntk = await hoverAt(FIXTURE.replace('    depth      = 2\n    activation = smooth_relu', '    parametrization = mean_field\n    activation = smooth_relu'), 'mean_field', 2);
  assert.match(ntk.markdown, /`mean_field`: a value of `parametrization`/);
  assert.match((await hoverAt(FIXTURE, 'experiment first', 12)).markdown, /\*\*first\*\* · experiment: First/);
});

test('nothing on blanks, comments, numbers and strings', async () => {
  for (const [needle, shift] of [
    ['# Two', 3],
    ['= 16', 3],
    ['"First"', 2],
    ['\n\nexperiment second', 1],
  ] as const) {
    const { hovers } = await hoverAt(FIXTURE, needle, shift);
    assert.deepEqual(hovers, [], needle);
  }
});
