/**
 * The fixed names of report.html and the panel page: the format of the inlined data (written by
 * src/run/report.ts, read by webview/model/reportData.ts) and the ids of its element and of the
 * element the charts are drawn into (shared with the editor's panel page, src/extension/panels/html.ts).
 */
export const REPORT_FORMAT = 'ntkexp-report/1';
export const DATA_ELEMENT_ID = 'ntkexp-data';
/** The element the charts are drawn into, in report.html and in the editor's panel. */
export const ROOT_ELEMENT_ID = 'ntkexp-root';
