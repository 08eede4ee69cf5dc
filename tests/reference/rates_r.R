# Reference values for scrutiny.rates from R's stats package.
# Tool: R 4.2.2 (r-base-core, Debian), package stats (binom.test, poisson.test, prop.test,
# p.adjust).  Run from the repository root:  Rscript tests/reference/rates_r.R
# Writes tests/reference/rates_r_*.csv; every number is printed with 17 significant digits.
# Each row names the exact call that produced it (column `call`).

out <- function(df, name) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v)))
  write.csv(df, file.path("tests", "reference", paste0("rates_r_", name, ".csv")),
            row.names = FALSE, quote = TRUE)
}

# proportion_ci: "wilson" = prop.test(x, n, correct = FALSE)$conf.int,
#                "exact"  = binom.test(x, n)$conf.int
props <- data.frame(x = c(0, 1, 3, 17, 23, 137, 4999, 1, 99999, 2385, 0, 1, 12),
                    n = c(17, 17, 29, 17, 61, 1023, 10007, 100000, 100000, 4761, 1, 1, 2385))
rows <- list()
for (conf in c(0.95, 0.998, 0.8)) for (i in seq_len(nrow(props))) {
  x <- props$x[i]; n <- props$n[i]
  w <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = conf))$conf.int
  e <- binom.test(x, n, conf.level = conf)$conf.int
  rows[[length(rows) + 1]] <- data.frame(
    x = x, n = n, conf = conf, wilson_lower = w[1], wilson_upper = w[2],
    exact_lower = e[1], exact_upper = e[2],
    call = sprintf("prop.test(%g, %g, correct=FALSE, conf.level=%g); binom.test(%g, %g, conf.level=%g)",
                   x, n, conf, x, n, conf))
}
out(do.call(rbind, rows), "proportion_ci")

# rate_ci "exact": poisson.test(x, T, conf.level = conf)$conf.int
rates <- data.frame(x = c(0, 1, 7, 9, 10, 37, 1234, 3, 250),
                    t = c(2.385, 1, 120.5, 13.7, 13.7, 0.482, 98765.4, 1e6, 3.25))
rows <- list()
for (conf in c(0.95, 0.998)) for (i in seq_len(nrow(rates))) {
  x <- rates$x[i]; t <- rates$t[i]
  ci <- poisson.test(x, t, conf.level = conf)$conf.int
  rows[[length(rows) + 1]] <- data.frame(
    count = x, exposure = t, conf = conf, lower = ci[1], upper = ci[2],
    call = sprintf("poisson.test(%g, %.10g, conf.level=%g)", x, t, conf))
}
out(do.call(rbind, rows), "rate_ci")

# test_target: binom.test(x, n, p, alternative, conf.level)
bt <- data.frame(
  x = c(7, 3, 5, 0, 10, 12, 4870, 150, 0, 1000, 33, 2, 19, 61, 4, 0, 10, 3, 1, 8, 250),
  n = c(20, 20, 10, 1000, 10, 50, 10000, 100000, 10, 1000, 100, 9, 40, 200, 30, 7, 10, 11, 1, 31, 1023),
  p = c(0.5, 0.5, 0.5, 0.1, 0.5, 0.2385, 0.5, 0.0013, 0, 1, 0.3, 0.1, 0.55, 0.3333, 0.15, 0, 1, 0.25, 0.5, 0.2, 0.26))
alts <- c("two.sided", "less", "greater")
rows <- list()
for (alt in alts) for (conf in c(0.95, 0.9)) for (i in seq_len(nrow(bt))) {
  r <- binom.test(bt$x[i], bt$n[i], bt$p[i], alternative = alt, conf.level = conf)
  rows[[length(rows) + 1]] <- data.frame(
    x = bt$x[i], n = bt$n[i], target = bt$p[i], alternative = alt, conf = conf,
    pvalue = r$p.value, lower = r$conf.int[1], upper = r$conf.int[2],
    call = sprintf("binom.test(%g, %g, %g, alternative='%s', conf.level=%g)",
                   bt$x[i], bt$n[i], bt$p[i], alt, conf))
}
out(do.call(rbind, rows), "binom_test")

# compare_proportions: prop.test(c(x1, x2), c(n1, n2), correct, conf.level)
pt <- data.frame(x1 = c(15, 0, 40, 123, 10, 7, 52, 3),
                 n1 = c(83, 20, 40, 4567, 50, 9, 71, 250),
                 x2 = c(27, 5, 35, 98, 10, 1, 40, 0),
                 n2 = c(91, 30, 50, 3890, 51, 12, 66, 198))
rows <- list()
for (correct in c(FALSE, TRUE)) for (conf in c(0.95, 0.9)) for (i in seq_len(nrow(pt))) {
  r <- suppressWarnings(prop.test(c(pt$x1[i], pt$x2[i]), c(pt$n1[i], pt$n2[i]),
                                  correct = correct, conf.level = conf))
  rows[[length(rows) + 1]] <- data.frame(
    x1 = pt$x1[i], n1 = pt$n1[i], x2 = pt$x2[i], n2 = pt$n2[i], correct = correct, conf = conf,
    statistic = unname(r$statistic), pvalue = r$p.value, df = unname(r$parameter),
    p1 = unname(r$estimate[1]), p2 = unname(r$estimate[2]),
    lower = r$conf.int[1], upper = r$conf.int[2],
    call = sprintf("prop.test(c(%g, %g), c(%g, %g), correct=%s, conf.level=%g)",
                   pt$x1[i], pt$x2[i], pt$n1[i], pt$n2[i], correct, conf))
}
out(do.call(rbind, rows), "prop_test2")

# compare_rates: poisson.test(c(x1, x2), c(t1, t2), alternative, conf.level)
pr <- data.frame(x1 = c(11, 0, 7, 250, 3, 40, 12),
                 t1 = c(2.385, 100, 120, 10450.5, 1.5, 1000, 3.3),
                 x2 = c(23, 7, 0, 198, 3, 61, 12),
                 t2 = c(3.1, 120, 100, 9876.2, 1.5, 1000, 6.6))
rows <- list()
for (alt in alts) for (conf in c(0.95, 0.99)) for (i in seq_len(nrow(pr))) {
  r <- poisson.test(c(pr$x1[i], pr$x2[i]), c(pr$t1[i], pr$t2[i]), alternative = alt,
                    conf.level = conf)
  rows[[length(rows) + 1]] <- data.frame(
    count1 = pr$x1[i], exposure1 = pr$t1[i], count2 = pr$x2[i], exposure2 = pr$t2[i],
    alternative = alt, conf = conf, statistic = unname(r$statistic), pvalue = r$p.value,
    ratio = unname(r$estimate), lower = r$conf.int[1], upper = r$conf.int[2],
    call = sprintf("poisson.test(c(%g, %g), c(%.10g, %.10g), alternative='%s', conf.level=%g)",
                   pr$x1[i], pr$x2[i], pr$t1[i], pr$t2[i], alt, conf))
}
out(do.call(rbind, rows), "poisson_test2")

# homogeneity: prop.test(x, n) on k groups (k = 2 with and without Yates)
hg <- list(list(x = c(12, 25, 31, 9), n = c(100, 180, 210, 95)),
           list(x = c(3, 0, 7, 12, 5, 41), n = c(23, 17, 64, 88, 41, 250)),
           list(x = c(15, 27), n = c(83, 91)),
           list(x = c(40, 38, 45), n = c(40, 41, 47)))
rows <- list()
for (g in seq_along(hg)) for (correct in c(FALSE, TRUE)) {
  x <- hg[[g]]$x; n <- hg[[g]]$n
  r <- suppressWarnings(prop.test(x, n, correct = correct))
  rows[[length(rows) + 1]] <- data.frame(
    case = g, correct = correct, x = paste(x, collapse = " "), n = paste(n, collapse = " "),
    statistic = unname(r$statistic), pvalue = r$p.value, df = unname(r$parameter),
    call = sprintf("prop.test(c(%s), c(%s), correct=%s)", paste(x, collapse = ", "),
                   paste(n, collapse = ", "), correct))
}
out(do.call(rbind, rows), "homogeneity")

# multiple_testing: p.adjust(p, method); NA kept and excluded from n
pv <- c(0.01, 0.04, 0.03, 0.04, NA, 0.2, 0.9, 0.0005, 1, 0.04, 0.012, 0.3)
rows <- list()
for (m in c("BH", "BY", "holm", "bonferroni", "hochberg")) {
  rows[[length(rows) + 1]] <- data.frame(
    method = m, i = seq_along(pv) - 1, p = pv, adjusted = p.adjust(pv, m),
    call = sprintf("p.adjust(c(%s), '%s')", paste(pv, collapse = ", "), m))
}
out(do.call(rbind, rows), "p_adjust")
