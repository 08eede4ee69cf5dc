# Reference values for scrutiny.spc charts "i", "p", "u", "c", "pp", "up", "run" and the
# "anhoej" rule set: a base-R transliteration of qicharts2 0.7.x (github.com/anhoej/qicharts2,
# R/helper.functions.R at commit 03470c090b3db3fd1c7c9032eec0b63dc3b2636f: qic.run, qic.i,
# qic.p, qic.pp, qic.c, qic.u, qic.up with 2-sigma limits and screened moving ranges,
# runs.analysis and crsignal(method = "anhoej"), and the sigma signal of qic.agg).  qicharts2 is
# not in Debian and cannot be installed here.  getOption('qic.screenedmr') is TRUE once the
# package is attached (its .onAttach), FALSE otherwise: both are run (column `screen`).
# Run:  Rscript tests/reference/spc_qicharts2.R   (R 4.2.2, Debian r-base-core)
# Writes spc_qicharts2.csv (one row per point) and spc_qicharts2_runs.csv (one row per case:
# the runs analysis of the last part) and spc_anhoej_thresholds.csv.

screened <- TRUE  # set per case below, read by the chart functions as the option

qic.run <- function(x) {
  base <- x$baseline & x$include
  x$cl <- stats::median(x$y[base], na.rm = TRUE)
  x$ucl <- x$ucl.95 <- x$lcl <- x$lcl.95 <- as.numeric(NA)
  x
}

qic.i <- function(x) {
  base <- x$baseline & x$include
  x$cl <- mean(x$y[base], na.rm = TRUE)
  mr <- abs(diff(x$y[base] - x$cl[base]))
  amr <- mean(mr, na.rm = TRUE)
  if (screened) {
    ulmr <- 3.267 * amr
    mr <- mr[mr < ulmr]
    amr <- mean(mr, na.rm = TRUE)
  }
  stdev <- amr / 1.128
  x$lcl <- x$cl - 3 * stdev
  x$lcl.95 <- x$cl - 2 * stdev
  x$ucl <- x$cl + 3 * stdev
  x$ucl.95 <- x$cl + 2 * stdev
  x
}

clamp <- function(x, upper1) {
  if (upper1) {
    x$ucl[x$ucl > 1 & is.finite(x$ucl)] <- 1
    x$ucl.95[x$ucl.95 > 1 & is.finite(x$ucl.95)] <- 1
  }
  x$lcl[x$lcl < 0 & is.finite(x$lcl)] <- 0
  x$lcl.95[x$lcl.95 < 0 & is.finite(x$lcl.95)] <- 0
  x
}

limits <- function(x, stdev) {
  x$ucl <- x$cl + 3 * stdev
  x$ucl.95 <- x$cl + 2 * stdev
  x$lcl <- x$cl - 3 * stdev
  x$lcl.95 <- x$cl - 2 * stdev
  x
}

qic.p <- function(x) {
  base <- x$baseline & x$include
  x$cl <- sum(x$y.sum[base], na.rm = TRUE) / sum(x$n[base], na.rm = TRUE)
  stdev <- sqrt(x$cl * (1 - x$cl) / x$n)
  clamp(limits(x, stdev), TRUE)
}

prime_sigma <- function(z_i) {
  mr <- abs(diff(z_i))
  amr <- mean(mr, na.rm = TRUE)
  ulmr <- 3.267 * amr
  if (screened) {
    mr <- mr[mr < ulmr]
    amr <- mean(mr, na.rm = TRUE)
  }
  amr / 1.128
}

qic.pp <- function(x) {
  base <- x$baseline & x$include
  x$cl <- sum(x$y.sum[base], na.rm = TRUE) / sum(x$n[base], na.rm = TRUE)
  stdev <- sqrt(x$cl * (1 - x$cl) / x$n)
  z_i <- (x$y[base] - x$cl[base]) / stdev[base]
  stdev <- stdev * prime_sigma(z_i)
  clamp(limits(x, stdev), TRUE)
}

qic.c <- function(x) {
  base <- x$baseline & x$include
  x$y <- x$y.sum
  x$cl <- mean(x$y[base], na.rm = TRUE)
  stdev <- sqrt(x$cl)
  clamp(limits(x, stdev), FALSE)
}

qic.u <- function(x) {
  base <- x$baseline & x$include
  x$cl <- sum(x$y.sum[base], na.rm = TRUE) / sum(x$n[base], na.rm = TRUE)
  stdev <- sqrt(x$cl / x$n)
  clamp(limits(x, stdev), FALSE)
}

qic.up <- function(x) {
  base <- x$baseline & x$include
  x$cl <- sum(x$y.sum[base], na.rm = TRUE) / sum(x$n[base], na.rm = TRUE)
  stdev <- sqrt(x$cl / x$n)
  z_i <- (x$y[base] - x$cl[base]) / stdev[base]
  stdev <- stdev * prime_sigma(z_i)
  clamp(limits(x, stdev), FALSE)
}

runs.analysis <- function(x) {
  y <- x$y[x$include]
  cl <- x$cl[x$include]
  runs <- sign(y - cl)
  runs <- runs[runs != 0 & !is.na(runs)]
  n.useful <- length(runs)
  if (n.useful) {
    run.lengths <- rle(runs)$lengths
    n.runs <- length(run.lengths)
    longest.run <- max(run.lengths)
    longest.run.max <- round(log2(n.useful)) + 3
    n.crossings <- max(n.runs - 1, 0)
    n.crossings.min <- stats::qbinom(0.05, max(n.useful - 1, 0), 0.5)
    # crsignal(method = "anhoej")
    runs.signal <- !(n.crossings >= n.crossings.min & longest.run <= longest.run.max)
  } else {
    longest.run <- longest.run.max <- n.crossings <- n.crossings.min <- NA
    runs.signal <- FALSE
  }
  list(n.useful = n.useful, longest.run = longest.run, longest.run.max = longest.run.max,
       n.crossings = n.crossings, n.crossings.min = n.crossings.min, runs.signal = runs.signal)
}

# qic(): one observation per subgroup; y = y.sum / n when there is a denominator
qic <- function(y, n = NULL, chart, freeze = NULL, part = NULL) {
  got.n <- !is.null(n)
  if (!got.n) n <- rep(NA, length(y))
  d <- data.frame(y.sum = y, n = n, y = if (got.n) y / n else y)
  d$xx <- seq_len(nrow(d))
  d$baseline <- d$xx <= (if (is.null(freeze)) Inf else freeze)
  d$include <- TRUE
  parts <- unique(c(0, part))
  d$part <- rep(seq_along(parts), diff(c(parts, nrow(d))))
  fun <- get(paste0("qic.", chart))
  out <- NULL
  for (p in unique(d$part)) out <- rbind(out, fun(d[d$part == p, ]))
  out$sigma.signal <- out$y > out$ucl | out$y < out$lcl
  out$sigma.signal[is.na(out$sigma.signal)] <- FALSE
  list(points = out, runs = runs.analysis(out[out$part == max(out$part), ]))
}

# ---- cases ------------------------------------------------------------------------------------
cases <- list()
add <- function(name, chart, y, n = NULL, freeze = NULL, part = NULL, screen = TRUE) {
  cases[[length(cases) + 1]] <<- list(name = name, chart = chart, y = y, n = n,
                                      freeze = freeze, part = part, screen = screen)
}

# Montgomery DC (2009) Introduction to Statistical Quality Control, 6th ed. (the data of
# qicharts2's tests/testthat/test_montgomery.R):
# Example 6.5, cost of processing mortgage applications: x-bar 300.5, MR-bar 7.79,
# limits 279.78 and 321.22.
mortgage <- c(310, 288, 297, 298, 307, 303, 294, 297, 308, 306,
              294, 299, 297, 299, 314, 295, 293, 306, 301, 304)
add("montgomery_6.5_i", "i", mortgage)
add("montgomery_6.5_i_unscreened", "i", mortgage, screen = FALSE)
# Example 7.1, orange juice cans, 30 samples of 50: p-bar 0.2313, limits 0.0524 and 0.4102;
# samples 15 and 23 above the upper limit.
cans <- c(12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
          8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6)
add("montgomery_7.1_p", "p", cans, rep(50, 30))
# Example 7.3, nonconformities in 26 samples of 100 circuit boards: c-bar 19.85, limits 6.48 and
# 33.22; samples 6 and 20 outside.
boards <- c(21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10,
            17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15)
add("montgomery_7.3_c", "c", boards)
# Example 7.4, nonconformities in 20 samples of 5 computers: u-bar 1.93, limits 0.07 and 3.79.
computers <- c(10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5)
add("montgomery_7.4_u", "u", computers, rep(5, 20))

# Simulated series (seeded) for every chart, with and without screening, freeze and part.
set.seed(20250402)
add("i_random", "i", round(rnorm(30, 100, 8), 1))
add("i_random_unscreened", "i", c(round(rnorm(20, 100, 8), 1), 160, round(rnorm(9, 100, 8), 1)),
    screen = FALSE)
add("i_random_screened", "i", cases[[length(cases)]]$y)
add("i_freeze", "i", round(c(rnorm(15, 50, 4), rnorm(15, 58, 4)), 1), freeze = 15)
add("i_part", "i", round(c(rnorm(15, 50, 4), rnorm(15, 58, 4)), 1), part = 15)
nvar <- round(runif(24, 80, 400))
add("p_variable_n", "p", rbinom(24, nvar, 0.3), nvar)
add("p_shift_part", "p", c(rbinom(12, nvar[1:12], 0.3), rbinom(12, nvar[13:24], 0.4)), nvar,
    part = 12)
expo <- round(runif(30, 2000, 9000))
add("u_variable", "u", rpois(30, expo * 0.02), expo)
add("c_random", "c", rpois(30, 7.5))
add("c_freeze", "c", c(rpois(18, 12), rpois(12, 18)), freeze = 18)
big <- round(runif(36, 5000, 20000))
odp <- rbinom(36, big, rbeta(36, 0.33 * 300, 0.67 * 300))
add("pp_overdispersed", "pp", odp, big)
add("pp_overdispersed_unscreened", "pp", odp, big, screen = FALSE)
add("p_overdispersed", "p", odp, big)
odu <- rpois(36, big * rgamma(36, 40, 40 / 0.05))
add("up_overdispersed", "up", odu, big)
add("up_part", "up", odu, big, part = 18)
add("run_random", "run", round(rnorm(24, 10, 2)))
add("run_shift", "run", c(round(rnorm(12, 10, 1), 1), round(rnorm(14, 12, 1), 1)))
add("run_freeze", "run", c(round(rnorm(12, 10, 1), 1), round(rnorm(14, 12, 1), 1)), freeze = 12)
add("run_ties", "run", c(5, 5, 6, 5, 4, 5, 7, 5, 5, 3, 5, 6, 5, 5, 8, 5))
add("i_oscillating", "i", rep(c(10, 14), 12) + round(rnorm(24, 0, 0.5), 2))

points <- NULL
runs <- NULL
for (cs in cases) {
  screened <- cs$screen
  r <- qic(cs$y, cs$n, cs$chart, cs$freeze, cs$part)
  p <- r$points
  points <- rbind(points, data.frame(
    case = cs$name, chart = cs$chart, screen = cs$screen,
    freeze = if (is.null(cs$freeze)) NA else cs$freeze,
    part = if (is.null(cs$part)) NA else cs$part,
    position = seq_along(cs$y) - 1, y = cs$y, n = if (is.null(cs$n)) NA else cs$n,
    value = p$y, cl = p$cl, lcl = p$lcl, ucl = p$ucl, lcl.95 = p$lcl.95, ucl.95 = p$ucl.95,
    sigma.signal = p$sigma.signal))
  runs <- rbind(runs, data.frame(case = cs$name, r$runs))
}
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
write.csv(points, file.path(here, "spc_qicharts2.csv"), row.names = FALSE)
write.csv(runs, file.path(here, "spc_qicharts2_runs.csv"), row.names = FALSE)
# The two Anhoej thresholds alone, for 1 to 200 useful points (runs.analysis's formulas).
useful <- 1:200
write.csv(data.frame(n.useful = useful, longest.run.max = round(log2(useful)) + 3,
                     n.crossings.min = stats::qbinom(0.05, useful - 1, 0.5)),
          file.path(here, "spc_anhoej_thresholds.csv"), row.names = FALSE)
cat(R.version.string, "\n")
