/**
 * Sizes as people read them, in binary units (a file limit of 64 MiB, a free disk of 1.2 GiB): one
 * formatter for every message that states a size, so a limit and the figure it refuses read alike.
 */
export function bytesText(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unbounded';
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (bytes < 1024) return `${Math.round(bytes)} bytes`;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(1))} ${units[i]}`;
}
