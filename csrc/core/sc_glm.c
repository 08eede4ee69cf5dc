#include "sc_glm.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sf_psi.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

#define GLM_EPSILON 1e-14         /* glm.control(epsilon): full convergence */
#define GLM_ROUNDED 1e-8          /* R's default epsilon: with no decrease, converged */
#define GLM_MAXIT 100             /* glm.control(maxit), also theta.ml's limit in glm.nb */
#define THETA_EPS 1e-12           /* theta.ml's tolerance on its Newton step */
#define PIVOT_TOL 1e-11           /* rank deficiency: squared pivot / diagonal below this */

/* ---- per-thread workspace ------------------------------------------------------------------ */

typedef struct {
    size_t n, p, q, m;            /* observations, coefficients, dense columns, m = p - q */
    double *Add, *Ads, *dss;      /* normal equations: dense block (lower), dense x indicator, */
    double *bd, *bs;              /* indicator diagonal; right-hand sides */
    gsl_matrix *S;                /* Schur complement of the indicator block; its factor */
    gsl_vector *rhs;
    gsl_matrix_view S_view;       /* S and rhs over the workspace's block */
    gsl_vector_view rhs_view;
    double *beta, *coefold;       /* p */
    double *cov;                  /* p*p: covariance of the coefficients */
    double *scratch;              /* p*p */
    double *y, *ylogy, *off, *eta, *mu, *mu_prev; /* n: the usable observations of a series */
    double *x;                    /* n*q: their dense design values */
    int *ind;                     /* n: their indicator columns */
    double *full_x;               /* n*q, n: the whole design of one series (interrupted series) */
    int *full_ind;
    double *u;                    /* n*p: estimating functions x_i e_i (Newey-West) */
} workspace;

/* The sub-arrays of a workspace, taken from block b (see sc_block_take). */
static void ws_carve(workspace *w, sc_block *b, int full_design, int hac)
{
    const size_t n = w->n, p = w->p, q = w->q, md = w->m ? w->m : 1;
    w->Add = sc_block_take(b, q * q, sizeof(double));
    w->Ads = sc_block_take(b, q * md, sizeof(double));
    w->dss = sc_block_take(b, md, sizeof(double));
    w->bd = sc_block_take(b, q, sizeof(double));
    w->bs = sc_block_take(b, md, sizeof(double));
    double *S = sc_block_take(b, q * q, sizeof(double));
    double *rhs = sc_block_take(b, q, sizeof(double));
    w->beta = sc_block_take(b, p, sizeof(double));
    w->coefold = sc_block_take(b, p, sizeof(double));
    w->cov = sc_block_take(b, p * p, sizeof(double));
    w->scratch = sc_block_take(b, p * p, sizeof(double));
    w->y = sc_block_take(b, n, sizeof(double));
    w->ylogy = sc_block_take(b, n, sizeof(double));
    w->off = sc_block_take(b, n, sizeof(double));
    w->eta = sc_block_take(b, n, sizeof(double));
    w->mu = sc_block_take(b, n, sizeof(double));
    w->mu_prev = sc_block_take(b, n, sizeof(double));
    w->x = sc_block_take(b, n * q, sizeof(double));
    w->ind = sc_block_take(b, n, sizeof(int));
    w->full_x = full_design ? sc_block_take(b, n * q, sizeof(double)) : NULL;
    w->full_ind = full_design ? sc_block_take(b, n, sizeof(int)) : NULL;
    w->u = hac ? sc_block_take(b, n * p, sizeof(double)) : NULL;
    if (b->base != NULL) {
        w->S_view = gsl_matrix_view_array(S, q, q);
        w->rhs_view = gsl_vector_view_array(rhs, q);
        w->S = &w->S_view.matrix;
        w->rhs = &w->rhs_view.vector;
    }
}

/* A workspace in one block (q >= 1 dense columns of p coefficients); NULL when out of
 * memory.  Freed by free(). */
static workspace *ws_alloc(size_t n, size_t p, size_t q, int full_design, int hac)
{
    workspace shape = {.n = n, .p = p, .q = q, .m = p - q};
    sc_block b = {NULL, 0};
    sc_block_take(&b, 1, sizeof shape);
    ws_carve(&shape, &b, full_design, hac);
    if (b.used == SIZE_MAX || (b.base = malloc(b.used)) == NULL) return NULL;
    b.used = 0;
    workspace *w = sc_block_take(&b, 1, sizeof *w);
    *w = shape;
    ws_carve(w, &b, full_design, hac);
    return w;
}

/* ---- model pieces ---------------------------------------------------------------------------- */

typedef struct {
    sc_glm_family family;
    double theta;                 /* negative binomial only */
} model;

/* Log link: mu = max(exp(eta), eps), also d mu / d eta (R's make.link("log")). */
static double linkinv(double eta)
{
    const double m = exp(eta);
    return m > DBL_EPSILON ? m : DBL_EPSILON;
}

static double variance(const model *m, double mu)
{
    return m->family == SC_GLM_NEGBIN ? mu + mu * mu / m->theta : mu;
}

/* Residual deviance over the usable observations: R's poisson()$dev.resids (with y log(y/mu)
 * as y log y - y log mu, log mu = eta unless mu is at its floor) and MASS's
 * negative.binomial()$dev.resids. */
static double total_deviance(const model *m, const workspace *w, size_t nobs)
{
    double d = 0;
    if (m->family == SC_GLM_NEGBIN) {
        const double th = m->theta;
        for (size_t i = 0; i < nobs; i++) {
            const double y = w->y[i], mu = w->mu[i];
            d += 2 * (y * log(fmax(1.0, y) / mu) - (y + th) * log((y + th) / (mu + th)));
        }
        return d;
    }
    for (size_t i = 0; i < nobs; i++) {
        const double y = w->y[i], mu = w->mu[i];
        if (y > 0) {
            const double logmu = mu > DBL_EPSILON ? w->eta[i] : log(mu);
            d += 2 * (w->ylogy[i] - y * logmu - (y - mu));
        } else {
            d += 2 * mu;
        }
    }
    return d;
}

static double pearson(const model *m, const double *y, const double *mu, size_t n)
{
    double x2 = 0;
    for (size_t i = 0; i < n; i++) {
        const double r = y[i] - mu[i];
        x2 += r * r / variance(m, mu[i]);
    }
    return x2;
}

/* eta[i] = x_i' beta + off[i] for the usable observations. */
static void linear_predictor(workspace *w, size_t nobs, const double *beta)
{
    const size_t q = w->q;
    for (size_t i = 0; i < nobs; i++) {
        const double *x = w->x + i * q;
        double e = w->off[i];
        for (size_t a = 0; a < q; a++) e += x[a] * beta[a];
        if (w->ind[i] >= 0) e += beta[w->ind[i]];
        w->eta[i] = e;
    }
}

static void normal_zero(workspace *w)
{
    memset(w->Add, 0, w->q * w->q * sizeof(double));
    memset(w->Ads, 0, w->q * w->m * sizeof(double));
    memset(w->dss, 0, w->m * sizeof(double));
    memset(w->bd, 0, w->q * sizeof(double));
    memset(w->bs, 0, w->m * sizeof(double));
}

/* Add observation i with weight wt and working response z to the normal equations (q dense
 * columns; inlined with q a constant for the common designs). */
static inline void accumulate_q(workspace *w, size_t i, double wt, double z, size_t q)
{
    const double *x = w->x + i * q;
    for (size_t a = 0; a < q; a++) {
        const double wa = wt * x[a];
        w->bd[a] += wa * z;
        double *row = w->Add + a * q;
        for (size_t b = 0; b <= a; b++) row[b] += wa * x[b];
    }
    const int s = w->ind[i];
    if (s >= 0) {
        const size_t j = (size_t)s - q;
        w->dss[j] += wt;
        w->bs[j] += wt * z;
        for (size_t a = 0; a < q; a++) w->Ads[a * w->m + j] += wt * x[a];
    }
}

static void accumulate(workspace *w, size_t i, double wt, double z)
{
    switch (w->q) {
    case 2: accumulate_q(w, i, wt, z, 2); break;                 /* trend */
    case SC_ITS_N_TERMS: accumulate_q(w, i, wt, z, SC_ITS_N_TERMS); break;
    default: accumulate_q(w, i, wt, z, w->q);
    }
}

/* Solve the normal equations into w->beta: the indicator block first, then the q x q Schur
 * complement S = Add - Ads Dss^-1 Asd by GSL's Cholesky (its factor stays in w->S).
 * SC_ESINGULAR when an indicator has no weight or a pivot of S shows a dependent column. */
static int solve_normal(workspace *w)
{
    const size_t q = w->q, m = w->m;
    for (size_t j = 0; j < m; j++)
        if (!(w->dss[j] > 0)) return SC_ESINGULAR;
    for (size_t a = 0; a < q; a++) {
        double r = w->bd[a];
        for (size_t j = 0; j < m; j++) r -= w->Ads[a * m + j] * w->bs[j] / w->dss[j];
        gsl_vector_set(w->rhs, a, r);
        for (size_t b = 0; b <= a; b++) {
            double v = w->Add[a * q + b];
            for (size_t j = 0; j < m; j++) v -= w->Ads[a * m + j] * w->Ads[b * m + j] / w->dss[j];
            gsl_matrix_set(w->S, a, b, v);
            gsl_matrix_set(w->S, b, a, v);
        }
    }
    if (gsl_linalg_cholesky_decomp1(w->S) != GSL_SUCCESS) return SC_ESINGULAR;
    for (size_t a = 0; a < q; a++) {
        const double l = gsl_matrix_get(w->S, a, a), diag = w->Add[a * q + a];
        if (!(diag > 0) || !(l * l >= PIVOT_TOL * diag)) return SC_ESINGULAR;
    }
    if (gsl_linalg_cholesky_svx(w->S, w->rhs) != GSL_SUCCESS) return SC_ESINGULAR;
    for (size_t a = 0; a < q; a++) w->beta[a] = gsl_vector_get(w->rhs, a);
    for (size_t j = 0; j < m; j++) {
        double r = w->bs[j];
        for (size_t a = 0; a < q; a++) r -= w->Ads[a * m + j] * w->beta[a];
        w->beta[q + j] = r / w->dss[j];
    }
    return SC_SUCCESS;
}

/* The inverse of the normal matrix, from the last solve_normal, into w->cov (p x p):
 * [S^-1, -S^-1 G; -G' S^-1, D^-1 + G' S^-1 G] with G = Ads D^-1. */
static void inverse_to_cov(workspace *w)
{
    const size_t p = w->p, q = w->q, m = w->m;
    gsl_linalg_cholesky_invert(w->S);
    double *G = w->scratch;                       /* q x m */
    for (size_t a = 0; a < q; a++)
        for (size_t j = 0; j < m; j++) G[a * m + j] = w->Ads[a * m + j] / w->dss[j];
    for (size_t a = 0; a < q; a++) {
        for (size_t b = 0; b < q; b++) w->cov[a * p + b] = gsl_matrix_get(w->S, a, b);
        for (size_t j = 0; j < m; j++) {
            double v = 0;
            for (size_t c = 0; c < q; c++) v -= gsl_matrix_get(w->S, a, c) * G[c * m + j];
            w->cov[a * p + q + j] = w->cov[(q + j) * p + a] = v;
        }
    }
    for (size_t j = 0; j < m; j++)
        for (size_t l = 0; l <= j; l++) {
            double v = j == l ? 1 / w->dss[j] : 0;
            for (size_t a = 0; a < q; a++) v -= G[a * m + j] * w->cov[a * p + q + l];
            w->cov[(q + j) * p + q + l] = w->cov[(q + l) * p + q + j] = v;
        }
}

/* ---- IRLS (R's glm.fit) ------------------------------------------------------------------------ */

static void update_means(workspace *w, size_t nobs)
{
    linear_predictor(w, nobs, w->beta);
    for (size_t i = 0; i < nobs; i++) w->mu[i] = linkinv(w->eta[i]);
}

/* The weighted normal equations of an IRLS step at the current eta and mu, solved into beta. */
static int irls_step(workspace *w, size_t nobs, const model *m)
{
    normal_zero(w);
    for (size_t i = 0; i < nobs; i++) {
        const double mu = w->mu[i], mu_eta = mu;
        const double z = (w->eta[i] - w->off[i]) + (w->y[i] - mu) / mu_eta;
        accumulate(w, i, mu_eta * mu_eta / variance(m, mu), z);
    }
    return solve_normal(w);
}

/* Fit one series' usable observations.  eta_given: w->eta holds the start (etastart); else the
 * start is mu = y + 0.1 (poisson()$initialize).  Leaves beta, eta, mu, the factor of the
 * weighted normal equations at the converged estimate (so the covariance is at it) and the
 * deviance in *dev. */
static int irls(workspace *w, size_t nobs, const model *m, int eta_given, double *dev)
{
    const size_t p = w->p;
    if (!eta_given)
        for (size_t i = 0; i < nobs; i++) w->eta[i] = log(w->y[i] + 0.1);
    for (size_t i = 0; i < nobs; i++) w->mu[i] = linkinv(w->eta[i]);
    double devold = total_deviance(m, w, nobs), d = devold;
    int have_old = 0;
    for (int iter = 1; iter <= GLM_MAXIT; iter++) {
        int status = irls_step(w, nobs, m);
        if (status != SC_SUCCESS) return status;
        for (size_t j = 0; j < p; j++)
            if (!isfinite(w->beta[j])) return SC_ENAN;
        update_means(w, nobs);
        d = total_deviance(m, w, nobs);
        for (int halve = 1; !isfinite(d); halve++) {   /* step size truncated due to divergence */
            if (!have_old || halve > GLM_MAXIT) return SC_ENAN;
            for (size_t j = 0; j < p; j++) w->beta[j] = (w->beta[j] + w->coefold[j]) / 2;
            update_means(w, nobs);
            d = total_deviance(m, w, nobs);
        }
        /* converged: the change is below GLM_EPSILON, or below R's default 1e-8 without a
         * decrease (the minimum reached to rounding, as with an uncentred time) */
        const double change = fabs(d - devold) / (fabs(d) + 0.1);
        if (change < GLM_EPSILON || (d >= devold && change < GLM_ROUNDED)) {
            /* one more step from the converged estimate, whose weights give the covariance (as
             * glm refitted with start = the converged coefficients) */
            status = irls_step(w, nobs, m);
            if (status != SC_SUCCESS) return status;
            update_means(w, nobs);
            *dev = total_deviance(m, w, nobs);
            return isfinite(*dev) ? SC_SUCCESS : SC_ENAN;
        }
        devold = d;
        memcpy(w->coefold, w->beta, p * sizeof(double));
        have_old = 1;
    }
    *dev = d;
    return SC_ENOCONV;
}

/* ---- negative binomial (MASS::glm.nb) --------------------------------------------------------- */

/* psi(t + y) - psi(t) and psi'(t) - psi'(t + y): for a whole count y up to 64 the finite sums
 * sum_{j<y} 1/(t + j) and sum_{j<y} 1/(t + j)^2 (exact recurrences, cheaper than and as
 * accurate as the functions), else GSL's digamma and trigamma (dg = psi(t), tg = psi'(t)). */
static void digamma_steps(double t, double y, double dg, double tg, double *d1, double *d2)
{
    if (y <= 64 && y == floor(y)) {
        double s1 = 0, s2 = 0;
        for (int j = 0; j < (int)y; j++) {
            const double inv = 1 / (t + j);
            s1 += inv;
            s2 += inv * inv;
        }
        *d1 = s1;
        *d2 = s2;
        return;
    }
    *d1 = gsl_sf_psi(t + y) - dg;
    *d2 = tg - gsl_sf_psi_1(t + y);
}

/* theta.ml: Newton steps on the profile score from n / sum (y/mu - 1)^2.  Returns 1 when the
 * iteration limit was reached, 2 when the likelihood is flat to rounding (theta effectively
 * infinite: the last theta is kept), -1 when the estimate is not positive and finite, else 0. */
static int theta_ml(const double *y, const double *mu, size_t n, double *theta)
{
    double t0 = 0;
    for (size_t i = 0; i < n; i++) {
        const double r = y[i] / mu[i] - 1;
        t0 += r * r;
    }
    t0 = (double)n / t0;
    int it = 0;
    double del = 1;
    while (++it < GLM_MAXIT && fabs(del) > THETA_EPS) {
        t0 = fabs(t0);
        double score = 0, info = 0;
        const double dg = gsl_sf_psi(t0), tg = gsl_sf_psi_1(t0), lt = log(t0);
        for (size_t i = 0; i < n; i++) {
            const double s = mu[i] + t0, yt = y[i] + t0;
            double d1, d2;
            digamma_steps(t0, y[i], dg, tg, &d1, &d2);
            score += d1 + lt + 1 - log(s) - yt / s;
            info += d2 - 1 / t0 + 2 / s - yt / (s * s);
        }
        del = score / info;
        if (!(info > 0) || !isfinite(t0 + del)) {
            *theta = t0;
            return 2;
        }
        t0 += del;
    }
    *theta = t0;
    if (!(t0 > 0) || !isfinite(t0)) return -1;
    return it == GLM_MAXIT;
}

static double nb_loglik(const double *y, const double *mu, size_t n, double th)
{
    double l = 0;
    for (size_t i = 0; i < n; i++)
        l += lgamma(th + y[i]) - lgamma(th) - lgamma(y[i] + 1) + th * log(th) +
             y[i] * log(mu[i] + (y[i] == 0)) - (th + y[i]) * log(th + mu[i]);
    return l;
}

/* glm.nb: a Poisson fit, then IRLS at theta alternating with theta.ml until the log-likelihood
 * and theta settle.  *theta_fit is the theta of the last IRLS (deviance and SEs are at it),
 * *theta the final estimate. */
static int negbin(workspace *w, size_t nobs, double *dev, double *theta_fit, double *theta)
{
    model m = {SC_GLM_POISSON, 0};
    int status = irls(w, nobs, &m, 0, dev);
    if (status != SC_SUCCESS) return status;
    double th;
    int warn = theta_ml(w->y, w->mu, nobs, &th);
    if (warn < 0) return SC_ENAN;
    const double d1 = sqrt(2 * fmax(1.0, (double)nobs - (double)w->p)), d2 = 1;
    double del = 1, lm = nb_loglik(w->y, w->mu, nobs, th), lm0 = lm + 2 * d1;
    int iter = 0;
    while (++iter <= GLM_MAXIT && fabs(lm0 - lm) / d1 + fabs(del) / d2 > GLM_EPSILON) {
        for (size_t i = 0; i < nobs; i++) w->eta[i] = log(w->mu[i]);
        memcpy(w->mu_prev, w->mu, nobs * sizeof(double));
        m = (model){SC_GLM_NEGBIN, th};
        status = irls(w, nobs, &m, 1, dev);
        if (status != SC_SUCCESS && status != SC_ENOCONV) return status;   /* MASS warns */
        const double t0 = th;
        warn = theta_ml(w->y, w->mu_prev, nobs, &th);   /* at the previous fit's means, as MASS */
        if (warn < 0) return SC_ENAN;
        *theta_fit = t0;
        del = t0 - th;
        lm0 = lm;
        lm = nb_loglik(w->y, w->mu, nobs, th);
    }
    *theta = th;
    /* MASS only warns when theta.ml or the alternation reaches its iteration limit (as when the
     * counts show little overdispersion and theta is large) and returns the fit; so do we.  An
     * alternation that has not settled even roughly is a failure, unless theta is effectively
     * infinite (its likelihood flat to rounding: the fit is Poisson's). */
    if (iter > GLM_MAXIT && fabs(del) > 1e-3 * th && warn != 2) return SC_ENOCONV;
    return SC_SUCCESS;
}

/* ---- one series ---------------------------------------------------------------------------------- */

static int row_status(int status)
{
    switch (status) {
    case SC_SUCCESS: return SC_GLM_ROW_OK;
    case SC_ESINGULAR: return SC_GLM_ROW_RANK_DEFICIENT;
    case SC_ENOCONV: return SC_GLM_ROW_NO_CONVERGENCE;
    default: return SC_GLM_ROW_NUMERICAL;
    }
}

/* Copy series r's usable observations (design rows from x/ind, offsets from the exposure) into
 * the workspace.  Returns a row status; *nobs receives their number. */
static int gather(const sc_glm_data *d, size_t r, const double *x, const int *ind,
                  workspace *w, size_t *nobs)
{
    const double *y = d->y + r * d->n;
    const size_t q = w->q;
    size_t m = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (isnan(y[i])) {
            if (!d->omit_missing) return SC_GLM_ROW_MISSING;
            continue;
        }
        w->y[m] = y[i];
        w->ylogy[m] = y[i] > 0 ? y[i] * log(y[i]) : 0.0;
        w->off[m] = d->exposure ? log(d->exposure[r * d->exp_row + i * d->exp_col]) : 0.0;
        memcpy(w->x + m * q, x + i * q, q * sizeof(double));
        w->ind[m] = ind ? ind[i] : -1;
        m++;
    }
    *nobs = m;
    return m < w->p + 1 ? SC_GLM_ROW_TOO_SHORT : SC_GLM_ROW_OK;
}

typedef struct {
    double deviance, dispersion, theta, df;
} fit_summary;

/* Fit the gathered counts; on success w->beta, w->cov, w->mu hold the results. */
static int fit_counts(workspace *w, size_t nobs, sc_glm_family family, fit_summary *fs)
{
    double dev, theta_fit = NAN, theta = NAN;
    int status;
    if (family == SC_GLM_NEGBIN) {
        status = negbin(w, nobs, &dev, &theta_fit, &theta);
    } else {
        const model m = {SC_GLM_POISSON, 0};
        status = irls(w, nobs, &m, 0, &dev);
    }
    if (status != SC_SUCCESS) return status;
    const model m = {family, theta_fit};
    inverse_to_cov(w);
    fs->deviance = dev;
    fs->df = (double)(nobs - w->p);
    fs->dispersion = pearson(&m, w->y, w->mu, nobs) / fs->df;
    fs->theta = theta;
    return SC_SUCCESS;
}

static void write_nan(sc_glm_output *o, size_t r, size_t p)
{
    for (size_t j = 0; j < p; j++) {
        if (o->params) o->params[r * p + j] = NAN;
        if (o->bse) o->bse[r * p + j] = NAN;
        if (o->pvalues) o->pvalues[r * p + j] = NAN;
    }
    if (o->crit) o->crit[r] = NAN;
    if (o->deviance) o->deviance[r] = NAN;
    if (o->dispersion) o->dispersion[r] = NAN;
    if (o->theta) o->theta[r] = NAN;
}

/* Coefficients, SEs, p-values (t with the residual df when tdist, else normal) and crit of
 * series r; returns a row status (NUMERICAL when a variance is not finite and >= 0). */
static int write_fit(sc_glm_output *o, size_t r, const workspace *w, const fit_summary *fs,
                     double conf, int tdist)
{
    const size_t p = w->p;
    for (size_t j = 0; j < p; j++)
        if (!(w->cov[j * p + j] >= 0) || !isfinite(w->cov[j * p + j])) return SC_GLM_ROW_NUMERICAL;
    const double df = tdist ? fs->df : 0;
    for (size_t j = 0; j < p; j++) {
        const double b = w->beta[j], se = sqrt(w->cov[j * p + j]);
        if (o->params) o->params[r * p + j] = b;
        if (o->bse) o->bse[r * p + j] = se;
        if (o->pvalues) o->pvalues[r * p + j] = sc_dist_wald_pvalue(b / se, df);
    }
    if (o->crit) o->crit[r] = sc_dist_critical_value(conf, df);
    if (o->deviance) o->deviance[r] = fs->deviance;
    if (o->dispersion) o->dispersion[r] = fs->dispersion;
    if (o->theta) o->theta[r] = fs->theta;
    return SC_GLM_ROW_OK;
}

/* Whether every exposure index r*exp_row + i*exp_col (r < rows, i < n) is below exp_len,
 * computed without overflow. */
static int exposure_fits(const sc_glm_data *d)
{
    if (d->exposure == NULL || d->rows == 0 || d->n == 0) return 1;
    if (d->exp_len == 0) return 0;
    const size_t a = d->rows - 1, b = d->n - 1, lim = d->exp_len - 1;
    if (a > 0 && d->exp_row > lim / a) return 0;
    const size_t rest = lim - a * d->exp_row;
    return b == 0 || d->exp_col <= rest / b;
}

/* ---- count trends ---------------------------------------------------------------------------------- */

int sc_glm_trend_design(const double *t, const int *season, size_t n, size_t n_seasons,
                        double *x, int *ind)
{
    for (size_t i = 0; i < n; i++) {
        const int s = season ? season[i] : 0;
        if (s < 0 || (size_t)s >= n_seasons) return SC_EINVAL;
        x[2 * i] = 1.0;
        x[2 * i + 1] = t[i];
        ind[i] = s > 0 ? 1 + s : -1;
    }
    return SC_SUCCESS;
}

typedef struct {
    const sc_glm_data *data;
    const sc_glm_design *design;
    sc_glm_family family;
    double conf;
    sc_glm_output *out;
} trend_job;

static void *trend_alloc(const void *arg)
{
    const trend_job *job = arg;
    return ws_alloc(job->data->n, job->design->p, job->design->q, 0, 0);
}

static int trend_row(const void *arg, size_t r, void *ws)
{
    const trend_job *job = arg;
    workspace *w = ws;
    sc_glm_output *out = job->out;
    size_t nobs = 0;
    fit_summary fs;
    int st = gather(job->data, r, job->design->x, job->design->ind, w, &nobs);
    if (st == SC_GLM_ROW_OK) st = row_status(fit_counts(w, nobs, job->family, &fs));
    if (st == SC_GLM_ROW_OK) st = write_fit(out, r, w, &fs, job->conf, 0);
    if (st != SC_GLM_ROW_OK) write_nan(out, r, job->design->p);
    if (out->nobs) out->nobs[r] = (double)nobs;
    out->status[r] = st;
    return SC_SUCCESS;
}

int sc_glm_trend_fit(const sc_glm_data *data, const sc_glm_design *design, sc_glm_family family,
                     double conf, int threads, sc_glm_output *out)
{
    if (family == SC_GLM_GAUSSIAN || !(conf > 0 && conf < 1) || !exposure_fits(data))
        return SC_EINVAL;
    if (design->q < 1 || design->q > design->p || (design->ind == NULL && design->p != design->q))
        return SC_EINVAL;
    static const sc_row_kernel kernel = {trend_alloc, free, trend_row};
    const trend_job job = {data, design, family, conf, out};
    return sc_parallel_rows(data->rows, threads, data->rows * data->n, 32, &kernel, &job, NULL);
}

/* ---- interrupted time series -------------------------------------------------------------------------- */

/* Design of a series with intervention k: dense intercept, time (time[i], or i + 1 when time
 * is NULL), level, slope; season dummies as indicators. */
static void its_design(size_t n, size_t k, const double *time, const int *season, double *x,
                       int *ind)
{
    const double tk = time ? time[k] : (double)(k + 1);
    for (size_t i = 0; i < n; i++) {
        const int post = i >= k;
        const double ti = time ? time[i] : (double)(i + 1);
        double *xi = x + i * SC_ITS_N_TERMS;
        xi[SC_ITS_INTERCEPT] = 1.0;
        xi[SC_ITS_TIME] = ti;
        xi[SC_ITS_LEVEL] = post ? 1.0 : 0.0;
        xi[SC_ITS_SLOPE] = post ? ti - tk + 1.0 : 0.0;
        ind[i] = season && season[i] > 0 ? SC_ITS_N_TERMS - 1 + season[i] : -1;
    }
}

/* x_ij of a design row (dense part and indicator) into a dense p-vector scaled by e. */
static void dense_row(const workspace *w, const double *x, int ind, double e, double *out)
{
    for (size_t a = 0; a < w->p; a++) out[a] = 0;
    for (size_t a = 0; a < w->q; a++) out[a] = x[a] * e;
    if (ind >= 0) out[ind] = e;
}

/* Newey-West covariance of an OLS fit (residuals y - eta) into w->cov, which holds (X'X)^-1 on
 * entry.  *lags_used receives the lag truncation. */
static int newey_west(workspace *w, size_t nobs, int lags, int adjust, double *lags_used)
{
    const size_t p = w->p;
    double *u = w->u, *S = w->scratch;
    for (size_t i = 0; i < nobs; i++)
        dense_row(w, w->x + i * w->q, w->ind[i], w->y[i] - w->eta[i], u + i * p);
    double L = lags;
    if (lags < 0) {                 /* bwNeweyWest(prewhite = FALSE), intercept weight 0 */
        const size_t mlag = (size_t)floor(4 * pow((double)nobs / 100, 2.0 / 9));
        double s0 = 0, s1 = 0;
        for (size_t j = 0; j <= mlag && j < nobs; j++) {
            double sig = 0;
            for (size_t i = 0; i + j < nobs; i++) {
                double hi = 0, hj = 0;
                for (size_t c = 1; c < p; c++) {
                    hi += u[i * p + c];
                    hj += u[(i + j) * p + c];
                }
                sig += hi * hj;
            }
            sig /= (double)nobs;
            s0 += j == 0 ? sig : 2 * sig;
            s1 += 2 * (double)j * sig;
        }
        const double bw = 1.1447 * pow(pow(s1 / s0, 2), 1.0 / 3) * pow((double)nobs, 1.0 / 3);
        if (!isfinite(bw)) return SC_ENAN;
        L = floor(bw);
    }
    *lags_used = L;
    memset(S, 0, p * p * sizeof(double));
    for (size_t j = 0; j < nobs && (double)j <= L; j++) {
        const double wj = j == 0 ? 0.5 : 1 - (double)j / (L + 1);   /* lag 0 counted twice below */
        for (size_t i = 0; i + j < nobs; i++)
            for (size_t a = 0; a < p; a++) {
                const double ua = wj * u[i * p + a];
                if (ua == 0) continue;
                for (size_t b = 0; b < p; b++) S[a * p + b] += ua * u[(i + j) * p + b];
            }
    }
    const double scale = adjust ? (double)nobs / (double)(nobs - p) : 1.0;
    for (size_t a = 0; a < p; a++)              /* S + S' */
        for (size_t b = 0; b <= a; b++) {
            const double v = (S[a * p + b] + S[b * p + a]) * scale;
            S[a * p + b] = S[b * p + a] = v;
        }
    /* cov = B S B with B = (X'X)^-1; u is free now and holds B S */
    double *BS = u;
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double v = 0;
            for (size_t c = 0; c < p; c++) v += w->cov[a * p + c] * S[c * p + b];
            BS[a * p + b] = v;
        }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++) {
            double v = 0;
            for (size_t c = 0; c < p; c++) v += BS[a * p + c] * w->cov[c * p + b];
            S[a * p + b] = v;
        }
    memcpy(w->cov, S, p * p * sizeof(double));
    return SC_SUCCESS;
}

/* Ordinary least squares with the Newey-West covariance. */
static int fit_gaussian(workspace *w, size_t nobs, const sc_its_spec *spec, fit_summary *fs,
                        double *lags_used)
{
    normal_zero(w);
    for (size_t i = 0; i < nobs; i++) accumulate(w, i, 1.0, w->y[i]);
    int status = solve_normal(w);
    if (status != SC_SUCCESS) return status;
    for (size_t i = 0; i < nobs; i++) w->off[i] = 0;
    linear_predictor(w, nobs, w->beta);
    double rss = 0;
    for (size_t i = 0; i < nobs; i++) rss += (w->y[i] - w->eta[i]) * (w->y[i] - w->eta[i]);
    inverse_to_cov(w);
    status = newey_west(w, nobs, spec->hac_lags, spec->hac_adjust, lags_used);
    if (status != SC_SUCCESS) return status;
    fs->deviance = rss;
    fs->df = (double)(nobs - w->p);
    fs->dispersion = rss / fs->df;
    fs->theta = NAN;
    return SC_SUCCESS;
}

/* Fitted and counterfactual means at every observation of series r, and the relative effect
 * over the post-intervention observations with its delta-method interval. */
static void its_effects(const sc_glm_data *d, const sc_its_spec *spec, size_t r, size_t k,
                        workspace *w, double crit, sc_its_output *its)
{
    const size_t n = d->n, p = w->p, q = w->q;
    const int counts = spec->family != SC_GLM_GAUSSIAN;
    double *ga = w->scratch, *gc = w->scratch + p, *row = w->scratch + 2 * p;   /* p >= 4 */
    for (size_t j = 0; j < p; j++) ga[j] = gc[j] = 0;
    double A = 0, C = 0;
    for (size_t i = 0; i < n; i++) {
        const double *x = w->full_x + i * q;
        dense_row(w, x, w->full_ind[i], 1.0, row);
        double eta = 0, eta_cf = 0;
        for (size_t j = 0; j < p; j++) {
            eta += row[j] * w->beta[j];
            if (j != SC_ITS_LEVEL && j != SC_ITS_SLOPE) eta_cf += row[j] * w->beta[j];
        }
        double fit = eta, cf = eta_cf;
        if (counts) {
            const double off = d->exposure ? log(d->exposure[r * d->exp_row + i * d->exp_col]) : 0;
            fit = linkinv(eta + off);
            cf = linkinv(eta_cf + off);
        }
        if (its->fitted) its->fitted[r * n + i] = fit;
        if (its->counterfactual) its->counterfactual[r * n + i] = cf;
        if (i < k) continue;
        A += fit;
        C += cf;
        for (size_t j = 0; j < p; j++) {
            ga[j] += (counts ? fit : 1.0) * row[j];
            if (j != SC_ITS_LEVEL && j != SC_ITS_SLOPE) gc[j] += (counts ? cf : 1.0) * row[j];
        }
    }
    double rel = NAN, lo = NAN, hi = NAN;
    if (A > 0 && C > 0) {
        for (size_t j = 0; j < p; j++) ga[j] = ga[j] / A - gc[j] / C;   /* gradient of log(A/C) */
        double var = 0;
        for (size_t a = 0; a < p; a++)
            for (size_t b = 0; b < p; b++) var += ga[a] * w->cov[a * p + b] * ga[b];
        const double lr = log(A) - log(C), se = sqrt(var);
        rel = expm1(lr);
        lo = expm1(lr - crit * se);
        hi = expm1(lr + crit * se);
    }
    its->relative_effect[r] = rel;
    its->relative_lower[r] = lo;
    its->relative_upper[r] = hi;
}

static void its_nan(const sc_its_output *its, size_t r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (its->fitted) its->fitted[r * n + i] = NAN;
        if (its->counterfactual) its->counterfactual[r * n + i] = NAN;
    }
    its->relative_effect[r] = its->relative_lower[r] = its->relative_upper[r] = NAN;
    if (its->hac_lags) its->hac_lags[r] = NAN;
}

typedef struct {
    const sc_glm_data *data;
    const sc_its_spec *spec;
    size_t p;                     /* coefficients */
    int gaussian;
    sc_glm_output *out;
    sc_its_output *its;
} its_job;

static void *its_alloc(const void *arg)
{
    const its_job *job = arg;
    return ws_alloc(job->data->n, job->p, SC_ITS_N_TERMS, 1, job->gaussian);
}

static int its_row(const void *arg, size_t r, void *ws)
{
    const its_job *job = arg;
    const sc_its_spec *spec = job->spec;
    const size_t n = job->data->n;
    const int gaussian = job->gaussian;
    workspace *w = ws;
    sc_glm_output *out = job->out;
    sc_its_output *its = job->its;
    const double kd = spec->intervention[r * spec->intervention_stride];
    size_t nobs = 0;
    fit_summary fs;
    double lags = NAN;
    int st = SC_GLM_ROW_TOO_SHORT;
    if (kd >= 2 && kd + 2 <= (double)n && kd == floor(kd)) {
        const size_t k = (size_t)kd;
        its_design(n, k, spec->time, spec->n_seasons > 1 ? spec->season : NULL, w->full_x,
                   w->full_ind);
        st = gather(job->data, r, w->full_x, w->full_ind, w, &nobs);
        if (st == SC_GLM_ROW_OK)
            st = row_status(gaussian ? fit_gaussian(w, nobs, spec, &fs, &lags)
                                     : fit_counts(w, nobs, spec->family, &fs));
        if (st == SC_GLM_ROW_OK) st = write_fit(out, r, w, &fs, spec->conf, gaussian);
        if (st == SC_GLM_ROW_OK) {
            its_effects(job->data, spec, r, k, w,
                        sc_dist_critical_value(spec->conf, gaussian ? fs.df : 0), its);
            if (its->hac_lags) its->hac_lags[r] = lags;
        }
    }
    if (st != SC_GLM_ROW_OK) {
        write_nan(out, r, job->p);
        its_nan(its, r, n);
    }
    if (out->nobs) out->nobs[r] = (double)nobs;
    out->status[r] = st;
    return SC_SUCCESS;
}

int sc_glm_its_fit(const sc_glm_data *data, const sc_its_spec *spec, int threads,
                   sc_glm_output *out, sc_its_output *its)
{
    if (!(spec->conf > 0 && spec->conf < 1) || spec->n_seasons < 1 || !exposure_fits(data))
        return SC_EINVAL;
    if (spec->n_seasons > 1 && spec->season == NULL) return SC_EINVAL;
    if (spec->n_seasons > 1)                /* season codes index the design's dummies */
        for (size_t i = 0; i < data->n; i++)
            if (spec->season[i] < 0 || (size_t)spec->season[i] >= spec->n_seasons) return SC_EINVAL;
    static const sc_row_kernel kernel = {its_alloc, free, its_row};
    const its_job job = {data, spec, SC_ITS_N_TERMS + spec->n_seasons - 1,
                         spec->family == SC_GLM_GAUSSIAN, out, its};
    return sc_parallel_rows(data->rows, threads, data->rows * data->n, 32, &kernel, &job, NULL);
}
