# Reference values for scrutiny.drivers (logistic, ordinal_logistic, relative_importance) from R.
# Tools: R 4.2.2 (r-base-core, Debian): stats::glm (family = binomial), stats::lm, stats::cov.wt;
# MASS 7.3-58.2 polr (r-cran-mass); survey 4.1-1 svydesign / svyglm (r-cran-survey).
# relaimpo 2.2-3 is not packaged for Debian: its lmg computation (varicalc.R + lmgcalc.R of
# cran/relaimpo at commit 864e1a31, GPL >= 2, by Ulrike Groemping) is transliterated below
# (relaimpo_lmg), and every linear measure is also computed independently by brute force with
# base lm() over all subsets.  rwa 1.0.0 (cran/rwa, commit 02066c49, GPL-3, by Martin Chan) is
# not packaged either: calculate_rwa (rwa_calculation.R) and rwa_logit (rwa_logit.R) are
# transliterated below.
# Run from the repository root:
#   Rscript tests/reference/drivers_r.R
# Writes, every number with 17 significant digits:
#   drivers_inputs.csv      the simulated survey-like data (fixed seed, made here)
#   drivers_swiss.csv       R's datasets::swiss (relaimpo's documented example)
#   drivers_r_models.csv    glm / svyglm / polr fits: case, quantity, term, value, call
#   drivers_r_importance.csv relative importance: case, method, driver, value, call
#   drivers_r_dominance.csv conditional (by number of other drivers) and complete dominance

suppressPackageStartupMessages({ library(MASS); library(survey) })
fmt <- function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v))
write_ref <- function(df, name) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], fmt)
  write.csv(df, file.path("tests", "reference", name), row.names = FALSE, quote = TRUE)
}
versions <- sprintf("R %s; MASS %s; survey %s", getRversion(), packageVersion("MASS"),
                    packageVersion("survey"))
cat(versions, "\n")

# ---- data -------------------------------------------------------------------------------------
set.seed(20250405)
n <- 240
z <- rnorm(n)
dat <- data.frame(
  x1 = round(0.8 * z + rnorm(n, sd = 0.7), 3),
  x2 = round(0.5 * z + rnorm(n, sd = 0.9), 3),
  x3 = round(rnorm(n, sd = 1.3), 3),
  x4 = round(0.3 * z + runif(n, -1.5, 1.5), 3))
eta <- with(dat, -0.35 + 0.9 * x1 - 0.45 * x2 + 0.3 * x3 + 0.15 * x4)
dat$ybin <- as.numeric(runif(n) < plogis(eta))
latent <- with(dat, 0.9 * x1 - 0.45 * x2 + 0.3 * x3 + 0.15 * x4) + rlogis(n)
dat$yord <- as.numeric(cut(latent, c(-Inf, -1.6, -0.4, 0.7, 1.9, Inf), labels = FALSE))
dat$ylin <- round(with(dat, 2.385 + 1.1 * x1 - 0.6 * x2 + 0.35 * x3 + 0.2 * x4) +
                    rnorm(n, sd = 1.2), 3)
dat$w <- round(runif(n, 0.4, 2.6), 3)
dat$wf <- sample(1:4, n, replace = TRUE)
write_ref(dat, "drivers_inputs.csv")
data(swiss)
write_ref(swiss, "drivers_swiss.csv")
drivers <- c("x1", "x2", "x3", "x4")

models <- list()
add_model <- function(case, quantity, term, value, call) {
  models[[length(models) + 1]] <<- data.frame(case = case, quantity = quantity, term = term,
                                              value = as.numeric(value), call = call)
}
term_names <- function(r) sub("^\\(Intercept\\)$", "intercept", r)

# ---- binary logistic regression: glm (prior weights) and svyglm (design-based) ---------------
# Each model is fitted twice, the second time started from the first fit's estimates: glm's
# covariance uses the IRLS weights of its last iteration's starting point, so a fit that starts
# at the maximum gives the information matrix at the maximum.
glm_cases <- list(
  unweighted = "glm(ybin ~ x1 + x2 + x3 + x4, family = binomial, data = dat, control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(<the same call without start>))",
  weighted = "glm(ybin ~ x1 + x2 + x3 + x4, family = binomial, data = dat, weights = w, control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(<the same call without start>))",
  frequency = "glm(ybin ~ x1 + x2 + x3 + x4, family = binomial, data = dat, weights = wf, control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(<the same call without start>))")
refit <- function(call) suppressWarnings({   # fractional weights: "non-integer #successes"
  first <- eval(parse(text = sub(", start = .*\\)$", ")", call)))
  eval(parse(text = sub("<the same call without start>", "first", call, fixed = TRUE)))
})
for (case in names(glm_cases)) {
  call <- glm_cases[[case]]
  f <- refit(call)
  s <- coef(summary(f))
  tn <- term_names(rownames(s))
  add_model(case, "estimate", tn, s[, 1], call)
  add_model(case, "se", tn, s[, 2], call)
  add_model(case, "z", tn, s[, 3], call)
  add_model(case, "pvalue", tn, s[, 4], call)
  ci <- confint.default(f, level = 0.9)
  add_model(case, "lower90", tn, ci[, 1], paste0("confint.default(", call, ", level = 0.9)"))
  add_model(case, "upper90", tn, ci[, 2], paste0("confint.default(", call, ", level = 0.9)"))
  add_model(case, "deviance", "", deviance(f), call)
  add_model(case, "null_deviance", "", f$null.deviance, call)
  if (case != "weighted") add_model(case, "aic", "", AIC(f), call)  # R rounds fractional weights
}
des <- svydesign(ids = ~1, weights = ~w, data = dat)
call <- "svyglm(ybin ~ x1 + x2 + x3 + x4, design = svydesign(ids = ~1, weights = ~w, data = dat), family = quasibinomial(), control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(<the same call without start>))"
f <- svyglm(ybin ~ x1 + x2 + x3 + x4, design = des, family = quasibinomial(),
            control = glm.control(epsilon = 1e-14, maxit = 100))
f <- svyglm(ybin ~ x1 + x2 + x3 + x4, design = des, family = quasibinomial(),
            control = glm.control(epsilon = 1e-14, maxit = 100), start = coef(f))
s <- coef(summary(f))
tn <- term_names(rownames(s))
add_model("robust", "estimate", tn, s[, 1], call)
add_model("robust", "se", tn, s[, 2], call)
add_model("robust", "z", tn, s[, 3], call)
add_model("robust", "pvalue", tn, s[, 4], call)
add_model("robust", "df_resid", "", f$df.residual, call)
ci <- confint(f, level = 0.9)
add_model("robust", "lower90", tn, ci[, 1], paste0("confint(", call, ", level = 0.9)"))
add_model("robust", "upper90", tn, ci[, 2], paste0("confint(", call, ", level = 0.9)"))

# ---- proportional odds: polr ------------------------------------------------------------------
polr_cases <- list(
  unweighted = "polr(factor(yord) ~ x1 + x2 + x3 + x4, data = dat, Hess = TRUE, control = list(reltol = 1e-15, maxit = 1000))",
  weighted = "polr(factor(yord) ~ x1 + x2 + x3 + x4, data = dat, weights = w, Hess = TRUE, control = list(reltol = 1e-15, maxit = 1000))")
for (case in names(polr_cases)) {
  call <- polr_cases[[case]]
  m <- suppressWarnings(eval(parse(text = call)))   # polr's binomial start: fractional weights
  v <- vcov(m)
  se <- sqrt(diag(v))
  k <- length(coef(m))
  add_model(paste0("polr_", case), "estimate", names(coef(m)), coef(m), call)
  add_model(paste0("polr_", case), "se", names(coef(m)), se[seq_len(k)], call)
  add_model(paste0("polr_", case), "threshold", names(m$zeta), m$zeta, call)
  add_model(paste0("polr_", case), "threshold_se", names(m$zeta), se[-seq_len(k)], call)
  add_model(paste0("polr_", case), "deviance", "", deviance(m), call)
  add_model(paste0("polr_", case), "aic", "", AIC(m), call)
}
write_ref(do.call(rbind, models), "drivers_r_models.csv")

# ---- relative importance ----------------------------------------------------------------------
imp <- list(); dom <- list()
add_imp <- function(case, method, values, call) {
  imp[[length(imp) + 1]] <<- data.frame(case = case, method = method, driver = names(values),
                                        value = as.numeric(values), call = call)
}
subsets <- function(p) lapply(0:(2^p - 1), function(m) which(bitwAnd(m, 2^(0:(p - 1))) > 0))

# Shapley value, conditional and complete dominance from R^2 of every subset (r2: a function of
# the driver indices): an independent brute force over orders, by subset size.
brute_force <- function(r2, p, nm) {
  subs <- subsets(p)
  vals <- vapply(subs, r2, numeric(1))
  key <- vapply(subs, function(S) paste(S, collapse = ","), "")
  val <- function(S) vals[match(paste(sort(S), collapse = ","), key)]
  lmg <- numeric(p); cond <- matrix(0, p, p, dimnames = list(nm, 0:(p - 1)))
  for (j in 1:p) for (S in subs) if (!(j %in% S)) {
    s <- length(S)
    gain <- val(c(S, j)) - val(S)
    lmg[j] <- lmg[j] + factorial(s) * factorial(p - s - 1) / factorial(p) * gain
    cond[j, s + 1] <- cond[j, s + 1] + gain / choose(p - 1, s)
  }
  comp <- matrix(NaN, p, p, dimnames = list(nm, nm))
  for (i in 1:p) for (j in 1:p) if (i != j) {
    d <- vapply(Filter(function(S) !(i %in% S) && !(j %in% S), subs),
                function(S) val(c(S, i)) - val(c(S, j)), numeric(1))
    comp[i, j] <- if (all(d > 0)) 1 else if (all(d < 0)) 0 else 0.5
  }
  names(lmg) <- nm
  full <- val(1:p)
  first <- vapply(1:p, function(j) val(j), numeric(1))
  last <- vapply(1:p, function(j) full - val(setdiff(1:p, j)), numeric(1))
  names(first) <- names(last) <- nm
  list(lmg = lmg, cond = cond, comp = comp, first = first, last = last, r2 = full)
}
add_dominance <- function(case, bf, call) {
  for (j in rownames(bf$cond)) {
    dom[[length(dom) + 1]] <<- data.frame(case = case, kind = "conditional", driver = j,
                                          other = colnames(bf$cond), value = bf$cond[j, ], call = call)
    dom[[length(dom) + 1]] <<- data.frame(case = case, kind = "complete", driver = j,
                                          other = colnames(bf$comp), value = bf$comp[j, ], call = call)
  }
}

# relaimpo 2.2-3 lmg (varicalc + lmgcalc), transliterated: residual variances of y given every
# subset from the weighted covariance matrix, then the Shapley sums; rela = FALSE.
relaimpo_lmg <- function(covg) {
  p <- ncol(covg) - 1; alle <- 1:(p + 1)
  variances <- list(covg[1, 1])
  indices <- list(0)
  for (k in 1:p) {
    jetzt <- combn(p, k)
    varjetzt <- numeric(ncol(jetzt))
    for (j in seq_len(ncol(jetzt))) {
      diese <- jetzt[, j] + 1; andere <- setdiff(alle, diese)
      varjetzt[j] <- (covg[andere, andere] - covg[andere, diese] %*%
                        solve(covg[diese, diese], matrix(covg[diese, andere], length(diese),
                                                         p + 1 - length(diese))))[1, 1]
    }
    indices[[k + 1]] <- jetzt; variances[[k + 1]] <- varjetzt
  }
  wahr <- numeric(p)
  for (i in 1:p) {
    wahr[i] <- factorial(p - 1) * variances[[1]]
    for (j in 1:p) {
      spalten <- which(indices[[j + 1]] == i, arr.ind = TRUE)[, 2]
      if (j > 1) {
        andere <- setdiff(seq_len(ncol(indices[[j]])), which(indices[[j]] == i, arr.ind = TRUE)[, 2])
        summe <- sum(variances[[j]][andere]) - sum(variances[[j + 1]][spalten])
      } else summe <- -sum(variances[[j + 1]][spalten])
      wahr[i] <- wahr[i] + factorial(j - 1) * factorial(p - j) * summe
    }
  }
  wahr / (factorial(p) * variances[[1]])
}
# relaimpo's first / last / betasq / pratt (firstcalc, lastcalc, betasqcalc, prattcalc), rela = FALSE
relaimpo_simple <- function(covg) {
  p <- ncol(covg) - 1; X <- 2:(p + 1); vy <- covg[1, 1]
  beta <- solve(covg[X, X], covg[X, 1])
  resid <- function(S) covg[1, 1] - covg[1, S] %*% solve(covg[S, S], covg[S, 1])
  full <- resid(X)
  list(first = covg[X, 1]^2 / diag(covg[X, X]) / vy,
       last = vapply(X, function(j) resid(setdiff(X, j)) - full, numeric(1)) / vy,
       betasq = beta^2 * diag(covg[X, X]) / vy,
       pratt = beta * covg[X, 1] / vy)
}
# rwa 1.0.0 calculate_rwa (Johnson 2000), transliterated: cov.wt(..., cor = TRUE, method = "ML")
rwa_weights <- function(y, X, w = NULL) {
  data <- cbind(y, X)
  R <- if (is.null(w)) cor(data) else cov.wt(data, wt = w / max(w), cor = TRUE, method = "ML")$cor
  e <- eigen(R[-1, -1], symmetric = TRUE)
  lambda <- e$vectors %*% diag(sqrt(e$values)) %*% t(e$vectors)
  beta <- solve(lambda) %*% R[-1, 1]
  as.vector(lambda^2 %*% beta^2)
}
# rwa 1.0.0 rwa_logit (Tonidandel & LeBreton 2010), transliterated (unweighted)
rwa_logit_weights <- function(Y, Xraw) {
  X <- scale(Xraw); sv <- svd(X); Z <- sv$u %*% t(sv$v); Z.stand <- scale(Z)
  Lambda <- solve(t(Z.stand) %*% Z.stand) %*% t(Z.stand) %*% X
  fit <- glm(Y ~ Z.stand, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
  b <- coef(fit)[-1]
  LpredY <- pmax(pmin(fitted(fit), 1 - 1e-10), 1e-10)
  lYhat <- log(LpredY / (1 - LpredY))
  Rsq <- summary(lm(LpredY ~ Y))$r.squared
  beta <- b * sqrt(Rsq) / sd(lYhat)
  as.vector(Lambda^2 %*% beta^2)
}

swiss_cases <- list(swiss = NULL, swiss_weighted = abs(-23:23))
for (case in names(swiss_cases)) {
  w <- swiss_cases[[case]]
  wt <- if (is.null(w)) rep(1, nrow(swiss)) else w
  wtext <- if (is.null(w)) "" else ", weights = abs(-23:23)"
  nm <- names(swiss)[-1]
  covg <- cov.wt(swiss, wt = wt)$cov
  v <- relaimpo_lmg(covg); names(v) <- nm
  add_imp(case, "lmg_relaimpo", v, sprintf("relaimpo 2.2-3 lmgcalc(varicalc(cov.wt(swiss%s)$cov)), rela = FALSE (transliterated)", wtext))
  simple <- relaimpo_simple(covg)
  for (m in names(simple)) {
    v <- simple[[m]]; names(v) <- nm
    add_imp(case, paste0(m, "_relaimpo"), v, sprintf("relaimpo 2.2-3 %scalc(cov.wt(swiss%s)$cov), rela = FALSE (transliterated)", m, wtext))
  }
  r2 <- function(S) if (!length(S)) 0 else
    summary(lm(Fertility ~ ., data = swiss[, c(1, S + 1), drop = FALSE], weights = wt))$r.squared
  bf <- brute_force(r2, length(nm), nm)
  call <- sprintf("summary(lm(Fertility ~ <subset>, data = swiss%s))$r.squared over all 32 subsets", wtext)
  add_imp(case, "lmg", bf$lmg, call)
  add_imp(case, "first", bf$first, call)
  add_imp(case, "last", bf$last, call)
  add_imp(case, "r2", c(model = bf$r2), call)
  full <- lm(Fertility ~ ., data = swiss, weights = wt)
  sdw <- function(v) sqrt(cov.wt(cbind(v), wt = wt)$cov[1, 1])
  bstd <- coef(full)[-1] * vapply(swiss[-1], sdw, 1) / sdw(swiss$Fertility)
  rxy <- cov.wt(swiss, wt = wt, cor = TRUE)$cor[-1, 1]
  add_imp(case, "betasq", bstd^2, sprintf("(coef(lm(Fertility ~ ., swiss%s)) * sd_w(x) / sd_w(y))^2", wtext))
  add_imp(case, "pratt", bstd * rxy, sprintf("coef(lm(...)) * sd_w(x) / sd_w(y) * cov.wt(swiss%s, cor = TRUE)$cor[-1, 1]", wtext))
  v <- rwa_weights(swiss$Fertility, swiss[-1], w); names(v) <- nm
  add_imp(case, "relative_weights", v, sprintf("rwa 1.0.0 calculate_rwa(swiss%s) raw weights (transliterated)", wtext))
  add_dominance(case, bf, call)
}

# McFadden's R^2 of logistic and proportional-odds models over all subsets (weights w)
ll_glm <- function(S) suppressWarnings({   # fractional weights: "non-integer #successes"
  f <- if (!length(S)) glm(ybin ~ 1, family = binomial, data = dat, weights = w)
       else glm(reformulate(drivers[S], "ybin"), family = binomial, data = dat, weights = w,
                control = glm.control(epsilon = 1e-14, maxit = 100))
  sum(dat$w * dbinom(dat$ybin, 1, fitted(f), log = TRUE))
})
ll0 <- ll_glm(integer(0))
r2 <- function(S) 1 - ll_glm(S) / ll0
bf <- brute_force(r2, 4, drivers)
call <- "1 - logLik_w(glm(ybin ~ <subset>, binomial, weights = w)) / logLik_w(glm(ybin ~ 1, ...)) over all 16 subsets; logLik_w = sum(w * dbinom(ybin, 1, fitted, log = TRUE))"
for (m in c("lmg", "first", "last")) add_imp("logistic", m, bf[[m]], call)
add_imp("logistic", "r2", c(model = bf$r2), call)
add_dominance("logistic", bf, call)

ll_polr <- function(S) suppressWarnings({   # polr's binomial start: fractional weights
  m <- if (!length(S)) polr(factor(yord) ~ 1, data = dat, weights = w, control = list(reltol = 1e-15, maxit = 1000))
       else polr(reformulate(drivers[S], "factor(yord)"), data = dat, weights = w,
                 control = list(reltol = 1e-15, maxit = 1000))
  -deviance(m) / 2
})
ll0 <- ll_polr(integer(0))
r2 <- function(S) 1 - ll_polr(S) / ll0
bf <- brute_force(r2, 4, drivers)
call <- "1 - deviance(polr(factor(yord) ~ 1, weights = w)) / deviance(polr(factor(yord) ~ <subset>, weights = w, control = list(reltol = 1e-15, maxit = 1000))) over all 16 subsets"
for (m in c("lmg", "first", "last")) add_imp("ordinal", m, bf[[m]], call)
add_imp("ordinal", "r2", c(model = bf$r2), call)
add_dominance("ordinal", bf, call)

v <- rwa_logit_weights(dat$ybin, dat[drivers]); names(v) <- drivers
add_imp("logistic", "relative_weights", v, "rwa 1.0.0 rwa_logit(dat, 'ybin', c('x1','x2','x3','x4'))$result$Raw.RelWeight (transliterated, unweighted)")

out <- do.call(rbind, imp)
out$call <- paste0(out$call, " [", versions, "]")
write_ref(out, "drivers_r_importance.csv")
d <- do.call(rbind, dom)
d$call <- paste0(d$call, " [", versions, "]")
write_ref(d, "drivers_r_dominance.csv")
