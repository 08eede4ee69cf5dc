/* Erlang C and Erlang A (see sc_calls.h). */
#include "sc_calls.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_log.h>

#include "sc_dist.h"
#include "sc_check.h"
#include "sc_parallel.h"
#include "sc_status.h"

#define LN_2PI 1.83787706640934548356
#define SERIES_EPS 1e-17
#define SERIES_MAX 10000000L
#define SIZE_MAX_STEPS 1048576.0  /* agent counts a sizing search may try, one by one */

/* Metrics of one scenario. */
typedef struct {
    double p_wait, service_level, service_level_answered, abandonment, asa, mean_wait,
        occupancy;
} metrics;

/* One scenario's work: 0, or a status. */
typedef int (*scenario_fn)(const sc_calls_input *in, size_t i, sc_calls_output *out);

/* Run one() over the n scenarios, `chunk` at a time per thread.  Returned: SC_SUCCESS, or the
 * status of a scenario that failed. */
static int each_scenario(scenario_fn one, int chunk, const sc_calls_input *in, size_t n,
                         int threads, sc_calls_output *out)
{
    int status = SC_SUCCESS;
    (void)threads;                           /* unused without OpenMP */
    (void)chunk;
    #pragma omp parallel for num_threads(sc_threads(threads, n * 16)) schedule(dynamic, chunk)
    for (size_t i = 0; i < n; i++) {
        int st = one(in, i, out);
        if (st) {
            #pragma omp critical (sc_calls_status)
            status = st;
        }
    }
    return status;
}

double sc_calls_erlang_b(double traffic, double agents)
{
    if (!(traffic >= 0.0 && agents >= 0.0) || isinf(traffic) || agents != floor(agents))
        return NAN;
    if (agents == 0.0) return 1.0;
    if (traffic == 0.0) return 0.0;
    /* 1/B = sum_{k<=n} t_k / t_n with t_k = A^k / k!: I_k = 1 + (k/A) I_{k-1} (positive terms,
     * errors damped); terms more than 12 sqrt(A) + 40 below min(n, A) are < e^-70 of it */
    double k0 = floor(fmin(agents, traffic) - 12.0 * sqrt(traffic) - 40.0);
    if (k0 < 0.0) k0 = 0.0;
    double inv = 1.0, r = 1.0 / traffic;
    for (double k = k0 + 1.0; k <= agents; k += 1.0) {
        inv = 1.0 + inv * (k * r);
        if (inv > 1e300) return 0.0;         /* B below 1e-300 */
    }
    return 1.0 / inv;
}

/* ---- Erlang C ------------------------------------------------------------------------ */

/* Erlang C at n agents, given B = B(n, A), rate lambda, handle h, target t.  0, or 1 when the
 * queue is unstable (A >= n; metrics NaN). */
static int erlang_c(double lambda, double h, double n, double t, double B, metrics *m)
{
    double A = lambda * h;
    if (!(A < n)) {
        m->p_wait = m->service_level = m->service_level_answered = m->abandonment = NAN;
        m->asa = m->mean_wait = m->occupancy = NAN;
        return 1;
    }
    double C = B / (1.0 - (A / n) * (1.0 - B));
    m->p_wait = C;
    m->service_level = m->service_level_answered = 1.0 - C * exp(-(n - A) * t / h);
    m->abandonment = 0.0;
    m->asa = m->mean_wait = C * h / (n - A);
    m->occupancy = A / n;
    return 0;
}

/* ---- Erlang A ------------------------------------------------------------------------ */

/* psi(z) - log z = -1/(2z) - sum_k B_2k / (2k z^2k), z >= 32 (five terms: error < 1e-20). */
static double psi_rem(double z)
{
    double r = 1.0 / (z * z);
    return -0.5 / z -
           r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r / 132))));
}

/* sum_{i=0}^{m-1} 1 / (z + i) = psi(z + m) - psi(z), z > 0, m whole >= 0: directly for small
 * m, else log(1 + m/z) plus the difference of psi_rem, after shifting z to >= 32 (accurate to
 * a few ulp relative). */
static double psi_shift(double z, double m)
{
    double acc = 0.0;
    if (m <= 64.0) {
        for (double i = 0.0; i < m; i += 1.0) acc += 1.0 / (z + i);
        return acc;
    }
    while (z < 32.0) {
        acc += 1.0 / z;
        z += 1.0;
        m -= 1.0;
    }
    return acc + log1p(m / z) + (psi_rem(z + m) - psi_rem(z));
}

/* Sums over weights w_j proportional to t_j = x^j / ((s+1)...(s+j)), j >= 0, scaled to 1 at
 * j0 (0, or the mode floor(x - s) when x > s + 1) and summed outward from it until the
 * geometric bound on what is left is below SERIES_EPS of each sum:
 * *sw = sum w_j, *mean = sum j w_j / sum w_j, *asa = sum w_j c_j / sum w_j (when asa is not
 * NULL) with c_j = s h_j / (s + j + 1), h_j = sum_{k=1}^{j+1} 1 / (s + k).
 * Returns 0, or SC_EMAXITER. */
static int mode_sums(double s, double x, double j0, double *sw, double *mean, double *asa)
{
    double h0 = asa ? psi_shift(s + 1.0, j0 + 1.0) : 0.0;
    double w = 1.0, h = h0, S = 0.0, J = 0.0, U = 0.0;
    long steps = 0;
    /* upward: ratio r = x / (s + j + 1), below 1 from j0 on (but for j = 0 when x = s + 1) */
    for (double j = j0;; j += 1.0) {
        double c = asa ? s * h / (s + j + 1.0) : 0.0;
        S += w;
        J += j * w;
        U += w * c;
        double r = x / (s + j + 1.0);
        if (r < 1.0) {
            double tail = w * r / (1.0 - r);
            double tail_j = w * r * ((j + 1.0) / (1.0 - r) + r / ((1.0 - r) * (1.0 - r)));
            if (tail <= SERIES_EPS * S && tail_j <= SERIES_EPS * J &&
                (!asa || tail <= SERIES_EPS * U))
                break;
        }
        w *= r;
        if (asa) h += 1.0 / (s + j + 2.0);
        if (++steps > SERIES_MAX) return SC_EMAXITER;
    }
    /* downward: w_{j-1} = w_j (s + j) / x, ratio < 1 below the mode */
    w = 1.0;
    h = h0;
    for (double j = j0; j > 0.0; j -= 1.0) {
        double r = (s + j) / x;
        w *= r;
        if (asa) h -= 1.0 / (s + j + 1.0);
        double c = asa ? s * h / (s + j) : 0.0;   /* c_{j-1} = s h_{j-1} / (s + j) */
        S += w;
        J += (j - 1.0) * w;
        U += w * c;
        double rn = (s + j - 1.0) / x;
        double tail = rn < 1.0 ? w * rn / (1.0 - rn) : INFINITY;
        if (tail <= SERIES_EPS * S && tail * j <= SERIES_EPS * J &&
            (!asa || tail <= SERIES_EPS * U))
            break;
        if (++steps > SERIES_MAX) return SC_EMAXITER;
    }
    *sw = S;
    *mean = J / S;
    if (asa) *asa = U / S;
    return 0;
}

/* log of e^-x x^s / Gamma(s + 1), accurate for large s (Stirling's series in gammastar). */
static double log_poisson_density(double s, double x)
{
    return s * gsl_sf_log_1plusx_mx((x - s) / s) - 0.5 * (LN_2PI + log(s)) -
           log(gsl_sf_gammastar(s));
}

/* log S(s, x) = log M(1, s+1, x); *mean as mode_sums (NULL: not wanted); *asa likewise. */
static int log_kummer(double s, double x, double *logS, double *mean, double *asa)
{
    if (x == 0.0) {
        *logS = 0.0;
        if (mean) *mean = 0.0;
        if (asa) *asa = s / ((s + 1.0) * (s + 1.0));
        return 0;
    }
    if (x <= s + 1.0) {
        double S, q;
        int status = mode_sums(s, x, 0.0, &S, &q, asa);
        *logS = log(S);
        if (mean) *mean = q;
        return status;
    }
    /* S = P(s, x) / g(s, x): P >= 1/2 here, so its logarithm is accurate */
    double P, Q;
    sc_dist_gamma_inc(s, x, &P, &Q);
    *logS = log(P) - log_poisson_density(s, x);
    if (mean) *mean = (x - s) + s * exp(-*logS);
    if (asa) {
        double S, q;
        return mode_sums(s, x, floor(x - s), &S, &q, asa);
    }
    return 0;
}

/* Erlang A at n agents, given B = B(n, A), rate lambda, handle h, target t, patience p. */
static int erlang_a(double lambda, double h, double n, double t, double p, double B,
                    int want_asa, metrics *m)
{
    double A = lambda * h;
    if (A == 0.0) {
        m->p_wait = m->abandonment = m->asa = m->mean_wait = m->occupancy = 0.0;
        m->service_level = m->service_level_answered = 1.0;
        return 0;
    }
    double theta = 1.0 / p, a = lambda * p, s = n * p / h;
    double L, q, u = NAN;
    int status = log_kummer(s, a, &L, &q, want_asa ? &u : NULL);
    if (status) return status;
    double pw = 0.0;
    if (B > 0.0) {
        double z = log1p(-B) - log(B) - L;
        pw = z > 0.0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
    }
    double ab_w = q / a;                        /* P(abandon | wait) */
    double late_w = 0.0;                        /* P(answered after t | wait) */
    double xt = a * exp(-theta * t);
    if (xt > 0.0) {
        double L1;
        status = log_kummer(s + 1.0, xt, &L1, NULL, NULL);
        if (status) return status;
        late_w = exp(log(s / (s + 1.0)) - a * expm1(-theta * t) - n * t / h - theta * t + L1 - L);
    }
    double lost = ab_w + late_w;
    if (lost > 1.0) lost = 1.0;
    m->p_wait = pw;
    m->abandonment = pw * ab_w;
    m->service_level = 1.0 - pw * lost;
    m->service_level_answered = m->service_level / (1.0 - m->abandonment);
    if (m->service_level_answered > 1.0) m->service_level_answered = 1.0;
    m->mean_wait = m->abandonment * p;
    m->asa = want_asa ? pw * p * u / (1.0 - m->abandonment) : NAN;
    m->occupancy = A * (1.0 - m->abandonment) / n;
    return 0;
}

/* ---- batches ------------------------------------------------------------------------- */

static int valid(const sc_calls_input *in, size_t i, int need_agents)
{
    double c = in->calls[i], iv = in->interval[i], h = in->handle[i], t = in->target[i];
    int ok = c >= 0.0 && isfinite(c) && iv > 0.0 && isfinite(iv) && h > 0.0 && isfinite(h) &&
             t >= 0.0 && isfinite(t);
    if (in->patience) ok = ok && in->patience[i] > 0.0;
    if (need_agents) {
        double n = in->agents[i];
        ok = ok && n >= 1.0 && sc_is_whole(n);
    }
    return ok;
}

static void store(sc_calls_output *out, size_t i, double A, double n, const metrics *m)
{
    if (out->traffic) out->traffic[i] = A;
    if (out->agents) out->agents[i] = n;
    if (out->p_wait) out->p_wait[i] = m->p_wait;
    if (out->service_level) out->service_level[i] = m->service_level;
    if (out->service_level_answered) out->service_level_answered[i] = m->service_level_answered;
    if (out->abandonment) out->abandonment[i] = m->abandonment;
    if (out->asa) out->asa[i] = m->asa;
    if (out->mean_wait) out->mean_wait[i] = m->mean_wait;
    if (out->occupancy) out->occupancy[i] = m->occupancy;
}

static int evaluate_one(const sc_calls_input *in, size_t i, sc_calls_output *out)
{
    if (!valid(in, i, 1)) return SC_EINVAL;
    double lambda = in->calls[i] / in->interval[i], h = in->handle[i], n = in->agents[i];
    double t = in->target[i], p = in->patience ? in->patience[i] : INFINITY;
    double A = lambda * h, B = sc_calls_erlang_b(A, n);
    metrics m;
    int status = 0;
    if (isinf(p))
        erlang_c(lambda, h, n, t, B, &m);
    else
        status = erlang_a(lambda, h, n, t, p, B, out->asa != NULL, &m);
    if (status) return status;
    store(out, i, A, n, &m);
    return 0;
}

int sc_calls_evaluate(const sc_calls_input *in, size_t n, int threads, sc_calls_output *out)
{
    return each_scenario(evaluate_one, 16, in, n, threads, out);
}

/* Whether the metrics at n meet the scenario's targets. */
static int meets(const sc_calls_input *in, size_t i, const metrics *m)
{
    double occ = in->max_occupancy[i], ab = in->max_abandonment[i];
    return m->service_level >= in->level[i] && (isnan(occ) || m->occupancy <= occ) &&
           (isnan(ab) || m->abandonment <= ab);
}

static int size_one(const sc_calls_input *in, size_t i, sc_calls_output *out)
{
    if (!valid(in, i, 0)) return SC_EINVAL;
    double level = in->level[i], occ = in->max_occupancy[i], ab = in->max_abandonment[i];
    double nmin = in->min_agents[i];
    if (!(level > 0.0 && level < 1.0) || !(isnan(occ) || (occ > 0.0 && occ <= 1.0)) ||
        !(isnan(ab) || (ab >= 0.0 && ab <= 1.0)) || !(nmin >= 1.0 && sc_is_whole(nmin)))
        return SC_EINVAL;
    double lambda = in->calls[i] / in->interval[i], h = in->handle[i], t = in->target[i];
    double p = in->patience ? in->patience[i] : INFINITY;
    double A = lambda * h;
    int queue_c = isinf(p);
    double n = queue_c ? floor(A) + 1.0 : floor(level * A);
    if (n < nmin) n = nmin;
    /* agents are counted one by one from here: every count stays below 2^53 */
    if (!(fmax(A / (isnan(occ) ? 1.0 : occ), n) + 64.0 + 64.0 * sqrt(A) < SC_MAX_COUNT))
        return SC_EDOM;
    if (queue_c && !isnan(occ)) {
        double k = ceil(A / occ);
        while (k > 1.0 && A / (k - 1.0) <= occ) k -= 1.0;
        while (A / k > occ) k += 1.0;
        if (k > n) n = k;
    }
    double limit = fmax(n, A) + 64.0 + 64.0 * sqrt(A);
    if (limit - n > SIZE_MAX_STEPS) return SC_EDOM;   /* traffic too large to count up */
    double B = sc_calls_erlang_b(A, n);
    metrics m;
    for (;;) {
        int status = queue_c ? (erlang_c(lambda, h, n, t, B, &m), 0)
                             : erlang_a(lambda, h, n, t, p, B, 0, &m);
        if (status) return status;
        if (meets(in, i, &m)) break;
        if (n >= limit) return SC_EMAXITER;
        n += 1.0;
        B = A * B / (n + A * B);
    }
    if (!queue_c && out->asa) {
        int status = erlang_a(lambda, h, n, t, p, B, 1, &m);
        if (status) return status;
    }
    store(out, i, A, n, &m);
    return 0;
}

int sc_calls_size(const sc_calls_input *in, size_t n, int threads, sc_calls_output *out)
{
    return each_scenario(size_one, 4, in, n, threads, out);
}
