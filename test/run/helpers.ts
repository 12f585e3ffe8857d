import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSweeps, resolve } from '../../src/format/index';
import { ExperimentRun, type RunEvents, type RunOutcome, type RunRequest } from '../../src/run/runExperiment';

export function tempDir(prefix = 'ntkexp-run-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A tiny experiment on inline points: P = 65 (exact path available), fast to train and measure. */
export function tinyExperiment(over: { trials?: number; steps?: number; points?: number; exact?: string; extra?: string; network?: string; data?: string } = {}): string {
  return `experiment tiny {
  seed = 1
  trials = ${over.trials ?? 2}
  data ${over.data ?? 'points { inputs = [[1, 0], [0, 1], [1, 1], [1, -1], [2, 0.5]]; targets = [1, -1, 0.5, 0, 0.3] }'}
  network { ${over.network ?? 'depth = 2; width = 16'} }
  train { learning_rate = 0.5; steps = ${over.steps ?? 20} }
  measure { points = ${over.points ?? 3}; probes = 4; top = 2; exact = ${over.exact ?? 'false'} }
  ${over.extra ?? ''}
}
`;
}

/** Write an .ntkexp file into a fresh folder and run it through the same API the CLI uses. */
export async function runText(
  text: string,
  options: Partial<Omit<RunRequest, 'file' | 'text' | 'experiments'>> & { dir?: string } = {},
  events: RunEvents = {},
  onRun?: (run: ExperimentRun) => void,
): Promise<RunOutcome> {
  const dir = options.dir ?? tempDir();
  const file = join(dir, 'exp.ntkexp');
  writeFileSync(file, text);
  const resolved = resolve(text, { path: file });
  if (resolved.experiments.length === 0) throw new Error(`test experiment does not check: ${JSON.stringify(resolved.diagnostics.map((d) => d.message))}`);
  const base = resolved.experiments[0];
  const run = new ExperimentRun({ file, text, experiments: expandSweeps(base), sweep: base.sweep.length ? base.experiment : undefined, ...options }, events);
  onRun?.(run);
  return run.start();
}
