/**
 * Entry of the editor's run panel. Listens for the extension's
 * messages (panelProtocol.ts), checks each one structurally before use, ingests it, and redraws at
 * most once a frame; keeps the reader's choices with the webview state API so they survive a reload;
 * says `{type: 'ready'}` when listening so the extension can (re)play the run's data.
 */
import './charts/setup';
import type { PanelReply } from '../src/contracts/panelMessages';
import { ROOT_ELEMENT_ID } from '../src/contracts/report';
import { describeSkipped } from '../src/contracts/checks';
import { validatePanelMessage } from './model/validate';
import { Workspace } from './model/workspace';
import { drawWithinBudget } from './charts/drawQueue';
import { Dashboard } from './ui/dashboard';
import { restoreState, type UiState } from './ui/state';
import { exposeTestHook } from './ui/testHook';
import { watchTheme } from './ui/themeWatch';
import { exportCharts } from './ui/exportCharts';

interface VsCodeApi {
  postMessage(message: PanelReply): void;
  getState(): unknown;
  setState(state: { ui: UiState; panel?: unknown }): void;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

const MAX_REJECTIONS_KEPT = 20;

function main(): void {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const stored = api?.getState() as { ui?: unknown } | undefined;
  // Which runs this panel shows, as the extension wrote it into the page: kept in the state so that the
  // extension's serializer can revive the panel on the same runs after a window reload.
  const identity = readIdentity();
  const root = document.getElementById(ROOT_ELEMENT_ID) ?? document.body;
  const ws = new Workspace();
  const dashboard = new Dashboard(root, { state: restoreState(stored?.ui), onState: (ui) => api?.setState({ ui, panel: identity }) });
  api?.setState({ ui: restoreState(stored?.ui), panel: identity });
  const stats = { received: 0, rejected: 0, rejections: [] as string[] };
  const hook = exposeTestHook(dashboard, ws, stats);

  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      dashboard.render(ws);
      // The data is in every chart now; the drawing is spread over frames, visible charts first.
      drawWithinBudget();
    });
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    stats.received++;
    const request = exportRequest(event.data);
    if (request !== undefined) {
      dashboard.render(ws);
      api?.postMessage({ type: 'exported', request, charts: exportCharts() });
      return;
    }
    const result = validatePanelMessage(event.data);
    if (!result.ok) {
      stats.rejected++;
      if (stats.rejections.length < MAX_REJECTIONS_KEPT) stats.rejections.push(result.error);
      console.warn(`ntkexp panel: message dropped: ${result.error}`);
      api?.postMessage({ type: 'rejected', reason: result.error });
      return;
    }
    if (result.skipped) {
      // Some members of a batch were unreadable: the rest is drawn, the page and the extension's log say so.
      const reason = describeSkipped(result.skipped, 'a batch of live updates');
      stats.rejected += result.skipped.count;
      if (stats.rejections.length < MAX_REJECTIONS_KEPT) stats.rejections.push(reason);
      ws.skipped(result.skipped);
      api?.postMessage({ type: 'rejected', reason });
      schedule();
    }
    if (ws.ingest(result.value)) schedule();
  });

  dashboard.render(ws);
  watchTheme(() => dashboard.retheme());
  hook.ready = true;
  api?.postMessage({ type: 'ready' });
}

/** `{type: 'export', request: n}` from the extension (Export Charts…), or undefined. */
function exportRequest(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const m = data as { type?: unknown; request?: unknown };
  return m.type === 'export' && typeof m.request === 'number' && Number.isInteger(m.request) ? m.request : undefined;
}

function readIdentity(): unknown {
  const meta = document.querySelector('meta[name="ntkexp-panel"]');
  const content = meta?.getAttribute('content');
  if (!content) return undefined;
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
}

main();
