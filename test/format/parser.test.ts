import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Block, Experiment, NtkFile, Setting } from '../../src/format/ast';
import { MAX_NESTING, parse, parseExpression } from '../../src/format/parser';
import { lex } from '../../src/format/lexer';

const exp = (file: NtkFile, i = 0): Experiment => file.items.filter((x): x is Experiment => x.kind === 'experiment')[i];

test('every node carries its range: keys, values, blocks, labels (0-based line and column, offsets)', () => {
  const text = 'experiment e {\n  data mnist {\n    samples = 16\n  }\n}\n';
  const { file, diagnostics } = parse(text);
  assert.deepEqual(diagnostics, []);
  const data = exp(file).items[0] as Block;
  assert.equal(data.name.name, 'data');
  assert.deepEqual(data.name.range.start, { line: 1, character: 2, offset: 17 });
  const label = data.labels[0];
  assert.equal(label.kind, 'identifier');
  assert.deepEqual(label.range.start, { line: 1, character: 7, offset: 22 });
  const s = data.items[0] as Setting;
  assert.deepEqual(s.key.range.start, { line: 2, character: 4, offset: 34 });
  assert.deepEqual(s.key.range.end, { line: 2, character: 11, offset: 41 });
  assert.deepEqual(JSON.parse(JSON.stringify(s.key.range)), { start: { line: 2, character: 4, offset: 34 }, end: { line: 2, character: 11, offset: 41 } });
  assert.equal(text.slice(s.value.range.start.offset, s.value.range.end.offset), '16');
  assert.equal(text.slice(data.range.start.offset, data.range.end.offset), 'data mnist {\n    samples = 16\n  }');
});

test('comments are collected with their ranges, not dropped', () => {
  const { file } = parse('# top\nexperiment e { # after brace\n  data circle {} # trailing\n}\n');
  assert.deepEqual(
    file.comments.map((c) => [c.text, c.range.start.line, c.range.start.character]),
    [
      ['# top', 0, 0],
      ['# after brace', 1, 15],
      ['# trailing', 2, 17],
    ],
  );
});

test('expressions: precedence, right-associative ^, unary minus below ^, calls and parentheses', () => {
  const e = parseExpression('-x^2 + 3 * f(a, b) / (1 - y)^-1').expression;
  assert.equal(e.kind, 'binary');
  if (e.kind !== 'binary') return;
  assert.equal(e.operator, '+');
  assert.equal(e.left.kind, 'unary');
  if (e.left.kind === 'unary') assert.equal(e.left.operand.kind, 'binary');
  const pow = parseExpression('a ^ b ^ c').expression;
  assert.ok(pow.kind === 'binary' && pow.operator === '^' && pow.right.kind === 'binary');
});

test('newlines end items but not lists or parentheses', () => {
  const { file, diagnostics } = parse('experiment e {\n  data points {\n    inputs = [\n      [0, 1],\n      [1, 0]\n    ]\n    targets = [1,\n      -1]\n  }\n  network { beta = (0.1 +\n    0.2) }\n}\n');
  assert.deepEqual(diagnostics, []);
  const data = exp(file).items[0] as Block;
  assert.equal(data.items.length, 2);
});

test('semicolons separate items on one line', () => {
  const { file, diagnostics } = parse('experiment e { data circle { samples = 16; noise = 0.1 }; seed = 2 }');
  assert.deepEqual(diagnostics, []);
  assert.equal(exp(file).items.length, 2);
  assert.equal((exp(file).items[0] as Block).items.length, 2);
});

test('csv blocks take a source and a path: data csv "PATH" { … }', () => {
  const { file, diagnostics } = parse('experiment e {\n  data csv "d/x.csv" { target = y }\n}\n');
  assert.deepEqual(diagnostics, []);
  const data = exp(file).items[0] as Block;
  assert.deepEqual(
    data.labels.map((l) => l.kind),
    ['identifier', 'string'],
  );
});

test('the parser recovers and reports every syntax error in one pass', () => {
  const text = [
    'experiment a {',
    '  seed = = 1',
    '  data circle { samples = 16 }',
    '  network { depth = 2 3 }',
    '  train { steps = (1 + }',
    '}',
    'experiment b {',
    '  data disk { target = x1 * }',
    '}',
  ].join('\n');
  const { file, diagnostics } = parse(text);
  assert.deepEqual(
    diagnostics.map((d) => d.range.start.line),
    [1, 3, 4, 7],
  );
  assert.equal(file.items.length, 2, 'both experiments are in the tree');
  assert.equal(exp(file).items.length, 4, 'every item of `a` is in the tree');
});

test('an unclosed block ends before the next block at its own indentation', () => {
  const { file, diagnostics } = parse('experiment e {\n  data circle {\n    samples = 16\n  network {\n    depth = 2\n  }\n}\n');
  assert.equal(diagnostics.length, 1);
  assert.match(diagnostics[0].message, /block `data` is not closed/);
  assert.deepEqual(
    exp(file).items.map((i) => (i.kind === 'block' ? i.name.name : i.key.name)),
    ['data', 'network'],
  );
});

test('deep nesting is reported, not recursed into (no stack overflow)', () => {
  const deep = `experiment e { seed = ${'('.repeat(100000)}1${')'.repeat(100000)} }`;
  const { diagnostics } = parse(deep);
  assert.ok(diagnostics.some((d) => d.message.includes(`nesting deeper than ${MAX_NESTING}`)));
  const lists = `experiment e { data points { inputs = ${'['.repeat(50000)} } }`;
  assert.ok(parse(lists).diagnostics.length > 0);
  const minus = `experiment e { seed = ${'-'.repeat(50000)}1 }`;
  assert.ok(parse(minus).diagnostics.length > 0);
});

test('the lexer handles CRLF, a BOM, tabs and every number form', () => {
  const { tokens } = lex('\ufeffa\t= 1.5e-3\r\nb = 2E+2\r\n', () => undefined);
  assert.deepEqual(
    Array.from({ length: tokens.count }, (_, j) => tokens.kind(j)),
    ['identifier', '=', 'number', 'newline', 'identifier', '=', 'number', 'newline', 'eof'],
  );
  assert.equal(tokens.number(2), 1.5e-3);
  assert.equal(tokens.number(6), 200);
  assert.deepEqual(tokens.start(4), { line: 1, character: 0, offset: 13 });
  assert.deepEqual(tokens.end(2), { line: 0, character: 11, offset: 11 });
});

test('the tree is immutable in practice: parsing twice gives equal trees', () => {
  const text = 'activation f(x) = x * sigmoid(x)\nexperiment e { data circle {} }\n';
  assert.deepEqual(parse(text), parse(text));
});
