/* Kernel symbols from /proc/kallsyms: the functions one can probe, and the
 * address of a symbol. */
#include "target/kallsyms.h"
#include "file_read.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* One pass over the file per lookup: kaddr() is rare, and a script names a
 * handful of symbols at most, so no index is worth keeping. */
int kallsyms_lookup(const char *name, uint64_t *addr)
{
    FILE *f = fopen("/proc/kallsyms", "r");
    if (!f)
        return -1;
    char line[512];
    int rc = -1;
    while (fgets(line, sizeof(line), f)) {
        uint64_t a;
        char type, sym[256];
        if (sscanf(line, "%" SCNx64 " %c %255s", &a, &type, sym) != 3)
            continue;
        if (strcmp(sym, name) == 0) {
            *addr = a;
            rc = a ? 0 : -1; /* all zeros: kptr_restrict hides addresses */
            break;
        }
    }
    fclose(f);
    return rc;
}

/* A function of a loaded module. */
struct module_function {
    const char *module, *name;
};

/* Names of text symbols, sorted and unique; read once per process since the
 * file is ~120k lines and a script may name many kprobes. */
static struct {
    bool loaded;
    int error;
    char *text;
    char **names;
    int count;
    /* the functions of loaded modules, sorted by module then name, unique:
     * names and their modules side by side */
    struct module_function *in_modules;
    const char **module_names; /* in_modules' names, in the same order */
    int nmodule_functions, cap_modules;
} ksyms;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_module_functions(const void *a, const void *b)
{
    const struct module_function *x = a, *y = b;
    int c = strcmp(x->module, y->module);
    return c ? c : strcmp(x->name, y->name);
}

/* Notes a function of `module` (from "\t[module]"). */
static int add_module_function(char *module, const char *name)
{
    module += strspn(module, "\t [");
    module[strcspn(module, "]")] = '\0';
    if (!*module)
        return 0;
    if (ksyms.nmodule_functions == ksyms.cap_modules) {
        int cap = ksyms.cap_modules ? ksyms.cap_modules * 2 : 1024;
        struct module_function *f = realloc(ksyms.in_modules, (size_t)cap * sizeof(*f));
        if (!f)
            return -ENOMEM;
        ksyms.in_modules = f;
        ksyms.cap_modules = cap;
    }
    ksyms.in_modules[ksyms.nmodule_functions++] = (struct module_function){module, name};
    return 0;
}

static int index_module_functions(void)
{
    if (ksyms.nmodule_functions > 1) /* qsort of a NULL base is undefined even for 0 */
        qsort(ksyms.in_modules, (size_t)ksyms.nmodule_functions, sizeof(*ksyms.in_modules),
              compare_module_functions);
    int unique = 0;
    for (int i = 0; i < ksyms.nmodule_functions; i++)
        if (unique == 0 ||
            compare_module_functions(&ksyms.in_modules[unique - 1], &ksyms.in_modules[i]) != 0)
            ksyms.in_modules[unique++] = ksyms.in_modules[i];
    ksyms.nmodule_functions = unique;
    ksyms.module_names = calloc((size_t)unique + 1, sizeof(*ksyms.module_names));
    if (!ksyms.module_names)
        return -ENOMEM;
    for (int i = 0; i < unique; i++)
        ksyms.module_names[i] = ksyms.in_modules[i].name;
    return 0;
}

/* Text symbols that are not function entry points one can probe: the
 * padding before each function (__pfx_, __cfi_) and split-off cold parts. */
static bool is_probeable_function(const char *name)
{
    return strncmp(name, "__pfx_", 6) != 0 && strncmp(name, "__cfi_", 6) != 0 &&
           !strstr(name, ".cold") && !strstr(name, ".part.");
}

static int load_functions(void)
{
    if (ksyms.loaded)
        return ksyms.error;
    ksyms.loaded = true;
    size_t len;
    int err = 0;
    ksyms.text = file_read_all("/proc/kallsyms", &len, &err);
    if (!ksyms.text) {
        ksyms.error = err;
        return ksyms.error;
    }
    int cap = 0;
    /* Lines are "ADDRESS TYPE NAME" with an optional "\t[module]". */
    for (char *line = ksyms.text; *line;) {
        char *eol = strchr(line, '\n');
        char *next = eol ? eol + 1 : line + strlen(line);
        if (eol)
            *eol = '\0';
        char *type = strchr(line, ' ');
        char *name = type ? strchr(type + 1, ' ') : NULL;
        if (name && (type[1] == 't' || type[1] == 'T') && type + 2 == name) {
            name++;
            size_t end = strcspn(name, "\t ");
            char *module = name[end] ? name + end + 1 : NULL;
            name[end] = '\0';
            if (*name && is_probeable_function(name)) {
                if (module && add_module_function(module, name) < 0) {
                    ksyms.error = -ENOMEM;
                    return ksyms.error;
                }
                if (ksyms.count == cap) {
                    cap = cap ? cap * 2 : 65536;
                    char **names = realloc(ksyms.names, (size_t)cap * sizeof(*names));
                    if (!names) {
                        ksyms.error = -ENOMEM;
                        return ksyms.error;
                    }
                    ksyms.names = names;
                }
                ksyms.names[ksyms.count++] = name;
            }
        }
        line = next;
    }
    qsort(ksyms.names, (size_t)ksyms.count, sizeof(*ksyms.names), compare_strings);
    int unique = 0;
    for (int i = 0; i < ksyms.count; i++)
        if (unique == 0 || strcmp(ksyms.names[unique - 1], ksyms.names[i]) != 0)
            ksyms.names[unique++] = ksyms.names[i];
    ksyms.count = unique;
    ksyms.error = index_module_functions();
    return ksyms.error;
}

int kernel_functions(const char *const **names)
{
    int rc = load_functions();
    if (rc < 0)
        return rc;
    *names = (const char *const *)ksyms.names;
    return ksyms.count;
}

bool kernel_function_exists(const char *name)
{
    if (load_functions() < 0)
        return false;
    return bsearch(&name, ksyms.names, (size_t)ksyms.count, sizeof(*ksyms.names),
                   compare_strings) != NULL;
}

int kernel_module_functions(const char *module, const char *const **names)
{
    int rc = load_functions();
    if (rc < 0)
        return rc;
    int first = 0;
    while (first < ksyms.nmodule_functions && strcmp(ksyms.in_modules[first].module, module) != 0)
        first++;
    int last = first;
    while (last < ksyms.nmodule_functions && strcmp(ksyms.in_modules[last].module, module) == 0)
        last++;
    *names = ksyms.module_names + first;
    return last - first;
}
