/* A tracepoint's record layout, read from events/CAT/NAME/format. */
#ifndef SOBT_TRACEPOINT_FORMAT_H
#define SOBT_TRACEPOINT_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

struct tp_field {
    char *name;       /* "uservaddr" */
    char *c_type;     /* the declaration's type as written: "struct sockaddr *", "const char *",
                         "char[16]", "__data_loc char[]", "unsigned int" */
    uint32_t offset;
    uint32_t size;
    bool is_signed;
    bool is_data_loc; /* __data_loc: a u32 (length << 16 | offset) into the record */
    bool is_pointer;  /* the declaration ends in '*' */
    int array_len;    /* char[16] -> 16; 0 when not an array */
};

struct tp_format {
    char *category;
    char *name;
    int id;
    struct tp_field *fields; /* common_* fields included, in file order */
    int nfields;
};

/* 0 on success; -errno when the format file cannot be read or parsed. */
int tp_format_load(const char *category, const char *name, struct tp_format *out);
/* Parse the text of a format file (for tests). */
int tp_format_parse(const char *text, struct tp_format *out);
const struct tp_field *tp_format_field(const struct tp_format *fmt, const char *name);
void tp_format_free(struct tp_format *fmt);

#endif
