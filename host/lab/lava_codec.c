// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the records need to cross a console and a LAVA log intact:
 * base64, a CRC-32 per record, and test case names LAVA accepts.
 */
#include <stdio.h>
#include <string.h>

#include "lava.h"

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()), bit by bit: the
 * records are small and this runs once per record. */
uint32_t mb_crc32(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t crc = 0xffffffff;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mb_b64_encode(struct mb_buf *b, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	char q[5] = "";

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (n > 2)
			v |= p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = n > 1 ? b64[v >> 6 & 63] : '=';
		q[3] = n > 2 ? b64[v & 63] : '=';
		mb_bprintf(b, "%s", q);
	}
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int mb_b64_decode(struct mb_buf *b, const char *s, size_t len)
{
	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		uint32_t w;
		char out[4];

		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)	/* data after '=' */
				return -1;
			v[k] = b64_val(s[i + k]);
			if (v[k] < 0)
				return -1;
		}
		w = (uint32_t)v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
		out[0] = w >> 16;
		out[1] = w >> 8 & 0xff;
		out[2] = w & 0xff;
		out[3] = '\0';
		for (int k = 0; k < 3 - pad; k++) {
			/* the records are text: NUL never belongs in them */
			if (!out[k])
				return -1;
			mb_bprintf(b, "%c", out[k]);
		}
	}
	return 0;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/*
 * "strategy=base mem=1G rodata=full backing=hugetlb:2M deterministic" ->
 * "base_1G_full_backing-hugetlb-2M_deterministic": the three axes every
 * point has by value, the others as key-value; anything else LAVA does
 * not take in a name becomes '-'.
 */
void mb_lava_case_name(const char *point, char *buf, size_t len)
{
	static const char *const bare[] = {
		"strategy=", "mem=", "rodata=",
	};
	size_t n = 0;
	const char *p = point;

	if (!len)
		return;
	while (*p && n + 1 < len) {
		size_t w = strcspn(p, " ");
		const char *tok = p;

		for (size_t i = 0; i < sizeof(bare) / sizeof(bare[0]); i++)
			if (!strncmp(tok, bare[i], strlen(bare[i]))) {
				tok += strlen(bare[i]);
				break;
			}
		if (n && n + 1 < len)
			buf[n++] = '_';
		for (; tok < p + w && n + 1 < len; tok++)
			buf[n++] = name_char(*tok) ? *tok : '-';
		p += w;
		p += strspn(p, " ");
	}
	buf[n] = '\0';
}
