/* Place-based evaluation: the WDD test and the Poisson E-test (see sc_place.h). */
#include "sc_place.h"

#include <math.h>
#include <stdlib.h>

#include "sc_check.h"
#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

static void fail(int *status, int code)
{
    #pragma omp critical (sc_place_status)
    *status = code;
}

static int valid_alternative(sc_alternative alt)
{
    return alt == SC_TWO_SIDED || alt == SC_LESS || alt == SC_GREATER;
}

static int whole(double v) { return (v >= 0.0) & sc_is_whole(v); }

/* P(Z > z) for a standard normal Z, accurate far into either tail. */
static double norm_sf(double z) { return 0.5 * erfc(z * 0.70710678118654752440); }

/* ---- weighted displacement difference ----------------------------------------------------- */

/* Normal p-value of z for the alternative. */
static double normal_pvalue(double z, sc_alternative alternative)
{
    if (alternative == SC_LESS) return norm_sf(-z);
    if (alternative == SC_GREATER) return norm_sf(z);
    return fmin(1.0, 2.0 * norm_sf(fabs(z)));
}

int sc_place_wdd(const double *counts, const double *scale, size_t groups, size_t members,
                 sc_alternative alternative, double conf, int threads,
                 const sc_place_wdd_result *out)
{
    if (!valid_alternative(alternative)) return SC_EINVAL;
    if (!(conf > 0.0 && conf < 1.0)) return SC_EDOM;
    const size_t len = groups * members;
    /* two-sided: Phi^-1((1 + conf) / 2); one-sided bounds: Phi^-1(conf) */
    const double q = sc_dist_norm_quantile(alternative == SC_TWO_SIDED ? 0.5 * (1.0 + conf) : conf);
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, groups)) schedule(static)
    for (size_t g = 0; g < groups; g++) {
        double total[SC_PLACE_PARTS] = {0.0}, var[SC_PLACE_PARTS] = {0.0};
        int bad = 0;
        for (size_t j = 0; j < members; j++) {
            const size_t i = g * members + j;
            for (size_t k = 0; k < SC_PLACE_PARTS; k++) {
                const double x = counts[k * len + i], m = scale[k * len + i];
                bad |= !(whole(x) && m >= 0.0 && isfinite(m));
                total[k] += m * x;
                var[k] += m * m * x;
            }
        }
        if (bad) {
            fail(&status, SC_EDOM);
            continue;
        }
        for (size_t k = 0; k < SC_PLACE_PARTS; k++) out->totals[g * SC_PLACE_PARTS + k] = total[k];
        const double local = (total[1] - total[0]) - (total[3] - total[2]);
        const double displacement = (total[5] - total[4]) - (total[7] - total[6]);
        const double var_local = var[0] + var[1] + var[2] + var[3];
        const double var_displacement = var[4] + var[5] + var[6] + var[7];
        const double estimate = local + displacement, se = sqrt(var_local + var_displacement);
        out->local[g] = local;
        out->local_se[g] = sqrt(var_local);
        out->displacement[g] = displacement;
        out->displacement_se[g] = sqrt(var_displacement);
        out->estimate[g] = estimate;
        out->se[g] = se;
        if (se > 0.0) {
            const double z = estimate / se;
            out->statistic[g] = z;
            out->pvalue[g] = normal_pvalue(z, alternative);
        } else {   /* no counts with weight: nothing to test */
            out->statistic[g] = NAN;
            out->pvalue[g] = NAN;
        }
        out->lower[g] = alternative == SC_LESS ? -INFINITY : estimate - q * se;
        out->upper[g] = alternative == SC_GREATER ? INFINITY : estimate + q * se;
    }
    return status;
}

/* ---- Poisson E-test ----------------------------------------------------------------------- */

#define ETEST_TINY 1e-300       /* probabilities below this are left out of the sums */
#define ETEST_TIE 1e-12         /* relative tolerance for ties with the observed statistic */
#define ETEST_MIN_RATIO 1e-100  /* r = ratio t1 / t2 within (1e-100, 1e100) */
#define ETEST_MAX_POINTS 1e8    /* grid size beyond which the test is not attempted */
#define ETEST_ANCHOR 32         /* exact Poisson probabilities every this many counts */

/* The ordering statistic at (x1, x2) with r = ratio * t1 / t2 (0 where its variance is 0). */
static double etest_stat(double x1, double x2, double r, sc_etest_statistic stat)
{
    const double num = x1 - x2 * r;
    const double var = stat == SC_ETEST_WALD ? x1 + x2 * r * r : (x1 + x2) * r;
    return var > 0.0 ? num / sqrt(var) : 0.0;
}

/* Poisson(mu) probabilities pmf[j] of the counts lo + j, j < n, each >= ETEST_TINY (one count,
 * 0, when mu = 0); *base is the block to free. */
typedef struct {
    double lo;
    size_t n;
    const double *pmf;
    double *base;
} margin;

static int margin_fill(double mu, margin *m)
{
    double lo = 0.0, hi = 0.0;
    if (mu > 0.0) {
        const double h = 40.0 * sqrt(mu);
        lo = fmax(0.0, floor(mu - h));
        hi = ceil(mu + h + 700.0);
    }
    if (hi - lo + 1.0 > ETEST_MAX_POINTS) return SC_ENOMEM;
    const size_t n = (size_t)(hi - lo) + 1, mode = (size_t)(floor(mu) - lo);
    m->base = malloc(n * sizeof(double));
    if (m->base == NULL) return SC_ENOMEM;
    /* From the mode outwards while the probabilities (decreasing away from it) count: the
     * recurrences f(x + 1) = f(x) mu / (x + 1) and f(x - 1) = f(x) x / mu, anchored on the
     * exact value every ETEST_ANCHOR steps so that rounding cannot build up. */
    size_t a = mode, b = mode + 1;
    double *f = m->base;
    f[mode] = sc_dist_pois_pmf(lo + (double)mode, mu);
    for (; b < n; b++) {
        const double x = lo + (double)b;
        f[b] = (b - mode) % ETEST_ANCHOR ? f[b - 1] * (mu / x) : sc_dist_pois_pmf(x, mu);
        if (f[b] < ETEST_TINY) break;
    }
    for (; a > 0; a--) {
        const double x = lo + (double)a;   /* f[a - 1] is the probability of x - 1 */
        f[a - 1] = (mode - a + 1) % ETEST_ANCHOR ? f[a] * (x / mu) : sc_dist_pois_pmf(x - 1.0, mu);
        if (f[a - 1] < ETEST_TINY) break;
    }
    m->lo = lo + (double)a;
    m->n = b - a;
    m->pmf = m->base + a;
    return SC_SUCCESS;
}

/* Neumaier's compensated running sums: out[j] = sum of p[0..j] (step +1) or p[j..n-1] (-1). */
static void cumulate(const double *p, size_t n, int forward, double *out)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        const size_t j = forward ? i : n - 1 - i;
        const double t = s + p[j];
        c += fabs(s) >= fabs(p[j]) ? (s - t) + p[j] : (p[j] - t) + s;
        s = t;
        out[j] = s + c;
    }
}

/* One E-test; returns a status. */
static int etest_one(double k1, double t1, double k2, double t2, double ratio,
                     sc_etest_statistic stat, sc_alternative alternative, double *statistic,
                     double *pvalue)
{
    const double r = ratio / (t2 / t1);
    /* exposures too far apart: beyond 1e100 the variance r^2 x2 and the null means leave
     * the range of a double (and the test is decided long before) */
    if (!(r > ETEST_MIN_RATIO && r < 1.0 / ETEST_MIN_RATIO)) return SC_EDOM;
    const double t_obs = etest_stat(k1, k2, r, stat);
    const double tol = ETEST_TIE * fmax(1.0, fabs(t_obs));
    *statistic = t_obs;
    if (k1 + k2 == 0.0 || (alternative == SC_TWO_SIDED && fabs(t_obs) <= tol)) {
        *pvalue = 1.0;   /* every outcome is at least as extreme */
        return SC_SUCCESS;
    }
    const double total = k1 + k2;
    margin m1 = {0.0, 0, NULL, NULL}, m2 = {0.0, 0, NULL, NULL};
    double *below = NULL, *above = NULL;
    int status = margin_fill(total * r / (1.0 + r), &m1);
    if (status == SC_SUCCESS) status = margin_fill(total / (1.0 + r), &m2);
    if (status == SC_SUCCESS) {
        below = malloc(m2.n * sizeof(double));
        above = malloc(m2.n * sizeof(double));
        if (below == NULL || above == NULL) status = SC_ENOMEM;
    }
    if (status == SC_SUCCESS) {
        cumulate(m2.pmf, m2.n, 1, below);
        cumulate(m2.pmf, m2.n, 0, above);
        const int upper_tail = alternative != SC_LESS, lower_tail = alternative != SC_GREATER;
        const double hi_thr = (alternative == SC_TWO_SIDED ? fabs(t_obs) : t_obs) - tol;
        const double lo_thr = (alternative == SC_TWO_SIDED ? -fabs(t_obs) : t_obs) + tol;
        /* The statistic decreases in x2 and increases in x1, so the x2 with stat >= hi_thr are
         * the first `up` counts and those with stat <= lo_thr start at `down`, and both
         * boundaries only move up as x1 grows: one sweep over each margin. */
        size_t up = 0, down = 0;
        double s = 0.0, c = 0.0;
        for (size_t j = 0; j < m1.n; j++) {
            const double x1 = m1.lo + (double)j;
            double mass = 0.0;
            if (upper_tail) {
                while (up < m2.n && etest_stat(x1, m2.lo + (double)up, r, stat) >= hi_thr) up++;
                if (up > 0) mass += below[up - 1];
            }
            if (lower_tail) {
                while (down < m2.n && etest_stat(x1, m2.lo + (double)down, r, stat) > lo_thr)
                    down++;
                if (down < m2.n) mass += above[down];
            }
            const double term = m1.pmf[j] * mass, t = s + term;
            c += fabs(s) >= fabs(term) ? (s - t) + term : (term - t) + s;
            s = t;
        }
        *pvalue = fmin(1.0, s + c);
    }
    free(below);
    free(above);
    free(m1.base);
    free(m2.base);
    return status;
}

int sc_place_etest(const double *count1, const double *exposure1, const double *count2,
                   const double *exposure2, const double *ratio, size_t len,
                   sc_etest_statistic stat, sc_alternative alternative, int threads,
                   double *statistic, double *pvalue)
{
    if (!valid_alternative(alternative)) return SC_EINVAL;
    if (stat != SC_ETEST_WALD && stat != SC_ETEST_SCORE) return SC_EINVAL;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(dynamic, 16)
    for (size_t i = 0; i < len; i++) {
        const double t1 = exposure1[i], t2 = exposure2[i], rho = ratio[i];
        if (!(whole(count1[i]) && whole(count2[i]) && t1 > 0.0 && t2 > 0.0 && rho > 0.0 &&
              isfinite(t1) && isfinite(t2) && isfinite(rho))) {
            fail(&status, SC_EDOM);
            continue;
        }
        const int s = etest_one(count1[i], t1, count2[i], t2, rho, stat, alternative,
                                &statistic[i], &pvalue[i]);
        if (s != SC_SUCCESS) fail(&status, s);
    }
    return status;
}
