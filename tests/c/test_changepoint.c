/* sc_changepoint against R changepoint 2.2.4: its penalties (R/penalty_decision.R, as recorded
 * in tests/reference/changepoint_pelt.csv from the transliteration changepoint_pelt.py), and
 * PELT's exactness: the objective equals the optimum over every segmentation (optimal
 * partitioning, here by dynamic programming over all segment starts, with the segment costs of
 * changepoint's src/cost_general_functions.c), and the changes found cost exactly that
 * objective.  The series are generated here (a fixed linear congruential stream); the R series
 * of the CSV come from NumPy's generator, which C does not reproduce.  Also: a batch gives the
 * same numbers on one thread and on four. */
#include <stdint.h>
#include <string.h>

#include "sc_changepoint.h"
#include "sc_test.h"

#define PI 3.141592653589793238462643383280

static void test_penalties(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "changepoint_pelt.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const char *cost = sc_csv_str(t, i, "cost"), *pen = sc_csv_str(t, i, "penalty");
        sc_cpt_spec spec = {SC_CPT_NORMAL_MEAN, SC_CPT_MANUAL, 0, 1, 0};
        spec.cost = strcmp(cost, "normal-mean") == 0 ? SC_CPT_NORMAL_MEAN
                    : strcmp(cost, "normal-meanvar") == 0 ? SC_CPT_NORMAL_MEANVAR : SC_CPT_POISSON;
        if (strcmp(pen, "mbic") == 0) spec.penalty = SC_CPT_MBIC;
        else if (strcmp(pen, "bic") == 0) spec.penalty = SC_CPT_BIC;
        else if (strcmp(pen, "aic") == 0) spec.penalty = SC_CPT_AIC;
        else spec.pen_value = sc_csv_num(t, i, "penalty");
        char what[96];
        snprintf(what, sizeof what, "penalty %s %s n = %s", cost, pen, sc_csv_str(t, i, "n"));
        SC_CHECK_CLOSE(sc_changepoint_penalty(&spec, (size_t)sc_csv_num(t, i, "n")),
                       sc_csv_num(t, i, "pen_value"), 1e-15, 0, what);
    }
    SC_CHECK(t->rows == 15, "changepoint_pelt.csv rows: %zu", t->rows);
    sc_csv_free(t);
}

/* ---- series and the optimal-partitioning oracle ------------------------------------------ */

static uint64_t lcg_state = 20240611;

static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(lcg_state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(double mean, double sd)
{
    return mean + sd * sqrt(-2 * log(uniform())) * cos(2 * PI * uniform());
}

static double poisson(double mu)
{
    double k = 0, p = exp(-mu), F = p;
    const double u = uniform();
    while (u > F) {
        k++;
        p *= mu / k;
        F += p;
    }
    return k;
}

/* Cost of the segment (a, b] from prefix sums (long double, as R's cumsum). */
static double seg_cost(sc_cpt_cost cost, int mbic, const long double *S, const long double *S2,
                       size_t a, size_t b)
{
    const double x = (double)(S[b] - S[a]), x2 = (double)(S2[b] - S2[a]), m = (double)(b - a);
    double c;
    if (cost == SC_CPT_NORMAL_MEAN) {
        c = x2 - x * x / m;
    } else if (cost == SC_CPT_NORMAL_MEANVAR) {
        double sigsq = (x2 - x * x / m) / m;
        if (sigsq <= 0) sigsq = 0.00000000001;
        c = m * (log(2 * PI) + log(sigsq) + 1);
    } else {
        if (x == 0) return 0;                   /* with or without MBIC's log m */
        c = 2 * x * (log(m) - log(x));
    }
    return mbic ? c + log(m) : c;
}

/* min over segmentations with segments >= min_size of sum (cost + pen) - pen. */
static double optimum(const double *y, size_t n, const sc_cpt_spec *spec, double pen,
                      long double *S, long double *S2, double *F)
{
    const int mbic = spec->penalty == SC_CPT_MBIC;
    const size_t msz = spec->min_size;
    S[0] = S2[0] = 0;
    for (size_t i = 0; i < n; i++) {
        S[i + 1] = S[i] + y[i];
        S2[i + 1] = S2[i] + (long double)y[i] * y[i];
    }
    F[0] = -pen;
    for (size_t t = 1; t <= n; t++) {
        F[t] = INFINITY;
        if (t < msz) continue;
        for (size_t tau = 0; tau + msz <= t; tau++) {
            if (tau > 0 && tau < msz) continue;
            const double v = F[tau] + seg_cost(spec->cost, mbic, S, S2, tau, t) + pen;
            if (v < F[t]) F[t] = v;
        }
    }
    return F[n];
}

/* The cost of the segmentation a mask marks (1 at each segment's last point). */
static double mask_cost(const unsigned char *mask, size_t n, const sc_cpt_spec *spec, double pen,
                        const long double *S, const long double *S2)
{
    const int mbic = spec->penalty == SC_CPT_MBIC;
    double total = -pen;
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (mask[i] || i + 1 == n) {
            total += seg_cost(spec->cost, mbic, S, S2, start, i + 1) + pen;
            start = i + 1;
        }
    return total;
}

enum { N = 200 };

static void make_series(double y[3][N])
{
    for (size_t i = 0; i < N; i++) {
        y[0][i] = normal(i < 60 ? 0.0 : i < 105 ? 2.3 : i < 175 ? -0.7 : 1.1, 1.0);
        y[1][i] = normal(i < 140 ? 10.0 : 14.0, i < 80 ? 1.0 : i < 140 ? 3.1 : 0.5);
        y[2][i] = i >= 150 && i < 158 ? 0.0 : poisson(i < 50 ? 3.2 : i < 90 ? 7.5 : i < 150 ? 1.4 : 4.0);
    }
}

static void test_exact(void)
{
    static double y[3][N];
    make_series(y);
    const sc_cpt_cost costs[3] = {SC_CPT_NORMAL_MEAN, SC_CPT_NORMAL_MEANVAR, SC_CPT_POISSON};
    const sc_cpt_penalty pens[4] = {SC_CPT_MBIC, SC_CPT_BIC, SC_CPT_AIC, SC_CPT_MANUAL};
    const size_t sizes[3] = {1, 2, 5};
    long double S[N + 1], S2[N + 1];
    double F[N + 1], objective, penalty, changes;
    unsigned char mask[N];
    int status;
    sc_cpt_output out = {mask, &objective, &penalty, &changes, &status};
    for (int c = 0; c < 3; c++)
        for (int p = 0; p < 4; p++)
            for (int s = 0; s < 3; s++) {
                const size_t msz = c == 1 && sizes[s] < 2 ? 2 : sizes[s];
                const sc_cpt_spec spec = {costs[c], pens[p], 12.5, msz, 0};
                char what[96];
                snprintf(what, sizeof what, "cost %d penalty %d min_size %zu", c, p, msz);
                SC_CHECK(sc_changepoint_pelt(y[c], 1, N, &spec, 1, &out) == 0 &&
                             status == SC_CPT_ROW_OK, "%s: status", what);
                const double pen = sc_changepoint_penalty(&spec, N);
                SC_CHECK_CLOSE(penalty, pen, 0, 0, what);
                SC_CHECK_CLOSE(objective, optimum(y[c], N, &spec, pen, S, S2, F), 1e-10, 1e-9,
                               what);
                SC_CHECK_CLOSE(mask_cost(mask, N, &spec, pen, S, S2), objective, 1e-10, 1e-9,
                               what);
                size_t marked = 0;
                for (size_t i = 0; i < N; i++) marked += mask[i];
                SC_CHECK_CLOSE((double)marked, changes, 0, 0, what);
            }
}

/* 4,000 series (the three above, shifted per row, with gaps): one thread and four agree. */
static void test_threads(void)
{
    static double y3[3][N];
    make_series(y3);
    const size_t rows = 4000;
    double *y = malloc(rows * N * sizeof *y);
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < N; i++)
            y[r * N + i] = (r + i) % 97 == 0 ? NAN : y3[r % 3][(i + r) % N];
    const sc_cpt_spec spec = {SC_CPT_NORMAL_MEAN, SC_CPT_MBIC, 0, 2, 1};
    unsigned char *m1 = malloc(rows * N), *m4 = malloc(rows * N);
    double *d1 = malloc(3 * rows * sizeof *d1), *d4 = malloc(3 * rows * sizeof *d4);
    int *s1 = malloc(rows * sizeof *s1), *s4 = malloc(rows * sizeof *s4);
    sc_cpt_output o1 = {m1, d1, d1 + rows, d1 + 2 * rows, s1};
    sc_cpt_output o4 = {m4, d4, d4 + rows, d4 + 2 * rows, s4};
    SC_CHECK(sc_changepoint_pelt(y, rows, N, &spec, 1, &o1) == 0, "pelt on one thread");
    SC_CHECK(sc_changepoint_pelt(y, rows, N, &spec, 4, &o4) == 0, "pelt on four threads");
    SC_CHECK(memcmp(m1, m4, rows * N) == 0 && memcmp(d1, d4, 3 * rows * sizeof *d1) == 0 &&
                 memcmp(s1, s4, rows * sizeof *s1) == 0,
             "pelt: one thread and four differ");
    free(y); free(m1); free(m4); free(d1); free(d4); free(s1); free(s4);
}

int main(int argc, char **argv)
{
    test_penalties(sc_test_refdir(argc, argv));
    test_exact();
    test_threads();
    return sc_test_done("test_changepoint");
}
