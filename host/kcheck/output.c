// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's output: the side-by-side table (per GiB too) with the
 * op-count and table verdicts, or the kernel's side alone
 * (--kernel-only); instructions by function; and --json's two records,
 * the kernel as strategy "kernel" and the strategy, that report and
 * compare read.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "record.h"
#include "ctx.h"
#include "opts.h"
#include "trace.h"
#include "map.h"
#include "output.h"

/* ---- the table ------------------------------------------------------- */

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
	       kc_cpu_has_lpa2(x->o.cpu) ? "offered" : "off");
	printf("  granule %uK, %u-bit VA: %d levels from L%d, root of %u entries%s (TCR_EL1 0x%" PRIx64 ")\n",
	       1u << (x->geom.page_shift - 10), x->geom.va_bits,
	       4 - x->geom.start_level, x->geom.start_level,
	       x->geom.root_entries, x->geom.lpa2 ? ", LPA2 descriptors" : "",
	       x->tcr);
	if (x->cfg.path[0])
		printf("  config %s: %uK pages, VA_BITS %u, LPA2 %s\n",
		       x->cfg.path, 1u << (x->cfg.page_shift - 10),
		       x->cfg.va_bits, x->cfg.lpa2 ? "y" : "n");
	if (x->o.force_bbml2)
		printf("  BBML2 FORCED: the kernel's own CPU check answered yes (%u call%s), the guest takes the block path too\n",
		       x->bbml_forced, x->bbml_forced == 1 ? "" : "s");
}

void kc_print_table(const struct kc_ctx *x, const char *sname,
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
	printf("  window: %s;\n  mapbench: map_mem_timed()\n", kc_window_text(x->win));
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
void kc_print_kernel(const struct kc_ctx *x)
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

/* ---- the JSON records ------------------------------------------------ */

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

/* The map's first runs as kc_run_format() prints them: enough for
 * `mapbench compare` to show where two kernels' maps first differ. */
static json_t *map_head(const struct kc_map *m)
{
	json_t *a = json_array();
	char line[96];

	for (size_t i = 0; a && i < m->nr && i < MB_MAP_HEAD; i++) {
		kc_run_format(&m->runs[i], line, sizeof(line));
		json_array_append_new(a, json_string(line));
	}
	return a;
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
		const uint64_t lv[] = {
			x->rec.counts.tables_l0, x->rec.counts.tables_l1,
			x->rec.counts.tables_l2, x->rec.counts.tables_l3,
		};
		char k[16];

		json_object_set_new(c, "fixmap_map",
				    json_integer(x->rec.counts.fixmap_map));
		json_object_set_new(c, "fixmap_unmap",
				    json_integer(x->rec.counts.fixmap_unmap));
		for (int i = 0; i < 4; i++) {
			snprintf(k, sizeof(k), "tables_l%d", i);
			json_object_set_new(c, k, json_integer(lv[i]));
		}
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
	json_object_set_new(kc, "force_bbml2", json_boolean(x->o.force_bbml2));
	if (x->o.force_bbml2)
		json_object_set_new(kc, "bbml2_checks_forced",
				    json_integer(x->bbml_forced));
	json_object_set_new(kc, "window",
			    json_string(kernel ? kc_window_text(x->win) :
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
	json_object_set_new(kc, "map_head", map_head(&s->map));
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

int kc_write_json(const struct kc_ctx *x, const char *sname,
		  uint64_t ndiff)
{
	json_t *k = record(x, true, sname, ndiff);
	json_t *m = record(x, false, sname, ndiff);
	char *a = json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS);
	char *b = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
	char err[MB_ERRLEN] = "", *all = NULL, *before = NULL;
	int ret = MB_EXIT_VMM;

	/* several kernels: this command's earlier records first */
	if (x->o.json_append)
		before = mb_read_file(x->o.json, 0, NULL);
	if (a && b && asprintf(&all, "%s%s\n%s\n", before ? before : "",
			       a, b) > 0)
		ret = mb_write_atomic(x->o.json, all, strlen(all), err,
				      sizeof(err)) ? MB_EXIT_VMM : 0;
	free(before);
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

/* ---- several kernels: map_mem() across releases ------------------------ */

void kc_history_row(const struct kc_ctx *x, const char *sname,
		    uint64_t ndiff, struct kc_history_row *r)
{
	const char *deb = NULL, *p = x->img.banner;
	const uint64_t *k = x->k.c.ops, *m = x->m.c.ops;

	/* the package version is the banner's last "Debian " (the first
	 * is the compiler's) */
	while ((p = strstr(p, "Debian ")))
		deb = p++;

	snprintf(r->version, sizeof(r->version), "%s", x->img.version);
	if (deb) {
		deb += strlen("Debian ");
		snprintf(r->debian, sizeof(r->debian), "%.*s",
			 (int)strcspn(deb, " )"), deb);
	}
	snprintf(r->strategy, sizeof(r->strategy), "%s", sname);
	r->tlbi = k[KC_OP_tlbi_vaale1is];
	r->dsb_ishst = k[KC_OP_dsb_ishst];
	r->dsb_ish = k[KC_OP_dsb_ish];
	r->isb = k[KC_OP_isb];
	r->fixmap = x->k.fixmap;
	r->tables = x->k.tables;
	r->insns_k = x->k.c.insns;
	r->insns_m = x->m.c.insns;
	r->ops_equal = !memcmp(k, m, sizeof(x->k.c.ops)) &&
		       x->k.fixmap == x->m.fixmap &&
		       x->k.tables == x->m.tables;
	r->tables_identical = !ndiff;
	r->done = true;
}

void kc_print_history(const struct kc_history_row *r, unsigned int n,
		      uint64_t mem)
{
	double gib = (double)mem / (1ULL << 30);
	char size[32];

	mb_format_size(mem, size, sizeof(size));
	printf("map_mem() across releases: %s, per GiB (counts / %s)\n\n",
	       size, size);
	printf("| kernel | Debian | strategy | TLBI | DSB ishst | DSB ish | ISB | fixmap | tables | insns kernel | insns strategy | ops | tables |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (unsigned int i = 0; i < n; i++, r++) {
		if (!r->done) {
			printf("| %s | | | %s | | | | | | | | | |\n",
			       r->version[0] ? r->version : "?", r->error);
			continue;
		}
		printf("| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f (%+.1f%%) | %s | %s |\n",
		       r->version, r->debian, r->strategy, r->tlbi / gib,
		       r->dsb_ishst / gib, r->dsb_ish / gib, r->isb / gib,
		       r->fixmap / gib, r->tables / gib, r->insns_k / gib,
		       r->insns_m / gib,
		       r->insns_k ? 100.0 * ((double)r->insns_m / r->insns_k - 1) : 0,
		       r->ops_equal ? "equal" : "DIFFER",
		       r->tables_identical ? "identical" : "DIFFER");
	}
}
