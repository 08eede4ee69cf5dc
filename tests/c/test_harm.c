/* sc_harm against R 4.2.2, from tests/reference/harm_r.R: harm_r_fleiss.csv (epitools
 * 0.5-10.1 ageadjust.direct, the gamma interval of Fay & Feuer (1997), on the Fleiss (1981)
 * data of harm_r_fleiss_inputs.csv: a directly standardised rate is a harm index with weights
 * standard / sum(standard) / population), and harm_r_index.csv (harm indices of the areas in
 * harm_r_inputs.csv with the weights of harm_r_weights.csv: sums, gamma and normal limits,
 * rates per 1,000).  Tolerance 1e-10 as tests/test_harm.py. */
#include <string.h>

#include "sc_harm.h"
#include "sc_status.h"
#include "sc_test.h"

#define RTOL 1e-10

static void test_fleiss(const char *dir)
{
    sc_csv *in = sc_csv_read(dir, "harm_r_fleiss_inputs.csv");
    sc_csv *ref = sc_csv_read(dir, "harm_r_fleiss.csv");
    const double conf[2] = {0.95, 0.99};
    for (size_t first = 0; first < in->rows;) {
        const char *order = sc_csv_str(in, first, "birth_order");
        size_t m = 0;
        double total_standard = 0;
        while (first + m < in->rows && strcmp(sc_csv_str(in, first + m, "birth_order"), order) == 0)
            total_standard += sc_csv_num(in, first + m++, "standard");
        double *x = malloc(m * sizeof *x), *w = malloc(m * sizeof *w), wmax = 0;
        int64_t *group = calloc(m, sizeof *group);
        for (size_t i = 0; i < m; i++) {
            x[i] = sc_csv_num(in, first + i, "count");
            w[i] = sc_csv_num(in, first + i, "standard") / total_standard /
                   sc_csv_num(in, first + i, "pop");
            wmax = fmax(wmax, w[i]);
        }
        double total, harm, var, lo[2], hi[2];
        const double one = 1;
        SC_CHECK(sc_harm_sums(x, w, group, m, 1, &total, &harm, &var) == 0 &&
                     sc_harm_ci(&harm, &var, &one, 1, wmax, conf, 2, SC_HARM_GAMMA, 1, lo, hi) == 0,
                 "birth order %s: status", order);
        size_t j = 0;
        for (size_t i = 0; i < ref->rows; i++) {
            if (strcmp(sc_csv_str(ref, i, "birth_order"), order) != 0 || j >= 2) continue;
            char what[96];
            snprintf(what, sizeof what, "ageadjust.direct, birth order %s, conf %s", order,
                     sc_csv_str(ref, i, "conf"));
            SC_CHECK_CLOSE(harm, sc_csv_num(ref, i, "adj_rate"), RTOL, 0, what);
            SC_CHECK_CLOSE(lo[j], sc_csv_num(ref, i, "lci"), RTOL, 0, what);
            SC_CHECK_CLOSE(hi[j], sc_csv_num(ref, i, "uci"), RTOL, 0, what);
            j++;
        }
        SC_CHECK(j == 2, "birth order %s: %zu reference levels", order, j);
        free(x); free(w); free(group);
        first += m;
    }
    sc_csv_free(in);
    sc_csv_free(ref);
}

static void test_index(const char *dir)
{
    sc_csv *in = sc_csv_read(dir, "harm_r_inputs.csv");
    sc_csv *weights = sc_csv_read(dir, "harm_r_weights.csv");
    sc_csv *ref = sc_csv_read(dir, "harm_r_index.csv");
    const size_t n = in->rows;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w), *pop = malloc(n * sizeof *pop);
    int64_t *group = malloc(n * sizeof *group);
    const char **names = malloc(n * sizeof *names);
    size_t groups = 0;
    double wmax = 0;
    for (size_t j = 0; j < weights->rows; j++) wmax = fmax(wmax, sc_csv_num(weights, j, "weight"));
    for (size_t i = 0; i < n; i++) {
        const char *area = sc_csv_str(in, i, "area"), *type = sc_csv_str(in, i, "crime_type");
        if (groups == 0 || strcmp(names[groups - 1], area) != 0) {
            names[groups] = area;
            pop[groups++] = sc_csv_num(in, i, "population");
        }
        group[i] = (int64_t)groups - 1;
        x[i] = sc_csv_num(in, i, "count");
        size_t j = 0;
        while (j < weights->rows && strcmp(sc_csv_str(weights, j, "crime_type"), type) != 0) j++;
        w[i] = j < weights->rows ? sc_csv_num(weights, j, "weight") : NAN;
    }
    double *total = malloc(groups * sizeof *total), *harm = malloc(groups * sizeof *harm);
    double *var = malloc(groups * sizeof *var), *scale = malloc(groups * sizeof *scale);
    double *lo = malloc(2 * groups * sizeof *lo), *hi = malloc(2 * groups * sizeof *hi);
    const double conf[2] = {0.95, 0.998};
    SC_CHECK(sc_harm_sums(x, w, group, n, groups, total, harm, var) == 0, "index sums: status");
    for (size_t g = 0; g < groups; g++) scale[g] = 1000 / pop[g];
    for (int m = 0; m < 2; m++) {
        const char *method = m == 0 ? "gamma" : "normal";
        SC_CHECK(sc_harm_ci(harm, var, scale, groups, wmax, conf, 2,
                            m == 0 ? SC_HARM_GAMMA : SC_HARM_NORMAL, 1, lo, hi) == 0,
                 "index %s limits: status", method);
        size_t checked = 0;
        for (size_t i = 0; i < ref->rows; i++) {
            if (strcmp(sc_csv_str(ref, i, "method"), method) != 0) continue;
            size_t g = 0;
            while (g < groups && strcmp(names[g], sc_csv_str(ref, i, "area")) != 0) g++;
            const int j = sc_csv_num(ref, i, "conf") > 0.99;
            char what[96];
            snprintf(what, sizeof what, "harm index %s %s conf %s", names[g], method,
                     sc_csv_str(ref, i, "conf"));
            SC_CHECK_CLOSE(total[g], sc_csv_num(ref, i, "count"), 0, 0, what);
            SC_CHECK_CLOSE(harm[g], sc_csv_num(ref, i, "harm"), RTOL, 0, what);
            SC_CHECK_CLOSE(var[g], sc_csv_num(ref, i, "variance"), RTOL, 0, what);
            SC_CHECK_CLOSE(harm[g] * scale[g], sc_csv_num(ref, i, "rate"), RTOL, 0, what);
            /* sc_harm_ci's limits are scaled: per 1,000 people, as R's rate_lower / rate_upper */
            SC_CHECK_CLOSE(lo[g * 2 + j], sc_csv_num(ref, i, "rate_lower"), RTOL, 0, what);
            SC_CHECK_CLOSE(hi[g * 2 + j], sc_csv_num(ref, i, "rate_upper"), RTOL, 0, what);
            checked++;
        }
        SC_CHECK(checked == 16, "index %s: %zu rows", method, checked);
    }
    free(x); free(w); free(pop); free(group); free(names); free(total); free(harm); free(var);
    free(scale); free(lo); free(hi);
    sc_csv_free(in);
    sc_csv_free(weights);
    sc_csv_free(ref);
}

/* The number of groups sizes the results: beyond SC_HARM_MAX_GROUPS a status, before any
 * write (the outputs here hold one group). */
static void test_too_many_groups(void)
{
    const double x = 3, w = 2;
    const int64_t group = 0;
    double total = -1, harm = -1, var = -1;
    SC_CHECK(sc_harm_sums(&x, &w, &group, 1, (size_t)1 << 31, &total, &harm, &var) == SC_EDOM &&
                 total == -1,
             "groups 2^31: status");
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_fleiss(dir);
    test_index(dir);
    test_too_many_groups();
    return sc_test_done("test_harm");
}
