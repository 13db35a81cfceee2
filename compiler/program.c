#include "program.h"

#include <stdlib.h>

void compiled_program_free(struct compiled_program *p)
{
    if (!p)
        return;
    free(p->elf);
    for (int i = 0; i < p->nprogs; i++) {
        free(p->progs[i].section);
        for (int a = 0; a < p->progs[i].nattach; a++)
            free(p->progs[i].attach[a].target);
        free(p->progs[i].attach);
    }
    free(p->progs);
    for (int i = 0; i < p->nmaps; i++) {
        free(p->maps[i].name);
        if (p->maps[i].key_names)
            for (int k = 0; k < p->maps[i].key.nfields; k++)
                free(p->maps[i].key_names[k]);
        free(p->maps[i].key_names);
        free(p->maps[i].key.fields);
    }
    free(p->maps);
    for (int i = 0; i < p->nasyncs; i++) {
        free(p->asyncs[i].fmt);
        free(p->asyncs[i].args.fields);
    }
    free(p->asyncs);
    for (int i = 0; i < p->nvalue_strings; i++)
        free(p->value_strings[i]);
    free(p->value_strings);
    for (int i = 0; i < p->nprobe_names; i++)
        free(p->probe_names[i]);
    free(p->probe_names);
    free(p->source_name);
    free(p->source_text);
    free(p);
}
