#include "sc_parallel.h"
#ifdef _OPENMP
#include <omp.h>
#endif

/* Below this many units a loop runs on one thread. */
#define SC_PARALLEL_MIN 2048

int sc_threads(int requested, size_t n)
{
#ifdef _OPENMP
    int avail = omp_get_num_procs();
    int t = requested > 0 ? requested : avail;
    if (n < SC_PARALLEL_MIN) return 1;
    return t < 1 ? 1 : t;
#else
    (void)requested; (void)n;
    return 1;
#endif
}

unsigned long sc_stream_seed(uint64_t seed, uint64_t b)
{
    uint64_t z = seed + (b + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (unsigned long)(z ^ (z >> 31));
}
