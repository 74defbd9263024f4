// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the one-off symbol boot of `mapbench kernel-check`: mounts
 * proc, prints the kallsyms lines kernel-check needs as
 * "MBSYM <addr> <type> <name>" on the console, then powers off.
 * Built static for arm64 by make; the host packs it into a newc cpio.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const wanted[] = {
	"_text", "_stext", "__init_begin", "__init_end", "__bss_stop",
	"_end", "swapper_pg_dir",
	"memstart_addr", "kimage_voffset", "paging_init",
	"memblock_mark_nomap", "memblock_clear_nomap",
	"memblock_allow_resize", "__set_fixmap", "early_pgtable_alloc",
	"pgd_pgtable_alloc", "__create_pgd_mapping", "map_mem",
	"arm64_use_ng_mappings", "linux_banner", "start_kernel",
	"memblock_phys_alloc_range", "create_idmap",
	"cpu_supports_bbml2_noabort", "cpu_supports_bbml3",
};

/*
 * Text symbols whose names hold one of these are printed too, each with
 * the symbol after it (where it ends): kernel-check attributes the
 * window's instructions to functions with them.
 */
static const char *const parts[] = {
	"memblock", "fixmap", "pgtable", "pte", "pmd", "pud", "p4d", "pgd",
	"map", "alloc", "mem", "flush", "tlb", "pgattr", "phys", "page",
	"mutex", "lock", "kfence", "paging", "range", "mte", "ng_",
};

static int want_part(const char *name, const char *type)
{
	if (type[0] != 't' && type[0] != 'T')
		return 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strstr(name, parts[i]))
			return 1;
	return 0;
}

static int want(const char *name)
{
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (!strcmp(name, wanted[i]))
			return 1;
	return 0;
}

int main(void)
{
	char line[512], name[256], type[8];
	unsigned long long addr;
	int first = 0, after = 0;
	FILE *f;

	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL))
		perror("MBSYM-ERR mount");
	f = fopen("/proc/kallsyms", "r");
	if (!f) {
		printf("MBSYM-ERR no /proc/kallsyms\n");
	} else {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%llx %7s %255s", &addr, type,
				   name) != 3)
				continue;
			/* module symbols carry a [module] suffix: skip */
			if (strchr(line, '['))
				continue;
			/* the lowest symbols: _text is not always named */
			if (want(name) || first++ < 4)
				printf("MBSYM %016llx %s %s\n", addr, type,
				       name);
			else if (want_part(name, type))
				printf("MBFUN %016llx %s %s\n", addr, type,
				       name);
			else if (after)
				printf("MBEND %016llx %s %s\n", addr, type,
				       name);
			after = want_part(name, type);
		}
		fclose(f);
	}
	printf("MBSYM-END\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
