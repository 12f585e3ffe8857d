/**
 * Contour lines of a function sampled on a rectangular grid, by marching squares: for one level, the
 * line segments (in the grid's own coordinates) where the bilinear interpolation crosses it. Saddle
 * cells are split by the value at the cell's centre. Cells with a missing corner are skipped.
 */
export type Segment = [x1: number, y1: number, x2: number, y2: number];

/** z[j][i] is the value at (x[i], y[j]). */
export function contourSegments(x: readonly number[], y: readonly number[], z: readonly (readonly (number | null)[])[], level: number): Segment[] {
  const out: Segment[] = [];
  for (let j = 0; j + 1 < y.length; j++) {
    for (let i = 0; i + 1 < x.length; i++) {
      const v00 = z[j][i];
      const v10 = z[j][i + 1];
      const v11 = z[j + 1][i + 1];
      const v01 = z[j + 1][i];
      if (v00 === null || v10 === null || v11 === null || v01 === null) continue;
      if (![v00, v10, v11, v01].every(Number.isFinite)) continue;
      const code = (v00 > level ? 1 : 0) | (v10 > level ? 2 : 0) | (v11 > level ? 4 : 0) | (v01 > level ? 8 : 0);
      if (code === 0 || code === 15) continue;
      const lerp = (a: number, b: number): number => (a === b ? 0.5 : (level - a) / (b - a));
      // Crossing points on the four edges: bottom (00–10), right (10–11), top (01–11), left (00–01).
      const bottom = (): [number, number] => [x[i] + lerp(v00, v10) * (x[i + 1] - x[i]), y[j]];
      const right = (): [number, number] => [x[i + 1], y[j] + lerp(v10, v11) * (y[j + 1] - y[j])];
      const top = (): [number, number] => [x[i] + lerp(v01, v11) * (x[i + 1] - x[i]), y[j + 1]];
      const left = (): [number, number] => [x[i], y[j] + lerp(v00, v01) * (y[j + 1] - y[j])];
      const seg = (a: [number, number], b: [number, number]): void => {
        out.push([a[0], a[1], b[0], b[1]]);
      };
      switch (code) {
        case 1:
        case 14:
          seg(left(), bottom());
          break;
        case 2:
        case 13:
          seg(bottom(), right());
          break;
        case 3:
        case 12:
          seg(left(), right());
          break;
        case 4:
        case 11:
          seg(right(), top());
          break;
        case 6:
        case 9:
          seg(bottom(), top());
          break;
        case 7:
        case 8:
          seg(left(), top());
          break;
        case 5:
        case 10: {
          // Saddle: corners 00 and 11 on one side, 10 and 01 on the other.
          const centre = (v00 + v10 + v11 + v01) / 4 > level;
          const diagonalHigh = code === 5;
          if (centre === diagonalHigh) {
            seg(left(), top());
            seg(bottom(), right());
          } else {
            seg(left(), bottom());
            seg(right(), top());
          }
          break;
        }
      }
    }
  }
  return out;
}

/** `count` levels evenly spaced strictly inside [min, max]. */
export function contourLevels(min: number, max: number, count: number): number[] {
  if (!(max > min) || count < 1) return [];
  return Array.from({ length: count }, (_, i) => min + ((i + 1) / (count + 1)) * (max - min));
}
