// Public-API thread test, written only against include/evalpdf.h: one context
// shared by four threads rendering different reports with different layouts
// at the same time (the layouts and fonts parsed once, lazily, by whichever
// thread comes first); every PDF and every document's diagnostics must equal
// those of the render alone. Run under ThreadSanitizer by tests/check-all.sh.
#include "evalpdf.h"
#include "api_check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JOBS 64
#define THREADS 4
#define ROUNDS 2

typedef struct job {
  const char *path;
  const char *layout;
  unsigned char *alone; // reference render
  size_t alone_len;
  char *alone_diags; // reference diagnostics (load and render), one line each
  int failed;
} job;

typedef struct shared {
  evalpdf_context *ctx;
  job *jobs;
  size_t njobs;
  pthread_mutex_t lock; // guards next
  size_t next;
} shared;

// 'render_one()' - Load and render J's report with J's layout into *DATA/*LEN
// and the document's diagnostics into *DIAGS (heap); status.
static evalpdf_status render_one(evalpdf_context *ctx, const job *j, unsigned char **data, size_t *len,
                                 char **diags) {
  evalpdf_document *doc = NULL;
  evalpdf_status st = evalpdf_document_load(ctx, j->path, &doc);
  if (st == EVALPDF_OK) {
    evalpdf_render_options ro;
    evalpdf_render_options_init(&ro);
    ro.layout = j->layout;
    ro.creation_date = 1700000000;
    st = evalpdf_document_render_memory(doc, &ro, data, len);
  }
  *diags = diags_text(doc);
  evalpdf_document_free(doc);
  return st;
}

// 'worker()' - Take jobs until none is left; compare each PDF with the reference.
static void *worker(void *arg) {
  shared *s = arg;
  for (;;) {
    pthread_mutex_lock(&s->lock);
    size_t i = s->next++;
    pthread_mutex_unlock(&s->lock);
    if (i >= s->njobs * ROUNDS)
      return NULL;
    job *j = &s->jobs[i % s->njobs];
    unsigned char *data = NULL;
    size_t len = 0;
    char *diags = NULL;
    evalpdf_status st = render_one(s->ctx, j, &data, &len, &diags);
    if (st != EVALPDF_OK || len != j->alone_len || memcmp(data, j->alone, len) || strcmp(diags, j->alone_diags)) {
      fprintf(stderr, "FAIL %s with layout %s: status %d, %zu bytes (alone: %zu), diagnostics %s\n", j->path,
              j->layout, st, len, j->alone_len, strcmp(diags, j->alone_diags) ? "differ" : "equal");
      pthread_mutex_lock(&s->lock);
      j->failed = 1;
      pthread_mutex_unlock(&s->lock);
    }
    evalpdf_free(data);
    free(diags);
  }
}

// 'main()' - Usage: test_threads REPORT.xml... (each rendered with both shipped layouts).
int main(int argc, char **argv) {
  if (argc < 2 || (size_t)(argc - 1) * 2 > MAX_JOBS) {
    fprintf(stderr, "usage: %s REPORT.xml...\n", argv[0]);
    return 2;
  }
  static const char *layouts[] = {"official", "compact"};
  job jobs[MAX_JOBS];
  size_t njobs = 0;
  for (int a = 1; a < argc; a++)
    for (int l = 0; l < 2; l++)
      jobs[njobs++] = (job){argv[a], layouts[(a + l) % 2], NULL, 0, NULL, 0};

  // References: each job alone, in a context of its own.
  for (size_t i = 0; i < njobs; i++) {
    evalpdf_context *solo = NULL;
    if (evalpdf_context_new(NULL, &solo, NULL, 0) != EVALPDF_OK)
      return 1;
    evalpdf_status st = render_one(solo, &jobs[i], &jobs[i].alone, &jobs[i].alone_len, &jobs[i].alone_diags);
    evalpdf_context_free(solo);
    if (st != EVALPDF_OK) {
      fprintf(stderr, "FAIL %s with layout %s alone: %s\n", jobs[i].path, jobs[i].layout, evalpdf_status_string(st));
      return 1;
    }
  }

  shared s = {NULL, jobs, njobs, PTHREAD_MUTEX_INITIALIZER, 0};
  if (evalpdf_context_new(NULL, &s.ctx, NULL, 0) != EVALPDF_OK)
    return 1;
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++)
    pthread_create(&t[i], NULL, worker, &s);
  for (int i = 0; i < THREADS; i++)
    pthread_join(t[i], NULL);
  evalpdf_context_free(s.ctx);
  int failed = 0;
  for (size_t i = 0; i < njobs; i++) {
    failed += jobs[i].failed;
    evalpdf_free(jobs[i].alone);
    free(jobs[i].alone_diags);
  }
  printf("%zu renders on %d threads sharing one context: %d differed from the render alone\n", njobs * ROUNDS,
         THREADS, failed);
  return failed ? 1 : 0;
}
