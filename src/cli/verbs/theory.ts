import { type ResolvedExperiment, expandSweeps, resolve } from '../../format/index';
import { type CliIO, describeIOError } from '../io';
import { toLine } from '../report';
import { EXIT, UsageError, type Verb } from '../verb';

/**
 * `ntkexp theory`: flags, help, file reading, checking and the choice of experiment are here; the
 * computation (the kernels Σ, Θ, Φ, Ξ, Λ, Υ and the expected moments, THEORY.md) belongs to the theory
 * module of the engine, which this build does not contain yet, so the verb stops after choosing the
 * experiment and says so.
 */
export const theoryVerb: Verb = {
  name: 'theory',
  summary: 'Infinite-width kernels and expected moments of an experiment',
  usage: 'ntkexp theory FILE [--experiment NAME] [--json]',
  description: [
    "Computes the infinite-width kernels of the experiment's data and the expected moments of H, I and S",
    'at its measurement times. FILE must check without errors. A file with several experiments, or an',
    'experiment with a sweep, needs --experiment to say which one (a sweep point is named like',
    'fig1[width=250,activation=smooth_relu]).',
    '',
    'With --json, prints {experiment, N, kernels: {Sigma, Theta, Phi, Xi, Lambda, Upsilon},',
    'predictions: [{step, t, expected: {H, I, S}}]}: kernels are N×N nested arrays (one output block),',
    'moment arrays are indexed k = 1..kmax.',
    '',
    'Exit status: 0 on success, 1 when FILE has errors or the theory cannot be computed, 2 on a usage',
    'error or a file that cannot be read.',
  ].join('\n'),
  flags: [
    { name: 'experiment', short: 'e', value: 'NAME', doc: 'The experiment (or sweep point) to compute; required when the file has more than one.' },
    { name: 'json', doc: 'Print the kernels and predictions as one JSON object instead of a table.' },
  ],
  positionals: { name: 'FILE', min: 1, max: 1 },
  run(args, io: CliIO) {
    const file = args.positionals[0];
    let text: string;
    try {
      text = io.readFile(file);
    } catch (e) {
      io.stderr(`ntkexp theory: cannot read ${file}: ${describeIOError(e)}\n`);
      return EXIT.usage;
    }
    const result = resolve(text, file === '-' ? {} : { path: file, realpath: io.realpath });
    if (result.experiments.length === 0) {
      for (const d of result.diagnostics) io.stderr(`${toLine(file, d)}\n`);
      io.stderr(`ntkexp theory: ${file} has errors; \`ntkexp check ${file}\` lists them\n`);
      return EXIT.failure;
    }
    const chosen = chooseExperiment(result.experiments, typeof args.flags.experiment === 'string' ? args.flags.experiment : undefined);
    io.stderr(`ntkexp theory: ${chosen.name}: the infinite-width theory is not available in this build yet\n`);
    return EXIT.failure;
  },
};

/** The experiment named by --experiment, or the only one; every sweep point counts as one. */
export function chooseExperiment(experiments: readonly ResolvedExperiment[], name: string | undefined): ResolvedExperiment {
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
