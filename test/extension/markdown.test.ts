import './mock/install';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vscodeMock } from './mock/control';
import { showError, showInformation, showWarning } from '../../src/extension/log';
import { activationMarkdown, lossMarkdown } from '../../src/extension/language/summaries';
import { codeBlock, codeSpan, escapeMarkdown, notificationText, untrustedMarkdown } from '../../src/extension/markdown';
import { at, markdownOf, open, setup } from './language/helpers';
import { INJECTIONS, notificationLinks, render, tagsIn, textOf } from './renderMarkdown';

// Text from workspace files placed into Markdown (tooltips, hovers) or notifications: rendered, it is the
// text itself — no link, image, emphasis, HTML or heading — and notifications carry no link.

const flat = (s: string): string => s.replace(/\r\n?|\n/g, ' ');
/** The text inside the (first) <code> element of rendered HTML. */
const codeText = (html: string): string => textOf(/<code[^>]*>([\s\S]*)<\/code>/.exec(html)?.[1] ?? '');

test('escaped text renders as exactly that text, in one paragraph, for every injection', () => {
  for (const s of INJECTIONS) {
    const html = render(escapeMarkdown(s));
    assert.deepEqual(tagsIn(html), ['p', 'p'], `${JSON.stringify(s)} → ${html}`);
    assert.equal(textOf(html).trim(), flat(s), JSON.stringify(s));
  }
});

test('inline code and code blocks hold any text, backticks included, and nothing escapes them', () => {
  for (const s of [...INJECTIONS, '`', '``x``', ' padded ', '```\n# not a heading\n```']) {
    const span = render(codeSpan(s));
    assert.deepEqual(tagsIn(span), ['p', 'code', 'code', 'p'], `${JSON.stringify(s)} → ${span}`);
    assert.equal(codeText(span), flat(s), JSON.stringify(s));
    const block = render(codeBlock(s, 'ntkexp'));
    assert.deepEqual(tagsIn(block), ['pre', 'code', 'code', 'pre'], `${JSON.stringify(s)} → ${block}`);
    assert.equal(codeText(block), `${s}\n`, JSON.stringify(s));
  }
});

test('hover and completion Markdown: names, formulas and problems from the file are escaped or fenced', () => {
  const evil = '[x](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold** `tick`';
  const activation = activationMarkdown({ name: 'evil_name', formula: `evil(x) = x\n\`\`\`\n${evil}`, custom: true, smooth: true, problem: evil }, 'line 3');
  const html = render(activation);
  assert.deepEqual(tagsIn(html).filter((t) => !['p', 'pre', 'code', 'strong'].includes(t)), [], html);
  assert.equal((html.match(/<strong>/g) ?? []).length, 1, 'only the name is bold');
  assert.ok(textOf(html).includes(`evil(x) = x\n\`\`\`\n${evil}`), 'the formula is shown whole, in its block');
  assert.ok(textOf(html).includes(`No moments: ${evil}`));
  const loss = lossMarkdown('mse');
  assert.ok(loss && tagsIn(render(loss)).includes('pre'));
});

test('a hover on an experiment with a hostile title shows the title as text, and the Markdown is not trusted', async () => {
  setup();
  const title = '[x](command:workbench.action.quit) <img src=x onerror=alert(1)> **bold** `tick`';
  const doc = open(`experiment hostile {\n  title = ${JSON.stringify(title)}\n  data circle { samples = 8 }\n}\n`);
  const hovers = await vscodeMock.hover(doc, at(doc, 'experiment hostile', 12));
  const markdown = markdownOf(hovers);
  const html = render(markdown);
  assert.deepEqual(tagsIn(html), ['p', 'strong', 'strong', 'p'], html);
  assert.equal(textOf(html).trim(), `hostile · experiment: ${title}`);
  const md = hovers[0].contents[0] as { isTrusted?: unknown; supportHtml?: unknown };
  assert.equal(md.isTrusted, false);
  assert.equal(md.supportHtml, false);
});

test('notifications: no link can form from workspace text; the rest of the text is unchanged', async () => {
  for (const s of INJECTIONS) {
    assert.deepEqual(notificationLinks(notificationText(s)), [], s);
    assert.equal(notificationText(s).replace(/\] \(/g, ']('), s);
  }
  assert.ok(notificationLinks(INJECTIONS[0]).length === 1, 'the pattern finds the link before it is broken');
  vscodeMock.reset();
  const evil = 'NTK: run /ws/[x](command:workbench.action.quit) failed: [y](https://evil.example/z)';
  await showError(evil);
  await showWarning(evil, { modal: true }, 'Delete');
  await showInformation(evil);
  const shown = vscodeMock.messages();
  assert.equal(shown.length, 3);
  for (const m of shown) {
    assert.deepEqual(notificationLinks(m), [], m);
    assert.ok(m.includes('/ws/[x] (command:workbench.action.quit)'), m);
  }
  assert.deepEqual((vscodeMock.prompts[1].options as { modal?: boolean }).modal, true);
});

test('untrustedMarkdown: never trusted, no HTML, no theme icons', () => {
  const md = untrustedMarkdown('x');
  assert.equal(md.isTrusted, false);
  assert.equal(md.supportHtml, false);
  assert.equal(md.supportThemeIcons, false);
});
