import { format } from '../../format/formatter';
import { type CliIO, describeIOError } from '../io';
import { toLine } from '../report';
import { EXIT, UsageError, type Verb } from '../verb';

export const fmtVerb: Verb = {
  name: 'fmt',
  summary: 'Format .ntkexp files in the canonical layout',
  usage: 'ntkexp fmt FILE… [--write | --check]',
  description: [
    'Lays out each FILE canonically: two-space indentation, one item per line, `=` aligned within each',
    'run of settings of a block, canonical spacing in values, comments kept. Formatting is idempotent.',
    'Without a flag, prints the formatted text of the single FILE (- for standard input) to standard output.',
    'A file that does not parse is not formatted: its syntax errors are printed to standard error.',
    '',
    'Exit status: 0 on success; 1 when a file does not parse, or with --check when a file is not formatted;',
    '2 on a usage error or a file that cannot be read.',
  ].join('\n'),
  flags: [
    { name: 'write', short: 'w', doc: 'Rewrite each FILE in place (only files that change are written) and name them on standard error.' },
    { name: 'check', doc: 'Write nothing; list the files that are not formatted and exit 1 if there is one.' },
  ],
  positionals: { name: 'FILE', min: 1, max: Infinity },
  run(args, io: CliIO) {
    const write = args.flags.write === true;
    const checkOnly = args.flags.check === true;
    if (write && checkOnly) throw new UsageError('--write and --check exclude each other: choose one');
    if (!write && !checkOnly && args.positionals.length > 1) {
      throw new UsageError('several files need --write or --check (without them, fmt prints one file to standard output)');
    }
    if (write && args.positionals.includes('-')) throw new UsageError('--write cannot rewrite standard input');
    let status: number = EXIT.ok;
    for (const file of args.positionals) {
      let text: string;
      try {
        text = io.readFile(file);
      } catch (e) {
        io.stderr(`ntkexp fmt: cannot read ${file}: ${describeIOError(e)}\n`);
        status = EXIT.usage;
        continue;
      }
      const result = format(text);
      if (!result.ok) {
        for (const d of result.diagnostics) io.stderr(`${toLine(file, d)}\n`);
        io.stderr(`ntkexp fmt: ${file} does not parse; fix the errors above first\n`);
        if (status === EXIT.ok) status = EXIT.failure;
        continue;
      }
      if (checkOnly) {
        if (result.text !== text) {
          io.stdout(`${file}: not formatted\n`);
          if (status === EXIT.ok) status = EXIT.failure;
        }
      } else if (write) {
        if (result.text !== text) {
          try {
            io.writeFile(file, result.text);
            io.stderr(`formatted ${file}\n`);
          } catch (e) {
            io.stderr(`ntkexp fmt: cannot write ${file}: ${describeIOError(e)}\n`);
            status = EXIT.usage;
          }
        }
      } else {
        io.stdout(result.text);
      }
    }
    return status;
  },
};
