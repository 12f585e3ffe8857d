import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOCKS, KEYS, SOURCES, check, expressionNames, format } from '../../../src/format/index';
import { BUILTIN_ACTIVATION_NAMES, BUILTIN_LOSS_NAMES } from '../../../src/format/schema';
import { GRAMMAR, TEMPLATE, grammarText } from '../../../scripts/grammar';

// The declarative parts of the language support: TextMate grammar, language configuration, snippets,
// icons, and that package.json's contributions point at them.

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const json = <T>(path: string): T => JSON.parse(read(path)) as T;

interface Contributes {
  languages: { id: string; extensions: string[]; configuration: string; icon: { light: string; dark: string } }[];
  grammars: { language: string; scopeName: string; path: string }[];
  snippets: { language: string; path: string }[];
  viewsContainers: { activitybar: { icon: string }[] };
}
const contributes = json<{ contributes: Contributes }>('package.json').contributes;

// ---- grammar ----

interface Rule {
  match?: string;
  begin?: string;
  end?: string;
  name?: string;
  include?: string;
  patterns?: Rule[];
  captures?: Record<string, Rule>;
  beginCaptures?: Record<string, Rule>;
  endCaptures?: Record<string, Rule>;
  repository?: Record<string, Rule>;
}
const grammar = json<Rule & { scopeName: string }>('syntaxes/ntkexp.tmLanguage.json');

function* rules(r: Rule): Generator<Rule> {
  yield r;
  for (const p of r.patterns ?? []) yield* rules(p);
  for (const c of [r.captures, r.beginCaptures, r.endCaptures, r.repository]) for (const x of Object.values(c ?? {})) yield* rules(x);
}
const allRules = [...rules(grammar)];
/** The rule of the grammar whose scope is `name` (first one). */
const scoped = (scope: string): RegExp => {
  const rule = allRules.find((r) => r.name === scope || Object.values(r.captures ?? {}).some((c) => c.name === scope));
  assert.ok(rule?.match, `no match rule for ${scope}`);
  return new RegExp(rule.match as string);
};
/** Every name of the `\b(a|b|c)\b`-style alternations of the rules for `scope`. */
const alternatives = (scope: string): Set<string> => {
  const out = new Set<string>();
  for (const r of allRules) {
    if (!r.match || !(r.name === scope || Object.values(r.captures ?? {}).some((c) => c.name === scope))) continue;
    const m = /\((?:\?:)?([A-Za-z0-9_|]+)\)/.exec(r.match);
    for (const name of m ? m[1].split('|') : []) out.add(name);
  }
  return out;
};

test('the grammar is valid JSON with the scope name package.json declares, for the ntkexp language', () => {
  assert.equal(grammar.scopeName, 'source.ntkexp');
  const declared = contributes.grammars.find((g) => g.language === 'ntkexp');
  assert.ok(declared);
  assert.equal(declared.scopeName, grammar.scopeName);
  assert.equal(declared.path, './syntaxes/ntkexp.tmLanguage.json');
});

test('every include resolves and every regular expression compiles', () => {
  const repository = grammar.repository ?? {};
  for (const r of allRules) {
    if (r.include) assert.ok(r.include === '$self' || r.include.slice(1) in repository, `include ${r.include}`);
    // The grammar keeps to the syntax JavaScript and Oniguruma share (no possessive quantifiers, \h, \A, \z).
    for (const re of [r.match, r.begin, r.end]) if (re !== undefined) assert.doesNotThrow(() => new RegExp(re.replace(/\\G/g, '')), re);
  }
});

test('the grammar is built from its template and the schema: no word list is written by hand', () => {
  const template = readFileSync(TEMPLATE, 'utf8');
  for (const list of ['keys', 'blocks', 'sources', 'functions', 'activations', 'losses', 'values', 'constants']) assert.ok(template.includes(`{{${list}}}`), `the template leaves {{${list}}} to the build`);
  assert.equal(readFileSync(GRAMMAR, 'utf8'), grammarText(), 'syntaxes/ntkexp.tmLanguage.json is what the build writes today');
  assert.throws(() => grammarText(template.replace('{{keys}}', '{{kyes}}')), /no list named \{\{kyes\}\}/);
});

test('the grammar knows the schema: keywords, blocks, keys, sources, built-ins, functions', () => {
  const keys = alternatives('support.type.property-name.ntkexp');
  for (const k of KEYS) assert.ok(keys.has(k.key), `key ${k.key}`);
  const blocks = alternatives('keyword.other.block.ntkexp');
  for (const b of BLOCKS) assert.ok(blocks.has(b.name), `block ${b.name}`);
  const sources = alternatives('support.type.data-source.ntkexp');
  for (const s of SOURCES) assert.ok(sources.has(s.name), `source ${s.name}`);
  const activations = alternatives('support.function.activation.ntkexp');
  for (const a of BUILTIN_ACTIVATION_NAMES) assert.ok(activations.has(a), `activation ${a}`);
  const losses = alternatives('support.function.loss.ntkexp');
  for (const l of BUILTIN_LOSS_NAMES) assert.ok(losses.has(l), `loss ${l}`);
  const functions = alternatives('support.function.builtin.ntkexp');
  for (const f of expressionNames().functions) assert.ok(functions.has(f), `function ${f}`);
  assert.deepEqual([...alternatives('constant.language.boolean.ntkexp')].sort(), ['false', 'true']);
  assert.ok(alternatives('keyword.other.experiment.ntkexp').has('experiment'));
  const definition = new RegExp(grammar.repository?.definition.begin as string);
  assert.ok(definition.test('activation swish(x) = x * sigmoid(x)'));
  assert.ok(definition.test('loss logcosh(y, t) = log(cosh(y - t))'));
  assert.ok(!definition.test('    activation = swish'), 'a setting named activation is not a definition');
});

test('the grammar’s numbers, strings, comments, operators and directions', () => {
  const number = scoped('constant.numeric.ntkexp');
  for (const n of ['250', '1.0', '1e-3', '2.5E+4', '.5']) assert.equal(number.exec(` ${n} `)?.[0], n, n);
  assert.equal(number.exec('x1'), null, 'digits inside a name are not a number');
  assert.equal(scoped('comment.line.number-sign.ntkexp').exec('a = 1 # note')?.[0], '# note');
  assert.ok(scoped('constant.other.direction.ntkexp').test('I12'));
  assert.ok(!scoped('constant.other.direction.ntkexp').test('I0'));
  assert.deepEqual('1+2-3*4/5^6'.match(new RegExp(scoped('keyword.operator.arithmetic.ntkexp').source, 'g')), ['+', '-', '*', '/', '^']);
  const string = grammar.repository?.string;
  assert.equal(string?.begin, '"');
  assert.equal(string?.name, 'string.quoted.double.ntkexp');
});

// ---- language configuration ----

interface LanguageConfiguration {
  comments: { lineComment: string };
  brackets: [string, string][];
  autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  surroundingPairs: [string, string][];
  folding: { offSide: boolean; markers: { start: string; end: string } };
  indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  wordPattern: string;
}

test('the language configuration: # comments, brackets, auto-closing and surrounding pairs', () => {
  assert.equal(contributes.languages[0].configuration, './language-configuration.json');
  const c = json<LanguageConfiguration>('language-configuration.json');
  assert.equal(c.comments.lineComment, '#');
  assert.deepEqual(c.brackets, [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ]);
  const closing = c.autoClosingPairs.map((p) => p.open + p.close);
  for (const pair of ['{}', '[]', '()', '""']) assert.ok(closing.includes(pair), pair);
  assert.deepEqual(c.autoClosingPairs.find((p) => p.open === '"')?.notIn, ['string', 'comment']);
  assert.deepEqual(c.surroundingPairs.map((p) => p.join('')).sort(), ['""', '()', '[]', '{}']);
  assert.ok(new RegExp(c.folding.markers.start).test('  # region data'));
  assert.ok(new RegExp(c.folding.markers.end).test('# endregion'));
});

test('the language configuration indents after an opening brace and outdents at a closing one', () => {
  const { indentationRules, wordPattern } = json<LanguageConfiguration>('language-configuration.json');
  const increase = new RegExp(indentationRules.increaseIndentPattern);
  const decrease = new RegExp(indentationRules.decreaseIndentPattern);
  for (const line of ['experiment e {', '  network {   # the architecture', '  width = [', '  data csv "a{b}.csv" {']) assert.ok(increase.test(line), line);
  for (const line of ['  title = "a {"', '  depth = 3 # {', '  data circle { samples = 8 }']) assert.ok(!increase.test(line), line);
  for (const line of ['}', '  ]', '  }  # end']) assert.ok(decrease.test(line), line);
  const words = 'learning_rate = 1e-3, I1, smooth_relu(x2)'.match(new RegExp(wordPattern, 'g'));
  assert.deepEqual(words, ['learning_rate', '1e-3', 'I1', 'smooth_relu', 'x2']);
});

// ---- snippets ----

interface Snippet {
  prefix: string | string[];
  body: string[];
  description: string;
}
const snippets = json<Record<string, Snippet>>('snippets/ntkexp.json');

/** The text a snippet inserts when every placeholder keeps its default (and a choice its first value). */
function expand(body: readonly string[], indent = ''): string {
  return body
    .map((line) =>
      line
        .replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1')
        .replace(/\$\{\d+:([^}]*)\}/g, '$1')
        .replace(/\$\d+/g, '')
        .replace(/\t/g, '  '),
    )
    .map((line) => (line ? indent + line : line))
    .join('\n');
}

test('snippets: valid JSON, declared in package.json, each with a prefix, a body and a description', () => {
  assert.equal(contributes.snippets.find((s) => s.language === 'ntkexp')?.path, './snippets/ntkexp.json');
  for (const [name, s] of Object.entries(snippets)) {
    assert.ok(typeof s.prefix === 'string' || (Array.isArray(s.prefix) && s.prefix.length > 0), name);
    assert.ok(Array.isArray(s.body) && s.body.length > 0, name);
    assert.ok(s.description.length > 10, name);
  }
  const prefixes = Object.values(snippets).flatMap((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
  for (const p of ['experiment', 'activation', 'loss', 'sweep', ...BLOCKS.map((b) => b.name)]) assert.ok(prefixes.includes(p), `a snippet for ${p}`);
});

test('every snippet, inserted with its defaults, gives a file that checks clean', () => {
  const data = '  data circle {\n    samples = 8\n  }';
  for (const [name, s] of Object.entries(snippets)) {
    const body = expand(s.body);
    let text: string;
    if (body.startsWith('experiment')) text = body;
    else if (body.startsWith('activation')) text = `${body}\nexperiment e {\n${data}\n  network { activation = swish }\n}`;
    else if (body.startsWith('loss')) text = `${body}\nexperiment e {\n${data}\n  loss = logcosh\n}`;
    else if (body.startsWith('data')) text = `experiment e {\n${expand(s.body, '  ')}\n}`;
    else text = `experiment e {\n${data}\n${expand(s.body, '  ')}\n}`;
    const problems = check(text, body.startsWith('data csv') ? { path: join(ROOT, 'examples', 'snippet.ntkexp') } : {});
    assert.deepEqual(
      problems.map((d) => `${d.code}: ${d.message}`),
      [],
      `${name}:\n${text}`,
    );
    assert.ok(format(text).ok, name);
  }
});

test('the experiment snippets are laid out as the formatter lays them out', () => {
  for (const name of ['Experiment', "Experiment: the paper's Figure 1"]) {
    const text = `${expand(snippets[name].body)}`.replace(/\n+$/, '\n');
    const formatted = format(text);
    assert.ok(formatted.ok);
    assert.equal(formatted.text, text, name);
  }
});

// ---- icons ----

test('icons: a 16×16 file icon, and a single-color 24×24 activity-bar icon usable as a mask', () => {
  assert.equal(contributes.languages[0].icon.light, './media/ntkexp-file.svg');
  assert.equal(contributes.viewsContainers.activitybar[0].icon, 'media/ntk.svg');
  const file = read('media/ntkexp-file.svg');
  assert.match(file, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(file, /viewBox="0 0 16 16"/);
  const bar = read('media/ntk.svg');
  assert.match(bar, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(bar, /viewBox="0 0 24 24"/);
  const colors = [...bar.matchAll(/(?:fill|stroke|stop-color|color)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(colors.length > 0);
  for (const c of colors) assert.ok(c === 'currentColor' || c === 'none', `only currentColor in the mask icon, found ${c}`);
  assert.ok(!/style=|<image|opacity=/.test(bar), 'no styles, images or opacity in the mask icon');
  for (const svg of [file, bar]) {
    assert.equal((svg.match(/<svg\b/g) ?? []).length, 1);
    assert.match(svg.trim(), /<\/svg>$/);
    assert.ok(!/<script|href=/.test(svg), 'no scripts or links');
  }
});

test('every file package.json names for the language exists', () => {
  for (const path of [contributes.languages[0].configuration, contributes.languages[0].icon.light, contributes.languages[0].icon.dark, ...contributes.grammars.map((g) => g.path), ...contributes.snippets.map((s) => s.path), contributes.viewsContainers.activitybar[0].icon]) {
    assert.ok(existsSync(join(ROOT, path)), path);
  }
});
