// Font programs made on two threads (see program.h). Each item has two tasks,
// subset and deflate, each TODO → RUNNING → DONE or FAILED under one mutex;
// whoever finds a task TODO claims it, so every task runs exactly once and
// the results do not depend on which thread ran it.
#include "program.h"

#include "thread.h"
#include "util.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>


typedef enum task_state { TASK_TODO = 0, TASK_RUNNING, TASK_DONE, TASK_FAILED } task_state;

// One face's program.
typedef struct prog_item {
  ep_face *face;
  const uint32_t *cps;
  size_t n;
  task_state sub, zip;
  ep_blob *raw, *z; // a reference each, once made
} prog_item;

// A program made ahead of the items (ep_programs_speculate()): FACE cut down
// to CPS[0..N-1] (heap, the job's own) into the face's program cache, where
// an item with the same face and characters then finds it.
typedef enum spec_step { SPEC_SUBSET = 0, SPEC_SUBSETTING, SPEC_DEFLATE, SPEC_DEFLATING, SPEC_OVER } spec_step;
typedef struct spec_job {
  ep_face *face;
  uint32_t *cps;
  size_t n;
  spec_step step;
} spec_job;

// A stream to deflate (ep_programs_add_stream()): RAW until its deflate Z is made.
typedef struct stream_job {
  unsigned char *raw, *z;
  size_t raw_len, z_len;
  int level;
  task_state st;
} stream_job;

// A thread's compressor for streams, made when first needed, and the
// buffer it compresses into (a deflate is kept in a block of its own size).
typedef struct stream_zc {
  struct libdeflate_compressor *c;
  int level;
  unsigned char *buf;
  size_t cap;
} stream_zc;

#define STREAM_BACKLOG 32 // raw streams waiting for the helper at most (ep_programs_add_stream())
#define FINISH_SPIN_NS 10000000L // how long a caller waits awake for a task running elsewhere

// A thread's offer to be one programs object's helper (see program.h).
struct ep_relay {
  pthread_mutex_t lock; // taken before a waiting object's own lock, never after
  ep_programs *waiting; // posted by ep_programs_new_relayed(), not taken yet
  bool closed;          // the thread has called ep_relay_serve(): nothing more is taken
};

// Where a relayed object's helper is (ep_programs.served).
typedef enum serve_state { SERVE_NONE = 0, SERVE_WAITING, SERVE_ON, SERVE_OVER } serve_state;

struct ep_programs {
  pthread_mutex_t lock;
  pthread_cond_t cond; // broadcast whenever a task ends or stop is set (wake())
  atomic_uint wakes;   // how many times cond was broadcast, for waiters that spin
  prog_item *items;
  size_t n;
  size_t *order; // item indices, largest code point set first
  bool stop;
  bool posted; // the items are set (ep_programs_post)
  spec_job *specs; // programs made ahead (ep_programs_speculate), in the order given
  size_t nspecs;
  stream_job *streams; // ep_programs_add_stream(), in the order added
  size_t nstreams, streams_cap;
  size_t stream_next;  // streams before it are claimed
  bool streams_open;   // more streams may come (ep_programs_streams_end() not called)
  stream_zc caller_zc; // the caller's compressor (the helper keeps its own)
  bool thread_on;
  ep_relay *relay;    // set when a relay's thread was offered the helper's part
  serve_state served; // that thread's progress (P locked)
  pthread_t thread;
  // ep_programs_parallel(): jobs [0, par_n) of PAR_FN, claimed in order;
  // PAR_DONE of them ended. PAR_FN is NULL when none is being run.
  void (*par_fn)(void *arg, size_t i);
  void *par_arg;
  size_t par_n, par_next, par_done;
  bool par_open; // ep_programs_par_open()'s jobs: more may come, and font tasks go first
};

static bool awaits_spec(const ep_programs *p, const prog_item *it, bool zip);

// 'wake()' - Tell every waiter that something changed (P locked).
static void wake(ep_programs *p) {
  atomic_fetch_add_explicit(&p->wakes, 1, memory_order_release);
  pthread_cond_broadcast(&p->cond);
}

// 'await_change()' - Wait for the next wake() (P locked on entry and exit):
// awake for a while (thread.h: a thread asleep on a condition ran 0.35-0.55
// ms after its wake-up on the test VMs), or asleep when *BLOCK says the last
// awake wait timed out; *BLOCK is set when this one does.
static void await_change(ep_programs *p, bool *block) {
  if (*block) {
    pthread_cond_wait(&p->cond, &p->lock);
    return;
  }
  unsigned seen = atomic_load_explicit(&p->wakes, memory_order_relaxed);
  pthread_mutex_unlock(&p->lock);
  *block = !ep_spin_while(&p->wakes, seen, FINISH_SPIN_NS);
  pthread_mutex_lock(&p->lock);
}

// 'take_task()' - Claim the next task (P locked): the first one that can
// start, largest item first, each item's subset before its deflate (unless
// SUBSETS_ONLY: subsets only). The largest item's deflate is the longest
// task of all and ends the document, so it starts as soon as its subset is
// made while the other thread makes the smaller subsets. Sets *ITEM and
// *ZIP and returns true, or false when there is none now.
static bool take_task(ep_programs *p, prog_item **item, bool *zip, bool subsets_only) {
  for (size_t k = 0; k < p->n; k++) {
    prog_item *it = &p->items[p->order[k]];
    if (it->sub == TASK_TODO && !awaits_spec(p, it, false)) {
      it->sub = TASK_RUNNING;
      *item = it;
      *zip = false;
      return true;
    }
    if (!subsets_only && it->zip == TASK_TODO && it->sub == TASK_DONE && !awaits_spec(p, it, true)) {
      it->zip = TASK_RUNNING;
      *item = it;
      *zip = true;
      return true;
    }
  }
  return false;
}

// 'awaits_spec()' - True while a program made ahead for IT's face and
// characters is at the step of IT's task (its deflate when ZIP, else its
// subset) (P locked): the task waits for it, then finds the result in the
// face's cache.
static bool awaits_spec(const ep_programs *p, const prog_item *it, bool zip) {
  for (size_t k = 0; k < p->nspecs; k++) {
    const spec_job *s = &p->specs[k];
    if (s->step == (zip ? SPEC_DEFLATING : SPEC_SUBSETTING) && s->face == it->face && s->n == it->n &&
        (!s->n || !memcmp(s->cps, it->cps, s->n * sizeof *s->cps)))
      return true;
  }
  return false;
}

// 'run_spec()' - Do the next step of a program made ahead, if one can start
// (P locked on entry and exit; the work runs unlocked): the largest one's
// subset, then its deflate, each kept in the face's program cache. False
// when none is left.
static bool run_spec(ep_programs *p) {
  size_t at = SIZE_MAX; // an index: ep_programs_speculate() may move the array meanwhile
  for (size_t k = 0; k < p->nspecs; k++)
    if ((p->specs[k].step == SPEC_SUBSET || p->specs[k].step == SPEC_DEFLATE) &&
        (at == SIZE_MAX || p->specs[k].n > p->specs[at].n))
      at = k;
  if (at == SIZE_MAX)
    return false;
  spec_job s = p->specs[at]; // its face and characters stay as they are
  bool zip = s.step == SPEC_DEFLATE;
  p->specs[at].step = zip ? SPEC_DEFLATING : SPEC_SUBSETTING;
  pthread_mutex_unlock(&p->lock);
  ep_blob *raw = NULL, *z = NULL;
  bool ok = ep_face_program_raw(s.face, s.cps, s.n, &raw); // cached after the first step
  if (ok && zip)
    ok = ep_face_program_deflate(s.face, s.cps, s.n, raw, &z);
  ep_blob_unref(raw);
  ep_blob_unref(z);
  pthread_mutex_lock(&p->lock);
  p->specs[at].step = ok && !zip ? SPEC_DEFLATE : SPEC_OVER;
  wake(p);
  return true;
}

// 'run_task()' - Do the claimed task of IT (P locked on entry and exit; the
// work runs unlocked), record its outcome and wake the waiters.
static void run_task(ep_programs *p, prog_item *it, bool zip) {
  pthread_mutex_unlock(&p->lock);
  bool ok;
  ep_blob *made = NULL;
  if (zip)
    ok = ep_face_program_deflate(it->face, it->cps, it->n, it->raw, &made);
  else
    ok = ep_face_program_raw(it->face, it->cps, it->n, &made);
  pthread_mutex_lock(&p->lock);
  if (zip) {
    it->z = made;
    it->zip = ok ? TASK_DONE : TASK_FAILED;
  } else {
    it->raw = made;
    it->sub = ok ? TASK_DONE : TASK_FAILED;
    if (!ok)
      it->zip = TASK_FAILED; // nothing to deflate
  }
  wake(p);
}

// 'deflate_stream()' - The zlib-format deflate of the LEN bytes at RAW at
// libdeflate LEVEL with ZC (made or remade for LEVEL): a new block in *Z
// (*Z_LEN bytes), or false when memory ran out.
static bool deflate_stream(stream_zc *zc, int level, const unsigned char *raw, size_t len, unsigned char **z,
                           size_t *z_len) {
  *z = NULL;
  *z_len = 0;
  if (zc->c && zc->level != level) {
    libdeflate_free_compressor(zc->c);
    zc->c = NULL;
  }
  if (!zc->c && !(zc->c = libdeflate_alloc_compressor(level)))
    return false;
  zc->level = level;
  size_t bound = libdeflate_zlib_compress_bound(zc->c, len);
  if (bound > zc->cap) {
    zc->cap = bound;
    zc->buf = ep_xrealloc(zc->buf, bound);
  }
  size_t n = libdeflate_zlib_compress(zc->c, raw, len, zc->buf, bound);
  if (!n)
    return false;
  *z = memcpy(ep_xmalloc(n), zc->buf, n);
  *z_len = n;
  return true;
}

// 'stream_zc_free()' - Release ZC's compressor and buffer.
static void stream_zc_free(stream_zc *zc) {
  if (zc->c)
    libdeflate_free_compressor(zc->c);
  free(zc->buf);
}

// 'run_stream()' - Deflate stream K, claimed (RUNNING) by this thread with
// compressor ZC (P locked on entry and exit; the work runs unlocked), record
// it and wake the waiters. The raw bytes are freed.
static void run_stream(ep_programs *p, size_t k, stream_zc *zc) {
  stream_job j = p->streams[k]; // by value: the array may move while unlocked
  pthread_mutex_unlock(&p->lock);
  unsigned char *z;
  size_t z_len;
  bool ok = deflate_stream(zc, j.level, j.raw, j.raw_len, &z, &z_len);
  free(j.raw);
  pthread_mutex_lock(&p->lock);
  stream_job *s = &p->streams[k];
  s->raw = NULL;
  s->z = z;
  s->z_len = z_len;
  s->st = ok ? TASK_DONE : TASK_FAILED;
  wake(p);
}

// 'take_stream()' - Claim the first stream nobody has claimed (P locked):
// its number in *K and true, or false when there is none.
static bool take_stream(ep_programs *p, size_t *k) {
  while (p->stream_next < p->nstreams && p->streams[p->stream_next].st != TASK_TODO)
    p->stream_next++;
  if (p->stream_next == p->nstreams)
    return false;
  *k = p->stream_next++;
  p->streams[*k].st = TASK_RUNNING;
  return true;
}

// 'work_left()' - True while some deflate has not been claimed (P locked):
// the helper waits for its subset rather than leave.
static bool work_left(const ep_programs *p) {
  for (size_t i = 0; i < p->n; i++)
    if (p->items[i].zip == TASK_TODO)
      return true;
  return false;
}

// 'run_par()' - Run the next job of the caller's ep_programs_parallel(), if
// one is left (P locked on entry and exit; the job runs unlocked). False
// when there is none.
static bool run_par(ep_programs *p) {
  if (!p->par_fn || p->par_next >= p->par_n)
    return false;
  size_t i = p->par_next++;
  void (*fn)(void *, size_t) = p->par_fn;
  void *arg = p->par_arg;
  pthread_mutex_unlock(&p->lock);
  fn(arg, i);
  pthread_mutex_lock(&p->lock);
  if (++p->par_done == p->par_n)
    wake(p);
  return true;
}

// 'helper()' - The helper thread: take tasks until none is left (and no
// stream may come) or stop; the caller's parallel jobs first (the caller
// waits for them), then font tasks, then streams. With nothing to
// do yet it waits awake for a while (thread.h: a thread asleep on a
// condition ran 0.35-0.55 ms after its wake-up on the test VMs, and on one
// it slept through a whole 1.8 ms PDF build), then asleep.
static void *helper(void *arg) {
  ep_programs *p = arg;
  stream_zc zc = {NULL, 0, NULL, 0};
  bool block = false; // the last awake wait timed out: sleep until woken
  pthread_mutex_lock(&p->lock);
  while (!p->stop) {
    prog_item *it;
    bool zip;
    size_t k;
    if (!p->par_open && run_par(p)) {
      block = false;
    } else if (!p->posted && run_spec(p)) {
      block = false;
    } else if (p->posted && take_task(p, &it, &zip, false)) {
      run_task(p, it, zip);
      block = false;
    } else if (p->par_open && run_par(p)) {
      block = false;
    } else if (p->posted && take_stream(p, &k)) {
      run_stream(p, k, &zc);
      block = false;
    } else if (p->posted && !work_left(p) && !p->streams_open) {
      break;
    } else {
      await_change(p, &block);
    }
  }
  pthread_mutex_unlock(&p->lock);
  stream_zc_free(&zc);
  return NULL;
}

// 'order_items()' - Fill P->order with item indices, largest set first (stable).
static void order_items(ep_programs *p) {
  for (size_t i = 0; i < p->n; i++) {
    size_t k = i;
    while (k > 0 && p->items[p->order[k - 1]].n < p->items[i].n) {
      p->order[k] = p->order[k - 1];
      k--;
    }
    p->order[k] = i;
  }
}

// 'has_helper()' - True while a helper runs or is to come for P (P locked,
// or not shared yet): tasks may be left to it.
static bool has_helper(const ep_programs *p) {
  return p->thread_on || p->served == SERVE_WAITING || p->served == SERVE_ON;
}

// 'programs_alloc()' - A programs object with no items and no helper.
static ep_programs *programs_alloc(void) {
  ep_programs *p = ep_xcalloc(1, sizeof *p);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->cond, NULL);
  p->streams_open = true;
  return p;
}

// 'ep_programs_new()' - No items yet; the helper thread started (USE_HELPER)
// and waiting for them.
ep_programs *ep_programs_new(bool use_helper) {
  ep_programs *p = programs_alloc();
  p->thread_on = use_helper && ep_thread_start(&p->thread, helper, p) == 0;
  return p;
}

// 'ep_relay_new()' - A relay no object waits on yet (see program.h).
ep_relay *ep_relay_new(void) {
  ep_relay *r = ep_xcalloc(1, sizeof *r);
  pthread_mutex_init(&r->lock, NULL);
  return r;
}

// 'ep_relay_free()' - Free R (see program.h).
void ep_relay_free(ep_relay *r) {
  if (!r)
    return;
  pthread_mutex_destroy(&r->lock);
  free(r);
}

// 'ep_programs_new_relayed()' - ep_programs_new(true) with R's thread as the
// helper when it may still take one (see program.h).
ep_programs *ep_programs_new_relayed(ep_relay *r) {
  ep_programs *p = programs_alloc();
  if (r) {
    pthread_mutex_lock(&r->lock);
    if (!r->closed && !r->waiting) {
      r->waiting = p;
      p->relay = r;
      p->served = SERVE_WAITING;
    }
    pthread_mutex_unlock(&r->lock);
  }
  if (!p->relay)
    p->thread_on = ep_thread_start(&p->thread, helper, p) == 0;
  return p;
}

// 'ep_relay_serve()' - On R's thread: be the waiting object's helper, if
// one waits, until its work is done or it is stopped (see program.h).
void ep_relay_serve(ep_relay *r) {
  if (!r)
    return;
  pthread_mutex_lock(&r->lock);
  ep_programs *p = r->waiting;
  r->waiting = NULL;
  r->closed = true;
  if (p) { // taken under R's lock: ep_programs_stop() sees either this or the object still waiting
    pthread_mutex_lock(&p->lock);
    p->served = SERVE_ON;
    pthread_mutex_unlock(&p->lock);
  }
  pthread_mutex_unlock(&r->lock);
  if (!p)
    return;
  helper(p);
  pthread_mutex_lock(&p->lock);
  p->served = SERVE_OVER;
  wake(p); // ep_programs_stop() may be waiting for this
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_speculate()' - Queue programs to make ahead (see program.h).
void ep_programs_speculate(ep_programs *p, ep_face *const *faces, const uint32_t *const *cps, const size_t *ns,
                           size_t n) {
  if (!p || !n)
    return;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < n && !p->posted && has_helper(p); i++) {
    bool known = !faces[i];
    for (size_t k = 0; k < p->nspecs && !known; k++) // asked for before: one program each
      known = p->specs[k].face == faces[i] && p->specs[k].n == ns[i] &&
              (!ns[i] || !memcmp(p->specs[k].cps, cps[i], ns[i] * sizeof *cps[i]));
    if (known)
      continue;
    p->specs = ep_xrealloc(p->specs, (p->nspecs + 1) * sizeof *p->specs);
    spec_job *s = &p->specs[p->nspecs++];
    *s = (spec_job){faces[i], ep_xmalloc(sizeof *s->cps * (ns[i] ? ns[i] : 1)), ns[i], SPEC_SUBSET};
    memcpy(s->cps, cps[i], sizeof *s->cps * ns[i]);
  }
  wake(p);
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_post()' - Set the items for the N faces (once) and wake the helper.
void ep_programs_post(ep_programs *p, ep_face *const *faces, const uint32_t *const *cps, const size_t *ns, size_t n) {
  prog_item *items = ep_xcalloc(n ? n : 1, sizeof *items);
  size_t *order = ep_xcalloc(n ? n : 1, sizeof *order);
  for (size_t i = 0; i < n; i++)
    items[i] = (prog_item){.face = faces[i], .cps = cps[i], .n = ns[i]};
  pthread_mutex_lock(&p->lock);
  if (!p->posted) {
    p->items = items;
    p->order = order;
    p->n = n;
    order_items(p);
    p->posted = true;
    items = NULL;
    order = NULL;
  }
  wake(p);
  pthread_mutex_unlock(&p->lock);
  free(items);
  free(order);
}

// 'ep_programs_start()' - Items for the N faces, and the helper thread started.
ep_programs *ep_programs_start(ep_face *const *faces, const uint32_t *const *cps, const size_t *ns, size_t n,
                               bool use_helper) {
  ep_programs *p = ep_programs_new(use_helper && n > 0);
  ep_programs_post(p, faces, cps, ns, n);
  return p;
}

// 'finish()' - Wait until TASK of item I has ended (P locked), doing it
// here if nobody has claimed it, and other tasks while it runs elsewhere:
// only subsets while the caller waits for a subset (it has the PDF's pages
// to write next, and a large deflate taken now would hold them up while the
// helper runs out of work), any task while it waits for a deflate.
static task_state finish(ep_programs *p, size_t i, bool zip) {
  prog_item *it = &p->items[i];
  bool block = false; // the last awake wait timed out: block on the condition
  for (;;) {
    task_state *st = zip ? &it->zip : &it->sub;
    if (*st == TASK_DONE || *st == TASK_FAILED)
      return *st;
    if (*st == TASK_TODO && (!zip || it->sub == TASK_DONE) && !awaits_spec(p, it, zip)) {
      *st = TASK_RUNNING;
      run_task(p, it, zip);
      continue;
    }
    prog_item *other;
    bool ozip;
    size_t k;
    if (take_task(p, &other, &ozip, !zip)) {
      run_task(p, other, ozip);
    } else if (zip && take_stream(p, &k)) {
      run_stream(p, k, &p->caller_zc);
    } else { // the task runs on the helper: wait for its end, then look again
      await_change(p, &block);
    }
  }
}

// 'ep_programs_raw()' - Item I's subset, made or waited for.
bool ep_programs_raw(ep_programs *p, size_t i, const unsigned char **raw, size_t *len) {
  *raw = NULL;
  *len = 0;
  if (!p || i >= p->n)
    return false;
  pthread_mutex_lock(&p->lock);
  bool ok = finish(p, i, false) == TASK_DONE;
  if (ok) {
    *raw = p->items[i].raw->data;
    *len = p->items[i].raw->len;
  }
  pthread_mutex_unlock(&p->lock);
  return ok;
}

// 'ep_programs_deflated()' - Item I's deflated subset, made or waited for.
bool ep_programs_deflated(ep_programs *p, size_t i, const unsigned char **z, size_t *len) {
  *z = NULL;
  *len = 0;
  if (!p || i >= p->n)
    return false;
  pthread_mutex_lock(&p->lock);
  bool ok = finish(p, i, false) == TASK_DONE && finish(p, i, true) == TASK_DONE;
  if (ok) {
    *z = p->items[i].z->data;
    *len = p->items[i].z->len;
  }
  pthread_mutex_unlock(&p->lock);
  return ok;
}

// 'ep_programs_add_stream()' - Queue a stream to deflate (see program.h).
size_t ep_programs_add_stream(ep_programs *p, unsigned char *data, size_t len, int level) {
  pthread_mutex_lock(&p->lock);
  if (p->nstreams == p->streams_cap) {
    p->streams_cap = p->streams_cap ? 2 * p->streams_cap : 64;
    p->streams = ep_xrealloc(p->streams, p->streams_cap * sizeof *p->streams);
  }
  size_t k = p->nstreams++;
  p->streams[k] = (stream_job){data, NULL, len, 0, level, TASK_TODO};
  if (has_helper(p) && !p->stop) {
    wake(p);
    // A helper busy with a long font deflate leaves the streams to pile up
    // (a 50,000-section report held 31 MB of pages' raw content at once):
    // past STREAM_BACKLOG waiting, this thread deflates the oldest itself.
    size_t j;
    while (p->nstreams - p->stream_next > STREAM_BACKLOG && take_stream(p, &j))
      run_stream(p, j, &p->caller_zc);
    pthread_mutex_unlock(&p->lock);
    return k;
  }
  p->streams[k].st = TASK_RUNNING; // no helper: made now, and the raw bytes go at once
  run_stream(p, k, &p->caller_zc);
  pthread_mutex_unlock(&p->lock);
  return k;
}

// 'ep_programs_streams_end()' - No more streams: the helper may leave when done.
void ep_programs_streams_end(ep_programs *p) {
  pthread_mutex_lock(&p->lock);
  p->streams_open = false;
  wake(p);
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_stream()' - Stream K's deflate, made here or waited for.
bool ep_programs_stream(ep_programs *p, size_t k, const unsigned char **z, size_t *len) {
  *z = NULL;
  *len = 0;
  if (!p)
    return false;
  pthread_mutex_lock(&p->lock);
  bool block = false; // the last awake wait timed out: block on the condition
  while (k < p->nstreams && (p->streams[k].st == TASK_TODO || p->streams[k].st == TASK_RUNNING)) {
    size_t j;
    prog_item *other;
    bool ozip;
    if (p->streams[k].st == TASK_TODO) {
      p->streams[k].st = TASK_RUNNING;
      run_stream(p, k, &p->caller_zc);
    } else if (take_stream(p, &j)) { // streams after it, while the helper makes it
      run_stream(p, j, &p->caller_zc);
    } else if (take_task(p, &other, &ozip, false)) {
      run_task(p, other, ozip);
    } else {
      await_change(p, &block);
    }
  }
  bool ok = k < p->nstreams && p->streams[k].st == TASK_DONE;
  if (ok) {
    *z = p->streams[k].z;
    *len = p->streams[k].z_len;
  }
  pthread_mutex_unlock(&p->lock);
  return ok;
}

// 'par_take()' - Make P's jobs FN(ARG, i), the first N of them ready, OPEN
// when more may come (P locked); false, with nothing changed, when there is
// no helper to share them with or another set is being run.
static bool par_take(ep_programs *p, void (*fn)(void *arg, size_t i), void *arg, size_t n, bool open) {
  if (!has_helper(p) || p->stop || p->par_fn)
    return false;
  p->par_fn = fn;
  p->par_arg = arg;
  p->par_n = n;
  p->par_next = p->par_done = 0;
  p->par_open = open;
  return true;
}

// 'par_finish()' - Run P's unclaimed jobs on this thread and wait until every
// job has ended (the helper runs the last ones), then end the set (P locked).
static void par_finish(ep_programs *p) {
  p->par_open = false;
  wake(p);
  bool block = false;
  while (p->par_done < p->par_n)
    if (!run_par(p))
      await_change(p, &block);
  p->par_fn = NULL;
}

// 'ep_programs_parallel()' - FN(ARG, i) for every i below N, on this thread
// and the helper (see program.h).
void ep_programs_parallel(ep_programs *p, size_t n, void (*fn)(void *arg, size_t i), void *arg) {
  if (!fn)
    return;
  bool shared = false; // with the helper: not alone, not a nested call, not one job
  if (p && n >= 2) {
    pthread_mutex_lock(&p->lock);
    shared = par_take(p, fn, arg, n, false);
    if (!shared)
      pthread_mutex_unlock(&p->lock);
  }
  if (!shared) {
    for (size_t i = 0; i < n; i++)
      fn(arg, i);
    return;
  }
  par_finish(p);
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_par_open()' - Start jobs made one by one (see program.h).
bool ep_programs_par_open(ep_programs *p, void (*fn)(void *arg, size_t i), void *arg) {
  if (!p || !fn)
    return false;
  pthread_mutex_lock(&p->lock);
  bool on = par_take(p, fn, arg, 0, true);
  pthread_mutex_unlock(&p->lock);
  return on;
}

// 'ep_programs_par_ready()' - Open jobs below N ready (see program.h).
void ep_programs_par_ready(ep_programs *p, size_t n) {
  pthread_mutex_lock(&p->lock);
  if (p->par_open && n > p->par_n) {
    p->par_n = n;
    wake(p);
  }
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_par_close()' - The open jobs are N: run the rest, wait for all (see program.h).
void ep_programs_par_close(ep_programs *p, size_t n) {
  pthread_mutex_lock(&p->lock);
  if (n > p->par_n)
    p->par_n = n;
  par_finish(p); // (closed: the helper takes the rest before its font tasks now)
  pthread_mutex_unlock(&p->lock);
}

// 'ep_programs_stop()' - Stop and join the helper (after its current task).
void ep_programs_stop(ep_programs *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  p->stop = true;
  wake(p);
  pthread_mutex_unlock(&p->lock);
  if (p->thread_on)
    pthread_join(p->thread, NULL);
  p->thread_on = false;
  if (p->relay) { // withdrawn if still waiting, else its end waited for
    pthread_mutex_lock(&p->relay->lock);
    if (p->relay->waiting == p)
      p->relay->waiting = NULL;
    pthread_mutex_unlock(&p->relay->lock);
    pthread_mutex_lock(&p->lock);
    if (p->served == SERVE_WAITING)
      p->served = SERVE_OVER;
    while (p->served == SERVE_ON)
      pthread_cond_wait(&p->cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
    p->relay = NULL;
  }
}

// 'ep_programs_free()' - Stop and join the helper, free everything.
void ep_programs_free(ep_programs *p) {
  if (!p)
    return;
  ep_programs_stop(p);
  for (size_t i = 0; i < p->n; i++) {
    ep_blob_unref(p->items[i].raw);
    ep_blob_unref(p->items[i].z);
  }
  free(p->items);
  free(p->order);
  for (size_t i = 0; i < p->nspecs; i++)
    free(p->specs[i].cps);
  free(p->specs);
  for (size_t k = 0; k < p->nstreams; k++) {
    free(p->streams[k].raw);
    free(p->streams[k].z);
  }
  free(p->streams);
  stream_zc_free(&p->caller_zc);
  pthread_cond_destroy(&p->cond);
  pthread_mutex_destroy(&p->lock);
  free(p);
}
