/**
 * The data a report.html carries, inlined as JSON in `<script type="application/json"
 * id="ntkexp-data">`: the runs (run.json, the records of series.jsonl, summary.json) and, for a sweep,
 * sweep.json and its summary. src/run/report.ts writes it; webview/report.ts reads it with
 * `loadReportData`, which checks every part as the panel checks its messages.
 */
import { describeSkipped, keepValid } from '../../src/contracts/checks';
import { engineMessageCheck } from '../../src/contracts/engineMessages';
import { REPORT_FORMAT } from '../../src/contracts/report';
import type { EngineMessage } from './types';
import { validateRunInfo, validateRunSummary, validateSweepInfo, validateSweepSummary } from './validate';
import type { Workspace } from './workspace';


/**
 * Put a report's data into a workspace. Returns the problems found (a malformed record is skipped and
 * counted, not fatal); throws only when the data is not a report at all.
 */
export function loadReportData(data: unknown, ws: Workspace): string[] {
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== REPORT_FORMAT) {
    throw new Error(`the inlined data is not an ntkexp report (expected format "${REPORT_FORMAT}")`);
  }
  const d = data as { runs?: unknown; sweep?: unknown };
  const problems: string[] = [];
  if (d.sweep !== undefined) {
    const s = d.sweep as { info?: unknown; summary?: unknown };
    const info = validateSweepInfo(s.info);
    const summary = s.summary === undefined ? undefined : validateSweepSummary(s.summary);
    if (!info.ok) problems.push(info.error);
    else if (summary && !summary.ok) problems.push(summary.error);
    else ws.ingest({ type: 'sweepInfo', info: info.value, ...(summary?.ok ? { summary: summary.value } : {}) });
  }
  if (!Array.isArray(d.runs)) throw new Error('the inlined report has no runs');
  for (const [i, raw] of d.runs.entries()) {
    const run = raw as { info?: unknown; records?: unknown; summary?: unknown };
    const info = validateRunInfo(run.info);
    if (!info.ok) {
      problems.push(`run ${i}: ${info.error}; its records are not shown`);
      continue;
    }
    ws.ingest({ type: 'runInfo', info: info.value });
    if (run.summary !== undefined) {
      const summary = validateRunSummary(run.summary);
      if (summary.ok) ws.ingest({ type: 'summary', summary: summary.value });
      else problems.push(`run ${info.value.id}: ${summary.error}`);
    }
    const records = Array.isArray(run.records) ? run.records : [];
    const { valid, skipped } = keepValid(records, engineMessageCheck, (j) => `record ${j}`);
    for (const m of valid as EngineMessage[]) ws.ingest({ ...m, run: m.run ?? info.value.id });
    if (skipped) problems.push(describeSkipped(skipped, `run ${info.value.id}`));
  }
  return problems;
}
