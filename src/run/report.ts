/**
 * report.html: one self-contained offline page with the panel's charts and the run's data inlined
 * (issue "Runs"). The page holds the browser bundle `dist/report.js` (webview/report.ts, the same chart
 * code as the editor's panel), the stylesheet `media/ntkexp.css`, and the data as JSON in
 * `<script type="application/json" id="ntkexp-data">`. A strict Content-Security-Policy allows only the
 * page's own nonce-tagged script and style, and images from data: URLs (a chart saved as PNG); nothing
 * is fetched, so the file works from file:// and offline.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { version } from '../../package.json';
import { DATA_ELEMENT_ID, REPORT_FORMAT, ROOT_ELEMENT_ID } from '../contracts/report';
import { isStoredRecord, type EngineMessage } from '../contracts/engineMessages';
import { readRun, readSweep, RunStoreError, type StoredRun, type StoredSweep } from './readStore';
import { existsNoFollow } from './regularFile';
import { REPORT_FILE, RUN_FILE, SWEEP_FILE } from './runFiles';
import type { ReportData, ReportRun, RunInfo, RunSummary, SweepInfo, SweepSummary } from '../contracts/runStore';
import { writeFileAtomic } from './storeWrites';

export interface ReportRunInput {
  info: RunInfo;
  /** The run's records (series.jsonl, or messages as they came): measurement, surface, theory, log, …; `params` are left out. */
  records: readonly EngineMessage[];
  summary?: RunSummary;
}

export interface ReportInput extends ReportRunInput {
  /** For a sweep: sweep.json, its summary, and every run of it (the run above is shown first). */
  sweep?: { info: SweepInfo; summary?: SweepSummary; runs: readonly ReportRunInput[] };
  /** The script and stylesheet to inline (default: found by `reportAssets()`). */
  assets?: ReportAssets;
  /** Time written into the page (default: now). */
  generated?: Date;
}

export interface ReportAssets {
  /** The browser bundle, dist/report.js. */
  script: string;
  /** media/ntkexp.css. */
  css: string;
}


/**
 * Where the report's script and stylesheet are: beside the running bundle (dist/cli.js → dist/report.js,
 * media/ next to dist/), or in the repository when running from source (src/run → dist/, media/).
 */
export function reportAssetPaths(from: string = __dirname): { script: string | undefined; css: string | undefined; searched: string[] } {
  const scripts = [path.join(from, 'report.js'), path.join(from, '..', 'dist', 'report.js'), path.join(from, '..', '..', 'dist', 'report.js')];
  const styles = [path.join(from, 'ntkexp.css'), path.join(from, '..', 'media', 'ntkexp.css'), path.join(from, '..', '..', 'media', 'ntkexp.css')];
  return { script: scripts.find((f) => fs.existsSync(f)), css: styles.find((f) => fs.existsSync(f)), searched: [...scripts, ...styles] };
}

export function reportAssets(from: string = __dirname): ReportAssets {
  const found = reportAssetPaths(from);
  if (!found.script) {
    throw new Error(`the report's chart bundle (report.js) is missing: run \`npm run build\` to make dist/report.js (looked in ${found.searched.filter((f) => f.endsWith('.js')).join(', ')})`);
  }
  if (!found.css) {
    throw new Error(`the report's stylesheet (media/ntkexp.css) is missing: reinstall ntkexp or run \`npm run build\` from its repository (looked in ${found.searched.filter((f) => f.endsWith('.css')).join(', ')})`);
  }
  return { script: fs.readFileSync(found.script, 'utf8'), css: fs.readFileSync(found.css, 'utf8') };
}

/**
 * JSON that is safe inside a <script> element: `<`, `>` and `&` as \u escapes (so no `</script>` or
 * `<!--` can end or confuse the element), and the line separators U+2028/U+2029 escaped too. Only JSON
 * strings can hold these characters, where the escapes mean the same thing.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script's text made safe to inline: no `</script` or `<!--` that the HTML parser would act on. */
export function scriptForInline(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** A stylesheet made safe to inline in <style>. */
export function styleForInline(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function reportRun(r: ReportRunInput): ReportRun {
  return { info: r.info, records: r.records.filter(isStoredRecord), ...(r.summary ? { summary: r.summary } : {}) };
}

/** The data the page inlines (exported for tests). */
export function reportData(input: ReportInput): ReportData {
  const runs = [reportRun(input), ...(input.sweep?.runs ?? []).filter((r) => r.info.id !== input.info.id).map(reportRun)];
  return {
    format: REPORT_FORMAT,
    generated: (input.generated ?? new Date()).toISOString(),
    generator: `ntkexp ${version}`,
    runs,
    ...(input.sweep ? { sweep: { info: input.sweep.info, ...(input.sweep.summary ? { summary: input.sweep.summary } : {}) } } : {}),
  };
}

/** The Content-Security-Policy of a report with this nonce. */
export function reportCsp(nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `img-src data: blob:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

/** One self-contained HTML page: the charts of a run (or of a sweep's runs) with its data inlined. */
export function buildReportHtml(input: ReportInput): string {
  const assets = input.assets ?? reportAssets();
  const nonce = crypto.randomBytes(18).toString('base64');
  const title = input.sweep ? `${input.sweep.info.experiment}: sweep ${input.sweep.info.id}` : `${input.info.title} — ${input.info.id}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="generator" content="ntkexp ${escapeHtml(version)}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${nonce}">`,
    styleForInline(assets.css),
    '</style>',
    '</head>',
    '<body>',
    `<main id="${ROOT_ELEMENT_ID}"><noscript>This report draws its charts with JavaScript; allow scripts for this file to see them.</noscript></main>`,
    `<script type="application/json" id="${DATA_ELEMENT_ID}">${jsonForScript(reportData(input))}</script>`,
    `<script nonce="${nonce}">`,
    scriptForInline(assets.script),
    '</script>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runInput(run: StoredRun): ReportRunInput {
  return { info: run.info, records: run.records, ...(run.summary ? { summary: run.summary } : {}) };
}

/** The runs of a sweep folder, in sweep.json's order: those whose folder is confined and readable. */
function readSweepRuns(sweep: StoredSweep): ReportRunInput[] {
  const runs: ReportRunInput[] = [];
  for (const r of sweep.runs) {
    if (!r.dir || !existsNoFollow(path.join(r.dir, RUN_FILE))) continue;
    try {
      runs.push(runInput(readRun(r.dir)));
    } catch (e) {
      if (!(e instanceof RunStoreError)) throw e;
    }
  }
  return runs;
}

/**
 * Write report.html into a run folder (run.json, the readable records of series.jsonl, summary.json if
 * readable), or into a sweep folder (sweep.json and its runs' sub-folders: the sweep's comparison
 * charts, then each run). Every file is read through the checked reader (readStore.ts). Returns the file
 * written. Throws if the chart bundle is missing (run `npm run build`) or the folder is neither.
 */
export function writeReport(folder: string, assets?: ReportAssets): string {
  let input: ReportInput;
  if (existsNoFollow(path.join(folder, RUN_FILE))) {
    input = runInput(readRun(folder));
  } else if (existsNoFollow(path.join(folder, SWEEP_FILE))) {
    const sweep = readSweep(folder);
    const runs = readSweepRuns(sweep);
    if (runs.length === 0) throw new Error(`${folder}: the sweep has no readable run folders yet (no sub-folder with a valid ${RUN_FILE})`);
    input = { ...runs[0], sweep: { info: sweep.info, ...(sweep.summary ? { summary: sweep.summary } : {}), runs } };
  } else {
    throw new Error(`${folder} is neither a run folder (${RUN_FILE}) nor a sweep folder (${SWEEP_FILE})`);
  }
  const html = buildReportHtml({ ...input, assets: assets ?? reportAssets() });
  const out = path.join(folder, REPORT_FILE);
  writeFileAtomic(out, html);
  return out;
}
