/* JSON strings and values; see json.h. */
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/values.h"

void json_write_string(FILE *out, const char *s, size_t len)
{
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (c < 0x20)
                fprintf(out, "\\u%04x", c);
            else if (c >= 0x80)
                /* bpftrace compares a (signed) char with 0x1f, so every byte
                 * of a multi-byte UTF-8 character counts as a control
                 * character and is printed as its sign-extended int: é
                 * (c3 a9) becomes \uffffffc3\uffffffa9. 0.17 and current
                 * bpftrace both do this and JSON parsers accept it (\uffff
                 * followed by four plain characters); tools built on
                 * bpftrace's output see the same bytes from sobt. */
                fprintf(out, "\\u%08x", 0xffffff00u | c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

/* A scalar: integers (addresses too) as numbers, the rest as the text
 * `-f text` shows for it, as a JSON string. */
static void json_leaf(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                      const void *record)
{
    if (v->kind == VK_INT) {
        output_print_field(out, prog, v, record);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        output_print_field(mem, prog, v, record);
        fclose(mem);
    }
    json_write_string(out, text ? text : "", text ? len : 0);
    free(text);
}

static void json_member_name(FILE *out, const char *name)
{
    json_write_string(out, name, strlen(name));
    fputs(": ", out);
}

/* bpftrace 0.17: tuples and arrays as JSON arrays without spaces, structs as
 * objects with them: [1,"a",{ "val": 0 }] */
static const struct value_style json_style = {
    .tuple_open = "[", .tuple_sep = ",", .tuple_close = "]",
    .record_open = "{ ", .record_sep = ", ", .record_close = " }",
    .array_open = "[", .array_sep = ",", .array_close = "]",
    .member_name = json_member_name, .leaf = json_leaf,
};

void json_write_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                      const void *record)
{
    output_print_styled(out, prog, &json_style, v, record);
}
