/* dnswire: DNS message primitives, bounds-checked. Pure. */
#ifndef RBLGATE_DNSWIRE_H
#define RBLGATE_DNSWIRE_H

#include <stddef.h>
#include <stdint.h>

#define DNSWIRE_TYPE_A 1
#define DNSWIRE_TYPE_NS 2
#define DNSWIRE_TYPE_CNAME 5
#define DNSWIRE_TYPE_SOA 6
#define DNSWIRE_TYPE_TXT 16
#define DNSWIRE_TYPE_AAAA 28
#define DNSWIRE_TYPE_ANY 255
#define DNSWIRE_CLASS_IN 1

#define DNSWIRE_A_MAX 16      /* A records kept from one answer */
#define DNSWIRE_TXT_MAX 1024  /* bytes of joined TXT text kept from one answer */

typedef struct dnswire_answer_s dnswire_answer;
struct dnswire_answer_s
{
  uint16_t id;
  uint8_t rcode;
  uint8_t tc;
  unsigned na;                       /* A/IN records with 4 data bytes, at most DNSWIRE_A_MAX kept */
  uint8_t a[DNSWIRE_A_MAX][4];
  unsigned ntxt;                     /* TXT/IN records seen */
  size_t txtlen;                     /* bytes in txt */
  uint8_t txttrunc;                  /* 1 if text was cut at DNSWIRE_TXT_MAX */
  char txt[DNSWIRE_TXT_MAX];         /* all character-strings of all TXT/IN records, joined with nothing between */
};

#define DNSWIRE_NAME_MAX 255   /* wire length of a name, root label included */

/* Skips the (possibly compressed) name at msg[*pos]; on success *pos is just
   past it. Each compression pointer must point before the start of the name, or before
   the previous pointer's target; chains are capped at 64 hops. Returns 1 or 0 if the
   name is malformed or runs past len. */
extern int dnswire_skipname (unsigned char const *msg, size_t len, size_t *pos);

/* Parses a whole DNS response: header, every question, every answer RR
   (owner names are not checked; other types and classes are skipped).
   Authority and additional sections are not read. Returns 1 if the header,
   question and answer sections are well formed and within len, 0 otherwise
   (out is then unspecified). */
extern int dnswire_parse_answer (unsigned char const *msg, size_t len, dnswire_answer *out);

/* Copies the name at msg[*pos] into name (DNSWIRE_NAME_MAX bytes) in plain
   wire form, *namelen = its length with the root label; same rules and
   return value as dnswire_skipname. */
extern int dnswire_getname (unsigned char const *msg, size_t len, size_t *pos, unsigned char *name, size_t *namelen);

/* Reads the RR at msg[*pos]: owner skipped, type, class, TTL, data at
   msg[*rdpos .. *rdpos + *rdlen) checked to lie within len; *pos moves past
   the RR. Returns 1, or 0 if malformed or truncated. */
extern int dnswire_getrr (unsigned char const *msg, size_t len, size_t *pos, uint16_t *type, uint16_t *cls, uint32_t *ttl, size_t *rdpos, uint16_t *rdlen);

/* Presentation name s[0..len) (no escapes, optional trailing dot, "." = root)
   to wire form in dst. Returns the wire length (<= 255), or 0 if invalid or
   it does not fit in max. */
extern size_t dnswire_name_fromtext (unsigned char *dst, size_t max, char const *s, size_t len);

#endif
