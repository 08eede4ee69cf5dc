# Reference values for scrutiny.disparity_indices() (equal weights) from the ineq package.
#
# Tool: R 4.2.2.  Peer: ineq 0.2-13 (Zeileis; cran/ineq R/ineq.R at commit
# e71e0dc6f7c8657a14d50e2a1de8a494ccc8fc46).  r-cran-ineq is not in this Debian release, so
# Gini(), var.coeff() and Theil() are transliterated verbatim below.
# Calls reproduced: Gini(r), var.coeff(r), Theil(r, parameter = 0), Theil(r, parameter = 1),
# with diff(range(r)) and max(r) / min(r), on r = x / n.
# Run:  Rscript tests/reference/disparity_ineq.R   (writes tests/reference/disparity_ineq.csv)
options(digits = 17)
set.seed(90210)

Gini <- function(x)
{
    n <- length(x)
    x <- sort(x)
    G <- sum(x * 1:n)
    G <- 2*G/(n*sum(x))
    G - 1 - (1/n)
}

var.coeff <- function(x, square=FALSE)
{
    n <- length(x)
    V <- sqrt((n-1)*var(x)/n)/mean(x)
    if(square) V <- V^2
    V
}

Theil <- function(x, parameter=0)
{
  if(is.null(parameter)) parameter <- 0
  if(parameter==0)
  {
    x <- x[!(x==0)]
    Th <- x/mean(x)
    Th <- sum(x*log(Th))
    Th <- Th/sum(x)
  }
  else
  {
    Th <- exp(mean(log(x)))/mean(x)
    Th <- -log(Th)
  }
  Th
}

cases <- list()
one <- function(case, x, n) {
  r <- x / n
  cases[[length(cases) + 1]] <<- data.frame(
    case = case, area = seq_along(x) - 1, x = x, n = n,
    range = diff(range(r)), ratio = max(r) / min(r), cv = var.coeff(r), gini = Gini(r),
    theil = Theil(r, 0), mld = Theil(r, 1))
}
# 43 force areas: population 2,000..310,000, offences at varying rates per head.
n1 <- round(exp(runif(43, log(2000), log(310000))))
one("areas43", rpois(43, n1 * rgamma(43, shape = 6, rate = 6 / 0.0437)), n1)
# 7 areas with ties and awkward values.
one("ties7", c(17, 34, 17, 250, 9, 61, 61), c(1000, 2000, 1000, 9700, 850, 3120, 3120))

res <- do.call(rbind, cases)
full <- function(df) { for (k in names(df)) if (is.double(df[[k]])) df[[k]] <- sprintf("%.17g", df[[k]]); df }
write.csv(full(res), "tests/reference/disparity_ineq.csv", row.names = FALSE, quote = FALSE)
cat(R.version.string, ": wrote", nrow(res), "rows\n")
