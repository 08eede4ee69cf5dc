/* Rank-based trend tests (see sc_trend.h).
 *
 * Layout: the per-thread workspace; selection of order statistics; the pass over the pairs;
 * ranks and autocorrelations; one kernel per test, run over the rows of a batch by run_rows. */
#include "sc_trend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sc_dist.h"
#include "sc_parallel.h"
#include "sc_status.h"

/* AVX-512 and AVX2 filtering passes on x86-64 (chosen at run time), and AVX2 clones of the
 * vectorised loops where the compiler can dispatch between clones (GCC on Linux). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SC_TREND_AVX2 1
#endif
#if defined(SC_TREND_AVX2) && !defined(__clang__) && defined(__linux__)
#define SC_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SC_VECTOR_CLONES
#endif

#define SQRT_HALF 0.70710678118654752440

/* ---- workspace ------------------------------------------------------------------------- */

typedef struct {
    double value;
    size_t index;
} ranked;

/* Scratch of one thread: vectors of n (+ PAD) for a series' values and times, and (when the
 * test needs slopes) the slopes and two selection buffers. */
typedef struct {
    double *x, *t, *u, *v, *acf;   /* n + PAD each */
    size_t *pos;                   /* n: original index of each value used */
    ranked *order;                 /* n: for mid-ranks */
    double *d, *buf1, *buf2;       /* slots each: slopes and selection scratch (or NULL) */
    int simd;                      /* the filtering pass to use (simd_level) */
} workspace;

/* Slots past the end of every vector: pair_pass reads rows in whole blocks of four. */
enum { PAD = 4 };

/* The sub-arrays of a workspace for series of n values with room for `pairs` slopes (0: no
 * slopes), taken from block b (see sc_block_take). */
static void workspace_carve(workspace *w, sc_block *b, size_t n, size_t pairs)
{
    const size_t len = n + PAD;
    w->x = sc_block_take(b, len, sizeof *w->x);
    w->t = sc_block_take(b, len, sizeof *w->t);
    w->u = sc_block_take(b, len, sizeof *w->u);
    w->v = sc_block_take(b, len, sizeof *w->v);
    w->acf = sc_block_take(b, len, sizeof *w->acf);
    w->pos = sc_block_take(b, len, sizeof *w->pos);
    w->order = sc_block_take(b, len, sizeof *w->order);
    w->d = w->buf1 = w->buf2 = NULL;
    if (pairs > 0) {
        const size_t slots = (pairs > len ? pairs : len) + PAD;
        w->d = sc_block_take(b, slots, sizeof *w->d);
        w->buf1 = sc_block_take(b, slots, sizeof *w->buf1);
        w->buf2 = sc_block_take(b, slots, sizeof *w->buf2);
    }
}

/* A workspace in one zeroed block (so that the padding pair_pass reads is never
 * uninitialised); NULL when out of memory.  Freed by free(). */
static workspace *workspace_alloc(size_t n, size_t pairs, int simd)
{
    workspace probe;
    sc_block b = {NULL, 0};
    sc_block_take(&b, 1, sizeof probe);
    workspace_carve(&probe, &b, n, pairs);
    if (b.used == SIZE_MAX || (b.base = calloc(1, b.used)) == NULL) return NULL;
    b.used = 0;
    workspace *w = sc_block_take(&b, 1, sizeof *w);
    workspace_carve(w, &b, n, pairs);
    w->simd = simd;
    return w;
}

enum simd_level { SIMD_NONE = 0, SIMD_AVX2, SIMD_AVX512 };

static int simd_level(void)
{
#ifdef SC_TREND_AVX2
    if (!__builtin_cpu_supports("popcnt")) return SIMD_NONE;
    if (__builtin_cpu_supports("avx512f")) return SIMD_AVX512;
    if (__builtin_cpu_supports("avx2")) return SIMD_AVX2;
#endif
    return SIMD_NONE;
}

/* ---- order statistics ------------------------------------------------------------------ */

/* One pass over a[0..n-1]: *below = #{a_i < lo}; the a_i in [lo, hi] are copied to out
 * (which has n + 4 slots) in order; returns their number.  Branch-free. */
static size_t filter_plain(const double *a, size_t n, double lo, double hi, double *out,
                           size_t *below)
{
    size_t m = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        const double v = a[i];
        b += v < lo;
        out[m] = v;
        m += (v >= lo) & (v <= hi);
    }
    *below = b;
    return m;
}

#ifdef SC_TREND_AVX2
/* For a mask of kept lanes (bit k: lane k of 4 doubles), the 32-bit source lanes that move
 * the kept doubles to the front, in order (the rest repeat lane 0). */
static const int32_t PACK[16][8] = {
    {0, 1, 0, 1, 0, 1, 0, 1}, {0, 1, 0, 1, 0, 1, 0, 1}, {2, 3, 0, 1, 0, 1, 0, 1},
    {0, 1, 2, 3, 0, 1, 0, 1}, {4, 5, 0, 1, 0, 1, 0, 1}, {0, 1, 4, 5, 0, 1, 0, 1},
    {2, 3, 4, 5, 0, 1, 0, 1}, {0, 1, 2, 3, 4, 5, 0, 1}, {6, 7, 0, 1, 0, 1, 0, 1},
    {0, 1, 6, 7, 0, 1, 0, 1}, {2, 3, 6, 7, 0, 1, 0, 1}, {0, 1, 2, 3, 6, 7, 0, 1},
    {4, 5, 6, 7, 0, 1, 0, 1}, {0, 1, 4, 5, 6, 7, 0, 1}, {2, 3, 4, 5, 6, 7, 0, 1},
    {0, 1, 2, 3, 4, 5, 6, 7},
};

/* filter_plain, eight values at a time. */
__attribute__((target("avx512f,popcnt")))
static size_t filter_avx512(const double *a, size_t n, double lo, double hi, double *out,
                            size_t *below)
{
    const __m512d vlo = _mm512_set1_pd(lo), vhi = _mm512_set1_pd(hi);
    size_t m = 0, b = 0, i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m512d v = _mm512_loadu_pd(a + i);
        const __mmask8 lt = _mm512_cmp_pd_mask(v, vlo, _CMP_LT_OQ);
        const __mmask8 keep = _mm512_mask_cmp_pd_mask((__mmask8)~lt, v, vhi, _CMP_LE_OQ);
        _mm512_storeu_pd(out + m, _mm512_maskz_compress_pd(keep, v));
        m += (size_t)__builtin_popcount((unsigned)keep);
        b += (size_t)__builtin_popcount((unsigned)lt);
    }
    size_t tail_below;
    m += filter_plain(a + i, n - i, lo, hi, out + m, &tail_below);
    *below = b + tail_below;
    return m;
}

/* filter_plain, four values at a time. */
__attribute__((target("avx2,popcnt")))
static size_t filter_avx2(const double *a, size_t n, double lo, double hi, double *out,
                          size_t *below)
{
    const __m256d vlo = _mm256_set1_pd(lo), vhi = _mm256_set1_pd(hi);
    __m256i count = _mm256_setzero_si256();
    size_t m = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d v = _mm256_loadu_pd(a + i);
        const __m256d lt = _mm256_cmp_pd(v, vlo, _CMP_LT_OQ);
        const __m256d keep = _mm256_andnot_pd(lt, _mm256_cmp_pd(v, vhi, _CMP_LE_OQ));
        count = _mm256_sub_epi64(count, _mm256_castpd_si256(lt));
        const int mask = _mm256_movemask_pd(keep);
        const __m256i perm = _mm256_loadu_si256((const __m256i *)PACK[mask]);
        _mm256_storeu_ps((float *)(out + m),
                         _mm256_permutevar8x32_ps(_mm256_castpd_ps(v), perm));
        m += (size_t)__builtin_popcount((unsigned)mask);
    }
    int64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, count);
    size_t tail_below;
    m += filter_plain(a + i, n - i, lo, hi, out + m, &tail_below);
    *below = (size_t)(lanes[0] + lanes[1] + lanes[2] + lanes[3]) + tail_below;
    return m;
}
#endif

static size_t filter(const workspace *w, const double *a, size_t n, double lo, double hi,
                     double *out, size_t *below)
{
#ifdef SC_TREND_AVX2
    if (w->simd == SIMD_AVX512) return filter_avx512(a, n, lo, hi, out, below);
    if (w->simd == SIMD_AVX2) return filter_avx2(a, n, lo, hi, out, below);
#else
    (void)w;
#endif
    return filter_plain(a, n, lo, hi, out, below);
}

/* Sort 16 values with Batcher's odd-even merge network (63 comparators, branch-free). */
static void sort16(double *a)
{
    double v[16];
    for (int i = 0; i < 16; i++) v[i] = a[i];
#define CX(i, j)                                                                \
    do {                                                                        \
        const double lo_ = v[i] < v[j] ? v[i] : v[j], hi_ = v[i] > v[j] ? v[i] : v[j]; \
        v[i] = lo_;                                                             \
        v[j] = hi_;                                                             \
    } while (0)
    CX(0, 1); CX(2, 3); CX(4, 5); CX(6, 7); CX(8, 9); CX(10, 11); CX(12, 13); CX(14, 15);
    CX(0, 2); CX(1, 3); CX(4, 6); CX(5, 7); CX(8, 10); CX(9, 11); CX(12, 14); CX(13, 15);
    CX(1, 2); CX(5, 6); CX(9, 10); CX(13, 14); CX(0, 4); CX(1, 5); CX(2, 6); CX(3, 7);
    CX(8, 12); CX(9, 13); CX(10, 14); CX(11, 15); CX(2, 4); CX(3, 5); CX(10, 12); CX(11, 13);
    CX(1, 2); CX(3, 4); CX(5, 6); CX(9, 10); CX(11, 12); CX(13, 14); CX(0, 8); CX(1, 9);
    CX(2, 10); CX(3, 11); CX(4, 12); CX(5, 13); CX(6, 14); CX(7, 15); CX(4, 8); CX(5, 9);
    CX(6, 10); CX(7, 11); CX(2, 4); CX(3, 5); CX(6, 8); CX(7, 9); CX(10, 12); CX(11, 13);
    CX(1, 2); CX(3, 4); CX(5, 6); CX(7, 8); CX(9, 10); CX(11, 12); CX(13, 14);
#undef CX
    for (int i = 0; i < 16; i++) a[i] = v[i];
}

/* The largest value below v and the smallest value at or above v in a[0..n-1]. */
static void split_at(const double *a, size_t n, double v, double *below_max, double *above_min)
{
    double lo = -INFINITY, hi = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const double x = a[i];
        lo = (x < v && x > lo) ? x : lo;
        hi = (x >= v && x < hi) ? x : hi;
    }
    *below_max = lo;
    *above_min = hi;
}

static void swap(double *a, double *b)
{
    const double t = *a;
    *a = *b;
    *b = t;
}

/* Hoare's FIND with a median-of-three pivot: a[k] becomes the k-th smallest, smaller values
 * before it and larger after. */
static void quickselect(double *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        const size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
        if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
        if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
        const double p = a[mid];
        size_t i = lo, j = hi;
        for (;;) {
            while (a[i] < p) i++;
            while (p < a[j]) j--;
            if (i >= j) break;
            swap(&a[i], &a[j]);
            i++;
            j--;
        }
        if (k <= j) hi = j;
        else lo = j + 1;
    }
}

enum {
    SAMPLE = 16,        /* sample per round, sorted by the network above */
    BRACKET = 2,        /* bracket: 2 sample ranks either side of the target's place */
    WIDEN = 2,          /* a bracket that misses moves out by 2 more sample ranks */
    MAX_ROUNDS = 64     /* then quickselect (never reached in tests; a safeguard) */
};

/* The values of ranks ka and kb (kb = ka or ka + 1) of a[0..n-1] by quickselect on a copy in
 * buf (the safeguard after MAX_ROUNDS). */
static void select_by_quickselect(const double *a, size_t n, size_t ka, size_t kb, double *buf,
                                  double *va, double *vb)
{
    memcpy(buf, a, n * sizeof *a);
    quickselect(buf, n, ka);
    *va = *vb = buf[ka];
    if (kb > ka) {                              /* the smallest of the larger part */
        *vb = buf[ka + 1];
        for (size_t i = ka + 2; i < n; i++) *vb = fmin(*vb, buf[i]);
    }
}

/* A round's bracket [lo, hi] of values kept, at sample ranks il and ih, never outside
 * [floor_lo, ceil_hi] (set when a tie probe has ruled out one side of a value). */
typedef struct {
    double lo, hi, floor_lo, ceil_hi;
    long il, ih;
} bracket;

/* With `below` values under lo and m in [lo, hi]: when ranks ka, kb straddle the bracket's
 * lower or upper edge, the largest value below the edge and the smallest at or above it are
 * the answer (returns 1); otherwise returns 0. */
static int straddles(const double *a, size_t n, size_t ka, size_t kb, size_t below, size_t m,
                     double lo, double hi, double *va, double *vb)
{
    if (ka + 1 == below && kb == below) {
        split_at(a, n, lo, va, vb);
        return 1;
    }
    if (ka + 1 == below + m && kb == below + m) {
        split_at(a, n, nextafter(hi, INFINITY), va, vb);
        return 1;
    }
    return 0;
}

/* Heavy ties: the sampled value v tested on its own.  Returns 1 when v (or a neighbour of its
 * run of ties) is the answer; otherwise narrows the bracket to the side of v the targets lie
 * on and returns 0.  buf: scratch of n + 4. */
static int probe_tie(const workspace *w, const double *a, size_t n, size_t ka, size_t kb,
                     double v, double *buf, bracket *br, double *va, double *vb)
{
    size_t below;
    const size_t m = filter(w, a, n, v, v, buf, &below);
    if (below <= ka && kb < below + m) {
        *va = *vb = v;
        return 1;
    }
    if (straddles(a, n, ka, kb, below, m, v, v, va, vb)) return 1;
    if (kb < below) {                           /* the targets are below v */
        br->ceil_hi = nextafter(v, -INFINITY);
        br->hi = fmin(br->hi, br->ceil_hi);
        if (br->lo > br->hi) br->lo = br->floor_lo;
    } else {                                    /* above v */
        br->floor_lo = nextafter(v, INFINITY);
        br->lo = fmax(br->lo, br->floor_lo);
        if (br->hi < br->lo) br->hi = br->ceil_hi;
    }
    return 0;
}

/* Keep the values of a[0..n-1] in the bracket (into buf, with *below under it), widening a
 * bracket that misses a target on that side by WIDEN sample ranks of s.  Returns 1 when the
 * targets straddle an edge (the answer is then set), else 0 with *m values kept. */
static int filter_bracket(const workspace *w, const double *a, size_t n, size_t ka, size_t kb,
                          const double *s, double *buf, bracket *br, size_t *m, size_t *below,
                          double *va, double *vb)
{
    for (;;) {
        *m = filter(w, a, n, br->lo, br->hi, buf, below);
        const int low_miss = ka < *below, high_miss = kb >= *below + *m;
        if (!low_miss && !high_miss) return 0;
        if (straddles(a, n, ka, kb, *below, *m, br->lo, br->hi, va, vb)) return 1;
        if (low_miss) {                         /* the targets lie below lo */
            if (kb < *below) {
                br->hi = nextafter(br->lo, -INFINITY);
                br->ih = br->il;
            }
            br->il -= WIDEN;
            br->lo = br->il >= 0 && s[br->il] > br->floor_lo && s[br->il] <= br->hi
                         ? s[br->il] : br->floor_lo;
        }
        if (high_miss) {                        /* above hi */
            if (ka >= *below + *m) {
                br->lo = nextafter(br->hi, INFINITY);
                br->il = br->ih;
            }
            br->ih += WIDEN;
            br->hi = br->ih < SAMPLE && s[br->ih] < br->ceil_hi && s[br->ih] >= br->lo
                         ? s[br->ih] : br->ceil_hi;
        }
    }
}

/* The values of ranks ka and kb (0-based; kb = ka or ka + 1) of a[0..n-1] (n >= 1, no NaN).
 * a is not modified; w->buf1 and w->buf2 (n + 4 slots) are scratch.
 * Each round sorts a sample of 16, takes the values a few sample ranks either side of the
 * target as a bracket and keeps the values inside it (one branch-free pass that also counts
 * those below); a bracket that misses is widened on that side.  Heavy ties are met by testing
 * a sampled value on its own: it is the answer, or everything on one side of it is dropped. */
static void select_ranks(const workspace *w, const double *a, size_t n, size_t ka, size_t kb,
                         double *va, double *vb)
{
    double *const bufs[2] = {w->buf1, w->buf2};
    const double *cur = a;
    int out = 0;                                /* the buffer a pass writes to (not cur) */
    double s[SAMPLE];
    int stuck = 0;
    for (int round = 0; n > SAMPLE; round++) {
        if (round == MAX_ROUNDS) {
            select_by_quickselect(cur, n, ka, kb, bufs[out], va, vb);
            return;
        }
        const size_t step = n / SAMPLE, offset = (step / 2 + (size_t)round) % step;
        for (int q = 0; q < SAMPLE; q++) s[q] = cur[(size_t)q * step + offset];
        sort16(s);
        const long pa = (long)(ka * SAMPLE / n), pb = (long)(kb * SAMPLE / n);
        bracket br = {0, 0, -INFINITY, INFINITY, pa - BRACKET, pb + BRACKET};
        br.lo = br.il >= 0 ? s[br.il] : -INFINITY;
        br.hi = br.ih < SAMPLE ? s[br.ih] : INFINITY;
        const int ties = (pa > 0 && s[pa - 1] == s[pa]) || (pb + 1 < SAMPLE && s[pb] == s[pb + 1]);
        if ((stuck || ties) && probe_tie(w, cur, n, ka, kb, s[pa], bufs[out], &br, va, vb))
            return;
        size_t m, below;
        if (filter_bracket(w, cur, n, ka, kb, s, bufs[out], &br, &m, &below, va, vb)) return;
        if (br.lo == br.hi) {                   /* every survivor equals lo */
            *va = *vb = br.lo;
            return;
        }
        stuck = m * 4 > n * 3;
        cur = bufs[out];
        out ^= 1;
        n = m;
        ka -= below;
        kb -= below;
    }
    for (size_t i = 0; i < SAMPLE; i++) s[i] = i < n ? cur[i] : INFINITY;
    sort16(s);
    *va = s[ka];
    *vb = s[kb];
}

/* The median of a[0..n-1] (n >= 1; a not modified), as numpy: the mean of the two middle
 * values when n is even. */
static double median(const workspace *w, const double *a, size_t n)
{
    double lo, hi;
    select_ranks(w, a, n, (n - 1) / 2, n / 2, &lo, &hi);
    return n % 2 ? lo : (lo + hi) / 2;
}

/* The median of sorted values. */
static double median_sorted(const double *a, size_t n)
{
    return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/* ---- pairs ----------------------------------------------------------------------------- */

/* S and the tie terms of a series: with e_i = #{j > i: x_j = x_i}, sum_g t_g(t_g-1)/2 =
 * sum_i e_i and sum_g t_g(t_g-1)(t_g-2)/6 = sum_i e_i(e_i-1)/2 over tied groups g. */
typedef struct {
    int64_t s, tied, tied2;     /* S, sum e_i, sum e_i(e_i - 1) */
} pair_counts;

/* One pass over the pairs i < j of x[0..m-1] (times t): S and tie counts, and the slopes
 * (x_j - x_i) / (t_j - t_i) stored in d[0..m(m-1)/2), i-major.  Each row is run in whole
 * blocks of four: x[m..m+2] are set to NaN (so the extra pairs count neither way), t[m..m+2]
 * are read, and up to 3 slots past the end of d are written. */
SC_VECTOR_CLONES
static void pair_pass(double *x, const double *t, size_t m, double *d, pair_counts *c)
{
    int64_t s = 0, tied = 0, tied2 = 0;
    size_t k = 0;
    x[m] = x[m + 1] = x[m + 2] = NAN;
    for (size_t i = 0; i + 1 < m; i++) {
        const double xi = x[i], ti = t[i];
        const double *xj = x + i + 1, *tj = t + i + 1;
        double *out = d + k;
        const size_t len = m - 1 - i, blocks = (len + 3) & ~(size_t)3;
        int64_t gt = 0, lt = 0;
#pragma omp simd reduction(+ : gt, lt)
        for (size_t j = 0; j < blocks; j++) {
            const double diff = xj[j] - xi;
            gt += diff > 0;
            lt += diff < 0;
            out[j] = diff / (tj[j] - ti);
        }
        const int64_t e = (int64_t)len - gt - lt;
        s += gt - lt;
        tied += e;
        tied2 += e * (e - 1);
        k += len;
    }
    c->s = s;
    c->tied = tied;
    c->tied2 = tied2;
}

/* var(S) = [m(m-1)(2m+5) - sum_g t_g(t_g-1)(2t_g+5)] / 18, the tie sum being
 * 6 sum_i e_i(e_i-1) + 18 sum_i e_i. */
static double mk_variance(size_t m, const pair_counts *c)
{
    const int64_t n = (int64_t)m;
    return (double)(n * (n - 1) * (2 * n + 5) - 6 * c->tied2 - 18 * c->tied) / 18.0;
}

/* tau_b of S against time (no ties in time), as R trend::mk.test. */
static double mk_tau_b(size_t m, const pair_counts *c)
{
    const double n0 = 0.5 * (double)m * (double)(m - 1);
    return (double)c->s / (sqrt(n0 - (double)c->tied) * sqrt(n0));
}

static int is_constant(const double *x, size_t m)
{
    for (size_t i = 1; i < m; i++)
        if (x[i] != x[0]) return 0;
    return 1;
}

/* ---- ranks and autocorrelation --------------------------------------------------------- */

static int by_value(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value < b->value) return -1;
    if (a->value > b->value) return 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Below this many values mid-ranks are counted pairwise (vectorised), above it by sorting. */
enum { RANK_BY_COUNTING = 512 };

/* Twice the mid-ranks of x[0..m-1], whole numbers: 2 #{x_j < x_i} + #{x_j = x_i} + 1, i.e. a
 * tie at sorted places a..b (from 0) has twice-rank a + b + 2.  Written to rank2[i]. */
SC_VECTOR_CLONES
static void midranks2(const double *x, size_t m, ranked *order, double *rank2)
{
    if (m <= RANK_BY_COUNTING) {
        for (size_t i = 0; i < m; i++) {
            const double xi = x[i];
            int64_t less = 0, equal = 0;
#pragma omp simd reduction(+ : less, equal)
            for (size_t j = 0; j < m; j++) {
                less += x[j] < xi;
                equal += x[j] == xi;
            }
            rank2[i] = (double)(2 * less + equal + 1);
        }
        return;
    }
    for (size_t i = 0; i < m; i++) {
        order[i].value = x[i];
        order[i].index = i;
    }
    qsort(order, m, sizeof *order, by_value);
    for (size_t a = 0; a < m;) {
        size_t b = a;
        while (b + 1 < m && order[b + 1].value == order[a].value) b++;
        for (size_t i = a; i <= b; i++) rank2[order[i].index] = (double)(a + b + 2);
        a = b + 1;
    }
}

/* Autocorrelations rho[0..lags] of v[0..m-1] as pymannkendall's __acf: with c = v - mean(v),
 * acov_h = sum_{i < m-h} c_i c_{i+h} / m and rho_h = acov_h / acov_0.  c: scratch of m.
 * v is first scaled by a power of 2 (exact) to a largest magnitude near 1, so that sums and
 * squares of values near the range of a double do not overflow; rho does not change. */
static void autocorrelation(const double *v, size_t m, size_t lags, double *c, double *rho)
{
    double top = 0;
    for (size_t i = 0; i < m; i++) top = fmax(top, fabs(v[i]));
    int e = 0;
    if (top > 0 && isfinite(top)) frexp(top, &e);
    double mean = 0;
    for (size_t i = 0; i < m; i++) mean += ldexp(v[i], -e);
    mean /= (double)m;
    for (size_t i = 0; i < m; i++) c[i] = ldexp(v[i], -e) - mean;
    double acov0 = 0;
    for (size_t i = 0; i < m; i++) acov0 += c[i] * c[i];
    acov0 /= (double)m;
    for (size_t h = 0; h <= lags; h++) {
        double acov = 0;
        for (size_t i = 0; i + h < m; i++) acov += c[i] * c[i + h];
        rho[h] = (acov / (double)m) / acov0;
    }
}

/* ---- one series ------------------------------------------------------------------------ */

/* The values of series r that are used, in w->x[0..m-1], with their times (data->t, or the
 * positions) in w->t and their positions in w->pos.  Returns a row status. */
static int gather(const sc_trend_data *data, size_t r, workspace *w, size_t *m_out)
{
    const double *y = data->y + r * data->n;
    size_t m = 0;
    for (size_t i = 0; i < data->n; i++) {
        const double v = y[i];
        if (isnan(v)) {
            if (!data->omit_missing) {
                *m_out = 0;
                return SC_TREND_ROW_MISSING;
            }
            continue;
        }
        w->x[m] = v;
        w->t[m] = data->t ? data->t[i] : (double)i;
        w->pos[m] = i;
        m++;
    }
    *m_out = m;
    return m ? SC_TREND_ROW_OK : SC_TREND_ROW_ALL_MISSING;
}

/* z, p-value, h and direction from S and its variance (undefined unless var_s > 0). */
typedef struct {
    double z, pvalue;
    int h, trend;
} significance;

static significance mk_significance(double s, double var_s, double zcrit)
{
    significance g = {NAN, NAN, 0, SC_TREND_UNDEFINED};
    if (!(var_s > 0) || !isfinite(var_s)) return g;
    const double sd = sqrt(var_s);
    g.z = s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0.0;
    g.pvalue = erfc(fabs(g.z) * SQRT_HALF);
    g.h = fabs(g.z) > zcrit;
    g.trend = !g.h ? SC_TREND_NONE : g.z > 0 ? SC_TREND_INCREASING : SC_TREND_DECREASING;
    return g;
}

typedef struct {
    const sc_trend_data *data;
    sc_mk_method method;
    double zcrit;
    size_t lag;
    sc_mk_output *out;
} mk_job;

/* The time used for detrending value k: k + 1 (consecutive, as pymannkendall), or
 * t_k - t_0 + 1 with a time index. */
static double detrend_time(const mk_job *job, const workspace *w, size_t k)
{
    return job->data->t ? w->t[k] - w->t[0] + 1.0 : (double)(k + 1);
}

/* Hamed-Rao (ranks = 1) or Yue-Wang (ranks = 0) factor n/n* for series x of m values. */
static double mk_correction(const mk_job *job, workspace *w, size_t m, double slope, int ranks)
{
    for (size_t k = 0; k < m; k++) w->u[k] = w->x[k] - detrend_time(job, w, k) * slope;
    if (ranks) {
        midranks2(w->u, m, w->order, w->v);
        for (size_t k = 0; k < m; k++) w->v[k] /= 2;
    } else {
        memcpy(w->v, w->u, m * sizeof *w->u);
    }
    const size_t lags = job->lag ? job->lag : m - 1;
    autocorrelation(w->v, m, lags, w->buf1, w->acf);
    double sum = 0;
    if (ranks) {
        const double bound = job->zcrit / sqrt((double)m);
        for (size_t i = 1; i <= lags; i++) {
            const double rho = w->acf[i];
            if (rho <= bound && rho >= -bound) continue;
            const int64_t k = (int64_t)(m - i);
            sum += (double)(k * (k - 1) * (k - 2)) * rho;
        }
        const double n = (double)m;
        return 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
    }
    for (size_t i = 1; i <= lags; i++) sum += (1 - (double)i / (double)m) * w->acf[i];
    return 1 + 2 * sum;
}

/* The prewhitened series of x (trend-free when tfpw) in w->v[0..m-2]. */
static void prewhiten(const mk_job *job, workspace *w, size_t m, double slope, int tfpw)
{
    const double *src = w->x;
    if (tfpw) {
        for (size_t k = 0; k < m; k++) w->u[k] = w->x[k] - detrend_time(job, w, k) * slope;
        src = w->u;
    }
    autocorrelation(src, m, 1, w->buf1, w->acf);
    const double r1 = w->acf[1];
    for (size_t k = 0; k + 1 < m; k++) {
        w->v[k] = src[k + 1] - src[k] * r1;
        if (tfpw) w->v[k] += (detrend_time(job, w, k + 1) - detrend_time(job, w, 1) + 1) * slope;
    }
}

static void mk_row(const void *arg, size_t r, workspace *w)
{
    const mk_job *job = arg;
    sc_mk_output *o = job->out;
    const int whiten = job->method == SC_MK_PREWHITEN || job->method == SC_MK_TFPW;
    const int corrected = job->method == SC_MK_HAMED_RAO || job->method == SC_MK_YUE_WANG;
    double s = NAN, var_s = NAN, tau = NAN, tau_b = NAN, slope = NAN, intercept = NAN;
    significance g = {NAN, NAN, 0, SC_TREND_UNDEFINED};
    size_t m;
    int status = gather(job->data, r, w, &m);
    if (status == SC_TREND_ROW_OK) {
        if (m < (whiten ? 4u : 3u)) status = SC_TREND_ROW_TOO_SHORT;
        else if (is_constant(w->x, m)) status = SC_TREND_ROW_CONSTANT;
        else if (corrected && job->lag && m < job->lag + 1) status = SC_TREND_ROW_SHORT_FOR_LAG;
    }
    if (status == SC_TREND_ROW_OK) {
        pair_counts c;
        pair_pass(w->x, w->t, m, w->d, &c);
        slope = median(w, w->d, m * (m - 1) / 2);
        intercept = median(w, w->x, m) - median_sorted(w->t, m) * slope;
        size_t mt = m;                           /* values of the tested series */
        if (whiten) {
            prewhiten(job, w, m, slope, job->method == SC_MK_TFPW);
            mt = m - 1;
            pair_pass(w->v, w->t, mt, w->buf1, &c);
        }
        s = (double)c.s;
        var_s = mk_variance(mt, &c);
        tau = s / (0.5 * (double)mt * (double)(mt - 1));
        tau_b = mk_tau_b(mt, &c);
        if (corrected) var_s *= mk_correction(job, w, m, slope, job->method == SC_MK_HAMED_RAO);
        g = mk_significance(s, var_s, job->zcrit);
    }
    o->s[r] = s;
    o->var_s[r] = var_s;
    o->z[r] = g.z;
    o->pvalue[r] = g.pvalue;
    o->tau[r] = tau;
    o->tau_b[r] = tau_b;
    o->slope[r] = slope;
    o->intercept[r] = intercept;
    o->nobs[r] = (int64_t)m;
    o->h[r] = (uint8_t)g.h;
    o->trend[r] = (int8_t)g.trend;
    o->status[r] = (int8_t)status;
}

typedef struct {
    const sc_trend_data *data;
    size_t period;
    double zcrit;
    sc_seasonal_output *out;
} seasonal_job;

/* The values of series r that are used, in w->u[0..m-1], with their positions in w->v.
 * Returns a row status. */
static int gather_positions(const sc_trend_data *data, size_t r, workspace *w, size_t *m_out)
{
    const double *y = data->y + r * data->n;
    size_t m = 0;
    for (size_t i = 0; i < data->n; i++) {
        if (isnan(y[i])) {
            if (!data->omit_missing) {
                *m_out = 0;
                return SC_TREND_ROW_MISSING;
            }
            continue;
        }
        w->u[m] = y[i];
        w->v[m] = (double)i;
        m++;
    }
    *m_out = m;
    return m ? SC_TREND_ROW_OK : SC_TREND_ROW_ALL_MISSING;
}

/* Sums over the seasons of a series: S, var(S), the pairs, and the k slopes in w->d. */
typedef struct {
    double s, var_s, pairs;
    size_t k;
} season_sums;

/* S and var(S) of each season of series r (season g: every p-th value from g, times the
 * cycles), written to s_season and var_s_season when asked, and summed. */
static season_sums sum_seasons(const seasonal_job *job, size_t r, workspace *w)
{
    const size_t p = job->period, n = job->data->n;
    const double *y = job->data->y + r * n;
    sc_seasonal_output *o = job->out;
    season_sums sum = {0, 0, 0, 0};
    for (size_t season = 0; season < p; season++) {
        size_t ng = 0;
        for (size_t i = season, cycle = 0; i < n; i += p, cycle++) {
            if (isnan(y[i])) continue;
            w->x[ng] = y[i];
            w->t[ng] = (double)cycle;
            ng++;
        }
        double s_g = 0, var_g = 0;
        if (ng >= 2) {
            pair_counts c;
            pair_pass(w->x, w->t, ng, w->d + sum.k, &c);
            sum.k += ng * (ng - 1) / 2;
            s_g = (double)c.s;
            var_g = mk_variance(ng, &c);
            sum.pairs += 0.5 * (double)ng * (double)(ng - 1);
        }
        sum.s += s_g;
        sum.var_s += var_g;
        if (o->s_season) o->s_season[r * p + season] = s_g;
        if (o->var_s_season) o->var_s_season[r * p + season] = var_g;
    }
    return sum;
}

static void seasonal_row(const void *arg, size_t r, workspace *w)
{
    const seasonal_job *job = arg;
    sc_seasonal_output *o = job->out;
    const size_t p = job->period;
    double s = NAN, var_s = NAN, tau = NAN, slope = NAN, intercept = NAN;
    significance g = {NAN, NAN, 0, SC_TREND_UNDEFINED};
    size_t m;
    int status = gather_positions(job->data, r, w, &m);
    if (status == SC_TREND_ROW_OK) {
        const season_sums sum = sum_seasons(job, r, w);
        if (sum.k == 0) status = SC_TREND_ROW_TOO_SHORT;
        else if (!(sum.var_s > 0)) status = SC_TREND_ROW_CONSTANT;
        if (status == SC_TREND_ROW_OK) {
            s = sum.s;
            var_s = sum.var_s;
            tau = s / sum.pairs;
            slope = median(w, w->d, sum.k);
            intercept = median(w, w->u, m) - (median_sorted(w->v, m) / (double)p) * slope;
            g = mk_significance(s, var_s, job->zcrit);
        }
    }
    if (status != SC_TREND_ROW_OK)
        for (size_t season = 0; season < p; season++) {
            if (o->s_season) o->s_season[r * p + season] = NAN;
            if (o->var_s_season) o->var_s_season[r * p + season] = NAN;
        }
    o->s[r] = s;
    o->var_s[r] = var_s;
    o->z[r] = g.z;
    o->pvalue[r] = g.pvalue;
    o->tau[r] = tau;
    o->slope[r] = slope;
    o->intercept[r] = intercept;
    o->nobs[r] = (int64_t)m;
    o->h[r] = (uint8_t)g.h;
    o->trend[r] = (int8_t)g.trend;
    o->status[r] = (int8_t)status;
}

typedef struct {
    const sc_trend_data *data;
    const double *z;            /* z_{(1+conf)/2} per level */
    size_t n_conf;
    sc_sen_output *out;
} sen_job;

static void sen_row(const void *arg, size_t r, workspace *w)
{
    const sen_job *job = arg;
    sc_sen_output *o = job->out;
    double slope = NAN, intercept = NAN;
    size_t m;
    int status = gather(job->data, r, w, &m);
    if (status == SC_TREND_ROW_OK) {
        if (m < 2) status = SC_TREND_ROW_TOO_SHORT;
        else if (is_constant(w->x, m)) status = SC_TREND_ROW_CONSTANT;
    }
    double *lower = o->lower + r * job->n_conf, *upper = o->upper + r * job->n_conf;
    for (size_t j = 0; j < job->n_conf; j++) lower[j] = upper[j] = NAN;
    if (status == SC_TREND_ROW_OK) {
        pair_counts c;
        pair_pass(w->x, w->t, m, w->d, &c);
        const size_t k = m * (m - 1) / 2;
        slope = median(w, w->d, k);
        intercept = median(w, w->x, m) - slope * median_sorted(w->t, m);
        const double sd = sqrt(mk_variance(m, &c));
        for (size_t j = 0; j < job->n_conf; j++) {
            const double C = job->z[j] * sd;
            const double rank_lo = rint(((double)k - C) / 2);
            const double rank_up = rint(((double)k + C) / 2 + 1);
            double v, unused;
            if (rank_lo >= 1 && rank_lo <= (double)k) {
                select_ranks(w, w->d, k, (size_t)rank_lo - 1, (size_t)rank_lo - 1, &v, &unused);
                lower[j] = v;
            }
            if (rank_up >= 1 && rank_up <= (double)k) {
                select_ranks(w, w->d, k, (size_t)rank_up - 1, (size_t)rank_up - 1, &v, &unused);
                upper[j] = v;
            }
        }
    }
    o->slope[r] = slope;
    o->intercept[r] = intercept;
    o->nobs[r] = (int64_t)m;
    o->status[r] = (int8_t)status;
}

typedef struct {
    const sc_trend_data *data;
    sc_pettitt_output *out;
} pettitt_job;

static void pettitt_row(const void *arg, size_t r, workspace *w)
{
    const pettitt_job *job = arg;
    sc_pettitt_output *o = job->out;
    double statistic = NAN, pvalue = NAN;
    int64_t location = -1;
    size_t m;
    int status = gather(job->data, r, w, &m);
    if (status == SC_TREND_ROW_OK) {
        if (m < 2) status = SC_TREND_ROW_TOO_SHORT;
        else if (is_constant(w->x, m)) status = SC_TREND_ROW_CONSTANT;
    }
    if (status == SC_TREND_ROW_OK) {
        midranks2(w->x, m, w->order, w->u);
        const double n = (double)m;
        double cum = 0, best = -1;
        size_t at = 0;
        for (size_t k = 0; k < m; k++) {
            cum += w->u[k];
            const double u = fabs(cum - (double)(k + 1) * (n + 1));
            if (u > best) {
                best = u;
                at = k;
            }
        }
        statistic = best;
        pvalue = fmin(1.0, 2.0 * exp((-6.0 * best * best) / (n * n * n + n * n)));
        location = (int64_t)w->pos[at];
    }
    o->statistic[r] = statistic;
    o->pvalue[r] = pvalue;
    o->location[r] = location;
    o->nobs[r] = (int64_t)m;
    o->status[r] = (int8_t)status;
}

/* ---- batches --------------------------------------------------------------------------- */

typedef void (*row_kernel)(const void *job, size_t r, workspace *w);

/* One batch for sc_parallel_rows: a test's row kernel and job, and its workspace shape. */
typedef struct {
    size_t n, pairs;
    int simd;
    row_kernel kernel;
    const void *job;
} batch;

static void *batch_alloc(const void *arg)
{
    const batch *b = arg;
    return workspace_alloc(b->n, b->pairs, b->simd);
}

static int batch_row(const void *arg, size_t r, void *w)
{
    const batch *b = arg;
    b->kernel(b->job, r, w);
    return SC_SUCCESS;
}

/* kernel(job, r, w) for every row r, in parallel, one workspace per thread. */
static int run_rows(size_t rows, size_t n, size_t pairs, int threads, row_kernel kernel,
                    const void *job)
{
    static const sc_row_kernel rows_kernel = {batch_alloc, free, batch_row};
    const batch b = {n, pairs, simd_level(), kernel, job};
    return sc_parallel_rows(rows, threads, rows, 64, &rows_kernel, &b, NULL);
}

/* n(n-1)/2, or 0 when slopes for so many pairs could not be addressed. */
static size_t pair_slots(size_t n)
{
    if (n > 0 && (n - 1) > SIZE_MAX / 32 / n) return 0;
    return n * (n - 1) / 2;
}

int sc_trend_mk(const sc_trend_data *data, sc_mk_method method, double alpha, size_t lag,
                int threads, sc_mk_output *out)
{
    if (!(alpha > 0 && alpha < 1) || method < SC_MK_ORIGINAL || method > SC_MK_TFPW)
        return SC_EINVAL;
    const size_t pairs = pair_slots(data->n);
    if (pairs == 0 && data->n > 1) return SC_ENOMEM;
    mk_job job = {data, method, sc_dist_norm_quantile(1 - alpha / 2), lag, out};
    return run_rows(data->rows, data->n, pairs + 1, threads, mk_row, &job);
}

int sc_trend_seasonal(const sc_trend_data *data, size_t period, double alpha, int threads,
                      sc_seasonal_output *out)
{
    if (period == 0 || !(alpha > 0 && alpha < 1)) return SC_EINVAL;
    size_t pairs = 0;
    for (size_t season = 0; season < period && season < data->n; season++) {
        const size_t ng = (data->n - season + period - 1) / period, slots = pair_slots(ng);
        if (slots == 0 && ng > 1) return SC_ENOMEM;
        pairs += slots;
    }
    seasonal_job job = {data, period, sc_dist_norm_quantile(1 - alpha / 2), out};
    return run_rows(data->rows, data->n, pairs + 1, threads, seasonal_row, &job);
}

int sc_trend_sen(const sc_trend_data *data, const double *conf, size_t n_conf, int threads,
                 sc_sen_output *out)
{
    double *z = malloc((n_conf ? n_conf : 1) * sizeof *z);
    if (z == NULL) return SC_ENOMEM;
    for (size_t j = 0; j < n_conf; j++) {
        if (!(conf[j] > 0 && conf[j] < 1)) {
            free(z);
            return SC_EINVAL;
        }
        z[j] = sc_dist_norm_quantile(1 - (1 - conf[j]) / 2);
    }
    const size_t pairs = pair_slots(data->n);
    int status = SC_ENOMEM;
    if (pairs > 0 || data->n <= 1) {
        sen_job job = {data, z, n_conf, out};
        status = run_rows(data->rows, data->n, pairs + 1, threads, sen_row, &job);
    }
    free(z);
    return status;
}

int sc_trend_pettitt(const sc_trend_data *data, int threads, sc_pettitt_output *out)
{
    pettitt_job job = {data, out};
    return run_rows(data->rows, data->n, 0, threads, pettitt_row, &job);
}
