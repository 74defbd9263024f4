// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel-check's symbols.  The kernel's: --symbols (a System.map or a
 * vmlinux), else a one-off boot of the Image into an initramfs whose
 * /init (tools/kallsyms-init.c, embedded) prints the /proc/kallsyms
 * lines needed, cached per Image hash; with nokaslr they hold for every
 * later boot.  The mapbench guest's: from its ELF symbol table.  Both
 * sides' functions too, for the instructions split by function.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "ctx.h"
#include "image.h"
#include "trace.h"
#include "qemu.h"
#include "symbols.h"

/* The symbol boot's /init: tools/kallsyms-init.c, embedded (blob.S). */
extern const unsigned char kc_init_blob[], kc_init_blob_end[];

/* ---- the cache ------------------------------------------------------- */

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

/* ---- the kernel's ---------------------------------------------------- */

/* The Image booted once with that /init: its console, the kallsyms
 * lines up to MBSYM-END, into text. */
static int symbol_boot(struct kc_ctx *x, char **text)
{
	char append[] = "console=ttyAMA0 nokaslr quiet panic=-1 rdinit=/init";
	char mem[32], con[PATH_MAX + 32], *argv[32];
	double deadline = mb_now() + x->o.timeout;
	struct kc_proc p;
	int ret, n;

	n = kc_qemu_argv(x, 1024, argv, mem, sizeof(mem), con, sizeof(con));
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
	ret = kc_proc_start(&p, argv, x->err, sizeof(x->err), x->o.verbose);
	if (ret)
		return ret;
	while (!kc_proc_exited(&p) && mb_now() < deadline) {
		kc_proc_drain(&p);
		ret = kc_interrupted(x);
		if (ret) {
			kc_proc_stop(&p);
			return ret;
		}
		usleep(100000);
	}
	if (!p.c.reaped) {
		kc_proc_stop(&p);
		*text = mb_read_file(x->path_con, 0, NULL);
		if (*text && strstr(*text, "MBSYM-END"))
			return 0;
		free(*text);
		*text = NULL;
		return mb_errf(MB_EXIT_TIMEOUT, x->err, sizeof(x->err),
			       "the symbol boot did not finish in %u s",
			       x->o.timeout);
	}
	kc_proc_stop(&p);
	*text = mb_read_file(x->path_con, 0, NULL);
	if (!*text || !strstr(*text, "MBSYM-END")) {
		free(*text);
		*text = NULL;
		if (p.errlen)
			return kc_qemu_died(x, &p, "the symbol boot failed");
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

void kc_elf_funcs(const char *path, struct kc_funcs *fs)
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

int kc_get_symbols(struct kc_ctx *x)
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
		kc_elf_funcs(x->o.symbols, &x->kfuncs);
	} else {
		kc_syms_cache_path(x->img.hash, dir, sizeof(dir), path,
				   sizeof(path));
		text = mb_read_file(path, 0, &len);
		/* --force-bbml2 needs the CPU check's symbol, which maps
		 * cached before it was wanted do not list: boot again */
		if (text && x->o.force_bbml2 &&
		    !strstr(text, " cpu_supports_bbml")) {
			free(text);
			text = NULL;
		}
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

/* ---- the mapbench guest's -------------------------------------------- */

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

int kc_elf_symbol(const char *path, const char *name, uint64_t *val,
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
