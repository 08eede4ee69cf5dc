#include "sc_funnel.h"

#include <math.h>
#include <stdlib.h>

#include "sc_disparity.h"
#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

static const double HALF_PI = 1.57079632679489661923;

/* ---- scales ------------------------------------------------------------------------------ */

static int method_fits_kind(const sc_funnel_spec *spec)
{
    switch (spec->kind) {
    case SC_FUNNEL_PROPORTION:
        return spec->method == SC_FUNNEL_EXACT || spec->method == SC_FUNNEL_NORMAL ||
               spec->method == SC_FUNNEL_ARCSINE || spec->method == SC_FUNNEL_WILSON;
    case SC_FUNNEL_RATE:
        return spec->method == SC_FUNNEL_EXACT || spec->method == SC_FUNNEL_NORMAL;
    case SC_FUNNEL_RATIO:
        return spec->method == SC_FUNNEL_EXACT || spec->method == SC_FUNNEL_LOG ||
               spec->method == SC_FUNNEL_SQRT;
    }
    return 0;
}

static int check_spec(const sc_funnel_spec *spec)
{
    if (!method_fits_kind(spec)) return SC_EINVAL;
    double t = spec->target;
    if (!(t > 0 && isfinite(t))) return SC_EINVAL;
    if (spec->kind == SC_FUNNEL_PROPORTION && !(t < 1)) return SC_EINVAL;
    for (size_t j = 0; j < spec->n_levels; j++)
        if (!(spec->levels[j] > 0 && spec->levels[j] < 1)) return SC_EINVAL;
    return SC_SUCCESS;
}

/* Transform of a natural-scale value to the method's scale. */
static double to_scale(sc_funnel_method m, double v)
{
    switch (m) {
    case SC_FUNNEL_ARCSINE: return asin(sqrt(v));
    case SC_FUNNEL_LOG:     return log(v);
    case SC_FUNNEL_SQRT:    return sqrt(v);
    default:                return v;
    }
}

/* Back-transform of a limit on the method's scale, kept inside the natural range (the normal
 * method's limits are y0 +- z s as defined, unclipped: charts clip what they draw). */
static double from_scale(sc_funnel_kind kind, sc_funnel_method m, double y)
{
    switch (m) {
    case SC_FUNNEL_NORMAL: return y;
    case SC_FUNNEL_ARCSINE: {
        double a = fmin(fmax(y, 0.0), HALF_PI);   /* sin^2 is not monotone past [0, pi/2] */
        double r = sin(a);
        return r * r;
    }
    case SC_FUNNEL_LOG:  return exp(y);
    case SC_FUNNEL_SQRT: { double r = fmax(y, 0.0); return r * r; }
    default: {
        double v = fmax(y, 0.0);
        return kind == SC_FUNNEL_PROPORTION ? fmin(v, 1.0) : v;
    }
    }
}

/* Standard error at the target on the method's scale, for denominator d. */
static double scale_se(const sc_funnel_spec *spec, double d)
{
    const double t = spec->target;
    switch (spec->method) {
    case SC_FUNNEL_ARCSINE:
    case SC_FUNNEL_SQRT: return 0.5 / sqrt(d);
    case SC_FUNNEL_LOG:  return 1.0 / sqrt(d);
    default:
        /* natural scale: binomial, Poisson rate, or Poisson count over expected */
        if (spec->kind == SC_FUNNEL_PROPORTION) return sqrt(t * (1.0 - t) / d);
        return sqrt(t / d);
    }
}

int sc_funnel_scores(const double *num, size_t num_stride, const double *den, size_t den_stride,
                     size_t n, const sc_funnel_spec *spec, double *z, double *s)
{
    int status = check_spec(spec);
    if (status) return status;
    const double y0 = to_scale(spec->method, spec->target);
    const long nn = (long)n;
#pragma omp parallel for num_threads(sc_threads(spec->threads, n)) schedule(static)
    for (long i = 0; i < nn; i++) {
        double d = den[i * den_stride];
        double si = scale_se(spec, d);
        s[i] = si;
        z[i] = (to_scale(spec->method, num[i * num_stride] / d) - y0) / si;
    }
    return SC_SUCCESS;
}

/* ---- overdispersion ---------------------------------------------------------------------- */

typedef struct {
    double z;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->z != y->z) return (x->z > y->z) - (x->z < y->z);
    return (x->i > y->i) - (x->i < y->i);
}

/* tau2 from phi and the weights of the k units used; NaN when k < 2. */
static double tau2_from(double phi, double k, double sw, double sw2)
{
    if (k < 2) return NAN;
    if (k * phi < k - 1.0) return 0.0;
    return fmax(0.0, (k * phi - (k - 1.0)) / (sw - sw2 / sw));
}

/* Winsorised: every unit counts, z clamped to the trim quantiles. */
static int winsorised(const double *z, const double *s, size_t n, double trim,
                      double *phi, double *tau2)
{
    double *v = malloc(n * sizeof *v);
    if (v == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) v[i] = z[i];
    double lz = sc_disparity_quantile(v, n, trim), uz = sc_disparity_quantile(v, n, 1.0 - trim);
    free(v);
    double sz2 = 0, sw = 0, sw2 = 0;
    for (size_t i = 0; i < n; i++) {
        double zw = fmin(fmax(z[i], lz), uz);
        double w = 1.0 / (s[i] * s[i]);
        sz2 += zw * zw;
        sw += w;
        sw2 += w * w;
    }
    *phi = sz2 / (double)n;
    *tau2 = tau2_from(*phi, (double)n, sw, sw2);
    return SC_SUCCESS;
}

/* Truncated (SHMI): units in the outer rank groups are left out. */
static int truncated(const double *z, const double *s, size_t n, double trim,
                     double *phi, double *tau2)
{
    ranked *r = malloc(n * sizeof *r);
    if (r == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) r[i] = (ranked){z[i], i};
    qsort(r, n, sizeof *r, cmp_ranked);
    const double groups = trim > 0 ? 1.0 / trim : INFINITY;
    double k = 0, sz2 = 0, sw = 0, sw2 = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b + 1 < n && r[b + 1].z == r[a].z) b++;
        double rank = 0.5 * (double)(a + b) + 1.0;               /* average rank of the tie */
        int keep = 1;
        if (isfinite(groups)) {
            double g = floor(rank * groups / ((double)n + 1.0));
            keep = g > 0.0 && g < groups - 1.0;
        }
        for (size_t c = a; keep && c <= b; c++) {
            size_t i = r[c].i;
            double w = 1.0 / (s[i] * s[i]);
            k += 1.0;
            sz2 += z[i] * z[i];
            sw += w;
            sw2 += w * w;
        }
        a = b + 1;
    }
    free(r);
    *phi = k > 0 ? sz2 / k : NAN;
    *tau2 = tau2_from(*phi, k, sw, sw2);
    return SC_SUCCESS;
}

int sc_funnel_dispersion(const double *z, const double *s, size_t n, const sc_funnel_spec *spec,
                         double *phi, double *tau2)
{
    if (n == 0) return SC_EEMPTY;
    if (!(spec->trim >= 0 && spec->trim < 0.5)) return SC_EINVAL;
    if (spec->method == SC_FUNNEL_LOG) return truncated(z, s, n, spec->trim, phi, tau2);
    return winsorised(z, s, n, spec->trim, phi, tau2);
}

/* ---- limits ------------------------------------------------------------------------------ */

/* Spiegelhalter's interpolated quantile of a discrete count: (r - alpha) / d with
 * alpha = (F(r) - p) / f(r), for Binomial(d, p0) or Poisson(mean). */
static double interpolated_limit(const sc_funnel_spec *spec, double p, double d)
{
    double F = 0, f = 0, r;
    if (spec->kind == SC_FUNNEL_PROPORTION)
        r = sc_dist_binom_quantile(p, d, spec->target, &F, &f);
    else
        r = sc_dist_pois_quantile(p, spec->target * d, &F, &f);
    double alpha = f > 0 ? (F - p) / f : 0.0;
    return (r - alpha) / d;
}

/* Exact limits at level L for denominator d, on the natural scale (before clamping). */
static void exact_limits(const sc_funnel_spec *spec, double level, double d, double *lo, double *hi)
{
    const double a = 0.5 * (1.0 - level);
    if (spec->kind == SC_FUNNEL_RATIO) {
        double mean = spec->target * d;
        *lo = sc_dist_gamma_quantile(a, mean) / d;
        *hi = sc_dist_gamma_quantile(1.0 - a, mean + 1.0) / d;
    } else {
        *lo = interpolated_limit(spec, a, d);
        *hi = interpolated_limit(spec, 1.0 - a, d);
    }
}

/* Overdispersion factor on the distance from the target for a unit with standard error s. */
static double widening(const sc_funnel_spec *spec, double phi, double tau2, double s)
{
    switch (spec->overdispersion) {
    case SC_FUNNEL_OD_MULTIPLICATIVE: return phi > 1.0 ? sqrt(phi) : 1.0;
    case SC_FUNNEL_OD_ADDITIVE:       return sqrt(1.0 + tau2 / (s * s));
    default:                          return 1.0;
    }
}

/* Limits at every level for one denominator d (q: normal quantiles of the levels). */
static void unit_limits(const sc_funnel_spec *spec, const double *q, double phi, double tau2,
                        double d, double *lower, double *upper)
{
    const double t = spec->target, y0 = to_scale(spec->method, t);
    const double s = scale_se(spec, d);
    const double g = widening(spec, phi, tau2, s);
    for (size_t j = 0; j < spec->n_levels; j++) {
        double lo, hi;
        if (spec->method == SC_FUNNEL_EXACT) {
            exact_limits(spec, spec->levels[j], d, &lo, &hi);
            lo = from_scale(spec->kind, spec->method, t - g * (t - lo));
            hi = from_scale(spec->kind, spec->method, t + g * (hi - t));
        } else {
            /* Wilson shares this branch: the Wilson bound of p equals p0 exactly when
             * |p - p0| = q sqrt(p0 (1 - p0) / n), since the score interval inverts the score
             * test, whose standard error is taken at p0. */
            lo = from_scale(spec->kind, spec->method, y0 - q[j] * g * s);
            hi = from_scale(spec->kind, spec->method, y0 + q[j] * g * s);
        }
        lower[j] = lo;
        upper[j] = hi;
    }
}

typedef struct {
    double d;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->d != y->d) return (x->d > y->d) - (x->d < y->d);
    return (x->i > y->i) - (x->i < y->i);
}

int sc_funnel_limits(const double *den, size_t den_stride, size_t n, const sc_funnel_spec *spec,
                     double phi, double tau2, double *lower, double *upper)
{
    int status = check_spec(spec);
    if (status) return status;
    if ((spec->overdispersion == SC_FUNNEL_OD_MULTIPLICATIVE && !isfinite(phi)) ||
        (spec->overdispersion == SC_FUNNEL_OD_ADDITIVE && !isfinite(tau2)))
        return SC_EDOM;
    if (n == 0) return SC_SUCCESS;
    const size_t m = spec->n_levels;
    /* Limits depend only on the denominator: compute them once per distinct value. */
    double *q = malloc((m + 1) * sizeof *q);
    keyed *order = malloc(n * sizeof *order);
    size_t *first = malloc((n + 1) * sizeof *first);
    if (q == NULL || order == NULL || first == NULL) {
        free(q);
        free(order);
        free(first);
        return SC_ENOMEM;
    }
    for (size_t j = 0; j < m; j++) q[j] = sc_dist_norm_quantile(0.5 * (1.0 + spec->levels[j]));
    for (size_t i = 0; i < n; i++) order[i] = (keyed){den[i * den_stride], i};
    qsort(order, n, sizeof *order, cmp_keyed);
    size_t groups = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || order[i].d != order[i - 1].d) first[groups++] = i;
    first[groups] = n;

    const long ng = (long)groups;
#pragma omp parallel for num_threads(sc_threads(spec->threads, groups)) schedule(dynamic, 32)
    for (long g = 0; g < ng; g++) {
        size_t a = first[g], b = first[g + 1];
        double *lo = lower + order[a].i * m, *hi = upper + order[a].i * m;
        unit_limits(spec, q, phi, tau2, order[a].d, lo, hi);
        for (size_t c = a + 1; c < b; c++) {
            for (size_t j = 0; j < m; j++) {
                lower[order[c].i * m + j] = lo[j];
                upper[order[c].i * m + j] = hi[j];
            }
        }
    }
    free(q);
    free(order);
    free(first);
    return SC_SUCCESS;
}

/* ---- per-unit ratio significance --------------------------------------------------------- */

int sc_funnel_ratio_ci(const double *obs, size_t obs_stride, const double *expd, size_t exp_stride,
                       size_t n, const double *levels, size_t n_levels, int threads,
                       double *lower, double *upper)
{
    for (size_t j = 0; j < n_levels; j++)
        if (!(levels[j] > 0 && levels[j] < 1)) return SC_EINVAL;
    const long nn = (long)n;
#pragma omp parallel for num_threads(sc_threads(threads, n)) schedule(dynamic, 64)
    for (long i = 0; i < nn; i++) {
        double o = obs[i * obs_stride], e = expd[i * exp_stride];
        for (size_t j = 0; j < n_levels; j++) {
            double lo, hi;
            if (o < 10.0) {
                lo = sc_dist_garwood_lower(o, levels[j]);
                hi = sc_dist_garwood_upper(o, levels[j]);
            } else {
                double q = sc_dist_norm_quantile(0.5 + 0.5 * levels[j]);
                lo = sc_dist_byar_lower(o, q);
                hi = sc_dist_byar_upper(o, q);
            }
            lower[(size_t)i * n_levels + j] = lo / e;
            upper[(size_t)i * n_levels + j] = hi / e;
        }
    }
    return SC_SUCCESS;
}
