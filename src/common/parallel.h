/*
 * parallel.h — a loop over independent items, split across the machine's
 * cores: for building many documents that share nothing but what they read.
 */
#ifndef TN_COMMON_PARALLEL_H
#define TN_COMMON_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

/* Does items [from, to); returns false when one of them failed (it may stop there). */
typedef bool (*tn_parallel_fn)(void *context, size_t from, size_t to);

/*
 * Calls `fn` on consecutive ranges of [0, count) from up to `threads`
 * threads at once (0: one per online core, at most 8), the calling thread
 * among them; returns true when every call did. `fn` must only read what
 * the calls share and write what its own range owns. With one thread, or
 * when a thread cannot be started, the ranges run on the calling thread.
 */
bool tn_parallel_for(size_t count, size_t threads, tn_parallel_fn fn, void *context);

#endif
