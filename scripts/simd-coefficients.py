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


def atan_tail(z):
    """(atan(u)/u − 1)/z with z = u²: atan(u) = u + u·z·A(z)."""
    if z < mp.mpf('1e-30'):
        return -mp.mpf(1) / 3 + z / 5
    u = mp.sqrt(z)
    return (mp.atan(u) / u - 1) / z


def sin_tail(z):
    """(sin(r)/r − 1)/z with z = r²: sin r = r + r·z·S(z)."""
    if z < mp.mpf('1e-30'):
        return -mp.mpf(1) / 6 + z / 120
    r = mp.sqrt(z)
    return (mp.sin(r) / r - 1) / z


def cos_tail(z):
    """(cos(r) − 1 + z/2)/z² with z = r²: cos r = 1 − z/2 + z²·C(z)."""
    if z < mp.mpf('1e-20'):
        return mp.mpf(1) / 24 - z / 720
    r = mp.sqrt(z)
    return (mp.cos(r) - 1 + z / 2) / z**2


TAN_PI_8_SQUARED = mp.tan(mp.pi / 8) ** 2
PI_4_SQUARED = (mp.pi / 4) ** 2

FITS = [
    # name, function, interval, degree, what an error of the polynomial does to the result
    ('EXPM1_TAIL', expm1_tail, (-mp.log(2) / 2, mp.log(2) / 2), 6,
     'relative error of expm1(r) = r + r²P: |r|·|ΔP| ≤ (ln 2/2)·|ΔP|', lambda e: e * mp.log(2) / 2),
    ('ATANH_TAIL', atanh_tail, (mp.mpf(0), mp.mpf(1) / 9), 5,
     'relative error of log((1+s)/(1−s)) = 2s(1 + zR): z·|ΔR| ≤ |ΔR|/9 (s ≤ 1/3)', lambda e: e / 9),
    ('ATAN_TAIL', atan_tail, (mp.mpf(0), TAN_PI_8_SQUARED), 6,
     'relative error of atan(u) = u(1 + zA), |u| ≤ tan(π/8): z·|ΔA| ≤ tan²(π/8)·|ΔA|', lambda e: e * TAN_PI_8_SQUARED),
    ('SIN_TAIL', sin_tail, (mp.mpf(0), PI_4_SQUARED), 4,
     'relative error of sin r = r(1 + zS), |r| ≤ π/4: z·|ΔS| ≤ (π/4)²·|ΔS|', lambda e: e * PI_4_SQUARED),
    ('COS_TAIL', cos_tail, (mp.mpf(0), PI_4_SQUARED), 3,
     'relative error of cos r = 1 − z/2 + z²C, |r| ≤ π/4: z²·|ΔC|/cos(π/4)', lambda e: e * PI_4_SQUARED**2 / mp.cos(mp.pi / 4)),
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
