# Reference values for scrutiny.rates dsr, isr and rate_ci(method="byar"/"phe"), from a
# base-R transliteration of PHEindicatormethods (which is not packaged for Debian).
# Transliterated from ukhsa-collaboration/PHEindicatormethods (version 2.0.x):
#   R/Byars.R        byars_lower, byars_upper
#   R/Rates.R        phe_rate (commit 1fffcf5e): exact (qchisq) below 10 events, Byar from 10
#   R/DSR.R          calculate_dsr -> dsr_inner (independent events): Dobson method with Byar
#                    limits of the total count; value and limits NA when total count < 10
#   R/ISRatio.R      calculate_ISRatio: expected = sum(x_ref / n_ref * n); exact (qchisq) below
#                    10 observed, Byar from 10; refvalue multiplies value and limits
# Tool: R 4.2.2 (Debian r-base-core).  Run from the repository root:
#   Rscript tests/reference/rates_phe.R
# Writes tests/reference/rates_phe_*.csv (inputs and outputs, 17 significant digits).

out <- function(df, name) {
  num <- vapply(df, is.numeric, logical(1))
  df[num] <- lapply(df[num], function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v)))
  write.csv(df, file.path("tests", "reference", paste0("rates_phe_", name, ".csv")),
            row.names = FALSE, quote = TRUE)
}

# --- R/Byars.R -----------------------------------------------------------------------------
byars_lower <- function(x, confidence = 0.95) {
  z <- qnorm(confidence + (1 - confidence) / 2)
  x * (1 - 1 / (9 * x) - z / (3 * sqrt(x)))^3
}
byars_upper <- function(x, confidence = 0.95) {
  z <- qnorm(confidence + (1 - confidence) / 2)
  (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * sqrt(x + 1)))^3
}

# --- R/Rates.R (phe_rate, one confidence level) ----------------------------------------------
phe_rate <- function(x, n, confidence = 0.95, multiplier = 100000) {
  data.frame(
    value = x / n * multiplier,
    lowercl = ifelse(x < 10, qchisq((1 - confidence) / 2, 2 * x) / 2 / n * multiplier,
                     byars_lower(x, confidence) / n * multiplier),
    uppercl = ifelse(x < 10, qchisq(confidence + (1 - confidence) / 2, 2 * x + 2) / 2 / n * multiplier,
                     byars_upper(x, confidence) / n * multiplier))
}

# --- R/DSR.R (dsr_inner, independent events, one confidence level) ------------------------
dsr_inner <- function(x, n, stdpop, confidence = 0.95, multiplier = 100000) {
  x0 <- ifelse(is.na(x), 0, x)                       # na.zero
  wt_rate <- x0 * stdpop / n
  sq_rate <- x0 * (stdpop / n)^2
  total_count <- sum(x, na.rm = TRUE)
  value <- sum(wt_rate) / sum(stdpop) * multiplier
  vardsr <- 1 / sum(stdpop)^2 * sum(sq_rate)
  lowercl <- value + sqrt(vardsr / total_count) *
    (byars_lower(total_count, confidence) - total_count) * multiplier
  uppercl <- value + sqrt(vardsr / total_count) *
    (byars_upper(total_count, confidence) - total_count) * multiplier
  if (total_count < 10) value <- lowercl <- uppercl <- NA
  data.frame(total_count = total_count, total_pop = sum(n), value = value,
             lowercl = lowercl, uppercl = uppercl)
}

# --- R/ISRatio.R (calculate_ISRatio, one confidence level) ----------------------------------
isratio <- function(x, n, x_ref, n_ref, confidence = 0.95, refvalue = 1) {
  observed <- sum(x, na.rm = TRUE)
  expected <- sum(ifelse(is.na(x_ref), 0, x_ref) / n_ref * ifelse(is.na(n), 0, n))
  data.frame(
    observed = observed, expected = expected, value = observed / expected * refvalue,
    lowercl = ifelse(observed < 10, qchisq((1 - confidence) / 2, 2 * observed) / 2 / expected * refvalue,
                     byars_lower(observed, confidence) / expected * refvalue),
    uppercl = ifelse(observed < 10, qchisq(confidence + (1 - confidence) / 2, 2 * observed + 2) / 2 / expected * refvalue,
                     byars_upper(observed, confidence) / expected * refvalue))
}

# rate_ci: Byar at every count (byars_lower / byars_upper of the count over the exposure) and
# "phe" (phe_rate).  Byar's lower limit at 0 events is NaN in R (0 * -Inf): not written.
counts <- c(0, 1, 4, 9, 10, 11, 37, 250, 1234)
expo <- c(2.385, 1, 120.5, 13.7, 13.7, 0.482, 3.25, 98765.4, 1e6)
rows <- list()
for (conf in c(0.95, 0.998, 0.9)) {
  ph <- phe_rate(counts, expo, conf, multiplier = 1000)
  rows[[length(rows) + 1]] <- data.frame(
    count = counts, exposure = expo, conf = conf, per = 1000,
    byar_lower = byars_lower(counts, conf) / expo * 1000,
    byar_upper = byars_upper(counts, conf) / expo * 1000,
    phe_lower = ph$lowercl, phe_upper = ph$uppercl,
    call = sprintf("byars_lower/upper(count, %g)/exposure*1000; phe_rate(count, exposure, %g, 1000)",
                   conf, conf))
}
out(do.call(rbind, rows), "rate_ci")

# dsr: 5 areas x 19 bands (the fifth with 7 events in all, so suppressed), European Standard Population 2013 (PHEindicatormethods' esp2013).
esp2013 <- c(5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000,
             5500, 5000, 4000, 2500, 1500, 1000)
set.seed(2385)
k <- length(esp2013)
pops <- matrix(sample(2000:25000, 5 * k, replace = TRUE), nrow = 5)
lambda <- outer(c(1, 1.4, 0.004, 0.7, 0), seq(0.2, 12, length.out = k)) * 1e-3
cnt <- matrix(rpois(5 * k, pops * lambda), nrow = 5)
cnt[4, c(1, 2, 5)] <- 0
cnt[5, ] <- c(rep(0, 13), 1, 0, 2, 1, 3, 0)
inputs <- data.frame(area = rep(1:5, each = k) - 1, band = rep(seq_len(k), 5) - 1,
                     count = as.vector(t(cnt)), population = as.vector(t(pops)),
                     standard = rep(esp2013, 5))
out(inputs, "dsr_inputs")
rows <- list()
for (conf in c(0.95, 0.998)) for (a in 1:5) {
  d <- dsr_inner(cnt[a, ], pops[a, ], esp2013, conf, 100000)
  rows[[length(rows) + 1]] <- cbind(data.frame(area = a - 1, conf = conf), d,
    call = sprintf("dsr_inner(count[area], population[area], esp2013, confidence=%g, multiplier=1e5)", conf))
}
out(do.call(rbind, rows), "dsr")

# isr: 5 areas x 6 bands; reference rates x_ref / n_ref.
x_ref <- c(31, 102, 254, 611, 1297, 2403)
n_ref <- c(410235, 520871, 498020, 387112, 250903, 120887)
ipop <- rbind(c(2385, 4761, 5012, 3902, 2210, 987),
              c(812, 1230, 1415, 1011, 640, 221),
              c(15230, 18872, 20110, 17003, 9876, 4321),
              c(301, 402, 377, 250, 160, 61),
              c(5101, 6120, 5890, 4300, 2600, 1411))
iobs <- rbind(c(0, 1, 3, 5, 12, 21),
              c(0, 0, 1, 1, 2, 3),
              c(2, 5, 11, 30, 51, 99),
              c(0, 0, 0, 0, 0, 0),
              c(1, 2, 2, 4, 0, 0))
inputs <- data.frame(area = rep(1:5, each = 6) - 1, band = rep(1:6, 5) - 1,
                     observed = as.vector(t(iobs)), population = as.vector(t(ipop)),
                     x_ref = rep(x_ref, 5), n_ref = rep(n_ref, 5))
out(inputs, "isr_inputs")
rows <- list()
for (conf in c(0.95, 0.998)) for (a in 1:5) {
  d <- isratio(iobs[a, ], ipop[a, ], x_ref, n_ref, conf, 1)
  rows[[length(rows) + 1]] <- cbind(data.frame(area = a - 1, conf = conf), d,
    call = sprintf("calculate_ISRatio(observed[area], population[area], x_ref, n_ref, confidence=%g, refvalue=1)", conf))
}
out(do.call(rbind, rows), "isr")
