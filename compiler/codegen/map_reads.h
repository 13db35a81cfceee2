/* Map reads reused within a probe: `@s[tid]` read in the predicate and
 * again in the body is one bpf_map_lookup_elem, not two. A read is reused
 * only where nothing between can have changed it: its key is made of values
 * that cannot change while the probe runs, its value is an integer (an SSA
 * value, not a stack buffer that ends with its statement), the earlier read
 * dominates the later one, and no write to the same map came between. */
#ifndef SOBT_CODEGEN_MAP_READS_H
#define SOBT_CODEGEN_MAP_READS_H

#include "codegen/ir.h"

/* The value an earlier read of the same map and key left, or NULL. */
LLVMValueRef map_reads_find(struct codegen *g, const struct node *mapnode);
/* Remember `value` as what mapnode reads from here on (if it may be reused). */
void map_reads_remember(struct codegen *g, const struct node *mapnode, LLVMValueRef value);
/* Map map_id may have changed (an update, a delete, a write in place);
 * -1: any map may have. */
void map_reads_forget(struct codegen *g, int map_id);

/* Conditional code (an if's branch, the right of && or ||, a ternary's
 * arm): reads made inside do not dominate what follows it. Take a mark
 * before it and go back to the mark after each branch. Writes inside it
 * stay forgotten. */
int map_reads_mark(const struct codegen *g);
void map_reads_back_to(struct codegen *g, int mark);

#endif
