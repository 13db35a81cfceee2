/* The leaves of constant expressions: integer and character literals, and
 * the C types of casts and sizeof with their sizes on x86-64 Linux. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "preprocess/eval_internal.h"

/* ---- literals ---- */

bool eval_parse_integer(const char *s, int len, struct value *out)
{
    int base = 10, i = 0;
    if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len > 1 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        base = 2;
        i = 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    int digits = 0;
    for (; i < len; i++) {
        int c = (unsigned char)s[i], d;
        if (isdigit(c))
            d = c - '0';
        else if (isxdigit(c) && base == 16)
            d = tolower(c) - 'a' + 10;
        else
            break;
        if (d >= base)
            return false;
        v = v * base + d;
        digits++;
    }
    if (!digits && base != 8)
        return false;
    bool is_unsigned = false;
    int longs = 0;
    for (; i < len; i++) {
        if ((s[i] == 'u' || s[i] == 'U') && !is_unsigned)
            is_unsigned = true;
        else if ((s[i] == 'l' || s[i] == 'L') && longs < 2)
            longs++;
        else
            return false; /* floats and nonsense */
    }
    out->v = (int64_t)v;
    out->is_unsigned = is_unsigned || v > INT64_MAX;
    return true;
}

static int hex_value(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

bool eval_parse_char(const char *s, int len, struct value *out)
{
    if (len < 3 || s[0] != '\'' || s[len - 1] != '\'')
        return false;
    const char *p = s + 1, *end = s + len - 1;
    int c;
    if (*p != '\\') {
        c = (unsigned char)*p++;
    } else {
        p++;
        if (p >= end)
            return false;
        switch (*p) {
        case 'n':
            c = '\n';
            p++;
            break;
        case 't':
            c = '\t';
            p++;
            break;
        case 'r':
            c = '\r';
            p++;
            break;
        case 'a':
            c = '\a';
            p++;
            break;
        case 'b':
            c = '\b';
            p++;
            break;
        case 'f':
            c = '\f';
            p++;
            break;
        case 'v':
            c = '\v';
            p++;
            break;
        case 'x':
            c = 0;
            for (p++; p < end && isxdigit((unsigned char)*p); p++)
                c = c * 16 + hex_value((unsigned char)*p);
            break;
        default:
            if (*p >= '0' && *p <= '7') {
                c = 0;
                for (int k = 0; k < 3 && p < end && *p >= '0' && *p <= '7'; k++, p++)
                    c = c * 8 + (*p - '0');
            } else {
                c = (unsigned char)*p++;
            }
        }
    }
    if (p != end)
        return false; /* multi-character constants */
    out->v = (signed char)c;
    out->is_unsigned = false;
    return true;
}

/* ---- types in casts and sizeof ---- */

static const struct {
    const char *name;
    int size;
    bool is_unsigned;
} typedefs[] = {
    {"size_t", 8, true},
    {"ssize_t", 8, false},
    {"time_t", 8, false},
    {"off_t", 8, false},
    {"pid_t", 4, false},
    {"uid_t", 4, true},
    {"gid_t", 4, true},
    {"socklen_t", 4, true},
    {"sa_family_t", 2, true},
    {"in_port_t", 2, true},
    {"in_addr_t", 4, true},
    {"uintptr_t", 8, true},
    {"intptr_t", 8, false},
    {"ptrdiff_t", 8, false},
    {"__kernel_long_t", 8, false},
    {"__kernel_ulong_t", 8, true},
    {"__kernel_size_t", 8, true},
    {"__kernel_ssize_t", 8, false},
    {"__kernel_time_t", 8, false},
    {"__kernel_old_time_t", 8, false},
    {"__kernel_pid_t", 4, false},
    {"__kernel_sa_family_t", 2, true},
    {"__sum16", 2, true},
    {"__wsum", 4, true},
};

/* u8, __u8, s16, __s16, uint32_t, int64_t, __be32, __le16, ... */
static bool fixed_width(const struct tok *t, int *size, bool *is_unsigned)
{
    const char *s = t->text;
    int len = t->len;
    while (len && *s == '_') {
        s++;
        len--;
    }
    char buf[16];
    if (len <= 0 || len >= (int)sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int bits;
    char tail[8] = "";
    if (sscanf(buf, "u%d%7s", &bits, tail) >= 1 || sscanf(buf, "be%d%7s", &bits, tail) >= 1 ||
        sscanf(buf, "le%d%7s", &bits, tail) >= 1 || sscanf(buf, "uint%d%7s", &bits, tail) >= 1) {
        *is_unsigned = true;
    } else if (sscanf(buf, "s%d%7s", &bits, tail) >= 1 ||
               sscanf(buf, "int%d%7s", &bits, tail) >= 1) {
        *is_unsigned = false;
    } else {
        return false;
    }
    if (tail[0] && strcmp(tail, "_t") != 0)
        return false;
    if (bits != 8 && bits != 16 && bits != 32 && bits != 64)
        return false;
    *size = bits / 8;
    return true;
}

static bool is_qualifier(const struct tok *t)
{
    static const char *const words[] = {"const",    "volatile", "__force",   "__user",
                                        "__kernel", "__iomem",  "__bitwise", "__restrict",
                                        "restrict", NULL};
    for (int i = 0; words[i]; i++)
        if (tok_is(t, words[i]))
            return true;
    return false;
}

/* Is the token the start of a type name? */
static bool starts_type(const struct tok *t)
{
    static const char *const words[] = {
        "char", "short",  "int",   "long", "unsigned", "signed", "_Bool",      "bool",
        "void", "struct", "union", "enum", "float",    "double", "__signed__", NULL};
    if (t->kind != TK_IDENT)
        return false;
    for (int i = 0; words[i]; i++)
        if (tok_is(t, words[i]))
            return true;
    int size;
    bool u;
    if (is_qualifier(t) || fixed_width(t, &size, &u))
        return true;
    return t->len > 2 && memcmp(t->text + t->len - 2, "_t", 2) == 0;
}

/* Parse a type name (from the current token up to ')'), without consuming the
 * ')'. Returns false when the tokens are no type name. *known: the size is known. */
bool eval_parse_type(struct evaluator *e, struct type_info *ti, bool *known)
{
    int longs = 0, pointers = 0, words = 0, type_words = 0;
    bool is_unsigned = false, sized = false, aggregate = false, is_bool = false, other = false;
    int size = 4;
    while (e->pos < e->n && !is(e, ")")) {
        const struct tok *t = &e->t[e->pos];
        int fw;
        bool fu;
        if (t->kind == TK_IDENT && !is_qualifier(t))
            type_words++;
        if (is(e, "*")) {
            pointers++;
        } else if (t->kind != TK_IDENT) {
            return false;
        } else if (is_qualifier(t) || tok_is(t, "signed") || tok_is(t, "__signed__") ||
                   tok_is(t, "int")) {
        } else if (tok_is(t, "unsigned")) {
            is_unsigned = true;
        } else if (tok_is(t, "long")) {
            longs++;
        } else if (tok_is(t, "short")) {
            size = 2, sized = true;
        } else if (tok_is(t, "char")) {
            size = 1, sized = true;
        } else if (tok_is(t, "_Bool") || tok_is(t, "bool")) {
            size = 1, sized = true, is_bool = true;
        } else if (tok_is(t, "struct") || tok_is(t, "union") || tok_is(t, "enum")) {
            aggregate = !tok_is(t, "enum");
            if (tok_is(t, "enum"))
                size = 4, sized = true;
            e->pos++; /* the tag */
        } else if (tok_is(t, "void") || tok_is(t, "float") || tok_is(t, "double")) {
            other = true;
            size = tok_is(t, "double") ? 8 : tok_is(t, "float") ? 4 : 1;
            sized = true;
        } else if (fixed_width(t, &fw, &fu)) {
            size = fw, sized = true, is_unsigned = fu;
        } else {
            bool found = false;
            for (size_t i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++)
                if (tok_is(t, typedefs[i].name)) {
                    size = typedefs[i].size, sized = true, is_unsigned = typedefs[i].is_unsigned;
                    found = true;
                }
            if (!found) {
                if (type_words > 1 || !starts_type(t))
                    return false;
                other = true;
                sized = false;
                size = 0;
            }
        }
        words++;
        e->pos++;
    }
    if (!words)
        return false;
    if (longs && !sized)
        size = 8;
    *known = !other || sized;
    if (aggregate)
        *known = false;
    if (pointers) {
        *ti = (struct type_info){8, true, false};
        *known = true;
    } else {
        *ti = (struct type_info){other && !sized ? 0 : size, is_unsigned, is_bool};
    }
    return true;
}

struct value eval_convert(struct value v, struct type_info ti)
{
    if (ti.is_bool)
        return (struct value){v.v != 0, false};
    if (ti.size == 0 || ti.size >= 8)
        return (struct value){v.v, ti.size ? ti.is_unsigned : v.is_unsigned};
    int bits = ti.size * 8;
    uint64_t mask = (1ull << bits) - 1, u = (uint64_t)v.v & mask;
    if (!ti.is_unsigned && (u >> (bits - 1)))
        u |= ~mask;
    /* small unsigned types promote to int */
    return (struct value){(int64_t)u, false};
}

/* Is the '(' at pos the start of a cast? */
bool eval_at_cast(struct evaluator *e)
{
    int save = e->pos;
    e->pos++;
    if (e->pos >= e->n || !starts_type(&e->t[e->pos])) {
        e->pos = save;
        return false;
    }
    struct type_info ti;
    bool known;
    bool ok = eval_parse_type(e, &ti, &known) && is(e, ")");
    e->pos = save;
    return ok;
}
