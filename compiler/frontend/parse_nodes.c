/* The nodes the grammar's actions build (declared in grammar/parser.y's
 * %code provides): kept out of the grammar file so that it reads as the
 * grammar. */
#include <string.h>

#include "parser.h"

struct node *parse_node(struct parse_ctx *ctx, enum node_kind kind, SOBT_YYLTYPE l)
{
    return ast_new_node(ctx->ast, kind, parse_loc(ctx, l));
}

struct node *parse_binary(struct parse_ctx *ctx, int op, struct node *lhs, struct node *rhs,
                          SOBT_YYLTYPE l)
{
    struct node *n = parse_node(ctx, N_BINARY, l);
    n->op = op;
    n->lhs = lhs;
    n->rhs = rhs;
    return n;
}

struct node *parse_unary(struct parse_ctx *ctx, int op, struct node *operand, SOBT_YYLTYPE l)
{
    /* A minus applied to a literal is folded into the literal, so that
     * constant arguments such as lhist(x, -10, 10, 1) stay plain integers. */
    if (op == '-' && operand->kind == N_INT) {
        operand->ival = (int64_t)(0 - (uint64_t)operand->ival);
        operand->is_unsigned = false;
        operand->loc = parse_loc(ctx, l);
        return operand;
    }
    struct node *n = parse_node(ctx, N_UNARY, l);
    n->op = op;
    n->lhs = operand;
    return n;
}

struct node *parse_incdec(struct parse_ctx *ctx, int op, bool prefix, struct node *target,
                          SOBT_YYLTYPE l)
{
    struct node *n = parse_node(ctx, N_INCDEC, l);
    n->op = op;
    n->is_prefix = prefix;
    n->lhs = target;
    return n;
}

struct node *parse_field(struct parse_ctx *ctx, struct node *lhs, char *name, bool arrow,
                         SOBT_YYLTYPE l)
{
    struct node *n = parse_node(ctx, N_FIELD, l);
    n->lhs = lhs;
    n->name = name;
    n->is_arrow = arrow;
    return n;
}

struct node *parse_assign(struct parse_ctx *ctx, int op, struct node *lhs, struct node *rhs,
                          SOBT_YYLTYPE l, SOBT_YYLTYPE op_l)
{
    struct node *n = parse_node(ctx, N_ASSIGN, l);
    n->op_loc = parse_loc(ctx, op_l);
    n->op = op;
    n->lhs = lhs;
    n->rhs = rhs;
    return n;
}

/* Lists are gathered in a scratch node whose args array is then handed to
 * the node that owns it. */
struct node *parse_list(struct parse_ctx *ctx, struct node *first, SOBT_YYLTYPE l)
{
    struct node *list = parse_node(ctx, N_TUPLE, l);
    ast_push(ctx->ast, &list->args, &list->nargs, first);
    return list;
}

void parse_take_args(struct node *owner, struct node *list)
{
    owner->args = list->args;
    owner->nargs = list->nargs;
}

/* Probes go to the program's probe list; macros and map declarations, which
 * may sit between them, to its args. */
void parse_add_top_item(struct parse_ctx *ctx, struct node *program, struct node *item)
{
    if (item->kind == N_PROBE)
        ast_push(ctx->ast, &program->probes, &program->nprobes, item);
    else
        ast_push(ctx->ast, &program->args, &program->nargs, item);
}

struct type_name *parse_type_name(struct parse_ctx *ctx, char *base, SOBT_YYLTYPE l)
{
    struct type_name *t = ast_alloc(ctx->ast, sizeof(*t));
    t->base = base;
    t->loc = parse_loc(ctx, l);
    return t;
}

char *parse_join_words(struct parse_ctx *ctx, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = ast_alloc(ctx->ast, la + lb + 2);
    memcpy(s, a, la);
    s[la] = ' ';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}
