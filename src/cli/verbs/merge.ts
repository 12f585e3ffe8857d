import * as path from 'node:path';
import { MergeError, mergeRuns } from '../../run/merge';
import { writeReportSafely } from '../../run/reportWriter';
import { WriteFailed } from '../../run/storeWrites';
import type { CliIO } from '../io';
import { EXIT, UsageError, type Verb } from '../verb';

export const mergeVerb: Verb = {
  name: 'merge',
  summary: 'Combine shards of one experiment into one run',
  usage: 'ntkexp merge DIR… --out DIR',
  description: [
    'Combines run folders made by `ntkexp run --shard I/N` (on several machines, or as the tasks of a',
    'Slurm array or a Kubernetes Indexed Job; see docs/CLUSTER.md) into one run folder with the same',
    'files as an unsharded run: run.json, series.jsonl (records merged by trial), summary.json,',
    'report.html and any params-*.json. The shards must be runs of the same file (same SHA-256) and the',
    'same experiment, with disjoint trials. The merged folder is written under a temporary name beside',
    '--out and renamed at the end, so a failed merge leaves nothing behind; --out must not exist or be',
    'an empty folder.',
    '',
    'A shard that failed, was cancelled or is still marked running, and trials that no shard given holds',
    '(a task that never ran), are printed one per line as "incomplete"; the merged folder is written',
    'with every trial that ran, its status failed or cancelled and the reasons in run.json\'s error.',
    '',
    'Exit status: 0 merged, the whole experiment finished; 1 merged but incomplete (above), or the shards',
    'are damaged or do not belong together, or the merged folder could not be written (the reason is',
    'printed); 2 usage error or an --out folder that cannot be used.',
  ].join('\n'),
  flags: [{ name: 'out', short: 'o', value: 'DIR', doc: 'The merged run folder to create (required).' }],
  positionals: { name: 'DIR', min: 1, max: Infinity },
  run(args, io: CliIO) {
    if (typeof args.flags.out !== 'string') throw new UsageError('--out DIR is required: the folder of the merged run');
    const out = path.resolve(args.flags.out);
    try {
      const { info, summary, warnings, incomplete } = mergeRuns(args.positionals.map((d) => path.resolve(d)), out);
      for (const w of warnings) io.stderr(`ntkexp merge: warning: ${w}\n`);
      const problem = writeReportSafely(out);
      if (problem) io.stderr(`ntkexp merge: ${problem}\n`);
      for (const line of incomplete) io.stderr(`ntkexp merge: incomplete: ${line}\n`);
      io.stderr(`ntkexp merge: ${info.experiment}: trials ${info.trials.join(', ')} of ${info.trialsTotal} (${summary.steps.length} measurement times), ${info.status}; written to ${out}\n`);
      // Written either way (every trial that ran is kept); a script or a dependent job still sees it is not the whole run.
      return incomplete.length > 0 ? EXIT.failure : EXIT.ok;
    } catch (e) {
      if (e instanceof MergeError || e instanceof WriteFailed) {
        io.stderr(`ntkexp merge: ${e.message}\n`);
        return e instanceof MergeError && e.concerns === 'out' ? EXIT.usage : EXIT.failure;
      }
      throw e;
    }
  },
};
