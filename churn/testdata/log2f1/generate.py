# Reference values of ln 2F1(a, b; a+1; z) for TestLog2F1ParetoReference.
# Run: python3 generate.py > pareto_2f1.csv (mpmath 1.3.0).
#
# Each value is Euler's integral (Abramowitz & Stegun 15.3.1) after the
# substitution t = exp(-y/a),
#   ln 2F1 = -b ln(1-z) + ln Int_0^inf exp(-y) h(y)^(-b) dy,
#   h = 1 + z/(1-z) (1 - exp(-y/a)),
# by tanh-sinh quadrature at 30 digits with breakpoints at the scale of h,
# and is checked against mpmath.hyp2f1 to 1e-20 wherever that converges
# within 10^5 terms. a, b and z are the float64 values written (read back exactly).
import mpmath as mp

mp.mp.dps = 30


def by_integral(a, b, z):
    omz = 1 - z
    kap = z / omz
    eps = a * omz / z
    f = lambda y: mp.exp(-y - b * mp.log1p(-kap * mp.expm1(-y / a)))
    pts = [mp.mpf(0)]
    s = eps / max(b, 1) / 16
    while s < 1:
        pts.append(s)
        s *= 4
    pts += [1, 4, 16, 64, mp.inf]
    return -b * mp.log1p(-z) + mp.log(mp.quad(f, pts))


print("a,b,z,log2f1")
for a in [0.5, 2.0, 30.0, 600.0, 1e4, 4e5]:
    for b in [0.3, 1.0001, 2.0, 7.0, 60.0, 900.0]:
        if b >= a + 1:
            continue
        for z in [0.3, 0.9, 0.99, 0.9999, 0.999999, 0.999999999]:
            A, B, Z = mp.mpf(a), mp.mpf(b), mp.mpf(z)
            v = by_integral(A, B, Z)
            try:
                w = mp.log(mp.hyp2f1(A, B, A + 1, Z, maxterms=10**5, maxprec=2000))
                assert abs(v - w) <= mp.mpf(10) ** -20 * max(1, abs(v)), (a, b, z, v, w)
            except (mp.libmp.NoConvergence, ValueError):
                pass
            print("%r,%r,%r,%s" % (a, b, z, mp.nstr(v, 22)))
