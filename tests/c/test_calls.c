/* sc_calls against tests/reference: calls_mpmath.csv (calls_mpmath.py: Erlang C and Erlang A
 * from their definitions at 60 digits with mpmath 1.4.1, 1 to 10,000 agents), and
 * calls_pyworkforce_erlang_c.csv / calls_pyworkforce_sizing.csv (calls_pyworkforce.py:
 * pyworkforce's ErlangC, each row's call in its "call" column).  Tolerances as
 * tests/test_calls.py. */
#include <string.h>

#include "sc_calls.h"
#include "sc_status.h"
#include "sc_test.h"

static double *column(const sc_csv *t, const char *name)
{
    double *v = malloc((t->rows ? t->rows : 1) * sizeof *v);
    for (size_t i = 0; i < t->rows; i++) v[i] = sc_csv_num(t, i, name);
    return v;
}

static void test_mpmath(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "calls_mpmath.csv");
    double *calls = column(t, "calls"), *interval = column(t, "interval");
    double *handle = column(t, "handle_time"), *agents = column(t, "agents");
    double *target = column(t, "target_time"), *patience = column(t, "patience");
    const size_t n = t->rows;
    double *p_wait = malloc(n * sizeof *p_wait), *sl = malloc(n * sizeof *sl);
    double *asa = malloc(n * sizeof *asa), *ab = malloc(n * sizeof *ab);
    for (size_t i = 0; i < n; i++)
        if (isnan(patience[i])) patience[i] = INFINITY;      /* Erlang C: nobody hangs up */
    const sc_calls_input in = {calls, interval, handle, agents, target, patience,
                               NULL, NULL, NULL, NULL};
    sc_calls_output out = {NULL, NULL, p_wait, sl, NULL, ab, asa, NULL, NULL};
    SC_CHECK(sc_calls_evaluate(&in, n, 1, &out) == 0, "mpmath scenarios: status");
    double most = 0;
    for (size_t i = 0; i < n; i++) {
        char what[128];
        const int erlang_a = isfinite(patience[i]);
        snprintf(what, sizeof what, "Erlang %s row %zu (%g agents)", erlang_a ? "A" : "C", i,
                 agents[i]);
        SC_CHECK_CLOSE(p_wait[i], sc_csv_num(t, i, "p_wait"), 1e-12, 0, what);
        /* a service level near 0 is 1 minus a probability near 1: ~1e-14 absolute */
        SC_CHECK_CLOSE(sl[i], sc_csv_num(t, i, "service_level"), 1e-12, 5e-14, what);
        if (erlang_a) SC_CHECK_CLOSE(ab[i], sc_csv_num(t, i, "abandonment"), 1e-12, 0, what);
        else SC_CHECK_CLOSE(asa[i], sc_csv_num(t, i, "asa"), 1e-12, 0, what);
        most = fmax(most, agents[i]);
    }
    SC_CHECK(most == 10000, "most agents: %g", most);
    free(calls); free(interval); free(handle); free(agents); free(target); free(patience);
    free(p_wait); free(sl); free(asa); free(ab);
    sc_csv_free(t);
}

static void test_pyworkforce(const char *dir)
{
    sc_csv *t = sc_csv_read(dir, "calls_pyworkforce_erlang_c.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double calls = sc_csv_num(t, i, "calls"), interval = sc_csv_num(t, i, "interval");
        const double handle = sc_csv_num(t, i, "handle_time"), agents = sc_csv_num(t, i, "agents");
        const double target = sc_csv_num(t, i, "target_time");
        double traffic, p_wait, sl, occ;
        const sc_calls_input in = {&calls, &interval, &handle, &agents, &target, NULL,
                                   NULL, NULL, NULL, NULL};
        sc_calls_output out = {&traffic, NULL, &p_wait, &sl, NULL, NULL, NULL, NULL, &occ};
        const char *call = sc_csv_str(t, i, "call");
        SC_CHECK(sc_calls_evaluate(&in, 1, 1, &out) == 0, "%s: status", call);
        SC_CHECK_CLOSE(traffic, sc_csv_num(t, i, "traffic"), 1e-14, 0, call);
        SC_CHECK_CLOSE(p_wait, sc_csv_num(t, i, "p_wait"), 1e-12, 0, call);
        SC_CHECK_CLOSE(sl, sc_csv_num(t, i, "service_level"), 1e-12, 0, call);
        SC_CHECK_CLOSE(occ, sc_csv_num(t, i, "occupancy"), 1e-14, 0, call);
    }
    sc_csv_free(t);
    t = sc_csv_read(dir, "calls_pyworkforce_sizing.csv");
    for (size_t i = 0; i < t->rows; i++) {
        const double calls = sc_csv_num(t, i, "calls"), interval = sc_csv_num(t, i, "interval");
        const double handle = sc_csv_num(t, i, "handle_time");
        const double target = sc_csv_num(t, i, "target_time"), level = sc_csv_num(t, i, "level");
        const double cap = sc_csv_num(t, i, "max_occupancy");
        const double occ_cap = cap < 1 ? cap : NAN;         /* 1.0: no cap in pyworkforce's sense */
        const double no_cap = NAN, one = 1;
        double agents, p_wait, sl, occ;
        const sc_calls_input in = {&calls, &interval, &handle, NULL, &target, NULL,
                                   &level, &occ_cap, &no_cap, &one};
        sc_calls_output out = {NULL, &agents, &p_wait, &sl, NULL, NULL, NULL, NULL, &occ};
        const char *call = sc_csv_str(t, i, "call");
        SC_CHECK(sc_calls_size(&in, 1, 1, &out) == 0, "%s: status", call);
        SC_CHECK_CLOSE(agents, sc_csv_num(t, i, "raw_positions"), 0, 0, call);
        SC_CHECK_CLOSE(sl, sc_csv_num(t, i, "service_level"), 1e-12, 0, call);
        SC_CHECK_CLOSE(occ, sc_csv_num(t, i, "occupancy"), 1e-14, 0, call);
        SC_CHECK_CLOSE(p_wait, sc_csv_num(t, i, "waiting_probability"), 1e-12, 0, call);
    }
    sc_csv_free(t);
}

/* Agents are counts below 2^53: beyond, a status instead of a wrapped number or an endless
 * search. */
static void test_huge_agents(void)
{
    double calls = 100.0, interval = 1800.0, handle = 180.0, target = 20.0, level = 0.8;
    double huge = 1e19, no_cap = NAN, one = 1.0, big_calls = 1e30, tiny_occ = 1e-300;
    double agents = 0.0, p_wait = 0.0;
    sc_calls_output out = {NULL, &agents, &p_wait, NULL, NULL, NULL, NULL, NULL, NULL};
    const sc_calls_input eval = {&calls, &interval, &handle, &huge, &target, NULL,
                                 NULL, NULL, NULL, NULL};
    SC_CHECK(sc_calls_evaluate(&eval, 1, 1, &out) == SC_EINVAL, "agents = 1e19: status");
    const sc_calls_input min_huge = {&calls, &interval, &handle, NULL, &target, NULL,
                                     &level, &no_cap, &no_cap, &huge};
    SC_CHECK(sc_calls_size(&min_huge, 1, 1, &out) == SC_EINVAL, "min_agents = 1e19: status");
    const sc_calls_input traffic = {&big_calls, &interval, &handle, NULL, &target, NULL,
                                    &level, &no_cap, &no_cap, &one};
    SC_CHECK(sc_calls_size(&traffic, 1, 1, &out) == SC_EDOM, "calls = 1e30: status");
    const sc_calls_input occupancy = {&calls, &interval, &handle, NULL, &target, NULL,
                                      &level, &tiny_occ, &no_cap, &one};
    SC_CHECK(sc_calls_size(&occupancy, 1, 1, &out) == SC_EDOM, "max_occupancy = 1e-300: status");
    /* 1.5e11 erlangs with patience: a search of 2.5e7 agent counts, each a long series */
    double many = 272.0, long_handle = 1e12, patience = 121.0;
    const sc_calls_input vast = {&many, &interval, &long_handle, NULL, &target, &patience,
                                 &level, &no_cap, &no_cap, &one};
    SC_CHECK(sc_calls_size(&vast, 1, 1, &out) == SC_EDOM, "traffic 1.5e11 with patience: status");
}

int main(int argc, char **argv)
{
    const char *dir = sc_test_refdir(argc, argv);
    test_mpmath(dir);
    test_huge_agents();
    test_pyworkforce(dir);
    return sc_test_done("test_calls");
}
