#include "target/kallsyms.h"

#include <inttypes.h>
#include <stdio.h>
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
