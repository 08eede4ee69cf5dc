/* Distribution functions the other families build on: regularised incomplete beta and gamma
 * functions, their quantiles, and binomial / Poisson cdf, pmf and quantiles.
 *
 * GSL's own inverses (gsl_cdf_beta_Pinv, gsl_cdf_gamma_Pinv) return NaN for some large
 * arguments and are slow, so the quantiles here are solved with a good starting value and
 * safeguarded Halley steps on incomplete functions whose prefactors stay accurate for large
 * parameters (DiDonato & Morris 1992, "brcomp"; Temme's rlog1 form).  All functions are pure,
 * thread-safe and return NaN only for arguments outside their domain. */
#ifndef SC_DIST_H
#define SC_DIST_H

/* Regularised incomplete beta.  Given x in [0,1], y = 1 - x (passed separately for accuracy),
 * a, b > 0.  Returned: *P = I_x(a, b), *Q = 1 - I_x(a, b), each accurate on its own scale. */
void sc_dist_beta_inc(double x, double y, double a, double b, double *P, double *Q);

/* Regularised incomplete gamma.  Given a > 0, x >= 0.  Returned: *P = P(a, x), *Q = Q(a, x). */
void sc_dist_gamma_inc(double a, double x, double *P, double *Q);

/* Quantile of Beta(a, b) at lower-tail probability p (0 -> 0, 1 -> 1). */
double sc_dist_beta_quantile(double p, double a, double b);

/* Quantile of Gamma(shape, scale 1) at lower-tail probability p (0 -> 0). */
double sc_dist_gamma_quantile(double p, double shape);

/* Standard normal quantile. */
double sc_dist_norm_quantile(double p);

/* Two-sided p-value of a Wald statistic: normal (df <= 0) or Student t with df, accurate in the
 * far tail (the t tail is the incomplete beta I_{df/(df+t^2)}(df/2, 1/2)); NaN for NaN. */
double sc_dist_wald_pvalue(double stat, double df);

/* Two-sided critical value at level conf: normal (df <= 0) or Student t with df. */
double sc_dist_critical_value(double conf, double df);

/* Binomial(n, prob): pmf and cdf at r (r, n whole numbers stored as double). */
double sc_dist_binom_pmf(double r, double n, double prob);
double sc_dist_binom_cdf(double r, double n, double prob);

/* Smallest r in [0, n] with F(r) >= p (as R qbinom).  Optional *cdf and *pmf receive F(r)
 * and f(r), which interpolated funnel limits need. */
double sc_dist_binom_quantile(double p, double n, double prob, double *cdf, double *pmf);

/* Poisson(mu): pmf, cdf and quantile, as the binomial ones. */
double sc_dist_pois_pmf(double r, double mu);
double sc_dist_pois_cdf(double r, double mu);
double sc_dist_pois_quantile(double p, double mu, double *cdf, double *pmf);

/* Limits for a Poisson count x (events), as PHEindicatormethods: Byar's approximation with
 * normal quantile z (lower 0 when x = 0), and the exact (Garwood) limits at two-sided level
 * conf: lower = Gamma^-1((1-conf)/2; x) (0 when x = 0), upper = Gamma^-1((1+conf)/2; x + 1). */
double sc_dist_byar_lower(double x, double z);
double sc_dist_byar_upper(double x, double z);
double sc_dist_garwood_lower(double x, double conf);
double sc_dist_garwood_upper(double x, double conf);

#endif
