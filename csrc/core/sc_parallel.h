/* Parallel loops of the core.  Kernels run without the GIL; a loop over independent units
 * (areas, series) uses sc_threads(requested, n) threads, and a loop over the rows of a batch
 * runs through sc_parallel_rows with one workspace per thread. */
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

/* One batch of independent rows: a workspace per thread (alloc(job) gives one, NULL when out
 * of memory; release(ws) frees it and takes NULL), and row(job, r, ws) for every row r, which
 * writes row r's outputs only and returns SC_SUCCESS or a status for the whole call. */
typedef struct {
    void *(*alloc)(const void *job);
    void (*release)(void *ws);
    int (*row)(const void *job, size_t r, void *ws);
} sc_row_kernel;

/* Given rows, the caller's thread request, the work units that decide the thread count
 * (sc_threads(threads, units)), the rows a thread takes at a time (chunk >= 1), the kernel
 * and its job.  Every row's outputs are the same for any thread count, because rows only
 * share read-only job data and a workspace holds no state between rows that the row uses.
 * Returned: *bad_row (when bad_row is not NULL), the first row whose kernel failed (rows when
 * none did).
 * Status: SC_SUCCESS; SC_ENOMEM when a workspace could not be allocated (rows then left
 * unwritten); otherwise the status of the first row that failed, whatever the thread count. */
int sc_parallel_rows(size_t rows, int threads, size_t units, size_t chunk,
                     const sc_row_kernel *kernel, const void *job, size_t *bad_row);

/* Workspaces in one block: a workspace's alloc makes a sizing pass over its sub-arrays with
 * base NULL, allocates b.used bytes (one malloc or calloc) and makes the same pass again with
 * that base; its free is one free(), and free(NULL) is a no-op.  Each sub-array starts at a
 * multiple of SC_BLOCK_ALIGN bytes from the block's start, suitably aligned for any type. */
enum { SC_BLOCK_ALIGN = 64 };

typedef struct {
    char *base;                 /* NULL in the sizing pass */
    size_t used;                /* bytes taken so far; SIZE_MAX once a size overflowed */
} sc_block;

/* Given a block and count elements of size bytes.  Returned: their address in the block (NULL
 * in the sizing pass); b->used advances past them, or becomes SIZE_MAX on overflow. */
void *sc_block_take(sc_block *b, size_t count, size_t size);

#endif
