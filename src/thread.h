// Starting helper threads, and waiting for them awake. The 2-core virtual machines evalpdf is measured
// on pack runnable threads onto as few cores as they can: a new thread
// starts on its creator's core and stays there for milliseconds while the
// other core idles, so a helper started to work beside its busy creator
// shares the creator's core instead (two 3 ms tasks took 5.5 ms; 3.4 ms
// with the helper started on the other core), and a condition-variable
// wake-up pulls it back there. No globals.
#ifndef EVALPDF_THREAD_H
#define EVALPDF_THREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

// 'ep_thread_start()' - pthread_create(T, NULL, FN, ARG), except that when
// the calling thread may run on more than one core, the new thread runs on
// those cores other than the one the caller is running on now, for its whole
// life (the helpers are short-lived: one render, or one layout's loading).
// Returns 0 or pthread_create's error number.
int ep_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

// 'ep_spin_while()' - Wait, spinning, while *V equals OLD, for at most
// LIMIT_NS nanoseconds; true when it changed. On the 2-core virtual machines
// evalpdf is measured on, a thread asleep on a lock or a condition runs
// about half a millisecond after it is released or signalled (the render
// thread saw the prepare thread's bound style 0.35-0.55 ms late); a spinning
// one sees the change at once. It yields its core every few microseconds
// (the thread it waits for may need it). Only for waits of a few
// milliseconds on a thread that is working meanwhile, with a blocking wait
// after a timeout.
bool ep_spin_while(const atomic_uint *v, unsigned old, long limit_ns);

#endif
