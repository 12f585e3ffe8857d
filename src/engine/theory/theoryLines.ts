/**
 * Everything a run needs to draw "theory" lines beside its measurements, at its own measurement steps:
 * the path-wise prediction from the trial's Y(0), G(0), the prediction in expectation over
 * initializations, and optionally the mean-field values at initialization. Plain numbers in the
 * result (JSON-able: it can go straight into a `theory` message or `series.jsonl`).
 *
 * MSE uses the closed forms (`msePathwise.ts`, `mseExpected.ts`); any other loss integrates the
 * dynamics (`lossPathwise.ts`), and its expectation is a Monte-Carlo average over draws of
 * (Y(0), G(0)) from their limiting law (`initialDistribution.ts`) when `expected` asks for samples.
 *
 * Cost at N = 256 and 100 steps (measured on the 2-core machine): MSE, both lines, 0.5 s (nL = 1)
 * to 0.9 s (nL = 10); BCE path-wise 2 s (one N³ product per step for Tr I³, Tr I⁴), so a
 * Monte-Carlo expectation costs about that per sample; softmax with nL classes nL(nL+1)/2 N³
 * products per step when kmax ≥ 3 (1.6 s per step for nL = 10), O(N² nL²) when kmax ≤ 2.
 * Undefined values (the S-part under ReLU) are NaN, which JSON writes as null.
 */
import type { Written } from '../../contracts/checks';
import type { TheoryLinesRecord } from '../../contracts/engineMessages';
import type { SampleLoss } from '../../catalogue/losses';
import { Rng } from '../rng';
import { initialDistribution } from './initialDistribution';
import type { InfiniteWidthKernels } from './kernels';
import { lossPathwisePrediction } from './lossPathwise';
import { meanFieldPrediction } from './meanField';
import type { MomentSeries, TrialStart } from './momentSeries';
import { mseExpectedPrediction } from './mseExpected';
import { msePathwisePrediction, mseSetup } from './msePathwise';
import type { DynamicsMode } from './thetaSpectrum';

export interface TheoryLinesRequest {
  readonly kernels: InfiniteWidthKernels;
  readonly loss: SampleLoss;
  /** Targets Y*, N × nL row-major. */
  readonly target: Float64Array;
  readonly nL: number;
  readonly eta: number;
  /** The run's measurement steps. */
  readonly steps: readonly number[];
  /** Highest moment k (default 4). */
  readonly kmax?: number;
  /** 'discrete' (default, A^s: what gradient descent does) or 'flow' (e^{−tΘ̄}). */
  readonly mode?: DynamicsMode;
  /** The trial's own outputs and Hessian traces at initialization, N × nL: path-wise lines. */
  readonly trial?: TrialStart;
  /**
   * Expected lines: true (default) uses the closed forms for MSE and nothing for other losses; with
   * `samples`, other losses average that many draws (seeded by `seed`).
   */
  readonly expected?: boolean | { readonly samples: number; readonly seed: number };
  /** Also the mean-field predictions at initialization. */
  readonly meanField?: boolean;
}

/** A `MomentSeries` without the step axis, which the lines share. */
export type MomentLines = Omit<MomentSeries, 'steps' | 'times'>;

/** The lines as the engine computes them: the contract's shape (src/contracts/engineMessages.ts) with plain numbers. */
export type TheoryLines = Written<TheoryLinesRecord>;

/**
 * Draws of (Y(0), G(0)) behind the expected theory lines of a non-quadratic loss (a Monte-Carlo
 * average): what a run records and what `ntkexp theory` prints by default, one figure for both.
 */
export const EXPECTED_SAMPLES = 200;

/**
 * What an experiment asks of the theory, built in one place for a run's trials and for `ntkexp
 * theory`: the expected lines in closed form for a quadratic loss, else a Monte-Carlo average over
 * `samples` draws (EXPECTED_SAMPLES by default) seeded by the experiment's seed; path-wise lines when
 * a trial's start is given; under mean field, the limits at initialization and nothing through training.
 */
export function experimentTheoryRequest(
  base: Pick<TheoryLinesRequest, 'kernels' | 'loss' | 'target' | 'nL' | 'eta' | 'steps' | 'kmax' | 'mode'>,
  options: { readonly seed: number; readonly meanField: boolean; readonly trial?: TrialStart; readonly samples?: number },
): TheoryLinesRequest {
  if (options.meanField) return { ...base, expected: false, meanField: true };
  return {
    ...base,
    ...(options.trial ? { trial: options.trial } : {}),
    expected: base.loss.quadratic ? true : { samples: options.samples ?? EXPECTED_SAMPLES, seed: options.seed },
  };
}

export function theoryLines(request: TheoryLinesRequest): TheoryLines {
  const { kernels, loss, target, nL, eta, steps } = request;
  const kmax = request.kmax ?? 4;
  const mode = request.mode ?? 'discrete';
  const isMse = loss.quadratic === true;
  const warnings = [...kernels.warnings];
  const common = { target, nL, eta, steps, kmax, mode };
  const setup = isMse ? mseSetup(kernels) : undefined;

  let pathwise: MomentLines | undefined;
  if (request.trial) {
    const { Y0, G0 } = request.trial;
    const p = setup
      ? msePathwisePrediction(setup, { ...common, Y0, G0 })
      : lossPathwisePrediction(kernels, { ...common, loss, Y0, G0 });
    warnings.push(...p.warnings);
    pathwise = lines(p);
  }

  let expected: TheoryLines['expected'];
  const wanted = request.expected ?? true;
  if (wanted && setup) {
    const e = mseExpectedPrediction(setup, kernels, common);
    warnings.push(...e.warnings);
    expected = { ...lines(e), method: 'closed form' };
  } else if (typeof wanted === 'object' && wanted.samples > 0 && !kernels.sPartDefined) {
    warnings.push('no Monte-Carlo expected lines: the law of G(0) is undefined for this nonlinearity');
  } else if (typeof wanted === 'object' && wanted.samples > 0) {
    expected = monteCarlo(request, wanted.samples, wanted.seed, kmax, mode, warnings);
  } else if (wanted) {
    warnings.push(`no closed form for the expected moments under '${loss.name}': ask for Monte-Carlo samples to get expected lines`);
  }

  return {
    loss: loss.name,
    mode,
    kmax,
    steps: [...steps],
    times: steps.map((s) => eta * s),
    ...(pathwise ? { pathwise } : {}),
    ...(expected ? { expected } : {}),
    ...(request.meanField ? { meanField: meanFieldPrediction(kernels, target, nL, loss) } : {}),
    warnings: [...new Set(warnings)],
  };
}

function lines(s: MomentSeries): MomentLines {
  return { traceI: s.traceI, traceS: s.traceS, traceH: s.traceH, loss: s.loss };
}

/** Average of the path-wise lines over draws of (Y(0), G(0)) from their limiting law. */
function monteCarlo(
  request: TheoryLinesRequest,
  samples: number,
  seed: number,
  kmax: number,
  mode: DynamicsMode,
  warnings: string[],
): NonNullable<TheoryLines['expected']> {
  const { kernels, loss, target, nL, eta, steps } = request;
  const law = initialDistribution(kernels);
  const rng = new Rng(seed, 'theory', 'initialization');
  const sum = (a: number[][], b: number[][]) => a.map((row, k) => row.map((v, s) => v + b[k][s]));
  let acc: MomentLines | undefined;
  let squares: number[][] | undefined;
  for (let r = 0; r < samples; r++) {
    const { Y0, G0 } = law.sample(rng, nL);
    const p = lossPathwisePrediction(kernels, { loss, target, nL, eta, steps, kmax, mode, Y0, G0 });
    if (r === 0) warnings.push(...p.warnings);
    const sq = p.traceS.map((row) => row.map((v) => v * v));
    acc = acc
      ? { traceI: sum(acc.traceI, p.traceI), traceS: sum(acc.traceS, p.traceS), traceH: sum(acc.traceH, p.traceH), loss: acc.loss.map((v, s) => v + p.loss[s]) }
      : lines(p);
    squares = squares ? sum(squares, sq) : sq;
  }
  const mean = (a: number[][]) => a.map((row) => row.map((v) => v / samples));
  const m = acc!;
  const meanS = mean(m.traceS);
  const meanSq = mean(squares!);
  return {
    traceI: mean(m.traceI),
    traceS: meanS,
    traceH: mean(m.traceH),
    loss: m.loss.map((v) => v / samples),
    method: 'monte carlo',
    samples,
    traceSStandardError: meanSq.map((row, k) => row.map((v, s) => Math.sqrt(Math.max(0, v - meanS[k][s] ** 2) / Math.max(1, samples - 1)))),
  };
}
