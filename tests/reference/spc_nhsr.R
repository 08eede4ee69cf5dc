# Reference values for scrutiny.spc(chart = "xmr", rules = "mdc"): a base-R transliteration of
# NHSRplotthedots 0.2 (github.com/nhs-r-community/NHSRplotthedots, main branch), which is not in
# Debian and cannot be installed here:
#   R/ptd_spc_standard.R            commit 8aac3239e90ce9ebeb9c3e61f56c207dfc37b225
#   R/ptd_calculate_point_type.R    commit f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f
#   R/ptd_calculate_assurance_type.R commit 74654aeeb4a00e4d0520a7693b28bb21aa1b201e
# The dplyr pipelines are written as loops over rebase groups; every formula and comparison is
# the package's.  Run:  Rscript tests/reference/spc_nhsr.R   (R 4.2.2, Debian r-base-core)
# Writes spc_nhsr_cases.csv (one row per case: its options) and spc_nhsr.csv (one row per point).

# ---- ptd_spc_standard: limits per rebase group ------------------------------------------------
ptd_standard <- function(y, rebase, fix_after_n_points, screen_outliers) {
  limit <- 2.66
  limitclose <- 2 * (limit / 3)
  rebase_group <- cumsum(rebase)
  out <- NULL
  for (g in unique(rebase_group)) {
    yy <- y[rebase_group == g]
    fix_y <- ifelse(seq_along(yy) <= (if (is.null(fix_after_n_points)) Inf else fix_after_n_points),
                    yy, NA)
    mean_col <- mean(fix_y, na.rm = TRUE)
    mr <- c(NA, abs(diff(fix_y)))
    amr <- mean(mr, na.rm = TRUE)
    mr <- if (!screen_outliers) mr else ifelse(mr < 3.267 * amr, mr, NA)
    amr <- mean(mr, na.rm = TRUE)
    lpl <- mean_col - (limit * amr)
    upl <- mean_col + (limit * amr)
    nlpl <- mean_col - (limitclose * amr)
    nupl <- mean_col + (limitclose * amr)
    outside_limits <- (yy > upl | yy < lpl)
    relative_to_mean <- sign(yy - mean_col)
    close_to_limits <- !outside_limits & (yy < nlpl | yy > nupl)
    out <- rbind(out, data.frame(y = yy, rebase_group = g, mean_col = mean_col, lpl = lpl,
                                 upl = upl, nlpl = nlpl, nupl = nupl,
                                 outside_limits = outside_limits,
                                 relative_to_mean = relative_to_mean,
                                 close_to_limits = close_to_limits))
  }
  out
}

# ---- ptd_calculate_point_type.R, verbatim apart from dplyr::case_when -> nested ifelse -----
ptd_seven_point_one_side_mean <- function(v) {
  vp <- c(rep(0, 6), v)
  vapply(seq_along(v) + 6, function(i) {
    all(vp[[i]] == vp[i - 1:6]) & vp[[i]] != 0
  }, numeric(1))
}

ptd_part_of_seven_trend <- function(v) {
  vp <- c(v, rep(0, 6))
  vapply(seq_along(v), function(i) {
    any(abs(vp[i + 0:6]) == 1)
  }, numeric(1))
}

ptd_seven_point_trend <- function(y) {
  if (length(y) < 7) {
    return(numeric(length(y)))
  }
  c(
    rep(0, 6),
    vapply(seq_along(y)[-(1:6)], function(i) {
      d <- sign(diff(y[i - 0:6])) * -1
      if (all(d == 1)) {
        return(1)
      }
      if (all(d == -1)) {
        return(-1)
      }
      0
    }, numeric(1))
  )
}

ptd_two_in_three <- function(v, rtm) {
  if (length(v) == 0) {
    return(numeric())
  }
  vp <- c(0, 0, v, 0, 0)
  rtmp <- c(0, 0, rtm, 0, 0)
  vapply(seq_along(v), function(i) {
    ((sum(vp[i + 0:2]) >= 2) & (abs(sum(rtmp[i + 0:2])) == 3)) ||
      ((sum(vp[i + 1:3]) >= 2) & (abs(sum(rtmp[i + 1:3])) == 3)) ||
      ((sum(vp[i + 2:4]) >= 2) & (abs(sum(rtmp[i + 2:4])) == 3))
  }, numeric(1))
}

ptd_part_of_two_in_three <- function(v, x) {
  as.numeric(v == 1 & abs(x) == 1)
}

ptd_special_cause_type <- function(y, relative_to_mean, close_to_limits, outside_limits) {
  part_seven_point_trend <- ptd_part_of_seven_trend(ptd_seven_point_trend(y))
  part_two_in_three <- ptd_part_of_two_in_three(ptd_two_in_three(close_to_limits, relative_to_mean),
                                                close_to_limits)
  part_seven_point_one_side_mean <- ptd_part_of_seven_trend(
    ptd_seven_point_one_side_mean(relative_to_mean))
  sdy <- sign(diff(y))
  sdy <- ifelse(
    c(part_seven_point_trend[-1], 0) & part_seven_point_trend,
    c(sdy, utils::tail(sdy, 1)),
    c(0, sdy)
  )
  above_or_below <- ifelse(relative_to_mean > 0, "Above", "Below")
  ifelse(outside_limits != 0, ifelse(relative_to_mean == 1, "Above UCL", "Below LCL"),
  ifelse(part_seven_point_trend != 0,
         paste0("7 Point Trend (", ifelse(sdy == 1, "In", "De"), "creasing)"),
  ifelse(part_two_in_three != 0, paste0("2 in 3 ", above_or_below, " CL"),
  ifelse(part_seven_point_one_side_mean != 0, paste0("7 Points ", above_or_below, " CL"),
         "Common Cause"))))
}

ptd_point_type <- function(special_cause_type, improvement_direction) {
  v <- ifelse(grepl("Above|Increasing", special_cause_type), 1,
              ifelse(grepl("Below|Decreasing", special_cause_type), -1, 0))
  if (improvement_direction == 0) {
    ifelse(v > 0, "special_cause_neutral_high",
           ifelse(v < 0, "special_cause_neutral_low", "common_cause"))
  } else {
    v <- v * improvement_direction
    ifelse(v > 0, "special_cause_improvement",
           ifelse(v < 0, "special_cause_concern", "common_cause"))
  }
}

# ---- ptd_calculate_assurance_type: from the last row ------------------------------------------
ptd_assurance <- function(d, target, improvement_direction) {
  if (is.na(target) || improvement_direction == 0) return(NA)
  last <- d[nrow(d), ]
  if (target > last$upl) return(if (improvement_direction == 1) "consistent_fail" else "consistent_pass")
  if (target < last$lpl) return(if (improvement_direction == 1) "consistent_pass" else "consistent_fail")
  "inconsistent"
}

ptd <- function(y, rebase_at = integer(0), fix = NULL, screen = TRUE, direction = 1,
                target = NA) {
  rebase <- rep(0, length(y))
  rebase[rebase_at] <- 1
  d <- ptd_standard(y, rebase, fix, screen)
  d$special_cause_type <- NA
  for (g in unique(d$rebase_group)) {
    k <- d$rebase_group == g
    d$special_cause_type[k] <- ptd_special_cause_type(d$y[k], d$relative_to_mean[k],
                                                      d$close_to_limits[k], d$outside_limits[k])
  }
  d$point_type <- ptd_point_type(d$special_cause_type, direction)
  list(points = d, assurance = ptd_assurance(d, target, direction),
       variation = d$point_type[nrow(d)])
}

# ---- cases ------------------------------------------------------------------------------------
cases <- list()
add <- function(name, y, rebase_at = integer(0), fix = NULL, screen = TRUE, direction = 1,
                target = NA) {
  cases[[length(cases) + 1]] <<- list(name = name, y = y, rebase_at = rebase_at, fix = fix,
                                      screen = screen, direction = direction, target = target)
}

# NHSRplotthedots' own test data (tests/testthat/test-ptd_spc_standard.R): its snapshot reports
# mean 0.142, lpl -3.01, upl 3.29 (_snaps/ptd_spc.md).
set.seed(123)
snap <- rnorm(20)
add("nhsr_snapshot", snap)
outlier <- snap
outlier[15] <- 10
add("nhsr_outlier_screened", outlier, screen = TRUE)
add("nhsr_outlier_unscreened", outlier, screen = FALSE)
# ... and its test that two points close to opposite limits are common cause
opposite <- rep(c(1, -1), times = 8)
opposite[15] <- 5.5
opposite[16] <- -5.5
add("nhsr_two_in_three_opposite", opposite)

# Planted patterns on monthly-looking counts (36 points), several options.
set.seed(20250401)
base <- round(rnorm(36, 200, 12), 1)
shifted <- base
shifted[25:36] <- shifted[25:36] + 30
add("shift_up_increase_target", shifted, direction = 1, target = 190)
add("shift_up_decrease_target", shifted, direction = -1, target = 260)
add("shift_rebased", shifted, rebase_at = 25, direction = -1, target = 215)
add("shift_fixed12", shifted, fix = 12, direction = 1)
trend <- base
trend[20:28] <- 200 + 4 * (0:8) + c(0.3, -0.2, 0.1, 0.4, -0.1, 0.2, 0.0, 0.3, -0.3)
add("trend_neutral", trend, direction = 0, target = 210)
spike <- base
spike[c(10, 31)] <- c(260, 140)
add("spikes_increase", spike, direction = 1, target = 150)
near <- base
near[c(12, 14)] <- c(229, 231)
near[c(30, 31)] <- c(171, 170)
add("two_of_three", near, direction = -1)
for (s in 1:6) {
  add(paste0("random_", s), round(rnorm(30, 50, 5) + cumsum(rnorm(30, 0, 1.5)), 2),
      direction = if (s %% 2) 1 else -1, target = 50, fix = if (s == 3) 15 else NULL,
      rebase_at = if (s == 5) 16 else integer(0))
}

rows <- NULL
meta <- NULL
for (k in seq_along(cases)) {
  cs <- cases[[k]]
  r <- ptd(cs$y, cs$rebase_at, cs$fix, cs$screen, cs$direction, cs$target)
  p <- r$points
  rows <- rbind(rows, data.frame(case = cs$name, position = seq_along(cs$y) - 1, y = cs$y,
                                 mean = p$mean_col, lpl = p$lpl, upl = p$upl, nlpl = p$nlpl,
                                 nupl = p$nupl, special_cause_type = p$special_cause_type,
                                 point_type = p$point_type))
  meta <- rbind(meta, data.frame(
    case = cs$name,
    rebase = if (length(cs$rebase_at)) paste(cs$rebase_at - 1, collapse = ";") else "",
    fix = if (is.null(cs$fix)) NA else cs$fix, screen = cs$screen,
    improvement = c("decrease", "neutral", "increase")[cs$direction + 2],
    target = cs$target, assurance = r$assurance, variation = r$variation))
}
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
write.csv(rows, file.path(here, "spc_nhsr.csv"), row.names = FALSE)
write.csv(meta, file.path(here, "spc_nhsr_cases.csv"), row.names = FALSE)
cat(R.version.string, "\n")
