#include "target/cpus.h"

#include <stdio.h>
#include <stdlib.h>

int64_t possible_cpu_count(void)
{
    FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
    char text[256];
    int64_t count = 0;
    if (f && fgets(text, sizeof(text), f)) {
        for (char *p = text; *p && *p != '\n';) {
            char *end;
            long a = strtol(p, &end, 10), b = a;
            if (end == p)
                break;
            if (*end == '-')
                b = strtol(end + 1, &end, 10);
            count += b - a + 1;
            p = *end == ',' ? end + 1 : end;
        }
    }
    if (f)
        fclose(f);
    return count > 0 ? count : 1;
}
