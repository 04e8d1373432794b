/* zone: rblserve's zones built from rbldnsd's zone:type:file,file
   arguments, and the answer to one query assembled from their datasets
   exactly as rbldnsd assembles it. Pure: the datasets come from dataset.h,
   the caller loads and swaps them. */
#ifndef RBLGATE_ZONE_H
#define RBLGATE_ZONE_H

#include <stddef.h>
#include <stdint.h>
#include "dataset.h"
#include "dnsquery.h"

#define ZONE_MAX 128            /* zones on one command line */
#define ZONE_SLOTS_MAX 128      /* distinct datasets (type + files) */
#define ZONE_DATASETS_MAX 32    /* datasets in one zone */
#define ZONE_FILES_MAX 64       /* files in one dataset */
#define ZONE_GLUE_MAX 32        /* glue A records for one zone's NS names */
#define ZONE_NSFRAG_MAX 4       /* NS lists this long or shorter get their authority sections made ahead */

/* what a dataset type answers, from its type name */
#define ZONE_KIND_IP4 1
#define ZONE_KIND_IP6 2
#define ZONE_KIND_DN 4
#define ZONE_KIND_GENERIC 8
#define ZONE_KIND_COMBINED 16
#define ZONE_KIND_ACL 32

typedef struct zone_stats_s zone_stats;
struct zone_stats_s
{
  uint64_t nok, nnxd, nerr;     /* positive answers, NXDOMAIN, the rest (refused, dropped...) */
  uint64_t bin, bout;           /* bytes read and written */
};

typedef struct zone_slot_s zone_slot;
struct zone_slot_s
{
  char const *type;
  char const *files[ZONE_FILES_MAX];
  unsigned nfiles;
  unsigned kind;
  dataset *d;                   /* 0 until loaded; the caller swaps it */
  uint8_t expired;              /* past its $TIMESTAMP expiry: the zones using it answer SERVFAIL */
};

typedef struct zone_glue_s zone_glue;
struct zone_glue_s
{
  unsigned ns;                  /* index in the zone's NS list */
  uint8_t a[4];
  uint32_t ttl;
};

typedef struct zone_s zone;
struct zone_s
{
  unsigned char name[DATASET_NAME_MAX];   /* wire form, lower-case, root label included */
  size_t namelen;
  unsigned nlabels;
  unsigned nds;
  unsigned ds[ZONE_DATASETS_MAX];         /* slot numbers, command-line order */
  int acl;                                /* slot number, or -1 */
  unsigned kinds;
  /* set by zone_refresh from the loaded datasets */
  uint8_t loaded;
  dssoa const *soa;
  uint32_t serial;
  dsns const *ns;
  unsigned nsrot;                         /* NS records rotate between answers, as in rbldnsd */
  unsigned nglue;
  zone_glue glue[ZONE_GLUE_MAX];
  /* a negative answer's SOA and a positive one's NS records (one for each
     turn of the NS list) as written for a question in this zone, copied
     into answers instead of compressing the same names again each time */
  dnsquery_frag soafrag;
  dnsquery_frag nsfrag[ZONE_NSFRAG_MAX];
  zone_stats st;
};

typedef struct zone_table_s zone_table;
struct zone_table_s
{
  unsigned nzones, nslots;
  int gacl;                     /* slot of the global acl (":acl:file"), or -1 */
  uint8_t lazy;                 /* -a: no NS records in the authority section */
  unsigned versionmode;         /* -v given: 0 full text, 1 short text, 2 or more: refuse */
  char const *version;          /* version.bind text, full and short */
  char const *versionshort;
  zone_stats st;                /* queries that matched no zone */
  zone z[ZONE_MAX];
  zone_slot s[ZONE_SLOTS_MAX];
};

extern void zone_table_init (zone_table *t);

/* Adds one rbldnsd zone argument, "zone:type:file,file..." (files may also
   be separated by ':'; an empty zone name with type acl is the global acl).
   spec is cut up in place and must outlive t. Returns 1, or 0 with *why. */
extern int zone_table_add (zone_table *t, char *spec, char const **why);

/* Checks the finished table: every zone has a dataset that is not an acl.
   Returns 1, or 0 with *why and the zone's number in *which. */
extern int zone_table_check (zone_table const *t, char const **why, unsigned *which);

/* After slots' datasets changed: which zones are loaded, their SOA and NS,
   the SOA serial for "0", and the glue for NS names inside our zones. */
extern void zone_refresh (zone_table *t);

/* Answers the query in buf[0..len), building the answer in buf (cap bytes
   long, at least DNSQUERY_UDP_MAX + DNSQUERY_OPT_LEN). tcp: the answer may
   use the whole buffer; otherwise the client's UDP size. ip: the client's
   address (4 or 16 bytes). Returns the answer's length, or 0 to drop. */
extern size_t zone_answer (zone_table *t, unsigned char *buf, size_t len, size_t cap, int tcp, uint8_t const *ip, int is6);

/* zone_answer in three steps, for a batch of queries whose lookups should
   wait for memory together: zone_query_start on each (reads the question
   and starts fetching the first level of its lookups), zone_query_fetch on
   each (the next level), then zone_query_answer on each, with the same
   buffer and length given to zone_query_start. The table must not change
   in between. Answers are exactly zone_answer's. */
#define ZONE_SUBST_MAX 256      /* dotted IPv4, IPv6 text, or a domain name */
typedef struct zone_query_s zone_query;
struct zone_query_s
{
  dnsquery q;
  int ok;                       /* q was read */
  int want;                     /* the records asked for; -1: a type answered NOTIMP */
  zone *z;                      /* its zone, or 0 */
  dsquery dq;                   /* the name below the zone, decoded (if z is loaded) */
  char subst[ZONE_SUBST_MAX];
};
extern void zone_query_start (zone_table *t, zone_query *zq, unsigned char const *buf, size_t len);
extern void zone_query_fetch (zone_table *t, zone_query const *zq);
extern size_t zone_query_answer (zone_table *t, zone_query *zq, unsigned char *buf, size_t len, size_t cap, int tcp, uint8_t const *ip, int is6);

/* rbldnsd's time values: digits with an optional unit s, m, h, d or w.
   Returns the characters used (0 if none or on overflow). */
extern size_t zone_scan_time (char const *s, uint32_t *v);

/* The zone's name in text (no trailing dot) into dst; returns its length. */
extern size_t zone_name_fmt (char *dst, size_t max, zone const *z);

#endif
