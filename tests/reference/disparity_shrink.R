# Reference empirical-Bayes fits for scrutiny.shrink(), by R's optim on the marginal likelihood.
#
# Tool: R 4.2.2 (stats::optim Nelder-Mead then BFGS, reltol 1e-15; lbeta, lchoose, dnbinom,
# qbeta, qgamma).  Independent of scrutiny's Newton iteration: the likelihoods are written from
# their textbook forms.
#   beta-binomial: sum lchoose(n, x) + lbeta(a + x, b + n - x) - lbeta(a, b)
#   gamma-Poisson: sum dnbinom(x, size = a, prob = b / (b + n), log = TRUE)
# Posterior: Beta(a + x, b + n - x) / Gamma(a + x, rate b + n); mean and 2.5%, 97.5% quantiles.
# Run:  Rscript tests/reference/disparity_shrink.R   (writes tests/reference/disparity_shrink.csv)
options(digits = 17)
set.seed(5150)

fit <- function(nll, start) {
  o <- optim(start, nll, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 20000))
  o <- optim(o$par, nll, method = "BFGS", control = list(reltol = 1e-15, maxit = 2000))
  o
}

k <- 48
n <- round(exp(runif(k, log(25), log(6000))))
x <- rbinom(k, n, rbeta(k, 9, 31))
bb <- function(t) { a <- exp(t[1]); b <- exp(t[2])
  -sum(lchoose(n, x) + lbeta(a + x, b + n - x) - lbeta(a, b)) }
o <- fit(bb, c(log(5), log(15)))
a <- exp(o$par[1]); b <- exp(o$par[2])
prop <- data.frame(case = "proportion", x = x, n = n, alpha = a, beta = b, loglik = -o$value,
                   estimate = (a + x) / (a + b + n), lower = qbeta(0.025, a + x, b + n - x),
                   upper = qbeta(0.975, a + x, b + n - x))

e <- round(exp(runif(k, log(300), log(90000))), 1)
y <- rpois(k, e * rgamma(k, shape = 7, rate = 7 / 0.0081))
gp <- function(t) -sum(dnbinom(y, size = exp(t[1]), prob = exp(t[2]) / (exp(t[2]) + e), log = TRUE))
o <- fit(gp, c(log(5), log(600)))
a <- exp(o$par[1]); b <- exp(o$par[2])
rate <- data.frame(case = "rate", x = y, n = e, alpha = a, beta = b, loglik = -o$value,
                   estimate = (a + y) / (b + e), lower = qgamma(0.025, a + y, rate = b + e),
                   upper = qgamma(0.975, a + y, rate = b + e))

res <- rbind(prop, rate)
full <- function(df) { for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]]); df }
write.csv(full(res), "tests/reference/disparity_shrink.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, ": wrote", nrow(res), "rows\n")
