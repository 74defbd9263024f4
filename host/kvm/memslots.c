// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KVM backend's guest RAM: the backing checked against what the host
 * offers, one mapping and one KVM memslot per bank
 * (KVM_SET_USER_MEMORY_REGION), the optional host prefault, and after the
 * run the backing the host really gave, read back from smaps.
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

#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "kvm.h"
#include "options.h"
#include "layout.h"
#include "hostinfo.h"
#include "run.h"
#include "signals.h"

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

static int ram_alloc(struct mb_ram *ram, uint64_t gpa, uint64_t size,
		     enum mb_backing backing, uint64_t page, char *err,
		     size_t errlen)
{
	long psz = sysconf(_SC_PAGESIZE);
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	uint64_t phase, off;
	uintptr_t base, hva;
	size_t len;
	void *map;

	/* banks of whole host and huge pages: mb_kvm_backing_prepare() */
	memset(ram, 0, sizeof(*ram));
	if (backing == MB_BACKING_HUGETLB) {
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

static void ram_free(struct mb_ram *ram)
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
static int ram_populate(const struct mb_ram *ram, unsigned int nr_ram,
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

	if (mb_stop_signal)
		return mb_signal_errf(mb_stop_signal, err, errlen, NULL);
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

/* ---- the KVM backend's RAM ---------------------------------------- */

/*
 * What --backing asks for must be possible here, or the run is refused
 * before any RAM exists: banks of whole host pages (16K and 64K hosts:
 * memslots are whole host pages), THP not disabled, the huge page size
 * offered, the banks whole huge pages of the host's default size (an
 * explicit size was checked with the options), and enough free huge
 * pages for every page the guest can touch.
 */
int mb_kvm_backing_prepare(struct mb_vm *v)
{
	const struct mb_run_opts *opts = v->opts;
	const struct mb_params *p = &opts->params;
	uint64_t sizes[16], need, free_pages, pmd = mb_thp_pmd_size();
	char mode[32], sz[32], list[160];
	unsigned int n, i;
	size_t o = 0;
	int bad;

	v->page = sysconf(_SC_PAGESIZE);
	bad = mb_layout_misaligned(p->banks, p->nr_banks, v->page);
	if (bad >= 0)
		return vm_err(v, MB_EXIT_HOST,
			      "RAM bank %d at 0x%llx+0x%llx is not a multiple of this host's %llu KiB pages",
			      bad, (unsigned long long)p->banks[bad].base,
			      (unsigned long long)p->banks[bad].size,
			      (unsigned long long)(v->page >> 10));
	switch (opts->backing) {
	case MB_BACKING_ANON:
		break;
	case MB_BACKING_THP:
		if (mb_thp_mode(mode, sizeof(mode)) || !pmd)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing thp: this kernel has no transparent huge pages (no /sys/kernel/mm/transparent_hugepage)");
		if (!strcmp(mode, "never"))
			return vm_err(v, MB_EXIT_HOST,
				      "--backing thp: transparent huge pages are disabled here (/sys/kernel/mm/transparent_hugepage/enabled is [never])");
		v->page = pmd;
		break;
	case MB_BACKING_HUGETLB:
		v->page = opts->hugepage ? opts->hugepage : mb_hugetlb_default();
		n = mb_hugetlb_sizes(sizes, 16);
		for (i = 0; i < n; i++) {
			mb_format_size(sizes[i], sz, sizeof(sz));
			o += snprintf(list + o, sizeof(list) - o, "%s%s",
				      i ? " " : "", sz);
			if (o >= sizeof(list))
				break;
		}
		for (i = 0; i < n && sizes[i] != v->page; i++)
			;
		mb_format_size(v->page, sz, sizeof(sz));
		if (!v->page || i == n)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing hugetlb%s%s: this host offers no such huge pages (sizes: %s)",
				      opts->hugepage ? ":" : "",
				      opts->hugepage ? sz : "",
				      n ? list : "none");
		bad = opts->hugepage ? -1 :
		      mb_layout_misaligned(p->banks, p->nr_banks, v->page);
		if (bad >= 0)
			return vm_err(v, MB_EXIT_USAGE,
				      "--backing hugetlb:%s: RAM bank %d at 0x%llx is not a whole number of %s pages",
				      sz, bad,
				      (unsigned long long)p->banks[bad].base,
				      sz);
		/* tables, the low area, verify's samples: one page each at
		 * worst, as MAP_NORESERVE takes pages from the pool lazily */
		need = (mb_table_bytes(p) + v->page - 1) / v->page +
		       (MB_LOW_AREA + v->page - 1) / v->page + MB_RW_SAMPLES +
		       p->nr_banks;
		if (mb_hugetlb_free(v->page, &free_pages))
			free_pages = 0;
		if (free_pages < need)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing hugetlb:%s: %llu free %s pages, this run may need %llu (echo %llu > /sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages)",
				      sz, (unsigned long long)free_pages, sz,
				      (unsigned long long)need,
				      (unsigned long long)need,
				      (unsigned long long)(v->page >> 10));
		break;
	}
	v->out->backing_page = v->page;
	return 0;
}

/* One mapping and one KVM memslot per bank. */
int mb_kvm_memslots_add(struct mb_vm *v)
{
	const struct mb_params *p = &v->opts->params;
	char err[MB_ERRLEN];
	unsigned int i;
	int ret;

	for (i = 0; i < p->nr_banks; i++) {
		struct mb_ram *r = &v->ram[i];
		struct kvm_userspace_memory_region mr;

		ret = ram_alloc(r, p->banks[i].base, p->banks[i].size,
				   v->opts->backing, v->page, err, sizeof(err));
		if (ret)
			return vm_err(v, ret, "%s", err);
		v->nr_ram++;
		mr = (struct kvm_userspace_memory_region){
			.slot = i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uintptr_t)r->hva,
		};
		if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr))
			return vm_err(v, MB_EXIT_VMM,
				      "KVM_SET_USER_MEMORY_REGION slot %u (0x%llx bytes at 0x%llx): %s",
				      i, (unsigned long long)r->size,
				      (unsigned long long)r->gpa,
				      strerror(errno));
	}
	return 0;
}

/*
 * --prefault host: populate only what the guest will touch first -- the
 * params/record/image block and the top of RAM where its top-down
 * allocator puts the page tables (mb_table_bytes(), an upper bound) --
 * never the rest: a 1 TiB NORESERVE guest stays cheap.  Stage 2 is still
 * built lazily by KVM on the guest's first access (no arm64
 * KVM_PRE_FAULT_MEMORY here); only the host half of each fault goes.
 */
int mb_kvm_prefault(struct mb_vm *v)
{
	struct mb_outcome *out = v->out;
	const struct mb_params *p = &v->opts->params;
	uint64_t tables = mb_table_bytes(p) + (UINT64_C(2) << 20);
	/* whole backing pages: madvise() on hugetlb wants them */
	uint64_t low = (MB_LOW_AREA + v->page - 1) & ~(v->page - 1);
	double t0 = mb_now();
	char err[MB_ERRLEN];
	int ret;

	out->pf_ranges[0].base = MB_RAM_BASE;
	out->pf_ranges[0].size = low;
	out->pf_nr = 1 + mb_topdown_ranges(p->banks, p->nr_banks, tables,
					   v->page, out->pf_ranges + 1,
					   MB_MAX_BANKS);
	/* a small guest: the table region may reach down into the low area */
	for (unsigned int i = 1; i < out->pf_nr; i++) {
		struct mb_bank *r = &out->pf_ranges[i];

		if (r->base < MB_RAM_BASE + low &&
		    r->base + r->size > MB_RAM_BASE) {
			uint64_t end = r->base + r->size;

			r->base = MB_RAM_BASE + low;
			r->size = end > r->base ? end - r->base : 0;
		}
	}
	out->pf_bytes = 0;
	for (unsigned int i = 0; i < out->pf_nr; i++)
		out->pf_bytes += out->pf_ranges[i].size;
	ret = ram_populate(v->ram, v->nr_ram, out->pf_ranges, out->pf_nr,
			      v->page, &out->pf_threads, err, sizeof(err));
	out->pf_s = mb_now() - t0;
	if (ret)
		return vm_err(v, ret, "%s", err);
	return 0;
}

/* What the host really backed the guest with, read before teardown. */
static void read_memuse(struct mb_vm *v)
{
	struct mb_outcome *out = v->out;
	struct mb_memuse *t = &out->mem_total;

	memset(t, 0, sizeof(*t));
	out->have_mem = 1;
	for (unsigned int i = 0; i < v->nr_ram; i++) {
		struct mb_memuse *m = &out->mem[i];
		uintptr_t a = (uintptr_t)v->ram[i].map;

		if (mb_smaps_read(a, a + v->ram[i].map_len, m)) {
			out->have_mem = 0;
			continue;
		}
		t->rss_kb += m->rss_kb;
		t->anon_huge_kb += m->anon_huge_kb;
		t->hugetlb_kb += m->hugetlb_kb;
	}
	if (mb_status_kb("VmHWM", &out->vm_hwm_kb))
		out->vm_hwm_kb = 0;
}

/* The backing asked for is the backing the guest got. */
static int check_backing(struct mb_vm *v)
{
	const struct mb_memuse *t = &v->out->mem_total;

	if (!v->out->have_mem)
		return vm_err(v, MB_EXIT_VMM,
			      "cannot read /proc/self/smaps to verify the guest RAM backing");
	switch (v->opts->backing) {
	case MB_BACKING_THP:
		if (!t->anon_huge_kb)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing thp: the host backed none of the guest's %llu KiB with huge pages (AnonHugePages 0 kB; see /sys/kernel/mm/transparent_hugepage/defrag)",
				      (unsigned long long)t->rss_kb);
		break;
	case MB_BACKING_HUGETLB:
		if (!t->hugetlb_kb || t->rss_kb)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing hugetlb: smaps shows %llu KiB of hugetlb and %llu KiB of other pages",
				      (unsigned long long)t->hugetlb_kb,
				      (unsigned long long)t->rss_kb);
		break;
	case MB_BACKING_ANON:
		if (t->anon_huge_kb)
			return vm_err(v, MB_EXIT_HOST,
				      "--backing anon: %llu KiB of guest RAM came as THP despite MADV_NOHUGEPAGE",
				      (unsigned long long)t->anon_huge_kb);
		break;
	}
	return 0;
}

/* --prefault host covered every table page the guest handed out. */
static int check_prefault(struct mb_vm *v)
{
	const struct mb_outcome *out = v->out;
	const struct mb_bank *low = &out->pf_ranges[out->pf_nr - 1];

	if (v->opts->prefault != MB_PREFAULT_HOST || out->pf_nr < 2 ||
	    !out->rec.alloc_pages || out->rec.alloc_low >= low->base)
		return 0;
	return vm_err(v, MB_EXIT_VMM,
		      "--prefault host populated down to 0x%llx but the guest allocated tables down to 0x%llx: the table estimate is short (a mapbench bug)",
		      (unsigned long long)low->base,
		      (unsigned long long)out->rec.alloc_low);
}

/* After the run, before teardown: what the host gave, as asked. */
int mb_kvm_backing_check(struct mb_vm *v)
{
	int ret;

	read_memuse(v);
	ret = check_backing(v);
	if (!ret)
		ret = check_prefault(v);
	return ret;
}

struct mb_ram *mb_kvm_ram_find(struct mb_vm *v, uint64_t gpa, uint64_t len)
{
	for (unsigned int i = 0; i < v->nr_ram; i++) {
		struct mb_ram *r = &v->ram[i];

		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

void mb_kvm_ram_free(struct mb_vm *v)
{
	/* munmap of a NORESERVE mapping frees only what was touched */
	for (unsigned int i = 0; i < v->nr_ram; i++)
		ram_free(&v->ram[i]);
	v->nr_ram = 0;
}
