# Reference values for scrutiny.harm (harm_index, harm_funnel, harm_trend).
#
# Tool: R 4.2.2 (Debian r-base-core), base R and stats only.  Run from the repository root:
#   Rscript tests/reference/harm_r.R
# Writes tests/reference/harm_r_*.csv (inputs and outputs, 17 significant digits).
#
# Peers transliterated (not packaged for Debian, so not installable here):
#  * epitools 0.5-10.1 (CRAN), R/ageadjust.direct.R: the gamma interval of Fay & Feuer (1997)
#    for a directly standardised rate, copied below line for line.  A harm index is such a
#    rate: with the crime types as strata, count = x, stdpop = w (harm weights) and
#    pop = rep(1 / sum(w)), stdwt / pop = w, so adj.rate = sum(w x), dsr.var = sum(w^2 x) and
#    wm = max(w).  The Fleiss (1981, p. 249) data of epitools' own example, which "recreates
#    Table 1 of Fay and Feuer, 1997", are run as they are.
#  * PHEindicatormethods 2.0.x, R/DSR.R dsr_inner and R/Byars.R (as tests/reference/rates_phe.R):
#    Dobson limits.
#  * FunnelPlotR 0.6.0 R/od_adjustment.R (winsorisation at R type-7 quantiles, phi_func,
#    tau_func; as tests/reference/funnel_funnelplotr.R) on the harm z-scores, with the normal
#    limits of the documented harm funnel: r0 -+ q sqrt(v0 / P), v0 = sum(w^2 x) / sum(P).
# Trend: stats::glm(H ~ t [+ factor(season)] + offset(log(E)), family = quasipoisson) and
#   summary.glm with dispersion = k (compound Poisson: z) or the estimated dispersion floored at
#   k (Student t with the residual df, as summary.glm for a quasi family).  Iterated to full
#   convergence: control = glm.control(epsilon = 1e-14, maxit = 100), fitted twice, the second
#   time with start = coef(<the first fit>) so that the covariance uses the IRLS weights at the
#   final estimate.
options(digits = 17)

out <- function(df, name) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v)))
  write.csv(df, file.path("tests", "reference", paste0("harm_r_", name, ".csv")),
            row.names = FALSE, quote = TRUE)
}

# ---- epitools 0.5-10.1 ageadjust.direct (verbatim) ------------------------------------------
ageadjust.direct <- function(count, pop, rate = NULL, stdpop, conf.level = 0.95) {
  if (missing(count) == TRUE & !missing(pop) == TRUE & is.null(rate) == TRUE) count <- rate * pop
  if (missing(pop) == TRUE & !missing(count) == TRUE & is.null(rate) == TRUE) pop <- count / rate
  if (is.null(rate) == TRUE & !missing(count) == TRUE & !missing(pop) == TRUE) rate <- count / pop
  alpha <- 1 - conf.level
  cruderate <- sum(count) / sum(pop)
  stdwt <- stdpop / sum(stdpop)
  dsr <- sum(stdwt * rate)
  dsr.var <- sum((stdwt^2) * (count / pop^2))
  wm <- max(stdwt / pop)
  gamma.lci <- qgamma(alpha / 2, shape = (dsr^2) / dsr.var, scale = dsr.var / dsr)
  gamma.uci <- qgamma(1 - alpha / 2, shape = ((dsr + wm)^2) / (dsr.var + wm^2),
                      scale = (dsr.var + wm^2) / (dsr + wm))
  c(crude.rate = cruderate, adj.rate = dsr, lci = gamma.lci, uci = gamma.uci)
}

# ---- PHEindicatormethods 2.0 Byar / Dobson ---------------------------------------------------
byars_lower <- function(x, confidence = 0.95) {
  z <- qnorm(confidence + (1 - confidence) / 2)
  x * (1 - 1 / (9 * x) - z / (3 * sqrt(x)))^3
}
byars_upper <- function(x, confidence = 0.95) {
  z <- qnorm(confidence + (1 - confidence) / 2)
  (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * sqrt(x + 1)))^3
}
dobson <- function(x, w, confidence) {            # dsr_inner with n = 1, stdpop = w, x sum(w)
  value <- sum(x * w)
  vardsr <- sum(x * w^2)
  X <- sum(x)
  c(value + sqrt(vardsr / X) * (byars_lower(X, confidence) - X),
    value + sqrt(vardsr / X) * (byars_upper(X, confidence) - X))
}

# ---- 1. Fleiss (1981) / Fay & Feuer (1997) Table 1 data, as epitools' example ---------------
population <- matrix(c(230061, 329449, 114920, 39487, 14208, 3052,
                       72202, 326701, 208667, 83228, 28466, 5375, 15050, 175702,
                       207081, 117300, 45026, 8660, 2293, 68800, 132424, 98301,
                       46075, 9834, 327, 30666, 123419, 149919, 104088, 34392,
                       319933, 931318, 786511, 488235, 237863, 61313), 6, 6)
count <- matrix(c(107, 141, 60, 40, 39, 25, 25, 150, 110, 84, 82, 39,
                  3, 71, 114, 103, 108, 75, 1, 26, 64, 89, 137, 96, 0, 8, 63, 112,
                  262, 295, 136, 396, 411, 428, 628, 530), 6, 6)
standard <- apply(population[, -6], 1, mean)
fleiss_in <- data.frame(); fleiss_out <- data.frame()
for (b in 1:5) {
  fleiss_in <- rbind(fleiss_in, data.frame(birth_order = b, band = 1:6, count = count[, b],
                                           pop = population[, b], standard = standard))
  for (cl in c(0.95, 0.99)) {
    r <- ageadjust.direct(count[, b], population[, b], stdpop = standard, conf.level = cl)
    fleiss_out <- rbind(fleiss_out, data.frame(birth_order = b, conf = cl, adj_rate = r[["adj.rate"]],
                                               lci = r[["lci"]], uci = r[["uci"]]))
  }
}
out(fleiss_in, "fleiss_inputs")
out(fleiss_out, "fleiss")

# ---- 2. a harm index over areas --------------------------------------------------------------
# Illustrative weights (not a published table), spanning four orders of magnitude as harm
# weights do; every area has a row for every crime type (zero counts included).
weights <- data.frame(
  crime_type = c("Homicide", "Robbery", "Violence with injury", "Burglary residential",
                 "Theft from the person", "Criminal damage", "Shoplifting"),
  weight = c(5475, 365.25, 193.7, 40.8, 9.6, 4.35, 1.27))
set.seed(20240611)
areas <- c("Bromsgrove", "Herefordshire", "Malvern Hills", "Redditch", "Shropshire",
           "Telford", "Worcester", "Wychavon")
pop <- c(99881, 187034, 79123, 87036, 325415, 185600, 103872, 131714)
base <- c(0.012, 0.61, 6.9, 2.3, 0.85, 5.4, 7.8) / 1000          # per person per year
mult <- c(0.82, 0.94, 0.77, 1.31, 0.88, 1.42, 1.19, 0.91)
inputs <- data.frame()
for (i in seq_along(areas)) {
  inputs <- rbind(inputs, data.frame(area = areas[i], crime_type = weights$crime_type,
                                     count = rpois(7, base * pop[i] * mult[i]),
                                     population = pop[i]))
}
out(weights, "weights")
out(inputs, "inputs")

index <- data.frame()
for (i in seq_along(areas)) {
  d <- inputs[inputs$area == areas[i], ]
  x <- d$count; w <- weights$weight[match(d$crime_type, weights$crime_type)]
  for (cl in c(0.95, 0.998)) {
    g <- ageadjust.direct(x, rep(1 / sum(w), length(w)), stdpop = w, conf.level = cl)
    H <- sum(w * x); V <- sum(w^2 * x); z <- qnorm(1 - (1 - cl) / 2)
    d_lim <- dobson(x, w, cl)
    for (m in c("gamma", "normal", "dobson")) {
      lim <- switch(m, gamma = c(g[["lci"]], g[["uci"]]),
                    normal = c(max(0, H - z * sqrt(V)), H + z * sqrt(V)), dobson = d_lim)
      index <- rbind(index, data.frame(area = areas[i], conf = cl, method = m, count = sum(x),
                                       harm = H, variance = V, lower = lim[1], upper = lim[2],
                                       rate = H / pop[i] * 1000,
                                       rate_lower = lim[1] / pop[i] * 1000,
                                       rate_upper = lim[2] / pop[i] * 1000))
    }
  }
}
out(index, "index")

# ---- 3. harm funnel ----------------------------------------------------------------------
# FunnelPlotR 0.6.0 R/od_adjustment.R (winsorisation, phi_func, tau_func), transliterated.
winsorise <- function(z, trim_by = 0.1) {
  lz <- quantile(x = z, trim_by, na.rm = TRUE)
  uz <- quantile(x = z, (1 - trim_by), na.rm = TRUE)
  ifelse(z < lz, lz, ifelse(z > uz, uz, z))
}
phi_func <- function(n, zscores) (1 / n) * sum(zscores^2)
tau_func <- function(n, phi, S) {
  if ((n * phi) < (n - 1)) return(0)
  max(0, ((sum(n) * sum(phi)) - (sum(n) - 1)) / (sum(1 / (S^2)) - (sum(1 / (S^4)) / sum(1 / (S^2)))))
}
agg <- do.call(rbind, lapply(areas, function(a) {
  d <- inputs[inputs$area == a, ]
  w <- weights$weight[match(d$crime_type, weights$crime_type)]
  data.frame(area = a, harm = sum(w * d$count), variance = sum(w^2 * d$count),
             population = d$population[1])
}))
r0 <- sum(agg$harm) / sum(agg$population)
k <- sum(agg$variance) / sum(agg$harm)
s <- sqrt(r0 * k / agg$population)                   # sqrt(v0 / P), v0 = k r0
zs <- (agg$harm / agg$population - r0) / s
phi <- phi_func(nrow(agg), winsorise(zs, 0.1))
tau2 <- tau_func(nrow(agg), phi, s)
funnel <- data.frame(area = agg$area, population = agg$population, harm = agg$harm,
                     variance = agg$variance, z = zs, phi = phi, tau2 = tau2, target = r0,
                     dispersion = k)
for (lv in c(0.95, 0.998)) {
  q <- qnorm(1 - (1 - lv) / 2); tag <- sub("\\.", "", sprintf("%g", 100 * lv))
  funnel[[paste0("lower_", tag)]] <- pmax(0, r0 - q * s)
  funnel[[paste0("upper_", tag)]] <- r0 + q * s
  funnel[[paste0("mult_lower_", tag)]] <- pmax(0, r0 - q * sqrt(max(phi, 1)) * s)
  funnel[[paste0("mult_upper_", tag)]] <- r0 + q * sqrt(max(phi, 1)) * s
  funnel[[paste0("add_lower_", tag)]] <- pmax(0, r0 - q * sqrt(s^2 + tau2))
  funnel[[paste0("add_upper_", tag)]] <- r0 + q * sqrt(s^2 + tau2)
}
out(funnel, "funnel")

# ---- 4. harm trend -----------------------------------------------------------------------
set.seed(4419)
months <- 36
trend_in <- data.frame()
gen <- function(series, lam, growth, noise, exposure, amplitude = 0.15) {
  d <- data.frame()
  for (t in 0:(months - 1)) {
    f <- exp(growth * t + rnorm(1, 0, noise)) * (1 + amplitude * cos(2 * pi * t / 12))
    d <- rbind(d, data.frame(series = series, t = t, crime_type = weights$crime_type,
                             count = rpois(7, lam * f * exposure[t + 1] / 1e5),
                             exposure = exposure[t + 1]))
  }
  d
}
lam <- c(0.11, 5.4, 61.2, 20.7, 7.7, 48.9, 70.3)       # per 100,000 per month
trend_in <- rbind(
  gen("noisy", lam, 0.011, 0.09, rep(1e5, months)),
  gen("steady", lam, -0.006, 0, rep(1e5, months)),
  gen("growing", lam, 0.004, 0.03, rep(c(251300, 253900, 257100), each = 12)),
  gen("calm", lam, 0.002, 0, rep(1e5, months), amplitude = 0))
out(trend_in, "trend_inputs")

trend <- data.frame()
ctl <- glm.control(epsilon = 1e-14, maxit = 100)
for (sname in unique(trend_in$series)) {
  d <- trend_in[trend_in$series == sname, ]
  w <- weights$weight[match(d$crime_type, weights$crime_type)]
  H <- tapply(w * d$count, d$t, sum); V <- tapply(w^2 * d$count, d$t, sum)
  E <- tapply(d$exposure, d$t, function(v) v[1])
  tt <- as.numeric(names(H)); k <- sum(V) / sum(H)
  seasonal <- sname == "growing"
  season <- factor(tt %% 12)
  form <- if (seasonal) H ~ tt + season + offset(log(E)) else H ~ tt + offset(log(E))
  first <- glm(form, family = quasipoisson, control = ctl)
  fit <- glm(form, family = quasipoisson, control = ctl, start = coef(first))
  pearson <- summary(fit)$dispersion
  b <- coef(fit); se1 <- summary(fit, dispersion = 1)$coefficients[, 2]
  df <- fit$df.residual
  comp <- summary(fit, dispersion = k)$coefficients
  s_est <- max(k, pearson)
  se_est <- sqrt(s_est) * se1
  # the floor is active in "calm" (Pearson below k), not in the others
  stopifnot((sname == "calm") == (pearson < k))
  if (pearson > k) stopifnot(isTRUE(all.equal(unname(se_est), unname(summary(fit)$coefficients[, 2]))))
  for (disp in c("compound", "estimate")) {
    if (disp == "compound") {
      se <- comp[, 2]; p <- comp[, 4]; crit <- qnorm(0.975); sc <- k
    } else {
      se <- se_est; p <- 2 * pt(-abs(b / se_est), df); crit <- qt(0.975, df); sc <- s_est
    }
    trend <- rbind(trend, data.frame(series = sname, dispersion = disp, term = c("intercept", "t",
                                     if (seasonal) paste0("season_", 1:11)),
                                     estimate = unname(b), se = unname(se), pvalue = unname(p),
                                     lower = unname(b - crit * se), upper = unname(b + crit * se),
                                     compound = k, pearson = pearson, scale = sc, nobs = length(H)))
  }
}
out(trend, "trend")
