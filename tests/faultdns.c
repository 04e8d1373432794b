/* faultdns: a loopback DNS server for tests that answers from a rules file and injects faults. */

/*
 * faultdns -b ADDR:PORT -f RULES [ -l QUERYLOG ] [ -d MS ]
 *
 * ADDR is an IPv4 loopback address (127.x.y.z) or [::1]. UDP and TCP are
 * served on the same address and port. The rules file has one rule a line,
 * "#" starts a comment, the first matching rule wins:
 *
 *   NAME TYPE MODIFIER... ACTION ARGS...
 *
 * NAME: exact name (case-insensitive, no trailing dot), "*.suffix" (any name
 * strictly under suffix) or "*". TYPE: A, TXT, AAAA, ANY or "*".
 * Actions: a IP..., txt "s"[+"s"...]..., both IP... "s"..., nxdomain,
 * nodata, servfail, refused, formerr, drop, big N.
 * Modifiers (take the rest of the rule as the action): wrongid,
 * wrongquestion, tc, delay MS, truncated, garbage. truncated and garbage
 * may stand alone; they then work on `both 127.0.0.2 "faultdns"`.
 * garbage keeps the query ID (a random ID would only repeat what wrongid
 * tests) and fills the rest of a plausible answer with random bytes.
 * Quoted strings take \DDD (decimal) and \X escapes.
 * -d MS delays every answer whose rule has no "delay" of its own.
 * Unmatched queries get NXDOMAIN.
 */

#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <skalibs/gccattributes.h>
#include <skalibs/types.h>
#include <skalibs/fmtscan.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/socket.h>
#include <skalibs/ip46.h>
#include <skalibs/random.h>

#define USAGE "faultdns -b addr:port -f rules [ -l querylog ] [ -d ms ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define dienomem() strerr_diefusys(111, "allocate memory")

#define RULES_MAX 4096
#define RULE_IPS_MAX 16
#define RULE_TXT_MAX 16
#define TXTREC_MAX 4096
#define BIG_MAX 60000
#define DELAY_MAX 600000
#define QUEUE_MAX 4096
#define CONN_MAX 16
#define CONN_IDLE_MS 10000
#define MSG_MAX 65535
#define CONN_OUT_MAX (2 * (MSG_MAX + 2))
#define UDP_BURST 256

enum action_e {
  ACT_A, ACT_TXT, ACT_BOTH, ACT_NXDOMAIN, ACT_NODATA, ACT_SERVFAIL,
  ACT_REFUSED, ACT_FORMERR, ACT_DROP, ACT_BIG
};

#define MOD_WRONGID 0x01
#define MOD_WRONGQ 0x02
#define MOD_TC 0x04
#define MOD_TRUNC 0x08
#define MOD_GARBAGE 0x10
#define MOD_DELAY 0x20

enum namekind_e { NAME_EXACT, NAME_SUFFIX, NAME_ANY };

struct rule {
  size_t name;          /* offset in pool; for NAME_SUFFIX it includes the leading dot */
  size_t namelen;
  unsigned int namekind;
  uint16_t qtype;       /* 0 = any type */
  unsigned int action;
  unsigned int mods;
  uint32_t delay;
  uint32_t big;
  size_t ips;           /* offset in pool of nips * 4 bytes */
  unsigned int nips;
  size_t txt[RULE_TXT_MAX];  /* offsets in pool of TXT rdata in wire form */
  uint16_t txtlen[RULE_TXT_MAX];
  unsigned int ntxt;
};

struct query {
  uint16_t id;
  uint16_t flags;
  uint16_t qtype;
  uint16_t qclass;
  unsigned int qnamelen;  /* wire length, root = 1; 0 = no usable question */
  char qname[255];
};

struct pending {
  tain due;
  struct query q;
  int rule;            /* -1: the unmatched NXDOMAIN */
  int tcp;             /* 0: UDP to ip/port; 1: TCP connection conn/gen */
  ip46 ip;
  uint16_t port;
  unsigned int conn;
  uint32_t gen;
};

struct conn {
  int fd;              /* -1: slot free */
  uint32_t gen;
  ip46 ip;
  uint16_t port;
  unsigned int pending;
  int eof;
  int xindex;
  tain deadline;
  size_t inlen;
  size_t outpos;
  size_t outlen;
  char in[2 + MSG_MAX];
  char out[CONN_OUT_MAX];
};

static stralloc pool = STRALLOC_ZERO;
static struct rule rules[RULES_MAX];
static unsigned int nrules;
static struct pending queue[QUEUE_MAX];  /* binary min-heap on due */
static unsigned int queuen;
static struct conn conns[CONN_MAX];
static int udpfd = -1;
static int logfd = -1;
static int is6;
static uint32_t defdelay;
static char const *rulesfile;

/* ---- rules file ---- */

static void die_rule(unsigned int line, char const *what) gccattr_noreturn;
static void die_rule(unsigned int line, char const *what)
{
  char fmt[UINT_FMT];
  fmt[uint_fmt(fmt, line)] = 0;
  strerr_dief(100, rulesfile, ":", fmt, ": ", what);
}

static int isblank_(char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* next bare word of the line into w (NUL-terminated); 0 at end or comment */
static size_t next_word(char const *s, size_t len, size_t *pos, char *w, size_t max, unsigned int line)
{
  size_t n = 0;
  while (*pos < len && isblank_(s[*pos])) (*pos)++;
  if (*pos >= len || s[*pos] == '#') return 0;
  if (s[*pos] == '"') die_rule(line, "quoted string where a word was expected");
  while (*pos < len && !isblank_(s[*pos])) {
    if (n + 1 >= max) die_rule(line, "word too long");
    w[n++] = s[(*pos)++];
  }
  w[n] = 0;
  return n;
}

static int at_quote(char const *s, size_t len, size_t *pos)
{
  while (*pos < len && isblank_(s[*pos])) (*pos)++;
  return *pos < len && s[*pos] == '"';
}

/* one TXT record: "s"["+"s"...], appended to the pool as wire rdata */
static void parse_txtrec(char const *s, size_t len, size_t *pos, struct rule *r, unsigned int line)
{
  char rec[TXTREC_MAX];
  size_t reclen = 0;
  if (r->ntxt >= RULE_TXT_MAX) die_rule(line, "too many TXT records in one rule");
  for (;;) {
    size_t lenpos = reclen, n = 0;
    if (*pos >= len || s[*pos] != '"') die_rule(line, "expected a quoted string");
    (*pos)++;
    if (reclen + 1 > sizeof rec) die_rule(line, "TXT record too long");
    reclen++;
    for (;;) {
      unsigned char c;
      if (*pos >= len) die_rule(line, "unterminated quoted string");
      c = s[(*pos)++];
      if (c == '"') break;
      if (c == '\\') {
        if (*pos >= len) die_rule(line, "unterminated quoted string");
        if (s[*pos] >= '0' && s[*pos] <= '9') {
          unsigned int v = 0, i;
          for (i = 0; i < 3; i++) {
            if (*pos >= len || s[*pos] < '0' || s[*pos] > '9') die_rule(line, "\\DDD needs three digits");
            v = v * 10 + (s[(*pos)++] - '0');
          }
          if (v > 255) die_rule(line, "\\DDD above 255");
          c = v;
        } else c = s[(*pos)++];
      }
      if (n >= 255) die_rule(line, "string longer than 255 bytes");
      if (reclen >= sizeof rec) die_rule(line, "TXT record too long");
      rec[reclen++] = c;
      n++;
    }
    rec[lenpos] = n;
    if (*pos < len && s[*pos] == '+') {
      (*pos)++;
      continue;
    }
    break;
  }
  if (*pos < len && !isblank_(s[*pos]) && s[*pos] != '#') die_rule(line, "garbage after quoted string");
  r->txt[r->ntxt] = pool.len;
  r->txtlen[r->ntxt] = reclen;
  r->ntxt++;
  if (!stralloc_catb(&pool, rec, reclen)) dienomem();
}

static void parse_ips(char const *s, size_t len, size_t *pos, struct rule *r, unsigned int line)
{
  char w[64];
  r->ips = pool.len;
  while (!at_quote(s, len, pos)) {
    char ip[4];
    size_t n = next_word(s, len, pos, w, sizeof w, line);
    if (!n) break;
    if (ip4_scan(w, ip) != n) die_rule(line, "invalid IPv4 address");
    if (r->nips >= RULE_IPS_MAX) die_rule(line, "too many addresses in one rule");
    if (!stralloc_catb(&pool, ip, 4)) dienomem();
    r->nips++;
  }
}

static uint32_t parse_uint(char const *w, size_t n, uint32_t min, uint32_t max, unsigned int line)
{
  unsigned int u = 0;
  if (!n || uint0_scan(w, &u) != n || u < min || u > max) die_rule(line, "invalid number");
  return u;
}

static void parse_rule(char const *s, size_t len, unsigned int line)
{
  char w[512];
  size_t pos = 0, n, i;
  struct rule *r;
  n = next_word(s, len, &pos, w, sizeof w, line);
  if (!n) return;
  if (nrules >= RULES_MAX) die_rule(line, "too many rules");
  r = rules + nrules;
  memset(r, 0, sizeof *r);

  if (n > 1 && w[n - 1] == '.') w[--n] = 0;
  if (!strcmp(w, "*")) r->namekind = NAME_ANY;
  else if (n > 2 && w[0] == '*' && w[1] == '.') {
    r->namekind = NAME_SUFFIX;
    r->name = pool.len;
    r->namelen = n - 1;
    for (i = 1; i < n; i++) if (!stralloc_catb(&pool, (char[1]){ lower(w[i]) }, 1)) dienomem();
  } else {
    if (n > 253 || memchr(w, '*', n)) die_rule(line, "invalid name");
    r->namekind = NAME_EXACT;
    r->name = pool.len;
    r->namelen = n;
    for (i = 0; i < n; i++) if (!stralloc_catb(&pool, (char[1]){ lower(w[i]) }, 1)) dienomem();
  }

  n = next_word(s, len, &pos, w, sizeof w, line);
  if (!n) die_rule(line, "missing type");
  for (i = 0; i < n; i++) w[i] = lower(w[i]);
  if (!strcmp(w, "a")) r->qtype = 1;
  else if (!strcmp(w, "txt")) r->qtype = 16;
  else if (!strcmp(w, "aaaa")) r->qtype = 28;
  else if (!strcmp(w, "any")) r->qtype = 255;
  else if (!strcmp(w, "*")) r->qtype = 0;
  else die_rule(line, "unknown type");

  for (;;) {
    n = next_word(s, len, &pos, w, sizeof w, line);
    if (!n) {
      if (r->mods & (MOD_TRUNC | MOD_GARBAGE)) {
        /* the default answer those two damage */
        r->action = ACT_BOTH;
        r->ips = pool.len;
        r->nips = 1;
        if (!stralloc_catb(&pool, "\177\0\0\2", 4)) dienomem();
        r->txt[0] = pool.len;
        r->txtlen[0] = 9;
        r->ntxt = 1;
        if (!stralloc_catb(&pool, "\010faultdns", 9)) dienomem();
        break;
      }
      die_rule(line, "missing action");
    }
    if (!strcmp(w, "wrongid")) { r->mods |= MOD_WRONGID; continue; }
    if (!strcmp(w, "wrongquestion")) { r->mods |= MOD_WRONGQ; continue; }
    if (!strcmp(w, "tc")) { r->mods |= MOD_TC; continue; }
    if (!strcmp(w, "truncated")) { r->mods |= MOD_TRUNC; continue; }
    if (!strcmp(w, "garbage")) { r->mods |= MOD_GARBAGE; continue; }
    if (!strcmp(w, "delay")) {
      n = next_word(s, len, &pos, w, sizeof w, line);
      r->delay += parse_uint(w, n, 0, DELAY_MAX, line);
      if (r->delay > DELAY_MAX) die_rule(line, "delay too long");
      r->mods |= MOD_DELAY;
      continue;
    }
    if (!strcmp(w, "a")) {
      r->action = ACT_A;
      parse_ips(s, len, &pos, r, line);
      if (!r->nips) die_rule(line, "a needs at least one address");
    } else if (!strcmp(w, "txt")) {
      r->action = ACT_TXT;
      while (at_quote(s, len, &pos)) parse_txtrec(s, len, &pos, r, line);
      if (!r->ntxt) die_rule(line, "txt needs at least one quoted string");
    } else if (!strcmp(w, "both")) {
      r->action = ACT_BOTH;
      parse_ips(s, len, &pos, r, line);
      while (at_quote(s, len, &pos)) parse_txtrec(s, len, &pos, r, line);
      if (!r->nips || !r->ntxt) die_rule(line, "both needs an address and a quoted string");
    } else if (!strcmp(w, "big")) {
      r->action = ACT_BIG;
      n = next_word(s, len, &pos, w, sizeof w, line);
      r->big = parse_uint(w, n, 1, BIG_MAX, line);
    } else if (!strcmp(w, "nxdomain")) r->action = ACT_NXDOMAIN;
    else if (!strcmp(w, "nodata")) r->action = ACT_NODATA;
    else if (!strcmp(w, "servfail")) r->action = ACT_SERVFAIL;
    else if (!strcmp(w, "refused")) r->action = ACT_REFUSED;
    else if (!strcmp(w, "formerr")) r->action = ACT_FORMERR;
    else if (!strcmp(w, "drop")) r->action = ACT_DROP;
    else die_rule(line, "unknown action");
    break;
  }
  if (at_quote(s, len, &pos) || next_word(s, len, &pos, w, sizeof w, line))
    die_rule(line, "extra words after the action");
  nrules++;
}

static void load_rules(char const *file)
{
  stralloc sa = STRALLOC_ZERO;
  size_t start = 0;
  unsigned int line = 1;
  if (!openslurpclose(&sa, file)) strerr_diefusys(111, "read ", file);
  while (start < sa.len) {
    char const *nl = memchr(sa.s + start, '\n', sa.len - start);
    size_t end = nl ? (size_t)(nl - sa.s) : sa.len;
    parse_rule(sa.s + start, end - start, line++);
    start = end + 1;
  }
  stralloc_free(&sa);
}

/* ---- queries and answers ---- */

/* 1 = parsed with a question, 0 = header only (answer FORMERR), -1 = ignore */
static int query_parse(char const *p, size_t len, struct query *q)
{
  size_t pos = 12;
  memset(q, 0, sizeof *q);
  if (len < 12) return -1;
  q->id = (uint16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]);
  q->flags = (uint16_t)((unsigned char)p[2] << 8 | (unsigned char)p[3]);
  if (q->flags & 0x8000) return -1;
  if (!((unsigned char)p[4] | (unsigned char)p[5])) return 0;
  for (;;) {
    unsigned int l;
    if (pos >= len) return 0;
    l = (unsigned char)p[pos];
    if (l & 0xc0) return 0;
    if (pos + 1 + l > len || pos - 12 + 1 + l > 255) return 0;
    pos += 1 + l;
    if (!l) break;
  }
  if (pos + 4 > len) return 0;
  q->qnamelen = pos - 12;
  memcpy(q->qname, p + 12, q->qnamelen);
  q->qtype = (uint16_t)((unsigned char)p[pos] << 8 | (unsigned char)p[pos + 1]);
  q->qclass = (uint16_t)((unsigned char)p[pos + 2] << 8 | (unsigned char)p[pos + 3]);
  return 1;
}

/* lowercase dotted form for matching; "" for the root */
static size_t qname_text(struct query const *q, char *out)
{
  size_t i = 0, n = 0;
  while (i < q->qnamelen) {
    unsigned int l = (unsigned char)q->qname[i++];
    if (!l) break;
    if (n) out[n++] = '.';
    while (l--) out[n++] = lower(q->qname[i++]);
  }
  return n;
}

static int rule_find(struct query const *q)
{
  char text[256];
  size_t tlen = qname_text(q, text);
  unsigned int i;
  for (i = 0; i < nrules; i++) {
    struct rule const *r = rules + i;
    if (r->qtype && r->qtype != q->qtype) continue;
    if (r->namekind == NAME_ANY) return i;
    if (r->namekind == NAME_EXACT) {
      if (tlen == r->namelen && !memcmp(text, pool.s + r->name, tlen)) return i;
    } else if (tlen > r->namelen && !memcmp(text + tlen - r->namelen, pool.s + r->name, r->namelen)) return i;
  }
  return -1;
}

struct wbuf {
  char *s;
  size_t len;
  size_t max;
  int ok;
};

static void put(struct wbuf *w, char const *p, size_t n)
{
  if (!w->ok || n > w->max - w->len) { w->ok = 0; return; }
  memcpy(w->s + w->len, p, n);
  w->len += n;
}

static void put16(struct wbuf *w, unsigned int v)
{
  char b[2] = { (char)(v >> 8 & 255), (char)(v & 255) };
  put(w, b, 2);
}

static void set16(char *s, unsigned int v)
{
  s[0] = (char)(v >> 8 & 255);
  s[1] = (char)(v & 255);
}

/* owner (pointer to the question), type, class IN, TTL 60, rdlength */
static void put_rrhead(struct wbuf *w, unsigned int type, size_t rdlen)
{
  put(w, "\300\014", 2);
  put16(w, type);
  put16(w, 1);
  put(w, "\0\0\0\074", 4);
  put16(w, rdlen);
}

static void put_big(struct wbuf *w, uint32_t n)
{
  static char const fill[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  size_t rdlen = n + (n + 254) / 255, done = 0;
  put_rrhead(w, 16, rdlen);
  while (done < n) {
    size_t k = n - done > 255 ? 255 : n - done, i;
    char chunk[256];
    chunk[0] = k;
    for (i = 0; i < k; i++) chunk[1 + i] = fill[(done + i) % (sizeof fill - 1)];
    put(w, chunk, k + 1);
    done += k;
  }
}

static struct rule const nxrule = { .action = ACT_NXDOMAIN };

/* the answer to q by rule ri over tcp or udp into out; 0 = send nothing */
static size_t answer_build(struct query const *q, int ri, int tcp, char *out, size_t max)
{
  struct rule const *r = ri >= 0 ? rules + ri : &nxrule;
  struct wbuf w = { .s = out, .len = 0, .max = max, .ok = 1 };
  unsigned int rcode = 0, an = 0, i;
  size_t qend;
  int want_a = q->qtype == 1 || q->qtype == 255;
  int want_txt = q->qtype == 16 || q->qtype == 255;

  if (r->action == ACT_DROP) return 0;
  switch (r->action) {
    case ACT_NXDOMAIN: rcode = 3; break;
    case ACT_SERVFAIL: rcode = 2; break;
    case ACT_REFUSED: rcode = 5; break;
    case ACT_FORMERR: rcode = 1; break;
    default: break;
  }
  put16(&w, q->id);
  put16(&w, 0x8000 | (q->flags & 0x7800) | 0x0400 | (q->flags & 0x0100) | 0x0080 | rcode);
  put16(&w, q->qnamelen ? 1 : 0);
  put(&w, "\0\0\0\0\0\0", 6);
  if (q->qnamelen) {
    put(&w, q->qname, q->qnamelen);
    put16(&w, q->qtype);
    put16(&w, q->qclass);
  }
  qend = w.len;
  if (q->qnamelen && !rcode) {
    if (want_a && (r->action == ACT_A || r->action == ACT_BOTH))
      for (i = 0; i < r->nips; i++, an++) {
        put_rrhead(&w, 1, 4);
        put(&w, pool.s + r->ips + 4 * i, 4);
      }
    if (want_txt && (r->action == ACT_TXT || r->action == ACT_BOTH))
      for (i = 0; i < r->ntxt; i++, an++) {
        put_rrhead(&w, 16, r->txtlen[i]);
        put(&w, pool.s + r->txt[i], r->txtlen[i]);
      }
    if (want_txt && r->action == ACT_BIG) {
      put_big(&w, r->big);
      an++;
    }
  }
  if (!w.ok) {
    strerr_warnw("answer too long, sending SERVFAIL instead");
    w.len = qend;
    w.ok = 1;
    an = 0;
    out[3] = (char)((out[3] & 0xf0) | 2);
  }
  set16(out + 6, an);

  if ((r->mods & MOD_TC) && !tcp) {
    w.len = qend;
    set16(out + 6, 0);
    out[2] |= 0x02;
  }
  if (r->mods & MOD_TRUNC) {
    if (w.len > qend) w.len = qend + (w.len - qend) / 2;
    else w.len = 12 + (qend - 12) / 2;
  }
  if (r->mods & MOD_GARBAGE) {
    /* a plausible length even when the base answer has no records */
    if (w.len == qend) w.len = qend + 16 <= max ? qend + 16 : max;
    random_buf(out + 2, w.len - 2);
  } else if ((r->mods & MOD_WRONGQ) && w.len > 12) {
    if (q->qnamelen > 1 && w.len > 13) out[13] = lower(out[13]) == 'x' ? 'y' : 'x';
    else if (q->qnamelen && w.len >= 12 + q->qnamelen + 2) set16(out + 12 + q->qnamelen, q->qtype ^ 1);
  }
  if (r->mods & MOD_WRONGID) set16(out, (q->id + 1) & 0xffff);
  return w.len;
}

/* ---- query log ---- */

static void log_query(int tcp, ip46 const *ip, uint16_t port, struct query const *q, int parsed)
{
  char line[64 + IP46_FMT + 4 * 255 + 2 * UINT16_FMT];
  size_t n = 0, i = 0;
  if (logfd < 0) return;
  memcpy(line, tcp ? "tcp " : "udp ", 4); n = 4;
  if (ip->is6) {
    line[n++] = '[';
    n += ip6_fmt(line + n, ip->ip);
    line[n++] = ']';
  } else n += ip4_fmt(line + n, ip->ip);
  line[n++] = ':';
  n += uint16_fmt(line + n, port);
  line[n++] = ' ';
  n += uint16_fmt(line + n, q->id);
  line[n++] = ' ';
  if (parsed <= 0) {
    memcpy(line + n, "- -", 3);
    n += 3;
  } else {
    if (q->qnamelen == 1) line[n++] = '.';
    while (i < q->qnamelen) {
      unsigned int l = (unsigned char)q->qname[i++];
      if (!l) break;
      if (i > 1) line[n++] = '.';
      while (l--) {
        unsigned char c = q->qname[i++];
        if (c > 32 && c < 127 && c != '.' && c != '\\') line[n++] = c;
        else {
          line[n++] = '\\';
          line[n++] = '0' + c / 100;
          line[n++] = '0' + c / 10 % 10;
          line[n++] = '0' + c % 10;
        }
      }
    }
    line[n++] = ' ';
    n += uint16_fmt(line + n, q->qtype);
  }
  line[n++] = '\n';
  if (allwrite(logfd, line, n) < n) strerr_warnwusys("write query log");
}

/* ---- delay queue ---- */

static void queue_swap(unsigned int a, unsigned int b)
{
  struct pending t = queue[a];
  queue[a] = queue[b];
  queue[b] = t;
}

static int queue_push(struct pending const *p)
{
  unsigned int i;
  if (queuen >= QUEUE_MAX) return 0;
  i = queuen++;
  queue[i] = *p;
  while (i && tain_less(&queue[i].due, &queue[(i - 1) / 2].due)) {
    queue_swap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
  return 1;
}

static void queue_pop(struct pending *p)
{
  unsigned int i = 0;
  *p = queue[0];
  queue[0] = queue[--queuen];
  for (;;) {
    unsigned int l = 2 * i + 1, m = i;
    if (l < queuen && tain_less(&queue[l].due, &queue[m].due)) m = l;
    if (l + 1 < queuen && tain_less(&queue[l + 1].due, &queue[m].due)) m = l + 1;
    if (m == i) break;
    queue_swap(i, m);
    i = m;
  }
}

/* ---- sending ---- */

static void conn_close(struct conn *c)
{
  fd_close(c->fd);
  c->fd = -1;
  c->gen++;
  c->pending = 0;
  c->eof = 0;
  c->inlen = c->outpos = c->outlen = 0;
}

static void conn_touch(struct conn *c)
{
  tain t;
  tain_from_millisecs(&t, CONN_IDLE_MS);
  tain_add_g(&c->deadline, &t);
}

static void conn_queue(struct conn *c, char const *msg, size_t len)
{
  if (c->outpos == c->outlen) c->outpos = c->outlen = 0;
  if (c->outlen + 2 + len > CONN_OUT_MAX) {
    memmove(c->out, c->out + c->outpos, c->outlen - c->outpos);
    c->outlen -= c->outpos;
    c->outpos = 0;
  }
  if (c->outlen + 2 + len > CONN_OUT_MAX) {
    strerr_warnw("TCP client does not read its answers, closing");
    conn_close(c);
    return;
  }
  set16(c->out + c->outlen, len);
  memcpy(c->out + c->outlen + 2, msg, len);
  c->outlen += 2 + len;
}

static void send_answer(struct pending const *p)
{
  static char msg[MSG_MAX];
  size_t len = answer_build(&p->q, p->rule, p->tcp, msg, sizeof msg);
  if (!len) return;
  if (p->tcp) {
    struct conn *c = conns + p->conn;
    if (c->fd >= 0 && c->gen == p->gen) conn_queue(c, msg, len);
  } else if (socket_send46(udpfd, msg, len, &p->ip, p->port) < 0)
    strerr_warnwusys("send UDP answer");
}

static void handle_query(char const *pkt, size_t len, int tcp, ip46 const *ip, uint16_t port, unsigned int ci)
{
  struct pending p;
  int parsed = query_parse(pkt, len, &p.q);
  uint32_t delay;
  if (parsed < 0) return;
  log_query(tcp, ip, port, &p.q, parsed);
  p.rule = -1;
  if (parsed) p.rule = rule_find(&p.q);
  p.tcp = tcp;
  p.ip = *ip;
  p.port = port;
  p.conn = ci;
  p.gen = tcp ? conns[ci].gen : 0;
  if (!parsed) {
    /* no usable question: FORMERR with an empty question section */
    static char msg[12];
    memcpy(msg, pkt, 2);
    set16(msg + 2, 0x8000 | (p.q.flags & 0x7900) | 0x0080 | 1);
    memset(msg + 4, 0, 8);
    if (tcp) conn_queue(conns + ci, msg, 12);
    else if (socket_send46(udpfd, msg, 12, ip, port) < 0) strerr_warnwusys("send UDP answer");
    return;
  }
  if (p.rule >= 0 && rules[p.rule].action == ACT_DROP) return;
  delay = p.rule >= 0 && (rules[p.rule].mods & MOD_DELAY) ? rules[p.rule].delay : defdelay;
  if (!delay) {
    send_answer(&p);
    return;
  }
  {
    tain t;
    tain_from_millisecs(&t, delay);
    tain_add_g(&p.due, &t);
  }
  if (!queue_push(&p)) {
    strerr_warnw("delay queue full, query dropped");
    return;
  }
  if (tcp) conns[ci].pending++;
}

static void run_queue(void)
{
  while (queuen && !tain_future(&queue[0].due)) {
    struct pending p;
    queue_pop(&p);
    if (p.tcp) {
      struct conn *c = conns + p.conn;
      if (c->fd < 0 || c->gen != p.gen) continue;
      c->pending--;
      conn_touch(c);
    }
    send_answer(&p);
  }
}

static void udp_read(void)
{
  static char buf[MSG_MAX + 1];
  unsigned int k;
  for (k = 0; k < UDP_BURST; k++) {
    ip46 ip = IP46_ZERO;
    uint16_t port;
    ssize_t r;
    ip.is6 = is6;
    r = socket_recv46(udpfd, buf, sizeof buf, &ip, &port);
    if (r < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED) strerr_warnwusys("receive UDP");
      return;
    }
    handle_query(buf, r, 0, &ip, port, 0);
  }
}

static void tcp_accept(int lfd)
{
  unsigned int i;
  ip46 ip = IP46_ZERO;
  uint16_t port;
  int fd;
  for (i = 0; i < CONN_MAX; i++) if (conns[i].fd < 0) break;
  if (i >= CONN_MAX) return;
  fd = is6 ? socket_accept6_nbcoe(lfd, ip.ip, &port) : socket_accept4_nbcoe(lfd, ip.ip, &port);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) strerr_warnwusys("accept");
    return;
  }
  ip.is6 = is6;
  conns[i].fd = fd;
  conns[i].ip = ip;
  conns[i].port = port;
  conns[i].pending = 0;
  conns[i].eof = 0;
  conns[i].inlen = conns[i].outpos = conns[i].outlen = 0;
  conn_touch(conns + i);
}

static void conn_read(unsigned int ci)
{
  struct conn *c = conns + ci;
  ssize_t r = fd_read(c->fd, c->in + c->inlen, sizeof c->in - c->inlen);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    conn_close(c);
    return;
  }
  if (!r) {
    c->eof = 1;
    return;
  }
  c->inlen += r;
  conn_touch(c);
  while (c->fd >= 0 && c->inlen >= 2) {
    size_t mlen = (unsigned char)c->in[0] << 8 | (unsigned char)c->in[1];
    if (c->inlen < 2 + mlen) break;
    handle_query(c->in + 2, mlen, 1, &c->ip, c->port, ci);
    if (c->fd < 0) return;
    memmove(c->in, c->in + 2 + mlen, c->inlen - 2 - mlen);
    c->inlen -= 2 + mlen;
  }
}

static void conn_write(struct conn *c)
{
  ssize_t r = fd_write(c->fd, c->out + c->outpos, c->outlen - c->outpos);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    conn_close(c);
    return;
  }
  c->outpos += r;
  conn_touch(c);
}

/* ---- main ---- */

static void parse_bind(char const *s, ip46 *ip, uint16_t *port)
{
  char const *colon;
  char tmp[64];
  size_t n;
  unsigned int u;
  if (s[0] == '[') {
    char const *close = strchr(s, ']');
    if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof tmp) dieusage();
    memcpy(tmp, s + 1, close - s - 1);
    tmp[close - s - 1] = 0;
    if (!tmp[0] || ip6_scan(tmp, ip->ip) != strlen(tmp)) dieusage();
    ip->is6 = 1;
    colon = close + 1;
    if (memcmp(ip->ip, IP6_LOCAL, 16)) strerr_dief(100, "refusing a non-loopback address: ", s);
  } else {
    colon = strrchr(s, ':');
    if (!colon) dieusage();
    n = colon - s;
    if (!n || n >= sizeof tmp) dieusage();
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (ip4_scan(tmp, ip->ip) != n) dieusage();
    ip->is6 = 0;
    if ((unsigned char)ip->ip[0] != 127) strerr_dief(100, "refusing a non-loopback address: ", s);
  }
  n = uint0_scan(colon + 1, &u);
  if (!n || colon[1 + n] || !u || u > 65535) dieusage();
  *port = u;
}

int main(int argc, char const *const *argv)
{
  char const *bindarg = 0, *logfile = 0;
  ip46 bip = IP46_ZERO;
  uint16_t bport;
  int tcpfd, sfd;
  unsigned int i;
  PROG = "faultdns";
  {
    subgetopt l = SUBGETOPT_ZERO;
    for (;;) {
      int opt = subgetopt_r(argc, argv, "b:f:l:d:", &l);
      if (opt == -1) break;
      switch (opt) {
        case 'b': bindarg = l.arg; break;
        case 'f': rulesfile = l.arg; break;
        case 'l': logfile = l.arg; break;
        case 'd': {
          unsigned int u;
          size_t n = uint0_scan(l.arg, &u);
          if (!n || l.arg[n] || u > DELAY_MAX) dieusage();
          defdelay = u;
          break;
        }
        default: dieusage();
      }
    }
    if (l.ind != argc) dieusage();
  }
  if (!bindarg || !rulesfile) dieusage();
  parse_bind(bindarg, &bip, &bport);
  is6 = bip.is6;
  load_rules(rulesfile);

  if (logfile) {
    logfd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (logfd < 0) strerr_diefusys(111, "open ", logfile);
  }
  udpfd = socket_udp46_nbcoe(is6);
  if (udpfd < 0) strerr_diefusys(111, "create UDP socket");
  if (socket_bind46(udpfd, &bip, bport) < 0) strerr_diefusys(111, "bind UDP ", bindarg);
  tcpfd = socket_tcp46_nbcoe(is6);
  if (tcpfd < 0) strerr_diefusys(111, "create TCP socket");
  if (socket_bind46_reuse(tcpfd, &bip, bport) < 0) strerr_diefusys(111, "bind TCP ", bindarg);
  if (socket_listen(tcpfd, 16) < 0) strerr_diefusys(111, "listen on ", bindarg);
  for (i = 0; i < CONN_MAX; i++) conns[i].fd = -1;

  sfd = selfpipe_init();
  if (sfd < 0) strerr_diefusys(111, "init selfpipe");
  if (!selfpipe_trap(SIGTERM) || !selfpipe_trap(SIGINT)) strerr_diefusys(111, "trap signals");
  if (sig_ignore(SIGPIPE) < 0) strerr_diefusys(111, "ignore SIGPIPE");
  tain_now_set_stopwatch_g();

  for (;;) {
    iopause_fd x[3 + CONN_MAX];
    unsigned int n = 3;
    tain deadline = tain_infinite;
    int free_slot = 0;
    if (queuen) deadline = queue[0].due;
    x[0].fd = sfd; x[0].events = IOPAUSE_READ;
    x[1].fd = udpfd; x[1].events = IOPAUSE_READ;
    for (i = 0; i < CONN_MAX; i++) {
      struct conn *c = conns + i;
      c->xindex = -1;
      if (c->fd < 0) { free_slot = 1; continue; }
      x[n].fd = c->fd;
      x[n].events = (c->eof ? 0 : IOPAUSE_READ) | (c->outpos < c->outlen ? IOPAUSE_WRITE : 0);
      c->xindex = n++;
      if (!c->pending && tain_less(&c->deadline, &deadline)) deadline = c->deadline;
    }
    x[2].fd = tcpfd;
    x[2].events = free_slot ? IOPAUSE_READ : 0;
    if (iopause_g(x, n, &deadline) < 0) strerr_diefusys(111, "iopause");

    if (x[0].revents & IOPAUSE_READ) {
      int sig, stop = 0;
      while ((sig = selfpipe_read()) > 0) if (sig == SIGTERM || sig == SIGINT) stop = 1;
      if (sig < 0) strerr_diefusys(111, "read selfpipe");
      if (stop) break;
    }
    run_queue();
    if (x[1].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT)) udp_read();
    for (i = 0; i < CONN_MAX; i++) {
      struct conn *c = conns + i;
      if (c->fd < 0 || c->xindex < 0) continue;
      if (x[c->xindex].revents & IOPAUSE_WRITE) conn_write(c);
      if (c->fd >= 0 && !c->eof && (x[c->xindex].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT))) conn_read(i);
      if (c->fd < 0) continue;
      /* a peer gone both ways cannot take delayed answers, and would make poll spin */
      if (c->eof && (x[c->xindex].revents & IOPAUSE_EXCEPT)) { conn_close(c); continue; }
      if (c->eof && !c->pending && c->outpos == c->outlen) conn_close(c);
      else if (!c->pending && c->outpos == c->outlen && !tain_future(&c->deadline)) conn_close(c);
    }
    if (x[2].revents & IOPAUSE_READ) tcp_accept(tcpfd);
  }
  for (i = 0; i < CONN_MAX; i++) if (conns[i].fd >= 0) fd_close(conns[i].fd);
  if (logfd >= 0) fd_close(logfd);
  stralloc_free(&pool);
  return 0;
}
