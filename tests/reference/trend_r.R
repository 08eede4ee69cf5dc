# Reference values for scrutiny.trend from R package trend's mk.test, sens.slope and
# pettitt.test, transliterated (trend is not packaged for Debian).
#
# Tool: R 4.2.2 (Debian r-base-core).  Source transliterated: CRAN package trend by Thorsten
# Pohlert, GitHub mirror cran/trend -- R/mk.test.R and R/sens.slope.R at commit
# 184ad4e65d46930f9877de3f7a72eddbd35d0262 (trend 1.1.1; unchanged in 1.1.4), R/utilfn.R
# (.varmk, .Dfn, .mkScore) at 545a46b36f9d144930bd8b10674f7e756db747c9, R/pettitt.test.R at
# 576d042f5c60ddef0c674881d05db60094053be5 (trend 1.1.4).  The bodies below are those
# functions with the htest wrapping removed; nothing else is changed.
# Run:  Rscript tests/reference/trend_r.R
# (writes trend_r_inputs.csv, trend_r_mk.csv, trend_r_sens.csv, trend_r_pettitt.csv here)
options(digits = 17)
set.seed(20250611)

## ---- trend 1.1.4, R/utilfn.R ----
.varmk <- function(t, n) {
    tadjs <- sum(t * (t - 1) * (2 * t + 5))
    varS <- (n * (n-1) * (2 * n + 5) - tadjs) / 18
    return(varS)
}
.Dfn <- function(t, n) {
    tadjd <- sum(t * (t - 1))
    D <- sqrt(1/2 * n * (n - 1) - 1/2 * tadjd) * sqrt(1/2 * n * (n - 1))
    return(D)
}
.mkScore <- function(x) {
    n <- length(x)
    S <- 0.0
    for (j in 1:n) S <- S + sum(sign(x[j] - x[1:j]))
    return(S)
}

## ---- trend 1.1.4, R/mk.test.R (two-sided, continuity = TRUE) ----
mk_test <- function(x) {
    n <- length(x)
    if (n < 3) stop("'x' must have at least 3 elements")
    S <- .mkScore(x)
    t <- table(x); names(t) <- NULL
    varS <- .varmk(t, n)
    D <- .Dfn(t, n)
    tau <- S / D
    sg <- sign(S)
    z <- sg * (abs(S) - 1) / sqrt(varS)
    pval <- 2 * min(0.5, pnorm(abs(z), lower.tail = FALSE))
    c(S = S, varS = varS, tau = tau, z = z, p = pval)
}

## ---- trend 1.1.4, R/sens.slope.R ----
sens_slope <- function(x, conf.level = 0.95) {
    n <- length(x)
    t <- table(x); names(t) <- NULL
    varS <- .varmk(t, n)
    k <- 0
    d <- rep(NA, n * (n-1)/2)
    for (i in 1:(n-1)) {
        for (j in (i+1):n) {
            k <- k + 1
            d[k] <- (x[j] - x[i]) / (j - i)
        }
    }
    b.sen <- median(d, na.rm = TRUE)
    C <- qnorm(1 - (1 - conf.level)/2) * sqrt(varS)
    rank.up <- round((k + C) / 2 + 1)
    rank.lo <- round((k - C) / 2)
    rank.d <- sort(d)
    lo <- if (rank.lo >= 1) rank.d[rank.lo] else NA    # R gives numeric(0) for rank 0
    up <- rank.d[rank.up]                                # NA beyond k
    c(slope = b.sen, lower = lo, upper = up)
}

## ---- trend 1.1.4, R/pettitt.test.R ----
pettitt_test <- function(x) {
    n <- length(x)
    k <- 1:n
    r <- rank(x)
    Uk <- sapply(k, function(x) 2 * sum(r[1:x]) - x*(n+1))
    Uka <- abs(Uk)
    U <- max(Uka)
    K <- k[Uka == U]
    pval <- min(1, 2.0 * exp(( -6.0 * U^2) / (n^3 + n^2)))
    c(U = U, K = K[1], p = pval)     # first maximiser (scrutiny's location is K - 1)
}

## ---- inputs: continuous and count series, with ties, trends, shifts and short lengths ----
series <- list()
lengths <- c(3, 4, 5, 7, 12, 24, 36, 60, 100)
for (n in lengths) {
    series[[length(series) + 1]] <- round(rnorm(n, 50, 8) + 0.35 * (1:n), 3)        # trend
    series[[length(series) + 1]] <- as.numeric(rpois(n, 6))                        # ties
    series[[length(series) + 1]] <- round(rnorm(n, 20, 3) + 6 * ((1:n) > n / 2.5), 2)  # shift
}
series[[length(series) + 1]] <- c(4, 4, 4, 5, 5, 5, 6, 6, 2, 2, 9, 1)                # heavy ties
series[[length(series) + 1]] <- as.numeric(rpois(60, 0.7))                          # sparse counts

full <- function(v) sprintf("%.17g", v)
inputs <- do.call(rbind, lapply(seq_along(series), function(i)
    data.frame(series = i - 1, position = seq_along(series[[i]]) - 1, value = full(series[[i]]))))
write.csv(inputs, "tests/reference/trend_r_inputs.csv", row.names = FALSE, quote = FALSE)

mk <- do.call(rbind, lapply(seq_along(series), function(i) {
    x <- series[[i]]
    if (length(x) < 3 || length(unique(x)) == 1) return(NULL)
    r <- mk_test(x)
    data.frame(series = i - 1, S = full(r["S"]), varS = full(r["varS"]), tau_b = full(r["tau"]),
               z = full(r["z"]), pvalue = full(r["p"]))
}))
write.csv(mk, "tests/reference/trend_r_mk.csv", row.names = FALSE, quote = FALSE)

sens <- do.call(rbind, lapply(seq_along(series), function(i) {
    x <- series[[i]]
    if (length(unique(x)) == 1) return(NULL)
    do.call(rbind, lapply(c(0.8, 0.9, 0.95, 0.99), function(level) {
        r <- sens_slope(x, level)
        data.frame(series = i - 1, conf = level, slope = full(r["slope"]),
                   lower = full(r["lower"]), upper = full(r["upper"]))
    }))
}))
write.csv(sens, "tests/reference/trend_r_sens.csv", row.names = FALSE, quote = FALSE)

pet <- do.call(rbind, lapply(seq_along(series), function(i) {
    x <- series[[i]]
    if (length(unique(x)) == 1) return(NULL)
    r <- pettitt_test(x)
    data.frame(series = i - 1, U = full(r["U"]), K = r["K"], pvalue = full(r["p"]))
}))
write.csv(pet, "tests/reference/trend_r_pettitt.csv", row.names = FALSE, quote = FALSE)
