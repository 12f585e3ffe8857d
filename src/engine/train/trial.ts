import type { ExperimentConfig } from '../config';
import type { Dataset } from '../data/dataset';
import { denseEigen } from '../linalg/denseEigen';
import { evaluateLoss } from '../loss/loss';
import { takeMeasurement } from '../measure/measure';
import { lossSurface } from '../measure/surface';
import { meanFieldWidth, networkSpec, initialParameters } from '../network/spec';
import { TfNetwork } from '../network/tfNetwork';
import { ntkGram } from '../network/ntkGram';
import type { MeasurementRecord, Moments, SurfaceRecord } from '../../contracts/engineMessages';
import type { Written } from '../../contracts/checks';
import type { PathName } from '../backend';
import { Rng } from '../rng';
import { experimentTheoryRequest, layerTraces, meanFieldLimits, theoryLines, type InfiniteWidthKernels, type MeanFieldLimits, type TheoryLines } from '../theory';
import { DivergenceError, divergenceReason, mseLearningRateAdvice } from './divergence';
import { measurementSteps } from './schedule';
import { overflowError, type TrialPhase } from './overflow';
import { NonFiniteError, requireFinite } from '../nonFinite';
import { finiteLoss, type Measurement } from '../measure/measure';
import { makeOptimizer } from './optimizers';
import { stabilityThreshold, theoryAbsence } from '../../contracts/optimizers';

/**
 * One trial of an experiment: initialize from the trial's seed, train with the experiment's optimizer
 * (full-batch gradient descent by default), measure at the scheduled steps on the whole training set,
 * attach the theory's lines where they apply, and scan the loss surface at the end.
 * Pure engine code: the caller (the engine process, a test) receives records through hooks and decides
 * what to write where. `checkpoint` is awaited between steps so a process can hear a cancel.
 */
export interface TrialHooks {
  onProgress?(p: TrialProgress): void;
  onMeasurement?(record: Written<MeasurementRecord>): void;
  onSurface?(record: Written<SurfaceRecord>): void;
  onTheory?(lines: TheoryLines): void;
  onLog?(message: string): void;
  /** Return true to stop (the trial ends as cancelled with what it measured). */
  checkpoint?(): boolean | Promise<boolean>;
}

export interface TrialProgress {
  readonly trial: number;
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly measurements: number;
  readonly measurementsTotal: number;
  readonly elapsedMs: number;
}

export interface TrialOptions {
  /** Infinite-width kernels of the data (shared by all trials); theory lines need them. */
  readonly kernels?: InfiniteWidthKernels;
  /** Report progress at most this often (default 250 ms). */
  readonly progressIntervalMs?: number;
  readonly backend?: string;
  /** The product that computes (computePath), recorded with every measurement. */
  readonly path?: PathName;
  /** Keep the initial and final parameters in the result (`--save-params`). */
  readonly keepParameters?: boolean;
  /** Measure at step 0 only, whatever the schedule says (the plan's calibration: steps timed apart from a long measurement). */
  readonly measureOnce?: boolean;
}

export interface TrialResult {
  readonly trial: number;
  readonly status: 'finished' | 'cancelled';
  readonly stepsDone: number;
  readonly finalLoss: number;
  readonly initialParameters?: Float32Array;
  readonly finalParameters?: Float32Array;
  readonly theory?: TheoryLines;
  /** Where the trial's time went, ms: what the cost model is calibrated against (run/calibrate.ts). */
  readonly timings: TrialTimings;
}

export interface TrialTimings {
  /** Everything between the measurements: the forward passes, the losses, the optimizer's steps. */
  readonly trainingMs: number;
  readonly measurementsMs: number;
  /** The theory's lines and limits at step 0 (the kernels are the engine's, computed before the trial). */
  readonly theoryMs: number;
  readonly surfaceMs: number;
}


/** η as applied: under mean-field the file's learning rate is multiplied by the width (THEORY.md §1). */
export function effectiveLearningRate(config: ExperimentConfig, inputDim: number, outputDim: number): number {
  const spec = networkSpec(config.network, inputDim, outputDim);
  return config.network.parametrization === 'mean_field' ? config.train.learningRate * meanFieldWidth(spec) : config.train.learningRate;
}

export async function runTrial(config: ExperimentConfig, data: Dataset, trial: number, hooks: TrialHooks = {}, options: TrialOptions = {}): Promise<TrialResult> {
  const spec = networkSpec(config.network, data.inputDim, data.outputDim);
  const params = initialParameters(spec, new Rng(config.seed, 'init', trial));
  const eta = effectiveLearningRate(config, data.inputDim, data.outputDim);
  const schedule = options.measureOnce ? [0] : measurementSteps(config.train.steps, config.measure);
  const measureAt = new Set(schedule);
  const net = new TfNetwork(spec, params, data.inputs);
  const optimizer = makeOptimizer(config.train, eta, data.N, new Rng(config.seed, 'batches', trial));
  // The theory's lines are for gradient descent only (contracts/optimizers.ts); elsewhere none are made.
  const theoryApplies = theoryAbsence(config.train.optimizer) === undefined;
  const started = performance.now();
  const interval = options.progressIntervalMs ?? 250;
  let lastProgress = -Infinity;
  let measured = 0;
  let lines: TheoryLines | undefined;
  const meanField = config.network.parametrization === 'mean_field';
  let meanFieldAtStart: MeanFieldLimits | undefined;
  let limitEigenvalues: number[] | undefined;
  let layerTheory: number[][] | undefined;
  const startParameters = options.keepParameters ? net.parameterVector() : undefined;
  const N = data.N;
  const nL = data.outputDim;
  let initialLoss = NaN;
  let loss = NaN;
  // A value that overflows is named with this trial's step and phase (train/overflow.ts).
  const spent = { measurement: 0, theory: 0, surface: 0 };
  const guarded = <T>(phase: TrialPhase, step: number, work: () => T): T => {
    const t0 = performance.now();
    try {
      return work();
    } catch (error) {
      if (error instanceof NonFiniteError) throw overflowError(error, { config, data, phase, step });
      throw error;
    } finally {
      if (phase === 'measurement' || phase === 'theory') spent[phase] += performance.now() - t0;
      else if (phase === 'loss surface') spent.surface += performance.now() - t0;
    }
  };
  const timings = (): TrialTimings => {
    const total = performance.now() - started;
    return { trainingMs: Math.max(0, total - spent.measurement - spent.theory - spent.surface), measurementsMs: spent.measurement, theoryMs: spent.theory, surfaceMs: spent.surface };
  };
  try {
    for (let step = 0; ; step++) {
      // The state first: an overflow at initialization is not a divergence, and a diverged state is not measured.
      const Y = net.outputs();
      const evaluation = evaluateLoss(config.loss, Y, data.targets, N, nL);
      loss = evaluation.value;
      if (step === 0) {
        guarded('initialization', 0, () => {
          requireFinite(Y, "the network's outputs");
          finiteLoss(evaluation);
        });
        initialLoss = loss;
      }
      const finite = Y.every(Number.isFinite);
      const reason = divergenceReason(loss, initialLoss, finite);
      if (reason) throw divergence(step, finite ? reason : `${reason}: the outputs of activation \`${config.network.activation.name}\` (σ(x) = ${config.network.activation.formula}) overflowed`, config, data, params);
      if (measureAt.has(step)) {
        const m = guarded('measurement', step, () =>
          takeMeasurement({
            net,
            targets: data.targets,
            loss: config.loss,
            settings: config.measure,
            trial,
            step,
            t: eta * step,
            rng: new Rng(config.seed, 'measure', trial, step),
            preconditioner: optimizer.preconditioner?.(),
          }),
        );
        if (step === 0 && config.measure.theory && theoryApplies && options.kernels) {
          const kernels = options.kernels;
          // Mean field: the limits at initialization only (meanField.ts); the NTK dynamics at the step
          // η·w are not the theory of this parametrization, so no training lines are made.
          lines = guarded('theory', 0, () =>
            theoryLines(
              experimentTheoryRequest(
                { kernels, loss: config.loss, target: data.targets, nL, eta, steps: schedule, kmax: config.measure.moments },
                { seed: config.seed, meanField, trial: { Y0: m.outputs, G0: m.hessianTraces } },
              ),
            ),
          );
          if (meanField && lines.meanField) {
            const prediction = lines.meanField;
            meanFieldAtStart = guarded('theory', 0, () => meanFieldLimits(prediction, kernels, data.targets, nL, meanFieldWidth(spec), config.measure.moments, config.loss));
          }
          // The mean-field network's NTK is Θ/w.
          const gramScale = meanField ? 1 / meanFieldWidth(spec) : 1;
          limitEigenvalues = guarded('theory', 0, () => limitSpectrum(kernels, nL).map((v) => v * gramScale));
          // Per layer: Tr(I_ℓℓ^k) from Θ_ℓ, for a loss with H_C = c·Id (MSE), constant in time.
          if (config.measure.layers && config.loss.quadratic && kernels.layers) {
            const c = m.loss.hessianBlocks[0];
            layerTheory = guarded('theory', 0, () => layerTraces(kernels, c, nL, config.measure.moments, gramScale));
          }
          hooks.onTheory?.(lines);
          for (const w of lines.warnings) hooks.onLog?.(`theory: ${w}`);
        }
        // Measurements come in schedule order: the count so far is this one's index (indexOf would be quadratic).
        const record = meanField
          ? withMeanField(m.record, step === 0 ? meanFieldAtStart : undefined, limitEigenvalues, options)
          : withTheory(m.record, lines, measured, limitEigenvalues, options);
        measured++;
        const withLayers = layerTheory && record.layers ? { ...record, layers: record.layers.map((b, l) => ({ ...b, theory: { I: layerTheory![l] } })) } : record;
        hooks.onMeasurement?.(withStability(withLayers, m, config, eta, step, theoryApplies ? limitEigenvalues : undefined));
      }
      const now = performance.now();
      if (now - lastProgress >= interval || step === config.train.steps) {
        lastProgress = now;
        hooks.onProgress?.({ trial, step, steps: config.train.steps, loss, measurements: measured, measurementsTotal: schedule.length, elapsedMs: now - started });
      }
      if (step === config.train.steps) break;
      if (hooks.checkpoint && (await hooks.checkpoint())) {
        return { trial, status: 'cancelled', stepsDone: step, finalLoss: loss, initialParameters: startParameters, finalParameters: options.keepParameters ? net.parameterVector() : undefined, theory: lines, timings: timings() };
      }
      optimizer.step(net, evaluation.gradient);
    }
    if (config.surface) {
      const surface = config.surface;
      hooks.onSurface?.(
        guarded('loss surface', config.train.steps, () =>
          lossSurface({ net, targets: data.targets, loss: config.loss, surface, trial, step: config.train.steps, rng: new Rng(config.seed, 'surface', trial) }),
        ),
      );
    }
    return { trial, status: 'finished', stepsDone: config.train.steps, finalLoss: loss, initialParameters: startParameters, finalParameters: options.keepParameters ? net.parameterVector() : undefined, theory: lines, timings: timings() };
  } finally {
    optimizer.dispose();
    net.dispose();
  }
}

/** Attach the theory's moments at this measurement (index `s` of the schedule). */
function withTheory(record: Written<MeasurementRecord>, lines: TheoryLines | undefined, s: number, limit: number[] | undefined, { backend, path }: Pick<TrialOptions, 'backend' | 'path'>): Written<MeasurementRecord> {
  const at = (l: { traceH: number[][]; traceI: number[][]; traceS: number[][] }): Written<Moments> => ({
    H: l.traceH.map((row) => row[s]),
    I: l.traceI.map((row) => row[s]),
    S: l.traceS.map((row) => row[s]),
  });
  return {
    ...record,
    ...(lines?.pathwise ? { theory: at(lines.pathwise) } : {}),
    ...(lines?.expected ? { expected: at(lines.expected) } : {}),
    ...(record.ntk && limit ? { ntk: { ...record.ntk, limit_eigenvalues: limit } } : {}),
    ...(backend ? { backend } : {}),
    ...(path ? { path } : {}),
  };
}

/**
 * The edge of stability beside the sharpness (contracts/optimizers.ts): the optimizer's threshold; for
 * MSE under gradient descent the infinite-width λmax(I) = c·λmax(Θ) (H_C = c·Id, c = 1/N) and, at step
 * 0, the linearized dynamics' λmax(I(0)) = c·λmax(Θ̂) against 2/η (the catapult regime above it).
 */
function withStability(record: Written<MeasurementRecord>, m: Measurement, config: ExperimentConfig, eta: number, step: number, limit: number[] | undefined): Written<MeasurementRecord> {
  const { threshold, rule, on } = stabilityThreshold(config.train, eta);
  const quadratic = config.loss.quadratic === true;
  const c = m.loss.hessianBlocks[0];
  const gradientSteps = config.train.optimizer === 'gd' || config.train.optimizer === 'sgd';
  const linearized = m.spectrum.iEigenvalues[0];
  return {
    ...record,
    ...(record.sharpness ? { sharpness: { ...record.sharpness, ...(quadratic && limit && limit.length > 0 ? { limit_I: c * limit[0] } : {}) } } : {}),
    stability: {
      optimizer: config.train.optimizer,
      threshold,
      rule,
      on,
      ...(step === 0 && quadratic && gradientSteps && linearized !== undefined ? { catapult: { linearized, threshold: 2 / eta, regime: linearized > 2 / eta } } : {}),
    },
  };
}

/** A mean-field measurement: the limits at initialization, none later. */
function withMeanField(record: Written<MeasurementRecord>, limits: MeanFieldLimits | undefined, limit: number[] | undefined, { backend, path }: Pick<TrialOptions, 'backend' | 'path'>): Written<MeasurementRecord> {
  return {
    ...record,
    ...(limits ? { expected: limits.expected, mean_field: { width: limits.width, trace_s_std: limits.traceSStd } } : {}),
    ...(record.ntk && limit ? { ntk: { ...record.ntk, limit_eigenvalues: limit } } : {}),
    ...(backend ? { backend } : {}),
    ...(path ? { path } : {}),
  };
}

/** Eigenvalues of the limiting Gram Θ ⊗ Id_nL, descending. */
function limitSpectrum(kernels: InfiniteWidthKernels, nL: number): number[] {
  const values = denseEigen(kernels.theta, kernels.N, 'descending').values;
  return Array.from(values).flatMap((v) => new Array<number>(nL).fill(v));
}

function divergence(step: number, reason: string, config: ExperimentConfig, data: Dataset, params: Float64Array): DivergenceError {
  let suggestion = 'Lower learning_rate (try half), or check the data scale.';
  if (config.loss.quadratic) {
    const spec = networkSpec(config.network, data.inputDim, data.outputDim);
    const net = new TfNetwork(spec, params, data.inputs);
    try {
      const theta = ntkGram(net);
      // The bound needs a finite Θ̂ at initialization; without one the plain suggestion stands.
      if (!theta.every(Number.isFinite)) return new DivergenceError(step, reason, suggestion);
      const lambdaMax = denseEigen(theta, data.N * data.outputDim, 'descending').values[0];
      const mf = config.network.parametrization === 'mean_field' ? meanFieldWidth(spec) : undefined;
      suggestion = mseLearningRateAdvice(config.train.learningRate, data.N, lambdaMax, mf);
    } finally {
      net.dispose();
    }
  }
  return new DivergenceError(step, reason, suggestion);
}
