/* sc_place against tests/reference: place_ptools_wdd.csv and place_ptools_harm.csv
 * (place_ptools.R: R 4.2.2 with Wheeler's ptools 1.0.0 wdd and wdd_harm, transliterated),
 * place_ptools_etest.csv (ptools e_test, the score E-test) and place_statsmodels_etest.csv
 * (place_statsmodels.py: statsmodels 0.15.0 test_poisson_2indep(method="etest-wald" /
 * "etest-score", compare="ratio")).  statsmodels truncates its sums at 1e-13, hence the
 * E-test tolerances of tests/test_place.py. */
#include <string.h>

#include "sc_place.h"
#include "sc_test.h"

#define RTOL 1e-12

static const char *const PARTS[SC_PLACE_PARTS] = {
    "treated_before", "treated_after", "control_before", "control_after",
    "displacement_before", "displacement_after", "control_displacement_before",
    "control_displacement_after"};
static const char *const AREAS[4] = {"area_treated", "area_control", "area_displacement",
                                     "area_control_displacement"};

typedef struct {
    double totals[SC_PLACE_PARTS], local, local_se, displacement, displacement_se, estimate, se,
        statistic, pvalue, lower, upper;
} wdd;

static int run_wdd(const double *counts, const double *scale, size_t members, double conf, wdd *r)
{
    const sc_place_wdd_result out = {r->totals, &r->local, &r->local_se, &r->displacement,
                                     &r->displacement_se, &r->estimate, &r->se, &r->statistic,
                                     &r->pvalue, &r->lower, &r->upper};
    return sc_place_wdd(counts, scale, 1, members, SC_TWO_SIDED, conf, 1, &out);
}

static void test_wdd(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "place_ptools_wdd.csv");
    for (size_t i = 0; i < t->rows; i++) {
        double counts[SC_PLACE_PARTS], scale[SC_PLACE_PARTS];
        for (int k = 0; k < SC_PLACE_PARTS; k++) {
            counts[k] = sc_csv_num(t, i, PARTS[k]);
            scale[k] = 1 / sc_csv_num(t, i, k % 2 ? "period_after" : "period_before") /
                       sc_csv_num(t, i, AREAS[k / 2]);
        }
        wdd r;
        const char *name = sc_csv_str(t, i, "case");
        SC_CHECK(run_wdd(counts, scale, 1, 1 - sc_csv_num(t, i, "alpha"), &r) == 0, "%s: status", name);
        const double got[9] = {r.local, r.local_se, r.displacement, r.displacement_se,
                               r.estimate, r.se, r.statistic, r.lower, r.upper};
        static const char *const cols[9] = {"Est_Local", "SE_Local", "Est_Displace", "SE_Displace",
                                            "Est_Total", "SE_Total", "Z", "LowCI", "HighCI"};
        for (int j = 0; j < 9; j++) {
            char what[96];
            snprintf(what, sizeof what, "wdd %s %s", name, cols[j]);
            SC_CHECK_CLOSE(got[j], sc_csv_num(t, i, cols[j]), RTOL, 1e-12, what);
        }
    }
    sc_csv_free(t);
}

/* ptools wdd_harm: the crime types of a case combined, each count weighted by its harm. */
static void test_wdd_harm(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "place_ptools_harm.csv");
    for (size_t first = 0; first < t->rows;) {
        const char *name = sc_csv_str(t, first, "case");
        size_t m = 0;
        while (first + m < t->rows && strcmp(sc_csv_str(t, first + m, "case"), name) == 0) m++;
        double *counts = calloc(SC_PLACE_PARTS * m, sizeof *counts);
        double *scale = calloc(SC_PLACE_PARTS * m, sizeof *scale);
        for (size_t i = 0; i < m; i++)
            for (int k = 0; k < 4; k++) {
                counts[k * m + i] = sc_csv_num(t, first + i, PARTS[k]);
                scale[k * m + i] = sc_csv_num(t, first + i, "weight");
            }
        wdd r;
        SC_CHECK(run_wdd(counts, scale, m, 1 - sc_csv_num(t, first, "alpha"), &r) == 0,
                 "%s: status", name);
        const double got[5] = {r.estimate, r.se, r.statistic, r.lower, r.upper};
        static const char *const cols[5] = {"HarmEst", "SE_HarmEst", "Z", "LowCI", "HighCI"};
        for (int j = 0; j < 5; j++) {
            char what[96];
            snprintf(what, sizeof what, "wdd_harm %s %s", name, cols[j]);
            SC_CHECK_CLOSE(got[j], sc_csv_num(t, first, cols[j]), RTOL, 0, what);
        }
        free(counts);
        free(scale);
        first += m;
    }
    sc_csv_free(t);
}

static void test_etest(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "place_statsmodels_etest.csv");
    size_t checked = 0;
    for (size_t i = 0; i < t->rows; i++) {
        const double c2 = sc_csv_num(t, i, "count_before"), c1 = sc_csv_num(t, i, "count_after");
        const double e2 = sc_csv_num(t, i, "exposure_before"), e1 = sc_csv_num(t, i, "exposure_after");
        const double ratio = sc_csv_num(t, i, "ratio");
        const char *method = sc_csv_str(t, i, "method"), *alt = sc_csv_str(t, i, "alternative");
        const sc_alternative a = strcmp(alt, "less") == 0      ? SC_LESS
                                 : strcmp(alt, "greater") == 0 ? SC_GREATER : SC_TWO_SIDED;
        const sc_etest_statistic s = strcmp(method, "score") == 0 ? SC_ETEST_SCORE : SC_ETEST_WALD;
        double stat, p;
        char what[128];
        snprintf(what, sizeof what, "etest-%s %s %g vs %g (exposures %g, %g; ratio %g)", method,
                 alt, c1, c2, e1, e2, ratio);
        SC_CHECK(sc_place_etest(&c1, &e1, &c2, &e2, &ratio, 1, s, a, 1, &stat, &p) == 0,
                 "%s: status", what);
        SC_CHECK_CLOSE(stat, sc_csv_num(t, i, "sm_statistic"), 1e-12, 1e-12, what);
        SC_CHECK_CLOSE(p, sc_csv_num(t, i, "sm_pvalue"), 1e-10, 1e-12, what);
        checked++;
    }
    SC_CHECK(checked > 300, "statsmodels E-tests: %zu", checked);
    sc_csv_free(t);
    t = sc_csv_read(dir, "place_ptools_etest.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double k1 = sc_csv_num(t, i, "k1"), k2 = sc_csv_num(t, i, "k2");
        const double n1 = sc_csv_num(t, i, "n1"), n2 = sc_csv_num(t, i, "n2"), one = 1;
        double stat, p;
        char what[96];
        snprintf(what, sizeof what, "ptools e_test(%g, %g, %g, %g)", k1, k2, n1, n2);
        SC_CHECK(sc_place_etest(&k1, &n1, &k2, &n2, &one, 1, SC_ETEST_SCORE, SC_TWO_SIDED, 1, &stat,
                                &p) == 0,
                 "%s: status", what);
        SC_CHECK_CLOSE(p, sc_csv_num(t, i, "pvalue"), 1e-11, 1e-15, what);
    }
    sc_csv_free(t);
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_wdd(dir);
    test_wdd_harm(dir);
    test_etest(dir);
    return sc_test_done("test_place");
}
