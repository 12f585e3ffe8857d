import type { Expression, Value } from './ast';

/**
 * Canonical text of values: spaces around `+ - * /` and after commas, none around `^`, parentheses
 * and numbers exactly as written. The formatter prints with it, and a resolved experiment keeps its
 * expressions (targets, custom formulas) in this form.
 */
export function printExpression(e: Expression): string {
  switch (e.kind) {
    case 'number':
      return e.raw;
    case 'identifier':
      return e.name;
    case 'paren':
      return `(${printExpression(e.inner)})`;
    case 'unary':
      return `${e.operator}${printExpression(e.operand)}`;
    case 'binary':
      return e.operator === '^'
        ? `${printExpression(e.left)}^${printExpression(e.right)}`
        : `${printExpression(e.left)} ${e.operator} ${printExpression(e.right)}`;
    case 'call':
      return `${e.callee.name}(${e.args.map(printExpression).join(', ')})`;
    case 'missing':
      return '';
  }
}

export function printValue(v: Value): string {
  switch (v.kind) {
    case 'string':
      return v.raw;
    case 'list':
      return `[${v.items.map(printValue).join(', ')}]`;
    default:
      return printExpression(v);
  }
}
