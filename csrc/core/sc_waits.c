/* Waiting times with cases still open (see sc_waits.h).
 *
 * Layout: the workspace and loading (radix sort by time, R's timefix, a stable pass by
 * group); the Kaplan-Meier scan; the G-rho test; the band and the quantile readers; the
 * backlog. */
#include "sc_waits.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

/* ---- workspace and loading ------------------------------------------------------------- */

typedef struct {
    double t;       /* time (after timefix) */
    uint32_t g;     /* group */
    uint32_t d;     /* status: 1 decided, 0 open */
} wait_rec;

struct sc_waits_workspace {
    size_t n, k;
    wait_rec *by_time;         /* all waits in time order */
    wait_rec *scratch;         /* the sort's buffer, then the waits grouped (k > 1) */
    const wait_rec *grouped;   /* grouped, time order within a group */
    size_t *start;             /* k + 1: where each group begins in grouped */
};

/* The sub-arrays of a workspace (its sizes set), taken from block b (see sc_block_take). */
static void ws_carve(sc_waits_workspace *w, sc_block *b)
{
    const size_t len = w->n > 0 ? w->n : 1;
    w->by_time = sc_block_take(b, len, sizeof *w->by_time);
    w->scratch = sc_block_take(b, len, sizeof *w->scratch);
    w->start = sc_block_take(b, w->k + 1, sizeof *w->start);
}

sc_waits_workspace *sc_waits_alloc(size_t n, size_t k)
{
    if (k == 0 || k > SC_WAITS_MAX_GROUPS) return NULL;
    sc_waits_workspace shape = {0};
    shape.n = n;
    shape.k = k;
    sc_block b = {NULL, 0};
    sc_block_take(&b, 1, sizeof shape);
    ws_carve(&shape, &b);
    if (b.used == SIZE_MAX || (b.base = malloc(b.used)) == NULL) return NULL;
    b.used = 0;
    sc_waits_workspace *w = sc_block_take(&b, 1, sizeof *w);
    *w = shape;
    ws_carve(w, &b);
    memset(w->start, 0, (k + 1) * sizeof *w->start);
    return w;
}

void sc_waits_free(sc_waits_workspace *w)
{
    free(w);
}

/* The bits of a time >= 0 (with -0 made +0): their unsigned order is the order of the times. */
static uint64_t key_of(double t)
{
    uint64_t u;
    t += 0.0;
    memcpy(&u, &t, sizeof u);
    return u;
}

/* Stable LSD radix sort of a[0..n-1] by time, a byte at a time, skipping bytes every key
 * shares (whole-day waits vary in few of them).  buf: n records of scratch. */
static int sort_by_time(wait_rec *a, wait_rec *buf, size_t n)
{
    enum { BYTES = 8 };
    if (n < 2) return SC_SUCCESS;
    size_t (*count)[256] = calloc(BYTES, sizeof *count);
    if (count == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const uint64_t u = key_of(a[i].t);
        for (int b = 0; b < BYTES; b++) count[b][(u >> (8 * b)) & 0xFF]++;
    }
    wait_rec *src = a, *dst = buf;
    for (int b = 0; b < BYTES; b++) {
        if (count[b][(key_of(src[0].t) >> (8 * b)) & 0xFF] == n) continue;   /* one value */
        size_t sum = 0;
        for (int v = 0; v < 256; v++) {
            const size_t c = count[b][v];
            count[b][v] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[b][(key_of(src[i].t) >> (8 * b)) & 0xFF]++] = src[i];
        wait_rec *tmp = src;
        src = dst;
        dst = tmp;
    }
    if (src != a) memcpy(a, src, n * sizeof *a);
    free(count);
    return SC_SUCCESS;
}

/* R's aeqSurv on sorted times: distinct values closer than tol (absolutely, or relative to
 * the mean distinct value) form chains that take the chain's first value. */
static void timefix(wait_rec *a, size_t n, double tol)
{
    long double sum = 0.0L;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || a[i].t != a[i - 1].t) { sum += a[i].t; m++; }
    if (m < 2) return;
    long double mean = sum / (long double)m, dev = 0.0L;   /* R's mean: a refining pass */
    for (size_t i = 0; i < n; i++)
        if (i == 0 || a[i].t != a[i - 1].t) dev += a[i].t - mean;
    const double avg = (double)(mean + dev / (long double)m);
    double cut = a[0].t, prev = a[0].t;
    for (size_t i = 1; i < n; i++) {
        const double v = a[i].t;
        if (v != prev) {
            const double dy = v - prev;
            if (!(dy <= tol || dy / avg <= tol)) cut = v;
            prev = v;
        }
        a[i].t = cut;
    }
}

int sc_waits_load(const double *time, const double *status, const int64_t *group, size_t n,
                  size_t k, double tol, sc_waits_workspace *w, double *counts)
{
    if (w == NULL || n != w->n || k != w->k) return SC_EINVAL;
    if (n == 0) return SC_EEMPTY;
    for (size_t i = 0; i < n; i++) {
        const double t = time[i], d = status[i];
        const int64_t g = group ? group[i] : 0;
        if (!isfinite(t) || t < 0 || !(d == 0 || d == 1) || g < 0 || (uint64_t)g >= k)
            return SC_EDOM;
        w->by_time[i] = (wait_rec){t + 0.0, (uint32_t)g, (uint32_t)d};
    }
    if (sort_by_time(w->by_time, w->scratch, n) != SC_SUCCESS) return SC_ENOMEM;
    if (tol > 0) timefix(w->by_time, n, tol);

    /* stable counting pass by group */
    memset(w->start, 0, (k + 1) * sizeof *w->start);
    for (size_t i = 0; i < n; i++) w->start[w->by_time[i].g + 1]++;
    for (size_t g = 0; g < k; g++) {
        if (counts) counts[g] = (double)w->start[g + 1];
        w->start[g + 1] += w->start[g];
    }
    w->grouped = w->by_time;
    if (k == 1) return SC_SUCCESS;
    size_t *next = malloc(k * sizeof *next);
    if (next == NULL) return SC_ENOMEM;
    memcpy(next, w->start, k * sizeof *next);
    for (size_t i = 0; i < n; i++) w->scratch[next[w->by_time[i].g]++] = w->by_time[i];
    free(next);
    w->grouped = w->scratch;
    return SC_SUCCESS;
}

/* ---- Kaplan-Meier ---------------------------------------------------------------------- */

int sc_waits_km(const sc_waits_workspace *w, double *time, double *n_risk, double *n_event,
                double *n_censor, double *surv, double *std_err, size_t *rows)
{
    size_t r = 0;
    for (size_t g = 0; g < w->k; g++) {
        const size_t first = r, end = w->start[g + 1];
        double km = 1.0, v = 0.0;
        for (size_t i = w->start[g]; i < end;) {
            const double t = w->grouped[i].t, at_risk = (double)(end - i);
            double d = 0.0, c = 0.0;
            for (; i < end && w->grouped[i].t == t; i++) {
                d += (double)w->grouped[i].d;
                c += (double)(1 - w->grouped[i].d);
            }
            if (d > 0) {
                km *= (at_risk - d) / at_risk;
                v += d / (at_risk * (at_risk - d));   /* +Inf once everyone left is decided */
            }
            time[r] = t;
            n_risk[r] = at_risk;
            n_event[r] = d;
            n_censor[r] = c;
            surv[r] = km;
            std_err[r] = sqrt(v);
            r++;
        }
        rows[g] = r - first;
    }
    return SC_SUCCESS;
}

/* ---- G-rho test -------------------------------------------------------------------------- */

/* chisq = b' V^-1 b for the m x m matrix v (overwritten) by Cholesky; SC_ESINGULAR when V is
 * not positive definite or its reciprocal condition number is below DBL_EPSILON. */
static int quadratic_form(double *v, double *b, size_t m, double *chisq)
{
    gsl_matrix_view V = gsl_matrix_view_array(v, m, m);
    gsl_vector_view B = gsl_vector_view_array(b, m);
    gsl_vector *x = gsl_vector_alloc(m), *work = gsl_vector_alloc(3 * m);
    int status = SC_ENOMEM;
    if (x == NULL || work == NULL) goto done;
    double rcond = 0.0;
    status = SC_ESINGULAR;
    if (gsl_linalg_cholesky_decomp1(&V.matrix) != GSL_SUCCESS) goto done;
    if (gsl_linalg_cholesky_rcond(&V.matrix, &rcond, work) != GSL_SUCCESS ||
        !(rcond >= DBL_EPSILON))
        goto done;
    if (gsl_linalg_cholesky_solve(&V.matrix, &B.vector, x) != GSL_SUCCESS) goto done;
    double s = 0.0;
    for (size_t i = 0; i < m; i++) s += gsl_vector_get(x, i) * b[i];
    *chisq = s;
    status = SC_SUCCESS;
done:
    gsl_vector_free(x);
    gsl_vector_free(work);
    return status;
}

/* One decision time of the G-rho scan: weight wt, d decisions among at_risk, dg[g] of them
 * in group g, risk[g] at risk in group g; adds to observed, expected and var (k x k). */
static void add_decisions(size_t k, double wt, double d, double at_risk, const double *dg,
                          const double *risk, double *observed, double *expected, double *var)
{
    for (size_t g = 0; g < k; g++) {
        observed[g] += wt * dg[g];
        expected[g] += wt * d * risk[g] / at_risk;
    }
    if (at_risk > 1) {
        const double c = wt * wt * d * (at_risk - d) / (at_risk * (at_risk - 1));
        for (size_t a = 0; a < k; a++) {
            if (risk[a] == 0) continue;
            const double ta = c * risk[a];
            var[a * k + a] += ta;
            for (size_t b = 0; b < k; b++) var[a * k + b] -= ta * risk[b] / at_risk;
        }
    }
}

/* The scan over the decision times in time order, with the pooled Kaplan-Meier weight.
 * risk, dg: scratch of k each. */
static void grho_scan(const sc_waits_workspace *w, double rho, double *risk, double *dg,
                      double *observed, double *expected, double *var)
{
    const size_t k = w->k, n = w->n;
    for (size_t g = 0; g < k; g++) {
        risk[g] = (double)(w->start[g + 1] - w->start[g]);
        observed[g] = expected[g] = 0.0;
    }
    memset(var, 0, k * k * sizeof *var);
    double km = 1.0;                          /* pooled Kaplan-Meier just before t */
    for (size_t i = 0; i < n;) {
        const double t = w->by_time[i].t, at_risk = (double)(n - i);
        const double wt = rho == 0 ? 1.0 : pow(km, rho);
        double d = 0.0;
        memset(dg, 0, k * sizeof *dg);
        size_t j = i;
        for (; j < n && w->by_time[j].t == t; j++) {
            dg[w->by_time[j].g] += (double)w->by_time[j].d;
            d += (double)w->by_time[j].d;
        }
        if (d > 0) {
            add_decisions(k, wt, d, at_risk, dg, risk, observed, expected, var);
            km *= (at_risk - d) / at_risk;
        }
        for (; i < j; i++) risk[w->by_time[i].g] -= 1.0;
    }
}

/* chisq, df and p-value of the G-rho test from its k observed, expected and var (see
 * sc_waits_logrank); keep: scratch of k. */
static int grho_chisq(size_t k, const double *observed, const double *expected,
                      const double *var, size_t *keep, double *chisq, double *df, double *pvalue)
{
    /* groups with expected > 0; the first of them is left out of the quadratic form */
    size_t m = 0;
    for (size_t g = 0; g < k; g++)
        if (expected[g] > 0) keep[m++] = g;
    *chisq = 0.0;
    *df = m >= 2 ? (double)(m - 1) : 0.0;
    *pvalue = 1.0;
    if (m < 2) return SC_SUCCESS;
    const size_t q = m - 1;
    double *v = malloc((q * q + q) * sizeof *v);
    if (v == NULL) return SC_ENOMEM;
    double *b = v + q * q;
    for (size_t a = 0; a < q; a++) {
        b[a] = observed[keep[a + 1]] - expected[keep[a + 1]];
        for (size_t c = 0; c < q; c++) v[a * q + c] = var[keep[a + 1] * k + keep[c + 1]];
    }
    const int status = quadratic_form(v, b, q, chisq);
    if (status == SC_ESINGULAR) *chisq = *pvalue = NAN;
    if (status == SC_SUCCESS) {
        double P, Q;
        sc_dist_gamma_inc(*df / 2.0, *chisq / 2.0, &P, &Q);
        *pvalue = Q;
    }
    free(v);
    return status;
}

int sc_waits_logrank(const sc_waits_workspace *w, double rho, double *observed,
                     double *expected, double *var, double *chisq, double *df, double *pvalue)
{
    const size_t k = w->k;
    if (k < 2 || k > SC_WAITS_MAX_TEST_GROUPS || !(rho >= 0) || !isfinite(rho)) return SC_EINVAL;
    double *scratch = malloc(2 * k * sizeof *scratch);
    size_t *keep = malloc(k * sizeof *keep);
    int status = SC_ENOMEM;
    if (scratch != NULL && keep != NULL) {
        grho_scan(w, rho, scratch, scratch + k, observed, expected, var);
        status = grho_chisq(k, observed, expected, var, keep, chisq, df, pvalue);
    }
    free(keep);
    free(scratch);
    return status;
}

/* ---- band, quantiles, median ----------------------------------------------------------- */

#define HALF_PI 1.57079632679489661923

void sc_waits_band(const double *surv, const double *std_err, size_t m, sc_waits_conf type,
                   double conf, double *lower, double *upper)
{
    const double z = sc_dist_norm_quantile(1 - (1 - conf) / 2);
    for (size_t i = 0; i < m; i++) {
        const double p = surv[i], se = std_err[i];
        double lo, hi;
        switch (type) {
        case SC_WAITS_PLAIN: {
            const double se2 = se * p * z;
            lo = fmax(p - se2, 0.0);
            hi = fmin(p + se2, 1.0);
            /* R: 0 * Inf is NaN where S = 0 */
            if (isnan(se2)) lo = hi = NAN;
            break;
        }
        case SC_WAITS_LOGLOG: {
            if (p == 0 || p == 1) { lo = hi = NAN; break; }
            const double se2 = z * se / log(p), ll = log(-log(p));
            lo = exp(-exp(ll - se2));
            hi = exp(-exp(ll + se2));
            break;
        }
        case SC_WAITS_LOGIT: {
            if (p == 0) { lo = hi = NAN; break; }
            const double se2 = z * se * (1 + p / (1 - p)), lg = log(p / (1 - p));
            lo = 1 - 1 / (1 + exp(lg - se2));
            hi = 1 - 1 / (1 + exp(lg + se2));
            break;
        }
        case SC_WAITS_ARCSIN: {
            if (p == 0) { lo = hi = NAN; break; }
            const double se2 = 0.5 * z * se * sqrt(p / (1 - p)), as = asin(sqrt(p));
            lo = pow(sin(fmax(0.0, as - se2)), 2);
            hi = pow(sin(fmin(HALF_PI, as + se2)), 2);
            break;
        }
        default: {   /* log */
            if (p == 0) { lo = hi = NAN; break; }
            const double se2 = z * se;
            lo = exp(log(p) - se2);
            hi = fmin(exp(log(p) + se2), 1.0);
            break;
        }
        }
        lower[i] = lo;
        upper[i] = hi;
    }
}

/* Point i of findq's (x, y): i = 0 is (firstx, 0), then (time[i-1], 1 - curve[i-1]). */
static double y_at(const double *curve, size_t i) { return i == 0 ? 0.0 : 1.0 - curve[i - 1]; }

static int same_y(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

double sc_waits_quantile(const double *time, const double *curve, size_t m, double firstx,
                         double p, double tol)
{
    const size_t len = m + 1;
    double ymax = -INFINITY;
    for (size_t i = 0; i < len; i++) {
        const double y = y_at(curve, i);
        if (!isnan(y) && y > ymax) ymax = y;
    }
    if (ymax < p) return NAN;
    const double xmax = m > 0 ? time[m - 1] : firstx;
#define X_AT(i) ((i) == 0 ? firstx : time[(i) - 1])
    /* approx(y +- tol, index, p, "constant", f = 1) on the first occurrence of each y: the
     * point with the smallest shifted y >= p (earliest on ties), none when p lies outside the
     * range of the shifted y */
    size_t best[2] = {len, len};
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    const double shift[2] = {tol, -tol};
    for (size_t i = 0; i < len; i++) {
        const double y = y_at(curve, i);
        if (isnan(y)) continue;
        for (int s = 0; s < 2; s++) {
            const double ys = y + shift[s];
            if (ys < lo[s]) lo[s] = ys;
            if (ys > hi[s]) hi[s] = ys;
            if (ys >= p && (best[s] == len || ys < y_at(curve, best[s]) + shift[s]))
                best[s] = i;
        }
    }
    for (int s = 0; s < 2; s++)
        if (p < lo[s] || p > hi[s]) best[s] = len;
    double q = (best[0] < len && best[1] < len) ? (X_AT(best[0]) + X_AT(best[1])) / 2 : NAN;
    if (p == 0) q = firstx;
    /* the last distinct y: where the curve stays at exactly 1 - p to the end, the midpoint
     * with the last time */
    size_t last = len - 1;
    for (;; last--) {
        int seen = 0;
        for (size_t i = last; i-- > 0;)
            if (same_y(y_at(curve, i), y_at(curve, last))) { seen = 1; break; }
        if (!seen || last == 0) break;
    }
    const double ylast = y_at(curve, last);
    if (!isnan(ylast) && fabs(p - ylast) < tol)
        q = best[0] < len ? (X_AT(best[0]) + xmax) / 2 : NAN;
#undef X_AT
    return q;
}

double sc_waits_median(const double *time, const double *curve, size_t m, double tol)
{
    size_t first = m;
    for (size_t i = 0; i < m; i++)
        if (!isnan(curve[i]) && curve[i] < 0.5 + tol) { first = i; break; }
    if (first == m) return NAN;
    const double y1 = curve[first];
    if (fabs(y1 - 0.5) < tol)
        for (size_t i = first + 1; i < m; i++)
            if (!isnan(curve[i]) && curve[i] < y1) return (time[first] + time[i]) / 2;
    return time[first];
}

/* ---- backlog --------------------------------------------------------------------------- */

/* The first p in [0, periods] with bounds[p + 1] > x (periods when none). */
static size_t first_end_after(const double *bounds, size_t periods, double x)
{
    size_t lo = 0, hi = periods;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (bounds[mid + 1] > x) hi = mid; else lo = mid + 1;
    }
    return lo;
}

/* Add 1 to diff over the periods p with x < bounds[p + 1] <= y (y NaN: to the last period). */
static void add_span(double *diff, const double *bounds, size_t periods, double x, double y)
{
    const size_t from = first_end_after(bounds, periods, x);
    const size_t to = isnan(y) ? periods : first_end_after(bounds, periods, y);
    /* periods whose end is <= y: those before the first end > y */
    if (from < to) {
        diff[from] += 1.0;
        diff[to] -= 1.0;
    }
}

int sc_waits_backlog(const double *received, const double *decided, size_t n,
                     const double *bounds, size_t periods, double target, double *arrivals,
                     double *completions, double *open, double *over)
{
    for (size_t p = 0; p < periods; p++)
        if (!(bounds[p + 1] > bounds[p])) return SC_EDOM;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(received[i]) || decided[i] < received[i] || isinf(decided[i]))
            return SC_EDOM;
    const int with_over = over != NULL && target >= 0;
    double *diff = calloc(2 * (periods + 1), sizeof *diff);
    if (diff == NULL) return SC_ENOMEM;
    double *diff_over = diff + periods + 1;
    for (size_t p = 0; p < periods; p++) arrivals[p] = completions[p] = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double r = received[i], d = decided[i];
        /* the period holding x: the last p with bounds[p] <= x, if x < bounds[periods] */
        if (r >= bounds[0] && r < bounds[periods])
            arrivals[first_end_after(bounds, periods, r)] += 1.0;
        if (!isnan(d) && d >= bounds[0] && d < bounds[periods])
            completions[first_end_after(bounds, periods, d)] += 1.0;
        add_span(diff, bounds, periods, r, d);
        if (with_over) add_span(diff_over, bounds, periods, r + target, d);
    }
    double run = 0.0, run_over = 0.0;
    for (size_t p = 0; p < periods; p++) {
        run += diff[p];
        open[p] = run;
        if (over != NULL) {
            run_over += diff_over[p];
            over[p] = with_over ? run_over : NAN;
        }
    }
    free(diff);
    return SC_SUCCESS;
}
