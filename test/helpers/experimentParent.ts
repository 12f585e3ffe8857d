/**
 * A parent of engines that is not the CLI, as the extension host is one: runs the experiment of the
 * .ntkexp file argv[2] into the folder argv[3] through ExperimentRun and waits. Tests kill it and look
 * at what it leaves running. Run with `node --import tsx test/helpers/experimentParent.ts FILE OUT`.
 */
import { readFileSync } from 'node:fs';
import { expandSweeps, resolve } from '../../src/format/index';
import { ExperimentRun } from '../../src/run/runExperiment';

const [file, out] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const resolved = resolve(text, { path: file });
const base = resolved.experiments[0];
const run = new ExperimentRun({ file, text, experiments: expandSweeps(base), out, workers: 1 });
run.start().then(
  (outcome) => process.stdout.write(`${outcome.status}\n`),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
