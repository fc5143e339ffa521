// Font programs of one document, made on two threads: the subsets and their
// deflates of several faces are work items that a helper thread and the
// caller share, so the caller can go on with libharu (which is not
// thread-safe and stays on the caller's thread) while the rest is made.
#ifndef EVALPDF_PROGRAM_H
#define EVALPDF_PROGRAM_H

#include "font.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ep_programs ep_programs;

// 'ep_programs_start()' - Start making the font programs of N faces:
// FACES[i] cut down to the sorted, unique code points CPS[i][0..NS[i]-1].
// All arrays are borrowed and must stay valid until ep_programs_free().
// With USE_HELPER a helper thread starts on the largest subsets at once (without
// one, or when the thread cannot be made, the caller's thread does all the
// work in the calls below). Returns a new object the caller frees with ep_programs_free().
ep_programs *ep_programs_start(ep_face *const *faces, const uint32_t *const *cps, const size_t *ns, size_t n,
                               bool use_helper);

// 'ep_programs_new()' - A programs object without items whose helper thread
// (USE_HELPER) starts now and waits for them: a caller that knows it will
// write a PDF starts it before the layout, so the thread is running when the
// items arrive. Set the items once with ep_programs_post(). Free with
// ep_programs_free() (also when no items were ever posted).
ep_programs *ep_programs_new(bool use_helper);

// A thread's offer to become the helper of one programs object once its
// own work is done (evalpdf.c: the prepare thread, whose core then goes on
// to the body font's program: no thread is started for it, and no helper
// waits beside the prepare thread on the same core meanwhile).
typedef struct ep_relay ep_relay;

// 'ep_relay_new()' - A relay for a thread that will call ep_relay_serve()
// (or for none: objects then wait on it until they are stopped, doing their
// work on their caller's thread). Free with ep_relay_free() once that
// thread has been joined, or when no thread was started.
ep_relay *ep_relay_new(void);

// 'ep_relay_free()' - Free R (NULL is fine); no object may wait on it.
void ep_relay_free(ep_relay *r);

// 'ep_programs_new_relayed()' - As ep_programs_new(true), except that when
// R's thread has not called ep_relay_serve() yet and no other object waits
// on R, that thread becomes the helper when it gets there, and none is
// started. ep_programs_stop() (and ep_programs_free()) withdraw the object
// if it still waits, or wait for that thread to leave it. R must outlive
// the object.
ep_programs *ep_programs_new_relayed(ep_relay *r);

// 'ep_relay_serve()' - Called once by R's thread after its own work: be the
// helper of the object waiting on R, if any, until its work is done or it
// is stopped; objects made later start helper threads of their own.
void ep_relay_serve(ep_relay *r);

// 'ep_programs_speculate()' - Before the items are posted, let P's helper
// make the programs of FACES[i] cut down to CPS[i][0..NS[i]-1] (sorted and
// unique, as items have them; copied), largest first, into each face's
// program cache: an item posted later with the same face and characters
// then finds its program made, or waits for the step being made. Steps not
// started when the items are posted are dropped. Each call adds the
// programs not asked for before (render() asks for the body font's before
// the layout, and for a pass's fonts after it); nothing runs without a
// helper. The output does not depend on it: an item's program is the same
// bytes either way.
void ep_programs_speculate(ep_programs *p, ep_face *const *faces, const uint32_t *const *cps, const size_t *ns,
                           size_t n);

// 'ep_programs_post()' - Set the items of P made by ep_programs_new(), as
// ep_programs_start() takes them (borrowed until ep_programs_free()); only
// the first call counts.
void ep_programs_post(ep_programs *p, ep_face *const *faces, const uint32_t *const *cps, const size_t *ns, size_t n);

// 'ep_programs_raw()' - The subset of item I in *RAW (*LEN bytes), owned by P:
// made now on this thread if nobody started it, else waited for (this
// thread helps with other items meanwhile). False when it could not be made.
// *RAW NULL with *LEN > 0: the subset's length only (ep_face_program_raw():
// a subset.c subset kept on disk, its glyph 1 + i drawing CID 1 + i).
bool ep_programs_raw(ep_programs *p, size_t i, const unsigned char **raw, size_t *len);

// 'ep_programs_deflated()' - The zlib-format deflate of item I's subset in
// *Z (*LEN bytes), owned by P; as ep_programs_raw(). False when the subset or
// its deflate could not be made.
bool ep_programs_deflated(ep_programs *p, size_t i, const unsigned char **z, size_t *len);

// 'ep_programs_add_stream()' - Hand P the LEN bytes at DATA (taken over:
// P frees them) to be deflated in zlib format at libdeflate LEVEL, and
// return the stream's number (0 for the first, and so on). The helper thread
// deflates the streams in order when it has no font task it can take, so
// the caller goes on drawing, and the caller deflates the oldest itself
// while more than 32 wait (the raw bytes of a large report's pages would
// pile up behind a long font deflate); without a helper the deflate is made
// here, now.
// Until ep_programs_streams_end() is called the helper waits for more rather
// than leave when its work is done. An output does not depend on which
// thread made a stream: the bytes are the same.
size_t ep_programs_add_stream(ep_programs *p, unsigned char *data, size_t len, int level);
// 'ep_programs_streams_end()' - No more streams will be added to P: its
// helper may leave once its work is done.
void ep_programs_streams_end(ep_programs *p);
// 'ep_programs_stream()' - The deflate of stream K in *Z (*LEN bytes), owned
// by P: made now on this thread if nobody started it, else waited for
// (this thread helps with other work meanwhile). False when it could not be
// made (out of memory).
bool ep_programs_stream(ep_programs *p, size_t k, const unsigned char **z, size_t *len);
// 'ep_programs_parallel()' - Run FN(ARG, i) for each i in [0, N) and return
// when all have ended: this thread claims them in order, and so does P's
// helper when it is free (it takes these before any font or stream task,
// since its caller waits; one busy with a long task leaves them all to this
// thread). FN must be safe to run on two threads at once for different i.
// Without a helper (or P NULL) all run here, in order.
void ep_programs_parallel(ep_programs *p, size_t n, void (*fn)(void *arg, size_t i), void *arg);
// 'ep_programs_par_open()' - Start jobs FN(ARG, i) that are made one by one
// (ep_programs_parallel() for jobs not all known yet): none is ready yet.
// P's helper claims each job once ep_programs_par_ready() says it is ready,
// in order, when it has no font task to do (the caller does not wait for
// these yet). False when P has no helper (or is running other jobs): then
// nothing was started and the caller runs the jobs itself.
bool ep_programs_par_open(ep_programs *p, void (*fn)(void *arg, size_t i), void *arg);
// 'ep_programs_par_ready()' - Jobs [0, N) of P's open jobs are ready: the
// helper may claim them (their inputs are not changed from now on).
void ep_programs_par_ready(ep_programs *p, size_t n);
// 'ep_programs_par_close()' - Jobs [0, N) are all of P's open jobs: run
// the ones nobody claimed on this thread, in order, and return when all
// have ended (the jobs started by ep_programs_par_open() are over then).
void ep_programs_par_close(ep_programs *p, size_t n);

// 'ep_programs_stop()' - Stop the helper thread after the task it is doing
// and wait for it; the results made so far stay readable. NULL is ignored.
void ep_programs_stop(ep_programs *p);

// 'ep_programs_free()' - Stop the helper thread (after the item it is
// working on) and free P with all its data. NULL is ignored.
void ep_programs_free(ep_programs *p);

#endif
