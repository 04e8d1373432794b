/* ds_acl: rbldnsd's acl pseudo-dataset (client address ranges, IPv4 and IPv6, with an action or an always-listed value). */

#include <stdlib.h>
#include <string.h>
#include "ipaddr.h"
#include "ds.h"

typedef struct tmp_s tmp;
struct tmp_s
{
  dsblks v4, v6;
};

typedef struct acl_s acl;
struct acl_s
{
  dsmap m4, m6;
};

static int acl_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

static int kw (char const *s, size_t len, char const *w)
{
  size_t l = strlen(w);
  if (len < l) return 0;
  for (size_t i = 0; i < l; i++)
  {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c += 32;
    if (c != w[i]) return 0;
  }
  return len == l || ds_space(s[l]);
}

/* an IPv4 entry starts with decimal digits followed by '.' or '/' */
static int looks4 (char const *s, size_t len)
{
  size_t i = 0;
  while (i < len && s[i] >= '0' && s[i] <= '9') i++;
  return i && i < len && (s[i] == '.' || s[i] == '/');
}

static int acl_line (dsbuild *b, char const *s, size_t len)
{
  static uint8_t const zero[4] = { 0, 0, 0, 0 };
  static struct { char const *w; unsigned action; } const acts[] =
  {
    { "ignore", DATASET_ACL_IGNORE }, { "refuse", DATASET_ACL_REFUSE },
    { "empty", DATASET_ACL_EMPTY }, { "pass", DATASET_ACL_PASS }
  };
  tmp *t = b->tmp;
  size_t n, i;
  uint32_t v;
  int is4 = looks4(s, len);
  dsu128 lo, hi;
  if (is4)
  {
    uint32_t l4, h4;
    if (!ds_ip4cidr(b, s, len, &n, &l4, &h4)) return 0;
    lo = l4;
    hi = h4;
  }
  else if (!ds_ip6cidr(b, s, len, &n, &lo, &hi)) return 0;
  i = n;
  while (i < len && ds_space(s[i])) i++;
  if (i >= len || s[i] == '#' || s[i] == ';')
  {
    /* no action given: ignore, rbldnsd's default */
    if (!ds_newval(b, zero, "", 0, 0, DATASET_ACL_IGNORE, &v)) return -1;
  }
  else
  {
    unsigned k = 0;
    if (s[i] == ':')
      for (; k < sizeof(acts) / sizeof(*acts); k++)
        if (kw(s + i + 1, len - i - 1, acts[k].w)) break;
    if (s[i] == ':' && k < sizeof(acts) / sizeof(*acts))
    {
      if (!ds_newval(b, zero, "", 0, 0, acts[k].action, &v)) return -1;
    }
    else
    {
      if (!ds_value(b, s + n, len - n, &v)) return 0;
      if (b->val[v].action != DATASET_ACL_LISTED)
      {
        /* an always-listed value: a copy marked as such */
        dsval x = b->val[v];
        if (!ds_newval(b, x.a, b->txt + x.txtoff, x.txtlen, x.flags, DATASET_ACL_LISTED, &v)) return -1;
      }
    }
  }
  return (is4 ? ds_blks_add4(&t->v4, (uint32_t)lo, (uint32_t)hi, v, 0, b) : ds_blks_add6(&t->v6, lo, hi, v, 0, b)) ? 1 : -1;
}

static int acl_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  acl *x = ds_alloc(ds_barena(b), sizeof(acl));
  if (!x) return 0;
  if (!ds_map_build(b, &t->v4, 32, DSMAP_FIRST, &x->m4)) return b->ld->fatal ? 1 : 0;
  if (!ds_map_build(b, &t->v6, 128, DSMAP_FIRST, &x->m6)) return b->ld->fatal ? 1 : 0;
  b->d->impl = x;
  return 1;
}

static void acl_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  ds_blks_free(&t->v4);
  ds_blks_free(&t->v6);
  free(t);
  b->tmp = 0;
}

static unsigned acl_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  (void)d; (void)q; (void)hits; (void)max;
  return 0;
}

int dataset_acl (dataset const *d, uint8_t const *ip, int is6, dshit *hit)
{
  acl const *x;
  uint32_t res;
  dsval const *v;
  if (!d || d->type != &ds_acl || !d->impl) return DATASET_ACL_NONE;
  x = d->impl;
  if (is6) res = ds_map_find6(&x->m6, ip);
  else res = ds_map_find4(&x->m4, ds_ip4num(ip));
  if (!res) return DATASET_ACL_NONE;
  v = d->val + (res - 1);
  if (v->action == DATASET_ACL_LISTED && hit)
  {
    /* "$" in the acl's text stands for the client */
    ipaddr a;
    char text[IPADDR_FMT];
    dsquery q;
    size_t tl;
    memset(&a, 0, sizeof(a));
    a.is6 = (uint8_t)!!is6;
    memcpy(a.ip, ip, is6 ? 16 : 4);
    tl = ipaddr_fmt(text, &a);
    memset(&q, 0, sizeof(q));
    q.wanttxt = 1;
    q.subst = text;
    q.substlen = tl;
    ds_hit(d, &q, res - 1, text, tl, hit);
  }
  return v->action;
}

dstype const ds_acl =
{
  .name = "acl",
  .flags = DSTYPE_NOMETA | DSTYPE_V6,
  .start = &acl_start,
  .line = &acl_line,
  .finish = &acl_finish,
  .discard = &acl_discard,
  .query = &acl_query
};
