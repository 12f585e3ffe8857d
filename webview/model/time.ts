/**
 * Where t goes on a logarithmic time axis. t = η·step, and t = 0 (the initialization, where the
 * theory starts) has no place on a log axis: it is drawn at t = η/2, half a gradient step, and the
 * axis labels that position "0". η is read off the records (t/step of any step > 0); with only
 * step 0 measured, η = 1.
 */
export interface TimeAxis {
  /** The learning rate as applied (t per step). */
  eta: number;
  /** Where t = 0 is drawn: η/2. */
  zeroAt: number;
}

export function timeAxis(samples: Iterable<{ step: number; t: number }>): TimeAxis {
  for (const s of samples) {
    if (s.step > 0 && s.t > 0) {
      const eta = s.t / s.step;
      return { eta, zeroAt: eta / 2 };
    }
  }
  return { eta: 1, zeroAt: 0.5 };
}

/** The x coordinate of time t on the log axis. */
export function plotTime(t: number, axis: TimeAxis): number {
  return t > 0 ? t : axis.zeroAt;
}
