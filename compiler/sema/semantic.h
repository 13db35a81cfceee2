/* Semantic analysis: expands attach points, gives every expression a type,
 * fixes the key and value type of every map, numbers variables and the
 * asynchronous events, and rejects what cannot be compiled. Its result is
 * what code generation walks. */
#ifndef SOBT_RESOLVE_H
#define SOBT_RESOLVE_H

#include <stdbool.h>

#include "frontend/ast.h"
#include "target/btf_types.h"
#include "probes/probes.h"
#include "program.h"
#include "settings.h"
#include "target/btf_funcs.h"
#include "target/tracepoint_format.h"
#include "types.h"

struct map_info {
    char *name;
    int id;
    bool key_known;    /* set by the first use that fixes the key */
    struct type key;   /* TY_NONE: no [ ]; one element type; or TY_TUPLE */
    bool value_known;
    struct type value; /* TY_INT, TY_STRING, TY_PROBE, or an aggregation */
    int64_t lhist_min, lhist_max, lhist_step;
    int hist_bits; /* hist(x, k): k, 2^k buckets per power of two */
    bool hist_bits_set;
    struct loc first_loc;
    /* What the script calls each key field (key_names.c), for the labels of
     * --metrics: nkey_names entries, NULL where a use leaves it unnamed or
     * two uses disagree; key_names_mixed when uses give different numbers
     * of fields (then no field is named). */
    char **key_names;
    int nkey_names;
    bool key_names_seen, key_names_mixed;
    /* let @m = lruhash(100): its BPF map type and size (map_decls.c) */
    bool declared;
    uint32_t bpf_type, max_entries;
};

struct var_info {
    char *name; /* "$x" */
    struct type type;
    bool assigned;  /* has a type and may be read */
    bool has_value; /* an assignment was seen (not only a declaration) */
    bool declared;  /* let $x */
    bool typed;     /* let $x: T: the type is T, whatever is assigned */
    bool resizable; /* a string variable grows to its longest value */
    bool loop_var;  /* a for loop's variable (sema/loops.c) */
    /* kept from one resolver pass to the next (the rest starts over): the
     * longest string assigned, so that every use sees the final size */
    uint32_t string_size;
    struct type tuple_type; /* the same for a tuple: its widest strings */
};

/* One BPF program: the part of a probe block that attaches through one provider
 * (a block listing tracepoints and kprobes gives two units). */
struct probe_unit {
    struct node *probe;
    enum probe_provider provider;
    struct attach_point *aps; /* the block's attach points of this provider */
    int naps;
    int *probe_ids;           /* per match, in match order: its index in probe_names (one
                                 id per distinct name: `probe` keys of a name merge) */
    int nmatches;
    struct tp_format *formats; /* tracepoints: one format per match, in match order */
    /* rawtracepoint, fentry, fexit (one match a unit): its parameters, loaded
     * when a built-in first reads them */
    struct btf_func_params *btf_params;
    struct var_info *vars;
    int nvars;
    char section[32];
    bool checks_stop_flag; /* many attach points: stopped by a flag, not by detaching */
    /* a tracepoint field sits at different offsets in this unit's matches:
     * the unit becomes one program per match */
    bool needs_split;
    /* codegen: the program reads nothing of its context (the tracepoint's
     * record, registers) but the attach cookie */
    bool context_free;
};

struct semantic {
    struct ast *ast;
    const struct source *src;
    bool unsafe;
    uint32_t strlen;
    uint32_t max_map_keys; /* entries of every map the script declares */
    const struct constants *consts; /* macros, the built-in table, BTF enumerators */
    const char *const *params;      /* positional parameters $1.. */
    int nparams;
    const char *const *named_params; /* "--name[=value]", for getopt() */
    int nnamed_params;
    enum missing_probes_policy missing_probes; /* config = { missing_probes = ... } */
    int child_pid; /* -c: the command's pid (cpid); 0 without -c */

    struct map_info **maps; /* individually allocated: nodes keep pointers */
    int nmaps;
    struct probe_unit *units;
    int nunits;
    struct async_desc *asyncs;
    int nasyncs;
    char **probe_names;
    int nprobe_names;

    struct type_arena types; /* pointee and element types */
    bool uses_kstack, uses_ustack; /* need a stack trace map */
    /* the environment's settings, then the config block's where the
     * environment left them alone */
    struct settings settings;
    /* texts values refer to by index (program.h value_strings) */
    char **value_strings;
    int nvalue_strings;
    /* getopt(): the names read (a named parameter no call reads is an
       error) and their `-- --help` lines (program.h option_help) */
    char **option_names;
    char **option_help; /* NULL once handed to the compiled program */
    int noption_help;   /* entries of both */

    bool final_pass; /* report errors only on the pass after types settled */
    bool changed;    /* a map type changed during this pass */
    int errors;
    struct probe_unit *cur; /* unit being resolved */
    /* the statement walker (stmt.c, set by resolve.c), for the statements of
     * block expressions: the expression walker reaches it through this
     * pointer so that it never calls back into the file that calls it */
    void (*resolve_stmts)(struct semantic *sem, struct node *block, int loop_depth);
    struct node *agg_target; /* the N_MAP an aggregation call is assigned to */
    int for_depth;           /* inside the body of a for loop (a BPF callback) */
};

/* 0 on success; on error diagnostics have been printed and -1 is returned.
 * The semantic owns everything it allocated: free with semantic_free. */
struct constants;
struct compile_options;
int resolve_program(struct semantic *sem, struct ast *ast, const struct constants *consts,
                    const struct compile_options *opts);
void semantic_free(struct semantic *sem);

struct map_info *semantic_map(struct semantic *sem, const char *name);
struct var_info *unit_var(struct probe_unit *unit, const char *name);

/* Layouts (layout.c), shared with code generation. Tuples' field and offset
 * arrays live in the type arena (sem->types). */
struct type type_new_tuple(struct type_arena *a, int nfields);
/* Offsets of a tuple whose fields are set, and its size. */
void type_layout_tuple(struct type_arena *a, struct type *tuple);
/* A deep copy of t: growing it (sem_unify) leaves t alone. */
struct type type_clone(struct type_arena *a, const struct type *t);
/* Bytes of the BPF key before any histogram bucket: 8 for a map without a
 * key, else the key rounded up to 8 so the bucket that follows is aligned. */
uint32_t map_key_size(const struct map_info *m);
/* How the runtime prints a value of type t (at offset 0): its kind, and the
 * parts of a tuple, struct or array. */
void value_desc_from_type(struct type_arena *a, const struct type *t, struct value_desc *v);
/* A map key or event record: a tuple's elements, or t alone. */
void record_from_type(struct type_arena *a, const struct type *t, struct record_desc *out);
enum value_kind value_kind_of(const struct type *t);

#endif
