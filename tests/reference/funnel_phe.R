# Reference values from PHEindicatormethods' funnel functions, for scrutiny.funnel(method =
# "wilson") and scrutiny.ratio_significance().
#
# Tool: R 4.2.2.  Peer: PHEindicatormethods 2.0.x (ukhsa-collaboration/PHEindicatormethods,
# R/Funnels.R at commit 39d5df1f793223db24173db8971ba3c2f834b8d8: sigma_adjustment(),
# assign_funnel_significance(); the helper funnel_ratio_significance() of the same release).
# The package is not on Debian, so the functions are transliterated line for line (dplyr's
# case_when written as nested ifelse in the same order).
# Run:  Rscript tests/reference/funnel_phe.R  (writes funnel_phe_proportion.csv, funnel_phe_ratio.csv)
#
# Calls reproduced:
#   assign_funnel_significance(d, numerator, denominator, statistic = "proportion")
#   calculate_funnel_limits's limits at each unit's denominator:
#     sigma_adjustment(p, population = denominator, average_proportion = av, side, multiplier = 1)
#     for p = 0.975 and 0.999, av = sum(numerator) / sum(denominator)
#   assign_funnel_significance(d, numerator, denominator, statistic = "ratio")
#   funnel_ratio_significance(obs, expected, p, side) for p = 0.95 and 0.998
options(digits = 17)
set.seed(4481)

sigma_adjustment <- function(p, population, average_proportion, side, multiplier) {
  first_part <- average_proportion * (population /
                             qnorm(p)^2 + 1)

  adj <- sqrt((-8 * average_proportion * (population /
                            qnorm(p)^2 + 1))^2 - 64 *
                (1 / qnorm(p)^2 + 1 / population) *
                average_proportion * (population *
                        (average_proportion * (population /
                                 qnorm(p)^2 + 2) - 1) +
                        qnorm(p)^2 *
                        (average_proportion - 1)))

  last_part <- (1 / qnorm(p)^2 + 1 /
                  population)

  if (side == "low") {
    adj_return <- (first_part - adj / 8) / last_part
  } else if (side == "high") {
    adj_return <- (first_part + adj / 8) / last_part
  }
  adj_return <- (adj_return /
                   population) * multiplier
  return(adj_return)
}

funnel_ratio_significance <- function(obs, expected, p, side) {
  if (obs == 0 & side == "low") {
    test_statistic <- 0
  } else if (obs < 10) {
    if (side == "low") {
      degree_freedom <- 2 * obs
      lower_tail_setting <- FALSE
    } else if (side == "high") {
      degree_freedom <- 2 * obs + 2
      lower_tail_setting <- TRUE
    }
    test_statistic <- qchisq(p = 0.5 + p / 2,
                             df = degree_freedom,
                             lower.tail = lower_tail_setting) / 2
  } else {
    if (side == "low") {
      obs_adjusted <- obs
      test_statistic <- obs_adjusted * (1 - 1 / (9 * obs_adjusted) -
                                          qnorm(0.5 + p / 2) / 3 / sqrt(obs_adjusted))^3
    } else if (side == "high") {
      obs_adjusted <- obs + 1
      test_statistic <- obs_adjusted * (1 - 1 / (9 * obs_adjusted) +
                                          qnorm(0.5 + p / 2) / 3 / sqrt(obs_adjusted))^3
    }
  }
  test_statistic <- test_statistic / expected
  return(test_statistic)
}

full <- function(df) { for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]]); df }

# ---- proportions: 35 units, 30..40000 trials ----
den <- round(exp(runif(35, log(30), log(40000))))
num <- rbinom(35, den, rbeta(35, 20, 45))
average <- sum(num) / sum(den)
lim <- function(p, side) sigma_adjustment(p, den, average, side, 1)
prop <- num / den
significance <- ifelse(prop < lim(0.999, "low"), "Low (0.001)",
                ifelse(prop < lim(0.975, "low"), "Low (0.025)",
                ifelse(prop > lim(0.999, "high"), "High (0.001)",
                ifelse(prop > lim(0.975, "high"), "High (0.025)", "Not significant"))))
write.csv(full(data.frame(numerator = num, denominator = den, average = average,
                          lower_95 = lim(0.975, "low"), upper_95 = lim(0.975, "high"),
                          lower_998 = lim(0.999, "low"), upper_998 = lim(0.999, "high"),
                          significance = significance)),
          "tests/reference/funnel_phe_proportion.csv", row.names = FALSE, quote = FALSE)

# ---- ratios: 40 units, expected 0.6..250, observed including 0 and values either side of 10 ----
expd <- round(exp(runif(40, log(0.6), log(250))), 3)
obs <- rpois(40, expd * exp(rnorm(40, 0, 0.35)))
obs[1:4] <- c(0, 9, 10, 11)
f <- function(p, side) mapply(funnel_ratio_significance, obs, expd, p, side)
significance <- ifelse(1 < f(0.998, "low"), "High (0.001)",
                ifelse(1 < f(0.95, "low"), "High (0.025)",
                ifelse(1 > f(0.998, "high"), "Low (0.001)",
                ifelse(1 > f(0.95, "high"), "Low (0.025)", "Not significant"))))
write.csv(full(data.frame(observed = obs, expected = expd,
                          lower_95 = f(0.95, "low"), upper_95 = f(0.95, "high"),
                          lower_998 = f(0.998, "low"), upper_998 = f(0.998, "high"),
                          significance = significance)),
          "tests/reference/funnel_phe_ratio.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, ": wrote funnel_phe_proportion.csv and funnel_phe_ratio.csv\n")
