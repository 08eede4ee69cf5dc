# Reference values for scrutiny.funnel(method="exact") and the contract's overdispersion.
#
# Tool: R 4.2.2 (stats::qbinom, pbinom, dbinom, qpois, ppois, dpois, qchisq, quantile type 7).
# Run:  Rscript tests/reference/funnel_exact.R   (writes tests/reference/funnel_exact.csv)
#
# Exact limits (Spiegelhalter 2005, Statist. Med. 24:1185, appendix A.1.1):
#   r_p = qbinom(p, n, p0) (or qpois(p, r0 n)), alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)),
#   limit = (r_p - alpha) / n at p = (1 - L)/2 and (1 + L)/2, kept >= 0 (and <= 1).
# Ratios: qchisq(a, 2E) / (2E), qchisq(1 - a, 2(E + 1)) / (2E), E continuous (as FunnelPlotR).
# z on the natural scale: (y - y0) / s, s = sqrt(p0 (1 - p0) / n), sqrt(r0 / n), sqrt(1 / E).
# phi / tau2: FunnelPlotR 0.6.0's winsorisation(), phi_func() and tau_func() (od_adjustment.R,
#   cran/FunnelPlotR commit 1bc9cf6920e02a3481f6193b6cf2aeabe0c86fff), transliterated below.
# Overdispersion-adjusted exact limits, as scrutiny defines them (docstring Notes):
#   multiplicative: y0 + sqrt(phi) (L - y0) when phi > 1; additive: y0 + sqrt(1 + tau2/s^2) (L - y0);
#   then kept inside [0, 1] (proportions) or [0, inf).
options(digits = 17)
set.seed(20240517)
levels <- c(0.95, 0.998)

winsorised_phi_tau2 <- function(z, s, trim = 0.1) {
  lz <- quantile(z, trim, names = FALSE)          # R quantile type 7 (the default)
  uz <- quantile(z, 1 - trim, names = FALSE)
  zw <- ifelse(z < lz, lz, ifelse(z > uz, uz, z))
  n <- length(z)
  phi <- (1 / n) * sum(zw^2)                       # phi_func
  tau2 <- if ((n * phi) < (n - 1)) 0 else        # tau_func
    max(0, ((n * phi) - (n - 1)) / (sum(1 / (s^2)) - (sum((1 / (s^2))^2) / sum(1 / (s^2)))))
  c(phi = phi, tau2 = tau2)
}

interp <- function(p, r, F, f, d) (r - (F - p) / f) / d

exact_proportion <- function(n, p0, L) {
  a <- (1 - L) / 2
  lo <- sapply(seq_along(n), function(i) { r <- qbinom(a, n[i], p0)
    interp(a, r, pbinom(r, n[i], p0), dbinom(r, n[i], p0), n[i]) })
  hi <- sapply(seq_along(n), function(i) { r <- qbinom(1 - a, n[i], p0)
    interp(1 - a, r, pbinom(r, n[i], p0), dbinom(r, n[i], p0), n[i]) })
  list(lo = lo, hi = hi)
}

exact_rate <- function(n, r0, L) {
  a <- (1 - L) / 2
  mu <- r0 * n
  lo <- sapply(seq_along(n), function(i) { r <- qpois(a, mu[i])
    interp(a, r, ppois(r, mu[i]), dpois(r, mu[i]), n[i]) })
  hi <- sapply(seq_along(n), function(i) { r <- qpois(1 - a, mu[i])
    interp(1 - a, r, ppois(r, mu[i]), dpois(r, mu[i]), n[i]) })
  list(lo = lo, hi = hi)
}

exact_ratio <- function(E, L) {
  a <- (1 - L) / 2
  list(lo = qchisq(a, 2 * E) / (2 * E), hi = qchisq(1 - a, 2 * (E + 1)) / (2 * E))
}

clamp <- function(v, upper) pmin(pmax(v, 0), upper)

rows <- list()
add_case <- function(case, num, den, y0, s, lim_fun, upper) {
  z <- (num / den - y0) / s
  od <- winsorised_phi_tau2(z, s)
  for (od_name in c("none", "multiplicative", "additive")) {
    g <- switch(od_name, none = rep(1, length(den)),
                multiplicative = rep(if (od[["phi"]] > 1) sqrt(od[["phi"]]) else 1, length(den)),
                additive = sqrt(1 + od[["tau2"]] / s^2))
    out <- data.frame(case = case, overdispersion = od_name, unit = seq_along(num) - 1,
                      numerator = num, denominator = den, target = y0, z = z,
                      phi = od[["phi"]], tau2 = od[["tau2"]])
    for (L in levels) {
      lim <- lim_fun(den, L)
      tag <- if (L == 0.95) "95" else "998"
      out[[paste0("lower_", tag)]] <- clamp(y0 - g * (y0 - clamp(lim$lo, upper)), upper)
      out[[paste0("upper_", tag)]] <- clamp(y0 + g * (clamp(lim$hi, upper) - y0), upper)
    }
    rows[[length(rows) + 1]] <<- out
  }
}

# Proportions: 30 units, trials 15..25000 (log-uniform), overdispersed success probabilities.
n_p <- round(exp(runif(30, log(15), log(25000))))
x_p <- rbinom(30, n_p, rbeta(30, 28, 62))
p0 <- sum(x_p) / sum(n_p)
add_case("proportion", x_p, n_p, p0, sqrt(p0 * (1 - p0) / n_p),
         function(d, L) exact_proportion(d, p0, L), 1)

# Rates: 30 units, exposure 120.5..60000 person-years (continuous), gamma-distributed rates.
e_r <- round(exp(runif(30, log(120.5), log(60000))), 3)
x_r <- rpois(30, e_r * rgamma(30, shape = 12, rate = 12 / 0.0123))
r0 <- sum(x_r) / sum(e_r)
add_case("rate", x_r, e_r, r0, sqrt(r0 / e_r), function(d, L) exact_rate(d, r0, L), Inf)

# Ratios: 30 units, expected 0.85..900 (2 d.p.), observed Poisson around E times a lognormal.
e_s <- round(exp(runif(30, log(0.85), log(900))), 2)
o_s <- rpois(30, e_s * exp(rnorm(30, 0, 0.15)))
add_case("ratio", o_s, e_s, 1, sqrt(1 / e_s), exact_ratio, Inf)

res <- do.call(rbind, rows)
full <- function(df) { for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]]); df }
write.csv(full(res), "tests/reference/funnel_exact.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, ": wrote", nrow(res), "rows\n")
