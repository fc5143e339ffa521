// Starting helper threads on another core, and waiting for them awake (see thread.h).
#define _GNU_SOURCE // sched_getcpu(), CPU_* macros, pthread_attr_setaffinity_np()
#include "thread.h"

#include <sched.h>
#include <stdbool.h>
#include <time.h>

// 'ep_thread_start()' - Start FN(ARG) on the caller's other cores (see thread.h).
int ep_thread_start(pthread_t *t, void *(*fn)(void *), void *arg) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0)
    return pthread_create(t, NULL, fn, arg);
  cpu_set_t cores;
  int cpu = sched_getcpu();
  bool placed = cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof cores, &cores) == 0 &&
                CPU_ISSET(cpu, &cores) && CPU_COUNT(&cores) > 1;
  if (placed) {
    CPU_CLR(cpu, &cores);
    placed = pthread_attr_setaffinity_np(&attr, sizeof cores, &cores) == 0;
  }
  int e = pthread_create(t, placed ? &attr : NULL, fn, arg);
  if (e != 0 && placed) // a core set the system refuses (a cpuset changed meanwhile): start it as usual
    e = pthread_create(t, NULL, fn, arg);
  pthread_attr_destroy(&attr);
  return e;
}

// 'ep_spin_while()' - Spin while *V is OLD, at most LIMIT_NS (see thread.h).
bool ep_spin_while(const atomic_uint *v, unsigned old, long limit_ns) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (unsigned i = 1; atomic_load_explicit(v, memory_order_acquire) == old; i++) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
    if (i % 256 == 0) { // some microseconds: give way to a thread waiting for this core
      sched_yield();
      clock_gettime(CLOCK_MONOTONIC, &t);
      if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > limit_ns)
        return false;
    }
  }
  return true;
}
