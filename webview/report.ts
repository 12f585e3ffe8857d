/**
 * Entry of report.html: reads the run data inlined in the page, checks it, and draws every chart at
 * once (the same chart code as the panel). Works from file:// with no network: everything it needs is
 * in the page (src/run/report.ts builds it).
 */
import './charts/setup';
import { DATA_ELEMENT_ID, ROOT_ELEMENT_ID } from '../src/contracts/report';
import { loadReportData } from './model/reportData';
import { Workspace } from './model/workspace';
import { flushDraws } from './charts/drawQueue';
import { Dashboard } from './ui/dashboard';
import { h } from './ui/dom';
import { exposeTestHook } from './ui/testHook';
import { watchTheme } from './ui/themeWatch';

function main(): void {
  const root = document.getElementById(ROOT_ELEMENT_ID) ?? document.body;
  const stats = { received: 0, rejected: 0, rejections: [] as string[] };
  let data: unknown;
  try {
    data = JSON.parse(document.getElementById(DATA_ELEMENT_ID)?.textContent ?? 'null');
  } catch (e) {
    root.replaceChildren(h('p', { class: 'ntk-notices' }, `This report's data could not be read: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const ws = new Workspace();
  let problems: string[];
  try {
    problems = loadReportData(data, ws);
  } catch (e) {
    root.replaceChildren(h('p', { class: 'ntk-notices' }, `This report cannot be shown: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const meta = data as { generated?: string; generator?: string };
  const dashboard = new Dashboard(root, { footer: `Written by ${meta.generator ?? 'ntkexp'} on ${meta.generated?.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') ?? '—'}. Every number in this page is in it (no network).` });
  for (const p of problems) dashboard.header.addNotice(p);
  stats.rejected = problems.length;
  stats.rejections = problems;
  const hook = exposeTestHook(dashboard, ws, stats);
  dashboard.render(ws);
  // A report is read whole (and printed): every chart drawn before the page is said to be ready.
  flushDraws();
  watchTheme(() => dashboard.retheme());
  hook.ready = true;
}

main();
