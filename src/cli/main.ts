import { version } from '../../package.json';
import { parseArgs } from './args';
import { mainHelp, verbHelp } from './help';
import { type CliIO, nodeIO } from './io';
import { closest } from '../format/suggest';
import { EXIT, UsageError, type Verb } from './verb';
import { checkVerb } from './verbs/check';
import { fmtVerb } from './verbs/fmt';
import { theoryVerb } from './verbs/theory';
import { runVerb } from './verbs/run';
import { mergeVerb } from './verbs/merge';
import { doctorVerb } from './verbs/doctor';

/**
 * The `ntkexp` command line. bin/ntkexp.js calls `main(process.argv.slice(2))` and exits with the
 * returned status; dist/cli.js (the esbuild bundle of this file, CommonJS) must export `main`.
 */
export const VERBS: readonly Verb[] = [checkVerb, fmtVerb, theoryVerb, runVerb, mergeVerb, doctorVerb];

export async function main(argv: readonly string[], io: CliIO = nodeIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0]) return main([rest[0], '--help'], io);
    io.stdout(mainHelp(VERBS, version));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${version}\n`);
    return EXIT.ok;
  }
  const verb = VERBS.find((v) => v.name === first);
  if (!verb) {
    const names = VERBS.map((v) => v.name);
    const hint = first.startsWith('-') ? '' : closest(first, names);
    const what = first.startsWith('-') ? `unknown flag ${first}` : `unknown verb \`${first}\``;
    io.stderr(`ntkexp: ${what}${hint ? `; did you mean \`${hint}\`?` : ''} (verbs: ${names.join(', ')}; see ntkexp --help)\n`);
    return EXIT.usage;
  }
  try {
    const args = parseArgs(rest, verb);
    if (args.flags.help) {
      io.stdout(verbHelp(verb));
      return EXIT.ok;
    }
    return await verb.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ntkexp ${verb.name}: ${e.message}\nUsage: ${verb.usage} (see ntkexp ${verb.name} --help)\n`);
      return EXIT.usage;
    }
    // Everything the input can cause has its own message and exit code; what reaches here is a bug.
    io.stderr(`ntkexp ${verb.name}: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n${bugReportLine(version)}\n`);
    return EXIT.internal;
  }
}

/** The line under an internal error (exit 3): what to send, so the bug can be reproduced. */
export function bugReportLine(version: string): string {
  return `This is a bug in ntkexp ${version} (Node ${process.version}), not a problem with your input: please report it with the command line, the .ntkexp file and the output above.`;
}
