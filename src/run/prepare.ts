import type { ExperimentConfig } from '../engine/config';
import { buildDataset, type Dataset } from '../engine/data/dataset';
import { infiniteWidthKernels, type InfiniteWidthKernels } from '../engine/theory';
import { type ResolvedExperiment, withCsvLoaded } from '../format/index';
import { type ReadOptions, readConfined } from './confine';
import { FileRefused } from './regularFile';
import { loadMnistDigits } from './mnistLoader';

/**
 * From a resolved experiment to what the engine runs: the data loaded (a csv file read here, in the
 * parent, through the confinement; the engine does no I/O), the data set (MNIST digits loaded here),
 * and the infinite-width kernels of the data that every trial's theory lines share. Used by the run's
 * plan, the CLI verbs, the engine process and tests; compiling is the format's compileExperiment.
 */

/**
 * A loader of experiments' data: csv experiments come back with the rows of their file in place of
 * the path (what an engine may be given; it never reads a path itself). Each file is read once per
 * loader, by the one reader: the points of a sweep share its rows, and a file rewritten between two
 * points cannot give them different data.
 */
export function dataLoader(options: ReadOptions = {}): (exp: ResolvedExperiment) => ResolvedExperiment {
  const texts = new Map<string, string>();
  return (exp) => {
    if (exp.data.source !== 'csv') return exp;
    const key = JSON.stringify([exp.dataFolder, exp.data.path]);
    let text = texts.get(key);
    if (text === undefined) {
      text = readDataText(exp, options);
      texts.set(key, text);
    }
    return withCsvLoaded(exp, text);
  };
}

/** The text of an experiment's csv file: the one place a run reads a data file, confined to the folder of the .ntkexp file. */
export function readDataText(resolved: ResolvedExperiment, options: ReadOptions = {}): string {
  const relative = String(resolved.data.path);
  if (resolved.dataFolder === undefined) {
    throw new FileRefused(`csv file ${relative}`, {
      code: 'data-file',
      message: 'has no folder to be read from (the .ntkexp text came without a file path: standard input or an unsaved editor); save the .ntkexp file beside its data',
    });
  }
  return readConfined(resolved.dataFolder, relative, options);
}

export function datasetFor(config: ExperimentConfig): Dataset {
  return buildDataset(config.data, config.seed, config.data.source === 'mnist' ? loadMnistDigits() : undefined);
}

/**
 * Kernels for the network's depth, β and activation on the data as the network sees it. The
 * mean-field parametrization only rescales the output, and the theory's mean-field predictions are
 * stated in terms of the same kernels.
 */
export function kernelsFor(config: ExperimentConfig, data: Dataset): InfiniteWidthKernels {
  return infiniteWidthKernels(data.inputs, data.inputDim, {
    depth: config.network.depth,
    beta: config.network.beta,
    activation: config.network.activation,
    // The per-layer kernels Θ_ℓ are made from every layer's Σ and Σ̇ (theory/layerKernels.ts).
    keepLayers: config.measure.layers,
  });
}
