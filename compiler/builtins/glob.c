/* globmatch(str, pattern): does the whole of str match the glob pattern?
 * `?` is any one character, `*` any run of them (`/` is not special), a
 * class `[abc]`, `[a-z]` or `[!abc]` one character of (or not of) a set;
 * anything else itself. The pattern is a literal, compiled here into a
 * small NFA whose states (the pattern items matched so far) are the bits of
 * one register: each character of str moves every state at once, in
 * straight-line code the verifier sees without loops. */
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "sema/sema.h"

#define GLOB_MAX_ITEMS 63 /* states 0..items fit in a u64 */

enum glob_kind { GLOB_CHAR, GLOB_ANY, GLOB_STAR, GLOB_CLASS };

struct glob_item {
    enum glob_kind kind;
    unsigned char c; /* GLOB_CHAR */
    bool negated;    /* GLOB_CLASS: [!...] */
    uint8_t set[32]; /* GLOB_CLASS: bit c for every character of the class */
};

/* The class starting at p (after its '['): its length up to the ']', or 0
 * when there is no closing ']' (then '[' is an ordinary character). */
static size_t parse_class(const char *p, struct glob_item *it)
{
    size_t i = 0;
    it->kind = GLOB_CLASS;
    it->negated = p[0] == '!';
    if (it->negated)
        i++;
    memset(it->set, 0, sizeof(it->set));
    bool first = true;
    for (; p[i] && (first || p[i] != ']'); first = false) {
        unsigned char lo = (unsigned char)p[i], hi = lo;
        if (p[i + 1] == '-' && p[i + 2] && p[i + 2] != ']') {
            hi = (unsigned char)p[i + 2];
            i += 3;
        } else {
            i++;
        }
        for (unsigned c = lo; c <= hi; c++)
            it->set[c / 8] |= (uint8_t)(1u << (c % 8));
    }
    return p[i] == ']' ? i + 1 : 0;
}

/* Returns the number of items, or -1 when there are too many. */
static int parse_glob(const char *pattern, struct glob_item *items)
{
    int n = 0;
    for (const char *p = pattern; *p;) {
        if (n == GLOB_MAX_ITEMS)
            return -1;
        struct glob_item *it = &items[n++];
        memset(it, 0, sizeof(*it));
        size_t class_len = *p == '[' ? parse_class(p + 1, it) : 0;
        if (class_len) {
            p += 1 + class_len;
        } else if (*p == '*') {
            it->kind = GLOB_STAR;
            while (*p == '*')
                p++;
        } else {
            it->kind = *p == '?' ? GLOB_ANY : GLOB_CHAR;
            it->c = (unsigned char)*p++;
        }
    }
    return n;
}

void check_globmatch(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *str = call->args[0], *pat = call->args[1];
    if (str->type.kind == TY_NONE)
        return;
    if (str->type.kind != TY_STRING) {
        sem_error(sem, str->loc, "globmatch() expects a string, got '%s'",
                  type_name_of(&str->type));
        return;
    }
    if (pat->kind != N_STRING) {
        sem_error(sem, pat->loc, "globmatch() pattern must be a string literal");
        return;
    }
    struct glob_item items[GLOB_MAX_ITEMS];
    if (parse_glob(pat->str, items) < 0) {
        sem_error(sem, pat->loc, "globmatch() pattern has more than %d items", GLOB_MAX_ITEMS);
        return;
    }
    call->type = type_bool();
}

static LLVMValueRef bit(struct codegen *g, LLVMValueRef v, int i)
{
    return LLVMBuildAnd(g->b, LLVMBuildLShr(g->b, v, gen_i64(g, i), ""), gen_i64(g, 1), "");
}

/* States reachable without reading: past every `*` whose state is set. */
static LLVMValueRef close_stars(struct codegen *g, const struct glob_item *items, int n,
                                LLVMValueRef states)
{
    for (int j = 0; j < n; j++)
        if (items[j].kind == GLOB_STAR)
            states = LLVMBuildOr(g->b, states,
                                 LLVMBuildShl(g->b, bit(g, states, j), gen_i64(g, j + 1), ""), "");
    return states;
}

/* Does character c (an i8, not NUL) match item it? An i64 0 or 1. */
static LLVMValueRef item_matches(struct codegen *g, const struct glob_item *it, LLVMValueRef c)
{
    if (it->kind == GLOB_ANY || it->kind == GLOB_STAR)
        return gen_i64(g, 1);
    if (it->kind == GLOB_CHAR)
        return LLVMBuildZExt(
            g->b, LLVMBuildICmp(g->b, LLVMIntEQ, c, LLVMConstInt(g->i8, it->c, false), ""), g->i64,
            "");
    LLVMValueRef in = LLVMConstInt(g->i1, 0, false);
    for (unsigned lo = 1; lo < 256; lo++) { /* each run of set characters: lo <= c <= hi */
        if (!(it->set[lo / 8] & (1u << (lo % 8))))
            continue;
        unsigned hi = lo;
        while (hi + 1 < 256 && (it->set[(hi + 1) / 8] & (1u << ((hi + 1) % 8))))
            hi++;
        LLVMValueRef from = LLVMBuildICmp(g->b, LLVMIntUGE, c, LLVMConstInt(g->i8, lo, false), "");
        LLVMValueRef to = LLVMBuildICmp(g->b, LLVMIntULE, c, LLVMConstInt(g->i8, hi, false), "");
        in = LLVMBuildOr(g->b, in, LLVMBuildAnd(g->b, from, to, ""), "");
        lo = hi;
    }
    if (it->negated)
        in = LLVMBuildNot(g->b, in, "");
    return LLVMBuildZExt(g->b, in, g->i64, "");
}

LLVMValueRef gen_globmatch(struct codegen *g, struct node *call, const struct gen_args *a)
{
    struct glob_item items[GLOB_MAX_ITEMS];
    int n = parse_glob(call->args[1]->str, items);
    uint32_t size = call->args[0]->type.size;
    LLVMValueRef states = close_stars(g, items, n, gen_i64(g, 1));
    LLVMValueRef ended = LLVMConstInt(g->i1, 0, false);
    for (uint32_t i = 0; i < size; i++) {
        LLVMValueRef c = gen_string_byte(g, a->value[0], size, i);
        ended = LLVMBuildOr(
            g->b, ended, LLVMBuildICmp(g->b, LLVMIntEQ, c, LLVMConstInt(g->i8, 0, false), ""), "");
        LLVMValueRef next = gen_i64(g, 0);
        for (int j = 0; j < n; j++) {
            LLVMValueRef moved =
                LLVMBuildAnd(g->b, bit(g, states, j), item_matches(g, &items[j], c), "");
            int to = items[j].kind == GLOB_STAR ? j : j + 1;
            next = LLVMBuildOr(g->b, next, LLVMBuildShl(g->b, moved, gen_i64(g, to), ""), "");
        }
        states = LLVMBuildSelect(g->b, ended, states, close_stars(g, items, n, next), "");
    }
    return bit(g, states, n);
}
