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

/* Names of text symbols, sorted and unique; read once per process since the
 * file is ~120k lines and a script may name many kprobes. */
static struct {
    bool loaded;
    int error;
    char *text;
    char **names;
    int count;
} ksyms;

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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
            name[strcspn(name, "\t ")] = '\0';
            if (*name && is_probeable_function(name)) {
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
    return 0;
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
