/** Tr(A^k), k = 1 … kmax, of a dense P × P row-major matrix by repeated float64 products (no eigensolver): the tests' reference for moments. */
export function tracePowers(A: Float64Array, P: number, kmax: number): number[] {
  const out: number[] = [];
  let M = Float64Array.from(A);
  for (let k = 1; k <= kmax; k++) {
    let tr = 0;
    for (let i = 0; i < P; i++) tr += M[i * P + i];
    out.push(tr);
    const next = new Float64Array(P * P);
    for (let i = 0; i < P; i++)
      for (let l = 0; l < P; l++) {
        const m = M[i * P + l];
        if (m !== 0) for (let j = 0; j < P; j++) next[i * P + j] += m * A[l * P + j];
      }
    M = next;
  }
  return out;
}
