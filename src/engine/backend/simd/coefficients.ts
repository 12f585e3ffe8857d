/**
 * Polynomial coefficients of the element-wise SIMD kernels (lowest degree first), printed by
 * `python3 scripts/simd-coefficients.py` (Chebyshev fits at 40 digits, rounded to float64; the script
 * measures the error of these very float64 coefficients). The kernels evaluate in float64 and round to
 * float32 once, so these errors (≤ 1.1e-11 relative) add at most 2e-4 ulp to the 0.5 ulp of that
 * rounding. The degrees are the lowest that keep that under 2^-34 relative (accuracy.ts), because the
 * kernels are bound by float64 arithmetic throughput: each degree costs two instructions per two lanes.
 */

/**
 * P(r) ≈ (e^r − 1 − r)/r² on [−ln2/2, ln2/2], degree 6: e^r − 1 = r + r²·P(r).
 * Max |ΔP| 2.7e-11, so expm1(r) has relative error ≤ (ln2/2)·2.7e-11 = 9.3e-12 (and e^r less).
 */
export const EXPM1_TAIL = [
  0.5, 0.16666666718997508, 0.041666666718980845, 0.008333298483754886, 0.001388885404961482, 0.0001989927395864936, 2.4859578222625295e-5,
];

/**
 * R(z) ≈ (atanh(s)/s − 1)/z with z = s² on [0, 1/9] (|s| ≤ 1/3), degree 5:
 * log((1+s)/(1−s)) = 2s + 2s·z·R(z). Max |ΔR| 9.2e-11, so the logarithm has relative error ≤ 1.03e-11.
 */
export const ATANH_TAIL = [0.33333333325011805, 0.2000000538497483, 0.1428515286094183, 0.11132355604500663, 0.08732351232720387, 0.10393808427873376];

/**
 * A(z) ≈ (atan(u)/u − 1)/z with z = u² on [0, tan²(π/8)], degree 6: atan(u) = u + u·z·A(z).
 * Max |ΔA| 1.9e-11, so atan(u) has relative error ≤ tan²(π/8)·1.9e-11 = 3.3e-12.
 */
export const ATAN_TAIL = [
  -0.3333333333144073, 0.1999999891728858, -0.14285612511387016, 0.11107495135714474, -0.09028983500350463, 0.07135325122330678, -0.04043224825887161,
];

/**
 * S(z) ≈ (sin(r)/r − 1)/z with z = r² on [0, (π/4)²], degree 4: sin r = r + r·z·S(z).
 * Max |ΔS| 2.8e-14: relative error ≤ 1.7e-14.
 */
export const SIN_TAIL = [-0.16666666666663885, 0.008333333331079223, -0.00019841266916985966, 2.755599092956532e-6, -2.4805636241834762e-8];

/**
 * C(z) ≈ (cos(r) − 1 + z/2)/z² with z = r² on [0, (π/4)²], degree 3: cos r = 1 − z/2 + z²·C(z).
 * Max |ΔC| 2.4e-12: relative error ≤ (π/4)⁴·2.4e-12/cos(π/4) = 1.3e-12.
 */
export const COS_TAIL = [0.0416666666643212, -0.001388888767201679, 2.480060037715673e-5, -2.730095920390147e-7];
