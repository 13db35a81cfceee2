/* Built-ins whose value is known when the program is compiled: the type
 * predicates (is_str, is_integer, ...), strcap-like sizes
 * (default_str_length), kfunc_exist(), kfunc_allowed(), and the checks that
 * stop compilation: static_assert(), assert_str() and fail(); getopt(), the
 * named parameters of the command line. */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtins/entries.h"
#include "codegen/ir.h"
#include "printf_spec.h"
#include "probes/probe_kind.h"
#include "sema/sema.h"
#include "target/btf.h"

/* A value every compile-time built-in leaves in call->ival. */
static void set_constant(struct node *call, int64_t v, bool is_signed)
{
    call->ival = v;
    call->type = type_int(8, is_signed);
}

/* The same for a bool (true/false when printed, as current bpftrace). */
static void set_bool(struct node *call, bool v)
{
    call->ival = v;
    call->type = type_bool();
}

void check_type_predicate(struct semantic *sem, struct node *call)
{
    const struct node *arg = call->args[0];
    const struct type *t = &arg->type;
    const char *which = call->name + 3; /* after "is_" */
    bool v = false;
    if (strcmp(which, "str") == 0)
        v = t->kind == TY_STRING;
    else if (strcmp(which, "integer") == 0)
        v = t->kind == TY_INT;
    else if (strcmp(which, "unsigned_integer") == 0)
        v = t->kind == TY_INT && !t->is_signed;
    else if (strcmp(which, "ptr") == 0)
        v = t->kind == TY_PTR;
    else if (strcmp(which, "array") == 0)
        v = t->kind == TY_ARRAY;
    else if (strcmp(which, "literal") == 0)
        v = arg->kind == N_INT || arg->kind == N_STRING;
    set_bool(call, v);
    (void)sem;
}

void check_default_str_length(struct semantic *sem, struct node *call)
{
    set_constant(call, sem->strlen, false);
}

int builtin_kernel_func_id(const char *name)
{
    const struct btf *btf = kernel_btf();
    return btf ? btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) : -1;
}

void check_kfunc(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "%s() expects a function name as a string literal", call->name);
        return;
    }
    bool v = builtin_kernel_func_id(arg->str) > 0;
    if (strcmp(call->name, "kfunc_allowed") == 0)
        v = v && (probe_kind_of(sem->cur->provider)->offers & OFFERS_BTF_FUNC);
    set_bool(call, v);
}

/* A condition known now: a literal, a compile-time built-in's value, or !
 * of one. */
static bool constant_condition(const struct node *n, int64_t *out)
{
    if (sem_literal_int(n, out))
        return true;
    if (n->kind == N_CALL && n->builtin && n->builtin->gen == gen_constant) {
        *out = n->ival;
        return true;
    }
    if (n->kind == N_UNARY && n->op == '!' && constant_condition(n->lhs, out)) {
        *out = !*out;
        return true;
    }
    return false;
}

void check_static_assert(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    int64_t v;
    if (!constant_condition(call->args[0], &v)) {
        sem_error(sem, call->args[0]->loc,
                  "static_assert() needs a condition known at compile time");
        return;
    }
    if (call->args[1]->kind != N_STRING) {
        sem_error(sem, call->args[1]->loc, "static_assert() message must be a string literal");
        return;
    }
    if (!v)
        sem_error(sem, call->loc, "static_assert failed: %s", call->args[1]->str);
}

/* assert_str(x): x must be string-like: a string, or an array of chars
 * (which reads as one). Nothing happens at run time. */
void check_assert_str(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    const struct type *t = &call->args[0]->type;
    if (t->kind == TY_NONE || t->kind == TY_STRING)
        return;
    if (t->kind == TY_ARRAY && t->elem && t->elem->kind == TY_INT && t->elem->is_char)
        return;
    sem_error(sem, call->args[0]->loc, "assert_str() expects a string, got '%s'",
              type_name_of(t));
}

/* fail(fmt, literals...): the formatted message is an error wherever the
 * call is. */
void check_fail(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_VOID;
    if (call->args[0]->kind != N_STRING) {
        sem_error(sem, call->args[0]->loc, "fail() needs a string literal as its format");
        return;
    }
    struct printf_format f;
    struct printf_error err;
    if (printf_format_parse(call->args[0]->str, &f, &err) < 0) {
        sem_error(sem, call->args[0]->loc, "%s", err.message);
        return;
    }
    char text[1024];
    size_t len = 0;
    int arg = 1;
    for (int i = 0; i < f.npieces && len < sizeof(text); i++) {
        const struct printf_piece *p = &f.pieces[i];
        if (!p->is_conversion) {
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", p->text);
            continue;
        }
        struct node *a = arg < call->nargs ? call->args[arg++] : NULL;
        if (!a || (a->kind != N_INT && a->kind != N_STRING)) {
            sem_error(sem, a ? a->loc : call->loc, "fail() arguments must be literals");
            printf_format_free(&f);
            return;
        }
        if (a->kind == N_STRING)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", a->str);
        else
            len += (size_t)snprintf(text + len, sizeof(text) - len, "%lld", (long long)a->ival);
    }
    printf_format_free(&f);
    sem_error(sem, call->loc, "%s", text);
}

/* ---- getopt() ---- */

enum option_kind { OPTION_BOOL, OPTION_INT, OPTION_STRING };

/* The command line's "--name" or "--name=value" for name: 1 and *value
 * (NULL for a bare --name), or 0 when it was not given. */
static int named_param(const struct semantic *sem, const char *name, const char **value)
{
    size_t n = strlen(name);
    for (int i = 0; i < sem->nnamed_params; i++) {
        const char *p = sem->named_params[i] + 2;
        if (strncmp(p, name, n) == 0 && (p[n] == '\0' || p[n] == '=')) {
            *value = p[n] == '=' ? p + n + 1 : NULL;
            return 1;
        }
    }
    return 0;
}

/* The default's kind and value: a string, an integer or true/false literal. */
static bool option_default(struct node *d, enum option_kind *kind, int64_t *ival)
{
    if (d->kind == N_STRING) {
        *kind = OPTION_STRING;
        return true;
    }
    if (d->kind == N_BUILTIN && (strcmp(d->name, "true") == 0 || strcmp(d->name, "false") == 0)) {
        *kind = OPTION_BOOL;
        *ival = d->name[0] == 't';
        return true;
    }
    *kind = OPTION_INT;
    if (d->kind == N_INT) {
        *ival = d->ival;
        return true;
    }
    if (d->kind == N_UNARY && d->op == '-' && d->lhs->kind == N_INT) {
        *ival = -d->lhs->ival;
        return true;
    }
    return false;
}

/* A value given on the command line, as the option's kind reads it. */
static bool option_value(enum option_kind kind, const char *text, int64_t *ival)
{
    if (kind == OPTION_BOOL) {
        if (!text || strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
            *ival = 1;
        else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
            *ival = 0;
        else
            return false;
        return true;
    }
    if (kind == OPTION_STRING)
        return text != NULL;
    char *end;
    errno = 0;
    *ival = text && *text ? strtoll(text, &end, 0) : 0;
    return text && *text && !*end && errno == 0;
}

/* Records the option for `-- --help` and the check that every named
 * parameter given is read, once per name. */
static void add_option(struct semantic *sem, const char *name, enum option_kind kind,
                       const struct node *deflt, int64_t ival, const char *description)
{
    for (int i = 0; i < sem->noption_help; i++)
        if (strcmp(sem->option_names[i], name) == 0)
            return;
    static const char *const kinds[] = {"", "=INT", "=STRING"};
    char head[160], line[512];
    snprintf(head, sizeof(head), "--%s%s", name, kinds[kind]);
    if (kind == OPTION_STRING)
        snprintf(line, sizeof(line), "    %-24s %s%s(default: \"%s\")", head,
                 description ? description : "", description ? " " : "", deflt->str);
    else if (kind == OPTION_INT)
        snprintf(line, sizeof(line), "    %-24s %s%s(default: %lld)", head,
                 description ? description : "", description ? " " : "", (long long)ival);
    else
        snprintf(line, sizeof(line), "    %-24s %s%s(default: %s)", head,
                 description ? description : "", description ? " " : "", ival ? "true" : "false");
    char **names = realloc(sem->option_names, (size_t)(sem->noption_help + 1) * sizeof(char *));
    if (names)
        sem->option_names = names;
    char **help = realloc(sem->option_help, (size_t)(sem->noption_help + 1) * sizeof(char *));
    if (help)
        sem->option_help = help;
    if (!names || !help) {
        fprintf(stderr, "ERROR: out of memory\n");
        exit(1);
    }
    sem->option_names[sem->noption_help] = strdup(name);
    sem->option_help[sem->noption_help++] = strdup(line);
}

/* getopt(name [, default [, description]]): the named parameter's value,
 * known at compile time; its kind is the default's (a bool without one).
 * A string's text is call->str, any other value call->ival. */
void check_getopt(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *name = call->args[0];
    if (name->kind != N_STRING || name->slen == 0) {
        sem_error(sem, name->loc, "getopt() expects an option name as a string literal");
        return;
    }
    enum option_kind kind = OPTION_BOOL;
    int64_t ival = 0;
    if (call->nargs > 1 && !option_default(call->args[1], &kind, &ival)) {
        sem_error(sem, call->args[1]->loc,
                  "getopt() default must be a string, integer or boolean literal");
        return;
    }
    if (call->nargs > 2 && call->args[2]->kind != N_STRING) {
        sem_error(sem, call->args[2]->loc, "getopt() description must be a string literal");
        return;
    }
    add_option(sem, name->str, kind, call->nargs > 1 ? call->args[1] : NULL, ival,
               call->nargs > 2 ? call->args[2]->str : NULL);
    const char *text = kind == OPTION_STRING ? call->args[1]->str : NULL;
    const char *given;
    if (named_param(sem, name->str, &given)) {
        if (!option_value(kind, given, &ival)) {
            static const char *const kinds[] = {"a boolean", "an integer", "a string"};
            sem_error(sem, call->loc, "Program option --%s expects %s value%s, got '%s'",
                      name->str, kinds[kind], kind == OPTION_BOOL ? "" : " (--name=value)",
                      given ? given : "");
            return;
        }
        if (kind == OPTION_STRING)
            text = given;
    }
    if (kind == OPTION_BOOL) {
        set_bool(call, ival != 0);
        return;
    }
    if (kind == OPTION_INT) {
        set_constant(call, ival, true);
        return;
    }
    call->str = (char *)text;
    call->slen = strlen(text);
    call->type = (struct type){.kind = TY_STRING, .size = (uint32_t)call->slen + 1};
}

LLVMValueRef gen_getopt(struct codegen *g, struct node *call, const struct gen_args *a)
{
    if (call->type.kind != TY_STRING)
        return gen_i64(g, call->ival);
    return gen_const_bytes(g, call->str, (uint32_t)call->slen, call->type.size);
}

LLVMValueRef gen_constant(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_i64(g, call->ival);
}

LLVMValueRef gen_nothing(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return NULL;
}
