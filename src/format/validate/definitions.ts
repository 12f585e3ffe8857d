import type { ActivationDefinition, Definition, LossDefinition, NtkFile } from '../ast';
import type { Acceptor } from '../diagnostics';
import { isSmooth } from '../expressions';
import { toExpr } from '../expressions/fromAst';
import { BUILTIN_ACTIVATION_NAMES, BUILTIN_LOSS_NAMES } from '../schema';

/** The file's custom activations and losses by name (the first of duplicates), and which activations are smooth. */
export interface Definitions {
  readonly activations: ReadonlyMap<string, ActivationDefinition>;
  readonly losses: ReadonlyMap<string, LossDefinition>;
  /** Activation name → has no kinks (abs, min, max); absent when its formula has errors. */
  readonly smooth: ReadonlyMap<string, boolean>;
}

const PARAMS = { activation: ['one parameter', 'x'], loss: ['two parameters', 'y, t'] } as const;

/**
 * `activation NAME(x) = expr` and `loss NAME(y, t) = expr`: unique names that do not shadow a built-in,
 * the right number of distinct parameters, and formulas over those parameters only.
 */
export function checkDefinitions(file: NtkFile, accept: Acceptor): Definitions {
  const activations = new Map<string, ActivationDefinition>();
  const losses = new Map<string, LossDefinition>();
  const smooth = new Map<string, boolean>();
  for (const item of file.items) {
    if (item.kind === 'experiment') continue;
    const name = item.name.name;
    const table: Map<string, Definition> = item.kind === 'activation' ? activations : losses;
    const builtins = item.kind === 'activation' ? BUILTIN_ACTIVATION_NAMES : BUILTIN_LOSS_NAMES;
    if (builtins.includes(name)) {
      accept('error', 'duplicate', `${item.kind} \`${name}\` is built in: give your ${item.kind} another name`, item.name.range);
    } else if (table.has(name)) {
      const first = table.get(name)!;
      accept('error', 'duplicate', `${item.kind} \`${name}\` is defined twice (first at line ${first.name.range.start.line + 1}): rename or remove one`, item.name.range);
    } else {
      table.set(name, item);
    }
    const expectedCount = item.kind === 'activation' ? 1 : 2;
    const paramsOk = item.params.length === expectedCount;
    if (!paramsOk) {
      const [count, example] = PARAMS[item.kind];
      const at = item.params.length > 0 ? { start: item.params[0].range.start, end: item.params[item.params.length - 1].range.end } : item.name.range;
      accept('error', 'arity', `${item.kind} \`${name}\` takes ${count} (${example}), got ${item.params.length}`, at);
    }
    const paramNames = item.params.map((p) => p.name);
    item.params.forEach((p, i) => {
      if (paramNames.indexOf(p.name) !== i) accept('error', 'duplicate', `parameter \`${p.name}\` of \`${name}\` is declared twice`, p.range);
    });
    const expr = toExpr(item.body, { variables: paramNames, where: `in the formula of ${item.kind} \`${name}\`` }, accept);
    if (item.kind === 'activation' && expr && paramsOk && activations.get(name) === item) smooth.set(name, isSmooth(expr));
  }
  return { activations, losses, smooth };
}
