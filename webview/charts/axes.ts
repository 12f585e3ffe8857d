/**
 * Axis configurations shared by the charts: the logarithmic time axis (t = 0 drawn at η/2 and labeled
 * "0", see model/time.ts), logarithmic and symmetric-log value axes with paper-style tick labels.
 */
import type { ChartOptions, Scale, Tick } from 'chart.js';
import type { TimeAxis } from '../model/time';
import { decadeLabel, formatValue, superscript } from './format';
import { chooseLogLabels } from './scaleMath';
import { withAlpha, type Theme } from './theme';

/** One entry of `options.scales` (Chart.js's deep-partial scale options). */
export type Cartesian = NonNullable<ChartOptions<'line'>['scales']>[string];

function title(text: string, theme: Theme): NonNullable<Cartesian>['title'] {
  return { display: true, text, color: theme.fg, font: { size: theme.fontSize + 1 } } as NonNullable<Cartesian>['title'];
}

function common(theme: Theme): object {
  const minor = withAlpha(theme.grid, 0.45);
  return {
    // On log axes the unlabeled ticks (2…9 × 10^e) get fainter grid lines than the labeled ones.
    grid: { color: (c: { tick?: Tick; scale?: Scale }) => (c.tick && !c.tick.major && c.scale?.type === 'logarithmic' ? minor : theme.grid), tickColor: theme.grid },
    border: { color: theme.muted },
    ticks: { color: theme.muted, font: { size: theme.fontSize } },
  };
}

function roomFor(scale: Scale): number {
  return Math.max(2, Math.floor(scale.isHorizontal() ? scale.width / 64 : scale.height / 24));
}

/** Mark the labeled ticks (see chooseLogLabels), adding any that Chart.js did not generate. */
function markLogTicks(scale: Scale, lowest: number = scale.min): void {
  const labels = chooseLogLabels(Math.max(scale.min, lowest), scale.max, roomFor(scale));
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= Math.abs(b) * 1e-6;
  const ticks: Tick[] = scale.ticks.filter((t) => t.value >= lowest).map((t) => ({ value: t.value, major: labels.some((v) => near(t.value, v)) }));
  for (const v of labels) if (!ticks.some((t) => near(t.value, v))) ticks.push({ value: v, major: true });
  ticks.sort((a, b) => a.value - b.value);
  scale.ticks = ticks;
}

/**
 * A labeled log tick: plain numbers (0.01, 1, 1000) unless the labels are decades reaching 10⁴ or
 * 10⁻⁴, in which case every decade is written 10ⁿ, as papers do.
 */
const logLabel = (value: number | string, index: number, ticks: Tick[]): string => {
  if (!ticks[index]?.major) return '';
  const v = Number(value);
  const labeled = ticks.filter((t) => t.major && t.value > 0).map((t) => Math.log10(t.value));
  const decades = labeled.every((e) => Math.abs(e - Math.round(e)) < 1e-6);
  if (decades && labeled.some((e) => Math.abs(e) >= 3.5)) return `10${superscript(Math.round(Math.log10(v)))}`;
  return formatValue(v).replace(/^1×10/, '10');
};

/** t on a log axis from η/2 (where t = 0 is drawn) to the last time. */
export function timeScale(axis: TimeAxis, theme: Theme, text = 't = η · step'): Cartesian {
  const zero = axis.zeroAt;
  return {
    type: 'logarithmic',
    min: zero / 1.6,
    title: title(`${text}   (t = 0 drawn at η/2)`, theme),
    ...common(theme),
    afterBuildTicks(scale: Scale) {
      // The position of t = 0 gets a tick labeled 0; labels and grid lines start at t = η (one step).
      markLogTicks(scale, zero * 2 * (1 - 1e-9));
      scale.ticks.unshift({ value: zero, major: true });
    },
    ticks: {
      color: theme.muted,
      font: { size: theme.fontSize },
      autoSkip: false,
      maxRotation: 0,
      callback(value: number | string, index: number, ticks: Tick[]) {
        const v = Number(value);
        if (Math.abs(v - zero) < zero * 1e-9) return '0';
        return logLabel(v, index, ticks);
      },
    },
  } as unknown as Cartesian;
}

export function logScale(text: string, theme: Theme): Cartesian {
  return {
    type: 'logarithmic',
    title: title(text, theme),
    ...common(theme),
    afterBuildTicks: (scale: Scale) => markLogTicks(scale),
    ticks: { color: theme.muted, font: { size: theme.fontSize }, autoSkip: false, maxRotation: 0, callback: logLabel },
  } as unknown as Cartesian;
}

export function linearScale(text: string, theme: Theme, extra: object = {}): Cartesian {
  return {
    type: 'linear',
    title: title(text, theme),
    ...common(theme),
    ticks: { color: theme.muted, font: { size: theme.fontSize }, maxRotation: 0, callback: (v: number | string) => formatValue(Number(v)) },
    ...extra,
  } as unknown as Cartesian;
}

/** ±10^e on a symmetric-log axis; all written 10ⁿ when any reaches 10⁻³ or 10⁴ (as logLabel). */
const symlogLabel = (value: number | string, _index: number, ticks: Tick[]): string => {
  const v = Number(value);
  const wide = ticks.some((t) => t.value !== 0 && Math.abs(Math.log10(Math.abs(t.value))) >= 2.5);
  if (!wide || v === 0) return decadeLabel(v);
  return `${v < 0 ? '−' : ''}10${superscript(Math.round(Math.log10(Math.abs(v))))}`;
};

export function symlogScale(text: string, theme: Theme, linthresh: number): Cartesian {
  return {
    type: 'symlog',
    linthresh,
    title: title(text, theme),
    ...common(theme),
    ticks: { color: theme.muted, font: { size: theme.fontSize }, autoSkip: false, maxRotation: 0, callback: symlogLabel },
  } as unknown as Cartesian;
}
