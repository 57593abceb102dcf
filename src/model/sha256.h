/* Copyright (c) 2026 the stepup authors. */
/* SPDX-License-Identifier: ISC (see LICENSE) */
/* sha256.h: FIPS 180-4 SHA-256, used to fingerprint runbooks and artifacts. */
#ifndef STEPUP_SHA256_H
#define STEPUP_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;
	unsigned char	block[64];
	size_t		used;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char digest[32]);

#endif
