/* Statements: assignments to variables and maps, if, while, unroll,
 * return, break and continue, blocks. Each statement's stack buffers end
 * with it, so later statements reuse the slots. */
#include "codegen/expr.h"

#include "builtins/builtins.h"
#include "codegen/map_reads.h"
#include "codegen/maps.h"


/* The new value of `@m[k] op= rhs`, from the old one. Division and modulo
 * by zero follow the BPF instruction set (0, and the dividend). */
static LLVMValueRef gen_compound(struct codegen *g, int op, LLVMValueRef old, LLVMValueRef r)
{
    LLVMValueRef amt = LLVMBuildAnd(g->b, r, gen_i64(g, 63), "");
    switch (op) {
    case '+': return LLVMBuildAdd(g->b, old, r, "");
    case '-': return LLVMBuildSub(g->b, old, r, "");
    case '*': return LLVMBuildMul(g->b, old, r, "");
    case '&': return LLVMBuildAnd(g->b, old, r, "");
    case '|': return LLVMBuildOr(g->b, old, r, "");
    case '^': return LLVMBuildXor(g->b, old, r, "");
    case OP_SHL: return LLVMBuildShl(g->b, old, amt, "");
    case OP_SHR: return LLVMBuildLShr(g->b, old, amt, "");
    default: {
        LLVMValueRef iszero = LLVMBuildICmp(g->b, LLVMIntEQ, r, gen_i64(g, 0), "");
        LLVMValueRef safe = LLVMBuildSelect(g->b, iszero, gen_i64(g, 1), r, "");
        LLVMValueRef q = op == '/' ? LLVMBuildUDiv(g->b, old, safe, "")
                                   : LLVMBuildURem(g->b, old, safe, "");
        return LLVMBuildSelect(g->b, iszero, op == '/' ? gen_i64(g, 0) : old, q, "");
    }
    }
}

/* Where bpftrace 0.17 reports a failing helper of an assignment: an
 * aggregation at its call, `@m[k] = v` at the '=', `@m[k] op= v` at the
 * whole statement (and its read of @m[k] at the map). The key is evaluated
 * once. */
static void gen_map_assign(struct codegen *g, struct node *n)
{
    struct node *mapnode = n->lhs;
    const struct map_info *m = mapnode->map;
    struct loc outer = g->loc;
    if (n->rhs->kind == N_CALL && !n->op && builtin_is_aggregation(n->rhs->name)) {
        g->loc = n->rhs->loc;
        gen_aggregation(g, n->rhs, mapnode);
        g->loc = outer;
        return;
    }
    LLVMValueRef key;
    uint32_t vsize = type_storage_size(&m->value);
    LLVMValueRef buf = gen_alloca(g, vsize, "val");
    if (n->op) {
        g->loc = mapnode->loc;
        key = gen_map_key(g, mapnode, 0);
        LLVMValueRef old = gen_map_value_at(g, m, key);
        LLVMValueRef r = gen_expr(g, n->rhs);
        if (m->value.kind == TY_PTR) /* @p += i moves by whole pointees */
            r = gen_pointer_offset(g, r, &m->value);
        gen_store_i64(g, buf, gen_compound(g, n->op, old, r));
    } else {
        gen_expr_into(g, n->rhs, buf, &m->value);
        key = gen_map_key(g, mapnode, 0);
    }
    g->loc = n->op ? n->loc : n->op_loc;
    gen_map_update(g, m->id, key, buf);
    g->loc = outer;
}

static void gen_var_assign(struct codegen *g, struct node *n)
{
    struct var_info *v = unit_var(g->unit, n->lhs->name);
    LLVMValueRef slot = g->var_slots[v - g->unit->vars];
    if (n->op) {
        /* $x op= e is $x = $x op e, with the operator's rules (pointer steps) */
        struct node bin = {.kind = N_BINARY, .loc = n->loc, .op = n->op, .lhs = n->lhs,
                           .rhs = n->rhs, .type = n->lhs->type};
        gen_store_i64(g, slot, gen_var_value(g, gen_expr(g, &bin), v));
        return;
    }
    if (v->type.kind != TY_INT) {
        gen_expr_into(g, n->rhs, slot, &v->type);
        return;
    }
    gen_store_i64(g, slot, gen_var_value(g, gen_expr(g, n->rhs), v));
}

/* `let $x;` starts at zero where it is declared, as in bpftrace: a
 * declaration in a loop's body is zero again on every iteration. */
static void gen_var_zero(struct codegen *g, const char *name)
{
    struct var_info *v = unit_var(g->unit, name);
    if (v)
        gen_memset0(g, g->var_slots[v - g->unit->vars], type_storage_size(&v->type));
}

static void gen_if(struct codegen *g, struct node *n)
{
    LLVMValueRef c = gen_to_bool(g, gen_expr(g, n->cond));
    LLVMBasicBlockRef then_bb = gen_block(g, "if_then");
    LLVMBasicBlockRef else_bb = n->els ? gen_block(g, "if_else") : NULL;
    LLVMBasicBlockRef done_bb = gen_block(g, "if_done");
    LLVMBuildCondBr(g->b, c, then_bb, else_bb ? else_bb : done_bb);
    int reads = map_reads_mark(g);
    LLVMPositionBuilderAtEnd(g->b, then_bb);
    gen_block_stmts(g, n->then);
    map_reads_back_to(g, reads);
    LLVMBuildBr(g->b, done_bb);
    if (else_bb) {
        LLVMPositionBuilderAtEnd(g->b, else_bb);
        if (n->els->kind == N_IF)
            gen_if(g, n->els);
        else
            gen_block_stmts(g, n->els);
        map_reads_back_to(g, reads);
        LLVMBuildBr(g->b, done_bb);
    }
    LLVMPositionBuilderAtEnd(g->b, done_bb);
}

static void gen_while(struct codegen *g, struct node *n)
{
    LLVMBasicBlockRef cond_bb = gen_block(g, "while_cond");
    LLVMBasicBlockRef body_bb = gen_block(g, "while_body");
    LLVMBasicBlockRef done_bb = gen_block(g, "while_done");
    /* the body runs again after the condition: a read from before the loop
     * may be stale there, and one made inside it does not dominate the exit */
    int reads = map_reads_mark(g);
    map_reads_forget(g, -1);
    LLVMBuildBr(g->b, cond_bb);
    LLVMPositionBuilderAtEnd(g->b, cond_bb);
    LLVMBuildCondBr(g->b, gen_to_bool(g, gen_expr(g, n->cond)), body_bb, done_bb);
    LLVMPositionBuilderAtEnd(g->b, body_bb);
    LLVMBasicBlockRef saved_break = g->break_bb, saved_cont = g->continue_bb;
    g->break_bb = done_bb;
    g->continue_bb = cond_bb;
    gen_block_stmts(g, n->then);
    g->break_bb = saved_break;
    g->continue_bb = saved_cont;
    map_reads_back_to(g, reads);
    LLVMBuildBr(g->b, cond_bb);
    LLVMPositionBuilderAtEnd(g->b, done_bb);
}

static void gen_stmt_body(struct codegen *g, struct node *n);

static void gen_stmt(struct codegen *g, struct node *n)
{
    int mark = g->ntemps;
    g->loc = n->loc;
    debug_info_at(g, n->loc);
    const struct node *outer = g->cur_node;
    g->cur_node = n;
    gen_stmt_body(g, n);
    g->cur_node = outer;
    gen_end_temps(g, mark);
}

static void gen_stmt_body(struct codegen *g, struct node *n)
{
    switch (n->kind) {
    case N_EXPR_STMT:
        gen_expr(g, n->lhs);
        break;
    case N_ASSIGN:
        if (n->lhs->kind == N_MAP)
            gen_map_assign(g, n);
        else
            gen_var_assign(g, n);
        break;
    case N_VAR_DECL:
        if (n->rhs) {
            struct node target = {.kind = N_VAR, .name = n->name};
            struct node as = {.kind = N_ASSIGN, .lhs = &target, .rhs = n->rhs};
            gen_var_assign(g, &as);
        } else {
            gen_var_zero(g, n->name);
        }
        break;
    case N_IF:
        gen_if(g, n);
        break;
    case N_WHILE:
        gen_while(g, n);
        break;
    case N_UNROLL:
        for (int64_t i = 0; i < n->ival; i++)
            gen_block_stmts(g, n->then);
        break;
    case N_FOR:
        gen_for(g, n);
        break;
    case N_RETURN:
        gen_probe_return(g);
        break;
    case N_BREAK:
    case N_CONTINUE:
        LLVMBuildBr(g->b, n->kind == N_BREAK ? g->break_bb : g->continue_bb);
        gen_dead_block(g);
        break;
    case N_BLOCK:
        gen_block_stmts(g, n);
        break;
    default:
        break;
    }
}

void gen_block_stmts(struct codegen *g, struct node *block)
{
    for (int i = 0; i < block->nstmts; i++)
        gen_stmt(g, block->stmts[i]);
}
