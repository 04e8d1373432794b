/* ds: inside the data side: the dataset-type descriptor, the load state the
   types' callbacks work on, the arena, values and TXT templates, and the
   address parsers and range builder the ds_*.c types share. Not for the
   protocol side (dataset.h is its boundary). */
#ifndef RBLGATE_DS_H
#define RBLGATE_DS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "dataset.h"

typedef unsigned __int128 dsu128;

/* ---- arena: everything a loaded dataset holds, freed as a unit ---- */

typedef struct dsarena_s dsarena;
extern dsarena *ds_arena_new (void);
extern void ds_arena_free (dsarena *a);
extern void *ds_alloc (dsarena *a, size_t n);   /* 16-aligned, zeroed; 0 on ENOMEM */
extern size_t ds_arena_bytes (dsarena const *a);
/* memory mapped on its own (zeroed), for big arrays: freed at once, not kept by malloc;
   in huge pages, for the arrays of a loaded dataset */
extern void *ds_big_alloc (size_t n);
extern void *ds_big_resize (void *p, size_t old, size_t n);   /* 0 on failure, p still valid */
extern void ds_big_free (void *p, size_t n);
/* the same in small pages, for temporaries; freed with ds_big_free */
extern void *ds_tmp_alloc (size_t n);
extern void *ds_tmp_resize (void *p, size_t old, size_t n);
/* ds_grow for big temporary arrays in such memory (small pages); released with ds_big_release(p, cap, size) */
extern int ds_big_grow (void **p, size_t *cap, size_t need, size_t size);
extern void ds_big_release (void *p, size_t cap, size_t size);
/* gives back the whole pages before offset upto of a mapped block of *n
   bytes at *p (a stream read once, from the front); *p and *n are then
   what is left, 0 and 0 once nothing is */
extern void ds_big_drop (void **p, size_t *n, size_t upto);
/* hands a mapped block of n bytes (ds_big_alloc, ds_tmp_alloc) to the arena, which unmaps it when freed: 1, or 0 */
extern int ds_arena_adopt (dsarena *a, void *p, size_t n);

/* ---- values: an A and a TXT template, shared by many entries ---- */

typedef struct dsval_s dsval;
struct dsval_s
{
  uint32_t txtoff;          /* template in the dataset's text pool */
  uint16_t txtlen;
  uint8_t a[4];
  uint8_t flags;
  uint8_t action;           /* acl: enum dataset_acl_e */
};
#define DSVAL_TXT 1         /* the entry has a text; without one there is no TXT unless a base template applies */
#define DSVAL_NOBASE 2      /* the text began with '=': the base template ($=) does not apply */

#define DS_NVARS 11         /* $0..$9, and $= in slot 10 */
#define DS_VARBASE 10

/* ---- the loaded dataset ---- */

typedef struct dstype_s dstype;

struct dataset_s
{
  dstype const *type;
  dsarena *arena;           /* owned by the outermost dataset; 0 in a combined's nested ones */
  void const *impl;         /* the type's own structure, in the arena */
  dsval const *val;
  uint32_t nval;
  char const *txt;          /* text pool: templates and variables */
  uint32_t varoff[DS_NVARS];
  uint16_t varlen[DS_NVARS];
  uint16_t varset;          /* bit i: variable i is defined */
  uint32_t ttl;
  dssoa *soa;
  dsns *ns;
  time_t mtime;
  time_t expires;           /* $TIMESTAMP expiry, 0 = none */
  size_t entries;
  size_t bytes;
  /* combined: the nested datasets; in a nested one, the subzones it serves */
  unsigned nsub;
  dataset *sub;
  unsigned nzone;
  unsigned char const **zone;
  size_t *zonelen;
};

/* ---- load state ---- */

typedef struct dsload_s dsload;
typedef struct dsbuild_s dsbuild;

struct dsload_s
{
  dsload_opts const *o;
  dsload_warn_fn *warn;
  void *ctx;
  char const *const *files;
  unsigned nfiles;
  unsigned fileno;          /* index of the file being read */
  unsigned long lineno;
  int bad;                  /* the current line was refused (strict turns that into failure) */
  int fatal;                /* the load cannot go on; why says why */
  int nul;                  /* the read buffer holds a NUL byte somewhere */
  char const *why;
  dsarena *arena;
  time_t now;
  char msg[160];            /* formatted warnings */
};

/* One dataset under construction (a combined has one per $DATASET section). */
struct dsbuild_s
{
  dsload *ld;
  dstype const *type;
  dataset *d;               /* the final struct, in the arena */
  void *tmp;                /* the type's temporary state */
  dsval *val;               /* values so far (malloc) */
  uint32_t nval, valcap;
  char *txt;                /* text pool so far (malloc) */
  uint32_t txtlen, txtcap;
  int32_t defval;           /* the current file's default value, -1: none */
  int32_t implval;          /* the value used without any default (127.0.0.2, no TXT), -1: not made yet */
  int32_t lastval;          /* last value made from an entry line, for sharing repeats */
  uint32_t ttl;             /* $TTL, 0 = not given */
  uint32_t maxrange4;       /* $MAXRANGE4 in addresses, 0 = none */
  uint32_t varoff[DS_NVARS];
  uint16_t varlen[DS_NVARS];
  uint16_t varset;
  int onevalset;            /* DSTYPE_ONEVALUE: the first default line was seen */
  size_t entries;
  dsbuild *parent;          /* a combined's nested dataset: the combined */
};

/* ---- the type descriptor ---- */

struct dstype_s
{
  char const *name;
  unsigned flags;
  /* makes b->tmp; 1 or 0 on ENOMEM */
  int (*start) (dsbuild *b);
  /* one entry line, leading white space removed, not empty, not a
     comment, special or default line: 1 taken, 0 refused (after
     ds_bad), -1 fatal (after ds_fatal). s[len] is '\n' or NUL, and
     32 bytes after s + len are readable. */
  int (*line) (dsbuild *b, char const *s, size_t len);
  /* builds b->d->impl in the arena from b->tmp: 1, or 0 after ds_fatal */
  int (*finish) (dsbuild *b);
  /* frees b->tmp, whether or not finish ran */
  void (*discard) (dsbuild *b);
  unsigned (*query) (dataset const *d, dsquery const *q, dshit *hits, unsigned max);
  /* optional: asks the cache for the memory query will read for q, step 0
     the first level, step 1 the level that one points to (reading what
     step 0 fetched). Changes nothing. */
  void (*prefetch) (dataset const *d, dsquery const *q, unsigned step);
};
#define DSTYPE_ONEVALUE 1   /* values after entries are ignored; the first default line applies to every entry */
#define DSTYPE_NOMETA 2     /* $SOA and $NS are not allowed (acl) */
#define DSTYPE_COMBINED 4   /* a container of $DATASET sections */
#define DSTYPE_RAWLINES 8   /* no default lines: every non-special line goes to line() (generic) */
#define DSTYPE_V6 16        /* IPv6 entries: a line starting "::" is an entry, not a default line */

extern dstype const ds_ip4set;
extern dstype const ds_ip4tset;
extern dstype const ds_ip4trie;
extern dstype const ds_ip6tset;
extern dstype const ds_ip6trie;
extern dstype const ds_dnset;
extern dstype const ds_generic;
extern dstype const ds_combined;
extern dstype const ds_acl;

extern dstype const *ds_type_find (char const *name, size_t len);

/* ---- helpers for the types (dataset.c) ---- */

/* Reports the current line as refused; returns 0. */
extern int ds_bad (dsbuild *b, char const *what);
/* Reports a problem with a line that is still taken. */
extern void ds_notice (dsbuild *b, char const *what);
/* Reports a refused line found after reading (finish), by file index and line. */
extern void ds_badat (dsbuild *b, unsigned fileno, unsigned long line, char const *what);
/* "a<n1>b<n2>c" (c 0: "a<n1>b") in a buffer of the load, for the calls above */
extern char const *ds_msg (dsbuild *b, char const *a, unsigned long long n1, char const *b2, unsigned long long n2, char const *c);
/* Stops the load; returns -1. */
extern int ds_fatal (dsbuild *b, char const *why);

static inline int ds_space (char c) { return c == ' ' || c == '\t'; }

/* The value after an entry (s[0..len) starts after the entry's text):
   nothing or a comment = the current default; ":A:TXT", ":A", or a TXT.
   Returns 1 with *v, or 0 after ds_bad. */
extern int ds_value (dsbuild *b, char const *s, size_t len, uint32_t *v);
/* A value made by the type itself (acl actions). Returns 1, or 0 after ds_fatal. */
extern int ds_newval (dsbuild *b, uint8_t const *a, char const *txt, size_t txtlen, unsigned flags, unsigned action, uint32_t *v);
/* The value of entries that carry none: the default, or 127.0.0.2 without TXT. 1 or 0 after ds_fatal. */
extern int ds_defvalue (dsbuild *b, uint32_t *v);

/* Growable array in malloc'd memory; 1 or 0 on ENOMEM. */
extern int ds_grow_slow (void **p, size_t *cap, size_t need, size_t size);
static inline int ds_grow (void **p, size_t *cap, size_t need, size_t size)
{
  return need <= *cap || ds_grow_slow(p, cap, need, size);
}

/* Fills h for value v; TXT expanded only if q->wanttxt, with subst for a lone "$". */
extern void ds_hit (dataset const *d, dsquery const *q, uint32_t v, char const *subst, size_t substlen, dshit *h);

/* IPv4 in rbldnsd's entry syntax: 1..4 decimal octets (leading zeros
   allowed). Returns the bytes used (0 if none), the address in host order
   with missing octets 0, and the count of octets. s must be inside a line
   that line() was given: 16 bytes from s are readable and the line ends
   with a byte that is neither a digit nor a dot. */
extern size_t ds_scan_ip4 (char const *s, size_t len, uint32_t *ip, unsigned *noct);
/* "/bits" after an address; returns bytes used (0 if not a valid /0../max) */
extern size_t ds_scan_bits (char const *s, size_t len, unsigned max, unsigned *bits);
/* IPv6 words in rbldnsd's entry syntax; *dc set if "::" was used, *nwords
   the words written. Returns bytes used, 0 if invalid. */
extern size_t ds_scan_ip6 (char const *s, size_t len, uint8_t *ip, unsigned *nwords, int *dc);
/* 1 if s[0] ends an address: end of line, white space, ':', '#' or ';' */
extern int ds_addrend (char const *s, size_t len);
/* An entry's exclusion mark: a leading '!' and the blanks after it are
   skipped; 1 if it was there. */
static inline int ds_excl (char const **s, size_t *len)
{
  if (!*len || **s != '!') return 0;
  do { ++*s; --*len; } while (*len && ds_space(**s));
  return 1;
}

/* ---- combined (ds_combined.c) and its hooks into dataset.c ---- */

/* a "$DATASET type[:name] subzone..." line; s follows "$DATASET". 1, or 0 after a warning */
extern int ds_combined_section (dsbuild *top, char const *s, size_t len);
/* the section lines now belong to, 0 in the common part */
extern dsbuild *ds_combined_current (dsbuild *top);
/* a new file starts in the common part */
extern void ds_combined_newfile (dsbuild *top);
/* a nested dataset's build, sharing the parent's load and arena: 1, or 0 after ds_fatal */
extern int ds_build_start (dsbuild *b, dstype const *t, dataset *d, dsbuild *parent);
extern int ds_build_finish (dsbuild *b);
extern void ds_build_discard (dsbuild *b);
/* the arena of a build */
#define ds_barena(b) ((b)->ld->arena)

/* ---- address ranges: prefix blocks to sorted intervals (ds_ip4trie.c) ---- */

typedef struct dsblk4_s dsblk4;
struct dsblk4_s
{
  uint32_t lo, hi;          /* the block, inclusive; blocks nest or are disjoint */
  uint32_t val;             /* value index; DSBLK_EXCL: an exclusion */
  uint32_t seq;             /* order in the files */
};
typedef struct dsblk6_s dsblk6;
struct dsblk6_s
{
  dsu128 lo, hi;
  uint32_t val;
  uint32_t seq;
};
#define DSBLK_EXCL 0x80000000U

typedef struct dsblkpos_s dsblkpos;
struct dsblkpos_s
{
  uint32_t line;
  uint32_t fileno;
};

typedef struct dsblks_s dsblks;
struct dsblks_s
{
  void *b;                  /* dsblk4 or dsblk6 */
  size_t n, cap;
  dsblkpos *pos;            /* where each block came from, for duplicate warnings */
  size_t poscap;
  int nopos;                /* do not keep pos (DSMAP_ALL and DSMAP_CLASS users) */
  int wide;                 /* b holds dsblk6 */
};
/* 1, or 0 after ds_fatal */
extern int ds_blks_add4 (dsblks *s, uint32_t lo, uint32_t hi, uint32_t val, int excl, dsbuild *b);
extern int ds_blks_add6 (dsblks *s, dsu128 lo, dsu128 hi, uint32_t val, int excl, dsbuild *b);
/* for DSMAP_CLASS: a /8, /16, /24 or /32 piece, joined to the block before
   when it goes on from it with the same class and value */
extern int ds_blks_addcls4 (dsblks *s, uint32_t lo, uint32_t hi, uint32_t val, int excl, dsbuild *b);
extern void ds_blks_free (dsblks *s);

/* The built map: interval i covers [start[i], start[i+1]) and gives res[i]:
   0 nothing, else DSRES_LIST | list index, or value index + 1. */
#define DSRES_LIST 0x80000000U
typedef struct dsmap_s dsmap;
struct dsmap_s
{
  uint32_t n;
  uint8_t wide;             /* 1: start6 (IPv6), 0: start4 */
  uint8_t ixbits;           /* 0: no index, else start4 is indexed by the top ixbits bits */
  uint32_t const *start4;
  uint64_t const *start6;   /* 2 words per interval, high then low */
  uint32_t const *res;
  uint32_t const *ix;       /* (1 << ixbits) + 1 first-interval indexes */
  uint32_t const *listoff;  /* list j: listval[listoff[j] .. listoff[j+1]) */
  uint32_t const *listval;
};

#define DSMAP_ALL 0         /* same lo/hi blocks: every listing applies unless one excludes */
#define DSMAP_FIRST 1       /* same lo/hi blocks: the first wins, the others are refused as duplicates (tries, acl) */
#define DSMAP_CLASS 2       /* runs of rbldnsd's ip4set pieces from ds_blks_addcls4 (seq: 0 /8 .. 3 /32): the finest
                               class holding an address decides, with every listing of it unless one excludes (ip4set) */
/* Builds m in b's arena and frees s. width: 32 (dsblk4) or 128 (dsblk6).
   1, or 0 after ds_fatal. */
extern int ds_map_build (dsbuild *b, dsblks *s, unsigned width, int mode, dsmap *m);
extern uint32_t ds_map_find4 (dsmap const *m, uint32_t ip);
/* an IPv4 address a.b.c.d (network order bytes) as the number maps search */
static inline uint32_t ds_ip4num (uint8_t const *a)
{
  return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}
extern uint32_t ds_map_find6 (dsmap const *m, uint8_t const *ip);
/* "a.b.c.d[/n]" with 2..4 octets, or 1 with "/n" (ip4trie, acl): the
   block in *lo..*hi and the bytes used, 1; or 0 after ds_bad. */
extern int ds_ip4cidr (dsbuild *b, char const *s, size_t len, size_t *used, uint32_t *lo, uint32_t *hi);
/* The same for IPv6 (ip6trie, acl). */
extern int ds_ip6cidr (dsbuild *b, char const *s, size_t len, size_t *used, dsu128 *lo, dsu128 *hi);
/* The hits for a result code. */
extern unsigned ds_map_hits (dataset const *d, dsmap const *m, uint32_t res, dsquery const *q, dshit *hits, unsigned max);

/* The datasets that are one map (ip4set, ip4trie, ip6trie): blocks
   collected in b->tmp (a dsblks), the built dsmap as d->impl. */
extern int ds_mapset_start (dsbuild *b);
extern int ds_mapset_finish (dsbuild *b, unsigned width, int mode);
extern void ds_mapset_discard (dsbuild *b);
extern unsigned ds_mapset_query4 (dataset const *d, dsquery const *q, dshit *hits, unsigned max);
extern void ds_mapset_prefetch4 (dataset const *d, dsquery const *q, unsigned step);
extern unsigned ds_mapset_query6 (dataset const *d, dsquery const *q, dshit *hits, unsigned max);

/* In-memory load, for the fuzz target: bufs[i][0..lens[i]) play the files. */
extern dataset *ds_load_mem (char const *type, char const *const *bufs, size_t const *lens, unsigned n,
  dsload_opts const *o, dsload_warn_fn *warn, void *ctx, char const **why);

/* The text of a wire name as rbldnsd writes it for "$" (escapes for . " $ ; @ \ and \DDD for
   bytes outside 33..126); at most max bytes. */
extern size_t ds_name_text (unsigned char const *name, size_t len, char *out, size_t max);

#endif
