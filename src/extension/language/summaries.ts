import { type Definition, printExpression } from '../../format/index';
import { compileActivation } from '../../format/expressions';
import { builtinLoss, isBuiltinLoss } from '../../catalogue/losses';
import { builtinActivation, isBuiltinActivation } from '../../catalogue/activations';
import { gaussianExpectation } from '../../catalogue/gaussHermite';
import { codeBlock, escapeMarkdown } from '../markdown';

/**
 * The small, plot-free facts hover and completion show about a nonlinearity — its formula and
 * E σ(Z), E σ(Z)² for Z ~ N(0, 1), the first moments the NTK recursion starts from — and about a loss
 * (its formula). Each summary costs one quadrature of a scalar function and is memoized.
 */
export interface ActivationSummary {
  readonly name: string;
  /** `σ(x) = …` as written (custom) or as documented (built-in). */
  readonly formula: string;
  readonly custom: boolean;
  readonly smooth: boolean;
  readonly mean?: number;
  readonly meanSquare?: number;
  /** Why the moments are missing (a formula that does not compile). */
  readonly problem?: string;
}

const cache = new Map<string, ActivationSummary>();
const CACHE_LIMIT = 200;

function remember(key: string, make: () => ActivationSummary): ActivationSummary {
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const summary = make();
  cache.set(key, summary);
  return summary;
}

/**
 * E f(Z), Z ~ N(0, 1). Smooth f: Gauss–Hermite at the degree the theory uses for it. With kinks
 * (relu, abs, min, max) Gauss–Hermite converges slowly (E relu(Z) comes out 0.3998 at degree 200,
 * against 1/√(2π) = 0.3989), so a composite Simpson rule on the density over [−10, 10] is used instead.
 */
export function normalExpectation(f: (z: number) => number, smooth: boolean, degree: number): number {
  if (smooth) return gaussianExpectation(f, degree);
  const n = 4000;
  const h = 20 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = -10 + i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * f(z) * Math.exp(-0.5 * z * z);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

function moments(sigma: (x: number) => number, smooth: boolean, degree: number): { mean: number; meanSquare: number } {
  return {
    mean: normalExpectation(sigma, smooth, degree),
    meanSquare: normalExpectation((z) => sigma(z) ** 2, smooth, degree),
  };
}

export function builtinActivationSummary(name: string): ActivationSummary | undefined {
  if (!isBuiltinActivation(name)) return undefined;
  return remember(`builtin ${name}`, () => {
    const a = builtinActivation(name);
    return { name, formula: `σ(x) = ${a.formula}`, custom: false, smooth: a.smooth, ...moments(a.scalar[0], a.smooth, a.quadratureDegree) };
  });
}

export function customActivationSummary(def: Definition): ActivationSummary {
  const params = def.params.map((p) => p.name);
  const body = printExpression(def.body);
  const formula = `${def.name.name}(${params.join(', ')}) = ${body}`;
  return remember(`custom ${params.join(',')} ${body}`, () => {
    if (params.length !== 1 || !body) return { name: def.name.name, formula, custom: true, smooth: true, problem: 'the definition is incomplete' };
    try {
      const a = compileActivation({ name: def.name.name, param: params[0], body: def.body });
      return { name: def.name.name, formula, custom: true, smooth: a.smooth, ...moments(a.scalar[0], a.smooth, a.quadratureDegree) };
    } catch (e) {
      return { name: def.name.name, formula, custom: true, smooth: true, problem: (e as Error).message };
    }
  });
}

/** 4 significant digits; values within rounding of 0 print as 0 (E sin(Z) is 0, not 2e-17). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) < 5e-12) return '0';
  return String(Number(x.toPrecision(4)));
}

/** Markdown for hover and completion: names, formulas and problems come from the file, so they are escaped or fenced. */
export function activationMarkdown(s: ActivationSummary, where?: string): string {
  const lines = [`**${escapeMarkdown(s.name)}** · ${s.custom ? `custom activation${where ? ` (${where})` : ''}` : 'built-in activation'}`, '', s.custom ? codeBlock(`activation ${s.formula}`, 'ntkexp') : codeBlock(s.formula)];
  if (s.mean !== undefined && s.meanSquare !== undefined) {
    lines.push('', `E σ(Z) = ${formatNumber(s.mean)} · E σ(Z)² = ${formatNumber(s.meanSquare)} (Z ~ N(0, 1))`);
  } else if (s.problem) {
    lines.push('', `No moments: ${escapeMarkdown(s.problem)}`);
  }
  if (!s.smooth) lines.push('', 'Not smooth: σ″ is not a function, so the S-part of the theory is undefined.');
  return lines.join('\n');
}

export function lossMarkdown(name: string, definition?: Definition, where?: string): string | undefined {
  if (definition) {
    const params = definition.params.map((p) => p.name).join(', ');
    return [`**${escapeMarkdown(name)}** · custom loss${where ? ` (${where})` : ''}`, '', codeBlock(`loss ${name}(${params}) = ${printExpression(definition.body)}`, 'ntkexp')].join('\n');
  }
  if (!isBuiltinLoss(name)) return undefined;
  return [`**${escapeMarkdown(name)}** · built-in loss`, '', codeBlock(builtinLoss(name).formula)].join('\n');
}
