/* Call handling: Erlang C (M/M/n) and Erlang A (M/M/n+M, callers who hang up) performance
 * measures, and the smallest number of agents that meets a service level.
 *
 * Units: calls per interval, interval, handle time, target time and patience all in seconds;
 * arrival rate lambda = calls / interval, traffic A = lambda x handle time (Erlangs).
 * Everything is computed from bounded quantities: the Erlang B recurrence
 * B(k) = A B(k-1) / (k + A B(k-1)) (or its inverse; no factorials), and, for Erlang A, the
 * scaled lower incomplete gamma function M(1, s+1, x) = P(s, x) / (e^-x x^s / Gamma(s+1)) (a
 * positive series or its logarithm from the incomplete gamma function), so nothing overflows
 * at any number of agents. */
#ifndef SC_CALLS_H
#define SC_CALLS_H

#include <stddef.h>

/* Inputs of n scenarios, each an array of n values.  patience: mean patience (seconds) of an
 * exponential patience distribution; NULL or +inf entries mean callers never hang up (Erlang
 * C).  The sizing fields are read by sc_calls_size only: level (service level to reach, in
 * (0, 1)), max_occupancy (NaN: no cap), max_abandonment (NaN: no cap), min_agents (>= 1). */
typedef struct {
    const double *calls, *interval, *handle, *agents, *target, *patience;
    const double *level, *max_occupancy, *max_abandonment, *min_agents;
} sc_calls_input;

/* Outputs, each NULL (not wanted) or an array of n values. */
typedef struct {
    double *traffic;                 /* A = calls x handle / interval (Erlangs) */
    double *agents;                  /* agents (sc_calls_size: the number found) */
    double *p_wait;                  /* P(an arriving call finds every agent busy) */
    double *service_level;           /* P(answered within target), share of offered calls */
    double *service_level_answered;  /* the same as a share of answered calls */
    double *abandonment;             /* P(a caller hangs up before being answered) */
    double *asa;                     /* mean wait of answered calls (immediate answers: 0) */
    double *mean_wait;               /* mean wait of all callers, abandoned ones included */
    double *occupancy;               /* carried traffic / agents */
} sc_calls_output;

/* Erlang B blocking probability.
 * Given traffic A >= 0 and a whole number of agents n >= 0.
 * Returned: B(n, A) from the recurrence in its inverse form 1/B_k = 1 + (k/A) / B_{k-1}
 * (positive terms only, so rounding errors are damped), started at
 * max(0, min(n, A) - 12 sqrt(A) - 40), below which the Poisson terms are under e^-70 of the
 * sum: O(|n - A| + 12 sqrt(A)) operations; 0 once B < 1e-300.  NaN outside the domain.
 * Reference: Jagerman (1974) Bell Syst Tech J 53:525-551. */
double sc_calls_erlang_b(double traffic, double agents);

/* Performance of n scenarios.
 * Given in->calls >= 0, in->interval > 0, in->handle > 0, in->agents (whole, >= 1, < 2^53),
 * in->target >= 0 and in->patience (> 0, +inf or NULL), all finite except patience.
 * Returned in *out, per scenario:
 * Erlang C (no patience): C = B / (1 - (A/n)(1 - B)); service level 1 - C exp(-(n - A) t / h);
 * asa = mean_wait = C h / (n - A); occupancy A / n; abandonment 0.  When A >= n the queue
 * is unstable: every output but traffic and agents is NaN.
 * Erlang A (patience 1/theta): with a = lambda / theta, s = n / (h theta), x_t = a e^(-theta t)
 * and S(s, x) = M(1, s+1, x), the probability of waiting is B S / (1 - B + B S); given a wait,
 * a caller abandons with probability m / a (m the mean of j under weights a^j / (s+1)_j),
 * is answered after t with probability s/(s+1) e^(a(1 - e^-theta t) - s theta t - theta t)
 * S(s+1, x_t) / S(s, a); abandonment = P(wait) m / a; mean_wait = abandonment / theta; asa
 * from E[V e^-theta V | wait] = (1/theta) E[s h_j / (s + j + 1)], h_j = psi(s+j+2) -
 * psi(s+1); occupancy A (1 - abandonment) / n.  Defined for every n >= 1.
 * Status: SC_SUCCESS; SC_EINVAL for an input outside its domain; SC_EMAXITER if a series
 * needs more than 10^7 terms (not reached for traffic below 10^6 Erlangs and patience below
 * 10^4 handle times).
 * Reference: Mandelbaum & Zeltyn (2007), "The M/M/n+G queue: summary of performance
 * measures", Technion (formulas for M/M/n+M via incomplete gamma functions: the expressions
 * above are theirs with J = S(s, a) / (s theta g(s, a)), g(s, x) = e^-x x^s / Gamma(s+1));
 * Garnett, Mandelbaum & Reiman (2002) Manuf Serv Oper Manag 4:208-227; Gans, Koole &
 * Mandelbaum (2003) Manuf Serv Oper Manag 5:79-141 (Erlang C). */
int sc_calls_evaluate(const sc_calls_input *in, size_t n, int threads, sc_calls_output *out);

/* Smallest number of agents per scenario meeting in->level (and the caps).
 * Given the inputs of sc_calls_evaluate without agents, plus level, max_occupancy,
 * max_abandonment, min_agents.
 * Returned: out->agents, the smallest n >= min_agents with service level >= level,
 * occupancy <= max_occupancy and (Erlang A) abandonment <= max_abandonment, searched upward
 * from max(min_agents, floor(A) + 1, ceil(A / max_occupancy)) (Erlang C) or
 * max(min_agents, floor(level A)) (Erlang A: the service level never exceeds n / A) with the
 * Erlang B recurrence carried from one n to the next; the other outputs at that n.
 * Status: as sc_calls_evaluate (min_agents whole, from 1, below 2^53); SC_EDOM if the search
 * could pass 2^53 agents or would try more than 2^20 agent counts (traffic beyond about 2e8
 * erlangs, or 5e6 with patience); SC_EMAXITER if no n up to max(start, A) + 64 + 64 sqrt(A)
 * qualifies (only possible for a level within rounding of 1). */
int sc_calls_size(const sc_calls_input *in, size_t n, int threads, sc_calls_output *out);

#endif
