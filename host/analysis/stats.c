// SPDX-License-Identifier: GPL-2.0-only
/*
 * Statistics of a point's runs: robust summaries (median, MAD, p90), a
 * bootstrap confidence interval of the median with a fixed seed (so a
 * report is the same every time it is printed), and the Mann-Whitney U
 * test the regression gate uses.  Definitions follow numpy/scipy, and the
 * unit tests check them against values scipy computed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

uint64_t mb_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double mb_quantile(const double *sorted, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (!n)
		return NAN;
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return sorted[n - 1];
	frac = h - (double)lo;
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/* The mean of the middle two for even n, as numpy.median. */
double mb_median_sorted(const double *sorted, size_t n)
{
	if (!n)
		return NAN;
	if (n & 1)
		return sorted[n / 2];
	return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

int mb_bootstrap_ci(const double *x, size_t n, unsigned int resamples,
		    uint64_t seed, double level, double *lo, double *hi)
{
	double *meds, *s;
	uint64_t st = seed;

	if (!n || !resamples)
		return -1;
	meds = malloc(resamples * sizeof(*meds));
	s = malloc(n * sizeof(*s));
	if (!meds || !s) {
		free(meds);
		free(s);
		return -1;
	}
	for (unsigned int b = 0; b < resamples; b++) {
		for (size_t i = 0; i < n; i++) {
			/* multiply-shift: an index in [0, n) from 64 bits */
			unsigned __int128 r = mb_rng_next(&st);

			s[i] = x[(size_t)((r * n) >> 64)];
		}
		qsort(s, n, sizeof(*s), cmp_double);
		meds[b] = mb_median_sorted(s, n);
	}
	qsort(meds, resamples, sizeof(*meds), cmp_double);
	*lo = mb_quantile(meds, resamples, (1 - level) / 2);
	*hi = mb_quantile(meds, resamples, 1 - (1 - level) / 2);
	free(meds);
	free(s);
	return 0;
}

int mb_stats_compute(const double *x, size_t n, struct mb_stats *st)
{
	double *s, *dev, sum = 0, ss = 0;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	st->n = n;
	if (!n)
		return 0;
	s = malloc(n * sizeof(*s));
	dev = malloc(n * sizeof(*dev));
	if (!s || !dev)
		goto out;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = mb_median_sorted(s, n);
	st->p90 = mb_quantile(s, n, 0.9);
	for (size_t i = 0; i < n; i++) {
		sum += s[i];
		dev[i] = fabs(s[i] - st->median);
	}
	qsort(dev, n, sizeof(*dev), cmp_double);
	st->mad = mb_median_sorted(dev, n);
	st->mean = sum / n;
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - st->mean) * (s[i] - st->mean);
	st->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
	st->cv = st->mean ? st->sd / st->mean : 0;
	ret = mb_bootstrap_ci(s, n, MB_BOOT_RESAMPLES, MB_BOOT_SEED, 0.95,
			      &st->ci_lo, &st->ci_hi);
out:
	free(s);
	free(dev);
	return ret;
}

/* ---- Mann-Whitney U -------------------------------------------------- */

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

/*
 * P(U >= u) under H0 with no ties: the counts of U are the coefficients
 * of the Gaussian binomial [m+n choose m]_q, built one factor
 * (1 - q^(n+i)) / (1 - q^i) at a time; each step is again a polynomial
 * with non-negative integer coefficients, exact in a double up to 2^53.
 */
static double mwu_exact_sf(size_t m, size_t n, double u)
{
	size_t deg = m * n, k;
	double *c = calloc(deg + 1, sizeof(*c)), tot = 0, tail = 0;

	if (!c)
		return NAN;
	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		size_t top = i * n;

		for (k = top; k >= n + i && k <= top; k--)
			c[k] -= c[k - n - i];
		for (k = i; k <= top; k++)
			c[k] += c[k - i];
	}
	for (k = 0; k <= deg; k++) {
		tot += c[k];
		if ((double)k >= u)
			tail += c[k];
	}
	free(c);
	return tail / tot;
}

int mb_mannwhitney(const double *x, size_t nx, const double *y, size_t ny,
		   struct mb_mwu *res)
{
	size_t n = nx + ny, i, j;
	struct ranked *r;
	double r1 = 0, tie = 0, u1, u2, u, p;
	bool ties = false;

	memset(res, 0, sizeof(*res));
	if (!nx || !ny)
		return -1;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -1;
	for (i = 0; i < nx; i++)
		r[i] = (struct ranked){ x[i], 1 };
	for (i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){ y[i], 0 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* average ranks over runs of equal values */
	for (i = 0; i < n; i = j) {
		double t, rank;

		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		t = (double)(j - i);
		rank = (double)(i + 1 + j) / 2;
		if (t > 1) {
			ties = true;
			tie += t * t * t - t;
		}
		for (size_t k = i; k < j; k++)
			if (r[k].from_x)
				r1 += rank;
	}
	free(r);
	u1 = r1 - (double)nx * (nx + 1) / 2;
	u2 = (double)nx * ny - u1;
	u = u1 > u2 ? u1 : u2;
	res->u = u1;
	if (!ties && nx * ny <= 2500) {
		res->exact = true;
		p = 2 * mwu_exact_sf(nx, ny, u);
	} else {
		/* normal approximation, tie and continuity corrected */
		double mu = (double)nx * ny / 2;
		double s = sqrt((double)nx * ny / 12 *
				((n + 1) - tie / ((double)n * (n - 1))));

		p = s > 0 ? 2 * 0.5 * erfc((u - mu - 0.5) / s / M_SQRT2) : 2;
	}
	res->p = p > 1 ? 1 : p;
	return isnan(p) ? -1 : 0;
}
