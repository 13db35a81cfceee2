/* The resolver's core, for the files of sema/ and for the built-ins' checks
 * (builtins/): errors, types, maps, variables, events, probe units. Nothing
 * here walks the tree (that is walk.h's, which the built-ins do not see). */
#ifndef SOBT_SEMA_H
#define SOBT_SEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "sema/semantic.h"

/* core.c */
/* Report an error at loc, only on the final pass (earlier passes may see
 * maps whose types are not known yet). */
void sem_error(struct semantic *sem, struct loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* realloc of n elements, exiting on failure (compilation cannot go on). */
void *sem_xrealloc(void *p, size_t n, size_t size);
const char *type_name_of(const struct type *t);
/* Types as stored in maps: integers widen to 64 bits, keeping their
 * signedness, as bpftrace does (variables keep their width: vars.c). */
struct type sem_storage_type(const struct type *t);
/* Can a value of type `from` be stored where `to` was established? Strings
 * of different lengths unify to the longer one (*grew is set), also inside
 * tuples, whose integers must match exactly; structs and arrays must be of
 * the same type. `to` must own its tuple arrays (type_clone). */
bool sem_unify(struct semantic *sem, struct type *to, const struct type *from, bool *grew);
/* The same for map keys, whose integers are all 64-bit (any signedness). */
bool sem_unify_key(struct semantic *sem, struct type *to, const struct type *from, bool *grew);
/* The index of text in the program's value_strings (added once). */
int sem_value_string(struct semantic *sem, const char *text);
/* A compile-time integer: a literal, possibly negated. */
bool sem_literal_int(const struct node *n, int64_t *out);
/* The same for arithmetic on literals (+ - * / %, unary - ~). */
bool sem_const_int(const struct node *n, int64_t *out);

/* types.c: a type as written in a cast, sizeof or let: 0 and *out set; -1
 * for a name that is no type (the caller reports it); 1 for typeof(expr)
 * whose expression has no type yet (or reported why not). */
int sem_type_of_name(struct semantic *sem, const struct type_name *tn, struct type *out);
/* The type of a member access, cast, dereference, index or sizeof whose
 * operands are resolved. */
void sem_type_field(struct semantic *sem, struct node *n);
void sem_type_cast(struct semantic *sem, struct node *n);
void sem_type_deref(struct semantic *sem, struct node *n);
void sem_type_index(struct semantic *sem, struct node *n);
void sem_type_sizeof(struct semantic *sem, struct node *n);
/* offsetof(T, a.b): the node becomes the N_INT of the offset. */
void sem_type_offsetof(struct semantic *sem, struct node *n);
void sem_type_address_of(struct semantic *sem, struct node *n);
/* script_types.c: the script's struct, union, enum and typedef definitions
 * made types (before anything is resolved), and its enumerators' values. */
void sem_define_script_types(struct semantic *sem);
bool sem_script_enumerator(const struct semantic *sem, const char *name, int64_t *value);
/* positional.c: an attach point's text with its $1, $2, ... replaced by the
 * parameters' text (malloc'd; NULL when out of memory). */
char *sem_attach_point_text(const struct semantic *sem, const char *text);
/* tp_fields.c: args.name of the probe's tracepoints */
void sem_type_tracepoint_field(struct semantic *sem, struct node *n);
/* btf_args.c: the arguments of a rawtracepoint, fentry or fexit probe (one
 * target a unit), from BTF: the unit's parameters (NULL after an error at
 * loc), args.name, and the type of a parameter or return value (false after
 * an error naming `what`). */
const struct btf_func_params *sem_btf_params(struct semantic *sem, struct loc loc);
void sem_type_btf_arg(struct semantic *sem, struct node *n);
bool sem_btf_value_type(struct semantic *sem, int type_id, struct loc loc, const char *what,
                        struct type *out);
/* n itself, or (for a struct or array in memory) an N_COPY of it made here:
 * what is stored, printed or put in a tuple is the bytes, read onto the
 * stack. Callers put the result where n was. */
struct node *sem_copied_value(struct semantic *sem, struct node *n);
void sem_type_copy(struct semantic *sem, struct node *copy);

/* tuples.c: (a, b) whose elements are resolved (and copied), element i of a
 * tuple ($t.0 or $t[0]: the node's lhs), comparisons of tuples and arrays. */
void sem_type_tuple(struct semantic *sem, struct node *n);
void sem_type_tuple_element(struct semantic *sem, struct node *n, int64_t index);
/* l == r or l != r for tuples or arrays: false after reporting why not. */
bool sem_check_composite_compare(struct semantic *sem, struct node *n);

/* maps.c */
/* The map n names, created on first use; sets n->map. */
struct map_info *sem_map_of(struct semantic *sem, struct node *n);
/* n's key expressions are resolved: fix or check the map's key type. */
void sem_map_settle_key(struct semantic *sem, struct node *n);
/* Fix or check the value type of the map mapnode names. */
void sem_map_set_value(struct semantic *sem, struct node *mapnode, const struct type *vt);
/* The type of reading @m[k] (keys settled). */
void sem_map_read_type(struct semantic *sem, struct node *n);

/* key_names.c: note what this use of a map (N_MAP with keys) calls each key
 * field; a name stays only while every use agrees. */
void sem_map_note_key_names(struct map_info *m, const struct node *mapnode);
void sem_map_free_key_names(struct map_info *m);

/* events.c: register an event kind for a call (final pass only); returns
 * its id (also in call->async_id), or -1 before the final pass. */
int sem_add_async(struct semantic *sem, struct node *call, enum async_kind kind);
/* The event's argument record: call->args[from..] laid out as a tuple. */
void sem_async_args(struct semantic *sem, struct node *call, int from, struct async_desc *a);

/* vars.c: scratch variables */
/* "$x" of a variable renamed to scope it ("$x~2" of a loop, "$x~L1" of a
 * nested `let`): the name messages print. */
const char *sem_var_written(struct semantic *sem, const char *name);
struct var_info *sem_var_add(struct probe_unit *unit, const char *name);
/* Forget what a pass learnt about the unit's variables, but for the final
 * size of their strings. */
void sem_vars_new_pass(struct probe_unit *unit);
/* An assignment or declaration whose value is resolved. */
void sem_assign_var(struct semantic *sem, struct node *assign);
void sem_declare_var(struct semantic *sem, struct node *decl);
void sem_read_var(struct semantic *sem, struct node *var);
/* The variable a read or an update (`+=`, `++`) finds: assigned, or
 * declared by `let $x;` (then an integer zero); NULL when there is none. */
struct var_info *sem_var_with_value(struct semantic *sem, const char *name);

/* units.c: attach points into units, one BPF program each */
int sem_expand_probes(struct semantic *sem);
void sem_split_units(struct semantic *sem);
void sem_free_unit(struct probe_unit *u);

#endif
