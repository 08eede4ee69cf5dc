/* Thread count for the core's OpenMP loops.  Kernels run without the GIL; a loop over
 * independent units (areas, series) uses sc_threads(requested, n) threads. */
#ifndef SC_PARALLEL_H
#define SC_PARALLEL_H

#include <stddef.h>
#include <stdint.h>

/* Given the caller's request (<= 0: all cores) and the number of independent units n.
 * Returned: the thread count to use (1 for small n, where threads cost more than they save). */
int sc_threads(int requested, size_t n);

/* Seed of replicate b's random stream, from the caller's seed (SplitMix64 of (seed, b)): each
 * bootstrap replicate draws from its own stream, so results do not depend on the threads. */
unsigned long sc_stream_seed(uint64_t seed, uint64_t b);

#endif
