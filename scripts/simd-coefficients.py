"""Polynomial coefficients of the WebAssembly SIMD element-wise kernels (src/engine/backend/simd/coefficients.ts).

Usage: python3 scripts/simd-coefficients.py   (needs mpmath; a developer tool, not run by the tests)

Each polynomial is a Chebyshev fit at 40 digits (within a factor ~2 of the minimax error), rounded to
float64. The printed error is measured on the float64 coefficients over 20001 points of the interval,
at 40 digits, scaled to what it means for the kernel's result (see each entry): the kernels evaluate in
float64 and round to float32 once, so a relative error e of the float64 result adds at most e·2^24 ulp
to the 0.5 ulp of that rounding.
"""
import mpmath as mp

mp.mp.dps = 40


def expm1_tail(r):
    """(e^r − 1 − r)/r²: e^r − 1 = r + r²·P(r)."""
    if abs(r) < mp.mpf('1e-12'):
        return mp.mpf(1) / 2 + r / 6 + r * r / 24
    return (mp.expm1(r) - r) / r**2


def atanh_tail(z):
    """(atanh(s)/s − 1)/z with z = s²: log((1+s)/(1−s)) = 2s + 2s·z·R(z)."""
    if z < mp.mpf('1e-30'):
        return mp.mpf(1) / 3 + z / 5
    s = mp.sqrt(z)
    return (mp.atanh(s) / s - 1) / z


FITS = [
    # name, function, interval, degree, what an error of the polynomial does to the result
    ('EXPM1_TAIL', expm1_tail, (-mp.log(2) / 2, mp.log(2) / 2), 6,
     'relative error of expm1(r) = r + r²P: |r|·|ΔP| ≤ (ln 2/2)·|ΔP|', lambda e: e * mp.log(2) / 2),
    ('ATANH_TAIL', atanh_tail, (mp.mpf(0), mp.mpf(1) / 9), 5,
     'relative error of log((1+s)/(1−s)) = 2s(1 + zR): z·|ΔR| ≤ |ΔR|/9 (s ≤ 1/3)', lambda e: e / 9),
]

for name, f, (a, b), degree, meaning, scale in FITS:
    coeffs = mp.chebyfit(f, [a, b], degree + 1)  # highest degree first
    doubles = [float(c) for c in coeffs]
    worst = mp.mpf(0)
    for i in range(20001):
        x = a + (b - a) * i / 20000
        p = mp.mpf(0)
        for c in doubles:
            p = p * x + mp.mpf(c)
        worst = max(worst, abs(p - f(x)))
    lowest_first = list(reversed(doubles))
    print(f'// {name}: degree {degree} on [{mp.nstr(a, 17)}, {mp.nstr(b, 17)}], max |ΔP| {mp.nstr(worst, 3)};')
    print(f'// {meaning} = {mp.nstr(scale(worst), 3)}')
    print(f'export const {name} = [{", ".join(repr(c) for c in lowest_first)}];')
