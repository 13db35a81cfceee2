/* The bpftrace language as a pure LALR(1) grammar.
 *
 * Binary operators are resolved with precedence declarations; unary, postfix
 * and primary expressions are separate nonterminals so that casts and
 * prefix operators bind as in C. Every node gets the location of the span it
 * was built from (see loc_of), because later passes report errors there. */

%define api.pure full
%define api.prefix {sobt_yy}
%define parse.error custom
/* exact lists of expected tokens in messages, not those left after default reductions */
%define parse.lac full
%locations

%parse-param {struct parse_ctx *ctx} {yyscan_t scanner}
%lex-param {yyscan_t scanner} {struct parse_ctx *ctx}

%code requires {
#include <stdbool.h>
#include <stdint.h>

#include "frontend/ast.h"

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* State shared by the lexer, the parser actions and parse_program(). */
struct parse_ctx {
    struct ast *ast;
    const struct source *src;
    struct node *root;

    /* Column count of each source line, so that a span running over several
     * lines can be underlined to the end of its first line. */
    int *line_len;
    int nlines;

    /* lexer position of the next character, and its byte offset */
    int line, col;
    size_t offset;
    /* brace nesting inside probe bodies and the config block */
    int brace_depth;
    /* ( and [ nesting inside a predicate: a '/' at depth 0 ends it */
    int pred_depth;

    /* where a C type definition began (for "unterminated" and its parser),
     * and whether it is a typedef (which ends at its ';') */
    struct loc cdef_start;
    size_t cdef_offset;
    bool cdef_typedef;
    /* a '{' was met inside a predicate */
    bool pred_unclosed;

    /* the last two tokens handed to the parser, for hints in messages */
    int cur_token, prev_token;
    int last_end_line, last_end_col;

    /* a diagnostic has been printed: report nothing more */
    bool error_reported;
};

/* Appended to errors just after a predicate: "/a / b/" ends at the second '/'. */
#define PRED_DIVISION_HINT "a division inside a predicate must be in parentheses: /(a / b) > 1/"

struct string_lit {
    char *s;
    size_t len;
};
}

%code provides {
/* A bison span as a node location: multi-line spans are underlined to the
 * end of their first line. */
struct loc parse_loc(const struct parse_ctx *ctx, SOBT_YYLTYPE l);

/* Node constructors for the actions (compiler/frontend/parse_nodes.c). */
struct node *parse_node(struct parse_ctx *ctx, enum node_kind kind, SOBT_YYLTYPE l);
struct node *parse_binary(struct parse_ctx *ctx, int op, struct node *lhs, struct node *rhs,
                       SOBT_YYLTYPE l);
struct node *parse_unary(struct parse_ctx *ctx, int op, struct node *operand, SOBT_YYLTYPE l);
struct node *parse_incdec(struct parse_ctx *ctx, int op, bool prefix, struct node *target,
                       SOBT_YYLTYPE l);
struct node *parse_field(struct parse_ctx *ctx, struct node *lhs, char *name, bool arrow,
                      SOBT_YYLTYPE l);
struct node *parse_assign(struct parse_ctx *ctx, int op, struct node *lhs, struct node *rhs,
                       SOBT_YYLTYPE l, SOBT_YYLTYPE op_l);
struct node *parse_list(struct parse_ctx *ctx, struct node *first, SOBT_YYLTYPE l);
void parse_take_args(struct node *owner, struct node *list);
void parse_add_top_item(struct parse_ctx *ctx, struct node *program, struct node *item);
struct type_name *parse_type_name(struct parse_ctx *ctx, char *base, SOBT_YYLTYPE l);
char *parse_join_words(struct parse_ctx *ctx, const char *a, const char *b);
}

%union {
    int64_t ival;
    char *text;
    struct string_lit str;
    struct node *node;
    struct type_name *type;
    int op;
}

%code {
#include <string.h>

#include "diag.h"

int sobt_scan_lex(SOBT_YYSTYPE *lval, SOBT_YYLTYPE *lloc, yyscan_t scanner);

/* The deepest parser stack accepted; beyond it the program is rejected as
 * too deeply nested rather than handed to recursive later passes. */
#define YYMAXDEPTH 5000

static int yylex(SOBT_YYSTYPE *lval, SOBT_YYLTYPE *lloc, yyscan_t scanner, struct parse_ctx *ctx)
{
    int tok = sobt_scan_lex(lval, lloc, scanner);
    ctx->prev_token = ctx->cur_token;
    ctx->cur_token = tok;
    if (tok != SOBT_YYEOF) {
        /* where "unexpected end of file" will point: just after this token */
        ctx->last_end_line = lloc->last_line;
        ctx->last_end_col = lloc->last_column;
    }
    return tok;
}

static void yyerror(SOBT_YYLTYPE *lloc, struct parse_ctx *ctx, yyscan_t scanner, const char *msg);

}

%token <text> ATTACH "attach point"
%token <text> IDENT "identifier"
%token <text> MAP "map"
%token <text> VAR "variable"
%token <text> TYPEWORD "type name"
%token <ival> INT "integer"
%token <str> STRING "string"

%token CONFIG "config"
%token IF "if"
%token ELSE "else"
%token WHILE "while"
%token UNROLL "unroll"
%token RETURN "return"
%token BREAK "break"
%token CONTINUE "continue"
%token LET "let"
%token SIZEOF "sizeof"
%token OFFSETOF "offsetof"
%token STRUCT "struct"
%token UNION "union"
%token ENUM "enum"
%token FOR "for"
%token MACRO "macro"
%token DOTDOT ".."

%token PRED_OPEN "start of predicate"
%token PRED_CLOSE "end of predicate"
/* a '{' where an expression must follow (lexer.l): a block expression */
%token BLOCK_OPEN "{"

%token ARROW "->"
%token INC "++"
%token DEC "--"
%token LOR "||"
%token LAND "&&"
%token EQ "=="
%token NE "!="
%token LE "<="
%token GE ">="
%token SHL "<<"
%token SHR ">>"
%token ADD_ASSIGN "+="
%token SUB_ASSIGN "-="
%token MUL_ASSIGN "*="
%token DIV_ASSIGN "/="
%token MOD_ASSIGN "%="
%token AND_ASSIGN "&="
%token OR_ASSIGN "|="
%token XOR_ASSIGN "^="
%token SHL_ASSIGN "<<="
%token SHR_ASSIGN ">>="

%type <node> program top_items top_item macro macro_params map_decl for_stmt probe attach_list predicate block stmts stmt_seq simple_stmt
%type <node> compound_stmt if_stmt config config_entries config_entry config_value lvalue
%type <node> expr unary postfix primary map var expr_list
%type <type> type_name cast_type let_type
%type <text> type_words field_name member_path
%type <op> assign_op
%type <ival> stars

/* A map name followed by '[' takes the '[' as its key list, not as an
 * index into the map's value. */
%precedence NO_KEYS
%precedence '['

%right '?' ':'
%left "||"
%left "&&"
%left '|'
%left '^'
%left '&'
%left "==" "!="
%left '<' '>' "<=" ">="
%left "<<" ">>"
%left '+' '-'
%left '*' '/' '%'

%start program

%%

program
    : top_items
        { $$ = $1; $$->loc = parse_loc(ctx, @$); ctx->root = $$; }
    | config top_items
        { $$ = $2; $$->config = $1; $$->loc = parse_loc(ctx, @$); ctx->root = $$; }
    ;

config
    : CONFIG '=' '{' config_entries '}'
        { $$ = $4; $$->loc = parse_loc(ctx, @$); }
    ;

config_entries
    : %empty
        { $$ = parse_node(ctx, N_CONFIG, @$); }
    | config_entries ';'
        { $$ = $1; }
    | config_entries config_entry
        { $$ = $1; ast_push(ctx->ast, &$$->args, &$$->nargs, $2); }
    ;

/* Entries are separated by ';', the last one's optional. */
config_entry
    : IDENT '=' config_value
        {
            struct node *name = parse_node(ctx, N_BUILTIN, @1);
            name->name = $1;
            $$ = parse_assign(ctx, OP_NONE, name, $3, @$, @2);
        }
    ;

config_value
    : INT
        { $$ = parse_node(ctx, N_INT, @$); $$->ival = $1; }
    | '-' INT
        { $$ = parse_node(ctx, N_INT, @$); $$->ival = (int64_t)(0 - (uint64_t)$2); }
    | STRING
        { $$ = parse_node(ctx, N_STRING, @$); $$->str = $1.s; $$->slen = $1.len; }
    /* bare words such as stack_mode = perf are kept as strings */
    | IDENT
        { $$ = parse_node(ctx, N_STRING, @$); $$->str = $1; $$->slen = strlen($1); }
    ;

/* Probes, and the macros and map declarations between them (kept in the
 * program's args). */
top_items
    : top_item
        { $$ = parse_node(ctx, N_PROGRAM, @$); parse_add_top_item(ctx, $$, $1); }
    | top_items top_item
        { $$ = $1; parse_add_top_item(ctx, $$, $2); }
    ;

probe
    : attach_list block
        { $$ = $1; $$->then = $2; }
    | attach_list predicate block
        { $$ = $1; $$->pred = $2; $$->then = $3; }
    ;

attach_list
    : ATTACH
        {
            $$ = parse_node(ctx, N_PROBE, @$);
            struct node *a = parse_node(ctx, N_ATTACH, @1);
            a->str = $1;
            ast_push(ctx->ast, &$$->attach, &$$->nattach, a);
        }
    | attach_list ',' ATTACH
        {
            $$ = $1;
            $$->loc = parse_loc(ctx, @$);
            struct node *a = parse_node(ctx, N_ATTACH, @3);
            a->str = $3;
            ast_push(ctx->ast, &$$->attach, &$$->nattach, a);
        }
    ;

predicate
    : PRED_OPEN expr PRED_CLOSE
        { $$ = $2; }
    ;

block
    : '{' stmts '}'
        { $$ = $2; $$->loc = parse_loc(ctx, @$); }
    ;

/* Simple statements are separated by ';' (optional after the last one);
 * if/while/unroll and nested blocks end at their '}'. */
stmts
    : stmt_seq
        { $$ = $1; }
    | stmt_seq simple_stmt
        {
            $$ = $1;
            ast_push(ctx->ast, &$$->stmts, &$$->nstmts, $2);
            $$->ends_with_value = true; /* a macro body's value */
        }
    ;

stmt_seq
    : %empty
        { $$ = parse_node(ctx, N_BLOCK, @$); }
    | stmt_seq ';'
        { $$ = $1; }
    | stmt_seq simple_stmt ';'
        { $$ = $1; ast_push(ctx->ast, &$$->stmts, &$$->nstmts, $2); }
    | stmt_seq compound_stmt
        { $$ = $1; ast_push(ctx->ast, &$$->stmts, &$$->nstmts, $2); }
    ;

simple_stmt
    : expr
        { $$ = parse_node(ctx, N_EXPR_STMT, @$); $$->lhs = $1; }
    | lvalue '=' expr
        { $$ = parse_assign(ctx, OP_NONE, $1, $3, @$, @2); }
    | lvalue assign_op expr
        { $$ = parse_assign(ctx, $2, $1, $3, @$, @2); }
    | LET VAR
        { $$ = parse_node(ctx, N_VAR_DECL, @$); $$->name = $2; }
    | LET VAR '=' expr
        { $$ = parse_node(ctx, N_VAR_DECL, @$); $$->name = $2; $$->rhs = $4; }
    | LET VAR ':' let_type
        { $$ = parse_node(ctx, N_VAR_DECL, @$); $$->name = $2; $$->cast_type = $4; }
    | LET VAR ':' let_type '=' expr
        { $$ = parse_node(ctx, N_VAR_DECL, @$); $$->name = $2; $$->cast_type = $4; $$->rhs = $6; }
    | RETURN
        { $$ = parse_node(ctx, N_RETURN, @$); }
    | RETURN expr
        { $$ = parse_node(ctx, N_RETURN, @$); $$->lhs = $2; }
    | BREAK
        { $$ = parse_node(ctx, N_BREAK, @$); }
    | CONTINUE
        { $$ = parse_node(ctx, N_CONTINUE, @$); }
    ;

lvalue
    : map
    | var
    ;

assign_op
    : "+="  { $$ = '+'; }
    | "-="  { $$ = '-'; }
    | "*="  { $$ = '*'; }
    | "/="  { $$ = '/'; }
    | "%="  { $$ = '%'; }
    | "&="  { $$ = '&'; }
    | "|="  { $$ = '|'; }
    | "^="  { $$ = '^'; }
    | "<<=" { $$ = OP_SHL; }
    | ">>=" { $$ = OP_SHR; }
    ;

compound_stmt
    : if_stmt
    | WHILE expr block
        { $$ = parse_node(ctx, N_WHILE, @$); $$->cond = $2; $$->then = $3; }
    /* the count: an integer or a positional parameter */
    | UNROLL '(' expr ')' block
        { $$ = parse_node(ctx, N_UNROLL, @$); $$->lhs = $3; $$->then = $5; }
    | for_stmt
    | block
    ;

/* The condition needs no parentheses: if $x { } */
if_stmt
    : IF expr block
        { $$ = parse_node(ctx, N_IF, @$); $$->cond = $2; $$->then = $3; }
    | IF expr block ELSE block
        { $$ = parse_node(ctx, N_IF, @$); $$->cond = $2; $$->then = $3; $$->els = $5; }
    | IF expr block ELSE if_stmt
        { $$ = parse_node(ctx, N_IF, @$); $$->cond = $2; $$->then = $3; $$->els = $5; }
    ;

expr
    : unary
    | expr '?' expr ':' expr
        { $$ = parse_node(ctx, N_TERNARY, @$); $$->cond = $1; $$->then = $3; $$->els = $5; }
    | expr "||" expr { $$ = parse_binary(ctx, OP_LOR, $1, $3, @$); }
    | expr "&&" expr { $$ = parse_binary(ctx, OP_LAND, $1, $3, @$); }
    | expr '|' expr  { $$ = parse_binary(ctx, '|', $1, $3, @$); }
    | expr '^' expr  { $$ = parse_binary(ctx, '^', $1, $3, @$); }
    | expr '&' expr  { $$ = parse_binary(ctx, '&', $1, $3, @$); }
    | expr "==" expr { $$ = parse_binary(ctx, OP_EQ, $1, $3, @$); }
    | expr "!=" expr { $$ = parse_binary(ctx, OP_NE, $1, $3, @$); }
    | expr '<' expr  { $$ = parse_binary(ctx, '<', $1, $3, @$); }
    | expr '>' expr  { $$ = parse_binary(ctx, '>', $1, $3, @$); }
    | expr "<=" expr { $$ = parse_binary(ctx, OP_LE, $1, $3, @$); }
    | expr ">=" expr { $$ = parse_binary(ctx, OP_GE, $1, $3, @$); }
    | expr "<<" expr { $$ = parse_binary(ctx, OP_SHL, $1, $3, @$); }
    | expr ">>" expr { $$ = parse_binary(ctx, OP_SHR, $1, $3, @$); }
    | expr '+' expr  { $$ = parse_binary(ctx, '+', $1, $3, @$); }
    | expr '-' expr  { $$ = parse_binary(ctx, '-', $1, $3, @$); }
    | expr '*' expr  { $$ = parse_binary(ctx, '*', $1, $3, @$); }
    | expr '/' expr  { $$ = parse_binary(ctx, '/', $1, $3, @$); }
    | expr '%' expr  { $$ = parse_binary(ctx, '%', $1, $3, @$); }
    ;

unary
    : postfix
    | '-' unary { $$ = parse_unary(ctx, '-', $2, @$); }
    | '!' unary { $$ = parse_unary(ctx, '!', $2, @$); }
    | '~' unary { $$ = parse_unary(ctx, '~', $2, @$); }
    | '*' unary { $$ = parse_unary(ctx, '*', $2, @$); }
    | '&' unary { $$ = parse_unary(ctx, '&', $2, @$); }
    | "++" map  { $$ = parse_incdec(ctx, OP_INC, true, $2, @$); }
    | "--" map  { $$ = parse_incdec(ctx, OP_DEC, true, $2, @$); }
    | "++" var  { $$ = parse_incdec(ctx, OP_INC, true, $2, @$); }
    | "--" var  { $$ = parse_incdec(ctx, OP_DEC, true, $2, @$); }
    | '(' cast_type ')' unary
        { $$ = parse_node(ctx, N_CAST, @$); $$->cast_type = $2; $$->lhs = $4; }
    ;

postfix
    : primary
    | postfix '.' field_name
        { $$ = parse_field(ctx, $1, $3, false, @$); }
    | postfix "->" field_name
        { $$ = parse_field(ctx, $1, $3, true, @$); }
    | postfix '[' expr ']'
        { $$ = parse_node(ctx, N_INDEX, @$); $$->lhs = $1; $$->rhs = $3; }
    | map "++" { $$ = parse_incdec(ctx, OP_INC, false, $1, @$); }
    | map "--" { $$ = parse_incdec(ctx, OP_DEC, false, $1, @$); }
    | var "++" { $$ = parse_incdec(ctx, OP_INC, false, $1, @$); }
    | var "--" { $$ = parse_incdec(ctx, OP_DEC, false, $1, @$); }
    ;

/* Tuple elements are fields named by their index: $t.0 */
field_name
    : IDENT
    | TYPEWORD
    | INT
        {
            char buf[24];
            snprintf(buf, sizeof(buf), "%lld", (long long)$1);
            $$ = ast_strdup(ctx->ast, buf);
        }
    ;

primary
    : INT
        { $$ = parse_node(ctx, N_INT, @$); $$->ival = $1; $$->is_unsigned = $1 < 0; }
    | STRING
        { $$ = parse_node(ctx, N_STRING, @$); $$->str = $1.s; $$->slen = $1.len; }
    | IDENT
        { $$ = parse_node(ctx, N_BUILTIN, @$); $$->name = $1; }
    | IDENT '(' ')'
        { $$ = parse_node(ctx, N_CALL, @$); $$->name = $1; }
    | IDENT '(' expr_list ')'
        { $$ = parse_node(ctx, N_CALL, @$); $$->name = $1; parse_take_args($$, $3); }
    | map
    | var
    | '(' expr ')'
        { $$ = $2; }
    | '(' expr ',' expr_list ')'
        {
            $$ = parse_node(ctx, N_TUPLE, @$);
            ast_push(ctx->ast, &$$->args, &$$->nargs, $2);
            for (int i = 0; i < $4->nargs; i++)
                ast_push(ctx->ast, &$$->args, &$$->nargs, $4->args[i]);
        }
    /* one element needs the trailing comma, as in Python */
    | '(' expr ',' ')'
        { $$ = parse_node(ctx, N_TUPLE, @$); ast_push(ctx->ast, &$$->args, &$$->nargs, $2); }
    | '(' ')'
        { $$ = parse_node(ctx, N_TUPLE, @$); }
    /* { statements; value }: the value of its last expression */
    | BLOCK_OPEN stmt_seq expr '}'
        { $$ = parse_node(ctx, N_BLOCK_EXPR, @$); $$->then = $2; $$->lhs = $3; }
    | SIZEOF '(' cast_type ')'
        { $$ = parse_node(ctx, N_SIZEOF, @$); $$->cast_type = $3; }
    | SIZEOF '(' expr ')'
        { $$ = parse_node(ctx, N_SIZEOF, @$); $$->lhs = $3; }
    /* offsetof(struct T, a.b) and offsetof(expr, a.b) */
    | OFFSETOF '(' cast_type ',' member_path ')'
        { $$ = parse_node(ctx, N_OFFSETOF, @$); $$->cast_type = $3; $$->name = $5; }
    | OFFSETOF '(' expr ',' member_path ')'
        { $$ = parse_node(ctx, N_OFFSETOF, @$); $$->lhs = $3; $$->name = $5; }
    ;

member_path
    : field_name
    | member_path '.' field_name
        { $$ = parse_join_words(ctx, $1, $3); $$[strlen($1)] = '.'; }
    ;

map
    : MAP %prec NO_KEYS
        { $$ = parse_node(ctx, N_MAP, @$); $$->name = $1; }
    | MAP '[' expr_list ']'
        { $$ = parse_node(ctx, N_MAP, @$); $$->name = $1; parse_take_args($$, $3); }
    ;

var
    : VAR
        { $$ = parse_node(ctx, N_VAR, @$); $$->name = $1; }
    ;

expr_list
    : expr
        { $$ = parse_list(ctx, $1, @$); }
    | expr_list ',' expr
        { $$ = $1; ast_push(ctx->ast, &$$->args, &$$->nargs, $3); }
    ;

top_item
    : probe
    | macro
    | map_decl
    ;

/* macro name($var, @map, expr) { statements [; value] } */
macro
    : MACRO IDENT '(' ')' block
        { $$ = parse_node(ctx, N_MACRO, @$); $$->name = $2; $$->then = $5; }
    | MACRO IDENT '(' macro_params ')' block
        { $$ = $4; $$->kind = N_MACRO; $$->loc = parse_loc(ctx, @$); $$->name = $2; $$->then = $6; }
    ;

macro_params
    : expr
        { $$ = parse_list(ctx, $1, @$); }
    | macro_params ',' expr
        { $$ = $1; ast_push(ctx->ast, &$$->args, &$$->nargs, $3); }
    ;

/* let @name = hash(100); */
map_decl
    : LET MAP '=' IDENT '(' expr ')' ';'
        {
            $$ = parse_node(ctx, N_MAP_DECL, @$);
            $$->name = $2;
            $$->str = $4;
            $$->lhs = $6;
        }
    ;

/* for ($kv : @map) { } and for ($i : start..end) { }, with or without the
 * parentheses (current bpftrace accepts both: for $i : 0..5 { }) */
for_stmt
    : FOR '(' VAR ':' expr ')' block
        { $$ = parse_node(ctx, N_FOR, @$); $$->name = $3; $$->lhs = $5; $$->then = $7; }
    | FOR '(' VAR ':' expr DOTDOT expr ')' block
        {
            $$ = parse_node(ctx, N_FOR, @$);
            $$->name = $3;
            $$->lhs = $5;
            $$->rhs = $7;
            $$->then = $9;
        }
    | FOR VAR ':' expr block
        { $$ = parse_node(ctx, N_FOR, @$); $$->name = $2; $$->lhs = $4; $$->then = $5; }
    | FOR VAR ':' expr DOTDOT expr block
        {
            $$ = parse_node(ctx, N_FOR, @$);
            $$->name = $2;
            $$->lhs = $4;
            $$->rhs = $6;
            $$->then = $7;
        }
    ;

/* Types in casts and sizeof: only words that cannot start an expression,
 * so that '(' type ')' is told apart from '(' expr ')' with one token. */
cast_type
    : type_name stars
        { $$ = $1; $$->pointers = (int)$2; $$->loc = parse_loc(ctx, @$); }
    /* array casts: (uint8[8])x, and (uint8[])x sized by the value */
    | type_name '[' INT ']'
        { $$ = $1; $$->has_len = true; $$->array_len = $3; $$->loc = parse_loc(ctx, @$); }
    | type_name '[' ']'
        { $$ = $1; $$->has_len = true; $$->loc = parse_loc(ctx, @$); }
    ;

/* After "let $x:" any identifier names a type (u32, string, ...). */
let_type
    : cast_type
    | IDENT stars
        { $$ = parse_type_name(ctx, $1, @$); $$->pointers = (int)$2; }
    | IDENT '[' INT ']'
        { $$ = parse_type_name(ctx, $1, @$); $$->has_len = true; $$->array_len = $3; }
    ;

type_name
    : STRUCT IDENT { $$ = parse_type_name(ctx, parse_join_words(ctx, "struct", $2), @$); }
    | UNION IDENT  { $$ = parse_type_name(ctx, parse_join_words(ctx, "union", $2), @$); }
    | ENUM IDENT   { $$ = parse_type_name(ctx, parse_join_words(ctx, "enum", $2), @$); }
    | type_words   { $$ = parse_type_name(ctx, $1, @$); }
    ;

type_words
    : TYPEWORD
    | type_words TYPEWORD
        { $$ = parse_join_words(ctx, $1, $2); }
    ;

stars
    : %empty    { $$ = 0; }
    | stars '*' { $$ = $1 + 1; }
    ;

%%

/* Names of tokens as the user wrote them: quotes and bison's internal
 * names removed, both predicate slashes shown as "/". */
static const char *token_display_name(yysymbol_kind_t sym)
{
    static char buf[64];
    switch (sym) {
    case YYSYMBOL_PRED_OPEN:
    case YYSYMBOL_PRED_CLOSE:
        return "/";
    case YYSYMBOL_YYEOF:
        return "end of file";
    default:
        break;
    }
    const char *name = yysymbol_name(sym);
    size_t len = strlen(name);
    if (len >= 2 && (name[0] == '\'' || name[0] == '"') && name[len - 1] == name[0]) {
        size_t n = len - 2 < sizeof(buf) - 1 ? len - 2 : sizeof(buf) - 1;
        memcpy(buf, name + 1, n);
        buf[n] = '\0';
        return buf;
    }
    return name;
}

/* Tokens that would only extend the expression or target just read (an
 * operator, a field access, an assignment). After "@x = 1" nearly every
 * operator is acceptable; listing them hides the useful part, "; or }". */
static bool continues_expression(yysymbol_kind_t sym)
{
    static const int continuations[] = {
        '?', '|', '^', '&', '<', '>', '+', '-', '*', '/', '%', '[', '.', '(', '=',
        LOR, LAND, EQ, NE, LE, GE, SHL, SHR, ARROW, INC, DEC,
        ADD_ASSIGN, SUB_ASSIGN, MUL_ASSIGN, DIV_ASSIGN, MOD_ASSIGN,
        AND_ASSIGN, OR_ASSIGN, XOR_ASSIGN, SHL_ASSIGN, SHR_ASSIGN,
    };
    for (size_t i = 0; i < sizeof(continuations) / sizeof(continuations[0]); i++)
        if (sym == YYTRANSLATE(continuations[i]))
            return true;
    return false;
}

static int yyreport_syntax_error(const yypcontext_t *pctx, struct parse_ctx *ctx, yyscan_t scanner)
{
    (void)scanner;
    enum { MAX_SHOWN = 4 };
    yysymbol_kind_t expected[YYNTOKENS];
    int nexpected = yypcontext_expected_tokens(pctx, expected, YYNTOKENS);
    yysymbol_kind_t unexpected = yypcontext_token(pctx);

    /* Which expected tokens to name: the structural ones when there are
     * any, and only when few, as in bison's own messages. */
    const char *shown[MAX_SHOWN];
    int nshown = 0;
    int nstructural = 0;
    for (int i = 0; i < nexpected; i++)
        nstructural += !continues_expression(expected[i]);
    bool filter = nstructural > 0;
    for (int i = 0; i < nexpected && nshown <= MAX_SHOWN; i++) {
        if (filter && continues_expression(expected[i]))
            continue;
        const char *name = token_display_name(expected[i]);
        bool dup = false;
        for (int j = 0; j < nshown; j++)
            dup = dup || strcmp(shown[j], name) == 0;
        if (dup)
            continue;
        if (nshown == MAX_SHOWN) {
            nshown = 0; /* too many to be helpful */
            break;
        }
        /* token_display_name may reuse its buffer: keep a copy */
        shown[nshown++] = ast_strdup(ctx->ast, name);
    }

    char msg[512];
    size_t used = 0;
#define APPEND(...)                                                                        \
    do {                                                                                   \
        int w = snprintf(msg + used, sizeof(msg) - used, __VA_ARGS__);                     \
        if (w > 0)                                                                         \
            used = used + (size_t)w < sizeof(msg) ? used + (size_t)w : sizeof(msg) - 1; \
    } while (0)
    APPEND("syntax error");
    if (unexpected != YYSYMBOL_YYEMPTY)
        APPEND(", unexpected %s", token_display_name(unexpected));
    for (int i = 0; i < nshown; i++)
        APPEND("%s%s", i == 0 ? ", expecting " : " or ", shown[i]);
    /* "/a / b/" ends the predicate at the second '/' and fails just after. */
    if (ctx->prev_token == PRED_CLOSE)
        APPEND(" (%s)", PRED_DIVISION_HINT);
    else if (unexpected == YYTRANSLATE('{') && ctx->pred_unclosed)
        APPEND(" (the predicate is missing its closing '/')");
#undef APPEND

    diag_error(ctx->src, parse_loc(ctx, *yypcontext_location(pctx)), "%s", msg);
    ctx->error_reported = true;
    return 0;
}

/* Reached only for bison's own failures, i.e. the stack limit. */
static void yyerror(SOBT_YYLTYPE *lloc, struct parse_ctx *ctx, yyscan_t scanner, const char *msg)
{
    (void)scanner;
    if (ctx->error_reported)
        return;
    if (strstr(msg, "exhausted"))
        diag_error(ctx->src, parse_loc(ctx, *lloc), "program is too deeply nested");
    else
        diag_error(ctx->src, parse_loc(ctx, *lloc), "%s", msg);
    ctx->error_reported = true;
}
