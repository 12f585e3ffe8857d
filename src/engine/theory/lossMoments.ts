/**
 * The limiting moments of I and S at one state (Y, G) of the dynamics, for any loss (THEORY.md §6,
 * Theorem 1):
 *
 *     Tr(I^k) = Tr((H_C(Y) Θ)^k),   Tr(S) = Gᵀ ∇C(Y),   Tr(S²) = ∇C(Y)ᵀ Υ ∇C(Y),   Tr(S^k) → 0, k ≥ 3.
 *
 * The Gram matrices act on the N nL outputs as Θ ⊗ Id_nL and Υ ⊗ Id_nL (independent, identical
 * output blocks), while H_C has one nL × nL block per data point (coupling the outputs of softmax).
 */
import type { LossEvaluation } from '../loss/loss';
import { matmul, traceOfProduct } from '../linalg/dense';

/**
 * Tr((H_C (Θ ⊗ Id))^k) for k = 1..kmax, with M = H_C (Θ ⊗ Id) (size n = N nL,
 * M[(i,a),(j,b)] = Θ_ij H_i[a,b]) and its square M² = H_C P, P = (Θ ⊗ Id) H_C (Θ ⊗ Id):
 *
 *     Tr M  = Σ_i Θ_ii Tr H_i                    Tr M² = Σ_ij Θ_ij Θ_ji Tr(H_i H_j)       (O(N² nL²))
 *     Tr M³ = Tr(M² M)                           Tr M⁴ = Tr(M² M²)                        (one P)
 *
 * P is built block by block, P[(i,a),(l,b)] = (Θ D_ab Θ)_il with D_ab = diag_j H_j[a,b]: one N³
 * product per pair a ≤ b whose D_ab is not zero (H_j symmetric), so nL(nL+1)/2 products for softmax
 * and nL for a loss with diagonal H_C, instead of the (N nL)³ of a dense square. k ≥ 5 multiplies
 * powers of M² densely. Measured at N = 256: 30 ms per call for nL = 1 and kmax = 4.
 */
export function lossGramMoments(theta: Float64Array, ev: LossEvaluation, kmax: number): Float64Array {
  const { N, nL, hessianBlocks: H } = ev;
  const n = N * nL;
  const b2 = nL * nL;
  const out = new Float64Array(kmax);
  // k = 1, 2 from the blocks directly.
  let t1 = 0;
  for (let i = 0; i < N; i++) for (let a = 0; a < nL; a++) t1 += theta[i * N + i] * H[i * b2 + a * nL + a];
  out[0] = t1;
  if (kmax >= 2) {
    let t2 = 0;
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let trHH = 0;
        for (let a = 0; a < nL; a++) for (let b = 0; b < nL; b++) trHH += H[i * b2 + a * nL + b] * H[j * b2 + b * nL + a];
        t2 += theta[i * N + j] * theta[j * N + i] * trHH;
      }
    }
    out[1] = t2;
  }
  if (kmax < 3) return out;

  const M = new Float64Array(n * n);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < nL; a++) {
      const row = (i * nL + a) * n;
      for (let j = 0; j < N; j++) {
        const t = theta[i * N + j];
        for (let b = 0; b < nL; b++) M[row + j * nL + b] = t * H[i * b2 + a * nL + b];
      }
    }
  }
  const R = applyBlocks(H, middleProduct(theta, H, N, nL), N, nL); // M²
  const powers: Float64Array[] = [R]; // powers[m − 1] = (M²)^m
  const power = (m: number) => {
    while (powers.length < m) powers.push(matmul(powers[powers.length - 1], R, n, n, n));
    return powers[m - 1];
  };
  for (let k = 3; k <= kmax; k++) {
    const m = Math.floor(k / 2);
    out[k - 1] = k % 2 === 1 ? traceOfProduct(power(m), M, n) : traceOfProduct(power(Math.ceil(m / 2)), power(Math.floor(m / 2)), n);
  }
  return out;
}

/** P = (Θ ⊗ Id) H_C (Θ ⊗ Id), n × n with n = N nL, from one N × N product per nonzero block pair. */
function middleProduct(theta: Float64Array, H: Float64Array, N: number, nL: number): Float64Array {
  const n = N * nL;
  const b2 = nL * nL;
  const P = new Float64Array(n * n);
  const scaled = new Float64Array(N * N);
  for (let a = 0; a < nL; a++) {
    for (let b = a; b < nL; b++) {
      let nonzero = false;
      for (let j = 0; j < N; j++) {
        if (H[j * b2 + a * nL + b] !== H[j * b2 + b * nL + a]) throw new RangeError('the loss Hessian blocks must be symmetric');
        if (H[j * b2 + a * nL + b] !== 0) nonzero = true;
      }
      if (!nonzero) continue;
      // D_ab Θ, then Θ (D_ab Θ).
      for (let j = 0; j < N; j++) {
        const d = H[j * b2 + a * nL + b];
        for (let l = 0; l < N; l++) scaled[j * N + l] = d * theta[j * N + l];
      }
      const block = matmul(theta, scaled, N, N, N);
      for (let i = 0; i < N; i++) {
        for (let l = 0; l < N; l++) {
          const v = block[i * N + l];
          P[(i * nL + a) * n + l * nL + b] = v;
          P[(i * nL + b) * n + l * nL + a] = v;
        }
      }
    }
  }
  return P;
}

/** H_C A for A (n × n): one nL × nL block of H_C per data point, O(N² nL³). */
function applyBlocks(H: Float64Array, A: Float64Array, N: number, nL: number): Float64Array {
  const n = N * nL;
  const b2 = nL * nL;
  const out = new Float64Array(n * n);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < nL; a++) {
      const row = (i * nL + a) * n;
      for (let c = 0; c < nL; c++) {
        const h = H[i * b2 + a * nL + c];
        if (h === 0) continue;
        const src = (i * nL + c) * n;
        for (let q = 0; q < n; q++) out[row + q] += h * A[src + q];
      }
    }
  }
  return out;
}

/**
 * vᵀ (K ⊗ Id_nL) v = Σ_a v_·aᵀ K v_·a for an N × N kernel K and v stored N × nL: Tr(S²) = ∇Cᵀ Υ ∇C,
 * and the mean-field variance ∇Cᵀ Ξ ∇C.
 */
export function outputQuadratic(kernel: Float64Array, gradient: Float64Array, N: number, nL: number): number {
  const UG = matmul(kernel, gradient, N, N, nL);
  let s = 0;
  for (let p = 0; p < N * nL; p++) s += gradient[p] * UG[p];
  return s;
}
