import { orNaN, type EngineMessage } from '../contracts/engineMessages';
import type { CliIO } from './io';

/**
 * The live progress line on a terminal (stderr): trials done and running, the slowest running trial's
 * step, its loss, measurements made, and an ETA from the fraction of training steps done so far.
 * Redrawn at most four times a second.
 */
export class ProgressLine {
  private readonly trials = new Map<string, { step: number; steps: number; loss: number; measurements: number; measurementsTotal: number; done: boolean }>();
  private readonly started = Date.now();
  private last = 0;
  private shown = false;

  constructor(private readonly io: CliIO) {}

  update(m: EngineMessage): void {
    const key = `${m.run}#${m.trial}`;
    if (m.type === 'progress') {
      this.trials.set(key, { step: m.step, steps: m.steps, loss: orNaN(m.loss), measurements: m.measurements, measurementsTotal: m.measurements_total, done: false });
    } else if (m.type === 'finished' || m.type === 'failed' || m.type === 'cancelled') {
      const t = this.trials.get(key);
      if (t) t.done = true;
      else this.trials.set(key, { step: 0, steps: 0, loss: NaN, measurements: 0, measurementsTotal: 0, done: true });
    } else {
      return;
    }
    const now = Date.now();
    if (now - this.last < 250) return;
    this.last = now;
    this.draw();
  }

  clear(): void {
    if (this.shown) this.io.stderr('\r\x1b[2K');
    this.shown = false;
  }

  private draw(): void {
    const all = [...this.trials.values()];
    const running = all.filter((t) => !t.done);
    const done = all.length - running.length;
    const fraction = all.reduce((s, t) => s + (t.done ? 1 : t.steps > 0 ? t.step / t.steps : 0), 0) / Math.max(all.length, 1);
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0.01 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const slowest = running.sort((a, b) => a.step / Math.max(a.steps, 1) - b.step / Math.max(b.steps, 1))[0];
    const parts = [`trials ${done} done, ${running.length} running`];
    if (slowest) parts.push(`step ${slowest.step}/${slowest.steps}`, `loss ${slowest.loss.toPrecision(4)}`, `measurements ${slowest.measurements}/${slowest.measurementsTotal}`);
    parts.push(`${(100 * fraction).toFixed(0)}%`, `ETA ${Number.isFinite(eta) ? clock(eta) : '…'}`);
    let line = parts.join(' · ');
    const width = this.io.columns?.() ?? 100;
    if (line.length > width - 1) line = line.slice(0, width - 2) + '…';
    this.io.stderr(`\r\x1b[2K${line}`);
    this.shown = true;
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
