#include "sc_parallel.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#include "sc_status.h"

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

int sc_parallel_rows(size_t rows, int threads, size_t units, size_t chunk,
                     const sc_row_kernel *kernel, const void *job, size_t *bad_row)
{
    int no_memory = 0, status = SC_SUCCESS;
    size_t first_bad = rows;
    const long step = chunk ? (long)chunk : 1;
#pragma omp parallel num_threads(sc_threads(threads, units))
    {
        void *ws = kernel->alloc(job);
        if (ws == NULL) {
#pragma omp atomic write
            no_memory = 1;
        }
#pragma omp for schedule(dynamic, step)
        for (size_t r = 0; r < rows; r++) {
            if (ws == NULL) continue;
            const int st = kernel->row(job, r, ws);
            if (st != SC_SUCCESS) {
#pragma omp critical(sc_parallel_rows_status)
                if (r < first_bad) {
                    first_bad = r;
                    status = st;
                }
            }
        }
        kernel->release(ws);
    }
    if (bad_row != NULL) *bad_row = first_bad;
    return no_memory ? SC_ENOMEM : status;
}

void *sc_block_take(sc_block *b, size_t count, size_t size)
{
    const size_t at = (b->used + SC_BLOCK_ALIGN - 1) / SC_BLOCK_ALIGN * SC_BLOCK_ALIGN;
    if (b->used == SIZE_MAX || at < b->used || (size && count > (SIZE_MAX - at) / size)) {
        b->used = SIZE_MAX;
        return NULL;
    }
    b->used = at + count * size;
    return b->base ? b->base + at : NULL;
}
