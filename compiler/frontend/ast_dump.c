/* -d ast: the tree as text, one node per line, each child indented one space
 * deeper than its parent. Scalar fields are printed on the node's own line
 * ("map: @x", "field: ->sk", "cast: struct sock *"); child nodes follow.
 * Two wrappers are left out because they carry nothing: a probe's body block
 * (its statements are listed under the probe) and expression statements.
 * The parser tests compare this text, so keep it stable. */
#include "frontend/ast.h"

static void dump_node(const struct node *n, int depth, FILE *out);

static void indent(int depth, FILE *out)
{
    for (int i = 0; i < depth; i++)
        fputc(' ', out);
}

/* Strings are shown quoted with C escapes so that every node stays on one
 * line and embedded NULs are visible. */
static void dump_string(const char *s, size_t len, FILE *out)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        default:
            if (c < 0x20 || c >= 0x7f)
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void dump_type(const struct type_name *t, FILE *out)
{
    fputs(t->base ? t->base : "?", out);
    if (t->of)
        fputs("(...)", out);
    if (t->has_len && t->array_len)
        fprintf(out, "[%lld]", (long long)t->array_len);
    else if (t->has_len)
        fputs("[]", out);
    if (t->pointers > 0)
        fputc(' ', out);
    for (int i = 0; i < t->pointers; i++)
        fputc('*', out);
}

static void dump_list(struct node *const *items, int n, int depth, FILE *out)
{
    for (int i = 0; i < n; i++)
        dump_node(items[i], depth, out);
}

/* A labelled group of statements: "then", "else", "body", "block". */
static void dump_block(const char *label, const struct node *block, int depth, FILE *out)
{
    indent(depth, out);
    fprintf(out, "%s\n", label);
    if (block && block->kind == N_BLOCK)
        dump_list(block->stmts, block->nstmts, depth + 1, out);
    else if (block)
        dump_node(block, depth + 1, out);
}

static void dump_probe(const struct node *n, int depth, FILE *out)
{
    indent(depth, out);
    fputs("probe\n", out);
    dump_list(n->attach, n->nattach, depth + 1, out);
    if (n->pred) {
        indent(depth + 1, out);
        fputs("pred\n", out);
        dump_node(n->pred, depth + 2, out);
    }
    if (n->then && n->then->kind == N_BLOCK)
        dump_list(n->then->stmts, n->then->nstmts, depth + 1, out);
    else if (n->then)
        dump_node(n->then, depth + 1, out);
}

/* The node's own line, without indentation or children. */
static void dump_label(const struct node *n, FILE *out)
{
    switch (n->kind) {
    case N_INT:
        fprintf(out, "int: %lld", (long long)n->ival);
        break;
    case N_STRING:
        fputs("string: ", out);
        dump_string(n->str ? n->str : "", n->str ? n->slen : 0, out);
        break;
    case N_BUILTIN:
        fprintf(out, "builtin: %s", n->name);
        break;
    case N_VAR:
        fprintf(out, "variable: %s", n->name);
        break;
    case N_MAP:
        fprintf(out, "map: %s", n->name);
        break;
    case N_CALL:
        fprintf(out, "call: %s", n->name);
        break;
    case N_BINARY:
        fputs(op_spelling(n->op), out);
        break;
    case N_UNARY:
        fprintf(out, "unary: %s", op_spelling(n->op));
        break;
    case N_TERNARY:
        fputs("?:", out);
        break;
    case N_FIELD:
        fprintf(out, "field: %s%s", n->is_arrow ? "->" : ".", n->name);
        break;
    case N_INDEX:
        fputs("[]", out);
        break;
    case N_CAST:
        fputs("cast: ", out);
        dump_type(n->cast_type, out);
        break;
    case N_SIZEOF:
        fputs("sizeof", out);
        if (n->cast_type) {
            fputs(": ", out);
            dump_type(n->cast_type, out);
        }
        break;
    case N_OFFSETOF:
        fputs("offsetof", out);
        if (n->cast_type) {
            fputs(": ", out);
            dump_type(n->cast_type, out);
        }
        fprintf(out, ", %s", n->name);
        break;
    case N_INCDEC:
        fprintf(out, "%s %s", n->is_prefix ? "prefix" : "postfix", op_spelling(n->op));
        break;
    case N_TUPLE:
        fputs("tuple", out);
        break;
    case N_BLOCK_EXPR:
        fputs("block expression", out);
        break;
    case N_COPY:
        fputs("copy", out);
        break;
    case N_EXPR_STMT:
        fputs("expr", out);
        break;
    case N_ASSIGN:
        fprintf(out, "%s=", op_spelling(n->op));
        break;
    case N_VAR_DECL:
        fprintf(out, "let: %s", n->name);
        if (n->cast_type) {
            fputs(" : ", out);
            dump_type(n->cast_type, out);
        }
        break;
    case N_IF:
        fputs("if", out);
        break;
    case N_WHILE:
        fputs("while", out);
        break;
    case N_UNROLL:
        fputs("unroll", out);
        break;
    case N_FOR:
        fprintf(out, "for: %s", n->name);
        break;
    case N_MACRO:
        fprintf(out, "macro: %s", n->name);
        break;
    case N_MAP_DECL:
        fprintf(out, "map declaration: %s = %s", n->name, n->str);
        break;
    case N_RETURN:
        fputs("return", out);
        break;
    case N_BREAK:
        fputs("break", out);
        break;
    case N_CONTINUE:
        fputs("continue", out);
        break;
    case N_BLOCK:
        fputs("block", out);
        break;
    case N_PROBE:
        fputs("probe", out);
        break;
    case N_ATTACH:
        fprintf(out, "attach: %s", n->str);
        break;
    case N_CONFIG:
        fputs("config", out);
        break;
    case N_PROGRAM:
        fputs("Program", out);
        break;
    }
}

static void dump_node(const struct node *n, int depth, FILE *out)
{
    if (!n)
        return;
    switch (n->kind) {
    case N_EXPR_STMT:
        dump_node(n->lhs, depth, out);
        return;
    case N_PROBE:
        dump_probe(n, depth, out);
        return;
    default:
        break;
    }

    indent(depth, out);
    dump_label(n, out);
    fputc('\n', out);
    int child = depth + 1;

    switch (n->kind) {
    case N_MAP:
    case N_CALL:
    case N_TUPLE:
    case N_CONFIG:
        dump_list(n->args, n->nargs, child, out);
        break;
    case N_BINARY:
    case N_INDEX:
    case N_ASSIGN:
        dump_node(n->lhs, child, out);
        dump_node(n->rhs, child, out);
        break;
    case N_UNARY:
    case N_FIELD:
    case N_CAST:
    case N_SIZEOF:
    case N_OFFSETOF:
    case N_INCDEC:
    case N_RETURN:
    case N_COPY:
        dump_node(n->lhs, child, out);
        break;
    case N_BLOCK_EXPR:
        dump_block("block", n->then, child, out);
        dump_node(n->lhs, child, out);
        break;
    case N_VAR_DECL:
        dump_node(n->rhs, child, out);
        break;
    case N_TERNARY:
        dump_node(n->cond, child, out);
        dump_node(n->then, child, out);
        dump_node(n->els, child, out);
        break;
    case N_IF:
        dump_node(n->cond, child, out);
        dump_block("then", n->then, child, out);
        if (n->els)
            dump_block("else", n->els, child, out);
        break;
    case N_WHILE:
        dump_node(n->cond, child, out);
        dump_block("body", n->then, child, out);
        break;
    case N_UNROLL:
        dump_node(n->lhs, child, out);
        dump_block("body", n->then, child, out);
        break;
    case N_FOR:
        dump_node(n->lhs, child, out);
        dump_node(n->rhs, child, out);
        dump_block("body", n->then, child, out);
        break;
    case N_MACRO:
        dump_list(n->args, n->nargs, child, out);
        dump_block("body", n->then, child, out);
        break;
    case N_MAP_DECL:
        dump_node(n->lhs, child, out);
        break;
    case N_BLOCK:
        dump_list(n->stmts, n->nstmts, child, out);
        break;
    case N_PROGRAM:
        dump_node(n->config, child, out);
        dump_list(n->args, n->nargs, child, out);
        dump_list(n->probes, n->nprobes, child, out);
        break;
    default:
        break;
    }
}

void ast_dump(const struct ast *ast, FILE *out)
{
    if (ast && ast->root)
        dump_node(ast->root, 0, out);
}
