import type { MeasureConfig } from '../config';
import { evaluateLoss, type LossEvaluation } from '../loss/loss';
import type { SampleLoss } from '../../catalogue/losses';
import { Curvature } from '../network/curvature';
import { hessianTracesWithSize } from '../network/hessianTrace';
import { ntkGram } from '../network/ntkGram';
import type { TfNetwork } from '../network/tfNetwork';
import type { MeasurementRecord } from '../../contracts/engineMessages';
import type { Written } from '../../contracts/checks';
import type { Rng } from '../rng';
import { denseCurvature, measureExact, useExactPath } from './exact';
import { measureMatrixFree } from './matrixFree';
import { requireFinite, requireFiniteNumber } from '../nonFinite';
import { ntkSpectrum, type NtkSpectrum } from './ntkSpectrum';
import { Dense64Network } from '../network/dense64';

/** What one measurement yields besides its record: the state the theory and the surface start from. */
export interface Measurement {
  readonly record: Written<MeasurementRecord>;
  readonly outputs: Float64Array;
  readonly loss: LossEvaluation;
  /** G_ik = Tr Hess f_k(x_i). */
  readonly hessianTraces: Float64Array;
  readonly spectrum: NtkSpectrum;
}

export interface MeasureArgs {
  readonly net: TfNetwork;
  readonly targets: Float64Array;
  readonly loss: SampleLoss;
  readonly settings: MeasureConfig;
  readonly trial: number;
  readonly step: number;
  readonly t: number;
  readonly rng: Rng;
}

/** Measure H = I + S at the network's current parameters (matrix-free, or dense for small P). */
export function takeMeasurement(args: MeasureArgs): Measurement {
  const started = performance.now();
  const { net, settings } = args;
  const N = net.N;
  const nL = net.layout.outputDim;
  // The outputs, the loss, ∇C and H_C from the float64 network with the same parameters, on both paths:
  // late in training Y − Y* is small, and the float32 outputs' rounding (≈ 1e-7 of |Y|) would be a large
  // relative error in ∇C, hence in S, that no error bar accounts for. A forward pass costs little.
  const params = Float64Array.from(net.parameterVector());
  const outputs = requireFinite(new Dense64Network(net.spec, params, net.inputs).outputs(), "the network's outputs");
  const loss = finiteLoss(evaluateLoss(args.loss, outputs, args.targets, N, nL));
  const spectrum = ntkSpectrum(requireFinite(ntkGram(net), 'the NTK Gram Θ̂'), loss, settings.moments, settings.top);
  const exact = useExactPath(net.P, settings.exact);
  const traces = hessianTracesWithSize(net, !exact);
  const G = requireFinite(traces.G, 'the Hessian traces G = Tr Hess f');
  let traceS = 0;
  let traceSSize = 0;
  for (let i = 0; i < G.length; i++) {
    traceS += G[i] * loss.gradient[i];
    traceSSize += (traces.size?.[i] ?? 0) * Math.abs(loss.gradient[i]);
  }

  let result;
  if (exact) {
    result = measureExact(denseCurvature(net.spec, params, net.inputs, args.loss, args.targets), settings);
  } else {
    const curv = new Curvature(net, loss);
    try {
      result = measureMatrixFree(curv, spectrum, { value: traceS, absoluteSize: traceSSize, products: net.layout.depth }, settings, args.rng);
    } finally {
      curv.dispose();
    }
  }
  const record: Written<MeasurementRecord> = {
    type: 'measurement',
    trial: args.trial,
    step: args.step,
    t: args.t,
    loss: loss.value,
    moments: result.moments,
    moments_stderr: result.stderr,
    moments_rounding: result.rounding,
    top: result.top,
    bottom: Object.keys(result.bottom).length > 0 ? result.bottom : undefined,
    density: result.density,
    orthogonality: result.orthogonality,
    ntk: { eigenvalues: Array.from(spectrum.ntkEigenvalues) },
    exact,
    applications: result.applications,
    elapsed_ms: performance.now() - started,
  };
  return { record, outputs, loss, hessianTraces: G, spectrum };
}

/** The loss, its gradient and its Hessian blocks, all finite (a custom loss can overflow on finite outputs). */
export function finiteLoss(loss: LossEvaluation): LossEvaluation {
  requireFiniteNumber(loss.value, 'the loss');
  requireFinite(loss.gradient, 'the loss gradient ∇C');
  requireFinite(loss.hessianBlocks, 'the loss Hessian H_C');
  return loss;
}
