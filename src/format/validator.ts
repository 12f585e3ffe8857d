import type { Experiment, NtkFile } from './ast';
import type { Acceptor } from './diagnostics';
import { crossCheck } from './validate/crossChecks';
import { type Definitions, checkDefinitions } from './validate/definitions';
import { type CheckedExperiment, checkExperiment } from './validate/experiment';
import type { DataFileCheck } from './validate/paths';

/**
 * Validation of a parsed file against the key table (src/contracts/experimentKeys.ts): each check reports through the
 * acceptor with a stable code (diagnostics.ts). The checks live in validate/, one concern per file;
 * this driver runs them in order and returns what they established, which resolution reuses.
 */
export interface CheckOptions {
  /** The file's path: csv paths are resolved against its folder. */
  readonly path?: string;
  /**
   * What the file system says about the csv file `relative` beside `sourcePath` (a symbolic link that
   * leads out, a missing file, a FIFO, a file over the size limit), without reading it. Callers with a
   * file system pass src/run/confine.ts's probe, the same check the read itself makes.
   */
  readonly dataFile?: DataFileCheck;
}

export interface CheckedFile {
  readonly file: NtkFile;
  readonly definitions: Definitions;
  readonly experiments: readonly CheckedExperiment[];
}

export function validate(file: NtkFile, accept: Acceptor, options: CheckOptions = {}): CheckedFile {
  const definitions = checkDefinitions(file, accept);
  const used = { activation: new Set<string>(), loss: new Set<string>() };
  const use = (kind: 'activation' | 'loss', name: string): void => {
    used[kind].add(name);
  };
  const experiments: CheckedExperiment[] = [];
  const names = new Map<string, Experiment>();
  for (const item of file.items) {
    if (item.kind !== 'experiment') continue;
    const name = item.name.name;
    const first = names.get(name);
    if (first && name !== '') {
      accept('error', 'duplicate', `experiment \`${name}\` is defined twice (first at line ${first.name.range.start.line + 1}): give each experiment its own name`, item.name.range);
    } else names.set(name, item);
    const checked = checkExperiment(item, definitions, accept, { path: options.path, dataFile: options.dataFile, use });
    crossCheck(checked, definitions, accept);
    experiments.push(checked);
  }
  if (names.size === 0 && !file.items.some((item) => item.kind === 'experiment')) {
    const start = { line: 0, character: 0, offset: 0 };
    const what = file.items.length === 0 ? 'nothing to run' : 'its definitions alone run nothing';
    accept('warning', 'no-experiment', `the file has no experiment (${what}): add one, such as \`experiment demo { data circle { samples = 64 } }\` (NTKEXP.md)`, { start, end: start });
  }
  for (const [kind, table] of [
    ['activation', definitions.activations],
    ['loss', definitions.losses],
  ] as const) {
    for (const [name, def] of table) {
      if (!used[kind].has(name)) {
        const where = kind === 'activation' ? '`activation = …` in a network block or a sweep' : '`loss = …` in an experiment or a sweep';
        accept('warning', 'unused-definition', `${kind} \`${name}\` is defined but no experiment uses it (refer to it with ${where})`, def.name.range);
      }
    }
  }
  return { file, definitions, experiments };
}
