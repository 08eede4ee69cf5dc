# Reference values for scrutiny.waits: Kaplan-Meier tables, quantiles with their confidence
# intervals, survival at given times, and the G-rho (log-rank) test.
#
# Tool: R 4.2.2 Patched (2022-11-10 r83330), survival 3.5-3 (Therneau).
# Calls, per case of waits_r_cases.csv (time, status 0/1, group g; conf.type and conf.int as
# the case says; timefix = TRUE, R's default):
#   fit <- survfit(Surv(time, status) ~ g, conf.type = ct, conf.int = cl)   (~ 1 without g)
#   per stratum i: z <- fit[i]; summary(z) (event rows: time, n.risk, n.event, n.censor, surv,
#     lower, upper) with z$std.err at those rows (the Greenwood SE of the cumulative hazard);
#     quantile(z, probs = PROBS) (estimate, lower, upper); summary(fit)$table median, 0.95LCL,
#     0.95UCL; summary(z, times = TIMES) (surv, std.err, lower, upper, n.risk)
#   survdiff(Surv(time, status) ~ g, rho = rho): n, obs, exp, var, chisq, pvalue and
#     df = sum(exp > 0) - 1
# Data: aml, lung and ovarian from survival 3.5-3 (written out as waits_data_*.csv; lung's
# status 1/2 is recoded 0/1 below), and small synthetic sets (waits_data_synthetic.csv) for
# ties, censoring at the last time, a curve flat at exactly 0.5, near-equal times merged by
# timefix, and a group with no one at risk at any event time.
# Run:  Rscript tests/reference/waits_survival.R   (from the project root; writes
#       tests/reference/waits_data_*.csv and waits_r_*.csv)
suppressPackageStartupMessages(library(survival))
options(digits = 17)
# Numbers written with 17 significant digits (write.csv keeps 15, which would merge the
# near-equal times of the timefix set).
out <- function(x, name) {
  text <- names(which(sapply(x, function(v) is.character(v) || is.factor(v))))
  for (v in names(x)) if (is.double(x[[v]])) x[[v]] <- sprintf("%.17g", x[[v]])
  write.csv(x, file.path("tests/reference", name), row.names = FALSE,
            quote = match(text, names(x)), na = "NA")
}
stopifnot(packageVersion("survival") == "3.5.3")

aml_df <- data.frame(time = aml$time, status = aml$status, x = as.character(aml$x))
lung_df <- lung[, c("inst", "time", "status", "sex", "ph.ecog")]
lung_df$status <- lung_df$status - 1L
ovarian_df <- ovarian[, c("futime", "fustat", "rx", "resid.ds", "ecog.ps")]
out(aml_df, "waits_data_aml.csv")
out(lung_df, "waits_data_lung.csv")
out(ovarian_df, "waits_data_ovarian.csv")

# Synthetic sets.
set.seed(20250612)
n <- 300
g <- sample(c("north", "south", "east"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
wait <- round(rgamma(n, shape = 3, rate = ifelse(g == "north", 1/110, ifelse(g == "south", 1/140, 1/95))))
entry <- sample(0:900, n, replace = TRUE)                   # day received, census on day 900
status <- as.integer(entry + wait <= 900)
time <- ifelse(status == 1, wait, 900 - entry)
syn <- rbind(
  data.frame(set = "firearms", time = time, status = status, group = g),
  # ties: events and censorings at one time, several events at one time, three groups
  data.frame(set = "ties", time = c(3, 3, 3, 5, 5, 5, 5, 8, 8, 9, 12, 12, 12, 15, 15, 20, 20, 20),
             status = c(1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0),
             group = rep(c("a", "b", "c"), 6)),
  # censoring at the last time (the curve never reaches 0; its median is not reached)
  data.frame(set = "lastcens", time = c(2.5, 4.1, 4.1, 7.3, 9.9, 12.2, 12.2, 15.0),
             status = c(1, 0, 1, 0, 1, 0, 0, 0), group = "all"),
  # flat at exactly 0.5 until the last (censored) time: R's last-point midpoint rule
  data.frame(set = "flat50", time = c(1, 2, 3, 4, 5, 6, 7, 8), status = c(1, 1, 1, 1, 0, 0, 0, 0),
             group = "all"),
  # flat at exactly 0.5 (and 0.25) between events: the midpoint rule
  data.frame(set = "flat50b", time = c(1.5, 2.5, 3.5, 4.5), status = 1, group = "all"),
  # near-equal times (0.1 + 0.2 vs 0.3, 0.7 vs 0.1 * 7) that timefix merges
  data.frame(set = "timefix", time = c(0.1 + 0.2, 0.3, 0.3, 0.1 * 7, 0.7, 1.1, 1.4, 1.4, 2),
             status = c(1, 0, 1, 1, 1, 0, 1, 0, 1), group = c("a", "b", "a", "b", "a", "b", "a", "b", "a")),
  # group "c" leaves before the first event: expected 0, one degree of freedom less
  data.frame(set = "zeroexp", time = c(0.5, 0.7, 3, 4, 6, 7, 2, 5, 8, 9),
             status = c(0, 0, 1, 0, 1, 1, 1, 1, 0, 1),
             group = c("c", "c", "a", "a", "a", "a", "b", "b", "b", "b"))
)
out(syn, "waits_data_synthetic.csv")

cases <- data.frame(
  case = c("aml_all", "aml_x", "aml_x_loglog", "lung_log", "lung_loglog", "lung_plain",
           "lung_plain99", "lung_logit", "lung_arcsin", "lung_sex", "lung_ecog", "lung_inst",
           "ovarian_rx", "ovarian_rx_rho1", "ovarian_resid", "ovarian_ecog", "firearms",
           "firearms_loglog", "ties", "ties_rho", "lastcens", "flat50", "flat50b", "timefix",
           "zeroexp"),
  data = c("aml", "aml", "aml", rep("lung", 9), rep("ovarian", 4), rep("synthetic", 9)),
  subset = c(rep("", 16), "firearms", "firearms", "ties", "ties", "lastcens", "flat50", "flat50b",
             "timefix", "zeroexp"),
  time = c(rep("time", 12), rep("futime", 4), rep("time", 9)),
  status = c(rep("status", 12), rep("fustat", 4), rep("status", 9)),
  group = c("", "x", "x", "", "", "", "", "", "", "sex", "ph.ecog", "inst", "rx", "rx",
            "resid.ds", "ecog.ps", "group", "group", "group", "group", "", "", "", "group", "group"),
  conf_type = c("log", "log", "log-log", "log", "log-log", "plain", "plain", "logit", "arcsin",
                "log", "log", "log", "log", "log", "log", "log", "log", "log-log", "log", "log",
                "log", "log", "log", "plain", "log"),
  conf = c(0.95, 0.95, 0.90, 0.95, 0.95, 0.95, 0.99, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95,
           0.95, 0.95, 0.95, 0.90, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95),
  rho = c(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0),
  stringsAsFactors = FALSE
)
out(cases, "waits_r_cases.csv")

PROBS <- c(0.1, 0.25, 0.5, 0.75, 0.9, 1)
datasets <- list(aml = aml_df, lung = lung_df, ovarian = ovarian_df, synthetic = syn)
km_rows <- list(); q_rows <- list(); s_rows <- list(); lr_rows <- list(); var_rows <- list()
for (k in seq_len(nrow(cases))) {
  cs <- cases[k, ]
  d <- datasets[[cs$data]]
  if (cs$subset != "") d <- d[d$set == cs$subset, ]
  d <- data.frame(time = d[[cs$time]], status = d[[cs$status]],
                  g = if (cs$group == "") "all" else d[[cs$group]])
  d <- d[complete.cases(d), ]                               # R's na.omit
  grouped <- cs$group != ""
  fit <- if (grouped) survfit(Surv(time, status) ~ g, data = d, conf.type = cs$conf_type, conf.int = cs$conf)
         else survfit(Surv(time, status) ~ 1, data = d, conf.type = cs$conf_type, conf.int = cs$conf)
  labels <- if (grouped) sub("^g=", "", names(fit$strata)) else "all"
  tab <- summary(fit)$table
  if (!is.matrix(tab)) tab <- t(as.matrix(tab))
  for (i in seq_along(labels)) {
    z <- if (grouped) fit[i] else fit
    ev <- z$n.event > 0
    sm <- summary(z)
    if (sum(ev) > 0)
      km_rows[[length(km_rows) + 1]] <- data.frame(
        case = cs$case, group = labels[i], time = sm$time, n_risk = sm$n.risk,
        n_event = sm$n.event, n_censor = sm$n.censor, surv = sm$surv, std_err = z$std.err[ev],
        lower = sm$lower, upper = sm$upper)
    qq <- quantile(z, probs = PROBS)
    q_rows[[length(q_rows) + 1]] <- data.frame(
      case = cs$case, group = labels[i], prob = PROBS, quantile = unname(qq$quantile),
      lower = unname(qq$lower), upper = unname(qq$upper), source = "quantile")
    q_rows[[length(q_rows) + 1]] <- data.frame(
      case = cs$case, group = labels[i], prob = 0.5, quantile = unname(tab[i, "median"]),
      lower = unname(tab[i, grep("LCL", colnames(tab))]),
      upper = unname(tab[i, grep("UCL", colnames(tab))]), source = "table")
    tmax <- max(z$time)
    times <- sort(unique(c(0, signif(tmax * c(0.05, 0.2, 0.37, 0.5, 0.81), 6), z$time[2], tmax)))
    ss <- summary(z, times = times)
    s_rows[[length(s_rows) + 1]] <- data.frame(
      case = cs$case, group = labels[i], time = ss$time, surv = ss$surv, std_err = ss$std.err,
      lower = ss$lower, upper = ss$upper, n_risk = ss$n.risk)
  }
  if (grouped) {
    sd <- survdiff(Surv(time, status) ~ g, data = d, rho = cs$rho)
    lr_rows[[length(lr_rows) + 1]] <- data.frame(
      case = cs$case, group = sub("^g=", "", names(sd$n)), n = as.vector(sd$n), observed = sd$obs,
      expected = sd$exp, chisq = sd$chisq, df = sum(sd$exp > 0) - 1, pvalue = sd$pvalue)
    kk <- length(sd$n)
    var_rows[[length(var_rows) + 1]] <- data.frame(
      case = cs$case, row = rep(seq_len(kk), kk) - 1, col = rep(seq_len(kk), each = kk) - 1,
      var = as.vector(sd$var))
  }
}
out(do.call(rbind, km_rows), "waits_r_km.csv")
out(do.call(rbind, q_rows), "waits_r_quantile.csv")
out(do.call(rbind, s_rows), "waits_r_share.csv")
out(do.call(rbind, lr_rows), "waits_r_logrank.csv")
out(do.call(rbind, var_rows), "waits_r_logrank_var.csv")
