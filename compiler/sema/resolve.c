/* Semantic analysis (see README.md): the program's config block, its
 * attach points expanded into units, its positional parameters
 * substituted, then every unit resolved. Maps are global and may be used in
 * one probe before the probe that gives them a type, so the units are
 * resolved repeatedly until no map type changes, with errors reported only
 * on the last pass. */
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "diag.h"
#include "sema/walk.h"
#include "target/btf.h"

#define MAX_PASSES 8

static void resolve_units(struct semantic *sem)
{
    for (int i = 0; i < sem->nunits; i++) {
        struct probe_unit *u = &sem->units[i];
        sem->cur = u;
        sem_vars_new_pass(u);
        if (u->probe->pred)
            sem_resolve_cond(sem, u->probe->pred);
        sem_resolve_block(sem, u->probe->then, 0);
    }
    sem->cur = NULL;
}

/* The default of bpftrace's max_map_keys (BPFTRACE_MAP_KEYS_MAX). */
#define DEFAULT_MAX_MAP_KEYS 4096

/* A key of settings.h: an integer, a string, or a bare word (perf, true). */
static void resolve_setting(struct semantic *sem, const struct node *a, enum setting_id id)
{
    const struct node *v = a->rhs;
    long long number = v->kind == N_INT ? (long long)v->ival : 0;
    const char *text = v->kind == N_STRING ? v->str : v->kind == N_BUILTIN ? v->name : NULL;
    char err[160];
    if (settings_apply(&sem->settings, id, v->kind == N_INT ? &number : NULL, text, err,
                       sizeof(err)) < 0)
        sem_error(sem, v->loc, "%s", err);
}

/* config = { missing_probes = "warn"; max_strlen = 128; max_map_keys = 8192 } */
static void resolve_config(struct semantic *sem, const struct node *config)
{
    for (int i = 0; config && i < config->nargs; i++) {
        const struct node *a = config->args[i];
        char buf[64];
        const char *key = settings_normal_key(a->lhs->name, buf, sizeof(buf));
        const struct node *v = a->rhs;
        if (strcmp(key, "missing_probes") == 0) {
            static const char *modes[] = {"error", "warn", "ignore"};
            int m = -1;
            for (int k = 0; k < 3 && v->kind == N_STRING; k++)
                if (strcmp(v->str, modes[k]) == 0)
                    m = k;
            if (m < 0)
                sem_error(sem, v->loc,
                          "Invalid value for missing_probes: valid values are ignore, warn, "
                          "and error.");
            else
                sem->missing_probes = (enum missing_probes_policy)m;
        } else if (strcmp(key, "max_strlen") == 0) {
            if (v->kind != N_INT || v->ival < 1 || v->ival > 200)
                sem_error(sem, v->loc, "max_strlen must be an integer between 1 and 200");
            else
                sem->strlen = (uint32_t)v->ival;
        } else if (strcmp(key, "max_map_keys") == 0) {
            if (v->kind != N_INT || v->ival < 1 || v->ival > UINT32_MAX)
                sem_error(sem, v->loc, "max_map_keys must be a positive integer");
            else
                sem->max_map_keys = (uint32_t)v->ival;
        } else if (settings_config_key(key) != SET_COUNT) {
            resolve_setting(sem, a, settings_config_key(key));
        } else {
            sem_error(sem, a->loc, "Unrecognized config variable: %s", a->lhs->name);
        }
    }
}

/* Kernel types come from the kernel's BTF and that of the first kernel module
 * a probe names (bpftrace reads every module's; sobt one per script, which
 * sem_btf_params says when another module's probe is typed). */
static void select_module_types(struct semantic *sem)
{
    for (int i = 0; i < sem->nunits && !kernel_btf_selected_module(); i++)
        for (int a = 0; a < sem->units[i].naps; a++)
            for (int m = 0; m < sem->units[i].aps[a].nmatches; m++) {
                const char *module = sem->units[i].aps[a].matches[m].btf_module;
                if (module && !kernel_btf_selected_module())
                    kernel_btf_select_module(module);
            }
}

/* Every named parameter on the command line is one a getopt() reads (or
 * --help, which lists them). */
static void check_named_params(struct semantic *sem)
{
    for (int i = 0; i < sem->nnamed_params && !sem->errors; i++) {
        const char *name = sem->named_params[i] + 2;
        size_t n = strcspn(name, "=");
        bool known = n == 4 && strncmp(name, "help", 4) == 0;
        for (int j = 0; j < sem->noption_help && !known; j++)
            known = strlen(sem->option_names[j]) == n && strncmp(sem->option_names[j], name, n) == 0;
        if (!known) {
            diag_plain_error("Unknown program option --%.*s: no getopt(\"%.*s\") reads it", (int)n,
                             name, (int)n, name);
            sem->errors++;
        }
    }
}

int resolve_program(struct semantic *sem, struct ast *ast, const struct constants *consts,
                    const struct compile_options *opts)
{
    memset(sem, 0, sizeof(*sem));
    sem->consts = consts;
    sem->params = opts->params;
    sem->nparams = opts->nparams;
    sem->named_params = opts->named_params;
    sem->nnamed_params = opts->nnamed_params;
    sem->ast = ast;
    sem->src = ast->src;
    sem->unsafe = opts->unsafe;
    sem->strlen = opts->strlen ? opts->strlen : 64;
    sem->max_map_keys = DEFAULT_MAX_MAP_KEYS;
    sem->resolve_stmts = sem_resolve_block;
    if (opts->settings)
        sem->settings = *opts->settings;
    else
        settings_init(&sem->settings);
    sem->final_pass = true;
    resolve_config(sem, ast->root->config);
    sem->final_pass = false;
    /* as in bpftrace, the environment wins over the script's config block */
    if (opts->max_map_keys)
        sem->max_map_keys = opts->max_map_keys;
    if (opts->missing_probes_set)
        sem->missing_probes = opts->missing_probes;
    sem->child_pid = opts->child_pid;
    attach_points_set_process(opts->target_pid, opts->command_binary);
    attach_points_keep_missing_functions(opts->verify_only ||
                                         sem->missing_probes != MISSING_PROBES_ERROR);
    kernel_btf_select_module(NULL);
    if (sem->errors || sem_expand_probes(sem) < 0)
        return -1;
    /* the script's types are split over the kernel's, and a module's probes
     * bring that module's */
    select_module_types(sem);
    sem->final_pass = true;
    sem_define_script_types(sem);
    sem->final_pass = false;
    if (sem->errors)
        return -1;
    /* macros expanded, then positional parameters made literals, before
     * anything is typed */
    sem->final_pass = true;
    sem_declare_maps(sem);
    sem_expand_macros(sem);
    sem_scope_loop_vars(sem);
    sem_scope_lets(sem);
    if (!sem->errors)
        sem_substitute_positionals(sem);
    sem->final_pass = false;
    if (sem->errors)
        return -1;
    for (int pass = 0; pass < MAX_PASSES; pass++) {
        sem->changed = false;
        resolve_units(sem);
        bool split = false;
        for (int i = 0; i < sem->nunits; i++)
            split |= sem->units[i].needs_split;
        if (split) {
            sem_split_units(sem);
            sem->changed = true;
        }
        if (!sem->changed)
            break;
    }
    sem->final_pass = true;
    resolve_units(sem);
    check_named_params(sem);
    for (int i = 0; i < sem->nmaps && !sem->errors; i++) {
        struct map_info *m = sem->maps[i];
        if (m->declared)
            sem_check_declared_map(sem, m);
        if (!m->value_known) {
            diag_error(sem->src, m->first_loc, "map %s is used but never assigned a value",
                       m->name);
            sem->errors++;
        }
    }
    return sem->errors ? -1 : 0;
}

void semantic_free(struct semantic *sem)
{
    for (int i = 0; i < sem->nmaps; i++) {
        free(sem->maps[i]->name);
        sem_map_free_key_names(sem->maps[i]);
        free(sem->maps[i]);
    }
    free(sem->maps);
    for (int i = 0; i < sem->nunits; i++)
        sem_free_unit(&sem->units[i]);
    free(sem->units);
    type_arena_free(&sem->types);
    script_btf_free();
    for (int i = 0; i < sem->nasyncs; i++) {
        free(sem->asyncs[i].fmt);
        record_desc_free(&sem->asyncs[i].args);
    }
    free(sem->asyncs);
    for (int i = 0; i < sem->nprobe_names; i++)
        free(sem->probe_names[i]);
    free(sem->probe_names);
    for (int i = 0; i < sem->nvalue_strings; i++)
        free(sem->value_strings[i]);
    free(sem->value_strings);
    for (int i = 0; i < sem->noption_help; i++) {
        free(sem->option_names[i]);
        if (sem->option_help)
            free(sem->option_help[i]);
    }
    free(sem->option_names);
    free(sem->option_help);
    memset(sem, 0, sizeof(*sem));
}
