/* dnsquery: rblserve's side of the DNS wire: one query packet parsed into a
   struct, and the answer built in place after its question. Pure. */
#ifndef RBLGATE_DNSQUERY_H
#define RBLGATE_DNSQUERY_H

#include <stddef.h>
#include <stdint.h>

#define DNSQUERY_UDP_MAX 512       /* answer size without EDNS0 */
#define DNSQUERY_EDNS_MAX 2048     /* largest UDP answer, and the size our OPT advertises (rbldnsd's) */
#define DNSQUERY_OPT_LEN 11        /* a minimal OPT record, kept free at the end of every answer */
#define DNSQUERY_TCP_MAX 65535     /* largest answer over TCP */
#define DNSQUERY_NAME_MAX 255      /* wire length of a name, root label included */
#define DNSQUERY_LABELS_MAX 128
#define DNSQUERY_COMPRESS_MAX 64   /* names remembered for compression in one answer */
#define DNSQUERY_LOG_MAX 400       /* one query log line (rbldnsd -l format) */

#define DNSQUERY_RCODE_NOERROR 0
#define DNSQUERY_RCODE_FORMERR 1
#define DNSQUERY_RCODE_SERVFAIL 2
#define DNSQUERY_RCODE_NXDOMAIN 3
#define DNSQUERY_RCODE_NOTIMP 4
#define DNSQUERY_RCODE_REFUSED 5

#define DNSQUERY_CLASS_IN 1
#define DNSQUERY_CLASS_CH 3
#define DNSQUERY_CLASS_ANY 255
#define DNSQUERY_TYPE_OPT 41

/* Section an RR goes to; they must be filled in this order. */
#define DNSQUERY_AN 0
#define DNSQUERY_NS 1
#define DNSQUERY_AR 2

typedef struct dnsquery_s dnsquery;
struct dnsquery_s
{
  uint16_t qtype, qclass;
  uint8_t flags1, flags2;       /* header bytes 2 and 3 as received */
  uint8_t edns;                 /* the query carried an OPT record */
  size_t qend;                  /* offset just past the question: the answer starts here */
  size_t limit;                 /* UDP answer size: 512, or the client's EDNS0 size (OPT room kept) */
  size_t namelen;               /* wire length of name, root label included */
  unsigned nlabels;             /* labels in name, root not counted */
  uint8_t lab[DNSQUERY_LABELS_MAX];      /* offset of each label in name */
  unsigned char name[DNSQUERY_NAME_MAX]; /* the question name, lower-case */
};

/* Parses a query the way rbldnsd does: a header, exactly one question with
   an uncompressed name of labels up to 63 bytes, the name at most 255 bytes,
   type and class present; an OPT record right after the question (with no
   authority records and one additional) gives the client's UDP size. Returns
   1, or 0 if the packet must be dropped without an answer (too short, a
   response, qdcount not 1, a bad or compressed name). */
extern int dnsquery_parse (unsigned char const *pkt, size_t len, dnsquery *q);

#define DNSQUERY_FRAG_MAX 512     /* bytes of records in one fragment */
#define DNSQUERY_FRAG_PTRS 32      /* compression pointers in one fragment */

/* Records written once against a model question and copied into answers
   made in the same compression state: the suffixes of the question from the
   zone on remembered, nothing else. The pointers in it are kept as offsets
   from the zone's place in the question or from the fragment's start. */
typedef struct dnsquery_frag_s dnsquery_frag;
struct dnsquery_frag_s
{
  uint16_t len;                 /* 0: none, write the records the long way */
  uint16_t start;               /* while recording: where it starts in the model */
  unsigned ncomp0;              /* names remembered before it */
  unsigned count[3];            /* records it adds to each section */
  unsigned nptr, nrem;
  uint64_t lens[4];             /* lengths of the rem names, as in dnsquery_ans */
  uint8_t full;                 /* while recording: more pointers than ptr holds */
  struct
  {
    uint16_t at, rel;           /* a pointer at bytes[at] to (zone or start) + rel */
    uint8_t self;
  } ptr[DNSQUERY_FRAG_PTRS];
  struct
  {
    unsigned char const *dn;    /* names it adds to those remembered */
    uint16_t len, rel;
  } rem[DNSQUERY_COMPRESS_MAX];
  unsigned char bytes[DNSQUERY_FRAG_MAX];
};

typedef struct dnsquery_ans_s dnsquery_ans;
struct dnsquery_ans_s
{
  unsigned char *buf;
  size_t len;                   /* bytes written so far */
  size_t limit;                 /* records must end by here */
  size_t ansstart;              /* first byte of the answer section */
  unsigned count[3];            /* records per section */
  uint8_t tc;                   /* an answer record did not fit */
  unsigned ncomp;
  dnsquery_frag *rec;           /* recording a fragment: its pointers are noted here */
  uint64_t lens[4];             /* lengths of the names remembered (a superset after an undo): most
                                   suffixes of a name to write match none and are passed over */
  struct
  {
    unsigned char const *dn;    /* uncompressed, lower-case suffix, root label included */
    uint16_t len;
    uint16_t off;               /* where it is in buf */
  } comp[DNSQUERY_COMPRESS_MAX];
};

/* Starts the answer to q in buf, which holds the query: the header and the
   question stay, the counts are cleared, flags1 gets QR, flags2 is 0.
   Records must end by limit (at most the buffer's size minus
   DNSQUERY_OPT_LEN). */
extern void dnsquery_ans_start (dnsquery_ans *a, unsigned char *buf, size_t limit, dnsquery const *q);

/* Drops every record: only the header and the question are left. */
extern void dnsquery_ans_reset (dnsquery_ans *a);

/* Header flags: set or clear AA, set the rcode (flags2 becomes the rcode
   alone), or write whole flag bytes. */
extern void dnsquery_ans_aa (dnsquery_ans *a, int on);
extern void dnsquery_ans_rcode (dnsquery_ans *a, unsigned rcode);
extern void dnsquery_ans_flags (dnsquery_ans *a, uint8_t flags1, uint8_t flags2);

/* Remembers the suffix of q's name that starts at label i (the zone) for
   compression: names written later point into the question. */
extern void dnsquery_ans_question_suffix (dnsquery_ans *a, dnsquery const *q, unsigned i);

/* Adds an answer record owned by the question name (A, TXT, MX...), as
   rbldnsd does: a record of the same type with the same data is dropped,
   and every record of one type takes the lowest TTL seen for that type.
   Returns 1 if added or already there, 0 if it does not fit (a->tc is set). */
extern int dnsquery_ans_add_data (dnsquery_ans *a, uint16_t type, uint16_t cls, unsigned char const *rdata, size_t rdlen, uint32_t ttl);

/* The same for a TXT record of one character-string txt[0..len), len <= 255. */
extern int dnsquery_ans_add_txt (dnsquery_ans *a, uint16_t cls, char const *txt, size_t len, uint32_t ttl);

/* Sets TC and clears AA: the answer is incomplete. */
extern void dnsquery_ans_truncated (dnsquery_ans *a);

/* Adds a record with the owner at offset owner in buf (the question name or
   a suffix of it), or with the owner name ownername (uncompressed, may be
   compressed against earlier names); NS/SOA/A data given below. Each returns
   1, or 0 if it does not fit (nothing is written then). */
extern int dnsquery_ans_add_ns (dnsquery_ans *a, unsigned section, size_t owner, unsigned char const *ns, size_t nslen, uint32_t ttl);
extern int dnsquery_ans_add_soa (dnsquery_ans *a, unsigned section, size_t owner, uint32_t ttl,
  unsigned char const *mname, size_t mnamelen, unsigned char const *rname, size_t rnamelen,
  uint32_t serial, uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum);
extern int dnsquery_ans_add_named_a (dnsquery_ans *a, unsigned section, unsigned char const *owner, size_t ownerlen, uint8_t const ip[4], uint32_t ttl);

/* Recording: the records added between begin and end become f, with zoff
   the zone's offset in the model question. f->len is 0 if there are none
   or they do not fit in a fragment. */
extern void dnsquery_frag_begin (dnsquery_ans *a, dnsquery_frag *f);
extern void dnsquery_frag_end (dnsquery_ans *a, dnsquery_frag *f, size_t zoff);

/* Adds f's records to a, whose zone starts at zoff in the question, exactly
   as writing them the long way would. Returns 1, or 0 with nothing written
   if f is empty, a's compression state is not f's, or f does not fit. */
extern int dnsquery_frag_put (dnsquery_ans *a, dnsquery_frag const *f, size_t zoff);

/* Writes the counts into the header and, if the answer is longer than 512
   bytes and the query had EDNS0, an OPT record advertising
   DNSQUERY_EDNS_MAX. Returns the answer's length. */
extern size_t dnsquery_ans_finish (dnsquery_ans *a, dnsquery const *q);

/* Offset in the packet of label i of the question name. */
extern size_t dnsquery_labeloff (dnsquery const *q, unsigned i);

/* Presentation form of a wire name (no trailing dot, "." for the root),
   bytes outside 33..126 and the dot inside labels written as \DDD. Returns
   the length, or 0 if it does not fit in max. */
extern size_t dnsquery_name_fmt (char *dst, size_t max, unsigned char const *name, size_t namelen);

/* rbldnsd's query log line (-l) without the leading time stamp and peer:
   "NAME TYPE CLASS: RCODE/ANCOUNT/LENGTH\n", from an answer packet.
   Returns the length, or 0 if the packet is not an answer with a question. */
extern size_t dnsquery_log_fmt (char *dst, size_t max, unsigned char const *ans, size_t len);

#endif
