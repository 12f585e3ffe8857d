import { writeReport } from './report';

/**
 * Write a run folder's report.html, or say why not (the report needs the built chart bundle). A run's
 * results are on disk before this is called, so a report that cannot be written loses nothing.
 */
export function writeReportSafely(dir: string): string | undefined {
  try {
    writeReport(dir);
    return undefined;
  } catch (e) {
    return `report.html was not written: ${e instanceof Error ? e.message : String(e)}`;
  }
}
