/* Statistical process control charts: centre lines and limits of XmR (Making Data Count), I,
 * p, u, c, Laney p' and u', and run charts; per-point pattern rules (outside the limits, trend,
 * two of three, four of five, shift) and the Anhoej runs analysis.  Many series in one call,
 * in parallel over series.
 *
 * Missing values (NaN in y, or in n for charts with a denominator) are gaps: they are left out
 * of the centre and the limits, no moving range spans them and every run or window of a
 * pattern rule ends at them.  A series is split into segments (rebasing); each segment has its
 * own centre and limits, set on its first `baseline` observed values (all of them when 0), and
 * no pattern crosses a segment boundary. */
#ifndef SC_SPC_H
#define SC_SPC_H

#include <stddef.h>

typedef enum {
    SC_SPC_XMR = 0,   /* mean +- 2.66 x mean moving range (NHSRplotthedots) */
    SC_SPC_I,         /* mean +- 3 x mean moving range / 1.128 (qicharts2) */
    SC_SPC_P,         /* p +- 3 sqrt(p (1 - p) / n_i), inside [0, 1] */
    SC_SPC_U,         /* u +- 3 sqrt(u / n_i), lower >= 0 */
    SC_SPC_C,         /* c +- 3 sqrt(c), lower >= 0 */
    SC_SPC_PP,        /* Laney p': the p chart's sigma x moving-range sigma of the z-scores */
    SC_SPC_UP,        /* Laney u' */
    SC_SPC_RUN        /* median centre, no limits */
} sc_spc_chart;

/* Per-point signals, in order of precedence (a point in several patterns gets the first). */
typedef enum {
    SC_SPC_COMMON = 0,
    SC_SPC_OUTSIDE_UPPER, SC_SPC_OUTSIDE_LOWER,
    SC_SPC_TREND_UP, SC_SPC_TREND_DOWN,
    SC_SPC_TWO_OF_THREE_ABOVE, SC_SPC_TWO_OF_THREE_BELOW,
    SC_SPC_FOUR_OF_FIVE_ABOVE, SC_SPC_FOUR_OF_FIVE_BELOW,
    SC_SPC_SHIFT_ABOVE, SC_SPC_SHIFT_BELOW
} sc_spc_signal;

typedef enum {
    SC_SPC_23_OFF = 0,
    SC_SPC_23_MDC,    /* points strictly between the 2-sigma line and the limit; all three points
                         of the window strictly on one side of the centre (NHSRplotthedots) */
    SC_SPC_23_WE      /* points beyond the 2-sigma line (limits included) on one side; the third
                         point anywhere (Western Electric handbook, rule 2) */
} sc_spc_two_of_three;

typedef struct {
    int outside;                        /* 1: a point strictly beyond a 3-sigma limit */
    size_t trend;                       /* >= 2: runs of this many points each strictly above
                                           (below) the one before; 0: off */
    sc_spc_two_of_three two_of_three;
    int four_of_five;                   /* 1: 4 of 5 points in a row beyond 1 sigma, one side */
    size_t shift;                       /* >= 1: runs of this many points strictly on one side of
                                           the centre (a point on the centre ends a run); 0: off */
} sc_spc_rules;

typedef struct {
    sc_spc_chart chart;
    size_t baseline;                    /* limits from a segment's first observed values; 0: all */
    int screen;                         /* 1: drop moving ranges >= 3.267 x their mean, recompute */
    sc_spc_rules rules;
} sc_spc_spec;

/* Per-point arrays (row-major, rows x len) and per-series arrays (rows) of sc_spc_batch. */
typedef struct {
    double *value;                      /* y, or y / n for p, u, p', u' */
    double *centre, *lower, *upper, *lower2, *upper2;
    signed char *signal;                /* sc_spc_signal */
    double *longest_run, *longest_run_max, *n_crossings, *n_crossings_min, *n_useful,
           *runs_signal;
} sc_spc_output;

/* Anhoej runs analysis of one segment. */
typedef struct {
    double longest_run, longest_run_max, n_crossings, n_crossings_min, n_useful, runs_signal;
} sc_spc_runs;

/* Centre line and sigma of one series.
 * Given: y[0..len-1] (NaN = missing); n[0..len-1] > 0 for p, u, p', u' (NULL otherwise; counts
 * y <= n for p), start[i] != 0 where a new segment begins (position 0 always begins one; NULL:
 * one segment); the spec; work, len doubles.
 * Returned: value[i] (y or y / n), centre[i], scale[i] with the chart's multipliers k1, k2, k3
 * (sc_spc_multipliers): the limits are centre -+ k * scale before truncation.  Per segment:
 * centre = mean of the observed baseline values (xmr, i, c), sum y / sum n (p, u, p', u'), or
 * their median (run); mean moving range m of consecutive observed baseline values (of the
 * z-scores (v - centre) / sigma_i for p', u'), screened when asked: moving ranges >= 3.267 m
 * are dropped and m recomputed (kept when none would remain, i.e. m = 0).  scale = m (xmr,
 * k = 2.66 x (1/3, 2/3, 1)), m / 1.128 (i), sqrt(c) (c), sqrt(p (1 - p) / n_i) (p),
 * sqrt(u / n_i) (u), those times m / 1.128 (p', u'), NaN (run).  A zero centre (or p = 1)
 * gives scale 0.  Means are R's (long double sum with a second refining pass).
 * Status: SC_SUCCESS; SC_EDOM when a segment has no observed baseline value, or (xmr, i, p',
 * u') no moving range between consecutive observed baseline values.
 * Reference: NHSRplotthedots 0.2 R/ptd_spc_standard.R (xmr); qicharts2 0.7 R/helper.functions.R
 * (qic.i, qic.p, qic.u, qic.c, qic.pp, qic.up, qic.run); Laney (2002) Quality Engineering
 * 14:531-537; Nelson (1982) J Qual Technol 14:172-173 (screening). */
int sc_spc_centre(const double *y, const double *n, const unsigned char *start, size_t len,
                  const sc_spc_spec *spec, double *work, double *value, double *centre,
                  double *scale);

/* The multipliers of a chart's scale at 1, 2 and 3 sigma.
 * Given the chart.  Returned: k[0..2] = (2.66/3, 2 (2.66/3), 2.66) for xmr, (1, 2, 3) otherwise.
 * Status: none.
 * Reference: NHSRplotthedots 0.2 R/ptd_spc_standard.R (limit, limitclose). */
void sc_spc_multipliers(sc_spc_chart chart, double k[3]);

/* Limits from the centre and scale: lower = centre - k3 scale, upper = centre + k3 scale, and
 * lower2, upper2 with k2; kept inside [0, 1] for p, p' and >= 0 for u, u', c.
 * Given centre, scale of len points.  Returned: the four limit arrays.  Status: none.
 * Reference: qicharts2 0.7 R/helper.functions.R (qic.p, qic.u, qic.c: truncation). */
void sc_spc_limits(sc_spc_chart chart, const double *centre, const double *scale, size_t len,
                   double *lower, double *upper, double *lower2, double *upper2);

/* Per-point signals of the rules.
 * Given value, centre, scale, limits (from the functions above), start (as sc_spc_centre),
 * len, the chart and the rules.  A point is observed when its value and centre are not NaN;
 * every run and window must lie inside one segment and hold only observed points.
 * outside: value > upper or < lower.  trend k: maximal runs of observed points each strictly
 * above (below) the one before, of k points or more: every point of the run.  two of three
 * (MDC): a window of 3 consecutive points all strictly on one side of the centre with >= 2 of
 * them strictly beyond the 2-sigma line but not outside the limits: those points.  two of three
 * (WE): a window of 3 with >= 2 points beyond the 2-sigma line on one side: those points.  four
 * of five: a window of 5 with >= 4 points beyond 1 sigma on one side: those points.  shift k:
 * maximal runs of k or more observed points strictly on one side of the centre.
 * Returned: signal[i], the first pattern in sc_spc_signal order that point i belongs to.
 * Status: SC_SUCCESS.
 * Reference: NHSRplotthedots 0.2 R/ptd_calculate_point_type.R; Western Electric (1956)
 * Statistical Quality Control Handbook, sec. 1.B (tests 1-4). */
int sc_spc_signals(const double *value, const double *centre, const double *scale,
                   const double *lower, const double *upper, const double *lower2,
                   const double *upper2, const unsigned char *start, size_t len,
                   sc_spc_chart chart, const sc_spc_rules *rules, signed char *signal);

/* Anhoej runs analysis of the last segment.
 * Given value, centre, start, len.  Points on the centre line are skipped (as qicharts2); a
 * missing value ends a run, and the change of side across it is not a crossing.
 * Returned: n_useful (observed points off the centre), longest_run, n_crossings,
 * longest_run_max = round(log2 n_useful) + 3 (half to even), n_crossings_min = the 5 %
 * quantile of Binomial(n_useful - g, 1/2), g the number of stretches of useful points between
 * gaps (g = 1 without gaps: n_useful - 1, as qicharts2), runs_signal = longest_run >
 * longest_run_max or n_crossings < n_crossings_min.  All NaN and runs_signal 0 when
 * n_useful = 0.
 * Status: none.
 * Reference: qicharts2 0.7 R/helper.functions.R (runs.analysis); Anhoej & Olesen (2014) PLoS
 * ONE 9:e113825; Schilling (2012) J Qual Technol 44:206-213; Chen (2010) J Qual Technol
 * 42:90-106. */
void sc_spc_runs_analysis(const double *value, const double *centre, const unsigned char *start,
                          size_t len, sc_spc_runs *out);

/* Everything above for rows series y[r*len + i] (n likewise, or NULL; start likewise, or NULL),
 * in parallel over series.
 * Returned: *out; *bad_row, the first row whose centre failed (rows when none).
 * Status: SC_SUCCESS; SC_EINVAL for len = 0, trend = 1 or a chart needing n without it;
 * SC_EDOM from sc_spc_centre; SC_ENOMEM. */
int sc_spc_batch(const double *y, const double *n, const unsigned char *start, size_t rows,
                 size_t len, const sc_spc_spec *spec, int threads, sc_spc_output *out,
                 size_t *bad_row);

#endif
