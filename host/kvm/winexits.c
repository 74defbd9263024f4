// SPDX-License-Identifier: GPL-2.0-only
/*
 * --window-exits: how many KVM exits fell inside the guest's timed
 * window.  KVM's stats are whole-run counters and the guest does not
 * exit at its window edges (that would disturb the window), so a second
 * host thread samples the vCPU's "exits" counter every 100 us together
 * with the host's CNTVCT; after the run the window [t_start, t_end] of
 * the record, moved to host time by the offset measured before the
 * first KVM_RUN, is located among the samples.  The result is a range:
 * at least the exits between the first sample inside the window and the
 * last one inside it, at most those between the last sample before it
 * and the first one after it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kvm/winexits.h"

#define WX_PERIOD_NS	100000		/* between two samples */
#define WX_MAX		(1u << 21)	/* ~3.5 min of samples at 100 us */

struct mb_wx {
	pthread_t tid;
	int fd;
	uint64_t at;			/* offset of the counter in the fd */
	atomic_int stop;
	atomic_uint n;
	struct mb_wx_sample *s;
};

/* The host's virtual counter; CNTVCT_EL0 is readable at EL0. */
uint64_t mb_host_cntvct(void)
{
#ifdef __aarch64__
	uint64_t v;

	asm volatile("isb; mrs %0, cntvct_el0" : "=r"(v) :: "memory");
	return v;
#else
	return 0;
#endif
}

static void *sampler(void *arg)
{
	struct mb_wx *w = arg;
	struct timespec ts = { 0, WX_PERIOD_NS };

	while (!atomic_load(&w->stop)) {
		unsigned int n = atomic_load(&w->n);
		struct mb_wx_sample *s = &w->s[n];
		uint64_t v;

		if (n == WX_MAX)
			break;
		s->lo = mb_host_cntvct();
		if (pread(w->fd, &v, sizeof(v), w->at) == sizeof(v)) {
			s->hi = mb_host_cntvct();
			s->exits = v;
			atomic_store(&w->n, n + 1);
		}
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* cpus (a cpu_set_t): where the sampler may run -- not on a pinned
 * vCPU's CPU, where it would wait behind KVM_RUN; NULL: anywhere */
struct mb_wx *mb_wx_start(int fd, uint64_t at, const void *cpus)
{
	struct mb_wx *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	sigset_t block, old;
	int ret;

	if (!w)
		return NULL;
	/* touched as it fills: costs what the run's length needs */
	w->s = malloc(WX_MAX * sizeof(*w->s));
	if (!w->s) {
		free(w);
		return NULL;
	}
	w->fd = fd;
	w->at = at;
	/* the vCPU thread takes SIGINT, SIGTERM and the timeout */
	sigfillset(&block);
	pthread_attr_init(&attr);
	if (cpus)
		pthread_attr_setaffinity_np(&attr, sizeof(cpu_set_t), cpus);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ret = pthread_create(&w->tid, &attr, sampler, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (ret) {
		free(w->s);
		free(w);
		errno = ret;
		return NULL;
	}
	/* a sample before the guest starts, or the window has no "before" */
	for (int i = 0; i < 10000 && !atomic_load(&w->n); i++) {
		struct timespec ts = { 0, 50000 };

		nanosleep(&ts, NULL);
	}
	return w;
}

/* Stop sampling; the samples stay for mb_wx_count(). */
unsigned int mb_wx_stop(struct mb_wx *w, const struct mb_wx_sample **s)
{
	if (!w)
		return 0;
	atomic_store(&w->stop, 1);
	pthread_join(w->tid, NULL);
	*s = w->s;
	return atomic_load(&w->n);
}

void mb_wx_free(struct mb_wx *w)
{
	if (!w)
		return;
	free(w->s);
	free(w);
}

/*
 * Exits in the host-time window [start, end], the window already widened
 * (for max) or narrowed (for min) by slack, the uncertainty of the
 * guest-to-host counter offset.  Samples are in time order.  Returns -1
 * when the samples do not surround the window.
 */
int mb_wx_count(const struct mb_wx_sample *s, unsigned int n,
		uint64_t start, uint64_t end, uint64_t slack, uint64_t *min,
		uint64_t *max)
{
	uint64_t ws = start - slack, we = end + slack;
	uint64_t is = start + slack, ie = end - slack;
	int before = -1, after = -1, first_in = -1, last_in = -1;

	if (end < start || start < slack)
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		if (s[i].hi <= ws)
			before = i;			/* read before it */
		if (after < 0 && s[i].lo >= we)
			after = i;			/* read after it */
		if (s[i].lo >= is && s[i].hi <= ie) {
			if (first_in < 0)
				first_in = i;
			last_in = i;
		}
	}
	if (before < 0 || after < 0 ||
	    s[after].exits < s[before].exits)
		return -1;
	*max = s[after].exits - s[before].exits;
	*min = 0;
	if (first_in >= 0 && ie > is &&
	    s[last_in].exits >= s[first_in].exits)
		*min = s[last_in].exits - s[first_in].exits;
	return 0;
}
