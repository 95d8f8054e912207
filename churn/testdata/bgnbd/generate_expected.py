# Reference values of the BG/NBD and MBG/NBD expectations for
# TestBetaGeoExpectationsLongHorizonReference, down to a, b = 1e-5 and
# horizons up to 1e8 times alpha (1e17 times for alpha = 1e-8).
# Run: python3 generate_expected.py > expected.csv (mpmath 1.3.0).
#
# Each value is the published formula (Fader, Hardie & Lee 2005, eq. 9
# and 10; Batislam et al. 2007) with mpmath.hyp2f1 at 50 digits; for
# every parameter point, E[X(t)] of BG/NBD and E[Y(t) | x = 2, ...] of
# MBG/NBD are checked to 1e-20 (at 30 digits) against the model's
# definition,
#   G = E[(1 - (1 + p w)^(-r)) / p],  p ~ Beta(a, b),  w = t / (alpha + T),
# integrated over p in its own way: the ends [0, d0] and [1 - d1, 1], where
# the beta density p^(a-1) (1-p)^(b-1) is nearly all of the mass for small
# a and b, by term-wise integration of the power series of the rest of the
# integrand, and the middle by tanh-sinh quadrature with breakpoints spaced
# by factors of 10 in p and in 1 - p. All inputs are the float64 values
# written (read back exactly).
import mpmath as mp

mp.mp.dps = 50
TERMS = 40


def binom_series(e, n, x):
    # coefficients of (1 + x u)^e in u, up to u^(n-1)
    out, c = [], mp.mpf(1)
    for k in range(n):
        out.append(c * x**k)
        c = c * (e - k) / (k + 1)
    return out


def mul(p, q):
    n = min(len(p), len(q))
    return [mp.fsum(p[i] * q[k - i] for i in range(k + 1)) for k in range(n)]


def by_definition(r, a, b, w):
    d0 = mp.mpf(10) ** -6 / w
    d1 = mp.mpf(10) ** -3
    # left end: g(p) (1-p)^(b-1) = sum c_k p^k, g(p) = -sum_{j>=1} binom(-r, j) w^j p^(j-1)
    br = binom_series(-r, TERMS + 1, w)  # binom(-r, j) w^j
    c = [-br[j + 1] for j in range(TERMS)]
    left = mul(c, binom_series(b - 1, TERMS, -1))
    L = mp.fsum(left[k] * d0 ** (a + k) / (a + k) for k in range(TERMS))
    # right end, q = 1 - p: p^(a-1) g(p) = (1-q)^(a-2) [1 - (1+w)^(-r) (1 - q v)^(-r)], v = w/(1+w)
    v = w / (1 + w)
    f = [-(1 + w) ** (-r) * t for t in binom_series(-r, TERMS, -v)]
    f[0] += 1
    right = mul(binom_series(a - 2, TERMS, -1), f)
    R = mp.fsum(right[k] * d1 ** (b + k) / (b + k) for k in range(TERMS))

    def integrand(p):
        g = -mp.expm1(-r * mp.log1p(p * w)) / p
        return p ** (a - 1) * (1 - p) ** (b - 1) * g

    pts = [d0]
    x = d0
    while x * 10 < mp.mpf(1) / 2:
        x *= 10
        pts.append(x)
    pts.append(mp.mpf(1) / 2)
    y = mp.mpf(1) / 2
    while y / 10 > d1:
        y /= 10
        pts.append(1 - y)
    pts.append(1 - d1)
    M = mp.quad(integrand, pts)
    return (L + M + R) / mp.beta(a, b)


def by_formula(r, a, b, num, den):
    # G(r, a, b) of eq. 9/10 with z = num/(num+den)
    c = a + b - 1
    z = num / (num + den)
    return c / (a - 1) * (1 - (den / (num + den)) ** r * mp.hyp2f1(r, b, c, z))


def check(v, r, a, b, w, what):
    with mp.workdps(30):
        u = by_definition(r, a, b, w)
        assert abs(v - u) <= mp.mpf(10) ** -20 * abs(v), (what, v, u)


print("model,r,alpha,a,b,x,tx,T,t,value")
obs = [(0.0, 0.0, 0.0), (0.0, 0.0, 39.0), (2.0, 30.0, 39.0)]
for r in [0.24, 2.5]:
    for alpha in [4.4, 300.0, 1e-8]:
        for a, b in [(1e-3, 1e-3), (1e-4, 1e-4), (5e-4, 1e-5), (1e-5, 2e-4), (1e-4, 0.8), (0.3, 1e-5), (0.79, 2.43)]:
            # horizons from 10 to 1e8 times alpha, and for alpha = 1e-8 the
            # longest ones accepted (t/alpha = 1e16 and 1e17, beyond 2^53)
            ts = [float(mp.mpf(alpha) * q) for q in [10.0, 1e3, 1e5, 1e6, 1e8]]
            if alpha < 1:
                ts = [1e8, 1e9]
            for t in ts:
                if t > 1e9:
                    continue
                for shift, model in [(0, "bgnbd"), (1, "mbgnbd")]:
                    for x, tx, T in obs:
                        # E[X(t)] (T = 0) or E[Y(t) | x, t_x, T]: G(r+x, a, b+x+shift; t/(alpha+T))
                        # times P(alive) (b/(a+b) for MBG/NBD at T = 0).
                        R, A, B, X = mp.mpf(r), mp.mpf(a), mp.mpf(b), mp.mpf(x)
                        num, den = mp.mpf(t), mp.mpf(alpha) + mp.mpf(T)
                        k = X + shift
                        v = by_formula(R + X, A, B + k, num, den)
                        if (shift, x, T) in [(0, 0.0, 0.0), (1, 2.0, 39.0)]:
                            check(v, R + X, A, B + k, num / den, (model, r, alpha, a, b, x, t))
                        if k > 0:
                            odds = A / (B + k - 1) * ((mp.mpf(alpha) + T) / (mp.mpf(alpha) + tx)) ** (R + X)
                            v /= 1 + odds
                        print(f"{model},{r!r},{alpha!r},{a!r},{b!r},{x!r},{tx!r},{T!r},{t!r},{mp.nstr(v, 25)}", flush=True)
