// SPDX-License-Identifier: GPL-2.0-only
/*
 * mapbench kernel-check: how a real arm64 kernel's map_mem() compares
 * with a mapbench strategy, counted the same way on both sides.
 *
 * 1. Symbols of the Image: --symbols (System.map or vmlinux), else a
 *    one-off boot into an initramfs whose /init (tools/kallsyms-init.c,
 *    embedded) prints the few /proc/kallsyms lines needed; cached per
 *    Image hash.  With nokaslr they hold for every later boot.
 * 2. The kernel boots under QEMU TCG, stopped at reset (-S), with
 *    `-d in_asm,exec,nochain` into a FIFO we parse as it streams
 *    (kcheck/trace.c) and a gdbstub on a unix socket (kcheck/rsp.c) with
 *    a breakpoint at memblock_allow_resize(), the call after map_mem().
 *    The window: from the entry of the first memblock_mark_nomap() after
 *    paging_init() is entered, to the return of the last
 *    memblock_clear_nomap() before memblock_allow_resize().
 * 3. At the breakpoint, TTBR1_EL1 is swapper_pg_dir: its linear half is
 *    read at physical addresses (Qqemu.PhyMemMode) and cut into runs
 *    (guest/maprun.h); then QEMU goes on until the trace has passed the
 *    window's end, and is killed.
 * 4. The mapbench guest runs twice under the same QEMU and CPU with the
 *    same RAM, rodata and the kernel's alias range: traced (window:
 *    map_mem_timed() from entry to return), then untraced with
 *    MB_PF_MAPDUMP for its record and its map as runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <libelf.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapbench.h"
#include "cli.h"
#include "console.h"
#include "signals.h"
#include "image.h"
#include "trace.h"
#include "rsp.h"
#include "map.h"
#include "child.h"

extern const unsigned char kc_init_blob[], kc_init_blob_end[];

#define KC_DEFAULT_CPU		"max,lpa2=off"
#define KC_DEFAULT_TIMEOUT	600
#define KC_BANNER_CMD		"console=ttyAMA0 nokaslr rodata=%s earlycon=pl011,0x9000000"
#define KC_STDERR_CAP		8192
#define KC_ADDR_MASK		0x0000fffffffff000ULL

struct kc_opts {
	const char *kernel, *symbols, *json, *qemu, *cpu, *guest;
	const char *config;		/* --config, else beside the Image */
	const char *layout;
	struct mb_bank bank;
	unsigned int rodata;
	int strategy;			/* -1: the closest */
	unsigned int timeout;
	int verbose;
	int kernel_only;		/* --kernel-only: no mapbench side */
};

/* One side's measurement. */
struct kc_side {
	struct kc_counts c;
	uint64_t fixmap;		/* __set_fixmap calls / maps+unmaps */
	uint64_t tables;		/* early_pgtable_alloc / tables_l* */
	struct kc_map map;
	double wall_s;
};

struct kc_ctx {
	struct kc_opts o;
	struct kc_image img;
	struct kc_kconfig cfg;
	struct kc_syms syms;
	struct kc_geom geom;		/* the kernel's, from TCR_EL1 */
	unsigned int want_shift, want_va;	/* expected; 0: unknown */
	char guest[PATH_MAX + 64];	/* the mapbench image used */
	struct mb_image_info ginfo;
	char tmp[PATH_MAX];
	char path_fifo[PATH_MAX + 16], path_sock[PATH_MAX + 16];
	char path_con[PATH_MAX + 16], path_params[PATH_MAX + 16];
	char path_cpio[PATH_MAX + 16];
	uint64_t load_pa;		/* PA of _text: the first pc run */
	uint64_t ttbr1, tcr;
	struct kc_side k, m;
	struct kc_funcs kfuncs, gfuncs;	/* for the per-function split */
	struct kc_fstat *kfs, *gfs;
	struct mb_result rec;
	uint64_t ram_mib;
	char err[MB_ERRLEN];
};

/* ---- processes ------------------------------------------------------- */

struct kc_proc {
	struct mb_child c;
	char errbuf[KC_STDERR_CAP];
	size_t errlen;
};

static int proc_start(struct kc_proc *p, char *const argv[], char *err,
		      size_t errlen, int verbose)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (verbose) {
		fprintf(stderr, "kernel-check: running");
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
	}
	ret = mb_child_spawn(&p->c, argv, err, errlen);
	if (ret)
		return ret;
	fcntl(p->c.out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->c.err_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Keep QEMU's stderr (for messages); its stdout says nothing we use. */
static void proc_drain(struct kc_proc *p)
{
	char buf[4096];
	ssize_t n;

	while (p->c.out_fd >= 0 &&
	       read(p->c.out_fd, buf, sizeof(buf)) > 0)
		;
	while (p->c.err_fd >= 0 &&
	       (n = read(p->c.err_fd, buf, sizeof(buf))) > 0) {
		size_t k = (size_t)n;

		if (p->errlen + k >= sizeof(p->errbuf))
			k = sizeof(p->errbuf) - 1 - p->errlen;
		memcpy(p->errbuf + p->errlen, buf, k);
		p->errlen += k;
		p->errbuf[p->errlen] = '\0';
	}
}

/* Has it exited?  Reaps it if so. */
static bool proc_exited(struct kc_proc *p)
{
	return mb_child_reap(&p->c, mb_now());
}

static void proc_stop(struct kc_proc *p)
{
	mb_child_kill(&p->c, 0);
	proc_drain(p);
	mb_child_close(&p->c);
}

/* QEMU's first stderr line that is not the icount/nice noise. */
static void qemu_first_error(const struct kc_proc *p, char *buf, size_t len)
{
	const char *s = p->errbuf;

	snprintf(buf, len, "QEMU exited (status %d)",
		 WIFEXITED(p->c.status) ? WEXITSTATUS(p->c.status) : -1);
	while (s && *s) {
		const char *e = strchr(s, '\n');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n && !memmem(s, n, "warning", 7)) {
			snprintf(buf, len, "%.*s", (int)(n > 200 ? 200 : n), s);
			return;
		}
		s = e ? e + 1 : NULL;
	}
}

/* Exit code for a QEMU that died on its own before we were done. */
static int qemu_died(struct kc_ctx *x, struct kc_proc *p, const char *what)
{
	char line[256];

	proc_drain(p);
	qemu_first_error(p, line, sizeof(line));
	if (strstr(p->errbuf, "cannot set up guest memory") ||
	    strstr(p->errbuf, "Cannot allocate memory"))
		return mb_errf(MB_EXIT_HOST, x->err, sizeof(x->err),
			       "QEMU cannot give the guest %llu MiB of RAM: %s",
			       (unsigned long long)x->ram_mib, line);
	return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err), "%s: %s", what,
		       line);
}

/* The console's "Kernel panic" line, if there is one. */
static int console_panic(const char *path, char *buf, size_t len)
{
	char *c = mb_read_file(path, 0, NULL), *p;

	if (!c)
		return 0;
	p = strstr(c, "Kernel panic");
	if (p) {
		char *e = strpbrk(p, "\r\n");

		if (e)
			*e = '\0';
		snprintf(buf, len, "%.160s", p);
	}
	free(c);
	return p != NULL;
}

/* SIGINT/SIGTERM (mb_signals_install): stop, clean up, 128 + signal. */
static int interrupted(struct kc_ctx *x)
{
	int sig = mb_stop_signal;

	if (!sig)
		return 0;
	return mb_signal_errf(sig, x->err, sizeof(x->err), NULL);
}

/* ---- paths and the cache ---------------------------------------------- */

static int make_tmp(struct kc_ctx *x)
{
	const char *t = getenv("TMPDIR");

	snprintf(x->tmp, sizeof(x->tmp), "%s/mapbench-kcheck-XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(x->tmp))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot create a temp directory: %s",
			       strerror(errno));
	snprintf(x->path_fifo, sizeof(x->path_fifo), "%s/trace", x->tmp);
	snprintf(x->path_sock, sizeof(x->path_sock), "%s/gdb", x->tmp);
	snprintf(x->path_con, sizeof(x->path_con), "%s/console", x->tmp);
	snprintf(x->path_params, sizeof(x->path_params), "%s/params",
		 x->tmp);
	snprintf(x->path_cpio, sizeof(x->path_cpio), "%s/initrd", x->tmp);
	return 0;
}

static void clean_tmp(struct kc_ctx *x)
{
	if (!x->tmp[0])
		return;
	unlink(x->path_fifo);
	unlink(x->path_sock);
	unlink(x->path_con);
	unlink(x->path_params);
	unlink(x->path_cpio);
	rmdir(x->tmp);
	x->tmp[0] = '\0';
}

static void cache_dir(char *buf, size_t len)
{
	const char *c = getenv("MAPBENCH_CACHE"), *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");

	if (c && *c)
		snprintf(buf, len, "%s/kallsyms", c);
	else if (x && *x)
		snprintf(buf, len, "%s/mapbench/kallsyms", x);
	else
		snprintf(buf, len, "%s/.cache/mapbench/kallsyms",
			 h && *h ? h : "/tmp");
}

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

/*
 * QEMU's command line as every run here starts it: virt, one CPU of
 * mib MiB, no display, network, monitor or reboot, the console into
 * x->path_con.  mem and con are the caller's buffers for two of the
 * arguments; returns how many of argv it filled.
 */
static int qemu_argv(const struct kc_ctx *x, uint64_t mib, char **argv,
		     char *mem, size_t memlen, char *con, size_t conlen)
{
	char *const base[] = {
		(char *)x->o.qemu, "-M", "virt", "-cpu", (char *)x->o.cpu,
		"-smp", "1", "-m", mem, "-display", "none", "-nic", "none",
		"-no-reboot", "-monitor", "none", "-serial", con,
	};
	int n = sizeof(base) / sizeof(base[0]);

	snprintf(mem, memlen, "%lluM", (unsigned long long)mib);
	snprintf(con, conlen, "file:%s", x->path_con);
	memcpy(argv, base, sizeof(base));
	return n;
}

/* ---- the symbol boot ---------------------------------------------------- */

static int symbol_boot(struct kc_ctx *x, char **text)
{
	char append[] = "console=ttyAMA0 nokaslr quiet panic=-1 rdinit=/init";
	char mem[32], con[PATH_MAX + 32], *argv[32];
	double deadline = mb_now() + x->o.timeout;
	struct kc_proc p;
	int ret, n;

	n = qemu_argv(x, 1024, argv, mem, sizeof(mem), con, sizeof(con));
	argv[n++] = "-kernel";
	argv[n++] = x->img.path;
	argv[n++] = "-initrd";
	argv[n++] = x->path_cpio;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n] = NULL;
	ret = kc_cpio_write(x->path_cpio, kc_init_blob,
			    kc_init_blob_end - kc_init_blob, x->err,
			    sizeof(x->err));
	if (ret)
		return ret;
	fprintf(stderr, "kernel-check: no symbols for this Image yet: "
		"one boot to read /proc/kallsyms (cached)\n");
	ret = proc_start(&p, argv, x->err, sizeof(x->err), x->o.verbose);
	if (ret)
		return ret;
	while (!proc_exited(&p) && mb_now() < deadline) {
		proc_drain(&p);
		ret = interrupted(x);
		if (ret) {
			proc_stop(&p);
			return ret;
		}
		usleep(100000);
	}
	if (!p.c.reaped) {
		proc_stop(&p);
		*text = mb_read_file(x->path_con, 0, NULL);
		if (*text && strstr(*text, "MBSYM-END"))
			return 0;
		free(*text);
		*text = NULL;
		return mb_errf(MB_EXIT_TIMEOUT, x->err, sizeof(x->err),
			       "the symbol boot did not finish in %u s",
			       x->o.timeout);
	}
	proc_stop(&p);
	*text = mb_read_file(x->path_con, 0, NULL);
	if (!*text || !strstr(*text, "MBSYM-END")) {
		free(*text);
		*text = NULL;
		if (p.errlen)
			return qemu_died(x, &p, "the symbol boot failed");
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the symbol boot ended without printing /proc/kallsyms (did the kernel boot?)");
	}
	return 0;
}

/* FUNC symbols of an ELF (with their sizes); else a System.map's text
 * symbols.  Only for the per-function split: failures just leave it
 * empty. */
static int add_func(void *ctx, const GElf_Sym *sym, const char *name)
{
	if (*name && GELF_ST_TYPE(sym->st_info) == STT_FUNC &&
	    sym->st_value && sym->st_size)
		kc_funcs_add(ctx, sym->st_value, sym->st_value + sym->st_size,
			     name);
	return 0;
}

static void elf_funcs(const char *path, struct kc_funcs *fs)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;

	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		size_t len;
		char *text;

		if (e)
			elf_end(e);
		close(fd);
		text = mb_read_file(path, 0, &len);
		if (text)
			kc_funcs_parse(text, len, fs);
		free(text);
		return;
	}
	kc_elf_each_sym(e, add_func, fs);
	elf_end(e);
	close(fd);
	kc_funcs_sort(fs);
}

static int get_symbols(struct kc_ctx *x)
{
	char dir[PATH_MAX], path[PATH_MAX + 40], miss[256];
	char *text = NULL;
	size_t len;
	int ret;

	if (x->o.symbols) {
		ret = kc_syms_load(x->o.symbols, &x->syms, x->err,
				   sizeof(x->err));
		if (ret)
			return ret;
		elf_funcs(x->o.symbols, &x->kfuncs);
	} else {
		cache_dir(dir, sizeof(dir));
		snprintf(path, sizeof(path), "%s/%016" PRIx64 ".v2.map", dir,
			 x->img.hash);
		text = mb_read_file(path, 0, &len);
		if (!text) {
			ret = symbol_boot(x, &text);
			if (ret)
				return ret;
			len = strlen(text);
			if (mkdir_p(dir) ||
			    mb_write_atomic(path, text, len, miss,
					    sizeof(miss)))
				fprintf(stderr, "kernel-check: warning: cannot cache the symbols in %s\n",
					dir);
		}
		kc_symtab_parse(text, len, &x->syms);
		kc_funcs_parse(text, len, &x->kfuncs);
		free(text);
		snprintf(x->syms.source, sizeof(x->syms.source), "kallsyms");
	}
	/* _text is the Image's first byte: the symbol boot may not name it */
	if (!x->syms.addr[KC_SYM_text] && x->syms.addr[KC_SYM_stext])
		x->syms.addr[KC_SYM_text] = x->syms.addr[KC_SYM_stext] &
					    ~0x1fffffULL;
	if (kc_syms_missing(&x->syms, miss, sizeof(miss)))
		return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
			       "symbols not found in the %s: %s",
			       x->syms.source, miss);
	return 0;
}

/* ---- granule and VA size ---------------------------------------------- */

/* Does QEMU's CPU model offer FEAT_LPA2 (and FEAT_LPA)?  Only "max"
 * does among the models a kernel boots on, unless told lpa2=off. */
static bool cpu_has_lpa2(const char *cpu)
{
	return (!strcmp(cpu, "max") || !strncmp(cpu, "max,", 4)) &&
	       !strstr(cpu, "lpa2=off");
}

/*
 * The kernel's config: --config, else config-RELEASE beside the Image
 * (as a Debian package has it), else none.  Its page size must be the
 * one the Image's header states.  Then what the kernel will run: a
 * 52-bit VA kernel falls back to 48 bits (4K), 47 (16K) or 48 (64K) on
 * a CPU without LPA2/LPA.  Unknown VA size (no config): TCR_EL1 tells.
 */
static int kernel_config(struct kc_ctx *x)
{
	char path[PATH_MAX + 80], dir[PATH_MAX];
	struct kc_kconfig *c = &x->cfg;
	int ret;

	if (x->o.config) {
		ret = kc_kconfig_load(x->o.config, c, x->err, sizeof(x->err));
		if (ret)
			return ret;
	} else {
		snprintf(dir, sizeof(dir), "%s", x->o.kernel);
		snprintf(path, sizeof(path), "%s/config-%s", dirname(dir),
			 x->img.version);
		if (!access(path, R_OK) &&
		    kc_kconfig_load(path, c, x->err, sizeof(x->err)))
			c->path[0] = '\0';
		x->err[0] = '\0';
	}
	if (c->path[0] && x->img.page_shift &&
	    c->page_shift != x->img.page_shift)
		return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
			       "%s says %uK pages, the Image's header %uK: not this kernel's config",
			       c->path, 1u << (c->page_shift - 10),
			       1u << (x->img.page_shift - 10));
	x->want_shift = x->img.page_shift ? x->img.page_shift :
			c->path[0] ? c->page_shift : 0;
	if (!c->path[0])
		return 0;
	x->want_va = c->va_bits;
	if (c->va_bits == 52 && !cpu_has_lpa2(x->o.cpu))
		x->want_va = c->page_shift == 14 ? 47 : 48;
	else if (c->va_bits == 52 && c->page_shift != 16 && !c->lpa2)
		x->want_va = 48;
	return 0;
}

/*
 * The mapbench image for a granule and VA size: --guest (which must be
 * built for them), else mapbench-guest-<4k|16k|64k>-va<N>.elf beside
 * the default image (which is the 4K, 48-bit one).
 */
static int pick_guest(struct kc_ctx *x, unsigned int shift, unsigned int va)
{
	const char *def = mb_default_guest();
	struct mb_ram ram = { .gpa = MB_RAM_BASE, .size = x->o.bank.size };
	char dir[PATH_MAX];
	uint64_t entry;

	if (x->o.guest) {
		snprintf(x->guest, sizeof(x->guest), "%s", x->o.guest);
	} else {
		snprintf(dir, sizeof(dir), "%s", def);
		snprintf(x->guest, sizeof(x->guest),
			 "%s/mapbench-guest-%uk-va%u.elf", dirname(dir),
			 1u << (shift - 10), va);
		if (shift == 12 && va == 48 && access(x->guest, R_OK))
			snprintf(x->guest, sizeof(x->guest), "%s", def);
		if (access(x->guest, R_OK))
			return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
				       "no mapbench guest for %uK pages at %u-bit VA: %s is missing (make guest builds it)",
				       1u << (shift - 10), va, x->guest);
	}
	if (mb_elf_load(x->guest, &ram, &entry, &x->ginfo, x->err,
			sizeof(x->err)))
		return MB_EXIT_USAGE;
	if (x->ginfo.page_shift != shift || x->ginfo.va_bits != va)
		return mb_errf(MB_EXIT_USAGE, x->err, sizeof(x->err),
			       "%s is built for %uK pages at %u-bit VA, the kernel runs %uK at %u-bit",
			       x->guest, 1u << (x->ginfo.page_shift - 10),
			       x->ginfo.va_bits, 1u << (shift - 10), va);
	return 0;
}

/* ---- the kernel run ---------------------------------------------------- */

/* MB_KCHECK_TBS=PREFIX: the window's blocks to PREFIX.kernel/.mapbench
 * (a diagnostic for making the engine follow the kernel's code path). */
static void dump_tbs(const struct kc_trace *t, const char *side)
{
	const char *pre = getenv("MB_KCHECK_TBS");
	char path[PATH_MAX];
	FILE *f;

	if (!pre || !*pre)
		return;
	snprintf(path, sizeof(path), "%s.%s", pre, side);
	f = fopen(path, "w");
	if (!f)
		return;
	kc_trace_dump_tbs(t, f);
	fclose(f);
}

static struct kc_fstat *copy_fstats(const struct kc_trace *t,
				    const struct kc_funcs *fs)
{
	const struct kc_fstat *f = kc_trace_fstats(t);
	struct kc_fstat *c;

	if (!f)
		return NULL;
	c = malloc((fs->nr + 1) * sizeof(*c));
	if (c)
		memcpy(c, f, (fs->nr + 1) * sizeof(*c));
	return c;
}

struct mem_reader {
	struct kc_rsp *rsp;
	double deadline;
};

static int read_page(void *ctx, uint64_t pa, void *page, size_t len)
{
	struct mem_reader *m = ctx;

	return kc_rsp_read_mem(m->rsp, pa, page, len, m->deadline);
}

/* A system register through the gdbstub; 0 or -1. */
static int read_sysreg(struct kc_rsp *rsp, const char *name, uint64_t *v,
		       double deadline)
{
	int regnum = kc_rsp_sysreg(rsp, name, deadline);
	char rep[512];

	if (regnum < 0)
		return -1;
	snprintf(rep, sizeof(rep), "p%x", regnum);
	if (kc_rsp_cmd(rsp, rep, rep, sizeof(rep), deadline) ||
	    kc_hex_le64(rep, v))
		return -1;
	return 0;
}

static int open_fifo(struct kc_ctx *x, int *fd)
{
	if (mkfifo(x->path_fifo, 0600))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "mkfifo: %s", strerror(errno));
	*fd = open(x->path_fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot open the trace FIFO: %s",
			       strerror(errno));
	return 0;
}

/* Read what the FIFO has; -1 on a parser failure, 1 at EOF. */
static int pump_trace(int fd, struct kc_trace *t, char *buf, size_t len)
{
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, buf, len);

		if (n > 0) {
			if (kc_trace_feed(t, buf, n))
				return -1;
			if (kc_trace_state(t) == KC_DONE)
				return 0;
			continue;
		}
		if (n == 0)
			return 1;
		return 0;	/* EAGAIN */
	}
	return 0;
}

static int kernel_stopped(struct kc_ctx *x, struct kc_rsp *rsp,
			  double deadline)
{
	struct mem_reader mr = { rsp, deadline };
	char rep[512];
	int ret;

	if (read_sysreg(rsp, "TTBR1_EL1", &x->ttbr1, deadline) ||
	    read_sysreg(rsp, "TCR_EL1", &x->tcr, deadline))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot read TTBR1_EL1 and TCR_EL1 through QEMU's gdbstub (is this QEMU too old?)");
	ret = kc_geom_from_tcr(x->tcr, &x->geom, x->err, sizeof(x->err));
	if (ret)
		return ret;
	if ((x->want_shift && x->geom.page_shift != x->want_shift) ||
	    (x->want_va && x->geom.va_bits != x->want_va))
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the kernel runs %uK pages at %u-bit VA (TCR_EL1 0x%" PRIx64 "), not %uK at %u-bit as its Image and config say",
			       1u << (x->geom.page_shift - 10),
			       x->geom.va_bits, x->tcr,
			       1u << (x->want_shift - 10), x->want_va);
	if (kc_rsp_cmd(rsp, "Qqemu.PhyMemMode:1", rep, sizeof(rep),
		       deadline) || strcmp(rep, "OK"))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "QEMU's gdbstub has no physical memory mode");
	return kc_map_read(read_page, &mr, &x->geom, x->ttbr1 & KC_ADDR_MASK,
			   &x->k.map, x->err, sizeof(x->err));
}

static int run_kernel(struct kc_ctx *x)
{
	const uint64_t *s = x->syms.addr;
	struct kc_window w = {
		.arm_pc = s[KC_SYM_paging_init],
		.start_pc = s[KC_SYM_mark_nomap],
		.ret_func = s[KC_SYM_clear_nomap],
		.stop_pc = s[KC_SYM_allow_resize],
		.func = { s[KC_SYM_set_fixmap], s[KC_SYM_pgtable_alloc] },
		/* QEMU's boot stub runs at the RAM base first; an arm64
		 * Image is never placed below base + 2M */
		.entry_floor = MB_RAM_BASE + 0x200000,
	};
	char mem[32], append[256], con[PATH_MAX + 32], gdb[PATH_MAX + 64];
	char trace[PATH_MAX + 16], cmd[64], rep[512], *buf, *argv[40];
	double t0 = mb_now(), deadline = t0 + x->o.timeout;
	struct kc_trace *t = kc_trace_new(&w);
	struct kc_rsp rsp = { .fd = -1 };
	struct kc_proc p = {
		.c = { .pid = -1, .out_fd = -1, .err_fd = -1 },
	};
	bool stopped = false, read_back = false;
	double next_look = t0 + 1;
	int fifo = -1, ret, n;

	buf = malloc(1 << 20);
	if (!t || !buf) {
		ret = mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			      "out of memory");
		goto out;
	}
	if (x->kfuncs.nr)
		kc_trace_set_funcs(t, &x->kfuncs);
	snprintf(append, sizeof(append), KC_BANNER_CMD,
		 mb_rodata_name(x->o.rodata));
	snprintf(gdb, sizeof(gdb), "unix:%s,server=on,wait=off",
		 x->path_sock);
	snprintf(trace, sizeof(trace), "%s", x->path_fifo);
	n = qemu_argv(x, x->ram_mib, argv, mem, sizeof(mem), con,
		      sizeof(con));
	argv[n++] = "-kernel";
	argv[n++] = x->img.path;
	argv[n++] = "-append";
	argv[n++] = append;
	argv[n++] = "-gdb";
	argv[n++] = gdb;
	argv[n++] = "-S";
	argv[n++] = "-d";
	argv[n++] = "in_asm,exec,nochain";
	argv[n++] = "-D";
	argv[n++] = trace;
	argv[n] = NULL;
	unlink(x->path_fifo);
	ret = open_fifo(x, &fifo);
	if (!ret)
		ret = proc_start(&p, argv, x->err, sizeof(x->err),
				 x->o.verbose);
	if (ret)
		goto out;
	/* QEMU opens the socket before it runs anything */
	for (;;) {
		ret = kc_rsp_connect(&rsp, x->path_sock, mb_now() + 0.2,
				     x->err, sizeof(x->err));
		if (!ret)
			break;
		if (proc_exited(&p)) {
			ret = qemu_died(x, &p, "QEMU did not start");
			goto out;
		}
		if (mb_now() > t0 + 30)
			goto out;
	}
	snprintf(cmd, sizeof(cmd), "Z0,%" PRIx64 ",4", w.stop_pc);
	if (kc_rsp_cmd(&rsp, cmd, rep, sizeof(rep), deadline) ||
	    strcmp(rep, "OK") || kc_rsp_send(&rsp, "c")) {
		ret = mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			      "cannot set a breakpoint through QEMU's gdbstub");
		goto out;
	}
	for (;;) {
		struct pollfd pf[2] = {
			{ .fd = fifo, .events = POLLIN },
			{ .fd = rsp.fd, .events = POLLIN },
		};
		int r;

		r = pump_trace(fifo, t, buf, 1 << 20);
		if (r < 0) {
			ret = mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
				      "out of memory parsing the trace");
			goto out;
		}
		if (kc_trace_state(t) == KC_DONE && read_back)
			break;
		ret = interrupted(x);
		if (ret)
			goto out;
		if (!stopped) {
			r = kc_rsp_poll(&rsp, rep, sizeof(rep));
			if (r < 0) {
				ret = qemu_died(x, &p, "QEMU's gdbstub went away");
				goto out;
			}
			if (r > 0 && rep[0] == 'T') {
				stopped = true;
				ret = kernel_stopped(x, &rsp, deadline);
				if (ret)
					goto out;
				read_back = true;
				/* on: the trace must reach the window's end */
				snprintf(cmd, sizeof(cmd), "z0,%" PRIx64 ",4",
					 w.stop_pc);
				if (kc_rsp_cmd(&rsp, cmd, rep, sizeof(rep),
					       deadline) ||
				    kc_rsp_send(&rsp, "c")) {
					ret = mb_errf(MB_EXIT_VMM, x->err,
						      sizeof(x->err),
						      "cannot continue through QEMU's gdbstub");
					goto out;
				}
				continue;
			}
		}
		if (proc_exited(&p)) {
			ret = qemu_died(x, &p,
					"QEMU ended before the kernel reached the end of map_mem()");
			goto out;
		}
		if (mb_now() > next_look) {
			char line[200];

			/* a panic is final: say so now, not at the timeout */
			next_look = mb_now() + 1;
			if (console_panic(x->path_con, line, sizeof(line))) {
				ret = mb_errf(MB_EXIT_GUEST, x->err,
					      sizeof(x->err),
					      "the kernel panicked before the end of map_mem(): %s",
					      line);
				goto out;
			}
		}
		if (mb_now() > deadline) {
			char line[200];

			if (console_panic(x->path_con, line, sizeof(line)))
				ret = mb_errf(MB_EXIT_GUEST, x->err,
					      sizeof(x->err),
					      "the kernel panicked before the end of map_mem(): %s",
					      line);
			else
				ret = mb_errf(MB_EXIT_TIMEOUT, x->err,
					      sizeof(x->err),
					      "the kernel did not get through map_mem() in %u s (window %s)",
					      x->o.timeout,
					      kc_trace_state(t) == KC_OPEN ?
					      "open" : "never opened");
			goto out;
		}
		proc_drain(&p);
		poll(pf, stopped ? 1 : 2, 100);
	}
	if (kc_trace_result(t, &x->k.c, rep, sizeof(rep))) {
		ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			      "kernel trace: %s", rep);
		goto out;
	}
	x->load_pa = kc_trace_first_pc(t);
	dump_tbs(t, "kernel");
	x->kfs = copy_fstats(t, &x->kfuncs);
	x->k.fixmap = x->k.c.calls[0];
	x->k.tables = x->k.c.calls[1];
	x->k.wall_s = mb_now() - t0;
	ret = 0;
out:
	kc_rsp_close(&rsp);
	proc_stop(&p);
	if (fifo >= 0)
		close(fifo);
	unlink(x->path_fifo);
	unlink(x->path_sock);
	kc_trace_free(t);
	free(buf);
	return ret;
}

/* ---- the mapbench side ---------------------------------------------- */

struct sym_want {
	const char *name;
	uint64_t *val;
};

static int find_sym(void *ctx, const GElf_Sym *sym, const char *name)
{
	struct sym_want *w = ctx;

	if (strcmp(name, w->name))
		return 0;
	*w->val = sym->st_value;
	return 1;
}

static int elf_symbol(const char *path, const char *name, uint64_t *val,
		      char *err, size_t errlen)
{
	struct sym_want want = { name, val };
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0;
	Elf *e;

	if (fd < 0)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "cannot open the guest %s: %s", path,
			       strerror(errno));
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (e) {
		found = kc_elf_each_sym(e, find_sym, &want);
		elf_end(e);
	}
	close(fd);
	if (!found)
		return mb_errf(MB_EXIT_USAGE, err, errlen,
			       "%s: no symbol %s (not a mapbench guest?)",
			       path, name);
	return 0;
}

static void guest_params(struct kc_ctx *x, struct mb_params *p, int dump)
{
	const uint64_t *s = x->syms.addr;
	uint64_t off = x->load_pa - s[KC_SYM_text];

	memset(p, 0, sizeof(*p));
	mb_params_finish(p);
	p->strategy = x->o.strategy;
	p->rodata = x->o.rodata;
	p->flags = MB_PF_QUIET | (dump ? MB_PF_CONSOLE_RECORD | MB_PF_MAPDUMP :
				  0);
	p->nr_banks = 1;
	p->banks[0] = x->o.bank;
	p->iterations = 1;
	p->alias_text = s[KC_SYM_text] + off;
	p->alias_stext = s[KC_SYM_stext] + off;
	p->alias_end = s[KC_SYM_init_begin] + off;
	p->page_shift = x->ginfo.page_shift;
	p->va_bits = x->ginfo.va_bits;
}

static int write_params(struct kc_ctx *x, int dump)
{
	struct mb_params p;
	int fd, bad;

	guest_params(x, &p, dump);
	fd = open(x->path_params, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot write %s: %s", x->path_params,
			       strerror(errno));
	bad = mb_write_all(fd, &p, sizeof(p));
	if (close(fd) || bad)
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "cannot write %s", x->path_params);
	return 0;
}

static int run_guest(struct kc_ctx *x, bool traced)
{
	char mem[32], con[PATH_MAX + 32], trace[PATH_MAX + 16];
	char loader[PATH_MAX + 96], rep[256], *buf = NULL;
	char *argv[40];
	double t0 = mb_now(), deadline = t0 + x->o.timeout;
	struct kc_proc p = {
		.c = { .pid = -1, .out_fd = -1, .err_fd = -1 },
	};
	struct kc_trace *t = NULL;
	int fifo = -1, ret, n;
	uint64_t entry = 0;

	if (strchr(x->path_params, ','))
		return mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
			       "TMPDIR must not contain a comma");
	snprintf(loader, sizeof(loader),
		 "loader,file=%s,addr=0x%lx,force-raw=on", x->path_params,
		 (unsigned long)MB_PARAMS_GPA);
	n = qemu_argv(x, x->ram_mib, argv, mem, sizeof(mem), con,
		      sizeof(con));
	argv[n++] = "-kernel";
	argv[n++] = x->guest;
	argv[n++] = "-device";
	argv[n++] = loader;
	ret = write_params(x, !traced);
	if (ret)
		return ret;
	if (traced) {
		struct kc_window w = { 0 };

		ret = elf_symbol(x->guest, "map_mem_timed", &entry, x->err,
				 sizeof(x->err));
		if (ret)
			return ret;
		w.start_pc = w.ret_func = entry;
		t = kc_trace_new(&w);
		elf_funcs(x->guest, &x->gfuncs);
		if (t && x->gfuncs.nr)
			kc_trace_set_funcs(t, &x->gfuncs);
		buf = malloc(1 << 20);
		if (!t || !buf) {
			ret = mb_errf(MB_EXIT_VMM, x->err, sizeof(x->err),
				      "out of memory");
			goto out;
		}
		snprintf(trace, sizeof(trace), "%s", x->path_fifo);
		argv[n++] = "-d";
		argv[n++] = "in_asm,exec,nochain";
		argv[n++] = "-D";
		argv[n++] = trace;
		unlink(x->path_fifo);
		ret = open_fifo(x, &fifo);
		if (ret)
			goto out;
	}
	argv[n] = NULL;
	unlink(x->path_con);
	ret = proc_start(&p, argv, x->err, sizeof(x->err), x->o.verbose);
	if (ret)
		goto out;
	for (;;) {
		if (t) {
			struct pollfd pf = { .fd = fifo, .events = POLLIN };

			if (pump_trace(fifo, t, buf, 1 << 20) < 0) {
				ret = mb_errf(MB_EXIT_VMM, x->err,
					      sizeof(x->err), "out of memory");
				goto out;
			}
			if (kc_trace_state(t) == KC_DONE)
				break;
			poll(&pf, 1, 50);
		} else {
			usleep(20000);
		}
		proc_drain(&p);
		ret = interrupted(x);
		if (ret)
			goto out;
		if (proc_exited(&p)) {
			if (t) {
				/* the rest of the FIFO, then judge */
				while (pump_trace(fifo, t, buf, 1 << 20) == 0 &&
				       kc_trace_state(t) != KC_DONE)
					;
				if (kc_trace_state(t) == KC_DONE)
					break;
				ret = qemu_died(x, &p,
						"the mapbench guest ended before its window closed");
				goto out;
			}
			break;
		}
		if (mb_now() > deadline) {
			ret = mb_errf(MB_EXIT_TIMEOUT, x->err, sizeof(x->err),
				      "the mapbench guest did not finish in %u s",
				      x->o.timeout);
			goto out;
		}
	}
	if (t) {
		if (kc_trace_result(t, &x->m.c, rep, sizeof(rep))) {
			ret = mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
				      "mapbench trace: %s", rep);
			goto out;
		}
		x->m.wall_s = mb_now() - t0;
		x->gfs = copy_fstats(t, &x->gfuncs);
		dump_tbs(t, "mapbench");
	}
	ret = 0;
out:
	proc_stop(&p);
	if (fifo >= 0)
		close(fifo);
	unlink(x->path_fifo);
	kc_trace_free(t);
	free(buf);
	return ret;
}

/* The untraced run's console: its record and its map. */
static int guest_console(struct kc_ctx *x)
{
	struct mb_params p;
	size_t len;
	char *c = mb_read_file(x->path_con, 0, &len), *line, *save = NULL;
	bool have_rec = false, in_map = false, map_end = false;
	int ret = 0;

	if (!c)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest printed nothing");
	guest_params(x, &p, 1);
	for (line = strtok_r(c, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!strcmp(line, "MBMAP-BEGIN")) {
			in_map = true;
		} else if (!strcmp(line, "MBMAP-END")) {
			map_end = in_map;
			in_map = false;
		} else if (in_map) {
			if (kc_map_parse_line(&x->m.map, line) <= 0) {
				ret = mb_errf(MB_EXIT_GUEST, x->err,
					      sizeof(x->err),
					      "malformed map line from the guest: %.60s",
					      line);
				break;
			}
		} else if (!strncmp(line, MB_CONSOLE_TAG,
				    sizeof(MB_CONSOLE_TAG) - 1)) {
			struct mb_result raw;
			const char *h = line + sizeof(MB_CONSOLE_TAG) - 1;

			if (mb_hex_decode(h, strlen(h), &raw, sizeof(raw)) ||
			    mb_record_check(&raw, sizeof(raw), &p, &x->rec,
					    x->err, sizeof(x->err))) {
				if (!x->err[0])
					snprintf(x->err, sizeof(x->err),
						 "malformed result record from the guest");
				ret = MB_EXIT_GUEST;
				break;
			}
			have_rec = true;
		}
	}
	free(c);
	if (ret)
		return ret;
	if (!have_rec)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest gave no result record");
	if (x->rec.status != MB_ST_OK)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest failed: %s",
			       mb_status_name(x->rec.status));
	if (!map_end)
		return mb_errf(MB_EXIT_GUEST, x->err, sizeof(x->err),
			       "the mapbench guest printed no map (a guest without MB_PF_MAPDUMP?)");
	x->m.map.digest = x->rec.digest;
	x->m.fixmap = x->rec.counts.fixmap_map + x->rec.counts.fixmap_unmap;
	x->m.tables = mb_floor_tables(&x->rec.counts);
	return 0;
}

/* ---- output ------------------------------------------------------------- */

struct row {
	const char *name;
	uint64_t k, m;
};

static unsigned int rows(const struct kc_ctx *x, struct row *r)
{
	unsigned int n = 0;

	r[n++] = (struct row){ "instructions", x->k.c.insns, x->m.c.insns };
	for (int i = 0; i < KC_NR_OPS; i++) {
		if (!x->k.c.ops[i] && !x->m.c.ops[i] &&
		    i != KC_OP_tlbi_vaale1is && i != KC_OP_dsb_ishst &&
		    i != KC_OP_dsb_ish && i != KC_OP_isb)
			continue;
		r[n++] = (struct row){ kc_op_names[i], x->k.c.ops[i],
				       x->m.c.ops[i] };
	}
	r[n++] = (struct row){ "fixmap (set+clear)", x->k.fixmap,
			       x->m.fixmap };
	r[n++] = (struct row){ "page tables", x->k.tables, x->m.tables };
	return n;
}

static bool is_op_row(const char *name)
{
	return strcmp(name, "instructions") != 0;
}

static void print_funcs(const char *who, const struct kc_funcs *fs,
			const struct kc_fstat *f, uint64_t total);

/* The kernel, its RAM and CPU; its granule and VA size as it ran them,
 * and its config. */
static void print_head(const struct kc_ctx *x)
{
	char size[32];

	mb_format_size(x->o.bank.size, size, sizeof(size));
	printf("kernel-check: %s\n", x->img.banner);
	printf("  RAM %s at 0x%llx, rodata=%s, QEMU TCG -cpu %s (LPA2 %s)\n",
	       size, (unsigned long long)x->o.bank.base,
	       mb_rodata_name(x->o.rodata), x->o.cpu,
	       cpu_has_lpa2(x->o.cpu) ? "offered" : "off");
	printf("  granule %uK, %u-bit VA: %d levels from L%d, root of %u entries%s (TCR_EL1 0x%" PRIx64 ")\n",
	       1u << (x->geom.page_shift - 10), x->geom.va_bits,
	       4 - x->geom.start_level, x->geom.start_level,
	       x->geom.root_entries, x->geom.lpa2 ? ", LPA2 descriptors" : "",
	       x->tcr);
	if (x->cfg.path[0])
		printf("  config %s: %uK pages, VA_BITS %u, LPA2 %s\n",
		       x->cfg.path, 1u << (x->cfg.page_shift - 10),
		       x->cfg.va_bits, x->cfg.lpa2 ? "y" : "n");
}

static void print_table(const struct kc_ctx *x, const char *sname,
			uint64_t ndiff, const char *diffs)
{
	double gib = (double)x->o.bank.size / (1ULL << 30);
	struct row r[KC_NR_OPS + 4];
	unsigned int n = rows(x, r);
	char col[40];
	bool ops_equal = true;

	snprintf(col, sizeof(col), "mapbench %s", sname);
	print_head(x);
	printf("  mapbench image %s (%uK, %u-bit VA)\n", x->guest,
	       1u << (x->ginfo.page_shift - 10), x->ginfo.va_bits);
	printf("  window: first memblock_mark_nomap() in paging_init() .. return of the last\n"
	       "  memblock_clear_nomap() before memblock_allow_resize(); mapbench: map_mem_timed()\n");
	printf("  kernel alias [0x%llx, 0x%llx) (_text 0x%llx), symbols from %s\n\n",
	       (unsigned long long)x->rec.kernel_start,
	       (unsigned long long)x->rec.kernel_end,
	       (unsigned long long)x->load_pa, x->syms.source);
	printf("%-20s %14s %18s %8s %14s %18s\n", "counter", "kernel", col,
	       "ratio", "kernel/GiB", "mapbench/GiB");
	for (unsigned int i = 0; i < n; i++) {
		char ratio[16] = "-";

		if (r[i].k)
			snprintf(ratio, sizeof(ratio), "%.3f",
				 (double)r[i].m / r[i].k);
		else if (!r[i].m)
			snprintf(ratio, sizeof(ratio), "=");
		printf("%-20s %14" PRIu64 " %18" PRIu64 " %8s %14.0f %18.0f\n",
		       r[i].name, r[i].k, r[i].m, ratio, r[i].k / gib,
		       r[i].m / gib);
		if (is_op_row(r[i].name) && r[i].k != r[i].m)
			ops_equal = false;
	}
	printf("\nop counts: %s\n", ops_equal ? "all equal" : "DIFFER");
	printf("instructions: mapbench/kernel %.3f (%+.1f%%)\n",
	       x->k.c.insns ? (double)x->m.c.insns / x->k.c.insns : 0,
	       x->k.c.insns ?
	       100.0 * ((double)x->m.c.insns / x->k.c.insns - 1) : 0);
	if (!ndiff)
		printf("tables: identical (%zu runs, digest 0x%016" PRIx64 ")\n",
		       x->k.map.nr, x->k.map.digest);
	else
		printf("tables: DIFFER in %" PRIu64 " of %zu/%zu runs (digest kernel 0x%016" PRIx64
		       ", mapbench 0x%016" PRIx64 "); first differences:\n%s",
		       ndiff, x->k.map.nr, x->m.map.nr, x->k.map.digest,
		       x->m.map.digest, diffs);
	print_funcs("kernel", &x->kfuncs, x->kfs, x->k.c.insns);
	print_funcs("mapbench", &x->gfuncs, x->gfs, x->m.c.insns);
}

/* --kernel-only: the kernel's side alone. */
static void print_kernel(const struct kc_ctx *x)
{
	double gib = (double)x->o.bank.size / (1ULL << 30);
	struct row r[KC_NR_OPS + 4];
	unsigned int n = rows(x, r);
	print_head(x);
	printf("  the kernel alone (--kernel-only): no mapbench side\n\n");
	printf("%-20s %14s %14s\n", "counter", "kernel", "kernel/GiB");
	for (unsigned int i = 0; i < n; i++)
		printf("%-20s %14" PRIu64 " %14.0f\n", r[i].name, r[i].k,
		       r[i].k / gib);
	printf("\ntables: %zu runs from %" PRIu64 " table pages, digest 0x%016" PRIx64 "\n",
	       x->k.map.nr, x->k.map.tables, x->k.map.digest);
	for (size_t i = 0; i < x->k.map.nr && i < 12; i++) {
		char line[128];

		kc_run_format(&x->k.map.runs[i], line, sizeof(line));
		printf("  %s\n", line);
	}
	if (x->k.map.nr > 12)
		printf("  ... %zu more\n", x->k.map.nr - 12);
	print_funcs("kernel", &x->kfuncs, x->kfs, x->k.c.insns);
}

/* The functions of fs by instructions, most first: up to max indices. */
static size_t top_funcs(const struct kc_funcs *fs, const struct kc_fstat *f,
			size_t *idx, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; f && i <= fs->nr; i++) {
		size_t j;

		if (!f[i].insns)
			continue;
		for (j = n; j > 0 && f[idx[j - 1]].insns < f[i].insns; j--)
			if (j < max)
				idx[j] = idx[j - 1];
		if (j < max) {
			idx[j] = i;
			if (n < max)
				n++;
		}
	}
	return n;
}

static const char *fname(const struct kc_funcs *fs, size_t i)
{
	return i < fs->nr ? fs->f[i].name : "(other)";
}

static void print_funcs(const char *who, const struct kc_funcs *fs,
			const struct kc_fstat *f, uint64_t total)
{
	size_t idx[14], n = top_funcs(fs, f, idx, 14);

	if (!n)
		return;
	printf("\n%s: instructions by function (exclusive)\n", who);
	printf("  %-36s %12s %6s %10s %8s\n", "function", "insns", "%",
	       "entries", "/entry");
	for (size_t k = 0; k < n; k++) {
		const struct kc_fstat *s = &f[idx[k]];
		char per[16] = "-";

		if (s->entries)
			snprintf(per, sizeof(per), "%.1f",
				 (double)s->insns / s->entries);
		printf("  %-36.36s %12" PRIu64 " %6.1f %10" PRIu64 " %8s\n",
		       fname(fs, idx[k]), s->insns,
		       total ? 100.0 * s->insns / total : 0, s->entries, per);
	}
}

static json_t *funcs_json(const struct kc_funcs *fs, const struct kc_fstat *f)
{
	size_t idx[24], n = top_funcs(fs, f, idx, 24);
	json_t *a = json_array();

	for (size_t k = 0; k < n; k++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(fname(fs, idx[k])));
		json_object_set_new(o, "insns", json_integer(f[idx[k]].insns));
		json_object_set_new(o, "entries",
				    json_integer(f[idx[k]].entries));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jhex(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_string(b);
}

/* Tables per level in a map: each table descriptor at level L is one
 * table of level L + 1. */
static void map_tables(const struct kc_map *m, json_t *c)
{
	uint64_t n[4] = { 0 };

	for (size_t i = 0; i < m->nr; i++)
		if (m->runs[i].table)
			n[m->runs[i].level + 1] += m->runs[i].count;
	json_object_set_new(c, "tables_l1", json_integer(n[1]));
	json_object_set_new(c, "tables_l2", json_integer(n[2]));
	json_object_set_new(c, "tables_l3", json_integer(n[3]));
}

static json_t *side_counts(const struct kc_ctx *x, bool kernel)
{
	const struct kc_side *s = kernel ? &x->k : &x->m;
	json_t *c = json_object();

	/* mapbench's counter names, so report and compare read them */
	json_object_set_new(c, "tlbi_vaale1is",
			    json_integer(s->c.ops[KC_OP_tlbi_vaale1is]));
	json_object_set_new(c, "tlbi_vmalle1is",
			    json_integer(s->c.ops[KC_OP_tlbi_vmalle1is]));
	json_object_set_new(c, "tlbi_vmalle1",
			    json_integer(s->c.ops[KC_OP_tlbi_vmalle1]));
	json_object_set_new(c, "dsb_ishst",
			    json_integer(s->c.ops[KC_OP_dsb_ishst]));
	json_object_set_new(c, "dsb_ish", json_integer(s->c.ops[KC_OP_dsb_ish]));
	json_object_set_new(c, "dsb_nshst",
			    json_integer(s->c.ops[KC_OP_dsb_nshst]));
	json_object_set_new(c, "dsb_nsh", json_integer(s->c.ops[KC_OP_dsb_nsh]));
	json_object_set_new(c, "isb", json_integer(s->c.ops[KC_OP_isb]));
	if (kernel) {
		/* the kernel's __set_fixmap() calls are maps and clears,
		 * one each per use: halves, as mapbench counts them */
		json_object_set_new(c, "fixmap_map",
				    json_integer((s->fixmap + 1) / 2));
		json_object_set_new(c, "fixmap_unmap",
				    json_integer(s->fixmap / 2));
		json_object_set_new(c, "tables", json_integer(s->tables));
		map_tables(&s->map, c);
	} else {
		json_object_set_new(c, "fixmap_map",
				    json_integer(x->rec.counts.fixmap_map));
		json_object_set_new(c, "fixmap_unmap",
				    json_integer(x->rec.counts.fixmap_unmap));
		json_object_set_new(c, "tables_l0",
				    json_integer(x->rec.counts.tables_l0));
		json_object_set_new(c, "tables_l1",
				    json_integer(x->rec.counts.tables_l1));
		json_object_set_new(c, "tables_l2",
				    json_integer(x->rec.counts.tables_l2));
		json_object_set_new(c, "tables_l3",
				    json_integer(x->rec.counts.tables_l3));
		json_object_set_new(c, "tables", json_integer(s->tables));
	}
	json_object_set_new(c, "instructions", json_integer(s->c.insns));
	json_object_set_new(c, "set_fixmap_calls", json_integer(s->fixmap));
	return c;
}

static json_t *record(const struct kc_ctx *x, bool kernel, const char *sname,
		      uint64_t ndiff)
{
	const struct kc_side *s = kernel ? &x->k : &x->m;
	json_t *o = json_object(), *ram = json_object(), *banks = json_array();
	json_t *b = json_object(), *tm = json_object(), *kc = json_object();
	json_t *host = json_object(), *ops = json_object();
	char size[32], desc[96];

	mb_format_size(x->o.bank.size, size, sizeof(size));
	snprintf(desc, sizeof(desc), "QEMU TCG -cpu %s (instructions)",
		 x->o.cpu);
	json_object_set_new(o, "mapbench_version", json_string(MB_VERSION));
	json_object_set_new(o, "git_rev", json_string(MB_GIT_REV));
	json_object_set_new(o, "schema", json_integer(1));
	json_object_set_new(o, "kind", json_string("kernel-check"));
	json_object_set_new(o, "strategy",
			    json_string(kernel ? "kernel" : sname));
	json_object_set_new(o, "rodata",
			    json_string(mb_rodata_name(x->o.rodata)));
	json_object_set_new(o, "accel", json_string("tcg"));
	json_object_set_new(o, "emulated", json_true());
	json_object_set_new(o, "deterministic", json_true());
	json_object_set_new(o, "accel_desc", json_string(desc));
	json_object_set_new(o, "status", json_string("ok"));
	json_object_set_new(b, "base", jhex(x->o.bank.base));
	json_object_set_new(b, "size", json_integer(x->o.bank.size));
	json_object_set_new(b, "size_h", json_string(size));
	json_array_append_new(banks, b);
	json_object_set_new(ram, "banks", banks);
	json_object_set_new(ram, "total", json_integer(x->o.bank.size));
	json_object_set_new(o, "ram", ram);
	/* time = executed instructions at 1 ns each (like -icount
	 * shift=0): deterministic, so compare gates on any change */
	json_object_set_new(tm, "ticks", json_integer(s->c.insns));
	json_object_set_new(tm, "cntfrq", json_integer(1000000000));
	json_object_set_new(tm, "ms", json_real(s->c.insns / 1e6));
	json_object_set_new(tm, "unit", json_string("instructions"));
	json_object_set_new(o, "timing", tm);
	json_object_set_new(o, "counts", side_counts(x, kernel));
	json_object_set_new(host, "cpu_model", json_string(desc));
	json_object_set_new(o, "host", host);
	for (int i = 0; i < KC_NR_OPS; i++)
		json_object_set_new(ops, kc_op_names[i],
				    json_integer(s->c.ops[i]));
	json_object_set_new(kc, "side", json_string(kernel ? "kernel" :
						    "mapbench"));
	json_object_set_new(kc, "kernel_version", json_string(x->img.version));
	json_object_set_new(kc, "kernel_banner", json_string(x->img.banner));
	json_object_set_new(kc, "image_hash", jhex(x->img.hash));
	json_object_set_new(kc, "compared_with",
			    json_string(kernel ? sname : "kernel"));
	json_object_set_new(kc, "cpu", json_string(x->o.cpu));
	json_object_set_new(kc, "page_shift",
			    json_integer(kernel ? x->geom.page_shift :
					 x->ginfo.page_shift));
	json_object_set_new(kc, "va_bits",
			    json_integer(kernel ? x->geom.va_bits :
					 x->ginfo.va_bits));
	json_object_set_new(kc, "guest", json_string(x->guest));
	if (kernel) {
		json_object_set_new(kc, "start_level",
				    json_integer(x->geom.start_level));
		json_object_set_new(kc, "lpa2", json_boolean(x->geom.lpa2));
		json_object_set_new(kc, "tcr", jhex(x->tcr));
	}
	json_object_set_new(kc, "symbols", json_string(x->syms.source));
	json_object_set_new(kc, "window",
			    json_string(kernel ?
			    "first memblock_mark_nomap() in paging_init() .. return of the last memblock_clear_nomap() before memblock_allow_resize()" :
			    "map_mem_timed() entry .. return"));
	json_object_set_new(kc, "instructions", json_integer(s->c.insns));
	json_object_set_new(kc, "blocks", json_integer(s->c.tbs));
	json_object_set_new(kc, "ops", ops);
	json_object_set_new(kc, "set_fixmap_calls", json_integer(s->fixmap));
	json_object_set_new(kc, "tables", json_integer(s->tables));
	json_object_set_new(kc, "alias_start", jhex(x->rec.kernel_start));
	json_object_set_new(kc, "alias_end", jhex(x->rec.kernel_end));
	json_object_set_new(kc, "image_pa", jhex(x->load_pa));
	json_object_set_new(kc, "map_runs", json_integer(s->map.nr));
	json_object_set_new(kc, "digest", jhex(s->map.digest));
	json_object_set_new(kc, "tables_identical", json_boolean(!ndiff));
	json_object_set_new(kc, "runs_differing", json_integer(ndiff));
	if (kernel)
		json_object_set_new(kc, "ttbr1", jhex(x->ttbr1));
	json_object_set_new(kc, "functions",
			    kernel ? funcs_json(&x->kfuncs, x->kfs) :
			    funcs_json(&x->gfuncs, x->gfs));
	json_object_set_new(o, "kernel_check", kc);
	return o;
}

static int write_json(const struct kc_ctx *x, const char *sname,
		      uint64_t ndiff)
{
	json_t *k = record(x, true, sname, ndiff);
	json_t *m = record(x, false, sname, ndiff);
	char *a = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
	char *b = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	char err[MB_ERRLEN] = "", *all = NULL;
	int ret = MB_EXIT_VMM;

	if (a && b && asprintf(&all, "%s\n%s\n", a, b) > 0)
		ret = mb_write_atomic(x->o.json, all, strlen(all), err,
				      sizeof(err)) ? MB_EXIT_VMM : 0;
	if (ret)
		fprintf(stderr, "mapbench: %s\n", err[0] ? err :
			"cannot write the JSON file: out of memory");
	free(all);
	free(a);
	free(b);
	json_decref(k);
	json_decref(m);
	return ret;
}

/* ---- options ------------------------------------------------------- */

const char mb_kernel_check_usage[] =
"usage: mapbench kernel-check --kernel IMAGE [--mem SIZE | --layout SPEC]\n"
"                    [--rodata full|on|off] [--symbols System.map|vmlinux]\n"
"                    [--strategy NAME] [--cpu MODEL] [--json FILE]\n"
"                    [--timeout SECONDS] [--qemu PATH] [--guest ELF]\n"
"                    [--config KERNEL-CONFIG] [--kernel-only] [-v]\n";

/*
 * The JSON file must be a file name as mb_write_atomic() takes it (exit
 * 1) and creatable: its directory writable, not a dir (exit 2, as what
 * `run` cannot write, README).  Checked before anything runs.
 */
static int check_output(const char *path)
{
	char d[PATH_MAX], err[MB_ERRLEN];
	struct stat st;
	bool dir;

	if (mb_check_file_name(path, err, sizeof(err))) {
		fprintf(stderr, "mapbench: %s\n", err);
		return MB_EXIT_USAGE;
	}
	dir = !stat(path, &st) && S_ISDIR(st.st_mode);
	snprintf(d, sizeof(d), "%s", path);
	if (dir || access(dirname(d), W_OK | X_OK)) {
		fprintf(stderr, "mapbench: cannot write %s: %s\n",
			path, dir ? "a directory" :
			"its directory is not writable");
		return MB_EXIT_VMM;
	}
	return 0;
}

static int closest_strategy(const struct kc_image *img)
{
	if (img->major > 6 || (img->major == 6 && img->minor >= 10))
		return MB_STRAT_v6_10;
	return MB_STRAT_base;
}

static int parse_opts(int argc, char **argv, struct kc_opts *o)
{
	static const struct option lo[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "mem", required_argument, NULL, 'm' },
		{ "layout", required_argument, NULL, 'l' },
		{ "rodata", required_argument, NULL, 'r' },
		{ "symbols", required_argument, NULL, 'y' },
		{ "strategy", required_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "guest", required_argument, NULL, 'g' },
		{ "config", required_argument, NULL, 'C' },
		{ "kernel-only", no_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char err[MB_ERRLEN];
	unsigned long ul;
	int c, v;

	*o = (struct kc_opts){
		.qemu = "qemu-system-aarch64", .cpu = KC_DEFAULT_CPU,
		.strategy = -1, .timeout = KC_DEFAULT_TIMEOUT,
		.rodata = MB_RODATA_FULL,
	};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vh", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'm':
			if (mb_parse_size(optarg, &o->bank.size) ||
			    o->bank.size < MB_MIN_RAM || o->bank.size & 0xfffff)
				mb_die("--mem %s: a size of at least 64M, whole MiB",
				       optarg);
			o->bank.base = MB_RAM_BASE;
			break;
		case 'l': {
			struct mb_bank b[MB_MAX_BANKS];
			unsigned int nr = 0;

			o->layout = optarg;
			if (mb_layout_resolve(optarg, "configs/layouts", b, &nr,
					      err, sizeof(err)))
				mb_die("--layout: %s", err);
			if (nr != 1 || b[0].base != MB_RAM_BASE)
				mb_die("--layout %s: QEMU virt has one RAM bank at 0x40000000",
				       optarg);
			o->bank = b[0];
			break;
		}
		case 'r':
			v = mb_rodata_from_name(optarg);
			if (v < 0)
				mb_die("--rodata %s: full, on or off",
				       optarg);
			o->rodata = v;
			break;
		case 'y':
			o->symbols = optarg;
			break;
		case 's':
			v = mb_strategy_from_name(optarg);
			if (v < 0)
				mb_die("unknown strategy '%s' (mapbench list shows them)",
				       optarg);
			o->strategy = v;
			break;
		case 'c':
			o->cpu = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 't':
			if (mb_parse_uint(optarg, 1, 86400, &ul))
				mb_die("--timeout %s: 1..86400 seconds",
				       optarg);
			o->timeout = ul;
			break;
		case 'q':
			o->qemu = optarg;
			break;
		case 'g':
			o->guest = optarg;
			break;
		case 'C':
			o->config = optarg;
			break;
		case 'K':
			o->kernel_only = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(mb_kernel_check_usage, stdout);
			exit(0);
		default:
			mb_die_opt(MB_EXIT_USAGE, c, argv, "kernel-check");
		}
	}
	if (optind < argc)
		mb_die("unexpected argument '%s'", argv[optind]);
	if (!o->kernel)
		mb_die("--kernel IMAGE is required");
	if (!o->bank.size) {
		o->bank.base = MB_RAM_BASE;
		o->bank.size = 1ULL << 30;
	}
	if (o->guest && access(o->guest, R_OK))
		mb_die("no mapbench guest at %s (make guest, or --guest)",
		       o->guest);
	if (o->json)
		return check_output(o->json);
	return 0;
}

int mb_cmd_kernel_check(int argc, char **argv)
{
	struct kc_ctx *x = calloc(1, sizeof(*x));
	char diffs[1024] = "";
	const char *sname;
	uint64_t ndiff = 0;
	int ret;

	if (!x)
		return MB_EXIT_VMM;
	ret = parse_opts(argc, argv, &x->o);
	if (ret)
		goto out_free;
	mb_signals_install();
	x->ram_mib = x->o.bank.size >> 20;
	ret = kc_image_open(x->o.kernel, &x->img, x->err, sizeof(x->err));
	if (ret)
		goto out;
	if (x->o.strategy < 0)
		x->o.strategy = closest_strategy(&x->img);
	sname = mb_strategy_name(x->o.strategy);
	ret = kernel_config(x);
	/* refuse now if the image for what the kernel will run is missing */
	if (!ret && x->want_shift && x->want_va && !x->o.kernel_only)
		ret = pick_guest(x, x->want_shift, x->want_va);
	if (!ret)
		ret = make_tmp(x);
	if (!ret)
		ret = get_symbols(x);
	if (!ret)
		ret = run_kernel(x);
	if (!ret && x->o.kernel_only) {
		print_kernel(x);
		goto out;
	}
	if (!ret && !x->guest[0])
		ret = pick_guest(x, x->geom.page_shift, x->geom.va_bits);
	if (!ret)
		ret = run_guest(x, true);
	if (!ret)
		ret = run_guest(x, false);
	if (!ret)
		ret = guest_console(x);
	if (ret)
		goto out;
	kc_map_compare(&x->k.map, &x->m.map, diffs, sizeof(diffs), &ndiff);
	if (!ndiff && x->k.map.digest != x->m.map.digest) {
		ndiff = 1;
		snprintf(diffs, sizeof(diffs),
			 "  runs equal but digests differ\n");
	}
	print_table(x, sname, ndiff, diffs);
	if (x->o.json)
		ret = write_json(x, sname, ndiff);
out:
	if (ret && x->err[0])
		fprintf(stderr, "mapbench: %s\n", x->err);
	clean_tmp(x);
	kc_image_close(&x->img);
	kc_map_free(&x->k.map);
	kc_map_free(&x->m.map);
	kc_funcs_free(&x->kfuncs);
	kc_funcs_free(&x->gfuncs);
	free(x->kfs);
	free(x->gfs);
out_free:
	free(x);
	return ret;
}
