/* Incomplete beta and gamma functions, their quantiles, and discrete quantiles.
 *
 * References: DiDonato & Morris (1992) ACM TOMS 708 (brcomp: the beta prefactor for large
 * parameters); Press et al., Numerical Recipes 3rd ed. §6.4, §6.2 (continued fractions by the
 * modified Lentz method, starting values of the inverses); Temme (1987) for rlog1. */
#include "sc_dist.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_gamma.h>

#define LN_SQRT_2PI 0.91893853320467274178
#define CF_MAXITER 100000
#define CF_EPS 1e-15
#define TINY 1e-300
#define SOLVE_MAXITER 200
/* Relative size of a Halley step below which the iterate is taken as converged. */
#define SOLVE_TOL 1e-9
#define FAST_TOL 1e-4
/* Shapes from which sc_dist_gamma_quantile takes its large-shape expansion, and
 * sc_dist_beta_quantile the gamma limit (its error is of order
 * a^2 / b^2: below 1e-12 relative where a^2 <= SMALL_RATIO b and b > LARGE_SHAPE). */
#define LARGE_SHAPE 1e7
#define SMALL_RATIO 1e-5

/* Stirling's remainder: lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)). */
static double stirling_rem(double x)
{
    if (x >= 10.0) {
        double r = 1.0 / (x * x);
        return (1.0 / 12.0 - r * (1.0 / 360.0 - r * (1.0 / 1260.0 - r * (1.0 / 1680.0 - r / 1188.0)))) / x;
    }
    return gsl_sf_lngamma(x) - ((x - 0.5) * log(x) - x + LN_SQRT_2PI);
}

/* rlog1(e) = e - log(1 + e), accurate for small e. */
static double rlog1(double e)
{
    if (fabs(e) < 0.05) {
        /* sum_{k>=2} (-1)^k e^k / k */
        double term = e * e, sum = 0.0;
        for (int k = 2; k < 30; k++) {
            double t = term / k;
            sum += (k % 2 == 0) ? t : -t;
            term *= e;
            if (fabs(t) < 1e-17 * fabs(sum)) break;
        }
        return sum;
    }
    return e - log1p(e);
}

/* log( x^a y^b / B(a, b) ), y = 1 - x, split as a part that depends on x plus a constant
 * lconst(a, b) that a solver computes once. */
static double beta_prefactor_const(double a, double b)
{
    if (a >= 8.0 && b >= 8.0) {
        double s = a + b;
        return 0.5 * log(a * b / s) - LN_SQRT_2PI - (stirling_rem(a) + stirling_rem(b) - stirling_rem(s));
    }
    return -gsl_sf_lnbeta(a, b);
}

static double log_beta_prefactor_c(double x, double y, double a, double b, double lconst)
{
    if (a >= 8.0 && b >= 8.0) {
        double s = a + b;
        double lambda = (x <= y) ? a - s * x : s * y - b;
        return -a * rlog1(-lambda / a) - b * rlog1(lambda / b) + lconst;
    }
    return a * log(x) + b * log(y) + lconst;
}

static double log_beta_prefactor(double x, double y, double a, double b)
{
    return log_beta_prefactor_c(x, y, a, b, beta_prefactor_const(a, b));
}

/* log( x^a e^-x / Gamma(a) ). */
static double log_gamma_prefactor(double a, double x)
{
    if (a >= 10.0)
        return -a * rlog1((x - a) / a) + 0.5 * log(a) - LN_SQRT_2PI - stirling_rem(a);
    return a * log(x) - x - gsl_sf_lngamma(a);
}

/* Continued fraction for I_x(a, b) (Numerical Recipes betacf): 1 / (1 + d1 / (1 + d2 / ...)),
 * evaluated by the forward three-term recurrence of the convergents' numerators and
 * denominators, two terms a step, with one division a step (Lentz's method needs four) and
 * rescaling when they grow. */
static double beta_cf(double x, double a, double b)
{
    /* convergents g_n = A_n / B_n of g = 1 + d1 / (1 + d2 / ...); the result is 1 / g */
    double A2 = 1.0, B2 = 0.0;                          /* n - 2 */
    double A1 = 1.0, B1 = 1.0;                          /* n - 1 */
    double f_old = 1.0;
    for (int m = 0; m < CF_MAXITER; m++) {
        double am = a + m, a2m = a + 2.0 * m;
        double d_odd = -am * (a + b + m) * x / (a2m * (a2m + 1.0));   /* d_{2m+1} */
        double A = A1 + d_odd * A2, B = B1 + d_odd * B2;
        A2 = A1; B2 = B1; A1 = A; B1 = B;
        double m1 = m + 1.0, a2m2 = a2m + 2.0;
        double d_even = m1 * (b - m1) * x / ((a2m2 - 1.0) * a2m2);   /* d_{2m+2} */
        A = A1 + d_even * A2; B = B1 + d_even * B2;
        A2 = A1; B2 = B1; A1 = A; B1 = B;
        double r = 1.0 / A1;
        double f = B1 * r;
        /* rescale so that A1 = 1 */
        A2 *= r; B2 *= r; A1 = 1.0; B1 = f;
        if (fabs(f - f_old) <= CF_EPS * fabs(f)) return f;
        f_old = f;
    }
    return NAN;
}

/* I_x(a, b) and its complement, given the prefactor constant; *lpre receives the log
 * prefactor (the same for (x, a, b) and (y, b, a)). */
static void beta_inc_c(double x, double y, double a, double b, double lconst, double *P, double *Q, double *lpre)
{
    *lpre = log_beta_prefactor_c(x, y, a, b, lconst);
    double pre = exp(*lpre);
    if (x * (a + b + 2.0) < a + 1.0) {
        double p = pre * beta_cf(x, a, b) / a;
        *P = p;
        *Q = 1.0 - p;
    } else {
        double q = pre * beta_cf(y, b, a) / b;
        *Q = q;
        *P = 1.0 - q;
    }
}

void sc_dist_beta_inc(double x, double y, double a, double b, double *P, double *Q)
{
    if (!(a > 0 && b > 0 && x >= 0 && y >= 0) || isnan(x)) {
        *P = *Q = NAN;
        return;
    }
    if (x == 0.0) { *P = 0.0; *Q = 1.0; return; }
    if (y == 0.0) { *P = 1.0; *Q = 0.0; return; }
    double lpre;
    beta_inc_c(x, y, a, b, beta_prefactor_const(a, b), P, Q, &lpre);
}

void sc_dist_gamma_inc(double a, double x, double *P, double *Q)
{
    if (!(a > 0 && x >= 0)) {
        *P = *Q = NAN;
        return;
    }
    if (x == 0.0) { *P = 0.0; *Q = 1.0; return; }
    if (isinf(x)) { *P = 1.0; *Q = 0.0; return; }
    double lpre = log_gamma_prefactor(a, x);
    if (x < a + 1.0) {
        /* series: P = pre/a * sum x^n / ((a+1)...(a+n)) */
        double ap = a, del = 1.0 / a, sum = del;
        for (int n = 0; n < CF_MAXITER; n++) {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * CF_EPS) break;
        }
        double p = sum * exp(lpre);
        *P = p;
        *Q = 1.0 - p;
    } else {
        double bb = x + 1.0 - a, c = 1.0 / TINY, d = 1.0 / bb, h = d;
        for (int i = 1; i <= CF_MAXITER; i++) {
            double an = -i * (i - a);
            bb += 2.0;
            d = an * d + bb;
            if (fabs(d) < TINY) d = TINY;
            c = bb + an / c;
            if (fabs(c) < TINY) c = TINY;
            d = 1.0 / d;
            double del = d * c;
            h *= del;
            if (fabs(del - 1.0) < CF_EPS) break;
        }
        double q = exp(lpre) * h;
        *Q = q;
        *P = 1.0 - q;
    }
}

double sc_dist_norm_quantile(double p)
{
    if (!(p >= 0 && p <= 1)) return NAN;
    return gsl_cdf_ugaussian_Pinv(p);
}

/* Starting value for the Beta(a, b) quantile (Numerical Recipes invbetai). */
static double beta_start(double p, double a, double b)
{
    if (a >= 1.0 && b >= 1.0) {
        double x = -gsl_cdf_ugaussian_Pinv(p);
        double al = (x * x - 3.0) / 6.0;
        double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
        double w = (x * sqrt(al + h) / h) - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h));
        return a / (a + b * exp(2.0 * w));
    }
    double lna = log(a / (a + b)), lnb = log(b / (a + b));
    double t = exp(a * lna) / a, u = exp(b * lnb) / b, w = t + u;
    if (p < t / w) return pow(a * w * p, 1.0 / a);
    return 1.0 - pow(b * w * (1.0 - p), 1.0 / b);
}

/* The Beta(a, b) quantile for b far larger than a, where the continued fraction would need of
 * order sqrt(b) terms: I_x(a, b) = P(a, -(b + (a - 1) / 2) log(1 - x)) + O(b^-2) (the gamma
 * limit with Abramowitz & Stegun 26.5.21's correction), inverted. */
static double beta_quantile_large_b(double p, double a, double b)
{
    return -expm1(-sc_dist_gamma_quantile(p, a) / (b + 0.5 * (a - 1.0)));
}

static double beta_quantile_cf(double p, double a, double b);

double sc_dist_beta_quantile(double p, double a, double b)
{
    if (!(a > 0 && b > 0 && p >= 0 && p <= 1)) return NAN;
    /* one shape beyond LARGE_SHAPE and the other small: the gamma limit */
    if (b > LARGE_SHAPE && a * a <= SMALL_RATIO * b) return beta_quantile_large_b(p, a, b);
    if (a > LARGE_SHAPE && b * b <= SMALL_RATIO * a) return 1.0 - beta_quantile_large_b(1.0 - p, b, a);
    return beta_quantile_cf(p, a, b);
}

static double beta_quantile_cf(double p, double a, double b)
{
    if (p == 0.0) return 0.0;
    if (p == 1.0) return 1.0;
    const double q = 1.0 - p;
    const int lower_tail = p <= 0.5;
    double lo = 0.0, hi = 1.0;
    double x = beta_start(p, a, b);
    if (!(x > 0.0 && x < 1.0)) x = a / (a + b);
    const double lconst = beta_prefactor_const(a, b);
    /* For near-normal shapes a Halley step below FAST_TOL standard deviations leaves an error
     * of order FAST_TOL^3 standard deviations, so the first such step ends the search. */
    const double fast = (a >= 5.0 && b >= 5.0) ? FAST_TOL * sqrt(a * b / (a + b + 1.0)) / (a + b) : 0.0;
    for (int it = 0; it < SOLVE_MAXITER; it++) {
        double P, Q, lpre, y = 1.0 - x;
        beta_inc_c(x, y, a, b, lconst, &P, &Q, &lpre);
        /* f = F(x) - p, evaluated on the smaller tail */
        double f = lower_tail ? P - p : q - Q;
        if (isnan(f)) return NAN;
        if (f == 0.0) return x;
        if (f < 0.0) lo = x; else hi = x;
        double dens = exp(lpre) / (x * y);
        double step = f / dens;
        double curv = (a - 1.0) / x - (b - 1.0) / y;
        double corr = step * curv;
        if (fabs(corr) < 1.0) step /= (1.0 - 0.5 * corr);
        double xn = x - step;
        int inside = xn > lo && xn < hi;
        /* a Halley step this small leaves an error far below it (outside the bracket it is
         * rounding noise in f, and x itself is the answer) */
        if (fabs(step) <= SOLVE_TOL * x) return inside ? xn : x;
        if (inside && fabs(step) <= fast && fabs(step) <= FAST_TOL * GSL_MIN(x, y)) return xn;
        if (!inside || !isfinite(xn)) xn = (lo > 0.0) ? 0.5 * (lo + hi) : 0.1 * hi;
        if (hi - lo <= 4.0 * DBL_EPSILON * hi) return xn;
        x = xn;
    }
    return x;
}

/* Starting value for the Gamma(a) quantile (Numerical Recipes invgammp). */
static double gamma_start(double p, double a)
{
    if (a > 1.0) {
        double pp = (p < 0.5) ? p : 1.0 - p;
        double t = sqrt(-2.0 * log(pp));
        double x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t;
        if (p < 0.5) x = -x;
        double v = 1.0 - 1.0 / (9.0 * a) - x / (3.0 * sqrt(a));
        return GSL_MAX(1e-3, a * v * v * v);
    }
    double t = 1.0 - a * (0.253 + a * 0.12);
    if (p < t) return pow(p / t, 1.0 / a);
    return 1.0 - log(1.0 - (p - t) / (1.0 - t));
}

/* The Gamma(a) quantile for a beyond LARGE_SHAPE, where the solver's relative tolerance is
 * coarser than the distribution's width: the Cornish-Fisher expansion a + sqrt(a) z + (z^2 -
 * 1) / 3 + (z^3 - 7z) / (36 sqrt(a)) - (3z^4 + 7z^2 - 16) / (810 a), z the normal quantile
 * (error of order a^-3/2: below 1e-12 of the distance from the mean there). */
static double gamma_quantile_large(double p, double a)
{
    const double z = gsl_cdf_ugaussian_Pinv(p), z2 = z * z, r = sqrt(a);
    return a + r * z + (z2 - 1.0) / 3.0 + z * (z2 - 7.0) / (36.0 * r) -
           (3.0 * z2 * z2 + 7.0 * z2 - 16.0) / (810.0 * a);
}

double sc_dist_gamma_quantile(double p, double shape)
{
    const double a = shape;
    if (!(a > 0 && p >= 0 && p <= 1)) return NAN;
    if (p == 0.0) return 0.0;
    if (p == 1.0) return INFINITY;
    if (a > LARGE_SHAPE && isfinite(a)) return fmax(0.0, gamma_quantile_large(p, a));
    const double q = 1.0 - p;
    const int lower_tail = p <= 0.5;
    double lo = 0.0, hi = INFINITY;
    double x = gamma_start(p, a);
    for (int it = 0; it < SOLVE_MAXITER; it++) {
        double P, Q;
        sc_dist_gamma_inc(a, x, &P, &Q);
        double f = lower_tail ? P - p : q - Q;
        if (isnan(f)) return NAN;
        if (f == 0.0) return x;
        if (f < 0.0) lo = x; else hi = x;
        double dens = exp(log_gamma_prefactor(a, x)) / x;
        double step = f / dens;
        double corr = step * ((a - 1.0) / x - 1.0);
        if (fabs(corr) < 1.0) step /= (1.0 - 0.5 * corr);
        double xn = x - step;
        int inside = xn > lo && xn < hi;
        if (fabs(step) <= SOLVE_TOL * x) return inside ? xn : x;
        if (!inside || !isfinite(xn)) {
            if (isinf(hi)) xn = 2.0 * x + 1.0;
            else if (lo > 0.0) xn = 0.5 * (lo + hi);
            else xn = 0.1 * hi;
        }
        if (isfinite(hi) && hi - lo <= 4.0 * DBL_EPSILON * hi) return xn;
        x = xn;
    }
    return x;
}

double sc_dist_binom_pmf(double r, double n, double prob)
{
    if (!(n >= 0 && prob >= 0 && prob <= 1) || r < 0 || r > n) return (r < 0 || r > n) ? 0.0 : NAN;
    if (prob == 0.0 || n == 0.0) return r == 0.0 ? 1.0 : 0.0;
    if (prob == 1.0) return r == n ? 1.0 : 0.0;
    /* f(r) = x^(r+1) y^(n-r+1) / B(r+1, n-r+1) / ((n+1) p q) */
    return exp(log_beta_prefactor(prob, 1.0 - prob, r + 1.0, n - r + 1.0)) / ((n + 1.0) * prob * (1.0 - prob));
}

double sc_dist_binom_cdf(double r, double n, double prob)
{
    if (!(n >= 0 && prob >= 0 && prob <= 1)) return NAN;
    r = floor(r);
    if (r < 0) return 0.0;
    if (r >= n) return 1.0;
    double P, Q;
    /* F(r) = I_{1-p}(n - r, r + 1) */
    sc_dist_beta_inc(1.0 - prob, prob, n - r, r + 1.0, &P, &Q);
    return P;
}

/* Search from a start r for the smallest r with F(r) >= p, given F and f at the start, using
 * f(r+1) = f(r) up(r) and f(r-1) = f(r) down(r) for the pmf ratios of the distribution. */
typedef struct {
    double n, prob, mu;
    int binomial;
} discrete;

static double d_cdf(const discrete *d, double r)
{
    return d->binomial ? sc_dist_binom_cdf(r, d->n, d->prob) : sc_dist_pois_cdf(r, d->mu);
}

static double d_pmf(const discrete *d, double r)
{
    return d->binomial ? sc_dist_binom_pmf(r, d->n, d->prob) : sc_dist_pois_pmf(r, d->mu);
}

static double d_quantile(const discrete *d, double p, double start, double rmax, double *cdf, double *pmf)
{
    double r = floor(start);
    if (r < 0) r = 0;
    if (r > rmax) r = rmax;
    double F = d_cdf(d, r), f = d_pmf(d, r);
    /* p is compared with a little slack, as R's qbinom / qpois do */
    const double target = p * (1.0 - 64.0 * DBL_EPSILON);
    int steps = 0;
    while (r > 0 && F - f >= target && steps < 64) {        /* F(r-1) >= p: go down */
        F -= f;
        f = d_pmf(d, r - 1.0);
        r -= 1.0;
        steps++;
    }
    while (F < target && r < rmax && steps < 64) {            /* F(r) < p: go up */
        r += 1.0;
        f = d_pmf(d, r);
        F += f;
        steps++;
    }
    if (steps >= 64) {
        /* far from the start: bisection on the cdf, then exact values at the answer */
        double lo = -1.0, hi = rmax;                          /* F(lo) < p <= F(hi) */
        if (isinf(hi)) {
            hi = r + 1.0;
            for (int it = 0; d_cdf(d, hi) < target && it < 1100; it++) hi = 2.0 * hi + 1.0;
        }
        /* at most ~1100 halvings reach neighbouring doubles; beyond 2^53 a midpoint can round
         * to an end, where the search stops */
        for (int it = 0; hi - lo > 1.0 && it < 1100; it++) {
            double mid = floor(0.5 * (lo + hi));
            if (mid <= lo || mid >= hi) break;
            if (d_cdf(d, mid) >= target) hi = mid; else lo = mid;
        }
        r = hi;
        F = d_cdf(d, r);
        f = d_pmf(d, r);
    }
    if (cdf) *cdf = F;
    if (pmf) *pmf = f;
    return r;
}

double sc_dist_binom_quantile(double p, double n, double prob, double *cdf, double *pmf)
{
    if (!(n >= 0 && prob >= 0 && prob <= 1 && p >= 0 && p <= 1)) return NAN;
    discrete d = {n, prob, 0.0, 1};
    if (prob == 0.0 || p == 0.0 || n == 0.0) {
        double r = (prob == 1.0) ? n : 0.0;
        if (cdf) *cdf = sc_dist_binom_cdf(r, n, prob);
        if (pmf) *pmf = sc_dist_binom_pmf(r, n, prob);
        return r;
    }
    double mu = n * prob, sigma = sqrt(n * prob * (1.0 - prob));
    double z = sc_dist_norm_quantile(p < 1.0 ? p : 1.0 - DBL_EPSILON);
    double gamma = sigma > 0 ? (1.0 - 2.0 * prob) / sigma : 0.0;
    double start = floor(mu + sigma * (z + gamma * (z * z - 1.0) / 6.0) + 0.5);
    return d_quantile(&d, p, start, n, cdf, pmf);
}

double sc_dist_pois_pmf(double r, double mu)
{
    if (!(mu >= 0)) return NAN;
    if (r < 0) return 0.0;
    if (mu == 0.0) return r == 0.0 ? 1.0 : 0.0;
    /* mu f(r) = mu^(r+1) e^-mu / Gamma(r+1) */
    return exp(log_gamma_prefactor(r + 1.0, mu)) / mu;
}

double sc_dist_pois_cdf(double r, double mu)
{
    if (!(mu >= 0)) return NAN;
    r = floor(r);
    if (r < 0) return 0.0;
    if (mu == 0.0) return 1.0;
    double P, Q;
    sc_dist_gamma_inc(r + 1.0, mu, &P, &Q);
    return Q;
}

double sc_dist_pois_quantile(double p, double mu, double *cdf, double *pmf)
{
    if (!(mu >= 0 && p >= 0 && p <= 1)) return NAN;
    discrete d = {0.0, 0.0, mu, 0};
    if (mu == 0.0 || p == 0.0) {
        if (cdf) *cdf = sc_dist_pois_cdf(0.0, mu);
        if (pmf) *pmf = sc_dist_pois_pmf(0.0, mu);
        return 0.0;
    }
    if (p == 1.0) return INFINITY;
    double sigma = sqrt(mu);
    double z = sc_dist_norm_quantile(p);
    double start = floor(mu + sigma * (z + (z * z - 1.0) / (6.0 * sigma)) + 0.5);
    return d_quantile(&d, p, start, INFINITY, cdf, pmf);
}

double sc_dist_byar_lower(double x, double z)
{
    if (!(x >= 0)) return NAN;
    if (x == 0.0) return 0.0;
    double v = 1.0 - 1.0 / (9.0 * x) - z / (3.0 * sqrt(x));
    return x * v * v * v;
}

double sc_dist_byar_upper(double x, double z)
{
    if (!(x >= 0)) return NAN;
    double x1 = x + 1.0;
    double v = 1.0 - 1.0 / (9.0 * x1) + z / (3.0 * sqrt(x1));
    return x1 * v * v * v;
}

double sc_dist_garwood_lower(double x, double conf)
{
    if (!(x >= 0)) return NAN;
    return x == 0.0 ? 0.0 : sc_dist_gamma_quantile(0.5 * (1.0 - conf), x);
}

double sc_dist_garwood_upper(double x, double conf)
{
    if (!(x >= 0)) return NAN;
    return sc_dist_gamma_quantile(0.5 * (1.0 + conf), x + 1.0);
}

double sc_dist_wald_pvalue(double stat, double df)
{
    if (isnan(stat)) return NAN;
    if (df <= 0) return erfc(fabs(stat) / sqrt(2.0));
    const double t2 = stat * stat;
    double P, Q;
    sc_dist_beta_inc(df / (df + t2), t2 / (df + t2), 0.5 * df, 0.5, &P, &Q);
    return P;
}

double sc_dist_critical_value(double conf, double df)
{
    if (df <= 0) return sc_dist_norm_quantile(0.5 * (1.0 + conf));
    const double x = sc_dist_beta_quantile(1.0 - conf, 0.5 * df, 0.5);   /* df / (df + t^2) */
    return sqrt(df * (1.0 - x) / x);
}
