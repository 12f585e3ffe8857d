import {
  type CheckOptions,
  type CheckedFile,
  type Diagnostic,
  type NtkFile,
  type Range,
  type ResolvedExperiment,
  expandSweeps,
  hasErrors,
  parse,
  resolveChecked,
  sortDiagnostics,
  validate,
} from '../format/index';
import { collector } from '../format/diagnostics';
import type { CheckedExperiment } from '../format/validate/experiment';
import { ratesFor } from './costRates';
import { availableMemoryMb, estimateRun, type SettingRef } from './estimate';
import { defaultRunsFolder } from './layout';
import { DEFAULT_MAX_HOURS, engineCount, freeDiskBytes, machineProblems, sizeProblems, sweepProblem, type LimitProblem, type Machine, type PlannedCost } from './limits';
import { runSize } from './runSize';

/**
 * Every problem of a .ntkexp file as `ntkexp check` prints it and the editor shows it: the format's
 * diagnostics (syntax, validation), then, for a file without errors, what `ntkexp run` would refuse
 * (limits.ts, the same function the run calls) as warnings on the setting to lower. The data's shape
 * comes from the settings (no MNIST loaded, no csv read: a csv file counts as one row, a lower bound,
 * so a warning is never a guess).
 */
export interface DiagnoseOptions extends CheckOptions {
  /** The machine the limits are checked against; default: this one, now (free memory, the disk beside the file). */
  readonly machine?: Partial<Machine>;
}

export function diagnoseFile(text: string, options: DiagnoseOptions = {}): Diagnostic[] {
  const { file, diagnostics: syntax } = parse(text);
  return diagnoseParsed(file, syntax, options);
}

/** The same for a file already parsed (the editor parses once per version and shares the tree). */
export function diagnoseParsed(file: NtkFile, syntax: readonly Diagnostic[], options: DiagnoseOptions = {}): Diagnostic[] {
  const { accept, diagnostics } = collector();
  const checked = validate(file, accept, options);
  const all = [...syntax, ...diagnostics];
  if (!hasErrors(all)) all.push(...limitDiagnostics(checked, options));
  return sortDiagnostics(all);
}

function limitDiagnostics(checked: CheckedFile, options: DiagnoseOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  resolveChecked(checked, options).forEach((exp, i) => {
    const node = checked.experiments[i];
    for (const problem of experimentProblems(exp, options)) {
      out.push({ severity: 'warning', code: 'limit', message: `\`ntkexp run\` would refuse this: ${problem.message}`, range: placeOf(problem.settings, node) });
    }
  });
  return out;
}

/** The limits of one experiment (every point of its sweep) against the machine, as `planRun` checks them. */
function experimentProblems(exp: ResolvedExperiment, options: DiagnoseOptions): LimitProblem[] {
  const sweep = sweepProblem(exp);
  if (sweep) return [sweep];
  const rates = ratesFor('auto');
  const points: PlannedCost[] = expandSweeps(exp).map((point) => {
    const size = runSize(point);
    return { size, estimate: estimateRun(size, rates), trialsRun: size.trials };
  });
  // As planRun: sizes first, the machine only for a run that can be held.
  const sizes = points.flatMap((p) => sizeProblems(p.size, p.estimate));
  if (sizes.length > 0) return unique(sizes);
  const tasks = points.reduce((s, p) => s + p.trialsRun, 0);
  const outputDir = options.path ? defaultRunsFolder(options.path) : undefined;
  const machine: Machine = {
    availableMemoryMb: options.machine?.availableMemoryMb ?? availableMemoryMb(),
    freeDiskBytes: options.machine && 'freeDiskBytes' in options.machine ? options.machine.freeDiskBytes : outputDir ? freeDiskBytes(outputDir) : undefined,
    outputDir: options.machine?.outputDir ?? outputDir,
    workers: engineCount(options.machine?.workers, tasks),
    maxSeconds: options.machine?.maxSeconds ?? DEFAULT_MAX_HOURS * 3600,
    backend: options.machine?.backend,
  };
  return unique(machineProblems(points, machine));
}

function unique(problems: readonly LimitProblem[]): LimitProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}

/** Where a problem shows: the first of its settings the file writes (swept or set), else the experiment's name. */
function placeOf(settings: readonly SettingRef[], exp: CheckedExperiment): Range {
  for (const s of settings) {
    const swept = exp.sweep.find((e) => e.key === s.key && (s.block === 'sweep' || e.spec.block === s.block));
    if (swept) return swept.setting.range;
    const block = s.block === 'experiment' ? { settings: exp.settings } : s.block === 'sweep' ? undefined : exp[s.block];
    const written = block?.settings.get(s.key);
    if (written) return written.setting.range;
  }
  return exp.node.name.range;
}
