# Reference values for scrutiny.place from a base-R transliteration of Wheeler's ptools.
#
# Source transliterated: ptools 1.0.0 (github.com/apwheele/ptools; R/wdd.R at commit e1d8402,
# R/wdd_harm.R at commit 259923e, R/e_test.R at commit e1142e9; DESCRIPTION Version 1.0.0, the
# CRAN release line; CRAN 2.0.0 documents the same wdd / wdd_harm / e_test signatures).  The
# earlier wdd.R (commit 4cc7a1b) misplaced a parenthesis in the displacement-control variance;
# the arithmetic below is that of the corrected e1d8402.  Printing is left out.
#
# Run: Rscript tests/reference/place_ptools.R   (R 4.2.2; writes place_ptools_*.csv here)
# Writes:
#   place_ptools_wdd.csv    wdd(control, treated, disp_control, disp_treated, time_weights,
#                           area_weights, alpha) for the paper's worked example, ptools' own
#                           examples and tests, Wheeler's blog examples and seeded random cases
#   place_ptools_harm.csv   wdd_harm(Est_Local, SE_Local, weight, alpha) over per-type wdd()s
#   place_ptools_etest.csv  e_test(k1, k2, n1, n2) (d = 0, eps = 1e-20)

here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
if (length(here) == 0 || here == "") here <- "."

ptools_wdd <- function(control, treated, disp_control = c(0, 0), disp_treated = c(0, 0),
                       time_weights = c(1, 1), area_weights = c(1, 1, 1, 1), alpha = 0.1) {
  # per-count divisors: period length x area size (area order: control, treated, disp control,
  # disp treated, as ptools)
  w <- outer(time_weights, area_weights)   # 2 x 4: rows pre / post
  delta <- function(x, a) x[2] / w[2, a] - x[1] / w[1, a]
  vpart <- function(x, a) x[2] / w[2, a]^2 + x[1] / w[1, a]^2
  est_local <- delta(treated, 2) - delta(control, 1)
  var_local <- vpart(treated, 2) + vpart(control, 1)
  est_disp <- delta(disp_treated, 4) - delta(disp_control, 3)
  var_disp <- vpart(disp_treated, 4) + vpart(disp_control, 3)
  est <- est_local + est_disp
  se <- sqrt(var_local + var_disp)
  q <- qnorm(1 - alpha / 2)
  c(Est_Local = est_local, SE_Local = sqrt(var_local), Est_Displace = est_disp,
    SE_Displace = sqrt(var_disp), Est_Total = est, SE_Total = se, Z = est / se,
    LowCI = est - q * se, HighCI = est + q * se)
}

ptools_wdd_harm <- function(est, se, weight, alpha = 0.1) {
  total <- sum(est * weight)
  total_se <- sqrt(sum(se^2 * weight^2))
  q <- qnorm(1 - alpha / 2)
  c(HarmEst = total, SE_HarmEst = total_se, Z = total / total_se,
    LowCI = total - q * total_se, HighCI = total + q * total_se)
}

ptools_e_test <- function(k1, k2, n1 = 1, n2 = 1, d = 0, eps = 1e-20) {
  last_count <- function(r) {   # first count above r whose Poisson(r) probability is <= eps
    i <- trunc(r)
    repeat {
      i <- i + 1
      if (dpois(i, r) <= eps) return(i)
    }
  }
  lhat <- (k1 + k2) / (n1 + n2) - d * n1 / (n1 + n2)
  t_obs <- abs((k1 / n1 - k2 / n2 - d) / sqrt(lhat))
  mu2 <- n2 * lhat
  mu1 <- n1 * (lhat + d)
  top <- last_count(max(mu1, mu2))
  g <- expand.grid(x1 = 0:top, x2 = 0:top)
  t_x <- abs(g$x1 / n1 - g$x2 / n2 - d) / sqrt((g$x1 + g$x2) / (n1 + n2))
  sum(dpois(g$x1, mu1) * dpois(g$x2, mu2) * (t_x >= t_obs), na.rm = TRUE)
}

# ---- WDD ----------------------------------------------------------------------------------
# columns: treated / control / displacement / control-displacement counts before and after,
# period lengths, area sizes in scrutiny's order (treated, control, displacement,
# control_displacement), alpha
cases <- list(
  # Wheeler & Ratcliffe (2018), worked example (ptools test "Est & Variance Paper")
  list("paper", c(207, 110), c(308, 318), c(178, 157), c(150, 140), c(1, 1), c(1, 1, 1, 1), 0.05),
  # ptools ?wdd examples
  list("ptools_local", c(20, 10), c(20, 20), c(0, 0), c(0, 0), c(1, 1), c(1, 1, 1, 1), 0.1),
  list("ptools_displacement", c(20, 10), c(20, 20), c(30, 20), c(30, 30), c(1, 1), c(1, 1, 1, 1), 0.1),
  list("ptools_time", c(20, 10), c(20, 20), c(0, 0), c(0, 0), c(2, 1), c(1, 1, 1, 1), 0.1),
  list("ptools_area", c(20, 10), c(20, 20), c(30, 20), c(30, 30), c(1, 1), c(1.5, 2, 3.2, 3), 0.1),
  # Wheeler (2021-01-09) "The WDD test with different pre/post time periods": -20, var 115
  list("blog_time", c(80, 20), c(100, 50), c(0, 0), c(0, 0), c(2, 1), c(1, 1, 1, 1), 0.05),
  # Wheeler (2021-02-23) "The WDD test with different area sizes" (ptools test "Area Weights")
  list("blog_area", c(207, 110), c(308, 318), c(178, 157), c(150, 140), c(1, 1),
       c(1.2, 0.9, 1.5, 1.6), 0.05)
)
set.seed(20240611)
for (i in 1:40) {
  lam <- rgamma(4, shape = 2, scale = 40)
  draw <- function(l) rpois(2, l * c(1, runif(1, 0.5, 1.3)))
  tw <- if (i %% 3 == 0) round(runif(2, 0.5, 3), 3) else c(1, 1)
  aw <- if (i %% 4 == 0) round(runif(4, 0.2, 5), 3) else c(1, 1, 1, 1)
  disp <- i %% 2 == 0
  cases[[length(cases) + 1]] <- list(
    sprintf("random_%02d", i), draw(lam[1]), draw(lam[2]),
    if (disp) draw(lam[3]) else c(0, 0), if (disp) draw(lam[4]) else c(0, 0), tw, aw,
    c(0.05, 0.1, 0.01, 0.2)[i %% 4 + 1])
}
rows <- lapply(cases, function(cs) {
  t <- cs[[2]]; ctl <- cs[[3]]; d <- cs[[4]]; cd <- cs[[5]]; tw <- cs[[6]]; a <- cs[[7]]
  # ptools' area order is c(control, treated, disp_control, disp_treated)
  r <- ptools_wdd(ctl, t, cd, d, time_weights = tw, area_weights = c(a[2], a[1], a[4], a[3]),
                  alpha = cs[[8]])
  data.frame(case = cs[[1]], treated_before = t[1], treated_after = t[2],
             control_before = ctl[1], control_after = ctl[2], displacement_before = d[1],
             displacement_after = d[2], control_displacement_before = cd[1],
             control_displacement_after = cd[2], period_before = tw[1], period_after = tw[2],
             area_treated = a[1], area_control = a[2], area_displacement = a[3],
             area_control_displacement = a[4], alpha = cs[[8]], t(r))
})
write.csv(do.call(rbind, rows), file.path(here, "place_ptools_wdd.csv"), row.names = FALSE)

# ---- harm-weighted WDD --------------------------------------------------------------------
# Wheeler (2020-11-19) "Amending the WDD test to incorporate harm weights" (ptools test
# "Cumulative Harm": -1721, SE 304.1036): motor vehicle theft, theft, burglary, robbery, assault
harm <- list(list("blog_harm", rbind(c(130, 74), c(327, 202), c(398, 190), c(144, 92), c(183, 96)),
                  rbind(c(133, 91), c(388, 305), c(148, 97), c(86, 64), c(94, 67)),
                  c(3, 2, 5, 7, 10), 0.05))
for (i in 1:6) {
  k <- 2 + i %% 4
  harm[[length(harm) + 1]] <- list(
    sprintf("random_harm_%d", i), matrix(rpois(2 * k, runif(2 * k, 5, 150)), k),
    matrix(rpois(2 * k, runif(2 * k, 5, 150)), k), round(runif(k, 0.5, 40), 2),
    c(0.05, 0.1)[i %% 2 + 1])
}
rows <- lapply(harm, function(h) {
  per <- t(sapply(seq_len(nrow(h[[2]])), function(j) ptools_wdd(h[[3]][j, ], h[[2]][j, ])))
  r <- ptools_wdd_harm(per[, "Est_Local"], per[, "SE_Local"], h[[4]], alpha = h[[5]])
  data.frame(case = h[[1]], type = seq_len(nrow(h[[2]])), treated_before = h[[2]][, 1],
             treated_after = h[[2]][, 2], control_before = h[[3]][, 1],
             control_after = h[[3]][, 2], weight = h[[4]], alpha = h[[5]], t(r))
})
write.csv(do.call(rbind, rows), file.path(here, "place_ptools_harm.csv"), row.names = FALSE)

# ---- E-test (score statistic, d = 0) ---------------------------------------------------------
etest <- data.frame(k1 = c(3, 2, 10, 20, 7, 31, 0, 45, 13, 86, 5, 120),
                    k2 = c(0, 6, 20, 10, 2, 17, 9, 61, 4, 112, 1, 98),
                    n1 = c(1, 1, 1, 1, 2.5, 1.3, 1, 0.75, 4, 1, 1, 12),
                    n2 = c(1, 1, 1, 1, 1.4, 1, 2, 1.25, 3, 1.6, 1, 12))
etest$pvalue <- mapply(ptools_e_test, etest$k1, etest$k2, etest$n1, etest$n2)
write.csv(etest, file.path(here, "place_ptools_etest.csv"), row.names = FALSE)
cat(R.version.string, "\n")
