/**
 * src/run/report.ts without a browser: the page's structure and Content-Security-Policy, the inlined
 * data surviving hostile strings, run and sweep folders (a torn last line ignored), and the error when
 * the chart bundle was not built. The browser tests (report.browser.test.ts) open the result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReportHtml, jsonForScript, reportAssets, reportCsp, reportData, scriptForInline, writeReport } from '../../src/run/report';
import type { EngineMessage } from '../../src/contracts/engineMessages';
import { FIXTURES, readFixtureRun } from '../../scripts/panelHarness';

const assets = { script: 'globalThis.loaded = "</script>" + "<!--";', css: 'body { color: red; } /* </style> */' };
const run = readFixtureRun();

/** The text of the element with this opening tag, up to its closing tag. */
function between(html: string, open: string, close: string): string {
  const a = html.indexOf(open);
  assert.ok(a >= 0, `no ${open}`);
  const b = html.indexOf(close, a + open.length);
  return html.slice(a + open.length, b);
}

function tempCopy(dir: string): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-report-'));
  fs.cpSync(dir, to, { recursive: true });
  return to;
}

test('the page: strict CSP with one nonce on its script and style, nothing from the network', () => {
  const html = buildReportHtml({ ...run, assets });
  assert.match(html, /^<!doctype html>\n<html lang="en">/);
  const nonce = html.match(/script-src 'nonce-([A-Za-z0-9+/=]+)'/)![1];
  assert.ok(nonce.length >= 24);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">`));
  assert.match(reportCsp(nonce), /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+'; img-src data: blob:; base-uri 'none'; form-action 'none'$/);
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.ok(html.includes(`<script nonce="${nonce}">`));
  assert.equal(html.match(/<script nonce=/g)!.length, 1, 'one executable script');
  assert.doesNotMatch(html, /\b(src|href)=["']?(https?:|\/\/)/, 'no remote resources');
  // A fresh nonce every time.
  assert.notEqual(buildReportHtml({ ...run, assets }).match(/nonce-([^']+)'/)![1], nonce);
  // The inlined script and style cannot close their elements early.
  assert.ok(!between(html, `<script nonce="${nonce}">`, '\n</script>').includes('</script'));
  assert.ok(!between(html, `<style nonce="${nonce}">`, '\n</style>').includes('</style'));
  assert.equal(scriptForInline('a = "</SCRIPT>"; b = "<!--";'), 'a = "<\\/SCRIPT>"; b = "<\\!--";');
});

test('the inlined data round-trips, with </script>, <!--, & and U+2028/2029 in it; params are left out', () => {
  const hostile = '</script><script>alert(1)</script> <!-- & \u2028 \u2029 "quoted"';
  const records: EngineMessage[] = [
    ...run.records,
    { type: 'log', run: run.info.id, trial: 0, level: 'warning', message: hostile },
    { type: 'params', run: run.info.id, trial: 0, which: 'initial', content: {} } as unknown as EngineMessage,
  ];
  const generated = new Date('2025-02-03T04:05:06.000Z');
  const html = buildReportHtml({ ...run, records, assets, generated });
  const json = between(html, '<script type="application/json" id="ntkexp-data">', '</script>');
  assert.doesNotMatch(json, /[<>&\u2028\u2029]/);
  const data = JSON.parse(json);
  assert.deepEqual(data, JSON.parse(JSON.stringify(reportData({ ...run, records, generated }))));
  assert.equal(data.format, 'ntkexp-report/1');
  assert.equal(data.runs.length, 1);
  assert.equal(data.runs[0].records.length, run.records.length + 1, 'params dropped');
  assert.equal(data.runs[0].records.at(-1).message, hostile);
  assert.equal(JSON.parse(jsonForScript({ s: hostile })).s, hostile);
  assert.ok(html.includes('<title>Circle, width 64: moments of H, I and S through training — circle-20250101-000000</title>'));
});

test('writeReport reads a run folder, ignoring a torn last line of series.jsonl', () => {
  const dir = tempCopy(path.join(FIXTURES, 'run-circle'));
  try {
    fs.appendFileSync(path.join(dir, 'series.jsonl'), '{"type":"measurement","trial":1,"st');
    const file = writeReport(dir, assets);
    assert.equal(file, path.join(dir, 'report.html'));
    const data = JSON.parse(between(fs.readFileSync(file, 'utf8'), '<script type="application/json" id="ntkexp-data">', '</script>'));
    assert.equal(data.runs[0].records.length, run.records.length);
    assert.equal(data.runs[0].summary.format, 'ntkexp-summary/1');
    assert.equal(data.runs[0].info.id, run.info.id);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("writeReport on a sweep folder inlines sweep.json and every run, in the sweep's order", () => {
  const dir = tempCopy(path.join(FIXTURES, 'sweep-width'));
  try {
    const data = JSON.parse(between(fs.readFileSync(writeReport(dir, assets), 'utf8'), '<script type="application/json" id="ntkexp-data">', '</script>'));
    assert.equal(data.sweep.info.format, 'ntkexp-sweep/1');
    assert.deepEqual(
      data.runs.map((r: { info: { id: string } }) => r.info.id),
      ['widths-width-32', 'widths-width-128', 'widths-width-512'],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('without the chart bundle the error says to run npm run build; a folder that is not a run says so', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ntkexp-empty-'));
  try {
    assert.throws(() => reportAssets(empty), /report\.js\) is missing: run `npm run build`/);
    assert.throws(() => writeReport(empty, assets), /neither a run folder \(run\.json\) nor a sweep folder \(sweep\.json\)/);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
