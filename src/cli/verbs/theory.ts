import { optimizerOf, theoryAbsence } from '../../contracts/optimizers';
import { type ResolvedExperiment, expandSweeps, hasErrors, resolve } from '../../format/index';
import { compileExperiment, resolvedActivation } from '../../run/compile';
import type { Activation } from '../../catalogue/activation';
import { type CliIO, describeIOError } from '../io';
import { toLine } from '../report';
import { EXIT, UsageError, type Verb } from '../verb';
import { optionalInt } from '../args';
import { checkOptionsForFile } from '../../run/confine';
import { FileRefused } from '../../run/regularFile';
import { dataLoader, datasetFor } from '../../run/prepare';
import { DEFAULT_MAX_HOURS, sweepProblem, theoryProblems } from '../../run/limits';
import { availableMemoryMb, estimateRun } from '../../run/estimate';
import { ratesFor } from '../../run/costRates';
import { runSize } from '../../run/runSize';
import { NonFiniteError } from '../../engine/nonFinite';
import { overflowError } from '../../engine/train/overflow';
import { theoryReport, type TheoryReport } from '../theoryReport';
import { EXPECTED_SAMPLES } from '../../engine/theory/theoryLines';

/**
 * `ntkexp theory`: the infinite-width kernels of an experiment's data (THEORY.md §5) and the moments
 * the theory expects at the experiment's measurement times (§6), without training anything. MSE uses
 * the closed forms; other losses average the path-wise dynamics over draws of (Y(0), G(0)) from their
 * limiting Gaussian law (`--samples`, with standard errors).
 */
export const theoryVerb: Verb = {
  name: 'theory',
  summary: 'Infinite-width kernels and expected moments of an experiment',
  usage: 'ntkexp theory FILE [--experiment NAME] [--json] [--flow] [--samples N]',
  description: [
    "Computes the infinite-width kernels of the experiment's data and the expected moments of H, I and S",
    'at its measurement times. FILE must check without errors. A file with several experiments, or an',
    'experiment with a sweep, needs --experiment to say which one (a sweep point is named like',
    'fig1[width=250,activation=smooth_relu]).',
    '',
    'Times are t = η·step with η as applied (times the width under mean_field). The default follows',
    'discrete gradient descent (Y_s = Y* − (Id − ηΘ/N)^s (Y* − Y(0))); --flow uses gradient flow e^{−tΘ/N}.',
    '',
    'With --json, prints {experiment, N, kernels: {Sigma, Theta, Phi, Xi, Lambda, Upsilon},',
    'predictions: [{step, t, expected: {H, I, S}}]}: kernels are N×N nested arrays (one output block),',
    'moment arrays are indexed k = 1..kmax.',
    '',
    'Exit status: 0 on success, 1 when FILE has errors or the theory cannot be computed, 2 on a usage',
    'error, a file that cannot be read, or a theory too large to compute (more memory than is free, or',
    `longer than ${DEFAULT_MAX_HOURS} hours, from the same estimate as \`ntkexp run\`).`,
  ].join('\n'),
  flags: [
    { name: 'experiment', short: 'e', value: 'NAME', doc: 'The experiment (or sweep point) to compute; required when the file has more than one.' },
    { name: 'json', doc: 'Print the kernels and predictions as one JSON object instead of a table.' },
    { name: 'flow', doc: 'Predict gradient flow e^{−tΘ/N} instead of discrete gradient descent.' },
    { name: 'samples', value: 'N', doc: `Draws of (Y(0), G(0)) for the expected moments of a loss other than mse (default ${EXPECTED_SAMPLES}, as a run records).` },
  ],
  positionals: { name: 'FILE', min: 1, max: 1 },
  async run(args, io: CliIO) {
    const file = args.positionals[0];
    const samples = optionalInt(args.flags.samples, '--samples', 2, 100_000) ?? EXPECTED_SAMPLES;
    let text: string;
    try {
      text = io.readFile(file);
    } catch (e) {
      io.stderr(`ntkexp theory: cannot read ${file}: ${describeIOError(e)}\n`);
      return EXIT.usage;
    }
    const result = resolve(text, file === '-' ? {} : checkOptionsForFile(file));
    if (result.experiments.length === 0) {
      for (const d of result.diagnostics) io.stderr(`${toLine(file, d)}\n`);
      io.stderr(`ntkexp theory: ${file} ${hasErrors(result.diagnostics) ? `has errors; \`ntkexp check ${file}\` lists them` : 'has no experiment'}\n`);
      return EXIT.failure;
    }
    const chosen = chooseExperiment(result.experiments, typeof args.flags.experiment === 'string' ? args.flags.experiment : undefined);
    // The same estimate as a run's: refused before anything is built when it cannot be. The activation
    // is compiled once, for the estimate's quadrature degree and for the config.
    let activation: Activation;
    try {
      activation = resolvedActivation(chosen, String(chosen.network.activation));
    } catch (e) {
      io.stderr(`ntkexp theory: ${chosen.name}: ${e instanceof Error ? e.message : String(e)}\n`);
      return EXIT.failure;
    }
    const size = runSize(chosen, undefined, activation);
    const problems = theoryProblems(size, estimateRun(size, ratesFor('auto')), { availableMemoryMb: availableMemoryMb(), maxSeconds: DEFAULT_MAX_HOURS * 3600 });
    if (problems.length > 0) {
      for (const p of problems) io.stderr(`ntkexp theory: ${chosen.name}: ${p.message}\n`);
      return EXIT.usage;
    }
    let prediction: TheoryReport;
    try {
      const config = compileExperiment(dataLoader()(chosen), { activation });
      try {
        prediction = theoryReport(config, { mode: args.flags.flow === true ? 'flow' : 'discrete', samples });
      } catch (e) {
        if (e instanceof NonFiniteError) throw overflowError(e, { config, data: datasetFor(config), phase: 'theory', step: 0 });
        throw e;
      }
    } catch (e) {
      io.stderr(`ntkexp theory: ${chosen.name}: ${e instanceof Error ? e.message : String(e)}\n`);
      return e instanceof FileRefused ? EXIT.usage : EXIT.failure;
    }
    if (args.flags.json === true) io.stdout(`${JSON.stringify(prediction.json)}\n`);
    else io.stdout(prediction.text);
    for (const w of prediction.warnings) io.stderr(`ntkexp theory: warning: ${w}\n`);
    // The predictions are gradient descent's; a run with another optimizer draws none (contracts/optimizers.ts).
    const absent = theoryAbsence(optimizerOf(chosen));
    if (absent) io.stderr(`ntkexp theory: warning: ${chosen.name} trains with optimizer = ${optimizerOf(chosen)}, so its runs show no theory lines: ${absent}; these are the predictions for gradient descent with the same settings\n`);
    return EXIT.ok;
  },
};

/** The experiment named by --experiment, or the only one; every sweep point counts as one. */
export function chooseExperiment(experiments: readonly ResolvedExperiment[], name: string | undefined): ResolvedExperiment {
  const tooLarge = experiments.map(sweepProblem).find((p) => p !== undefined);
  if (tooLarge) throw new UsageError(tooLarge.message);
  const points = experiments.flatMap((e) => expandSweeps(e));
  if (name === undefined) {
    if (points.length === 1) return points[0];
    throw new UsageError(`the file has ${points.length} experiments (sweep points count one each): choose one with --experiment NAME (${listNames(points)})`);
  }
  const found = points.find((p) => p.name === name);
  if (found) return found;
  const base = points.filter((p) => p.experiment === name);
  if (base.length === 1) return base[0];
  if (base.length > 1) throw new UsageError(`experiment \`${name}\` has a sweep: choose a point with --experiment (${listNames(base)})`);
  throw new UsageError(`no experiment named \`${name}\` in the file (${listNames(points)})`);
}

function listNames(points: readonly ResolvedExperiment[]): string {
  const names = points.map((p) => `'${p.name}'`);
  return names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
}
