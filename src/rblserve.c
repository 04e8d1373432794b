/* rblserve: the DNSBL server: rbldnsd's command line and files, reloads in a loader thread with no gap in service. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/types.h>
#include <skalibs/fmtscan.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include "dataset.h"
#include "dnsquery.h"
#include "dnsserve.h"
#include "zone.h"

#define RBLSERVE_VERSION "0.1"
#define USAGE "rblserve [ -b addr[/port] ]... [ -u user[:group] ] [ -r rootdir ] [ -w workdir ] [ -t defttl:minttl:maxttl ] [ -c check ] [ -p pidfile ] [ -l logfile ] [ -s statsfile ] [ -46aAeqnfvCKS ] [ -N fd ] zone:type:file[,file...]..."
#define dieusage() strerr_dieusage(100, USAGE)
#define WARN_MAX 100   /* warnings shown per dataset load */
#define LOGLINE_MAX 1024

static zone_table table;
static dnsserve srv;
static char *zonespecs;   /* copies of the zone arguments, which the table points into */

static struct
{
  char const *user, *root, *work, *pidfile, *logfile, *statsfile;
  uint32_t check;
  unsigned quiet, v4, v6, notify;
  int notifyfd;
  dsload_opts lo;
} opt = { .user = 0, .check = 60, .notifyfd = -1, .lo = { .defttl = 2100 } };

/* --- log lines: one write each, so the loader thread's lines stay whole --- */

static void logline (char const *kind, char const *const *parts, unsigned n)
{
  char buf[LOGLINE_MAX];
  size_t w = 0;
  char const *head[3] = { "rblserve: ", kind, ": " };
  for (unsigned i = 0; i < 3 + n; i++)
  {
    char const *s = i < 3 ? head[i] : parts[i - 3];
    size_t l = strlen(s);
    if (l > sizeof buf - 1 - w) l = sizeof buf - 1 - w;
    memcpy(buf + w, s, l);
    w += l;
  }
  buf[w++] = '\n';
  while (write(2, buf, w) < 0 && errno == EINTR) ;
}

#define info(...) do { if (!opt.quiet) { char const *p_[] = { __VA_ARGS__ }; logline("info", p_, sizeof p_ / sizeof p_[0]); } } while (0)
#define infoq(...) do { char const *p_[] = { __VA_ARGS__ }; logline("info", p_, sizeof p_ / sizeof p_[0]); } while (0)
#define warn(...) do { char const *p_[] = { __VA_ARGS__ }; logline("warning", p_, sizeof p_ / sizeof p_[0]); } while (0)

static char const *u64 (char *buf, uint64_t v)
{
  buf[uint64_fmt(buf, v)] = 0;
  return buf;
}

/* --- loading: a thread runs dataset_load, the main loop swaps the results in --- */

typedef struct fstamp_s fstamp;
struct fstamp_s
{
  struct timespec mtime;
  off_t size;
  ino_t ino;
  int err;          /* stat failed with this */
};

typedef struct warnctx_s warnctx;
struct warnctx_s
{
  unsigned n;
  char const *file;
};

typedef struct loadjob_s loadjob;
struct loadjob_s
{
  unsigned n;
  unsigned slot[ZONE_SLOTS_MAX];
  dataset *res[ZONE_SLOTS_MAX];
  char const *why[ZONE_SLOTS_MAX];
  int err[ZONE_SLOTS_MAX];
  fstamp st[ZONE_SLOTS_MAX][ZONE_FILES_MAX];
  struct timespec start, elapsed, cpu;
  uint8_t done[ZONE_SLOTS_MAX];    /* set by the loader when res/why/err are final (atomic) */
  uint8_t taken[ZONE_SLOTS_MAX];   /* swapped in (or its failure logged) by the main loop */
  int each;               /* swap each dataset in as soon as it is loaded */
  dsload_opts lo;
  unsigned next;          /* the next job a loader takes (atomic) */
  unsigned running;       /* loaders still working (atomic); the last one reports */
  uint64_t cpuns;         /* CPU time of all loaders (atomic) */
  uint64_t entries, bytes;          /* of the datasets swapped in (main loop) */
  unsigned nok, nfail;
};

/* Two loaders at start: on the 2-core machines rblserve is sized for, the
   largest datasets (a 10M-address xbl, a 3M-name dbl) then load side by
   side. A reload uses one and swaps each dataset in as soon as it is built,
   freeing the old copy: the peak is then the data in service plus one
   dataset being built, not a second copy of everything. Zones never see a
   half-built dataset; a combined zone may for a moment answer from new
   data of one list and old data of another, as it would if the files had
   been changed one after the other. */
#define LOADERS 2
#define RELOADERS 1

static void expirycheck (void);
static loadjob job;
static pthread_t loader[LOADERS];
static unsigned nloaders;
static int loading = 0, loadpending = 0, firstload = 1;
static int loadpipe[2];
static fstamp loaded[ZONE_SLOTS_MAX][ZONE_FILES_MAX];   /* stamps of the data being served */
static fstamp failed[ZONE_SLOTS_MAX][ZONE_FILES_MAX];   /* stamps of the last failed load */
static uint8_t hasfailed[ZONE_SLOTS_MAX];

static void getstamp (char const *file, fstamp *f)
{
  struct stat st;
  memset(f, 0, sizeof *f);
  if (stat(file, &st) < 0) { f->err = errno ? errno : EIO; return; }
  f->mtime = st.st_mtim;
  f->size = st.st_size;
  f->ino = st.st_ino;
}

static int samestamp (fstamp const *a, fstamp const *b)
{
  return a->err == b->err && a->size == b->size && a->ino == b->ino
    && a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void loadwarn (void *ctx, char const *file, unsigned long line, char const *what)
{
  warnctx *w = ctx;
  char nb[ULONG_FMT + 1];
  w->file = file;
  if (++w->n > WARN_MAX) return;
  if (line) warn(file, ":", u64(nb, line), ": ", what);
  else warn(file, ": ", what);
}

static void tsdiff (struct timespec *d, struct timespec const *a, struct timespec const *b)
{
  d->tv_sec = a->tv_sec - b->tv_sec;
  d->tv_nsec = a->tv_nsec - b->tv_nsec;
  if (d->tv_nsec < 0) { d->tv_nsec += 1000000000; d->tv_sec--; }
}

/* Whoever brings the count of running loaders to 0 tells the main loop. */
static void loaddone (loadjob *j)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  tsdiff(&j->elapsed, &t1, &j->start);
  j->cpu.tv_sec = (time_t)(j->cpuns / 1000000000u);
  j->cpu.tv_nsec = (long)(j->cpuns % 1000000000u);
  while (write(loadpipe[1], "x", 1) < 0 && errno == EINTR) ;
}

static void *loadrun (void *arg)
{
  loadjob *j = arg;
  struct timespec c0, c1, d;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  for (;;)
  {
    unsigned i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
    zone_slot const *s;
    warnctx w = { 0, 0 };
    if (i >= j->n) break;
    s = &table.s[j->slot[i]];
    j->why[i] = 0;
    errno = 0;
    j->res[i] = dataset_load(s->type, s->files, s->nfiles, &j->lo, &loadwarn, &w, &j->why[i]);
    j->err[i] = errno;
    if (w.n > WARN_MAX)
    {
      char nb[ULONG_FMT + 1];
      warn(w.file ? w.file : s->files[0], ": ", u64(nb, w.n - WARN_MAX), " more warnings not shown");
    }
    __atomic_store_n(&j->done[i], 1, __ATOMIC_RELEASE);
    if (j->each) while (write(loadpipe[1], "d", 1) < 0 && errno == EINTR) ;
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  tsdiff(&d, &c1, &c0);
  __atomic_fetch_add(&j->cpuns, (uint64_t)d.tv_sec * 1000000000u + (uint64_t)d.tv_nsec, __ATOMIC_RELAXED);
  if (__atomic_sub_fetch(&j->running, 1, __ATOMIC_ACQ_REL) == 0) loaddone(j);
  return 0;
}

static off_t jobsize (unsigned i)
{
  off_t t = 0;
  for (unsigned k = 0; k < table.s[job.slot[i]].nfiles; k++) t += job.st[i][k].size;
  return t;
}

/* largest first, so the two loaders finish close together */
static void jobsort (void)
{
  for (unsigned i = 1; i < job.n; i++)
    for (unsigned k = i; k > 0 && jobsize(k) > jobsize(k - 1); k--)
    {
      unsigned slot = job.slot[k];
      fstamp st[ZONE_FILES_MAX];
      memcpy(st, job.st[k], sizeof st);
      job.slot[k] = job.slot[k - 1];
      memcpy(job.st[k], job.st[k - 1], sizeof st);
      job.slot[k - 1] = slot;
      memcpy(job.st[k - 1], st, sizeof st);
    }
}

/* Starts loading the slots whose files changed (all of them if all is set).
   Returns 1 if a load started. */
static int loadstart (int all)
{
  unsigned want;
  job.n = 0;
  for (unsigned i = 0; i < table.nslots; i++)
  {
    zone_slot const *s = &table.s[i];
    fstamp st[ZONE_FILES_MAX];
    int changed = all || !s->d, refailed = hasfailed[i];
    for (unsigned k = 0; k < s->nfiles; k++)
    {
      getstamp(s->files[k], &st[k]);
      if (!samestamp(&st[k], &loaded[i][k])) changed = 1;
      if (!samestamp(&st[k], &failed[i][k])) refailed = 0;
    }
    /* files that already failed to load as they are now are not retried */
    if (!changed || (refailed && !all)) continue;
    job.slot[job.n] = i;
    memcpy(job.st[job.n], st, s->nfiles * sizeof st[0]);
    job.n++;
  }
  if (!job.n) return 0;
  jobsort();
  job.lo = opt.lo;
  job.next = 0;
  job.cpuns = 0;
  job.each = !firstload;
  job.entries = job.bytes = 0;
  job.nok = job.nfail = 0;
  memset(job.done, 0, sizeof job.done);
  memset(job.taken, 0, sizeof job.taken);
  want = firstload ? LOADERS : RELOADERS;
  if (want > job.n) want = job.n;
  nloaders = want;
  job.running = want;
  clock_gettime(CLOCK_MONOTONIC, &job.start);
  for (unsigned t = 0; t < want; t++)
  {
    int e = pthread_create(&loader[t], 0, &loadrun, &job);
    if (e)
    {
      /* the loaders already started take every job; none started: no load */
      warn("unable to start a loader thread: ", strerror(e));
      nloaders = t;
      if (!t) return 0;
      if (__atomic_sub_fetch(&job.running, want - t, __ATOMIC_ACQ_REL) == 0) loaddone(&job);
      break;
    }
  }
  loading = 1;
  return 1;
}

/* "file,file" of a slot, for log lines */
static void slotfiles (zone_slot const *s, char *files, size_t max)
{
  size_t w = 0;
  for (unsigned k = 0; k < s->nfiles && w < max - 2; k++)
  {
    size_t l = strlen(s->files[k]);
    if (k) files[w++] = ',';
    if (l > max - 2 - w) l = max - 2 - w;
    memcpy(files + w, s->files[k], l);
    w += l;
  }
  files[w] = 0;
}

/* Puts one loaded dataset in service, or logs why it failed. Returns the
   dataset it replaced, for the caller to free once the zones are refreshed. */
static dataset *loadtake (unsigned i)
{
  unsigned si = job.slot[i];
  zone_slot *s = &table.s[si];
  char files[LOGLINE_MAX];
  dataset *old = 0;
  job.taken[i] = 1;
  slotfiles(s, files, sizeof files);
  if (job.res[i])
  {
    char nb1[UINT64_FMT + 1], nb2[UINT64_FMT + 1];
    old = s->d;
    s->d = job.res[i];
    job.res[i] = 0;
    memcpy(loaded[si], job.st[i], s->nfiles * sizeof job.st[i][0]);
    hasfailed[si] = 0;
    job.entries += dataset_entries(s->d);
    job.bytes += dataset_bytes(s->d);
    job.nok++;
    info("loaded ", s->type, " ", files, ": ", u64(nb1, dataset_entries(s->d)), " entries, ",
      u64(nb2, dataset_bytes(s->d)), " bytes");
  }
  else
  {
    memcpy(failed[si], job.st[i], s->nfiles * sizeof job.st[i][0]);
    hasfailed[si] = 1;
    job.nfail++;
    warn(files, ": unable to load ", s->type, " dataset: ", job.why[i] ? job.why[i] : "unknown error",
      job.err[i] ? ": " : "", job.err[i] ? strerror(job.err[i]) : "",
      s->d ? "; still serving the data loaded before" : "; zones using it answer SERVFAIL");
  }
  return old;
}

/* Takes every dataset the loaders have finished (all of them once the
   loaders are done): the zones point into the datasets, so they are
   refreshed before the old copies are freed. */
static void loadcollect (int all)
{
  dataset *old[ZONE_SLOTS_MAX];
  unsigned nold = 0, ntook = 0;
  for (unsigned i = 0; i < job.n; i++)
  {
    if (job.taken[i] || (!all && !__atomic_load_n(&job.done[i], __ATOMIC_ACQUIRE))) continue;
    {
      dataset *o = loadtake(i);
      if (o) old[nold++] = o;
      ntook++;
    }
  }
  if (ntook) zone_refresh(&table);
  for (unsigned i = 0; i < nold; i++) dataset_free(old[i]);
}

static void loadfinish (void)
{
  char c[64];
  int last = 0;
  ssize_t r;
  do r = read(loadpipe[0], c, sizeof c); while (r < 0 && errno == EINTR);
  for (ssize_t k = 0; k < r; k++) if (c[k] == 'x') last = 1;
  if (!last)
  {
    loadcollect(0);
    return;
  }
  for (unsigned t = 0; t < nloaders; t++) pthread_join(loader[t], 0);
  loading = 0;
  loadcollect(1);
  expirycheck();
  if (job.nok)
  {
    char e[16], u[16], nb1[UINT64_FMT + 1], nb2[UINT64_FMT + 1];
    e[uint64_fmt(e, (uint64_t)job.elapsed.tv_sec)] = 0;
    u[uint64_fmt(u, (uint64_t)job.cpu.tv_sec)] = 0;
    {
      char eh[4] = { (char)('0' + job.elapsed.tv_nsec / 100000000), (char)('0' + job.elapsed.tv_nsec / 10000000 % 10), 0, 0 };
      char uh[4] = { (char)('0' + job.cpu.tv_nsec / 100000000), (char)('0' + job.cpu.tv_nsec / 10000000 % 10), 0, 0 };
      /* rbldnsd's words, which scripts (the bench kit) look for */
      infoq("zones reloaded, time ", e, ".", eh, "e/", u, ".", uh, "u sec, ",
        u64(nb1, job.entries), " entries, ", u64(nb2, (job.bytes + 1023) / 1024), " KB");
    }
  }
  if (firstload)
  {
    firstload = 0;
    if (job.nfail && !opt.quiet) strerr_dief1x(111, "initial load failed");
    if (opt.notifyfd >= 0)
    {
      while (write(opt.notifyfd, "\n", 1) < 0 && errno == EINTR) ;
      close(opt.notifyfd);
      opt.notifyfd = -1;
    }
  }
}

/* $TIMESTAMP expiry: checked with the files, as rbldnsd does */
static void expirycheck (void)
{
  time_t now = time(0);
  int changed = 0;
  for (unsigned i = 0; i < table.nslots; i++)
  {
    zone_slot *s = &table.s[i];
    time_t e = s->d ? dataset_expires(s->d) : 0;
    uint8_t x = e && now > e;
    if (x == s->expired) continue;
    s->expired = x;
    changed = 1;
    if (x) warn(s->files[0], ": data expired ($TIMESTAMP); zones using it answer SERVFAIL");
  }
  if (changed) zone_refresh(&table);
}

/* --- statistics --- */

static void addstats (zone_stats *sum, zone_stats const *s)
{
  sum->nok += s->nok;
  sum->nnxd += s->nnxd;
  sum->nerr += s->nerr;
  sum->bin += s->bin;
  sum->bout += s->bout;
}

static void statslog (int reset)
{
  zone_stats total = table.st;
  for (unsigned i = 0; i <= table.nzones; i++)
  {
    zone_stats const *s = i < table.nzones ? &table.z[i].st : &total;
    char name[DATASET_NAME_MAX * 4 + 4], a[UINT64_FMT + 1], b[UINT64_FMT + 1], c[UINT64_FMT + 1], d[UINT64_FMT + 1];
    if (i < table.nzones)
    {
      name[zone_name_fmt(name, sizeof name - 1, &table.z[i])] = 0;
      addstats(&total, s);
    }
    else
    {
      name[0] = '*';
      name[1] = 0;
    }
    infoq("stats: ", name, ": queries ", u64(a, s->nok + s->nnxd + s->nerr), " hits ", u64(b, s->nok),
      " misses ", u64(c, s->nnxd), " errors ", u64(d, s->nerr));
  }
  if (reset)
  {
    memset(&table.st, 0, sizeof table.st);
    for (unsigned i = 0; i < table.nzones; i++) memset(&table.z[i].st, 0, sizeof table.z[i].st);
  }
}

static zone_stats lastst[ZONE_MAX + 1];
static int statsfailed;   /* warned already: the next failures are not logged */

/* rbldnsd's statsfile line: "time zone:qtot:qok:qnxd:bin:bout ... *:..." */
static void statsfile (int bare)
{
  static char line[LOGLINE_MAX * 8];
  char const *fn = opt.statsfile;
  int delta = *fn == '+';
  size_t w = 0;
  int fd;
  zone_stats total = table.st;
  if (delta) fn++;
  w += uint64_fmt(line, (uint64_t)time(0));
  for (unsigned i = 0; !bare && i <= table.nzones; i++)
  {
    zone_stats s = i < table.nzones ? table.z[i].st : total;
    uint64_t v[5];
    if (w + DATASET_NAME_MAX * 4 + 5 * (UINT64_FMT + 1) + 2 > sizeof line) break;
    if (i < table.nzones) addstats(&total, &s);
    line[w++] = ' ';
    if (i < table.nzones) w += zone_name_fmt(line + w, DATASET_NAME_MAX * 4, &table.z[i]);
    else line[w++] = '*';
    v[0] = s.nok + s.nnxd + s.nerr; v[1] = s.nok; v[2] = s.nnxd; v[3] = s.bin; v[4] = s.bout;
    if (delta)
    {
      zone_stats *l = &lastst[i < table.nzones ? i : ZONE_MAX];
      v[0] -= l->nok + l->nnxd + l->nerr; v[1] -= l->nok; v[2] -= l->nnxd; v[3] -= l->bin; v[4] -= l->bout;
      *l = s;
    }
    for (unsigned k = 0; k < 5; k++)
    {
      line[w++] = ':';
      w += uint64_fmt(line + w, v[k]);
    }
  }
  if (bare) memset(lastst, 0, sizeof lastst);
  line[w++] = '\n';
  fd = open(fn, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
  {
    if (!statsfailed) warn("unable to open ", fn, ": ", strerror(errno));
    statsfailed = 1;
    return;
  }
  if (write(fd, line, w) < 0)
  {
    if (!statsfailed) warn("unable to write to ", fn, ": ", strerror(errno));
    statsfailed = 1;
  }
  else statsfailed = 0;
  close(fd);
}

/* --- the query log (-l), rbldnsd's format --- */

static int qlogfd = -1, qlogflush = 0;
static char qlogbuf[65536];
static size_t qloglen = 0;

static void qlogout (void)
{
  size_t off = 0;
  while (off < qloglen)
  {
    ssize_t r = write(qlogfd, qlogbuf + off, qloglen - off);
    if (r < 0) { if (errno == EINTR) continue; break; }
    off += (size_t)r;
  }
  qloglen = 0;
}

static void qlogopen (void)
{
  char const *fn = opt.logfile;
  if (*fn == '+') { fn++; qlogflush = 1; }
  if (qlogfd >= 0) qlogout();
  if (qlogfd > 1) close(qlogfd);
  if (!strcmp(fn, "-")) qlogfd = 1;
  else if ((qlogfd = open(fn, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0)
    warn("unable to open query log ", fn, ": ", strerror(errno));
}

static void qlogadd (dnsserve_query const *q)
{
  char line[DNSQUERY_LOG_MAX + UINT64_FMT + IP6_FMT + 4];
  size_t w = uint64_fmt(line, (uint64_t)time(0)), l;
  line[w++] = ' ';
  w += q->is6 ? ip6_fmt(line + w, (char const *)q->ip) : ip4_fmt(line + w, (char const *)q->ip);
  line[w++] = ' ';
  l = dnsquery_log_fmt(line + w, DNSQUERY_LOG_MAX, q->buf, q->out);
  if (l)
  {
    if (qloglen + w + l > sizeof qlogbuf) qlogout();
    memcpy(qlogbuf + qloglen, line, w + l);
    qloglen += w + l;
    if (qlogflush) qlogout();
  }
}

/* The whole batch is read and its lookups' first memory fetched, then
   the next level of each, before any is answered: the cache misses of
   its lookups (most of rblserve's own time under load) overlap instead
   of following one another. */
static void answer (void *ctx, dnsserve_query *q, unsigned n, int tcp)
{
  static zone_query zq[DNSSERVE_BATCH];
  (void)ctx;
  for (unsigned b = 0; b < n; b += DNSSERVE_BATCH)
  {
    unsigned e = n - b < DNSSERVE_BATCH ? n : b + DNSSERVE_BATCH;
    for (unsigned i = b; i < e; i++) zone_query_start(&table, &zq[i - b], q[i].buf, q[i].len);
    for (unsigned i = b; i < e; i++) zone_query_fetch(&table, &zq[i - b]);
    for (unsigned i = b; i < e; i++)
    {
      q[i].out = zone_query_answer(&table, &zq[i - b], q[i].buf, q[i].len, q[i].cap, tcp, q[i].ip, q[i].is6);
      if (q[i].out && qlogfd >= 0) qlogadd(&q[i]);
    }
  }
}

/* --- command line --- */

/* rbldnsd's -t defttl:minttl:maxttl: a part left empty keeps its value
   (from an earlier -t, or the default), one colon may follow maxttl.
   Refused as rbldnsd refuses them: an empty value, a defttl of 0, a
   defttl outside minttl..maxttl (0: no limit). */
static void scanttl (char const *arg)
{
  static char const *const what[3] = { "defttl", "minttl", "maxttl" };
  uint32_t v[3] = { opt.lo.defttl, opt.lo.minttl, opt.lo.maxttl };
  char const *s = arg;
  char a[UINT64_FMT + 1], b[UINT64_FMT + 1];
  if (!*s) strerr_dief1x(100, "invalid -t value: empty");
  for (unsigned i = 0; i < 3; i++)
  {
    size_t n = strcspn(s, ":");
    if (n && zone_scan_time(s, &v[i]) != n)
      strerr_dief(100, "invalid -t value ", arg, ": ", what[i], " is not a number of seconds below 2^32 with an optional unit s, m, h, d or w");
    s += n;
    if (!*s) break;
    s++;
  }
  if (*s) strerr_dief(100, "invalid -t value ", arg, ": more than defttl:minttl:maxttl");
  if (!v[0]) strerr_dief(100, "invalid -t value ", arg, ": defttl must not be 0");
  if (v[1] && v[0] < v[1])
    strerr_dief(100, "invalid -t value ", arg, ": defttl ", u64(a, v[0]), " is below minttl ", u64(b, v[1]));
  if (v[2] && v[0] > v[2])
    strerr_dief(100, "invalid -t value ", arg, ": defttl ", u64(a, v[0]), " is above maxttl ", u64(b, v[2]));
  opt.lo.defttl = v[0];
  opt.lo.minttl = v[1];
  opt.lo.maxttl = v[2];
}

/* -u's user or group as a number, as rbldnsd takes it */
static int scanid (char const *s, uint32_t *id)
{
  uint64_t v = 0;
  size_t i = 0;
  for (; s[i] >= '0' && s[i] <= '9'; i++)
    if ((v = v * 10 + (uint64_t)(s[i] - '0')) >= 0xffffffffu) return 0;
  if (!i || s[i]) return 0;
  *id = (uint32_t)v;
  return 1;
}

static void checkafter (tain *deadline)
{
  tain d;
  tain_uint(&d, opt.check);
  tain_add_g(deadline, &d);
}

static void droppriv (uid_t uid, gid_t gid)
{
  /* into the jail before chroot: a relative -w is then inside it, as
     with rbldnsd, never beside it */
  if (opt.root && (chdir(opt.root) < 0 || chroot(".") < 0)) strerr_diefu2sys(111, "chroot to ", opt.root);
  if (opt.work && chdir(opt.work) < 0) strerr_diefu2sys(111, "chdir to ", opt.work);
  if (uid == (uid_t)-1) return;
  if (setgroups(1, &gid) < 0) strerr_diefu1sys(111, "setgroups");
  if (setgid(gid) < 0) strerr_diefu1sys(111, "setgid");
  if (setuid(uid) < 0) strerr_diefu1sys(111, "setuid");
  if (!getuid() || !geteuid()) strerr_dief1x(111, "still root after dropping privileges");
}

int main (int argc, char const *const *argv)
{
  char const *binds[DNSSERVE_LISTEN_MAX];
  unsigned nbinds = 0;
  uid_t uid = (uid_t)-1;
  gid_t gid = (gid_t)-1;
  tain nextcheck;
  int spfd;
  char nb[UINT64_FMT + 1], nb2[UINT64_FMT + 1];
  PROG = "rblserve";
  zone_table_init(&table);
  table.version = "rblserve " RBLSERVE_VERSION;
  {
    subgetopt l = SUBGETOPT_ZERO;
    for (;;)
    {
      int o = subgetopt_r(argc, argv, "u:r:w:b:46t:c:eqp:l:s:nfdvCaAx:X:KSN:h", &l);
      if (o == -1) break;
      switch (o)
      {
        case 'u': opt.user = l.arg; break;
        case 'r': opt.root = l.arg; break;
        case 'w': opt.work = l.arg; break;
        case 'b':
          if (nbinds >= DNSSERVE_LISTEN_MAX) strerr_dief1x(100, "too many -b options");
          binds[nbinds++] = l.arg;
          break;
        case '4': opt.v4 = 1; break;
        case '6': opt.v6 = 1; break;
        case 't': scanttl(l.arg); break;
        case 'c':
          if (!*l.arg || zone_scan_time(l.arg, &opt.check) != strlen(l.arg)) strerr_dief2x(100, "invalid -c value: ", l.arg);
          break;
        case 'e': opt.lo.accept_in_cidr = 1; break;
        case 'q': opt.quiet = 1; break;
        case 'p': opt.pidfile = l.arg; break;
        case 'l': opt.logfile = l.arg; break;
        case 's': opt.statsfile = l.arg; break;
        case 'n': break;   /* we always run in the foreground */
        case 'f': break;   /* reloads never stop answering anyway */
        case 'C': opt.lo.nogzip = 1; break;
        case 'd': strerr_dief1x(100, "-d (dump zones in BIND format) is not supported");
        case 'x': case 'X': strerr_dief1x(100, "-x and -X (rbldnsd extensions) are not supported");
        case 'v': table.versionmode++; break;
        case 'a': table.lazy = 1; break;
        case 'A': table.lazy = 0; break;
        case 'K': opt.lo.require_cksum = 1; break;
        case 'S': opt.lo.strict = 1; break;
        case 'N':
        {
          unsigned fd;
          if (!uint0_scan(l.arg, &fd) || fcntl((int)fd, F_GETFD) < 0) strerr_dief2x(100, "invalid -N file descriptor: ", l.arg);
          opt.notifyfd = (int)fd;
          break;
        }
        case 'h':
          if (write(1, "usage: " USAGE "\n", sizeof("usage: " USAGE "\n") - 1) < 0) _exit(111);
          return 0;
        default: dieusage();
      }
    }
    argc -= l.ind;
    argv += l.ind;
  }
  if (opt.v4 && opt.v6) strerr_dief1x(100, "-4 and -6 exclude each other");
  if (!nbinds) strerr_dief1x(100, "no -b address given");
  if (!argc) strerr_dief1x(100, "no zones given");
  {
    /* the table keeps pointers into the specs it cuts up: it gets copies,
       so /proc/PID/cmdline and ps show the command line as typed */
    size_t total = 0;
    char *w;
    for (int i = 0; i < argc; i++) total += strlen(argv[i]) + 1;
    if (!(zonespecs = malloc(total))) strerr_diefu1sys(111, "allocate");
    w = zonespecs;
    for (int i = 0; i < argc; i++)
    {
      char const *why;
      size_t n = strlen(argv[i]) + 1;
      memcpy(w, argv[i], n);
      if (!zone_table_add(&table, w, &why)) strerr_dief(100, "invalid zone specification ", argv[i], ": ", why);
      w += n;
    }
  }
  {
    char const *why;
    unsigned which;
    if (!zone_table_check(&table, &why, &which))
    {
      char name[DATASET_NAME_MAX * 4];
      name[table.nzones ? zone_name_fmt(name, sizeof name - 1, &table.z[which]) : 0] = 0;
      strerr_dief(100, "zone ", name, ": ", why);
    }
  }

  if (!geteuid())
  {
    char const *user = opt.user ? opt.user : "rbldns";
    char const *colon = strchr(user, ':');
    char uname[256];
    struct passwd *pw;
    size_t ul = colon ? (size_t)(colon - user) : strlen(user);
    if (ul >= sizeof uname) strerr_dief2x(100, "invalid user: ", user);
    memcpy(uname, user, ul);
    uname[ul] = 0;
    uint32_t id;
    /* as rbldnsd: a number is that uid, and the same number is the gid */
    if (scanid(uname, &id)) uid = gid = id;
    else if ((pw = getpwnam(uname))) { uid = pw->pw_uid; gid = pw->pw_gid; }
    else strerr_dief2x(100, "unknown user: ", uname);
    if (colon)
    {
      struct group *gr;
      if (scanid(colon + 1, &id)) gid = id;
      else if ((gr = getgrnam(colon + 1))) gid = gr->gr_gid;
      else strerr_dief2x(100, "unknown group: ", colon + 1);
    }
    if (!uid) strerr_dief1x(100, "refusing to run as root: give -u an unprivileged user");
  }
  else if (opt.user) strerr_dief1x(100, "-u needs root: we are not root");

  dnsserve_init(&srv);
  for (unsigned i = 0; i < nbinds; i++)
  {
    char const *why;
    if (!dnsserve_bind(&srv, binds[i], opt.v4, opt.v6, &why))
    {
      if (errno == EINVAL && *why) strerr_dief(100, "invalid -b value ", binds[i], ": ", why);
      if (!errno) strerr_diefu(111, "bind ", binds[i], ": ", why);
      strerr_diefu(111, "bind ", binds[i], ": ", why, *why ? ": " : "", strerror(errno));
    }
    info("listening on ", binds[i]);
  }
  if (opt.pidfile)
  {
    int fd = open(opt.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t n = uint64_fmt(nb, (uint64_t)getpid());
    nb[n++] = '\n';
    if (fd < 0 || write(fd, nb, n) != (ssize_t)n || close(fd) < 0) strerr_diefu2sys(111, "write ", opt.pidfile);
  }
  droppriv(uid, gid);
  if (opt.logfile) qlogopen();

  if (pipe2(loadpipe, O_CLOEXEC) < 0) strerr_diefu1sys(111, "create a pipe");
  if ((spfd = selfpipe_init()) < 0) strerr_diefu1sys(111, "init the selfpipe");
  {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    if (selfpipe_trapset(&set) < 0) strerr_diefu1sys(111, "trap signals");
  }
  signal(SIGPIPE, SIG_IGN);
  tain_now_set_stopwatch_g();
  if (opt.statsfile) statsfile(1);
  loadstart(1);
  info("rblserve ", RBLSERVE_VERSION, " started (", u64(nb, srv.nudp), " sockets, ", u64(nb2, table.nzones),
    " zones), running in the foreground");
  checkafter(&nextcheck);

  for (;;)
  {
    iopause_fd x[2 + DNSSERVE_FDS];
    tain deadline;
    unsigned n = 2;
    int r;
    if (opt.check) deadline = nextcheck;
    else deadline = tain_infinite;
    x[0].fd = spfd;
    x[0].events = IOPAUSE_READ;
    x[1].fd = loadpipe[0];
    x[1].events = IOPAUSE_READ;
    /* without -q, queries wait in the sockets until the first load is done, as with rbldnsd */
    n += dnsserve_fds(&srv, x + 2, !firstload || opt.quiet, &deadline);
    r = iopause_g(x, n, &deadline);
    if (r < 0) strerr_diefu1sys(111, "iopause");
    if (x[0].revents & IOPAUSE_READ)
    {
      int sig;
      while ((sig = selfpipe_read()) > 0)
        switch (sig)
        {
          case SIGTERM: case SIGINT: goto end;
          case SIGHUP:
            if (opt.logfile) qlogopen();
            if (loading) loadpending = 1;
            else loadstart(0);
            break;
          /* rbldnsd's timing: a line of counters on each, and after a
             reset a bare time line where the counters start from zero */
          case SIGUSR1:
            statslog(0);
            if (opt.statsfile) statsfile(0);
            break;
          case SIGUSR2:
            if (opt.statsfile) statsfile(0);
            statslog(1);
            if (opt.statsfile) statsfile(1);
            break;
        }
    }
    if (x[1].revents & IOPAUSE_READ)
    {
      loadfinish();
      if (loadpending) { loadpending = 0; loadstart(0); }
    }
    if (n > 2) dnsserve_io(&srv, x + 2, &answer, 0);
    if (opt.check && !tain_future(&nextcheck))
    {
      checkafter(&nextcheck);
      if (opt.statsfile) statsfile(0);
      expirycheck();
      if (loading) loadpending = 1;
      else loadstart(0);
    }
    if (qlogfd >= 0 && qloglen && !qlogflush && qloglen > sizeof qlogbuf / 2) qlogout();
  }

 end:
  if (qlogfd >= 0) qlogout();
  statslog(0);
  if (opt.statsfile)
  {
    statsfile(0);
    statsfile(1);
  }
  dnsserve_close(&srv);
  if (loading)
  {
    for (unsigned t = 0; t < nloaders; t++) pthread_join(loader[t], 0);
    for (unsigned i = 0; i < job.n; i++) if (job.res[i]) dataset_free(job.res[i]);
  }
  for (unsigned i = 0; i < table.nslots; i++) if (table.s[i].d) dataset_free(table.s[i].d);
  info("stopped");
  return 0;
}
