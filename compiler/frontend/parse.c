/* parse_program: run the flex lexer and the bison parser over a source text
 * and hand back the tree, or NULL after one diagnostic. */
#include <limits.h>
#include <stdlib.h>

#include "frontend/ast.h"
#include "diag.h"
#include "lexer.h"
#include "parser.h"

/* The length of every line, for underlining spans that cross lines. */
static void measure_lines(struct parse_ctx *ctx, const char *text, size_t len)
{
    int lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    ctx->line_len = calloc((size_t)lines, sizeof(*ctx->line_len));
    if (!ctx->line_len) {
        fputs("sobt: out of memory\n", stderr);
        exit(1);
    }
    ctx->nlines = lines;
    int line = 0, col = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            ctx->line_len[line++] = col;
            col = 0;
        } else if (col < INT_MAX) {
            col++;
        }
    }
    ctx->line_len[line] = col;
}

struct ast *parse_program(struct source *src)
{
    struct loc start = {.line = 1, .col = 1, .end_col = 2};
    if (!src || !src->text) {
        diag_error(src, start, "no program text");
        return NULL;
    }
    if (src->len > INT_MAX) {
        diag_error(src, start, "program is too large");
        return NULL;
    }

    struct ast *ast = calloc(1, sizeof(*ast));
    if (!ast) {
        fputs("sobt: out of memory\n", stderr);
        exit(1);
    }
    ast->src = src;

    struct parse_ctx ctx = {
        .ast = ast,
        .src = src,
        .line = 1,
        .col = 1,
        .last_end_line = 1,
        .last_end_col = 1,
    };
    measure_lines(&ctx, src->text, src->len);

    yyscan_t scanner;
    if (sobt_scan_lex_init_extra(&ctx, &scanner) != 0) {
        fputs("sobt: cannot initialise the lexer\n", stderr);
        exit(1);
    }
    YY_BUFFER_STATE buffer = sobt_scan__scan_bytes(src->text, (int)src->len, scanner);
    int failed = sobt_yyparse(&ctx, scanner);
    sobt_scan__delete_buffer(buffer, scanner);
    sobt_scan_lex_destroy(scanner);
    free(ctx.line_len);

    if (failed || !ctx.root) {
        if (!ctx.error_reported)
            diag_error(src, start, "syntax error");
        ast_free(ast);
        return NULL;
    }
    ast->root = ctx.root;
    return ast;
}
