/* dataset: rblserve's loaded data, one dataset per (type, file list), in
   rbldnsd's formats, and the questions a zone asks of it. The boundary
   between the data side (loading, matching) and the protocol side (zones,
   packets, sockets). */
#ifndef RBLGATE_DATASET_H
#define RBLGATE_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define DATASET_TXT_MAX 255     /* buffer; an expanded TXT is at most 254 bytes, as rbldnsd cuts it */
#define DATASET_HITS_MAX 16     /* records one dataset gives for one name */
#define DATASET_NS_MAX 32
#define DATASET_NAME_MAX 255    /* wire form */
#define DATASET_SUBZONES_MAX 64 /* $DATASET sections in a combined file */

/* The question, decoded once per query by the zone code. */
typedef struct dsquery_s dsquery;
struct dsquery_s
{
  unsigned char const *name;  /* the labels below the zone, wire form, lower-case, no final 0 label */
  size_t namelen;             /* 0: the zone apex itself */
  unsigned nlabels;
  uint8_t isip4;              /* name is 4 labels d.c.b.a, each decimal 0..255 in at most 3 digits (rbldnsd takes "004") */
  uint8_t ip4[4];             /* a.b.c.d, network order */
  uint8_t isip6;              /* name is 32 labels of one hex nibble each (reversed) */
  uint8_t ip6[16];
  uint8_t wanttxt;            /* TXT or ANY was asked: expand TXT templates */
  char const *subst;          /* what a lone "$" in a TXT template becomes: the dotted address, */
  size_t substlen;            /*  the IPv6 text, or the domain name (dnset), without the zone */
};

/* One answer record pair. Every DNSBL hit has an A; TXT only if a template applies. */
typedef struct dshit_s dshit;
struct dshit_s
{
  uint8_t a[4];
  uint32_t ttl;
  uint8_t hastxt;
  uint16_t txtlen;
  char txt[DATASET_TXT_MAX];  /* expanded */
};

/* Names in dssoa and dsns are wire form with the root label; subzones of
   combined datasets are wire form without it ("@" has length 0). */
typedef struct dssoa_s dssoa;
struct dssoa_s
{
  uint32_t ttl;
  unsigned char mname[DATASET_NAME_MAX];  /* wire form */
  size_t mnamelen;
  unsigned char rname[DATASET_NAME_MAX];
  size_t rnamelen;
  uint32_t serial, refresh, retry, expire, minttl;   /* serial 0 in the file: newest file mtime */
};

typedef struct dsns_s dsns;
struct dsns_s
{
  uint32_t ttl;
  unsigned n;
  unsigned char name[DATASET_NS_MAX][DATASET_NAME_MAX];  /* wire form */
  size_t len[DATASET_NS_MAX];
};

enum dataset_acl_e
{
  DATASET_ACL_NONE = 0,       /* client not in the acl: as usual */
  DATASET_ACL_IGNORE,         /* drop the query */
  DATASET_ACL_REFUSE,         /* answer REFUSED */
  DATASET_ACL_EMPTY,          /* pretend no data sets list anything */
  DATASET_ACL_PASS,           /* as usual */
  DATASET_ACL_LISTED          /* every DNSBL query is listed with the acl's A/TXT ($ = client) */
};

/* Options that apply to every load (rbldnsd's -t and -e). */
typedef struct dsload_opts_s dsload_opts;
struct dsload_opts_s
{
  uint32_t defttl, minttl, maxttl;   /* -t defttl:minttl:maxttl (0 = no constraint) */
  uint8_t accept_in_cidr;            /* -e: 127.2.3.4/24 allowed */
  uint8_t require_cksum;             /* a file without "# CKSUM:" is refused */
  uint8_t strict;                    /* a bad line refuses the file instead of being skipped */
  uint8_t nogzip;                    /* -C: a gzip-compressed file is refused, not decompressed */
};

/* Called for each problem found while loading: file, line number (0 for
   the whole file), and what is wrong. */
typedef void dsload_warn_fn (void *ctx, char const *file, unsigned long line, char const *what);

typedef struct dataset_s dataset;   /* opaque; allocated at load, freed as a unit */

/* Loads a dataset of the named rbldnsd type ("ip4set", "ip4tset", "ip4trie",
   "ip6tset", "ip6trie", "dnset", "generic", "combined", "acl") from the
   files, read as one. A file whose "# CKSUM: crc bytes" line does not match
   what precedes it, or that is shorter than it says, is refused. Returns the
   dataset, or 0 with *why set to a static one-line reason (errno kept for
   system errors). Bad lines are reported through warn and skipped, unless
   o->strict. Safe to call from a loader thread: touches no global state. */
extern dataset *dataset_load (char const *type, char const *const *files, unsigned nfiles,
  dsload_opts const *o, dsload_warn_fn *warn, void *ctx, char const **why);
extern void dataset_free (dataset *d);

/* 1 if type names a known dataset type. */
extern int dataset_type_known (char const *type);

/* The type name a dataset was loaded as (a nested one's, for combined). */
extern char const *dataset_type (dataset const *d);

/* Records for q, at most max: returns how many (0 = not listed here). An
   exclusion (!entry) hides the name from this dataset. Never allocates.
   Combined, generic and acl datasets answer nothing here. */
extern unsigned dataset_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max);
/* Brings into the cache what dataset_query will read for q, in two steps
   (0, then 1 a little later, when what step 0 fetched has arrived), so
   that the lookups of a batch of queries wait for memory together rather
   than one after another. Only a hint: answers are the same without it. */
extern void dataset_prefetch (dataset const *d, dsquery const *q, unsigned step);

/* Metadata: 0 if the dataset has none. TTL for records without their own. */
extern dssoa const *dataset_soa (dataset const *d);
extern dsns const *dataset_ns (dataset const *d);
extern uint32_t dataset_ttl (dataset const *d);
/* The newest mtime among the files (for SOA serial 0 and reload checks). */
extern time_t dataset_mtime (dataset const *d);
/* Entries loaded, and bytes of memory held, for logs and benchmarks. */
extern size_t dataset_entries (dataset const *d);
extern size_t dataset_bytes (dataset const *d);

/* combined: the nested datasets and the subzones each serves ("@" = the
   base zone itself, as an empty name). i < dataset_nsub(d). */
extern unsigned dataset_nsub (dataset const *d);
extern dataset const *dataset_sub (dataset const *d, unsigned i, unsigned char const *const **subzones, size_t const **sublens, unsigned *nsubzones);

/* generic datasets: records of any of a few types by name. */
typedef struct dsrr_s dsrr;
struct dsrr_s
{
  uint16_t type;            /* 1 A, 15 MX, 16 TXT */
  uint32_t ttl;
  uint16_t len;             /* A: 4; MX: 2 + wire name; TXT: the text */
  unsigned char data[DATASET_NAME_MAX + 2];
};
/* generic: the records of q's name for qtype (1, 15, 16, or 255 for all).
   Returns the count, at most max; *exists set if the name has any record. */
extern unsigned dataset_generic (dataset const *d, dsquery const *q, uint16_t qtype, dsrr *rr, unsigned max, int *exists);
/* $TIMESTAMP's expiry: 0 if none; after it the data must not be served. */
extern time_t dataset_expires (dataset const *d);

/* acl: the action for a client address (ip is 4 or 16 bytes). For LISTED,
   hit receives the A and the TXT with "$" replaced by the client address. */
extern int dataset_acl (dataset const *d, uint8_t const *ip, int is6, dshit *hit);

#endif
