# Reference values for scrutiny.count_trend and scrutiny.its from R.
# Tools: R 4.2.2 (r-base-core, Debian), stats::glm (family = poisson), MASS 7.3-58.2 glm.nb,
# sandwich 3.0-2 NeweyWest / bwNeweyWest, lmtest 0.9-40 coeftest / coefci (Debian packages
# r-cran-mass, r-cran-sandwich, r-cran-lmtest).  Run from the repository root:
#   Rscript tests/reference/glm_r.R
# Writes tests/reference/glm_inputs.csv (the data, simulated here with a fixed seed),
# glm_r_params.csv (one row per case and term) and glm_r_fit.csv (one row per case), every
# number with 17 significant digits; column `call` holds the exact call.
# Every count model is iterated to full convergence: glm with glm.control(epsilon = 1e-14,
# maxit = 100), fitted twice, the second time started from the first fit's estimates (glm's
# covariance uses the IRLS weights of its last iteration's starting point, so a fit that starts
# at the maximum gives the information matrix at the maximum); MASS::glm.nb with the same
# control and its theta.ml called with eps = 1e-12 (glm_nb_tight below).  For itscounts the
# alternation of glm.nb reaches its limit ("alternation limit reached") with theta, the
# coefficients and the deviance settled to 1e-13 relative: epsilon 1e-14 is below the rounding
# of its log-likelihood criterion.

suppressPackageStartupMessages({
  library(MASS); library(sandwich); library(lmtest)
})
set.seed(20240611)
fmt <- function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v))
write_ref <- function(df, name) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], fmt)
  write.csv(df, file.path("tests", "reference", name), row.names = FALSE, quote = TRUE)
}
versions <- sprintf("R %s; MASS %s; sandwich %s; lmtest %s", getRversion(),
                    packageVersion("MASS"), packageVersion("sandwich"), packageVersion("lmtest"))

inputs <- list(); params <- list(); fits <- list()
add_input <- function(case, y, exposure = NA, t = seq_along(y) - 1, season = NA) {
  inputs[[case]] <<- data.frame(case = case, i = seq_along(y) - 1, y = y, exposure = exposure,
                                t = t, season = season)
}
term_name <- function(r) {
  r <- sub("^\\(Intercept\\)$", "intercept", r)
  r <- sub("^level$", "level_change", r)
  r <- sub("^slope$", "slope_change", r)
  sub("^season", "season_", r)
}
add_params <- function(case, model, ct, ci = NULL) {
  df <- data.frame(case = case, model = model, term = term_name(rownames(ct)),
                   estimate = ct[, 1], std_error = ct[, 2], statistic = ct[, 3], pvalue = ct[, 4])
  if (!is.null(ci)) { df$lower <- ci[, 1]; df$upper <- ci[, 2] } else { df$lower <- NA; df$upper <- NA }
  params[[paste(case, model)]] <<- df
}
add_fit <- function(case, model, call, deviance, dispersion, theta = NA, hac_lags = NA) {
  fits[[paste(case, model)]] <<- data.frame(case = case, model = model, deviance = deviance,
                                            dispersion = dispersion, theta = theta,
                                            hac_lags = hac_lags, call = call, versions = versions)
}
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
# glm(..., family = poisson, control = ctl, start = coef(<the same call without start>))
glm_tight <- function(formula) {
  first <- glm(formula, family = poisson, control = ctl)
  glm(formula, family = poisson, control = ctl, start = coef(first))
}
# MASS::glm.nb(..., control = ctl) with theta.ml(..., eps = 1e-12) in place of its default
# tolerance .Machine$double.eps^0.25
nb_env <- new.env(parent = asNamespace("MASS"))
nb_env$theta.ml <- function(...) MASS::theta.ml(..., eps = 1e-12)
glm_nb_tight <- MASS::glm.nb
environment(glm_nb_tight) <- nb_env
GLM_CTL <- ", control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(<the same call without start>))"
NB_CTL <- ", control = glm.control(epsilon = 1e-14, maxit = 100)) with theta.ml(..., eps = 1e-12)"
pearson <- function(fit) sum(residuals(fit, type = "pearson")^2) / fit$df.residual

# ---- count trends ---------------------------------------------------------------------------
# monthly48: 48 months of counts per population with a seasonal pattern (period 12)
n <- 48; i <- 0:(n - 1)
pop <- round(23456.7 + 41.3 * i + rnorm(n, 0, 150), 1)
mu <- pop * exp(-6.1 + 0.0071 * i + 0.21 * sin(2 * pi * i / 12))
y <- rpois(n, mu)
add_input("monthly48", y, pop)
season <- factor(i %% 12, levels = unique(i %% 12)); t <- i
fit <- glm_tight(y ~ t + season + offset(log(pop)))
add_params("monthly48", "poisson", coef(summary(fit)))
add_fit("monthly48", "poisson", paste0("glm(y ~ t + season + offset(log(pop)), family = poisson", GLM_CTL, ", season = factor(i %% 12)"),
        fit$deviance, pearson(fit))
fit <- glm_tight(y ~ t + offset(log(pop)))
add_params("monthly48", "poisson_noseason", coef(summary(fit)))
add_fit("monthly48", "poisson_noseason", paste0("glm(y ~ t + offset(log(pop)), family = poisson", GLM_CTL, ""),
        fit$deviance, pearson(fit))

# overdispersed60: 60 months of negative binomial counts (theta 3.7) per exposure
n <- 60; i <- 0:(n - 1)
expo <- round(1500 + 250 * cos(i / 7) + runif(n, 0, 90), 2)
mu <- expo * exp(-3.2 - 0.0093 * i + 0.3 * cos(2 * pi * i / 12))
y <- rnbinom(n, size = 3.7, mu = mu)
add_input("overdispersed60", y, expo)
season <- factor(i %% 12, levels = unique(i %% 12)); t <- i
fit <- glm_nb_tight(y ~ t + season + offset(log(expo)), control = ctl)
add_params("overdispersed60", "negbin", coef(summary(fit)))
add_fit("overdispersed60", "negbin", paste0("MASS::glm.nb(y ~ t + season + offset(log(expo)", NB_CTL, "), season = factor(i %% 12)"),
        fit$deviance, pearson(fit), fit$theta)
fit <- glm_tight(y ~ t + season + offset(log(expo)))
add_params("overdispersed60", "poisson", coef(summary(fit)))
add_fit("overdispersed60", "poisson", paste0("glm(y ~ t + season + offset(log(expo)), family = poisson", GLM_CTL, ""),
        fit$deviance, pearson(fit))
fit <- glm_nb_tight(y ~ t + offset(log(expo)), control = ctl)
add_params("overdispersed60", "negbin_noseason", coef(summary(fit)))
add_fit("overdispersed60", "negbin_noseason", paste0("MASS::glm.nb(y ~ t + offset(log(expo)", NB_CTL, ")"),
        fit$deviance, pearson(fit), fit$theta)

# quarters: 20 quarters with labels starting at Q3 (the reference) and a gap in t
lab <- rep(c("Q3", "Q4", "Q1", "Q2"), 5)
t <- c(0:9, 12:21)
y <- rpois(20, exp(2.9 + 0.021 * t + c(Q3 = 0, Q4 = 0.25, Q1 = -0.3, Q2 = 0.1)[lab]))
add_input("quarters", y, NA, t, lab)
season <- factor(lab, levels = unique(lab))
fit <- glm_tight(y ~ t + season)
add_params("quarters", "poisson", coef(summary(fit)))
add_fit("quarters", "poisson", paste0("glm(y ~ t + season, family = poisson", GLM_CTL, ", season = factor(lab, levels = unique(lab))"),
        fit$deviance, pearson(fit))

# sparse24: small counts with zeros, monthly seasons
n <- 24; i <- 0:(n - 1)
y <- rpois(n, exp(0.4 + 0.03 * i))
y[c(2, 14)] <- 0
add_input("sparse24", y)
season <- factor(i %% 12, levels = unique(i %% 12)); t <- i
fit <- glm_tight(y ~ t + season)
add_params("sparse24", "poisson", coef(summary(fit)))
add_fit("sparse24", "poisson", paste0("glm(y ~ t + season, family = poisson", GLM_CTL, ", season = factor(i %% 12)"),
        fit$deviance, pearson(fit))

# ---- interrupted time series ---------------------------------------------------------------
# its36: gaussian series with AR(1) errors, intervention at 0-based index 20
n <- 36; k <- 20
time <- 1:n; level <- as.numeric(time - 1 >= k); slope <- pmax(0, time - k)
e <- as.numeric(arima.sim(list(ar = 0.45), n, sd = 1.3))
y <- round(50.2 + 0.31 * time - 4.7 * level - 0.22 * slope + e, 3)
add_input("its36", y)
fit <- lm(y ~ time + level + slope)
for (spec in list(list(lag = 2, adjust = FALSE), list(lag = 3, adjust = TRUE),
                  list(lag = 0, adjust = FALSE), list(lag = NULL, adjust = FALSE))) {
  V <- NeweyWest(fit, lag = spec$lag, prewhite = FALSE, adjust = spec$adjust)
  lagv <- if (is.null(spec$lag)) floor(bwNeweyWest(fit, prewhite = FALSE)) else spec$lag
  model <- sprintf("gaussian_lag%s_adjust%s", if (is.null(spec$lag)) "auto" else spec$lag,
                   spec$adjust)
  add_params("its36", model, coeftest(fit, vcov. = V), coefci(fit, vcov. = V, level = 0.95))
  add_fit("its36", model,
          sprintf("coeftest(lm(y ~ time + level + slope), vcov. = NeweyWest(fit, lag = %s, prewhite = FALSE, adjust = %s)); coefci(..., level = 0.95)",
                  if (is.null(spec$lag)) "NULL" else spec$lag, spec$adjust),
          sum(residuals(fit)^2), sum(residuals(fit)^2) / fit$df.residual, NA, lagv)
}

# its48s: gaussian with monthly seasons, intervention at 30
n <- 48; k <- 30
time <- 1:n; level <- as.numeric(time - 1 >= k); slope <- pmax(0, time - k)
season <- factor((time - 1) %% 12, levels = unique((time - 1) %% 12))
y <- round(120.4 + 0.8 * time + 6 * sin(2 * pi * time / 12) + 9.1 * level - 0.5 * slope +
           rnorm(n, 0, 2.2), 2)
add_input("its48s", y)
fit <- lm(y ~ time + level + slope + season)
V <- NeweyWest(fit, lag = 2, prewhite = FALSE, adjust = FALSE)
add_params("its48s", "gaussian_lag2_adjustFALSE", coeftest(fit, vcov. = V),
           coefci(fit, vcov. = V, level = 0.9))
add_fit("its48s", "gaussian_lag2_adjustFALSE",
        "coeftest(lm(y ~ time + level + slope + season), vcov. = NeweyWest(fit, lag = 2, prewhite = FALSE)); coefci(..., level = 0.9)",
        sum(residuals(fit)^2), sum(residuals(fit)^2) / fit$df.residual, NA, 2)

# itscounts: monthly counts per population, intervention at 30, Poisson and negative binomial
n <- 48; k <- 30
time <- 1:n; level <- as.numeric(time - 1 >= k); slope <- pmax(0, time - k)
season <- factor((time - 1) %% 12, levels = unique((time - 1) %% 12))
pop <- round(80123.4 + 55.5 * time, 1)
mu <- pop * exp(-7.3 + 0.004 * time - 0.18 * level - 0.011 * slope + 0.15 * cos(2 * pi * time / 12))
y <- rnbinom(n, size = 25, mu = mu)
add_input("itscounts", y, pop)
fit <- glm_tight(y ~ time + level + slope + season + offset(log(pop)))
add_params("itscounts", "poisson", coef(summary(fit)))
add_fit("itscounts", "poisson", paste0("glm(y ~ time + level + slope + season + offset(log(pop)), family = poisson", GLM_CTL, ""),
        fit$deviance, pearson(fit))
fit <- glm_nb_tight(y ~ time + level + slope + season + offset(log(pop)), control = ctl)
add_params("itscounts", "negbin", coef(summary(fit)))
add_fit("itscounts", "negbin", paste0("MASS::glm.nb(y ~ time + level + slope + season + offset(log(pop)", NB_CTL, ")"),
        fit$deviance, pearson(fit), fit$theta)

write_ref(do.call(rbind, inputs), "glm_inputs.csv")
write_ref(do.call(rbind, params), "glm_r_params.csv")
write_ref(do.call(rbind, fits), "glm_r_fit.csv")
