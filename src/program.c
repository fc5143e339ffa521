// Font programs made on two threads (see program.h). Each item has two tasks,
// subset and deflate, each TODO → RUNNING → DONE or FAILED under one mutex;
// whoever finds a task TODO claims it, so every task runs exactly once and
// the results do not depend on which thread ran it.
#include "program.h"

#include "thread.h"
#include "util.h"

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
  unsigned char *raw, *z;
  size_t raw_len, z_len;
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

#define FINISH_SPIN_NS 10000000L // how long a caller waits awake for a task running elsewhere

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
  bool thread_on;
  pthread_t thread;
};

static bool awaits_spec(const ep_programs *p, const prog_item *it, bool zip);

// 'wake()' - Tell every waiter that something changed (P locked).
static void wake(ep_programs *p) {
  atomic_fetch_add_explicit(&p->wakes, 1, memory_order_release);
  pthread_cond_broadcast(&p->cond);
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
  unsigned char *raw = NULL, *z = NULL;
  size_t raw_len = 0, z_len = 0;
  bool ok = ep_face_program_raw(s.face, s.cps, s.n, &raw, &raw_len); // cached after the first step
  if (ok && zip)
    ok = ep_face_program_deflate(s.face, s.cps, s.n, raw, raw_len, &z, &z_len);
  free(raw);
  free(z);
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
  unsigned char *data = NULL;
  size_t len = 0;
  if (zip)
    ok = ep_face_program_deflate(it->face, it->cps, it->n, it->raw, it->raw_len, &data, &len);
  else
    ok = ep_face_program_raw(it->face, it->cps, it->n, &data, &len);
  pthread_mutex_lock(&p->lock);
  if (zip) {
    it->z = data;
    it->z_len = len;
    it->zip = ok ? TASK_DONE : TASK_FAILED;
  } else {
    it->raw = data;
    it->raw_len = len;
    it->sub = ok ? TASK_DONE : TASK_FAILED;
    if (!ok)
      it->zip = TASK_FAILED; // nothing to deflate
  }
  wake(p);
}

// 'work_left()' - True while some deflate has not been claimed (P locked):
// the helper waits for its subset rather than leave.
static bool work_left(const ep_programs *p) {
  for (size_t i = 0; i < p->n; i++)
    if (p->items[i].zip == TASK_TODO)
      return true;
  return false;
}

// 'helper()' - The helper thread: take tasks until none is left or stop.
static void *helper(void *arg) {
  ep_programs *p = arg;
  pthread_mutex_lock(&p->lock);
  while (!p->stop) {
    prog_item *it;
    bool zip;
    if (!p->posted && run_spec(p))
      continue;
    if (!p->posted)
      pthread_cond_wait(&p->cond, &p->lock); // started before the items were known
    else if (take_task(p, &it, &zip, false))
      run_task(p, it, zip);
    else if (work_left(p))
      pthread_cond_wait(&p->cond, &p->lock);
    else
      break;
  }
  pthread_mutex_unlock(&p->lock);
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

// 'ep_programs_new()' - No items yet; the helper thread started (USE_HELPER)
// and waiting for them.
ep_programs *ep_programs_new(bool use_helper) {
  ep_programs *p = ep_xcalloc(1, sizeof *p);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->cond, NULL);
  p->thread_on = use_helper && ep_thread_start(&p->thread, helper, p) == 0;
  return p;
}

// 'ep_programs_speculate()' - Queue programs to make ahead (see program.h).
void ep_programs_speculate(ep_programs *p, ep_face *const *faces, const uint32_t *const *cps, const size_t *ns,
                           size_t n) {
  if (!p || !p->thread_on || !n)
    return;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < n && !p->posted; i++) {
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
    if (take_task(p, &other, &ozip, !zip)) {
      run_task(p, other, ozip);
    } else if (block) {
      pthread_cond_wait(&p->cond, &p->lock);
    } else { // the task runs on the helper: wait for its end awake (thread.h), then look again
      unsigned seen = atomic_load_explicit(&p->wakes, memory_order_relaxed);
      pthread_mutex_unlock(&p->lock);
      block = !ep_spin_while(&p->wakes, seen, FINISH_SPIN_NS);
      pthread_mutex_lock(&p->lock);
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
    *raw = p->items[i].raw;
    *len = p->items[i].raw_len;
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
    *z = p->items[i].z;
    *len = p->items[i].z_len;
  }
  pthread_mutex_unlock(&p->lock);
  return ok;
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
}

// 'ep_programs_free()' - Stop and join the helper, free everything.
void ep_programs_free(ep_programs *p) {
  if (!p)
    return;
  ep_programs_stop(p);
  for (size_t i = 0; i < p->n; i++) {
    free(p->items[i].raw);
    free(p->items[i].z);
  }
  free(p->items);
  free(p->order);
  for (size_t i = 0; i < p->nspecs; i++)
    free(p->specs[i].cps);
  free(p->specs);
  pthread_cond_destroy(&p->cond);
  pthread_mutex_destroy(&p->lock);
  free(p);
}
