/* Kernel symbolization: a table of (address, name) from kallsyms, sorted by
 * address, searched by bisection. See symbols.h for the rules. */
#include "symbols/ksyms.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bcc ignores anything below this (user-space addresses in kallsyms are
 * placeholders such as per-CPU offsets); so do we, to pick the same symbols. */
#define KERNEL_ADDRESS_SPACE_START 0x00ffffffffffffffULL

struct ksym {
    uint64_t addr;
    char *name;
};

struct ksym_table {
    struct ksym *syms;
    size_t n, cap;
    bool loaded;
};

static struct ksym_table table;
/* The first ksym_format loads the table; the --metrics thread may format
 * keys while the event loop does, so the load happens once under a lock
 * (afterwards the table is only read, until ksym_free at the very end). */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

void symbols_format_address(uint64_t addr, char *buf, size_t cap)
{
    if (addr == 0)
        snprintf(buf, cap, "0");
    else
        snprintf(buf, cap, "0x%" PRIx64, addr);
}

void ksym_free(void)
{
    for (size_t i = 0; i < table.n; i++)
        free(table.syms[i].name);
    free(table.syms);
    memset(&table, 0, sizeof(table));
}

static bool is_data_symbol(char type)
{
    return strchr("bBdDrR", type) != NULL;
}

static int add_symbol(uint64_t addr, const char *name, size_t len)
{
    if (table.n == table.cap) {
        size_t cap = table.cap ? table.cap * 2 : 65536;
        struct ksym *grown = realloc(table.syms, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        table.syms = grown;
        table.cap = cap;
    }
    char *copy = strndup(name, len);
    if (!copy)
        return -ENOMEM;
    table.syms[table.n] = (struct ksym){.addr = addr, .name = copy};
    table.n++;
    return 0;
}

/* One kallsyms line: "ffffffff81000000 T _text" with an optional "\t[module]". */
static int parse_line(char *line)
{
    char *end;
    errno = 0;
    unsigned long long addr = strtoull(line, &end, 16);
    if (errno || end == line || *end != ' ')
        return 0; /* not a symbol line: ignore it */
    if (addr == 0 || addr < KERNEL_ADDRESS_SPACE_START)
        return 0;
    char type = end[1];
    if (type == '\0' || end[2] != ' ' || is_data_symbol(type))
        return 0;
    const char *name = end + 3;
    size_t len = strcspn(name, " \t\n");
    if (len == 0)
        return 0;
    return add_symbol(addr, name, len);
}

/* ---- Ordering symbols as bpftrace does ------------------------------------------
 *
 * bcc keeps kallsyms in a vector sorted with C++ std::sort by address alone, and
 * takes the last symbol at or below an address. std::sort is not stable, so
 * which of several aliases at one address (__x64_sys_sync, __ia32_sys_sync,
 * __do_sys_sync) bpftrace prints depends on how libstdc++'s introsort moves
 * equal elements. We sort with the same algorithm (median-of-three quicksort
 * down to runs of 16, heapsort past 2*log2(n) levels, then insertion sort)
 * so that the same alias comes out last. */

#define SORT_THRESHOLD 16

static bool addr_less(const struct ksym *a, const struct ksym *b)
{
    return a->addr < b->addr;
}

static void swap_ksyms(struct ksym *a, struct ksym *b)
{
    struct ksym t = *a;
    *a = *b;
    *b = t;
}

static void heap_sift_up(struct ksym *base, ptrdiff_t hole, ptrdiff_t top, struct ksym value)
{
    ptrdiff_t parent = (hole - 1) / 2;
    while (hole > top && addr_less(&base[parent], &value)) {
        base[hole] = base[parent];
        hole = parent;
        parent = (hole - 1) / 2;
    }
    base[hole] = value;
}

static void heap_adjust(struct ksym *base, ptrdiff_t hole, ptrdiff_t len, struct ksym value)
{
    ptrdiff_t top = hole, child = hole;
    while (child < (len - 1) / 2) {
        child = 2 * (child + 1);
        if (addr_less(&base[child], &base[child - 1]))
            child--;
        base[hole] = base[child];
        hole = child;
    }
    if ((len & 1) == 0 && child == (len - 2) / 2) {
        child = 2 * (child + 1);
        base[hole] = base[child - 1];
        hole = child - 1;
    }
    heap_sift_up(base, hole, top, value);
}

static void heap_sort(struct ksym *first, struct ksym *last)
{
    ptrdiff_t len = last - first;
    if (len < 2)
        return;
    for (ptrdiff_t parent = (len - 2) / 2;; parent--) {
        heap_adjust(first, parent, len, first[parent]);
        if (parent == 0)
            break;
    }
    while (last - first > 1) {
        last--;
        struct ksym value = *last;
        *last = *first;
        heap_adjust(first, 0, last - first, value);
    }
}

static void move_median_to_first(struct ksym *result, struct ksym *a, struct ksym *b,
                                 struct ksym *c)
{
    if (addr_less(a, b)) {
        if (addr_less(b, c))
            swap_ksyms(result, b);
        else if (addr_less(a, c))
            swap_ksyms(result, c);
        else
            swap_ksyms(result, a);
    } else if (addr_less(a, c)) {
        swap_ksyms(result, a);
    } else if (addr_less(b, c)) {
        swap_ksyms(result, c);
    } else {
        swap_ksyms(result, b);
    }
}

static struct ksym *partition_around_first(struct ksym *first, struct ksym *last)
{
    struct ksym *mid = first + (last - first) / 2;
    move_median_to_first(first, first + 1, mid, last - 1);
    struct ksym *pivot = first, *lo = first + 1, *hi = last;
    for (;;) {
        while (addr_less(lo, pivot))
            lo++;
        hi--;
        while (addr_less(pivot, hi))
            hi--;
        if (!(lo < hi))
            return lo;
        swap_ksyms(lo, hi);
        lo++;
    }
}

static void introsort_loop(struct ksym *first, struct ksym *last, int depth_limit)
{
    while (last - first > SORT_THRESHOLD) {
        if (depth_limit == 0) {
            heap_sort(first, last);
            return;
        }
        depth_limit--;
        struct ksym *cut = partition_around_first(first, last);
        introsort_loop(cut, last, depth_limit);
        last = cut;
    }
}

/* Moves *i left past every larger element; needs a smaller-or-equal one before it. */
static void linear_insert(struct ksym *i)
{
    struct ksym value = *i;
    struct ksym *prev = i - 1;
    while (addr_less(&value, prev)) {
        *i = *prev;
        i = prev;
        prev--;
    }
    *i = value;
}

static void insertion_sort(struct ksym *first, struct ksym *last)
{
    if (first == last)
        return;
    for (struct ksym *i = first + 1; i != last; i++) {
        if (addr_less(i, first)) {
            struct ksym value = *i;
            memmove(first + 1, first, (size_t)(i - first) * sizeof(*i));
            *first = value;
        } else {
            linear_insert(i);
        }
    }
}

static void sort_like_libstdcxx(struct ksym *first, size_t n)
{
    if (n < 2)
        return;
    int log2n = 0;
    while (((size_t)1 << (log2n + 1)) <= n)
        log2n++;
    introsort_loop(first, first + n, 2 * log2n);
    if (n > SORT_THRESHOLD) {
        insertion_sort(first, first + SORT_THRESHOLD);
        for (struct ksym *i = first + SORT_THRESHOLD; i != first + n; i++)
            linear_insert(i);
    } else {
        insertion_sort(first, first + n);
    }
}

int ksym_load_file(const char *path)
{
    ksym_free();
    table.loaded = true; /* even on failure: an unreadable file is not retried per address */
    FILE *f = fopen(path, "r");
    if (!f)
        return -errno;
    char *line = NULL;
    size_t line_cap = 0;
    int err = 0;
    while (!err && getline(&line, &line_cap, f) > 0)
        err = parse_line(line);
    free(line);
    fclose(f);
    if (err) {
        ksym_free();
        table.loaded = true;
        return err;
    }
    sort_like_libstdcxx(table.syms, table.n);
    return (int)table.n;
}

/* The last symbol (in sorted order) at or below addr. */
int ksym_load_symbols(const struct ksym_source *src)
{
    ksym_free();
    table.loaded = true;
    uint64_t addr;
    const char *name;
    int err = 0, rc;
    while (!err && (rc = src->next(src->state, &addr, &name)) > 0)
        err = add_symbol(addr, name, strlen(name));
    if (err || rc < 0) {
        ksym_free();
        table.loaded = true;
        return err ? err : rc;
    }
    sort_like_libstdcxx(table.syms, table.n);
    return (int)table.n;
}

static const struct ksym *find_symbol(uint64_t addr)
{
    size_t lo = 0, hi = table.n; /* first index with syms[i].addr > addr is in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table.syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? NULL : &table.syms[lo - 1];
}

bool ksym_format(uint64_t addr, bool with_offset, char *buf, size_t cap)
{
    pthread_mutex_lock(&load_lock);
    if (!table.loaded)
        ksym_load_file("/proc/kallsyms");
    pthread_mutex_unlock(&load_lock);
    const struct ksym *sym = find_symbol(addr);
    if (!sym) {
        symbols_format_address(addr, buf, cap);
        return false;
    }
    if (with_offset)
        snprintf(buf, cap, "%s+%" PRIu64, sym->name, addr - sym->addr);
    else
        snprintf(buf, cap, "%s", sym->name);
    return true;
}
