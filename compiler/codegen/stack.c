/* The BPF stack is 512 bytes. Strings, map keys and event records are built
 * in stack buffers, and a program that needs more fails in LLVM's BPF back
 * end with a message naming only the function. Code generation therefore
 * counts what it puts on the stack (the probe's variables, which live all
 * along, and the buffers of the statement being generated, which live until
 * it ends), remembers the point where a unit held the most, and the
 * expression owning most of it; when the back end refuses the program, the
 * error names that expression in the script. The count is not used to
 * refuse programs on its own: LLVM keeps some buffers in registers, so only
 * its verdict is final. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen/ir.h"
#include "diag.h"

#define BPF_STACK_BYTES 512

void stack_note_alloc(struct codegen *g)
{
    uint32_t live = g->var_bytes;
    for (int i = 0; i < g->ntemps; i++)
        live += g->temps[i].size;
    if (live <= g->stack->peak_bytes)
        return;
    g->stack->peak_bytes = live;
    /* the owner of the most live bytes (few buffers are live at once) */
    g->stack->node = NULL;
    g->stack->node_bytes = g->var_bytes;
    for (int i = 0; i < g->ntemps; i++) {
        const struct node *owner = g->temps[i].owner;
        if (!owner)
            continue;
        uint32_t bytes = 0;
        for (int j = 0; j < g->ntemps; j++)
            if (g->temps[j].owner == owner)
                bytes += g->temps[j].size;
        if (bytes > g->stack->node_bytes) {
            g->stack->node = owner;
            g->stack->node_bytes = bytes;
        }
    }
}

bool stack_report_overflow(const struct semantic *sem, const struct stack_use *stack,
                           const char *llvm_message)
{
    if (!strstr(llvm_message, "stack limit"))
        return false;
    const char *fn = strstr(llvm_message, "probe_");
    int unit = fn ? atoi(fn + 6) : -1;
    if (unit < 0 || unit >= sem->nunits)
        return false;
    const struct stack_use *use = &stack[unit];
    if (!use->node) {
        diag_error(sem->src, sem->units[unit].probe->loc,
                   "the BPF stack limit of %d bytes is exceeded: this probe's variables need %u "
                   "bytes of stack (%u in use at most)",
                   BPF_STACK_BYTES, use->node_bytes, use->peak_bytes);
        return true;
    }
    diag_error(sem->src, use->node->loc,
               "the BPF stack limit of %d bytes is exceeded: this expression needs %u bytes of "
               "stack (%u in use at this point)",
               BPF_STACK_BYTES, use->node_bytes, use->peak_bytes);
    return true;
}
