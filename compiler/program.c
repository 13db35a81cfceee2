#include "program.h"

#include <stdlib.h>

void value_desc_free(struct value_desc *v)
{
    free(v->name);
    v->name = NULL;
    if (v->inner) {
        record_desc_free(v->inner);
        free(v->inner);
        v->inner = NULL;
    }
}

void record_desc_free(struct record_desc *r)
{
    for (int i = 0; i < r->nfields; i++)
        value_desc_free(&r->fields[i]);
    free(r->fields);
    r->fields = NULL;
    r->nfields = 0;
}

void compiled_program_free(struct compiled_program *p)
{
    if (!p)
        return;
    free(p->elf);
    for (int i = 0; i < p->nprogs; i++) {
        free(p->progs[i].section);
        free(p->progs[i].attach_btf_module);
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
        record_desc_free(&p->maps[i].key);
        value_desc_free(&p->maps[i].value);
    }
    free(p->maps);
    for (int i = 0; i < p->nasyncs; i++) {
        free(p->asyncs[i].fmt);
        record_desc_free(&p->asyncs[i].args);
    }
    free(p->asyncs);
    for (int i = 0; i < p->nvalue_strings; i++)
        free(p->value_strings[i]);
    free(p->value_strings);
    for (int i = 0; i < p->noption_help; i++)
        free(p->option_help[i]);
    free(p->option_help);
    for (int i = 0; i < p->nprobe_names; i++)
        free(p->probe_names[i]);
    free(p->probe_names);
    free(p->source_name);
    free(p->source_text);
    free(p);
}
