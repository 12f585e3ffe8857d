/**
 * The rounding of an operator's arithmetic, measured rather than assumed. A float32 product of the
 * network's (long reductions over layers of width n, sums over N samples) is accurate to some relative
 * ε that depends on the sizes involved and on how much the terms cancel, not to the unit roundoff u.
 * Applying A to x and to s·x with s = 1.375 (exact in binary: 11/8, so s·x is exact for a Rademacher x,
 * but every intermediate product has different low bits) gives two results whose difference, divided
 * back by s, is the rounding noise of two independent-looking applications:
 *
 *     ε = ‖A(s x)/s − A x‖ / (√2 ‖A x‖),
 *
 * floored at u of the operator's precision (two roundings can agree by chance). Every estimator that
 * reports a standard error adds k·ε times the absolute size of what it summed for a k-fold product
 * (moments.ts), so that the error bar bounds the total error, statistical plus arithmetic.
 */
import { Rng } from '../rng';
import { fillProbe, unitRoundoff } from './basis';
import { allocVector, dot, matvec, type LinearOperator } from './operator';

/** Applications of the operator one measurement of ε costs. */
export const ROUNDING_APPLICATIONS = 2;

/** The scale of the second application: exact in binary, not a power of two. */
const SCALE = 1.375;

/** ε of one application of `op` (two applications), ≥ the unit roundoff of its precision. */
export function measuredRounding(op: LinearOperator, rng: Rng = new Rng(0, 'rounding')): number {
  const floor = unitRoundoff(op.precision);
  const x = fillProbe(rng, allocVector(op), 'rademacher');
  const sx = allocVector(op);
  for (let i = 0; i < x.length; i++) sx[i] = SCALE * x[i];
  const y = matvec(op, x);
  const sy = matvec(op, sx);
  const yy = dot(y, y);
  if (!(yy > 0)) return floor;
  let dd = 0;
  for (let i = 0; i < y.length; i++) {
    const d = sy[i] / SCALE - y[i];
    dd += d * d;
  }
  const epsilon = Math.sqrt(dd / (2 * yy));
  return Number.isFinite(epsilon) ? Math.max(epsilon, floor) : floor;
}

