# Reference values for scrutiny.funnel(method = "arcsine" / "log" / "sqrt") from FunnelPlotR.
#
# Tool: R 4.2.2.  Peer: FunnelPlotR 0.6.0 (CRAN), whose internal functions are transliterated
# below line for line from cran/FunnelPlotR commit 1bc9cf6920e02a3481f6193b6cf2aeabe0c86fff:
#   R/od_adjustment.R  transformed_zscore(), winsorisation(), truncation(), phi_func(), tau_func()
#   R/calculate_limits.R  calculate_limits() (PR and SR branches)
#   R/funnel_plot.R  the order of calls: target, z-scores, winsorise (truncate for SR/SHMI), phi on
#   the kept z-scores, tau2 on their s.  (FunnelPlotR itself is not on Debian, so it cannot be
#   installed here; dplyr/ggplot2 plumbing is left out, the arithmetic is unchanged.)
# Columns: lower_/upper_ (draw_adjusted = FALSE: chi-square limits for SR, arcsine for PR),
# od_ (draw_adjusted = TRUE with the estimated tau2), scale_ (draw_adjusted = TRUE, tau2 = 0).
# FunnelPlotR uses the constants 1.959964 and 3.090232 for the 95% and 99.8% normal quantiles;
# scrutiny uses exact quantiles, so its limits agree to about 1e-7 relative.
# Run:  Rscript tests/reference/funnel_funnelplotr.R   (writes tests/reference/funnel_funnelplotr.csv)
#
# Calls reproduced (one per case):
#   funnel_plot(d, numerator, denominator, group, data_type = "PR", trim_by = 0.1)
#   funnel_plot(d, numerator, denominator, group, data_type = "SR", sr_method = "SHMI",
#               trim_by = 0.1, SHMI_rounding = TRUE)      # expected values already 2 d.p.
#   funnel_plot(d, numerator, denominator, group, data_type = "SR", sr_method = "CQC", trim_by = 0.1)
options(digits = 17)
set.seed(73105)

# ---- transliterated from FunnelPlotR 0.6.0 ----
transformed_zscore <- function(mod_plot_agg, data_type = "SR", sr_method = "SHMI") {
  if (data_type == "SR") {
    if (sr_method == "SHMI") {
      mod_plot_agg$target_transformed <- 0
      mod_plot_agg$Y <- log(mod_plot_agg$numerator / mod_plot_agg$denominator)
      mod_plot_agg$s <- 1 / (sqrt(mod_plot_agg$denominator))
    } else if (sr_method == "CQC") {
      mod_plot_agg$target_transformed <- 1
      mod_plot_agg$Y <- sqrt(mod_plot_agg$numerator / mod_plot_agg$denominator)
      mod_plot_agg$s  <- 1 / (2 * sqrt(mod_plot_agg$denominator))
    }
  }
  if (data_type == "PR") {
    mod_plot_agg$target_transformed <-
      asin(sqrt(sum(mod_plot_agg$numerator) / sum(mod_plot_agg$denominator)))
    mod_plot_agg$Y <- asin(sqrt(mod_plot_agg$numerator / mod_plot_agg$denominator))
    mod_plot_agg$s  <- 1 / (2 * sqrt(mod_plot_agg$denominator))
  }
  if (data_type == "SR" && sr_method == "SHMI") {
    mod_plot_agg$Uzscore <-
      sqrt(mod_plot_agg$denominator) * log(mod_plot_agg$numerator / mod_plot_agg$denominator)
  } else {
    mod_plot_agg$Uzscore <- (mod_plot_agg$Y - mod_plot_agg$target_transformed) / mod_plot_agg$s
  }
  mod_plot_agg
}

winsorisation <- function(mod_plot_agg, trim_by = 0.1) {
  lz <- quantile(x = mod_plot_agg$Uzscore, trim_by, na.rm = TRUE)
  uz <- quantile(x = mod_plot_agg$Uzscore, (1 - trim_by), na.rm = TRUE)
  mod_plot_agg$winsorised <- ifelse(mod_plot_agg$Uzscore > lz & mod_plot_agg$Uzscore < uz, 0, 1)
  mod_plot_agg$Wuzscore <- ifelse(mod_plot_agg$Uzscore < lz, lz,
                                  ifelse(mod_plot_agg$Uzscore > uz, uz, mod_plot_agg$Uzscore))
  mod_plot_agg
}

truncation <- function(mod_plot_agg, trim_by = 0.1) {
  k <- 1 / trim_by
  maxk <- k - 1
  mink <- min(k / k) - 1
  mod_plot_agg$rk <- rank(mod_plot_agg$Uzscore, ties.method = "average")
  mod_plot_agg$sp <- floor(mod_plot_agg$rk  * k / (length(mod_plot_agg$rk) + 1))
  mod_plot_agg$truncated <- ifelse(mod_plot_agg$sp > mink & mod_plot_agg$sp < maxk, 0, 1)
  mod_plot_agg$Wuzscore <- ifelse(mod_plot_agg$truncated == 1, NA, mod_plot_agg$Uzscore)
  mod_plot_agg
}

phi_func <- function(n, zscores) {
  phi <- (1 / n) * sum(zscores^2)
  phi
}

tau_func <- function(n,  phi, S) {
  if (length(S) == 0) {
    Tau2 <- 0
  } else {
    if ((n * phi) < (n - 1)) {
      Tau2 <- 0
    } else {
      Tau2 <- max(0, ((sum(n) * sum(phi)) - (sum(n) - 1)) /
                    (sum(1 / (S^2)) - (sum((1 / (S^2))^2) / sum(1/(S^2)))))
    }
  }
  Tau2
}

# calculate_limits() for one column of denominators; returns ll95, ul95, ll998, ul998.
calculate_limits <- function(number_seq, data_type, sr_method, tau2, target, draw_adjusted) {
  tau2 <- ifelse(draw_adjusted == FALSE, 0, tau2)
  if (data_type == "SR") {
    if (draw_adjusted == FALSE) {
      return(cbind(
        target * (qchisq(0.975, 2 * number_seq, lower.tail = FALSE) / 2) / number_seq,
        target * (qchisq(0.025, 2 * (number_seq + 1), lower.tail = FALSE) / 2) / number_seq,
        target * (qchisq(0.999, 2 * number_seq, lower.tail = FALSE) / 2) / number_seq,
        target * (qchisq(0.001, 2 * (number_seq + 1), lower.tail = FALSE) / 2) / number_seq))
    } else if (sr_method == "SHMI") {
      return(cbind(exp(-1.959964 * sqrt((1 / number_seq) + tau2)),
                   exp(1.959964  * sqrt((1 / number_seq) + tau2)),
                   exp(-3.090232 * sqrt((1 / number_seq) + tau2)),
                   exp(3.090232  * sqrt((1 / number_seq) + tau2))))
    } else {
      s <- 1 / (2 * sqrt(number_seq))
      return(cbind(1 - (1.959964 * sqrt((s^2 + tau2))), 1 + (1.959964 * sqrt((s^2 + tau2))),
                   1 - (3.090232 * sqrt((s^2 + tau2))), 1 + (3.090232 * sqrt((s^2 + tau2)))))
    }
  }
  # data_type == "PR"
  s <- 1 / (2 * sqrt(number_seq))
  out <- cbind(sin(asin(sqrt(target)) - 1.959964 * sqrt((s^2) + tau2))^2,
               sin(asin(sqrt(target)) + 1.959964 * sqrt((s^2) + tau2))^2,
               sin(asin(sqrt(target)) - 3.090232 * sqrt((s^2) + tau2))^2,
               sin(asin(sqrt(target)) + 3.090232 * sqrt((s^2) + tau2))^2)
  out[, c(1, 3)] <- ifelse(out[, c(1, 3)] < 0, 0, out[, c(1, 3)])
  out[, c(2, 4)] <- ifelse(out[, c(2, 4)] > 1, 1, out[, c(2, 4)])
  # (the non-monotonic fix on consecutive grid rows never triggers for these denominators:
  #  asin(sqrt(p0)) - 3.090232 sqrt(s^2 + tau2) stays inside (0, pi/2); checked below)
  stopifnot(all(asin(sqrt(target)) - 3.090232 * sqrt(s^2 + tau2) > 0),
            all(asin(sqrt(target)) + 3.090232 * sqrt(s^2 + tau2) < pi / 2))
  out
}

# The body of funnel_plot() that produces z, phi, tau2 and the limits at each unit.
run <- function(case, d, data_type, sr_method = "SHMI", trim_by = 0.1) {
  target <- ifelse(data_type == "SR", 1, sum(d$numerator) / sum(d$denominator))
  d <- transformed_zscore(d, data_type = data_type, sr_method = sr_method)
  if (data_type == "SR" && sr_method == "SHMI") d <- truncation(d, trim_by) else d <- winsorisation(d, trim_by)
  n <- as.numeric(sum(!is.na(d$Wuzscore)))
  phi <- phi_func(n = n, zscores = na.omit(d$Wuzscore))
  tau2 <- tau_func(n = n, phi = phi, S = d[!is.na(d$Wuzscore), ]$s)
  un <- calculate_limits(d$denominator, data_type, sr_method, tau2, target, FALSE)
  ad <- calculate_limits(d$denominator, data_type, sr_method, tau2, target, TRUE)
  # the adjusted formula with tau2 = 0: the transformed-scale limits without overdispersion
  t0 <- calculate_limits(d$denominator, data_type, sr_method, 0, target, TRUE)
  data.frame(case = case, unit = seq_len(nrow(d)) - 1, numerator = d$numerator,
             denominator = d$denominator, target = target, z = d$Uzscore, s = d$s,
             kept = !is.na(d$Wuzscore), phi = phi, tau2 = tau2,
             lower_95 = un[, 1], upper_95 = un[, 2], lower_998 = un[, 3], upper_998 = un[, 4],
             od_lower_95 = ad[, 1], od_upper_95 = ad[, 2], od_lower_998 = ad[, 3],
             od_upper_998 = ad[, 4], scale_lower_95 = t0[, 1], scale_upper_95 = t0[, 2],
             scale_lower_998 = t0[, 3], scale_upper_998 = t0[, 4])
}

# Proportions (data_type = "PR"): 40 units, trials 40..15000, overdispersed.
n_p <- round(exp(runif(40, log(40), log(15000))))
pr <- data.frame(numerator = rbinom(40, n_p, rbeta(40, 40, 85)), denominator = n_p)
# Standardised ratios: 45 units, expected 5..800 at 2 d.p., observed >= 1.
e_s <- round(exp(runif(45, log(5), log(800))), 2)
sr <- data.frame(numerator = pmax(1, rpois(45, e_s * exp(rnorm(45, 0, 0.12)))), denominator = e_s)

res <- rbind(run("arcsine", pr, "PR"), run("log", sr, "SR", "SHMI"), run("sqrt", sr, "SR", "CQC"))
full <- function(df) { for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]]); df }
write.csv(full(res), "tests/reference/funnel_funnelplotr.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, ": wrote", nrow(res), "rows\n")
