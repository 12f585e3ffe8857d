import { HELP_FLAG } from './args';
import type { FlagSpec, Verb } from './verb';

const WIDTH = 24;

function flagLine(f: FlagSpec): string {
  const names = `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`;
  return `  ${names.padEnd(WIDTH)}${f.doc}`;
}

export function verbHelp(verb: Verb): string {
  return [`Usage: ${verb.usage}`, '', verb.summary + '.', '', verb.description, '', 'Flags:', ...[...verb.flags, HELP_FLAG].map(flagLine), ''].join('\n');
}

export function mainHelp(verbs: readonly Verb[], version: string): string {
  return [
    `ntkexp ${version}: experiments on the Hessian spectrum of deep networks, described in .ntkexp files.`,
    '',
    'Usage: ntkexp VERB [FLAGS] [ARGS]',
    '       ntkexp VERB --help',
    '',
    'Verbs:',
    ...verbs.map((v) => `  ${v.name.padEnd(10)}${v.summary}`),
    '',
    'Flags:',
    flagLine(HELP_FLAG),
    flagLine({ name: 'version', doc: 'Print the version and exit.' }),
    '',
    'Exit status: 0 success, 1 problems found (errors in a file, unformatted files), 2 usage error or',
    'unreadable file, 3 internal error.',
    '',
  ].join('\n');
}
