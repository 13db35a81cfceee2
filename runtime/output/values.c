/* One value of a record (a map key or value, an event argument) as the text
 * bpftrace shows for it; see values.h. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "output/resolved_values.h"
#include "output/stack_maps.h"
#include "output/values.h"
#include "symbols/ksyms.h"
#include "symbols/usyms.h"

/* A bitfield: the bytes it spans (little-endian), shifted and masked to
 * its width, sign-extended when signed. */
static uint64_t read_bitfield(const struct value_desc *v, const uint8_t *p)
{
    uint32_t bits = v->bit_offset + v->bit_size;
    uint32_t bytes = bits > 64 ? 8 : (bits + 7) / 8;
    uint64_t x = 0;
    for (uint32_t i = 0; i < bytes; i++)
        x |= (uint64_t)p[i] << (8 * i);
    x >>= v->bit_offset;
    if (v->bit_size >= 64)
        return x;
    x &= ((uint64_t)1 << v->bit_size) - 1;
    if (v->is_signed && (x >> (v->bit_size - 1)) & 1)
        x |= ~(uint64_t)0 << v->bit_size;
    return x;
}

uint64_t output_read_int(const struct value_desc *v, const void *record)
{
    const uint8_t *p = (const uint8_t *)record + v->offset;
    if (v->bit_size)
        return read_bitfield(v, p);
    switch (v->size) {
    case 1: {
        uint8_t x;
        memcpy(&x, p, 1);
        return v->is_signed ? (uint64_t)(int64_t)(int8_t)x : x;
    }
    case 2: {
        uint16_t x;
        memcpy(&x, p, 2);
        return v->is_signed ? (uint64_t)(int64_t)(int16_t)x : x;
    }
    case 4: {
        uint32_t x;
        memcpy(&x, p, 4);
        return v->is_signed ? (uint64_t)(int64_t)(int32_t)x : x;
    }
    default: {
        uint64_t x = 0;
        memcpy(&x, p, v->size < 8 ? v->size : 8);
        return x;
    }
    }
}

/* ntop(): the family word decides how many of the 16 address bytes count. */
static void print_inet(FILE *out, const uint8_t *p)
{
    uint64_t family;
    char text[INET6_ADDRSTRLEN];
    memcpy(&family, p, 8);
    int af = family == AF_INET6 ? AF_INET6 : AF_INET;
    if (inet_ntop(af, p + 8, text, sizeof(text)))
        fputs(text, out);
}

/* bpftrace indents stack frames by 8 spaces, and by 4 inside map keys. */
#define STACK_INDENT 8
#define STACK_KEY_INDENT 4
#define SYMBOL_TEXT_MAX 1024

/* ksym: a u64 address; usym: a u64 address then a u64 pid. The bare name,
 * without offset, as bpftrace's ksym()/usym() print. */
static void print_symbol(FILE *out, const struct value_desc *v, const uint8_t *p)
{
    char text[SYMBOL_TEXT_MAX];
    uint64_t addr, pid = 0;
    memcpy(&addr, p, 8);
    if (v->kind == VK_KSYM) {
        ksym_format(addr, false, text, sizeof(text));
    } else {
        if (v->size >= 16)
            memcpy(&pid, p + 8, 8);
        usym_format((int)pid, addr, false, text, sizeof(text));
    }
    fputs(text, out);
}

/* One frame as the stack's mode shows it: "name+off" indented (bpftrace),
 * "\taddr name+off" with " (module)" for user frames (perf), or the bare
 * address in hex (raw). */
static void print_frame(FILE *out, const struct value_desc *v, int pid, uint64_t addr, int indent)
{
    char text[SYMBOL_TEXT_MAX];
    if (v->stack_mode == STACK_MODE_RAW) {
        fprintf(out, "%" PRIx64 "\n", addr);
        return;
    }
    if (v->kind == VK_KSTACK)
        ksym_format(addr, true, text, sizeof(text));
    else
        usym_format(pid, addr, true, text, sizeof(text));
    if (v->stack_mode == STACK_MODE_BPFTRACE) {
        fprintf(out, "%*s%s\n", indent, "", text);
        return;
    }
    fprintf(out, "\t%" PRIx64 " %s", addr, text);
    if (v->kind == VK_USTACK) {
        char module[SYMBOL_TEXT_MAX];
        usym_module(pid, addr, module, sizeof(module));
        fprintf(out, " (%s)", module);
    }
    fputc('\n', out);
}

/* kstack: a u64 stack id; ustack: a u64 stack id then a u64 pid. The frames
 * are read from the program's stack map (output_use_maps): "\n", then for
 * each frame up to the first 0 (at most v->frames) the indent, "name+offset"
 * and "\n". A stack that cannot be read (bpf_get_stackid failed, so the id is
 * a negative errno, or the map is not known) prints as nothing, as bpftrace
 * prints it. */
static void print_stack(FILE *out, const struct value_desc *v, const uint8_t *p, int indent)
{
    uint64_t id, pid = 0;
    memcpy(&id, p, 8);
    if (v->kind == VK_USTACK && v->size >= 16)
        memcpy(&pid, p + 8, 8);
    uint32_t max_frames = 0;
    int fd = output_stack_map_fd(v->kind, &max_frames);
    if (fd < 0 || max_frames == 0 || id > UINT32_MAX)
        return;
    uint64_t *frames = calloc(max_frames, sizeof(*frames));
    if (!frames)
        return;
    uint32_t key = (uint32_t)id;
    if (bpf_map_lookup_elem(fd, &key, frames) == 0) {
        uint32_t shown = v->frames && v->frames < max_frames ? v->frames : max_frames;
        fputc('\n', out);
        for (uint32_t i = 0; i < shown && frames[i]; i++)
            print_frame(out, v, (int)pid, frames[i], indent);
    }
    free(frames);
}

/* ---- leaves ---- */

static void print_int(FILE *out, const struct value_desc *v, const void *record)
{
    uint64_t x = output_read_int(v, record);
    if (v->is_signed)
        fprintf(out, "%" PRId64, (int64_t)x);
    else
        fprintf(out, "%" PRIu64, x);
}

static void print_scalar(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                         const void *record, int stack_indent)
{
    const uint8_t *p = (const uint8_t *)record + v->offset;
    switch (v->kind) {
    case VK_INT:
        print_int(out, v, record);
        return;
    case VK_STRING:
        fprintf(out, "%.*s", (int)strnlen((const char *)p, v->size), (const char *)p);
        return;
    case VK_PROBE: {
        uint64_t idx;
        memcpy(&idx, p, 8);
        if (prog && idx < (uint64_t)prog->nprobe_names)
            fputs(prog->probe_names[idx], out);
        else
            fprintf(out, "<probe %" PRIu64 ">", idx);
        return;
    }
    case VK_INET:
        print_inet(out, p);
        return;
    case VK_KSYM:
    case VK_USYM:
        print_symbol(out, v, p);
        return;
    case VK_KSTACK:
    case VK_USTACK:
        print_stack(out, v, p, stack_indent);
        return;
    case VK_TUPLE:
    case VK_RECORD:
    case VK_ARRAY:
    case VK_NONE:
        return;
    default: /* buf(), macaddr(), cgroup_path(), ...: found when printed */
        output_print_resolved(out, prog, v, p);
        return;
    }
}

static void text_leaf(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                      const void *record)
{
    print_scalar(out, prog, v, record, STACK_INDENT);
}

static void key_leaf(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                     const void *record)
{
    if (v->kind == VK_INT && v->is_pointer)
        fprintf(out, "0x%" PRIx64, output_read_int(v, record));
    else
        print_scalar(out, prog, v, record, STACK_KEY_INDENT);
}

static void text_member_name(FILE *out, const char *name)
{
    fprintf(out, ".%s = ", name);
}

static void key_member_name(FILE *out, const char *name)
{
    fprintf(out, ".%s=", name);
}

/* bpftrace 0.17's text: "(1, a)", "{ .a = 1, .b = 2 }", "[1,2]"; inside map
 * keys structs lose their spaces: "{.a=1,.b=2}". */
static const struct value_style text_style = {
    .tuple_open = "(", .tuple_sep = ", ", .tuple_close = ")",
    .record_open = "{ ", .record_sep = ", ", .record_close = " }",
    .array_open = "[", .array_sep = ",", .array_close = "]",
    .member_name = text_member_name, .leaf = text_leaf,
};

static const struct value_style key_style = {
    .tuple_open = "(", .tuple_sep = ", ", .tuple_close = ")",
    .record_open = "{", .record_sep = ",", .record_close = "}",
    .array_open = "[", .array_sep = ",", .array_close = "]",
    .member_name = key_member_name, .leaf = key_leaf,
};

/* ---- the walk ---- */

bool output_is_composite(const struct value_desc *v)
{
    return (v->kind == VK_TUPLE || v->kind == VK_RECORD || v->kind == VK_ARRAY) && v->inner;
}

int output_value_nparts(const struct value_desc *v)
{
    if (!output_is_composite(v))
        return 0;
    return v->kind == VK_ARRAY ? (int)v->count : v->inner->nfields;
}

void output_value_part(const struct value_desc *v, int i, struct value_desc *part)
{
    if (v->kind == VK_ARRAY) {
        *part = v->inner->fields[0];
        part->offset = v->offset + (uint32_t)i * v->inner->size;
        return;
    }
    *part = v->inner->fields[i];
    part->offset += v->offset;
}

void output_print_styled(FILE *out, const struct compiled_program *prog,
                         const struct value_style *style, const struct value_desc *v,
                         const void *record)
{
    if (!output_is_composite(v)) {
        style->leaf(out, prog, v, record);
        return;
    }
    const char *open = style->array_open, *sep = style->array_sep, *close = style->array_close;
    if (v->kind == VK_TUPLE) {
        open = style->tuple_open;
        sep = style->tuple_sep;
        close = style->tuple_close;
    } else if (v->kind == VK_RECORD) {
        open = style->record_open;
        sep = style->record_sep;
        close = style->record_close;
    }
    fputs(open, out);
    int n = output_value_nparts(v);
    for (int i = 0; i < n; i++) {
        struct value_desc part;
        output_value_part(v, i, &part);
        if (i)
            fputs(sep, out);
        if (v->kind == VK_RECORD)
            style->member_name(out, part.name ? part.name : "");
        output_print_styled(out, prog, style, &part, record);
    }
    fputs(close, out);
}

void output_print_key_field(FILE *out, const struct compiled_program *prog,
                            const struct value_desc *v, const void *record)
{
    output_print_styled(out, prog, &key_style, v, record);
}

void output_print_field(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *record)
{
    output_print_styled(out, prog, &text_style, v, record);
}

void output_print_value(FILE *out, const struct compiled_program *prog, const struct value_desc *v,
                        const void *data)
{
    output_print_field(out, prog, v, data);
    fputc('\n', out);
}
