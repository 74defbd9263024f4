// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM binary statistics (KVM_GET_STATS_FD, Linux 5.14+).  The fd reads as
 * one file: a header, an id string, num_desc descriptors of
 * sizeof(struct kvm_stats_desc) + name_size bytes each, and the data.
 * Which stats exist differs between kernels and trees, so nothing here
 * knows a name or an offset: everything is enumerated from the file and
 * matched by name.  The decoder works on bytes only (the unit tier feeds
 * it files captured from a real KVM) and trusts none of them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "util.h"
#include "kvm/kvmstats.h"

#define STATS_FILE_MAX	(1u << 20)
#define NAME_SIZE_MAX	256


static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A NUL-terminated printable name in the first n bytes of p. */
static int name_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i]; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return 0;
	return i > 0 && i < n;
}

int mb_kstats_decode(const void *blob, size_t len, struct mb_kstats *out,
		     char *err, size_t errlen)
{
	const uint8_t *b = blob;
	struct kvm_stats_header h;
	uint64_t stride, end;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(h))
		return mb_errf(-1, err, errlen,
			       "KVM stats: %zu bytes, no header", len);
	memcpy(&h, b, sizeof(h));
	if (!h.name_size || h.name_size > NAME_SIZE_MAX)
		return mb_errf(-1, err, errlen,
			       "KVM stats: name size %u", h.name_size);
	if (h.num_desc > MB_KSTAT_MAX)
		return mb_errf(-1, err, errlen,
			       "KVM stats: %u descriptors, at most %d",
			       h.num_desc, MB_KSTAT_MAX);
	if ((uint64_t)h.id_offset + h.name_size > len ||
	    !name_ok(b + h.id_offset, h.name_size))
		return mb_errf(-1, err, errlen, "KVM stats: bad id string");
	stride = sizeof(struct kvm_stats_desc) + (uint64_t)h.name_size;
	end = (uint64_t)h.desc_offset + stride * h.num_desc;
	if (end > len)
		return mb_errf(-1, err, errlen,
			       "KVM stats: descriptors beyond the %zu bytes read",
			       len);
	snprintf(out->id, sizeof(out->id), "%s", (const char *)b + h.id_offset);

	for (uint32_t i = 0; i < h.num_desc; i++) {
		const uint8_t *d = b + h.desc_offset + stride * i;
		struct kvm_stats_desc desc;
		struct mb_kstat *s = &out->s[out->nr];
		uint64_t at, sum = 0;

		memcpy(&desc, d, sizeof(desc));
		if (!name_ok(d + sizeof(desc), h.name_size) ||
		    strlen((const char *)d + sizeof(desc)) >= MB_KSTAT_NAME)
			return mb_errf(-1, err, errlen,
				       "KVM stats: descriptor %u has a bad name",
				       i);
		if ((desc.flags & KVM_STATS_TYPE_MASK) > KVM_STATS_TYPE_MAX ||
		    !desc.size)
			return mb_errf(-1, err, errlen,
				       "KVM stats: %s: unknown type or size 0",
				       (const char *)d + sizeof(desc));
		at = (uint64_t)h.data_offset + desc.offset;
		if (at + (uint64_t)desc.size * 8 > len)
			return mb_errf(-1, err, errlen,
				       "KVM stats: %s: data beyond the %zu bytes read",
				       (const char *)d + sizeof(desc), len);
		/* histograms: the total count, saturating */
		for (uint16_t k = 0; k < desc.size; k++) {
			uint64_t v = get_u64(b + at + 8 * k);

			sum = sum + v < sum ? UINT64_MAX : sum + v;
		}
		for (unsigned int j = 0; j < out->nr; j++)
			if (!strcmp(out->s[j].name,
				    (const char *)d + sizeof(desc)))
				return mb_errf(-1, err, errlen,
					       "KVM stats: %s appears twice",
					       out->s[j].name);
		snprintf(s->name, sizeof(s->name), "%s",
			 (const char *)d + sizeof(desc));
		s->flags = desc.flags;
		s->exponent = desc.exponent;
		s->size = desc.size;
		s->value = sum;
		s->at = at;
		out->nr++;
	}
	return 0;
}

const struct mb_kstat *mb_kstats_get(const struct mb_kstats *k,
				     const char *name)
{
	for (unsigned int i = 0; i < k->nr; i++)
		if (!strcmp(k->s[i].name, name))
			return &k->s[i];
	return NULL;
}

/*
 * after - before by name: counters and histograms as a difference (they
 * never go back), instant and peak values as they were after.
 */
int mb_kstats_delta(const struct mb_kstats *before,
		    const struct mb_kstats *after, struct mb_kstats *delta,
		    char *err, size_t errlen)
{
	memset(delta, 0, sizeof(*delta));
	if (before->nr != after->nr || strcmp(before->id, after->id))
		return mb_errf(-1, err, errlen,
			       "KVM stats: the descriptor set changed during the run");
	memcpy(delta->id, after->id, sizeof(delta->id));
	for (unsigned int i = 0; i < after->nr; i++) {
		const struct mb_kstat *a = &after->s[i];
		const struct mb_kstat *b = mb_kstats_get(before, a->name);
		struct mb_kstat *d = &delta->s[delta->nr++];
		uint32_t type = a->flags & KVM_STATS_TYPE_MASK;

		if (!b || b->flags != a->flags || b->size != a->size)
			return mb_errf(-1, err, errlen,
				       "KVM stats: %s changed shape during the run",
				       a->name);
		*d = *a;
		if (type == KVM_STATS_TYPE_INSTANT ||
		    type == KVM_STATS_TYPE_PEAK)
			continue;
		if (a->value < b->value)
			return mb_errf(-1, err, errlen,
				       "KVM stats: counter %s went backwards",
				       a->name);
		d->value = a->value - b->value;
	}
	return 0;
}

/* The whole stats file, from offset 0 (pread: the fd is shared). */
int mb_kstats_read(int fd, void **blob, size_t *len)
{
	size_t cap = 4096, have = 0;
	uint8_t *buf = NULL;

	for (;;) {
		ssize_t n;

		if (!buf || have == cap) {
			uint8_t *nb;

			if (buf)
				cap *= 2;
			if (cap > STATS_FILE_MAX) {
				free(buf);
				errno = EFBIG;
				return -1;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
		n = pread(fd, buf + have, cap - have, have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (!n)
			break;
		have += n;
	}
	*blob = buf;
	*len = have;
	return 0;
}
