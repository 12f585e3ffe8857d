/**
 * Chart.js with only the pieces these charts use (tree-shaken by esbuild), the project's own scale and
 * error-band plugin, and the dataset properties the charts add. Importing this module registers them.
 */
import { Chart, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartType } from 'chart.js';
import { errorBandPlugin } from './plugins/errorBand';
import { SymlogScale } from './symlogScale';

declare module 'chart.js' {
  interface ChartDatasetProperties<TType extends ChartType, TData> {
    /** Stable identity across updates (see ChartView.sync), so a hidden dataset stays hidden. */
    key?: string;
    /** Leave out of the legend (per-trial lines, duplicates). */
    inLegend?: boolean;
    /** Draw a ±stderr band from the points' lo/hi (plugins/errorBand.ts). */
    band?: boolean;
    /** The band's opacity relative to the line's color, when not the plugin's default. */
    bandAlpha?: number;
  }
}

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, SymlogScale, Legend, Tooltip, errorBandPlugin);

export { Chart };
