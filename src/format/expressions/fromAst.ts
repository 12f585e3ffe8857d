import type { Expression } from '../ast';
import type { Acceptor } from '../diagnostics';
import { closest, didYouMean } from '../suggest';
import { CONSTANTS, PUBLIC_FUNCTIONS, functionSpec, isPublicFunction } from '../../catalogue/expressions/functions';
import { type Expr, build, call, constant, neg, variable } from '../../catalogue/expressions/ir';

/** What names an expression may use, and how to say where it is ("in the formula of `swish`"). */
export interface ExpressionScope {
  readonly variables: readonly string[];
  readonly where: string;
  /** How to list the variables in a message when there are many (`x1 … x784`). */
  readonly describeVariables?: string;
}

const silent: Acceptor = () => undefined;

/**
 * Check an expression of the file against NTKEXP.md (the function list, arities, the variables in
 * scope; parameters shadow the constants `pi` and `e`) and convert it to the algebra of `ir.ts`.
 * Returns undefined when something was reported (or the parser left a hole).
 */
export function toExpr(node: Expression, scope: ExpressionScope, accept: Acceptor = silent): Expr | undefined {
  let ok = true;
  const fail = (): undefined => {
    ok = false;
    return undefined;
  };
  const walk = (n: Expression): Expr | undefined => {
    switch (n.kind) {
      case 'missing':
        return fail();
      case 'number':
        return constant(n.value);
      case 'paren':
        return walk(n.inner);
      case 'unary': {
        const a = walk(n.operand);
        return a && (n.operator === '-' ? neg(a) : a);
      }
      case 'binary': {
        const a = walk(n.left);
        const b = walk(n.right);
        if (!a || !b) return undefined;
        const op = n.operator === '+' ? 'add' : n.operator === '-' ? 'sub' : n.operator === '*' ? 'mul' : n.operator === '/' ? 'div' : 'pow';
        return build(op, a, b);
      }
      case 'identifier': {
        if (scope.variables.includes(n.name)) return variable(n.name);
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, n.name)) return constant(CONSTANTS[n.name]);
        if (isPublicFunction(n.name)) {
          const arity = functionSpec(n.name)?.arity ?? 1;
          accept('error', 'type', `\`${n.name}\` ${where(scope)} is a function: call it as \`${n.name}(${arity === 1 ? 'x' : 'a, b'})\``, n.range);
          return fail();
        }
        const names = [...scope.variables, ...Object.keys(CONSTANTS)];
        const suggestion = closest(n.name, names);
        const expected = scope.describeVariables ? `${scope.describeVariables}, \`pi\` or \`e\`` : listNames(names);
        accept(
          'error',
          'undefined-name',
          `unknown name \`${n.name}\` ${where(scope)}: expected ${expected}${didYouMean(suggestion)}`,
          n.range,
          suggestion,
        );
        return fail();
      }
      case 'call': {
        const name = n.callee.name;
        const spec = isPublicFunction(name) ? functionSpec(name) : undefined;
        const args = n.args.map(walk);
        if (!spec) {
          const suggestion = closest(name, PUBLIC_FUNCTIONS.map((f) => f.name));
          accept(
            'error',
            'undefined-name',
            `unknown function \`${name}\` ${where(scope)}: expected one of ${PUBLIC_FUNCTIONS.map((f) => f.name).join(', ')}${didYouMean(suggestion)}`,
            n.callee.range,
            suggestion,
          );
          return fail();
        }
        if (args.length !== spec.arity) {
          accept(
            'error',
            'arity',
            `\`${name}\` takes ${spec.arity} argument${spec.arity === 1 ? '' : 's'}, got ${args.length} ${where(scope)}`,
            n.range,
          );
          return fail();
        }
        if (args.some((a) => a === undefined)) return undefined;
        return call(name, args as Expr[]);
      }
    }
  };
  const out = walk(node);
  return ok ? out : undefined;
}

function where(scope: ExpressionScope): string {
  return scope.where;
}

function listNames(names: readonly string[]): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}
