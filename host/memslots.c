// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest RAM: one mapping per bank, backed as --backing says, and the
 * optional host prefault.
 *
 * Every mapping is MAP_NORESERVE and never touched here, so a 1 TiB guest
 * costs address space only: pages are allocated when the guest (or the
 * loader, or --prefault host) first writes them.  The usable start is
 * placed so that hva % P == gpa % P for the backing's page size P (the
 * PMD size for anon and THP, the huge page size for hugetlb), so a guest
 * block can be one host page when the backing allows it:
 *
 *   anon     MADV_NOHUGEPAGE: every guest page is a host base page
 *   thp      MADV_HUGEPAGE: the kernel may use PMD pages at fault time
 *   hugetlb  MAP_HUGETLB of the chosen size, from the host's pool
 *
 * What the host really did is read back from smaps after the run.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mapbench.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT		26
#endif

#define DEFAULT_PHASE	(UINT64_C(2) << 20)
#define PF_CHUNK	(UINT64_C(64) << 20)	/* one madvise() call */
#define PF_PER_THREAD	(UINT64_C(256) << 20)	/* below: fewer threads */
#define PF_MAX_THREADS	16

static int ilog2(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

int mb_ram_alloc(struct mb_ram *ram, uint64_t gpa, uint64_t size,
		 enum mb_backing backing, uint64_t page, char *err,
		 size_t errlen)
{
	long psz = sysconf(_SC_PAGESIZE);
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	uint64_t phase, off;
	uintptr_t base, hva;
	size_t len;
	void *map;

	memset(ram, 0, sizeof(*ram));
	if (psz <= 0 || (psz & (psz - 1))) {
		snprintf(err, errlen, "cannot read the host page size");
		return MB_EXIT_VMM;
	}
	if (!size || ((size | gpa) & (uint64_t)(psz - 1))) {
		snprintf(err, errlen,
			 "guest RAM 0x%llx+0x%llx is not aligned to the host page size (%ld)",
			 (unsigned long long)gpa, (unsigned long long)size,
			 psz);
		return MB_EXIT_USAGE;
	}
	if (backing == MB_BACKING_HUGETLB) {
		if (!page || (page & (page - 1)) ||
		    ((gpa | size) & (page - 1))) {
			snprintf(err, errlen,
				 "guest RAM 0x%llx+0x%llx is not a whole number of %llu KiB huge pages",
				 (unsigned long long)gpa,
				 (unsigned long long)size,
				 (unsigned long long)(page >> 10));
			return MB_EXIT_USAGE;
		}
		/* the kernel aligns hugetlb mappings to their page size */
		phase = 0;
		flags |= MAP_HUGETLB | ilog2(page) << MAP_HUGE_SHIFT;
	} else {
		phase = page > (uint64_t)psz ? page : DEFAULT_PHASE;
	}
	if (gpa + size < gpa || size > SIZE_MAX - phase) {
		snprintf(err, errlen, "guest RAM 0x%llx+0x%llx is too large",
			 (unsigned long long)gpa, (unsigned long long)size);
		return MB_EXIT_USAGE;
	}

	/* The slack lets us slide the start to the wanted phase. */
	len = size + phase;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen,
			 "cannot map %llu MiB of guest RAM%s: %s",
			 (unsigned long long)(size >> 20),
			 backing == MB_BACKING_HUGETLB ? " from hugetlb" : "",
			 strerror(errno));
		return backing == MB_BACKING_HUGETLB ? MB_EXIT_HOST :
						       MB_EXIT_VMM;
	}

	base = (uintptr_t)map;
	hva = base;
	if (phase) {
		off = gpa & (phase - 1);
		hva = ((base - off + phase - 1) & ~(uintptr_t)(phase - 1)) +
		      off;
		if (hva < base)
			hva += phase;
	}

	if (backing == MB_BACKING_THP &&
	    madvise((void *)hva, size, MADV_HUGEPAGE)) {
		snprintf(err, errlen, "--backing thp: madvise(MADV_HUGEPAGE): %s",
			 strerror(errno));
		munmap(map, len);
		return MB_EXIT_HOST;
	}
	/* Kernels without THP reject the advice; they back with 4K anyway. */
	if (backing == MB_BACKING_ANON &&
	    madvise((void *)hva, size, MADV_NOHUGEPAGE) && errno != EINVAL) {
		snprintf(err, errlen, "madvise(MADV_NOHUGEPAGE) on guest RAM: %s",
			 strerror(errno));
		munmap(map, len);
		return MB_EXIT_VMM;
	}

	ram->hva = (uint8_t *)hva;
	ram->gpa = gpa;
	ram->size = size;
	ram->map = map;
	ram->map_len = len;
	return 0;
}

void mb_ram_free(struct mb_ram *ram)
{
	if (ram->map)
		munmap(ram->map, ram->map_len);
	memset(ram, 0, sizeof(*ram));
}

/* ---- --prefault host ------------------------------------------------- */

struct pf_chunk {
	uint8_t *hva;
	uint64_t len;
};

struct pf_job {
	struct pf_chunk *chunks;
	unsigned int nr;
	atomic_uint next;
	atomic_int err;			/* first errno */
};

static void *pf_worker(void *arg)
{
	struct pf_job *job = arg;
	unsigned int i;

	while ((i = atomic_fetch_add(&job->next, 1)) < job->nr) {
		int expect = 0;

		if (mb_stop_signal || atomic_load(&job->err))
			break;
		if (madvise(job->chunks[i].hva, job->chunks[i].len,
			    MADV_POPULATE_WRITE))
			atomic_compare_exchange_strong(&job->err, &expect,
						       errno ? errno : EIO);
	}
	return NULL;
}

/*
 * Populate [gpa, gpa + len) of each range with MADV_POPULATE_WRITE, in
 * 64 MiB chunks (or one backing page, if larger; ranges are in whole
 * backing pages) over up to 16 threads (one per 256 MiB, at most one per
 * CPU).  The threads block the signals the vCPU thread handles.
 */
int mb_ram_populate(const struct mb_ram *ram, unsigned int nr_ram,
		    const struct mb_bank *ranges, unsigned int nr_ranges,
		    uint64_t page, unsigned int *threads, char *err,
		    size_t errlen)
{
	/* chunks of whole backing pages (1G hugetlb pages: one each) */
	uint64_t chunk = page > PF_CHUNK ? page : PF_CHUNK;
	pthread_t tid[PF_MAX_THREADS];
	struct pf_job job = { 0 };
	uint64_t total = 0;
	unsigned int nt = 0, cap = 0, want;
	sigset_t block, old;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	*threads = 0;
	for (unsigned int i = 0; i < nr_ranges; i++)
		cap += ranges[i].size / chunk + 1;
	job.chunks = calloc(cap ? cap : 1, sizeof(*job.chunks));
	if (!job.chunks) {
		snprintf(err, errlen, "out of memory");
		return MB_EXIT_VMM;
	}
	for (unsigned int i = 0; i < nr_ranges; i++) {
		const struct mb_ram *r = NULL;
		uint64_t at = ranges[i].base, end = at + ranges[i].size;

		for (unsigned int k = 0; k < nr_ram; k++)
			if (at >= ram[k].gpa && end <= ram[k].gpa + ram[k].size)
				r = &ram[k];
		if (!r) {
			free(job.chunks);
			snprintf(err, errlen,
				 "prefault range 0x%llx+0x%llx is not in one RAM bank",
				 (unsigned long long)ranges[i].base,
				 (unsigned long long)ranges[i].size);
			return MB_EXIT_VMM;
		}
		for (; at < end; at += chunk) {
			uint64_t n = end - at < chunk ? end - at : chunk;

			job.chunks[job.nr].hva = r->hva + (at - r->gpa);
			job.chunks[job.nr].len = n;
			job.nr++;
			total += n;
		}
	}

	want = total / PF_PER_THREAD + 1;
	if (ncpu > 0 && want > ncpu)
		want = ncpu;
	if (want > PF_MAX_THREADS)
		want = PF_MAX_THREADS;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (nt = 0; nt + 1 < want; nt++)
		if (pthread_create(&tid[nt], NULL, pf_worker, &job))
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pf_worker(&job);		/* this thread works too */
	for (unsigned int i = 0; i < nt; i++)
		pthread_join(tid[i], NULL);
	*threads = nt + 1;
	free(job.chunks);

	if (mb_stop_signal) {
		snprintf(err, errlen, "interrupted by signal %d",
			 (int)mb_stop_signal);
		return MB_EXIT_SIGNAL + mb_stop_signal;
	}
	if (atomic_load(&job.err)) {
		int e = atomic_load(&job.err);

		snprintf(err, errlen,
			 "--prefault host: madvise(MADV_POPULATE_WRITE): %s%s",
			 strerror(e), e == EINVAL ?
			 " (needs Linux 5.14 or later)" : "");
		return MB_EXIT_HOST;
	}
	return 0;
}
