/* Positional parameters $1, $2, ... and $#: the command line's arguments
 * after the program, read as bpftrace 0.17 reads them.
 *
 * Outside str() a parameter is a number: its whole text must parse as a
 * 64-bit integer (strtoll with base 0, so 0x10 and 010 work) and it becomes
 * an integer literal; a parameter that was not given is 0. Anything else is
 * an error, even text that looks numeric but does not fit (bpftrace says the
 * same), rather than a value silently clamped to -1.
 *
 * Inside str() a parameter is always its text, numeric or not (str($1) with
 * argument 1 is "1"), and one that was not given is "". bpftrace also lets
 * str() skip the first bytes of the text with one constant added to the
 * parameter: str($1 + 2), or str(2 + $1), up to the text's length. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/builtins.h"
#include "sema/walk.h"

static bool is_positional(const struct node *n)
{
    return n->kind == N_VAR && (n->name[1] == '#' || (n->name[1] >= '0' && n->name[1] <= '9'));
}

static bool is_count(const struct node *n)
{
    return n->name[1] == '#';
}

/* The parameter's index, or 0 (after an error) when it cannot be one. */
static long param_index(struct semantic *sem, const struct node *n)
{
    errno = 0;
    long index = strtol(n->name + 1, NULL, 10);
    if (errno || index < 1) {
        sem_error(sem, n->loc, "param %s is out of integer range [1, %lld]", n->name,
                  (long long)INT64_MAX);
        return 0;
    }
    return index;
}

/* The text of $index, or NULL when the command line did not give it. */
static const char *param_text(const struct semantic *sem, long index)
{
    return index >= 1 && index <= sem->nparams ? sem->params[index - 1] : NULL;
}

static void make_int(struct node *n, int64_t v)
{
    n->kind = N_INT;
    n->ival = v;
    n->is_unsigned = false;
    n->type = type_int(8, true);
}

/* The node becomes a string literal holding (at most `max` bytes of) text:
 * str() never shows more than the string size, so neither does the copy. */
static void make_param_string(struct semantic *sem, struct node *n, const char *text,
                              size_t max)
{
    size_t len = strnlen(text, max);
    n->kind = N_STRING;
    n->str = ast_strndup(sem->ast, text, len);
    n->slen = len;
    n->is_param_text = true;
    n->lhs = n->rhs = NULL;
    n->type = (struct type){.kind = TY_STRING, .size = (uint32_t)len + 1};
}

/* A parameter used as a number: it becomes an integer literal. */
static void substitute_number(struct semantic *sem, struct node *n)
{
    n->type.kind = TY_NONE;
    if (is_count(n)) {
        make_int(n, sem->nparams);
        return;
    }
    long index = param_index(sem, n);
    if (!index)
        return;
    const char *text = param_text(sem, index);
    if (!text) {
        make_int(n, 0);
        return;
    }
    /* the whole text, as bpftrace's std::stoll(s, &idx, 0) with idx == size */
    char *end = NULL;
    errno = 0;
    long long v = *text ? strtoll(text, &end, 0) : 0;
    if (!*text || *end != '\0') {
        sem_error(sem, n->loc, "%s used numerically but given \"%s\". Try using str(%s).",
                  n->name, text, n->name);
        return;
    }
    if (errno == ERANGE) {
        sem_error(sem, n->loc,
                  "%s used numerically but given \"%s\", which does not fit in a 64-bit "
                  "integer. Try using str(%s).",
                  n->name, text, n->name);
        return;
    }
    make_int(n, v);
}

static bool contains_positional(const struct node *n)
{
    if (!n)
        return false;
    if (is_positional(n))
        return true;
    return contains_positional(n->lhs) || contains_positional(n->rhs) ||
           contains_positional(n->cond) || contains_positional(n->then) ||
           contains_positional(n->els);
}

/* str($N + k) and str(k + $N): the text from byte k on. */
static void positional_plus_offset(struct semantic *sem, struct node *arg)
{
    struct node *param = is_positional(arg->lhs) ? arg->lhs : arg->rhs;
    struct node *other = param == arg->lhs ? arg->rhs : arg->lhs;
    if (is_count(param)) {
        sem_error(sem, param->loc, "use $#, not str($#)");
        return;
    }
    long index = param_index(sem, param);
    if (!index)
        return;
    const char *text = param_text(sem, index);
    text = text ? text : "";
    size_t len = strlen(text);
    if (arg->op != '+' || other->kind != N_INT || other->ival < 0 ||
        (uint64_t)other->ival > len) {
        sem_error(sem, other->loc,
                  "only addition of a single constant less or equal to the length of %s "
                  "(which is %zu) is allowed inside str()",
                  param->name, len);
        return;
    }
    make_param_string(sem, arg, text + other->ival, sem->strlen - 1);
}

/* str($N), str($N + k): the parameter's text becomes the argument. Returns
 * true when the argument involved a parameter (it is then a string literal,
 * or an error was reported). */
static bool substitute_text(struct semantic *sem, struct node *call)
{
    struct node *arg = call->args[0];
    if (is_positional(arg)) {
        if (is_count(arg)) {
            sem_error(sem, call->loc, "use $#, not str($#)");
            return true;
        }
        long index = param_index(sem, arg);
        if (index) {
            const char *text = param_text(sem, index);
            make_param_string(sem, arg, text ? text : "", sem->strlen - 1);
        }
        return true;
    }
    if (arg->kind == N_BINARY && (is_positional(arg->lhs) || is_positional(arg->rhs))) {
        positional_plus_offset(sem, arg);
        return true;
    }
    if (contains_positional(arg)) {
        sem_error(sem, call->loc,
                  "str() only accepts positional parameters directly or with a single constant "
                  "offset added");
        return true;
    }
    return false;
}

static void substitute(struct node *n, void *ctx)
{
    struct semantic *sem = ctx;
    if (is_positional(n)) {
        substitute_number(sem, n);
        return;
    }
    if (n->kind == N_CALL && n->nargs > 0) {
        const struct builtin_func *bf = builtin_func_find(n->name);
        if (bf && bf->param_text && substitute_text(sem, n)) {
            /* the first argument is done (or reported): the others remain */
            for (int i = 1; i < n->nargs; i++)
                substitute(n->args[i], sem);
            return;
        }
    }
    ast_for_each_child(n, substitute, sem);
}

void sem_substitute_positionals(struct semantic *sem)
{
    struct node *prog = sem->ast->root;
    for (int i = 0; i < prog->nprobes; i++)
        substitute(prog->probes[i], sem);
}

/* "$N" inside an attach point ("interval:ms:$1", "uprobe:$1:main") is the
 * parameter's text, as in bpftrace; one that was not given is empty. */
char *sem_attach_point_text(const struct semantic *sem, const char *text)
{
    size_t cap = strlen(text) + 1, len = 0;
    for (int i = 0; i < sem->nparams; i++)
        cap += strlen(sem->params[i]);
    char *out = malloc(cap * 2);
    if (!out)
        return NULL;
    cap *= 2;
    for (const char *p = text; *p;) {
        if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
            char *end;
            long index = strtol(p + 1, &end, 10);
            const char *value = param_text(sem, index);
            size_t vlen = value ? strlen(value) : 0;
            if (len + vlen + 1 > cap)
                break; /* $1$1...: cannot grow past every parameter twice */
            memcpy(out + len, value ? value : "", vlen);
            len += vlen;
            p = end;
        } else {
            out[len++] = *p++;
        }
    }
    out[len] = '\0';
    return out;
}
