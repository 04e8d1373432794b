/* ds_combined: rbldnsd's combined dataset ($DATASET sections, each a nested dataset for some subzones). */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ds.h"

typedef struct sect_s sect;
struct sect_s
{
  dsbuild b;
  dataset *d;
  unsigned char **zone;     /* in the arena, wire form without the root label */
  size_t *zonelen;
  unsigned nzone;
};

typedef struct tmp_s tmp;
struct tmp_s
{
  sect **s;
  size_t n, cap;
  sect *cur;                /* 0: the common part */
};

static int combined_start (dsbuild *b)
{
  b->tmp = calloc(1, sizeof(tmp));
  return b->tmp != 0;
}

void ds_combined_newfile (dsbuild *top)
{
  tmp *t = top->tmp;
  if (t) t->cur = 0;
}

dsbuild *ds_combined_current (dsbuild *top)
{
  tmp *t = top->tmp;
  return t && t->cur ? &t->cur->b : 0;
}

/* a subzone: "@" is the base zone itself */
static size_t zonename (char const *s, size_t len, unsigned char *out)
{
  size_t w = 0, lab = 0;
  int in = 0;
  if (len == 1 && s[0] == '@') return 0;
  for (size_t i = 0; i < len; i++)
  {
    unsigned c = (unsigned char)s[i];
    if (c == '.') { in = 0; continue; }
    if (c == '\\' && i + 1 < len) c = (unsigned char)s[++i];
    if (!in)
    {
      if (w + 2 > DATASET_NAME_MAX - 1) return (size_t)-1;
      lab = w++;
      out[lab] = 0;
      in = 1;
    }
    if (out[lab] == 63 || w + 1 > DATASET_NAME_MAX - 1) return (size_t)-1;
    if (c >= 'A' && c <= 'Z') c += 32;
    out[w++] = (unsigned char)c;
    out[lab]++;
  }
  return w;
}

static int oom (dsbuild *b)
{
  ds_fatal(b, "out of memory");
  return 0;
}

int ds_combined_section (dsbuild *top, char const *s, size_t len)
{
  tmp *t = top->tmp;
  dsarena *ar = ds_barena(top);
  dstype const *ty;
  sect *x;
  size_t i = 0, j, tl;
  unsigned nz = 0;
  t->cur = 0;
  while (i < len && ds_space(s[i])) i++;
  j = i;
  while (j < len && !ds_space(s[j])) j++;
  if (i == j) return ds_bad(top, "invalid or unrecognized special entry");
  tl = 0;
  while (i + tl < j && s[i + tl] != ':') tl++;
  ty = ds_type_find(s + i, tl);
  if (!ty)
  {
    ds_notice(top, "unknown dataset type");
    errno = EINVAL;
    ds_fatal(top, "unknown dataset type in a $DATASET line");
    return 0;
  }
  if (ty->flags & DSTYPE_COMBINED)
  {
    ds_notice(top, "dataset type `combined' cannot be used inside `combined'");
    errno = EINVAL;
    ds_fatal(top, "combined dataset inside a combined dataset");
    return 0;
  }
  if (t->n == t->cap)
  {
    void *p = t->s;
    if (!ds_grow(&p, &t->cap, t->n + 1, sizeof(sect *))) return oom(top);
    t->s = p;
  }
  x = calloc(1, sizeof(sect));
  if (!x) return oom(top);
  t->s[t->n++] = x;
  x->d = ds_alloc(ar, sizeof(dataset));
  if (!x->d) return oom(top);
  /* the subzones */
  for (size_t k = j; k < len;)
  {
    while (k < len && ds_space(s[k])) k++;
    if (k < len) nz++;
    while (k < len && !ds_space(s[k])) k++;
  }
  if (nz)
  {
    x->zone = ds_alloc(ar, nz * sizeof(unsigned char *));
    x->zonelen = ds_alloc(ar, nz * sizeof(size_t));
    if (!x->zone || !x->zonelen) return oom(top);
    for (size_t k = j; k < len;)
    {
      unsigned char wire[DATASET_NAME_MAX];
      size_t st, zl;
      while (k < len && ds_space(s[k])) k++;
      if (k >= len) break;
      st = k;
      while (k < len && !ds_space(s[k])) k++;
      zl = zonename(s + st, k - st, wire);
      if (zl == (size_t)-1) { ds_bad(top, "invalid subzone name"); continue; }
      x->zone[x->nzone] = ds_alloc(ar, zl ? zl : 1);
      if (!x->zone[x->nzone]) return oom(top);
      memcpy(x->zone[x->nzone], wire, zl);
      x->zonelen[x->nzone++] = zl;
    }
  }
  else ds_notice(top, "no subzone(s) specified for dataset, data will be ignored");
  if (!ds_build_start(&x->b, ty, x->d, top)) return 0;
  t->cur = x;
  return 1;
}

static int combined_line (dsbuild *b, char const *s, size_t len)
{
  (void)s;
  (void)len;
  return ds_bad(b, "invalid/unrecognized entry - specify $DATASET line");
}

static int combined_finish (dsbuild *b)
{
  tmp *t = b->tmp;
  dataset *sub;
  unsigned n = 0;
  for (size_t i = 0; i < t->n; i++)
  {
    t->s[i]->d->mtime = b->d->mtime;
    if (!ds_build_finish(&t->s[i]->b)) return 1;   /* the failure is in ld */
    if (t->s[i]->nzone) n++;
  }
  if (!n) return 1;
  sub = ds_alloc(ds_barena(b), n * sizeof(dataset));
  if (!sub) return 0;
  n = 0;
  for (size_t i = 0; i < t->n; i++)
  {
    sect *x = t->s[i];
    if (!x->nzone) continue;
    sub[n] = *x->d;
    sub[n].zone = (unsigned char const **)x->zone;
    sub[n].zonelen = x->zonelen;
    sub[n].nzone = x->nzone;
    n++;
  }
  b->d->sub = sub;
  b->d->nsub = n;
  b->d->impl = sub;
  return 1;
}

static void combined_discard (dsbuild *b)
{
  tmp *t = b->tmp;
  if (!t) return;
  for (size_t i = 0; i < t->n; i++)
  {
    ds_build_discard(&t->s[i]->b);
    free(t->s[i]);
  }
  free(t->s);
  free(t);
  b->tmp = 0;
}

static unsigned combined_query (dataset const *d, dsquery const *q, dshit *hits, unsigned max)
{
  (void)d; (void)q; (void)hits; (void)max;
  return 0;
}

dstype const ds_combined =
{
  .name = "combined",
  .flags = DSTYPE_COMBINED,
  .start = &combined_start,
  .line = &combined_line,
  .finish = &combined_finish,
  .discard = &combined_discard,
  .query = &combined_query
};
