#include "sc_spc.h"

#include <math.h>
#include <stdlib.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

#define XMR_LIMIT 2.66      /* Making Data Count: 3 / d2, d2 = 1.128, rounded */
#define D2 1.128            /* E|X1 - X2| / sigma for normal pairs */
#define SCREEN 3.267        /* D4 for n = 2: upper limit of a moving range */

/* ---- small helpers ------------------------------------------------------------------------ */

/* R's mean: long double sum, then one refining pass. */
static double r_mean(const double *x, size_t m)
{
    long double s = 0.0L;
    for (size_t i = 0; i < m; i++) s += x[i];
    s /= (long double)m;
    if (isfinite((double)s)) {
        long double t = 0.0L;
        for (size_t i = 0; i < m; i++) t += (long double)x[i] - s;
        s += t / (long double)m;
    }
    return (double)s;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* R's median of m >= 1 values (v is reordered). */
static double r_median(double *v, size_t m)
{
    qsort(v, m, sizeof *v, cmp_double);
    if (m % 2) return v[m / 2];
    double two[2] = {v[m / 2 - 1], v[m / 2]};
    return r_mean(two, 2);
}

static int has_n(sc_spc_chart chart)
{
    return chart == SC_SPC_P || chart == SC_SPC_U || chart == SC_SPC_PP || chart == SC_SPC_UP;
}

static int is_proportion(sc_spc_chart chart)
{
    return chart == SC_SPC_P || chart == SC_SPC_PP;
}

/* Mean of moving ranges mr[0..m-1] (m >= 1), screened when asked: ranges >= 3.267 x the mean
 * are dropped and the mean recomputed; when that would drop them all (mean 0), the mean stays. */
static double mean_moving_range(double *mr, size_t m, int screen)
{
    double amr = r_mean(mr, m);
    if (!screen) return amr;
    const double ulmr = SCREEN * amr;
    size_t kept = 0;
    for (size_t i = 0; i < m; i++)
        if (mr[i] < ulmr) mr[kept++] = mr[i];
    return kept ? r_mean(mr, kept) : amr;
}

/* Sigma of a p or u chart at point i, for the centre cl. */
static double attribute_sigma(sc_spc_chart chart, double cl, double n)
{
    return is_proportion(chart) ? sqrt(cl * (1.0 - cl) / n) : sqrt(cl / n);
}

/* Centre and scale of one segment [a, b) whose baseline is [a, e). */
static int segment_centre(const double *y, const double *n, const double *value, size_t a,
                          size_t e, size_t b, const sc_spc_spec *spec, double *work,
                          double *centre, double *scale)
{
    const sc_spc_chart chart = spec->chart;
    double cl, s = NAN;
    size_t m = 0;
    if (has_n(chart)) {
        long double sy = 0.0L, sn = 0.0L;
        for (size_t i = a; i < e; i++)
            if (isfinite(value[i])) {
                sy += y[i];
                sn += n[i];
                m++;
            }
        if (m == 0) return SC_EDOM;
        cl = (double)sy / (double)sn;
    } else {
        for (size_t i = a; i < e; i++)
            if (isfinite(value[i])) work[m++] = value[i];
        if (m == 0) return SC_EDOM;
        cl = chart == SC_SPC_RUN ? r_median(work, m) : r_mean(work, m);
    }

    if (chart == SC_SPC_XMR || chart == SC_SPC_I) {
        m = 0;
        for (size_t i = a + 1; i < e; i++) {
            if (!isfinite(value[i]) || !isfinite(value[i - 1])) continue;
            work[m++] = chart == SC_SPC_XMR ? fabs(value[i] - value[i - 1])
                                            : fabs((value[i] - cl) - (value[i - 1] - cl));
        }
        if (m == 0) return SC_EDOM;
        const double amr = mean_moving_range(work, m, spec->screen);
        s = chart == SC_SPC_XMR ? amr : amr / D2;
    } else if (chart == SC_SPC_C) {
        s = sqrt(cl);
    }

    double sigma_z = 1.0;
    const int degenerate = is_proportion(chart) ? cl * (1.0 - cl) == 0.0 : cl == 0.0;
    if ((chart == SC_SPC_PP || chart == SC_SPC_UP) && !degenerate) {
        m = 0;
        for (size_t i = a + 1; i < e; i++) {
            if (!isfinite(value[i]) || !isfinite(value[i - 1])) continue;
            const double z1 = (value[i] - cl) / attribute_sigma(chart, cl, n[i]);
            const double z0 = (value[i - 1] - cl) / attribute_sigma(chart, cl, n[i - 1]);
            work[m++] = fabs(z1 - z0);
        }
        if (m == 0) return SC_EDOM;
        sigma_z = mean_moving_range(work, m, spec->screen) / D2;
    }

    for (size_t i = a; i < b; i++) {
        centre[i] = cl;
        if (has_n(chart))
            scale[i] = degenerate ? (isfinite(n[i]) ? 0.0 : NAN)
                                  : attribute_sigma(chart, cl, n[i]) * sigma_z;
        else
            scale[i] = s;
    }
    return SC_SUCCESS;
}

/* End of the segment that begins at a. */
static size_t segment_end(const unsigned char *start, size_t a, size_t len)
{
    size_t b = a + 1;
    while (b < len && !(start && start[b])) b++;
    return b;
}

/* End of the baseline of segment [a, b): just after its k-th observed value (b when k = 0 or
 * the segment has fewer). */
static size_t baseline_end(const double *value, size_t a, size_t b, size_t k)
{
    if (k == 0) return b;
    size_t seen = 0;
    for (size_t i = a; i < b; i++)
        if (isfinite(value[i]) && ++seen == k) return i + 1;
    return b;
}

/* ---- centre and limits -------------------------------------------------------------------- */

int sc_spc_centre(const double *y, const double *n, const unsigned char *start, size_t len,
                  const sc_spc_spec *spec, double *work, double *value, double *centre,
                  double *scale)
{
    if (has_n(spec->chart) && n == NULL) return SC_EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (has_n(spec->chart)) {
            value[i] = (isfinite(y[i]) && isfinite(n[i])) ? y[i] / n[i] : NAN;
        } else {
            value[i] = y[i];
        }
    }
    for (size_t a = 0; a < len;) {
        const size_t b = segment_end(start, a, len);
        const size_t e = baseline_end(value, a, b, spec->baseline);
        const int status = segment_centre(y, n, value, a, e, b, spec, work, centre, scale);
        if (status != SC_SUCCESS) return status;
        a = b;
    }
    return SC_SUCCESS;
}

void sc_spc_multipliers(sc_spc_chart chart, double k[3])
{
    if (chart == SC_SPC_XMR) {
        k[0] = XMR_LIMIT / 3.0;
        k[1] = 2.0 * (XMR_LIMIT / 3.0);
        k[2] = XMR_LIMIT;
    } else {
        k[0] = 1.0;
        k[1] = 2.0;
        k[2] = 3.0;
    }
}

void sc_spc_limits(sc_spc_chart chart, const double *centre, const double *scale, size_t len,
                   double *lower, double *upper, double *lower2, double *upper2)
{
    double k[3];
    sc_spc_multipliers(chart, k);
    const int floor0 = chart != SC_SPC_XMR && chart != SC_SPC_I && chart != SC_SPC_RUN;
    const int ceil1 = is_proportion(chart);
    for (size_t i = 0; i < len; i++) {
        double lo = centre[i] - k[2] * scale[i], hi = centre[i] + k[2] * scale[i];
        double lo2 = centre[i] - k[1] * scale[i], hi2 = centre[i] + k[1] * scale[i];
        if (floor0) {
            if (lo < 0.0) lo = 0.0;
            if (lo2 < 0.0) lo2 = 0.0;
        }
        if (ceil1) {
            if (hi > 1.0) hi = 1.0;
            if (hi2 > 1.0) hi2 = 1.0;
        }
        lower[i] = lo;
        upper[i] = hi;
        lower2[i] = lo2;
        upper2[i] = hi2;
    }
}

/* ---- pattern rules ------------------------------------------------------------------------ */

#define BIT(code) (1u << (code))

static int observed(const double *value, const double *centre, size_t i)
{
    return isfinite(value[i]) && isfinite(centre[i]);
}

static int side(const double *value, const double *centre, size_t i)
{
    return (value[i] > centre[i]) - (value[i] < centre[i]);
}

/* Maximal runs of k or more points, each strictly above (dir 1) or below (dir -1) the one
 * before, inside [a, b). */
static void mark_trends(const double *value, const double *centre, size_t a, size_t b, size_t k,
                        int dir, unsigned *flags)
{
    const unsigned bit = BIT(dir > 0 ? SC_SPC_TREND_UP : SC_SPC_TREND_DOWN);
    size_t first = a;
    for (size_t i = a + 1; i <= b; i++) {
        const int cont = i < b && observed(value, centre, i) && observed(value, centre, i - 1)
                         && (dir > 0 ? value[i] > value[i - 1] : value[i] < value[i - 1]);
        if (cont) continue;
        if (i - first >= k)
            for (size_t j = first; j < i; j++) flags[j] |= bit;
        first = i;
    }
}

/* Maximal runs of k or more observed points strictly on side s of the centre, inside [a, b). */
static void mark_shifts(const double *value, const double *centre, size_t a, size_t b, size_t k,
                        int s, unsigned *flags)
{
    const unsigned bit = BIT(s > 0 ? SC_SPC_SHIFT_ABOVE : SC_SPC_SHIFT_BELOW);
    size_t run = 0;
    for (size_t i = a; i <= b; i++) {
        if (i < b && observed(value, centre, i) && side(value, centre, i) == s) {
            run++;
            continue;
        }
        if (run >= k)
            for (size_t j = i - run; j < i; j++) flags[j] |= bit;
        run = 0;
    }
}

/* Windows of w consecutive observed points inside [a, b) with at least `need` points whose
 * hit[] is s (1 above, -1 below): those points get `bit_above` / `bit_below`.  With
 * one_side, every point of the window must also lie strictly on side s of the centre. */
static void mark_windows(const double *value, const double *centre, const signed char *hit,
                         size_t a, size_t b, size_t w, size_t need, int one_side,
                         unsigned bit_above, unsigned bit_below, unsigned *flags)
{
    if (b - a < w) return;
    for (size_t j = a; j + w <= b; j++) {
        int ok = 1;
        for (size_t i = j; i < j + w && ok; i++) ok = observed(value, centre, i);
        if (!ok) continue;
        for (int s = -1; s <= 1; s += 2) {
            size_t count = 0, same = 0;
            for (size_t i = j; i < j + w; i++) {
                count += hit[i] == s;
                same += side(value, centre, i) == s;
            }
            if (count < need || (one_side && same < w)) continue;
            for (size_t i = j; i < j + w; i++)
                if (hit[i] == s) flags[i] |= s > 0 ? bit_above : bit_below;
        }
    }
}

int sc_spc_signals(const double *value, const double *centre, const double *scale,
                   const double *lower, const double *upper, const double *lower2,
                   const double *upper2, const unsigned char *start, size_t len,
                   sc_spc_chart chart, const sc_spc_rules *rules, signed char *signal)
{
    unsigned *flags = calloc(len ? len : 1, sizeof *flags);
    signed char *hit = malloc(len ? len : 1);
    if (flags == NULL || hit == NULL) {
        free(flags);
        free(hit);
        return SC_ENOMEM;
    }
    double k[3];
    sc_spc_multipliers(chart, k);
    for (size_t i = 0; i < len && rules->outside; i++) {
        if (!observed(value, centre, i)) continue;
        if (value[i] > upper[i]) flags[i] |= BIT(SC_SPC_OUTSIDE_UPPER);
        else if (value[i] < lower[i]) flags[i] |= BIT(SC_SPC_OUTSIDE_LOWER);
    }

    for (size_t a = 0; a < len;) {
        const size_t b = segment_end(start, a, len);
        if (rules->trend >= 2) {
            mark_trends(value, centre, a, b, rules->trend, 1, flags);
            mark_trends(value, centre, a, b, rules->trend, -1, flags);
        }
        if (rules->two_of_three != SC_SPC_23_OFF) {
            const int mdc = rules->two_of_three == SC_SPC_23_MDC;
            for (size_t i = a; i < b; i++) {
                const int out = value[i] > upper[i] || value[i] < lower[i];
                hit[i] = (mdc && out) ? 0 : (value[i] > upper2[i]) - (value[i] < lower2[i]);
            }
            mark_windows(value, centre, hit, a, b, 3, 2, mdc, BIT(SC_SPC_TWO_OF_THREE_ABOVE),
                         BIT(SC_SPC_TWO_OF_THREE_BELOW), flags);
        }
        if (rules->four_of_five) {
            for (size_t i = a; i < b; i++) {
                const double d = k[0] * scale[i];
                hit[i] = (value[i] > centre[i] + d) - (value[i] < centre[i] - d);
            }
            mark_windows(value, centre, hit, a, b, 5, 4, 0, BIT(SC_SPC_FOUR_OF_FIVE_ABOVE),
                         BIT(SC_SPC_FOUR_OF_FIVE_BELOW), flags);
        }
        if (rules->shift >= 1) {
            mark_shifts(value, centre, a, b, rules->shift, 1, flags);
            mark_shifts(value, centre, a, b, rules->shift, -1, flags);
        }
        a = b;
    }

    for (size_t i = 0; i < len; i++) {
        signed char code = SC_SPC_COMMON;
        for (int c = SC_SPC_OUTSIDE_UPPER; c <= SC_SPC_SHIFT_BELOW; c++)
            if (flags[i] & BIT(c)) {
                code = (signed char)c;
                break;
            }
        signal[i] = code;
    }
    free(flags);
    free(hit);
    return SC_SUCCESS;
}

/* ---- runs analysis ------------------------------------------------------------------------ */

void sc_spc_runs_analysis(const double *value, const double *centre, const unsigned char *start,
                          size_t len, sc_spc_runs *out)
{
    size_t a = 0;
    for (size_t i = 1; i < len; i++)
        if (start && start[i]) a = i;
    size_t useful = 0, stretches = 0, crossings = 0, run = 0, longest = 0;
    int prev = 0, gap = 0;
    for (size_t i = a; i < len; i++) {
        if (!observed(value, centre, i)) {
            gap = useful > 0;
            continue;
        }
        const int s = side(value, centre, i);
        if (s == 0) continue;                   /* on the centre line: skipped */
        useful++;
        if (prev == 0 || gap) {
            stretches++;
            run = 1;
        } else if (s != prev) {
            crossings++;
            run = 1;
        } else {
            run++;
        }
        if (run > longest) longest = run;
        prev = s;
        gap = 0;
    }
    if (useful == 0) {
        out->n_useful = 0.0;
        out->longest_run = out->longest_run_max = out->n_crossings = out->n_crossings_min = NAN;
        out->runs_signal = 0.0;
        return;
    }
    out->n_useful = (double)useful;
    out->longest_run = (double)longest;
    out->n_crossings = (double)crossings;
    out->longest_run_max = nearbyint(log2((double)useful)) + 3.0;
    out->n_crossings_min =
        sc_dist_binom_quantile(0.05, (double)(useful - stretches), 0.5, NULL, NULL);
    out->runs_signal = (out->longest_run > out->longest_run_max ||
                        out->n_crossings < out->n_crossings_min) ? 1.0 : 0.0;
}

/* ---- many series ---------------------------------------------------------------------------- */

static int one_series(const double *y, const double *n, const unsigned char *start, size_t len,
                      const sc_spc_spec *spec, double *work, size_t r, sc_spc_output *out)
{
    const size_t off = r * len;
    double *scale = work + len;
    int status = sc_spc_centre(y + off, n ? n + off : NULL, start ? start + off : NULL, len, spec,
                               work, out->value + off, out->centre + off, scale);
    if (status != SC_SUCCESS) return status;
    sc_spc_limits(spec->chart, out->centre + off, scale, len, out->lower + off, out->upper + off,
                  out->lower2 + off, out->upper2 + off);
    status = sc_spc_signals(out->value + off, out->centre + off, scale, out->lower + off,
                            out->upper + off, out->lower2 + off, out->upper2 + off,
                            start ? start + off : NULL, len, spec->chart, &spec->rules,
                            out->signal + off);
    if (status != SC_SUCCESS) return status;
    sc_spc_runs runs;
    sc_spc_runs_analysis(out->value + off, out->centre + off, start ? start + off : NULL, len,
                         &runs);
    out->longest_run[r] = runs.longest_run;
    out->longest_run_max[r] = runs.longest_run_max;
    out->n_crossings[r] = runs.n_crossings;
    out->n_crossings_min[r] = runs.n_crossings_min;
    out->n_useful[r] = runs.n_useful;
    out->runs_signal[r] = runs.runs_signal;
    return SC_SUCCESS;
}

typedef struct {
    const double *y, *n;
    const unsigned char *start;
    size_t len;
    const sc_spc_spec *spec;
    sc_spc_output *out;
} batch_job;

/* A series' scratch: 2 len values. */
static void *batch_alloc(const void *arg)
{
    const batch_job *job = arg;
    return malloc(2 * job->len * sizeof(double));
}

static int batch_row(const void *arg, size_t r, void *work)
{
    const batch_job *job = arg;
    return one_series(job->y, job->n, job->start, job->len, job->spec, work, r, job->out);
}

int sc_spc_batch(const double *y, const double *n, const unsigned char *start, size_t rows,
                 size_t len, const sc_spc_spec *spec, int threads, sc_spc_output *out,
                 size_t *bad_row)
{
    *bad_row = rows;
    if (len == 0 || spec->rules.trend == 1 || (has_n(spec->chart) && n == NULL))
        return SC_EINVAL;
    static const sc_row_kernel kernel = {batch_alloc, free, batch_row};
    const batch_job job = {y, n, start, len, spec, out};
    return sc_parallel_rows(rows, threads, rows, 64, &kernel, &job, bad_row);
}
