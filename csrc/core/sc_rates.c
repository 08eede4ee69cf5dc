/* Proportions and rates (see sc_rates.h).  Quantiles and distribution functions come from
 * sc_dist; this file holds the interval formulas, R's exact tests and the chi-square tests. */
#include "sc_rates.h"

#include <math.h>
#include <string.h>

#include "sc_check.h"
#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

/* R binom.test's relative tolerance when comparing probabilities of outcomes. */
#define REL_ERR (1.0 + 1e-7)

/* Bisections on counts below 2^53 (checked by whole()) end within 54 steps. */
#define BISECT_MAXIT 64

/* Record a failure from inside a parallel loop (the last one written wins). */
static void fail(int *status, int code)
{
    #pragma omp critical (sc_rates_status)
    *status = code;
}

static int valid_conf(const double *conf, size_t nconf)
{
    for (size_t j = 0; j < nconf; j++)
        if (!(conf[j] > 0.0 && conf[j] < 1.0)) return 0;
    return nconf > 0;
}

static int whole(double v) { return (v >= 0.0) & sc_is_whole(v); }

/* z = Phi^-1((1 + conf) / 2), the two-sided normal quantile. */
static double two_sided_z(double conf) { return sc_dist_norm_quantile(0.5 * (1.0 + conf)); }

/* ---- binomial building blocks ---------------------------------------------------------- */

/* P(X >= k) for X ~ Binomial(n, p), accurate in the upper tail: I_p(k, n - k + 1). */
static double binom_upper(double k, double n, double p)
{
    if (k <= 0.0) return 1.0;
    if (k > n) return 0.0;
    double P, Q;
    sc_dist_beta_inc(p, 1.0 - p, k, n - k + 1.0, &P, &Q);
    return P;
}

/* Clopper-Pearson limits at one-sided level a (R binom.test's p.L and p.U). */
static double cp_lower(double x, double n, double a)
{
    return x == 0.0 ? 0.0 : sc_dist_beta_quantile(a, x, n - x + 1.0);
}

static double cp_upper(double x, double n, double a)
{
    return x == n ? 1.0 : sc_dist_beta_quantile(1.0 - a, x + 1.0, n - x);
}

/* min(1, v), with a NaN kept (fmin would give 1 for a tail that could not be computed). */
static double at_most_one(double v) { return v > 1.0 ? 1.0 : v; }

/* Two-sided p-value of R binom.test: P(x) plus the probability of the outcomes on the other side
 * of the mean m = np that are no more likely than x (within REL_ERR).  The pmf decreases on
 * [ceil(m), n] and increases on [0, floor(m)], so the outcomes counted there form a run found
 * by bisection instead of R's scan. */
static double binom_two_sided(double x, double n, double p)
{
    if (p == 0.0) return x == 0.0 ? 1.0 : 0.0;
    if (p == 1.0) return x == n ? 1.0 : 0.0;
    const double d = sc_dist_binom_pmf(x, n, p) * REL_ERR, m = n * p;
    if (x == m) return 1.0;
    if (x < m) {
        double lo = ceil(m), hi = n + 1.0;          /* first i >= ceil(m) with f(i) <= d */
        for (int it = 0; lo < hi && it < BISECT_MAXIT; it++) {
            double mid = floor(0.5 * (lo + hi));
            if (sc_dist_binom_pmf(mid, n, p) <= d) hi = mid; else lo = mid + 1.0;
        }
        return at_most_one(sc_dist_binom_cdf(x, n, p) + binom_upper(lo, n, p));
    }
    double lo = 0.0, hi = floor(m) + 1.0;           /* first i >= 0 with f(i) > d */
    for (int it = 0; lo < hi && it < BISECT_MAXIT; it++) {
        double mid = floor(0.5 * (lo + hi));
        if (sc_dist_binom_pmf(mid, n, p) > d) hi = mid; else lo = mid + 1.0;
    }
    return at_most_one(sc_dist_binom_cdf(lo - 1.0, n, p) + binom_upper(x, n, p));
}

/* binom.test of x in n against p: p-value and Clopper-Pearson limits for the alternative. */
static void binom_test(double x, double n, double p, sc_alternative alt, double conf,
                       double *pvalue, double *lower, double *upper)
{
    switch (alt) {
    case SC_LESS:
        *pvalue = sc_dist_binom_cdf(x, n, p);
        *lower = 0.0;
        *upper = cp_upper(x, n, 1.0 - conf);
        break;
    case SC_GREATER:
        *pvalue = binom_upper(x, n, p);
        *lower = cp_lower(x, n, 1.0 - conf);
        *upper = 1.0;
        break;
    default: {
        double a = 0.5 * (1.0 - conf);
        *pvalue = binom_two_sided(x, n, p);
        *lower = cp_lower(x, n, a);
        *upper = cp_upper(x, n, a);
    }
    }
}

/* ---- intervals ------------------------------------------------------------------------- */

/* Quantile-based limits at level conf, given a = (1 - conf) / 2. */
static void quantile_limits(double x, double n, double a, sc_prop_method method, double *lo,
                            double *hi)
{
    if (method == SC_PROP_EXACT) {
        *lo = cp_lower(x, n, a);
        *hi = cp_upper(x, n, a);
    } else {                                        /* SC_PROP_JEFFREYS */
        *lo = sc_dist_beta_quantile(a, x + 0.5, n - x + 0.5);
        *hi = sc_dist_beta_quantile(1.0 - a, x + 0.5, n - x + 0.5);
    }
}

static inline double clip01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

/* Closed-form limits over a block of areas, one loop per method (branch-free bodies, so the
 * compiler vectorises them).  The counts were checked first. */
static inline void wilson_loop(const double *restrict x, const double *restrict n, size_t len,
                               double z, double *restrict lower, double *restrict upper)
{
    /* R prop.test(correct = FALSE), scaled by n: (x + z^2/2 -+ z sqrt(x(n-x)/n + z^2/4)) /
     * (n + z^2), with one division, q = 1 / (n (n + z^2)), for both 1/n and 1/(n + z^2). */
    const double z2 = z * z, half_z2 = 0.5 * z2, quarter_z2 = 0.25 * z2;
    for (size_t i = 0; i < len; i++) {
        const double xi = x[i], ni = n[i], nz = ni + z2, q = 1.0 / (ni * nz);
        const double s = z * sqrt(xi * (ni - xi) * (nz * q) + quarter_z2), scale = ni * q;
        const double lo = clip01((xi + half_z2 - s) * scale), hi = clip01((xi + half_z2 + s) * scale);
        lower[i] = xi == 0.0 ? 0.0 : lo;
        upper[i] = xi == ni ? 1.0 : hi;
    }
}

static inline void agresti_coull_loop(const double *restrict x, const double *restrict n,
                                      size_t len, double z, double *restrict lower,
                                      double *restrict upper)
{
    const double z2 = z * z;
    for (size_t i = 0; i < len; i++) {
        const double nc = n[i] + z2, pc = (x[i] + 0.5 * z2) / nc, w = z * sqrt(pc * (1.0 - pc) / nc);
        lower[i] = clip01(pc - w);
        upper[i] = clip01(pc + w);
    }
}

static inline void wald_loop(const double *restrict x, const double *restrict n, size_t len,
                             double z, double *restrict lower, double *restrict upper)
{
    for (size_t i = 0; i < len; i++) {
        /* x * (1/n) can round below 1 at x = n: the select keeps p (and so [1, 1]) exact */
        const double inv = 1.0 / n[i], p = x[i] == n[i] ? 1.0 : x[i] * inv;
        const double w = z * sqrt(p * (1.0 - p) * inv);
        lower[i] = clip01(p - w);
        upper[i] = clip01(p + w);
    }
}

/* On x86-64 with GCC the loops also get an AVX2 copy, chosen at run time. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
#define SC_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SC_SIMD_CLONES
#endif

/* The number of areas in a block whose counts are impossible (not whole, x < 0, n <= 0,
 * x > n, n from nmax), and the estimates x / n. */
SC_SIMD_CLONES
static size_t check_and_estimate(const double *restrict x, const double *restrict n, size_t len,
                                 double nmax, double *restrict estimate)
{
    const double big = 4503599627370496.0;           /* 2^52: every double above is whole */
    long bad = 0;
    for (size_t i = 0; i < len; i++) {
        const double xi = x[i], ni = n[i];
        const int whole = (((xi + big) - big == xi) | (xi >= big)) &
                          (((ni + big) - big == ni) | (ni >= big)) & (ni < nmax);
        bad += !((xi >= 0.0) & (xi <= ni) & (ni > 0.0) & (ni < HUGE_VAL) & whole);
        estimate[i] = xi / ni;
    }
    return (size_t)bad;
}

SC_SIMD_CLONES
static void closed_form_limits(const double *restrict x, const double *restrict n, size_t len,
                               double z, sc_prop_method method, double *restrict lower,
                               double *restrict upper)
{
    switch (method) {
    case SC_PROP_WILSON:
        wilson_loop(x, n, len, z, lower, upper);
        break;
    case SC_PROP_AGRESTI_COULL:
        agresti_coull_loop(x, n, len, z, lower, upper);
        break;
    default:
        wald_loop(x, n, len, z, lower, upper);
    }
}

enum { BLOCK = 4096 };

/* The closed forms take every int64 count (n (n + z^2) stays finite); the quantile methods
 * counts below 2^53. */
#define CLOSED_MAX_N 18446744073709551616.0

/* int64 to double for 0 <= v < 2^52 by the exponent trick (vectorises, unlike the
 * conversion instruction before AVX-512); the number of values outside that range. */
SC_SIMD_CLONES
static size_t small_int64_to_double(const int64_t *restrict w, size_t m, double *restrict out)
{
    const uint64_t exponent = 0x4330000000000000u;   /* the bits of 2^52 */
    long outside = 0;
    for (size_t k = 0; k < m; k++) {
        const uint64_t bits = (uint64_t)w[k] | exponent;
        double f;
        memcpy(&f, &bits, sizeof f);
        out[k] = f - 4503599627370496.0;
        outside += (uint64_t)w[k] >= ((uint64_t)1 << 52);
    }
    return (size_t)outside;
}

/* Counts of areas start..start+m-1 as doubles: a pointer into the double input, or the int64
 * input converted into buf. */
static const double *block_of(const double *d, const int64_t *w, size_t start, size_t m,
                              double *buf)
{
    if (d != NULL) return d + start;
    if (small_int64_to_double(w + start, m, buf))
        for (size_t k = 0; k < m; k++) buf[k] = (double)w[start + k];
    return buf;
}

/* One pass over blocks of areas: check, estimate, then the limits at every level.  Exactly one
 * of (xd, nd) and (xw, nw) is given. */
static int proportion_ci(const double *xd, const double *nd, const int64_t *xw, const int64_t *nw,
                         size_t len, const double *conf, size_t nconf, sc_prop_method method,
                         int threads, double *estimate, double *lower, double *upper)
{
    if (method < SC_PROP_WILSON || method > SC_PROP_WALD) return SC_EINVAL;
    if (!valid_conf(conf, nconf)) return SC_EDOM;
    const int closed = method != SC_PROP_EXACT && method != SC_PROP_JEFFREYS;
    /* Quantile methods cost far more per area: smaller blocks share them out between threads. */
    const size_t block = closed ? BLOCK : 64, nblocks = (len + block - 1) / block;
    size_t bad = 0;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, closed ? len : len * 64)) \
        schedule(dynamic, 1) reduction(+ : bad)
    for (size_t b = 0; b < nblocks; b++) {
        double xbuf[BLOCK], nbuf[BLOCK];
        const size_t start = b * block, m = len - start < block ? len - start : block;
        const double *x = block_of(xd, xw, start, m, xbuf), *n = block_of(nd, nw, start, m, nbuf);
        const size_t block_bad = check_and_estimate(x, n, m, closed ? CLOSED_MAX_N : SC_MAX_COUNT,
                                                    estimate + start);
        bad += block_bad;
        if (block_bad) continue;
        for (size_t j = 0; j < nconf; j++) {
            double *lo = lower + j * len + start, *hi = upper + j * len + start;
            if (closed) {
                closed_form_limits(x, n, m, two_sided_z(conf[j]), method, lo, hi);
                continue;
            }
            for (size_t i = 0; i < m; i++) {
                quantile_limits(x[i], n[i], 0.5 * (1.0 - conf[j]), method, lo + i, hi + i);
                if (isnan(lo[i]) || isnan(hi[i])) fail(&status, SC_ENAN);
            }
        }
    }
    return bad ? SC_EDOM : status;
}

int sc_rates_proportion_ci(const double *x, const double *n, size_t len, const double *conf,
                           size_t nconf, sc_prop_method method, int threads, double *estimate,
                           double *lower, double *upper)
{
    return proportion_ci(x, n, NULL, NULL, len, conf, nconf, method, threads, estimate, lower,
                         upper);
}

int sc_rates_proportion_ci_int64(const int64_t *x, const int64_t *n, size_t len,
                                 const double *conf, size_t nconf, sc_prop_method method,
                                 int threads, double *estimate, double *lower, double *upper)
{
    return proportion_ci(NULL, NULL, x, n, len, conf, nconf, method, threads, estimate, lower,
                         upper);
}

/* Limits of a Poisson count (not yet divided by the exposure). */
static void count_limits(double c, double conf, double z, sc_rate_method method, double *lo,
                         double *hi)
{
    if (method == SC_RATE_EXACT || (method == SC_RATE_PHE && c < 10.0)) {
        *lo = sc_dist_garwood_lower(c, conf);
        *hi = sc_dist_garwood_upper(c, conf);
    } else {
        *lo = fmax(0.0, sc_dist_byar_lower(c, z));
        *hi = sc_dist_byar_upper(c, z);
    }
}

int sc_rates_rate_ci(const double *count, const double *exposure, const double *per, size_t len,
                     const double *conf, size_t nconf, sc_rate_method method, int threads,
                     double *lower, double *upper)
{
    if (method < SC_RATE_BYAR || method > SC_RATE_PHE) return SC_EINVAL;
    if (!valid_conf(conf, nconf)) return SC_EDOM;
    int status = SC_SUCCESS;
    for (size_t j = 0; j < nconf; j++) {
        const double z = two_sided_z(conf[j]);
        #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(static)
        for (size_t i = 0; i < len; i++) {
            double *lo = &lower[i * nconf + j], *hi = &upper[i * nconf + j];
            if (!(whole(count[i]) && exposure[i] > 0.0 && per[i] > 0.0 && isfinite(exposure[i])
                  && isfinite(per[i]))) {
                *lo = *hi = NAN;
                fail(&status, SC_EDOM);
                continue;
            }
            count_limits(count[i], conf[j], z, method, lo, hi);
            if (isnan(*lo) || isnan(*hi)) fail(&status, SC_ENAN);
            *lo = *lo / exposure[i] * per[i];
            *hi = *hi / exposure[i] * per[i];
        }
    }
    return status;
}

/* ---- exact tests ----------------------------------------------------------------------- */

static int valid_alternative(sc_alternative alt)
{
    return alt == SC_TWO_SIDED || alt == SC_LESS || alt == SC_GREATER;
}

int sc_rates_binom_test(const double *x, const double *n, const double *target, size_t len,
                        sc_alternative alternative, double conf, int threads, double *pvalue,
                        double *lower, double *upper)
{
    if (!valid_alternative(alternative)) return SC_EINVAL;
    if (!(conf > 0.0 && conf < 1.0)) return SC_EDOM;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(dynamic, 64)
    for (size_t i = 0; i < len; i++) {
        if (!(whole(x[i]) && whole(n[i]) && x[i] <= n[i] && target[i] >= 0.0 && target[i] <= 1.0)) {
            fail(&status, SC_EDOM);
            continue;
        }
        binom_test(x[i], n[i], target[i], alternative, conf, &pvalue[i], &lower[i], &upper[i]);
        if (isnan(pvalue[i]) || isnan(lower[i]) || isnan(upper[i])) fail(&status, SC_ENAN);
    }
    return status;
}

int sc_rates_poisson_test2(const double *count1, const double *exposure1, const double *count2,
                           const double *exposure2, size_t len, sc_alternative alternative,
                           double conf, int threads, double *pvalue, double *lower,
                           double *upper)
{
    if (!valid_alternative(alternative)) return SC_EINVAL;
    if (!(conf > 0.0 && conf < 1.0)) return SC_EDOM;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(dynamic, 64)
    for (size_t i = 0; i < len; i++) {
        const double t1 = exposure1[i], t2 = exposure2[i];
        if (!(whole(count1[i]) && whole(count2[i]) && t1 > 0.0 && t2 > 0.0 && isfinite(t1)
              && isfinite(t2))) {
            fail(&status, SC_EDOM);
            continue;
        }
        double pl, pu;
        binom_test(count1[i], count1[i] + count2[i], t1 / (t1 + t2), alternative, conf,
                   &pvalue[i], &pl, &pu);
        lower[i] = pl / (1.0 - pl) * t2 / t1;
        upper[i] = pu / (1.0 - pu) * t2 / t1;
        if (isnan(pvalue[i]) || isnan(lower[i]) || isnan(upper[i])) fail(&status, SC_ENAN);
    }
    return status;
}

/* ---- chi-square tests of proportions ---------------------------------------------------- */

/* R prop.test's statistic and p-value for k groups (no null proportions given).  Returns the
 * Yates term used, which the two-group interval also needs. */
static double chisq_proportions(const double *x, const double *n, size_t k, int correct,
                                double *statistic, double *pvalue)
{
    double sx = 0.0, sn = 0.0;
    for (size_t g = 0; g < k; g++) {
        sx += x[g];
        sn += n[g];
    }
    double yates = (correct && k <= 2) ? 0.5 : 0.0;
    if (k == 2) yates = fmin(yates, fabs(x[0] / n[0] - x[1] / n[1]) / (1.0 / n[0] + 1.0 / n[1]));
    const double p = sx / sn;
    double stat = 0.0;
    for (size_t g = 0; g < k; g++) {
        double e1 = n[g] * p, e0 = n[g] * (1.0 - p);
        double d1 = fabs(x[g] - e1) - yates, d0 = fabs(n[g] - x[g] - e0) - yates;
        stat += d1 * d1 / e1 + d0 * d0 / e0;
    }
    double P, Q;
    sc_dist_gamma_inc(0.5 * (double)(k - 1), 0.5 * stat, &P, &Q);
    *statistic = stat;
    *pvalue = Q;
    return yates;
}

static int valid_group(double x, double n) { return whole(x) && whole(n) && n > 0.0 && x <= n; }

int sc_rates_homogeneity(const double *x, const double *n, size_t k, int correct,
                         double *statistic, double *pvalue)
{
    if (k < 2) return SC_EEMPTY;
    for (size_t g = 0; g < k; g++)
        if (!valid_group(x[g], n[g])) return SC_EDOM;
    chisq_proportions(x, n, k, correct, statistic, pvalue);
    return SC_SUCCESS;
}

int sc_rates_prop_test2(const double *x1, const double *n1, const double *x2, const double *n2,
                        size_t len, double conf, int correct, int threads, double *statistic,
                        double *pvalue, double *lower, double *upper)
{
    if (!(conf > 0.0 && conf < 1.0)) return SC_EDOM;
    const double z = two_sided_z(conf);
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, len)) schedule(static)
    for (size_t i = 0; i < len; i++) {
        if (!(valid_group(x1[i], n1[i]) && valid_group(x2[i], n2[i]))) {
            fail(&status, SC_EDOM);
            continue;
        }
        const double x[2] = {x1[i], x2[i]}, n[2] = {n1[i], n2[i]};
        double yates = chisq_proportions(x, n, 2, correct, &statistic[i], &pvalue[i]);
        double p1 = x[0] / n[0], p2 = x[1] / n[1], delta = p1 - p2;
        double se = sqrt(p1 * (1.0 - p1) / n[0] + p2 * (1.0 - p2) / n[1]);
        double width = z * se + yates * (1.0 / n[0] + 1.0 / n[1]);
        lower[i] = fmax(delta - width, -1.0);
        upper[i] = fmin(delta + width, 1.0);
    }
    return status;
}

/* ---- directly standardised rates -------------------------------------------------------- */

int sc_rates_dsr(const double *counts, const double *populations, const double *standard,
                 size_t areas, size_t bands, const double *conf, size_t nconf, double min_count,
                 double per, int threads, double *value, double *lower, double *upper)
{
    if (bands == 0) return SC_EEMPTY;
    if (!valid_conf(conf, nconf) || !(min_count >= 1.0) || !(per > 0.0)) return SC_EDOM;
    double sum_std = 0.0;
    for (size_t b = 0; b < bands; b++) {
        if (!(standard[b] >= 0.0 && isfinite(standard[b]))) return SC_EDOM;
        sum_std += standard[b];
    }
    if (!(sum_std > 0.0)) return SC_EDOM;
    int status = SC_SUCCESS;
    #pragma omp parallel for num_threads(sc_threads(threads, areas)) schedule(static)
    for (size_t a = 0; a < areas; a++) {
        const double *x = counts + a * bands, *n = populations + a * bands;
        double total = 0.0, weighted = 0.0, squared = 0.0;
        int ok = 1;
        for (size_t b = 0; b < bands; b++) {
            if (!(whole(x[b]) && n[b] > 0.0 && isfinite(n[b]))) ok = 0;
            double w = standard[b] / n[b];
            total += x[b];
            weighted += x[b] * w;
            squared += x[b] * w * w;
        }
        if (!ok) {
            fail(&status, SC_EDOM);
            continue;
        }
        const int shown = total >= min_count;
        value[a] = shown ? weighted / sum_std * per : NAN;
        const double sd = sqrt(squared / (sum_std * sum_std) / total);
        for (size_t j = 0; j < nconf; j++) {
            double z = two_sided_z(conf[j]);
            double lo = sc_dist_byar_lower(total, z), hi = sc_dist_byar_upper(total, z);
            lower[a * nconf + j] = shown ? value[a] + sd * (lo - total) * per : NAN;
            upper[a * nconf + j] = shown ? value[a] + sd * (hi - total) * per : NAN;
        }
    }
    return status;
}
