import { checkOptionsForFile, dataFilesDoc } from '../../run/confine';
import { diagnoseFile } from '../../run/diagnose';
import { type CliIO, describeIOError } from '../io';
import { type JsonDiagnostic, countText, toJson, toLine } from '../report';
import { EXIT, type Verb } from '../verb';

export const checkVerb: Verb = {
  name: 'check',
  summary: 'Check .ntkexp files and report every problem',
  usage: 'ntkexp check FILE… [--json]',
  description: [
    'Parses and validates each FILE against the .ntkexp format (docs: NTKEXP.md) and prints every problem,',
    'one per line, as FILE:LINE:COL: error|warning: MESSAGE (lines and columns from 1). FILE may be - for',
    'standard input. A file without errors is also checked against the limits `ntkexp run` refuses (sizes',
    'beyond what a run holds, the memory and disk free now, a run longer than a week): warnings on the',
    'setting to lower, from the data\'s settings alone (no data file is read). A file with no experiment is',
    'a warning.',
    '',
    dataFilesDoc,
    '',
    'Exit status: 0 when no file has an error (warnings allowed), 1 when one has, 2 on a usage error or a',
    'file that cannot be read.',
  ].join('\n'),
  flags: [
    {
      name: 'json',
      doc: 'Print one JSON array of {file, line, column, endLine, endColumn, severity, code, message} instead (1-based; code is the stable diagnostic code, e.g. unknown-key).',
    },
  ],
  positionals: { name: 'FILE', min: 1, max: Infinity },
  run(args, io: CliIO) {
    const json = args.flags.json === true;
    const all: JsonDiagnostic[] = [];
    let errors = 0;
    let warnings = 0;
    let unreadable = false;
    for (const file of args.positionals) {
      let text: string;
      try {
        text = io.readFile(file);
      } catch (e) {
        io.stderr(`ntkexp check: cannot read ${file}: ${describeIOError(e)}\n`);
        unreadable = true;
        continue;
      }
      const diagnostics = diagnoseFile(text, file === '-' ? {} : checkOptionsForFile(file));
      for (const d of diagnostics) {
        if (d.severity === 'error') errors++;
        else warnings++;
        if (json) all.push(toJson(file, d));
        else io.stdout(`${toLine(file, d)}\n`);
      }
    }
    if (json) io.stdout(`${JSON.stringify(all, null, 2)}\n`);
    else if (errors + warnings > 0) io.stderr(`${countText(errors, warnings)}\n`);
    return unreadable ? EXIT.usage : errors > 0 ? EXIT.failure : EXIT.ok;
  },
};
