/**
 * Thin a long series for a log x axis (Chart.js's decimation plugin only handles linear and time axes):
 * the points with x ≤ 0 are kept, the rest are grouped into `bins` logarithmically spaced bins, each
 * keeping its first, lowest, highest and last point (so spikes survive). Sorted input, sorted output.
 */
export function decimateLog<P extends { x: number; y: number }>(points: readonly P[], bins: number): P[] {
  if (points.length <= bins * 4) return points.slice();
  const positive = points.filter((p) => p.x > 0);
  const out: P[] = points.filter((p) => !(p.x > 0));
  if (positive.length === 0) return out;
  const lo = Math.log(positive[0].x);
  const hi = Math.log(positive[positive.length - 1].x);
  const width = (hi - lo) / bins || 1;
  let start = 0;
  while (start < positive.length) {
    const bin = Math.min(bins - 1, Math.floor((Math.log(positive[start].x) - lo) / width));
    let end = start;
    while (end < positive.length && Math.min(bins - 1, Math.floor((Math.log(positive[end].x) - lo) / width)) === bin) end++;
    let min = start;
    let max = start;
    for (let i = start; i < end; i++) {
      if (positive[i].y < positive[min].y) min = i;
      if (positive[i].y > positive[max].y) max = i;
    }
    for (const i of [...new Set([start, min, max, end - 1])].sort((a, b) => a - b)) out.push(positive[i]);
    start = end;
  }
  return out;
}
