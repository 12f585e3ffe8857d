import type { MeasureConfig } from '../config';
import { evaluateLoss, type LossEvaluation } from '../loss/loss';
import type { SampleLoss } from '../../catalogue/losses';
import { Curvature } from '../network/curvature';
import { hessianTracesWithSize } from '../network/hessianTrace';
import { ntkGram } from '../network/ntkGram';
import type { TfNetwork } from '../network/tfNetwork';
import type { MeasurementRecord } from '../../contracts/engineMessages';
import type { Written } from '../../contracts/checks';
import { denseCurvature, measureExact, useExactPath } from './exact';
import { measureMatrixFree } from './matrixFree';
import { requireFinite, requireFiniteNumber } from '../nonFinite';
import { ntkSpectrum, type NtkSpectrum } from './ntkSpectrum';
import { Dense64Network } from '../network/dense64';
import { preconditionedSharpness, preconditionedSharpnessDense } from './sharpness';
import { Rng } from '../rng';

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
  /** Adam's preconditioner √v̂ + ε per parameter: also measure the preconditioned sharpness. */
  readonly preconditioner?: Float32Array;
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
  let preconditioned: { value: number; method: string } | undefined;
  let extraApplications = 0;
  if (exact) {
    const dense = denseCurvature(net.spec, params, net.inputs, args.loss, args.targets);
    result = measureExact(dense, settings);
    if (args.preconditioner) preconditioned = preconditionedSharpnessDense(dense.H, args.preconditioner);
  } else {
    const curv = new Curvature(net, loss);
    try {
      result = measureMatrixFree(curv, spectrum, { value: traceS, absoluteSize: traceSSize, products: net.layout.depth }, settings, args.rng);
      if (args.preconditioner) {
        const p = preconditionedSharpness(curv.operators().H, args.preconditioner, new Rng(args.rng.nextUint32(), 'lanczos-preconditioned'));
        preconditioned = p;
        extraApplications = p.applications;
      }
    } finally {
      curv.dispose();
    }
  }
  // λmax(H): the top eigenvalue both paths compute anyway (dense, or Lanczos at the measurement's tolerance).
  const sharpness = {
    H: result.top.H[0] ?? NaN,
    method: exact ? 'dense' : 'lanczos',
    ...(preconditioned ? { preconditioned: preconditioned.value, preconditioned_method: preconditioned.method } : {}),
  };
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
    sharpness,
    exact,
    applications: { ...result.applications, H: result.applications.H + extraApplications },
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
