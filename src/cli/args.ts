import { closest } from '../format/suggest';
import { type ParsedArgs, UsageError, type VerbSpec } from './verb';

/** Flags every verb takes. */
export const HELP_FLAG = { name: 'help', short: 'h', doc: 'Show this help and exit.' } as const;

/**
 * Command-line arguments against a verb's flags: `--flag`, `--flag=value`, `--flag value`, `-x`;
 * `--` ends the flags; `-` alone is a positional (standard input). Unknown flags, a value given to a
 * switch, a missing value and a wrong number of positionals are usage errors with a hint.
 */
export function parseArgs(argv: readonly string[], spec: VerbSpec): ParsedArgs {
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  const all = [...spec.flags, HELP_FLAG];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const long = arg.startsWith('--');
    const [rawName, inline] = long ? splitOnce(arg.slice(2), '=') : [arg.slice(1), undefined];
    const flag = all.find((f) => (long ? f.name === rawName : 'short' in f && f.short === rawName));
    if (!flag) {
      const names = all.map((f) => f.name);
      const hint = closest(rawName.replace(/^-+/, ''), names);
      throw new UsageError(
        `unknown flag ${arg}${hint ? `; did you mean --${hint}?` : ''} (${spec.name === '' ? 'ntkexp' : `ntkexp ${spec.name}`} takes ${all.map((f) => `--${f.name}`).join(', ')})`,
      );
    }
    if (!('value' in flag) || flag.value === undefined) {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value, got --${flag.name}=${inline}`);
      flags[flag.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`--${flag.name} needs a value: --${flag.name} ${flag.value}`);
    }
    flags[flag.name] = value;
  }
  if (flags.help) return { flags, positionals };
  const { name, min, max } = spec.positionals;
  if (positionals.length < min) throw new UsageError(`missing ${name}: ${spec.usage}`);
  if (positionals.length > max) {
    throw new UsageError(max === 0 ? `unexpected argument ${positionals[0]}: ${spec.usage}` : `too many arguments (${positionals.length}; at most ${max}): ${spec.usage}`);
  }
  return { flags, positionals };
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep);
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + 1)];
}

/**
 * An integer flag value in min..max (max: 2^53 − 1, the largest integer a number holds exactly), or
 * undefined when the flag is absent; anything else is a usage error that says the rule.
 */
export function optionalInt(value: string | true | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const rule = max === Number.MAX_SAFE_INTEGER ? `an integer from ${min} to ${max} (2^53 − 1)` : `an integer from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${rule}, got ${String(value)}`);
  }
  return n;
}
