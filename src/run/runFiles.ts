/**
 * The files of a run folder and their names (their shapes: src/contracts/runStore.ts). One folder per run:
 *
 *   run.json         RunInfo: the resolved experiment, source file and hash, backend, versions, times, status
 *   series.jsonl     one JSON record per line (measurement, surface, theory, log), appended and flushed as
 *                    made; a torn last line (a crash mid-write) is ignored on reading
 *   summary.json     RunSummary: means and standard errors over trials, deviations from theory, timings
 *   report.html      one offline file with the panel's charts and the data inlined
 *   params-*.json    with --save-params (params.ts)
 *
 * A sweep groups its runs in one folder with sweep.json (SweepInfo) and a sweep summary.
 */
export const RUN_FILE = 'run.json';
export const SERIES_FILE = 'series.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const REPORT_FILE = 'report.html';
export const SWEEP_FILE = 'sweep.json';
export const SWEEP_SUMMARY_FILE = 'sweep-summary.json';

