/* Built-ins whose value is known when the program is compiled: the type
 * predicates (is_str, is_integer, ...), strcap-like sizes
 * (default_str_length), kfunc_exist(), kfunc_allowed(), and the checks that
 * stop compilation: static_assert() and fail(). */
#include <bpf/btf.h>
#include <stdio.h>
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
    set_constant(call, v, false);
    (void)sem;
}

void check_default_str_length(struct semantic *sem, struct node *call)
{
    set_constant(call, sem->strlen, false);
}

static bool kernel_has_function(const char *name)
{
    const struct btf *btf = kernel_btf();
    return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

void check_kfunc(struct semantic *sem, struct node *call)
{
    call->type.kind = TY_NONE;
    struct node *arg = call->args[0];
    if (arg->kind != N_STRING) {
        sem_error(sem, arg->loc, "%s() expects a function name as a string literal", call->name);
        return;
    }
    bool v = kernel_has_function(arg->str);
    if (strcmp(call->name, "kfunc_allowed") == 0)
        v = v && (probe_kind_of(sem->cur->provider)->offers & OFFERS_BTF_FUNC);
    set_constant(call, v, false);
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

LLVMValueRef gen_constant(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return gen_i64(g, call->ival);
}

LLVMValueRef gen_nothing(struct codegen *g, struct node *call, const struct gen_args *a)
{
    return NULL;
}
