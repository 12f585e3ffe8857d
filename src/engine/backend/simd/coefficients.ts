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
