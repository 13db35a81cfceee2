/* Bison spans as node locations, for the parser and the lexer alike (a
 * file of its own so that neither depends on the other for it). */
#include "parser.h"

struct loc parse_loc(const struct parse_ctx *ctx, SOBT_YYLTYPE l)
{
    struct loc loc = {.line = l.first_line, .col = l.first_column, .end_col = l.last_column};
    if (l.last_line != l.first_line) {
        int len = l.first_line >= 1 && l.first_line <= ctx->nlines ? ctx->line_len[l.first_line - 1]
                                                                   : 0;
        loc.end_col = len + 1 > loc.col ? len + 1 : loc.col + 1;
    }
    return loc;
}
