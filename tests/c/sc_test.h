/* The C tests' one helper: checks that count, a reader for the reference CSVs, and the
 * closing line.  Header-only; each test program includes it once.
 *
 *   SC_CHECK(cond, "what %d", i)                  a condition
 *   SC_CHECK_CLOSE(got, want, rtol, atol, "what")  |got - want| <= atol + rtol |want|, NaN
 *                                                  only against NaN, infinities equal
 *   sc_csv *t = sc_csv_read(dir, "file.csv")       quoted fields, "NA"/"NaN" -> NaN, lines
 *                                                  starting with # skipped
 *   sc_csv_num(t, row, "column"), sc_csv_str(t, row, "column")
 *   return sc_test_done("test_trend");            prints "<name>: N passed, M failed"
 *
 * A test program takes the reference directory as its argument (default tests/reference). */
#ifndef SC_TEST_H
#define SC_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sc_test_passed, sc_test_failed;

static inline void sc_test_report(int ok, const char *file, int line, const char *fmt, ...)
{
    if (ok) {
        sc_test_passed++;
        return;
    }
    sc_test_failed++;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static inline int sc_test_close(double got, double want, double rtol, double atol)
{
    if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got)) return got == want;
    return fabs(got - want) <= atol + rtol * fabs(want);
}

#define SC_CHECK(cond, ...) sc_test_report((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)

#define SC_CHECK_CLOSE(got, want, rtol, atol, what)                                       \
    do {                                                                                  \
        const double got_ = (got), want_ = (want);                                        \
        sc_test_report(sc_test_close(got_, want_, (rtol), (atol)), __FILE__, __LINE__,   \
                       "%s: got %.17g, want %.17g", (what), got_, want_);                 \
    } while (0)

/* The closing line of a program; its exit status. */
static inline int sc_test_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, sc_test_passed, sc_test_failed);
    return sc_test_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- reference CSVs ---------------------------------------------------------------------- */

typedef struct {
    size_t rows, cols;
    char **head;                /* cols */
    char **cell;                /* rows * cols */
} sc_csv;

/* One field from *p (quoted or not, "" inside quotes for a quote); *p moves to its end. */
static inline char *sc_csv_field(const char **p)
{
    const char *s = *p;
    size_t cap = 16, len = 0;
    char *out = malloc(cap);
    if (out == NULL) abort();
    int quoted = *s == '"';
    if (quoted) s++;
    for (;;) {
        char c = *s;
        if (c == '\0') break;
        if (quoted && c == '"') {
            if (s[1] == '"') {
                s++;
            } else {
                quoted = 0;
                s++;
                continue;
            }
        } else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
            break;
        }
        if (len + 2 > cap && (out = realloc(out, cap *= 2)) == NULL) abort();
        out[len++] = *s++;
    }
    out[len] = '\0';
    *p = s;
    return out;
}

static inline size_t sc_csv_split(const char *line, char ***fields)
{
    size_t n = 0, cap = 8;
    char **f = malloc(cap * sizeof *f);
    if (f == NULL) abort();
    for (const char *p = line;; p++) {
        if (n == cap && (f = realloc(f, (cap *= 2) * sizeof *f)) == NULL) abort();
        f[n++] = sc_csv_field(&p);
        if (*p != ',') break;
    }
    *fields = f;
    return n;
}

/* dir/name, read whole; exits the program when it cannot be read. */
static inline sc_csv *sc_csv_read(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(EXIT_FAILURE);
    }
    sc_csv *t = calloc(1, sizeof *t);
    char *line = NULL;
    size_t cap = 0, rows_cap = 0;
    int c;
    for (;;) {
        size_t len = 0;
        while ((c = fgetc(fp)) != EOF) {
            if (len + 2 > cap && (line = realloc(line, cap = cap ? 2 * cap : 256)) == NULL) abort();
            line[len++] = (char)c;
            if (c == '\n') break;
        }
        if (len == 0) break;
        line[len] = '\0';
        if (line[0] == '\n' || line[0] == '\r' || line[0] == '#') continue;   /* notes */
        char **fields;
        const size_t n = sc_csv_split(line, &fields);
        if (t->head == NULL) {
            t->head = fields;
            t->cols = n;
            continue;
        }
        if (n != t->cols) {
            fprintf(stderr, "%s: row %zu has %zu fields, not %zu\n", path, t->rows + 1, n, t->cols);
            exit(EXIT_FAILURE);
        }
        if (t->rows == rows_cap &&
            (t->cell = realloc(t->cell, (rows_cap = rows_cap ? 2 * rows_cap : 64) * t->cols *
                                            sizeof *t->cell)) == NULL)
            abort();
        memcpy(t->cell + t->rows * t->cols, fields, n * sizeof *fields);
        free(fields);
        t->rows++;
    }
    free(line);
    fclose(fp);
    return t;
}

static inline size_t sc_csv_col(const sc_csv *t, const char *name)
{
    for (size_t j = 0; j < t->cols; j++)
        if (strcmp(t->head[j], name) == 0) return j;
    fprintf(stderr, "no column %s\n", name);
    exit(EXIT_FAILURE);
}

static inline const char *sc_csv_str(const sc_csv *t, size_t row, const char *name)
{
    return t->cell[row * t->cols + sc_csv_col(t, name)];
}

/* A number; NA, NaN and the empty field are NaN, Inf and -Inf infinities. */
static inline double sc_csv_num(const sc_csv *t, size_t row, const char *name)
{
    const char *s = sc_csv_str(t, row, name);
    if (*s == '\0' || strcmp(s, "NA") == 0 || strcmp(s, "NaN") == 0) return NAN;
    if (strcmp(s, "Inf") == 0) return INFINITY;
    if (strcmp(s, "-Inf") == 0) return -INFINITY;
    char *end;
    const double v = strtod(s, &end);
    if (*end != '\0') {
        fprintf(stderr, "%s: not a number: %s\n", name, s);
        exit(EXIT_FAILURE);
    }
    return v;
}

static inline void sc_csv_free(sc_csv *t)
{
    if (t == NULL) return;
    for (size_t j = 0; j < t->cols; j++) free(t->head[j]);
    for (size_t i = 0; i < t->rows * t->cols; i++) free(t->cell[i]);
    free(t->head);
    free(t->cell);
    free(t);
}

/* The reference directory: the program's argument, or tests/reference. */
static inline const char *sc_test_refdir(int argc, char **argv)
{
    return argc > 1 ? argv[1] : "tests/reference";
}

#endif
