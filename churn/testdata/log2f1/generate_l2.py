# Reference values of the Pareto/NBD likelihood term
#   L2 = ln s + ln Int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau
# (Fader & Hardie 2005, note 009) and of its derivatives with respect to
# r, alpha, s and beta, for TestParetoL2Reference.
# Run: python3 generate_l2.py > pareto_l2.csv (mpmath 1.3.0): Gauss-Legendre
# quadrature at 40 digits in tau, on pieces no longer than the scale on
# which the integrand falls, checked against 2.5 times as many pieces;
# derivatives by mpmath.diff.
# The inputs are the float64 values written.
import mpmath as mp

mp.mp.dps = 40

cases = [
    # r, alpha, s, beta, x, t_x, T
    (0.553277, 10.577732, 0.606209, 11.667659, 2, 30.43, 38.86),
    (0.553277, 10.577732, 0.606209, 11.667659, 0, 0, 38.86),
    (0.553277, 10.577732, 0.606209, 11.667659, 20, 38.5, 38.86),
    (1.5, 18, 2.4e-7, 6.2e8, 0, 0, 3650),
    (1.5, 18, 2.4e-7, 6.2e8, 3, 120, 2000),
    (1.5, 18, 2.4e-7, 6.2e8, 300, 3000, 3650),
    (1.45, 17.36, 423395, 4.34e9, 1, 5, 1500),
    (1.45, 17.36, 423395, 4.34e9, 800, 3400.5, 3600),
    (1.48, 17.26, 1.4e-6, 2.17e6, 0, 0, 35.5),
    (1.48, 17.26, 1.4e-6, 2.17e6, 4, 20.25, 39.75),
    (0.8, 3, 2, 0.05, 0, 0, 100),
    (0.8, 3, 2, 0.05, 5, 60, 100),
    (3, 30, 7e-6, 3e7, 150, 1800, 2500),
    (0.3, 1e-3, 0.7, 2e4, 1, 0.5, 3000),
]


def l2(r, al, s, be, x, tx, T, pieces=250):
    p, q = r + x, s + 1
    f = lambda t: (al + t) ** (-p) * (be + t) ** (-q)
    # The integrand falls by e^-1 within 1/(p/(alpha+t) + q/(beta+t)) of t:
    # pieces of that length (times 100/pieces), up to T.
    pts = [tx]
    while pts[-1] < T:
        t = pts[-1]
        pts.append(min(T, t + 100 / pieces / (p / (al + t) + q / (be + t))))
    return mp.log(s) + mp.log(mp.quad(f, pts, method="gauss-legendre"))


print("r,alpha,s,beta,x,tx,T,l2,dr,dalpha,ds,dbeta")
for c in cases:
    r, al, s, be, x, tx, T = [mp.mpf(float(v)) for v in c]
    out = [l2(r, al, s, be, x, tx, T)]
    check = l2(r, al, s, be, x, tx, T, pieces=600)
    assert abs(out[0] - check) < mp.mpf(10) ** -22 * abs(out[0]), (c, out[0], check)
    out.append(mp.diff(lambda v: l2(v, al, s, be, x, tx, T), r))
    out.append(mp.diff(lambda v: l2(r, v, s, be, x, tx, T), al))
    out.append(mp.diff(lambda v: l2(r, al, v, be, x, tx, T), s))
    out.append(mp.diff(lambda v: l2(r, al, s, v, x, tx, T), be))
    print(",".join(repr(float(v)) for v in c) + "," + ",".join(mp.nstr(v, 22) for v in out))
