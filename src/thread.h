// Starting helper threads. The 2-core virtual machines evalpdf is measured
// on pack runnable threads onto as few cores as they can: a new thread
// starts on its creator's core and stays there for milliseconds while the
// other core idles, so a helper started to work beside its busy creator
// shares the creator's core instead (two 3 ms tasks took 5.5 ms; 3.4 ms
// with the helper started on the other core), and a condition-variable
// wake-up pulls it back there. No globals.
#ifndef EVALPDF_THREAD_H
#define EVALPDF_THREAD_H

#include <pthread.h>

// 'ep_thread_start()' - pthread_create(T, NULL, FN, ARG), except that when
// the calling thread may run on more than one core, the new thread runs on
// those cores other than the one the caller is running on now, for its whole
// life (the helpers are short-lived: one render, or one layout's loading).
// Returns 0 or pthread_create's error number.
int ep_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
