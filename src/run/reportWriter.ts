import { writeReport } from './report';
import { WriteFailed } from './storeWrites';

/**
 * Write a run folder's report.html, or say why not (the report needs the built chart bundle). A run's
 * results are on disk before this is called, so a report that cannot be built loses nothing. A disk
 * that refuses the write (`WriteFailed`) is not a missing report but the run's failure: it is thrown, for
 * the run to end as failed with the reason.
 */
export function writeReportSafely(dir: string): string | undefined {
  try {
    writeReport(dir);
    return undefined;
  } catch (e) {
    if (e instanceof WriteFailed) throw e;
    return `report.html was not written: ${e instanceof Error ? e.message : String(e)}`;
  }
}
