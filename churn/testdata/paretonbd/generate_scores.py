# Reference values of the Pareto/NBD P(alive) and E[Y(t) | x, t_x, T] for
# TestParetoNBDScoresReference. Run: python3 generate_scores.py > scores.csv
# (mpmath 1.3.0).
#
# Both come from the model's definition, not from the hypergeometric closed
# form (Fader & Hardie 2005, note 009; Schmittlein, Morrison & Colombo 1987):
#   (1 - P(alive))/P(alive) = s/(beta+T) * Int_{t_x}^{T} ((alpha+u)/(alpha+T))^-(r+x) ((beta+u)/(beta+T))^-(s+1) du
#   E[Y(t)] = P(alive) * (r+x)/(alpha+T) * Int_0^t ((beta+T)/(beta+T+u))^s du
# (the customer dies at u in (t_x, T]; given alive at T, lambda ~ Gamma(r+x, alpha+T)
# and mu ~ Gamma(s, beta+T)), by tanh-sinh quadrature at 40 digits. The cases
# cover alpha < beta, alpha > beta, alpha == beta, s = 1 and next to it,
# r + x large, t_x = T, x = 0, T far beyond t_x, and extreme parameters.
import mpmath as mp

mp.mp.dps = 40

CASES = [
    # r, alpha, s, beta, x, t_x, T, t
    (0.553277, 10.577732, 0.606209, 11.667659, 2, 30.43, 38.86, 39),
    (0.553277, 10.577732, 0.606209, 11.667659, 0, 0, 38.86, 39),
    (0.553277, 10.577732, 0.606209, 11.667659, 26, 30.86, 31, 52),
    (0.55, 10.58, 0.61, 11.67, 132, 200, 200, 10),
    (0.55, 10.58, 0.61, 11.67, 500, 30, 78, 39),
    (0.55, 10.58, 0.61, 11.67, 500, 77.9, 78, 39),
    (0.55, 10.58, 0.61, 11.67, 5, 10, 1000000, 39),
    (0.55, 5, 0.61, 20, 3, 10, 40, 39),
    (0.55, 20, 0.61, 5, 3, 10, 40, 39),
    (0.55, 10, 0.61, 10, 3, 10, 40, 39),
    (0.55, 10, 0.61, 10.000001, 3, 10, 40, 39),
    (0.55, 10.58, 1, 11.67, 3, 10, 40, 39),
    (0.55, 10.58, 1.0000001, 11.67, 3, 10, 40, 39),
    (0.55, 10.58, 0.9999999, 11.67, 3, 10, 40, 39),
    (0.55, 10.58, 1, 11.67, 0, 0, 40, 39),
    (50, 10.58, 0.61, 11.67, 300, 38, 39, 39),
    (0.55, 10.58, 0.61, 11.67, 2000, 30, 39, 39),
    (0.01, 0.001, 0.01, 1000, 3, 10, 40, 39),
    (10, 0.01, 50, 1000, 3, 10, 40, 39),
    (0.55, 10.58, 50, 0.5, 3, 10, 40, 39),
    (0.55, 10.58, 0.0001, 10000, 3, 10, 40, 39),
    (0.55, 10.58, 0.61, 11.67, 3, 40, 40, 39),
    (0.55, 10.58, 0.61, 11.67, 1, 0.01, 1000, 1000),
    (0.55, 0.001, 0.61, 1000000, 10, 5, 1000, 10),
]


def scores(r, al, s, be, x, tx, T, t):
    r, al, s, be, x, tx, T, t = map(mp.mpf, (r, al, s, be, x, tx, T, t))
    odds = mp.mpf(0)
    if T > tx:
        f = lambda u: mp.exp(-(r + x) * mp.log((al + u) / (al + T)) - (s + 1) * mp.log((be + u) / (be + T)))
        odds = s / (be + T) * mp.quad(f, mp.linspace(tx, T, 8))
    pa = 1 / (1 + odds)
    g = lambda u: ((be + T) / (be + T + u)) ** s
    return pa, (r + x) / (al + T) * mp.quad(g, [0, t]) * pa


print("r,alpha,s,beta,x,tx,T,t,palive,expected")
for c in CASES:
    pa, e = scores(*c)
    print(",".join(repr(float(v)) for v in c) + "," + mp.nstr(pa, 20) + "," + mp.nstr(e, 20))
