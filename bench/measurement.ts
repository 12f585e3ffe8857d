/**
 * measurement_fig1: one full measurement of the paper's Figure-1 network as a run makes it — the
 * experiment of examples/fig1-smooth-relu.ntkexp (its data, network, seed and measure settings, read
 * from the file, not restated), trial 0 at initialization, through the engine's own takeMeasurement.
 * Target (issue 15): at most 20 s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { takeMeasurement } from '../src/engine/measure/measure';
import { initialParameters, networkSpec } from '../src/engine/network/spec';
import { TfNetwork } from '../src/engine/network/tfNetwork';
import { Rng } from '../src/engine/rng';
import { resolve } from '../src/format/index';
import { compileExperiment } from '../src/run/compile';
import { dataLoader, datasetFor } from '../src/run/prepare';
import type { Benchmark } from './common';

export const MEASUREMENT_TARGET_MS = 20_000;
const EXAMPLE = path.join(__dirname, '..', 'examples', 'fig1-smooth-relu.ntkexp');

export const measurementFig1: Benchmark = {
  name: 'measurement_fig1',
  async run() {
    const text = fs.readFileSync(EXAMPLE, 'utf8');
    const resolved = resolve(text, { path: EXAMPLE });
    if (!resolved.experiments.length) throw new Error(`${EXAMPLE} does not check: ${resolved.diagnostics.map((d) => d.message).join('; ')}`);
    const config = compileExperiment(dataLoader()(resolved.experiments[0]));
    const data = datasetFor(config);
    const spec = networkSpec(config.network, data.inputDim, data.outputDim);
    const net = new TfNetwork(spec, initialParameters(spec, new Rng(config.seed, 'init', 0)), data.inputs);
    try {
      const t0 = performance.now();
      const m = takeMeasurement({ net, targets: data.targets, loss: config.loss, settings: config.measure, trial: 0, step: 0, t: 0, rng: new Rng(config.seed, 'measure', 0, 0) });
      const ms = performance.now() - t0;
      const { probes, top, moments } = config.measure;
      return [{ name: 'measurement_fig1', ms, applications: m.record.applications, exact: m.record.exact, parameters: net.P, N: data.N, probes, top, moments, target_ms: MEASUREMENT_TARGET_MS, met: ms <= MEASUREMENT_TARGET_MS }];
    } finally {
      net.dispose();
    }
  },
};
