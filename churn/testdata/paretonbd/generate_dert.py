# Reference values of the Pareto/NBD DERT for TestParetoNBDDERTReference.
# Run: python3 generate_dert.py > dert.csv (mpmath 1.3.0).
#
# DERT is the published form (Fader, Hardie & Lee 2005, "RFM and CLV",
# JMR 42(4), eq. 2): P(alive) * (r+x)/(alpha+T) * delta^(s-1) (beta+T)^s U(s, s; delta (beta+T)),
# with Tricomi's U from mpmath.hyperu (not the integral the package uses)
# and P(alive) from the integral over the death time (as in
# generate_scores.py), at 40 digits. delta 0.0027 is the paper's 15% a year
# per week.
import mpmath as mp

mp.mp.dps = 40

CASES = [
    # r, alpha, s, beta, x, t_x, T, delta
    (0.553277, 10.577732, 0.606209, 11.667659, 2, 30.43, 38.86, 0.0027),
    (0.553277, 10.577732, 0.606209, 11.667659, 0, 0, 38.86, 0.0027),
    (0.553277, 10.577732, 0.606209, 11.667659, 26, 30.86, 31, 0.0027),
    (0.5629966, 12.5590370, 0.4081095, 10.5148048, 7, 35, 77.86, 0.0027),
    (0.5629966, 12.5590370, 0.4081095, 10.5148048, 10, 30, 77.86, 0.0027),
    (0.55, 10.58, 0.61, 11.67, 500, 77.9, 78, 0.0027),
    (0.55, 10.58, 0.61, 11.67, 3, 40, 40, 1e-8),
    (0.55, 10.58, 0.61, 11.67, 3, 40, 40, 5.0),
    (0.55, 10.58, 1, 11.67, 3, 10, 40, 0.0027),
    (0.55, 10.58, 1.0000001, 11.67, 3, 10, 40, 0.0027),
    (0.55, 10.58, 0.9999999, 11.67, 3, 10, 40, 0.0027),
    (0.55, 10.58, 3.5, 11.67, 3, 10, 40, 0.0027),
    (0.55, 10.58, 50, 0.5, 3, 39, 40, 0.0027),
    (0.55, 10.58, 0.0001, 10000, 3, 10, 40, 0.0027),
    (1.5, 18, 2.4e-7, 6.2e8, 20, 3000, 3650, 0.15 / 365),
    (0.55, 20, 0.61, 5, 3, 10, 40, 0.0027),
    (0.55, 5, 0.61, 20, 3, 10, 40, 1e6),
]


def palive(r, al, s, be, x, tx, T):
    if T == tx:
        return mp.mpf(1)
    f = lambda u: mp.exp(-(r + x) * mp.log((al + u) / (al + T)) - (s + 1) * mp.log((be + u) / (be + T)))
    return 1 / (1 + s / (be + T) * mp.quad(f, mp.linspace(tx, T, 8)))


print("r,alpha,s,beta,x,tx,T,delta,dert")
for c in CASES:
    r, al, s, be, x, tx, T, d = map(mp.mpf, c)
    z = d * (be + T)
    v = palive(r, al, s, be, x, tx, T) * (r + x) / (al + T) * d ** (s - 1) * (be + T) ** s * mp.hyperu(s, s, z)
    print(",".join(repr(float(v)) for v in c) + "," + mp.nstr(v, 20))
