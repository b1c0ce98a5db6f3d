# Reference values for test/unit/shared/stats/bootstrap-*.test.ts, computed with Debian's R 4.2.2 (r-base-core) and
# boot 1.3-28.1 (r-cran-boot). Run from the repository root:  Rscript test/unit/shared/stats/bootstrap/reference.R
# The tests hard-code the printed numbers (17 significant digits).
p17 <- function(label, x) cat(label, ":", paste(sprintf("%.17g", x), collapse = ", "), "\n")

## R's generator (RNGkind() = Mersenne-Twister / Inversion / Rejection, the default)
set.seed(42); p17("runif seed 42", runif(5))
set.seed(-7); p17("sample.int(100000, 8, TRUE) seed -7", sample.int(100000, 8, replace = TRUE))
set.seed(2147483647); p17("sample.int(2, 12, TRUE) seed 2^31-1", sample.int(2, 12, replace = TRUE))
set.seed(5); p17("sample.int(1, 3, TRUE) seed 5", sample.int(1, 3, replace = TRUE))
set.seed(0); p17("sample.int(70000, 6, TRUE) seed 0", sample.int(70000, 6, replace = TRUE))

## quantile(type = 7)
p17("q7 c(3,1,2)", quantile(c(3, 1, 2), c(0, 0.025, 0.5, 0.975, 1), type = 7))
p17("q7 1.5", quantile(1.5, c(0.025, 0.975), type = 7))
p17("q7 c(2,2,2,5)", quantile(c(2, 2, 2, 5), c(0.1, 0.5, 0.9), type = 7))
p17("q7 (1:10/10)^2", quantile((1:10 / 10)^2, c(0.025, 0.33, 0.975), type = 7))

## Stand-in statistic on mobi (X = IMAG1, M = CUSA1, Y = CUSL1), seminr-style resamples, seed 123, R = 2000
d <- read.csv("test/fixtures/reference/data/mobi.csv")
x <- d$IMAG1; m <- d$CUSA1; y <- d$CUSL1
stat <- function(i) {
  xm <- cor(x[i], m[i]); my <- cor(m[i], y[i]); xy <- cor(x[i], y[i])
  tot <- xy + xm * my
  c(path_XM = xm, path_MY = my, path_XY = xy, var_X = var(x[i]), spec_XMY = xm * my, totind_XY = tot - xy)
}
n <- nrow(d); R <- 2000
t <- t(sapply(1:R, function(i) { set.seed(123 + i); stat(sample.int(n, replace = TRUE)) }))
t0 <- stat(1:n)
jk <- t(sapply(1:n, function(i) stat((1:n)[-i])))
library(boot)
b <- boot(d, function(dd, i) stat(i), R = 2)  # a boot object to carry our draws
b$t <- t; b$t0 <- t0; b$R <- R
for (j in seq_along(t0)) {
  L <- (n - 1) * (mean(jk[, j]) - jk[, j])   # jackknife influence values, = empinf(type = "jack")
  ci <- boot.ci(b, conf = 0.95, type = "bca", index = j, L = L)
  sdj <- sd(t[, j])
  p17(paste("standin", names(t0)[j], "orig,mean,sd,t,p,q025,q975,bcaL,bcaU"),
      c(t0[j], mean(t[, j]), sdj, t0[j] / sdj, 2 * pt(-abs(t0[j] / sdj), R - 1),
        quantile(t[, j], c(0.025, 0.975)), ci$bca[4:5]))
}
