/* cksum: the CRC of POSIX cksum(1), computed incrementally (Spamhaus "# CKSUM:" lines). Pure. */
#ifndef RBLGATE_CKSUM_H
#define RBLGATE_CKSUM_H

#include <stddef.h>
#include <stdint.h>

#define CKSUM_INIT 0U

/* Feeds len bytes into a running CRC that started at CKSUM_INIT. */
extern uint32_t cksum_update (uint32_t crc, void const *buf, size_t len);

/* The value cksum(1) prints for a stream of total bytes whose running CRC is crc. */
extern uint32_t cksum_final (uint32_t crc, uint64_t total);

/* cksum_final(cksum_update(CKSUM_INIT, buf, len), len) */
extern uint32_t cksum_buf (void const *buf, size_t len);

#endif
