#include "sc_changepoint.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_parallel.h"
#include "sc_status.h"

#define VAR_FLOOR 0.00000000001   /* changepoint's floor on a segment variance */
#define PI 3.141592653589793238462643383280  /* R's M_PI */

double sc_changepoint_penalty(const sc_cpt_spec *spec, size_t n)
{
    const double d = spec->cost == SC_CPT_NORMAL_MEANVAR ? 2 : 1;
    switch (spec->penalty) {
    case SC_CPT_MBIC: return (d + 2) * log((double)n);
    case SC_CPT_BIC: return (d + 1) * log((double)n);
    case SC_CPT_AIC: return 2 * (d + 1);
    default: return spec->pen_value;
    }
}

/* ---- workspace: candidates (structure of arrays), a ring of recent prefix values, back links */

/* A series of N values has at most N + 1 candidates, and no segment longer than N. */
typedef struct {
    int32_t *tau;                /* n + 1 each */
    double *F, *S, *S2, *like;   /* F(tau), prefix sums at tau, F(tau) + cost + pen */
    double *rF, *rS, *rS2;       /* min_size each: the ring of recent prefix values */
    uint32_t *back;              /* n + 1: the last change before each position */
    size_t nlog;                 /* logm[j] = log(j) is filled for j < nlog (n + 1 slots) */
    double *logm;
} workspace;

/* The sub-arrays of a workspace, taken from block b (see sc_block_take). */
static void ws_carve(workspace *w, sc_block *b, size_t n, size_t min_size)
{
    w->tau = sc_block_take(b, n + 1, sizeof *w->tau);
    w->F = sc_block_take(b, n + 1, sizeof *w->F);
    w->S = sc_block_take(b, n + 1, sizeof *w->S);
    w->S2 = sc_block_take(b, n + 1, sizeof *w->S2);
    w->like = sc_block_take(b, n + 1, sizeof *w->like);
    w->rF = sc_block_take(b, min_size, sizeof *w->rF);
    w->rS = sc_block_take(b, min_size, sizeof *w->rS);
    w->rS2 = sc_block_take(b, min_size, sizeof *w->rS2);
    w->back = sc_block_take(b, n + 1, sizeof *w->back);
    w->logm = sc_block_take(b, n + 1, sizeof *w->logm);
    w->nlog = 0;
}

/* A workspace for series of up to n values, in one block; NULL when out of memory.  Freed by
 * free(). */
static workspace *ws_alloc(size_t n, size_t min_size)
{
    workspace probe;
    sc_block b = {NULL, 0};
    sc_block_take(&b, 1, sizeof probe);
    ws_carve(&probe, &b, n, min_size);
    if (b.used == SIZE_MAX || (b.base = malloc(b.used)) == NULL) return NULL;
    b.used = 0;
    workspace *w = sc_block_take(&b, 1, sizeof *w);
    ws_carve(w, &b, n, min_size);
    return w;
}

/* logm[j] for every j < need (need <= n + 1). */
static void fill_logs(workspace *w, size_t need)
{
    for (; w->nlog < need; w->nlog++) w->logm[w->nlog] = log((double)w->nlog);
}

/* ---- segment costs (changepoint's cost_general_functions.c, operation for operation) ---- */

static double seg_cost(sc_cpt_cost cost, int mbic, double x, double x2, uint32_t m,
                       const double *logm)
{
    const double md = (double)m;
    switch (cost) {
    case SC_CPT_NORMAL_MEAN:
        return mbic ? x2 - (x * x) / md + logm[m] : x2 - (x * x) / md;
    case SC_CPT_NORMAL_MEANVAR: {
        double sigsq = (x2 - ((x * x) / md)) / md;
        if (sigsq <= 0) sigsq = VAR_FLOOR;
        const double c = md * (log(2 * PI) + log(sigsq) + 1);
        return mbic ? c + logm[m] : c;
    }
    default:
        if (x == 0) return 0;
        return mbic ? 2 * x * (logm[m] - log(x)) + logm[m] : 2 * x * (logm[m] - log(x));
    }
}

/* F(t) = min over candidates of F(tau) + cost(tau, t] + pen, the first minimum as R's
 * min_which; like[] keeps each candidate's value for pruning; *which the winner's index.
 * The normal-mean costs (the common case) are evaluated in a SIMD loop. */
static double best_candidate(workspace *w, size_t nc, int32_t t, double St, double S2t,
                             sc_cpt_cost cost, int mbic, double pen, size_t *which)
{
    const double *logm = w->logm, *F = w->F, *S = w->S, *S2 = w->S2;
    const int32_t *tau = w->tau;
    double *like = w->like;
    double best = INFINITY;
    size_t at = 0;
    if (cost == SC_CPT_NORMAL_MEAN) {        /* finite values: a vector minimum, then its first */
        if (mbic) {
#pragma omp simd reduction(min : best)
            for (size_t c = 0; c < nc; c++) {
                const double x = St - S[c], x2 = S2t - S2[c];
                const int32_t m = t - tau[c];
                const double v = F[c] + (x2 - (x * x) / (double)m + logm[m]) + pen;
                like[c] = v;
                best = v < best ? v : best;
            }
        } else {
#pragma omp simd reduction(min : best)
            for (size_t c = 0; c < nc; c++) {
                const double x = St - S[c], x2 = S2t - S2[c];
                const double v = F[c] + (x2 - (x * x) / (double)(t - tau[c])) + pen;
                like[c] = v;
                best = v < best ? v : best;
            }
        }
        while (at + 1 < nc && like[at] != best) at++;
    } else {                                 /* min_which: a NaN first value stays the minimum */
        for (size_t c = 0; c < nc; c++)
            like[c] = F[c] + seg_cost(cost, mbic, St - S[c], S2t - S2[c], (uint32_t)(t - tau[c]),
                                      logm) + pen;
        best = like[0];
        for (size_t c = 1; c < nc; c++)
            if (like[c] < best) {
                best = like[c];
                at = c;
            }
    }
    *which = at;
    return best;
}

/* Keep candidates with like <= F(t) + pen (order preserved); returns their number. */
static size_t prune(workspace *w, size_t nc, double limit)
{
    size_t c = 0;
    while (c < nc && w->like[c] <= limit) c++;  /* usually none is pruned: nothing to move */
    size_t keep = c;
    for (; c < nc; c++) {                    /* branch-free: always copy, advance when kept */
        w->tau[keep] = w->tau[c];
        w->F[keep] = w->F[c];
        w->S[keep] = w->S[c];
        w->S2[keep] = w->S2[c];
        keep += w->like[c] <= limit;
    }
    return keep;
}

static void push(workspace *w, size_t *nc, int32_t tau, double F, double S, double S2)
{
    w->tau[*nc] = tau;
    w->F[*nc] = F;
    w->S[*nc] = S;
    w->S2[*nc] = S2;
    (*nc)++;
}

/* PELT on the usable values of one series (N of them, read from y skipping NaN when
 * omit); writes the back links and returns F(N). */
static double pelt_series(const double *y, size_t N, const sc_cpt_spec *spec, double pen,
                          workspace *w)
{
    const size_t msz = spec->min_size;
    const int mbic = spec->penalty == SC_CPT_MBIC;
    long double acc = 0, acc2 = 0;
    size_t nc = 0, i = 0;
    push(w, &nc, 0, -pen, 0, 0);
    for (size_t pos = 1; pos <= N; pos++) {
        while (isnan(y[i])) i++;            /* only when omitting: N counts the others */
        const double v = y[i++];
        acc += v;
        acc2 += v * v;
        const double St = (double)acc, S2t = (double)acc2;
        if (pos < msz) continue;
        const size_t longest = pos < 2 * msz ? pos : pos - (size_t)w->tau[0];   /* longest segment */
        fill_logs(w, longest + 1);
        double F;
        if (pos < 2 * msz) {                  /* one segment: cost(0, pos] */
            F = seg_cost(spec->cost, mbic, St, S2t, (uint32_t)pos, w->logm);
            w->back[pos] = 0;
            if (pos == msz) push(w, &nc, (int32_t)msz, F, St, S2t);
        } else {
            size_t which;
            F = best_candidate(w, nc, (int32_t)pos, St, S2t, spec->cost, mbic, pen, &which);
            w->back[pos] = (uint32_t)w->tau[which];
            nc = prune(w, nc, F + pen);
        }
        const size_t slot = pos % msz;
        w->rF[slot] = F;
        w->rS[slot] = St;
        w->rS2[slot] = S2t;
        if (pos >= 2 * msz) {                 /* the next candidate: pos - min_size + 1 */
            const size_t tau = pos - msz + 1, s = tau % msz;
            push(w, &nc, (int32_t)tau, w->rF[s], w->rS[s], w->rS2[s]);
        }
    }
    return w->rF[N % msz];
}

/* Mark the segment ends of series r in mask (original positions). */
static size_t mark_changes(const double *y, size_t n, size_t N, const workspace *w,
                           unsigned char *mask)
{
    memset(mask, 0, n);
    size_t count = 0;
    for (uint32_t last = w->back[N]; last != 0; last = w->back[last]) {
        mask[last - 1] = 1;                  /* compact index of the segment's last point */
        count++;
    }
    if (N < n) {                             /* spread compact positions over the originals */
        size_t c = N;
        for (size_t o = n; o-- > 0;) {
            if (isnan(y[o])) {
                mask[o] = 0;
            } else {
                c--;
                mask[o] = mask[c];
            }
        }
    }
    return count;
}

typedef struct {
    const double *y;
    size_t n;
    const sc_cpt_spec *spec;
    sc_cpt_output *out;
} pelt_job;

static void *pelt_alloc(const void *arg)
{
    const pelt_job *job = arg;
    return ws_alloc(job->n, job->spec->min_size);
}

static int pelt_row(const void *arg, size_t r, void *ws)
{
    const pelt_job *job = arg;
    const sc_cpt_spec *spec = job->spec;
    const size_t n = job->n;
    sc_cpt_output *out = job->out;
    const double *yr = job->y + r * n;
    unsigned char *mask = out->mask + r * n;
    size_t N = 0;
    int missing = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(yr[i])) missing = 1;
        else N++;
    }
    int st = SC_CPT_ROW_OK;
    if (missing && !spec->omit_missing) st = SC_CPT_ROW_MISSING;
    else if (N < 2 * spec->min_size || N < 2) st = SC_CPT_ROW_TOO_SHORT;
    double objective = NAN, pen = NAN, changes = NAN;
    if (st == SC_CPT_ROW_OK) {
        pen = sc_changepoint_penalty(spec, N);
        objective = pelt_series(yr, N, spec, pen, ws);
        changes = (double)mark_changes(yr, n, N, ws, mask);
    } else {
        memset(mask, 0, n);
    }
    out->objective[r] = objective;
    out->penalty[r] = pen;
    out->n_changes[r] = changes;
    out->status[r] = st;
    return SC_SUCCESS;
}

int sc_changepoint_pelt(const double *y, size_t rows, size_t n, const sc_cpt_spec *spec,
                        int threads, sc_cpt_output *out)
{
    if (spec->min_size < 1 || n >= INT32_MAX) return SC_EINVAL;
    if (spec->penalty == SC_CPT_MANUAL && !(spec->pen_value >= 0)) return SC_EINVAL;
    static const sc_row_kernel kernel = {pelt_alloc, free, pelt_row};
    const pelt_job job = {y, n, spec, out};
    return sc_parallel_rows(rows, threads, rows * n / 4, 8, &kernel, &job, NULL);
}
