/* USDT argument specifications for x86-64, as GCC's <sys/sdt.h> writes
 * them: SIZE@OPERAND, where SIZE is the argument's width in bytes (negative
 * when signed) and OPERAND an assembler operand: $CONST, %REG or
 * [OFFSET](%REG). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "target/usdt_notes.h"

/* struct pt_regs on x86-64 (arch/x86/include/uapi/asm/ptrace.h) */
enum {
    PT_R15 = 0,
    PT_R14 = 8,
    PT_R13 = 16,
    PT_R12 = 24,
    PT_BP = 32,
    PT_BX = 40,
    PT_R11 = 48,
    PT_R10 = 56,
    PT_R9 = 64,
    PT_R8 = 72,
    PT_AX = 80,
    PT_CX = 88,
    PT_DX = 96,
    PT_SI = 104,
    PT_DI = 112,
    PT_IP = 128,
    PT_SP = 152,
};

struct reg_name {
    const char *name;
    uint16_t offset;
    uint8_t size, shift;
};

/* Every name of every general register, by width. */
static const struct reg_name regs[] = {
    {"rax", PT_AX, 8, 0}, {"eax", PT_AX, 4, 0}, {"ax", PT_AX, 2, 0},  {"al", PT_AX, 1, 0},
    {"ah", PT_AX, 1, 8},  {"rbx", PT_BX, 8, 0}, {"ebx", PT_BX, 4, 0}, {"bx", PT_BX, 2, 0},
    {"bl", PT_BX, 1, 0},  {"bh", PT_BX, 1, 8},  {"rcx", PT_CX, 8, 0}, {"ecx", PT_CX, 4, 0},
    {"cx", PT_CX, 2, 0},  {"cl", PT_CX, 1, 0},  {"ch", PT_CX, 1, 8},  {"rdx", PT_DX, 8, 0},
    {"edx", PT_DX, 4, 0}, {"dx", PT_DX, 2, 0},  {"dl", PT_DX, 1, 0},  {"dh", PT_DX, 1, 8},
    {"rsi", PT_SI, 8, 0}, {"esi", PT_SI, 4, 0}, {"si", PT_SI, 2, 0},  {"sil", PT_SI, 1, 0},
    {"rdi", PT_DI, 8, 0}, {"edi", PT_DI, 4, 0}, {"di", PT_DI, 2, 0},  {"dil", PT_DI, 1, 0},
    {"rbp", PT_BP, 8, 0}, {"ebp", PT_BP, 4, 0}, {"bp", PT_BP, 2, 0},  {"bpl", PT_BP, 1, 0},
    {"rsp", PT_SP, 8, 0}, {"esp", PT_SP, 4, 0}, {"sp", PT_SP, 2, 0},  {"spl", PT_SP, 1, 0},
    {"rip", PT_IP, 8, 0},
};

/* r8 .. r15 with their d/w/b suffixes */
static const uint16_t numbered_regs[8] = {PT_R8,  PT_R9,  PT_R10, PT_R11,
                                          PT_R12, PT_R13, PT_R14, PT_R15};

static int lookup_register(const char *name, size_t len, struct usdt_arg *a)
{
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        if (strlen(regs[i].name) == len && strncmp(regs[i].name, name, len) == 0) {
            a->reg_offset = regs[i].offset;
            a->reg_size = regs[i].size;
            a->reg_shift = regs[i].shift;
            return 0;
        }
    if (len < 2 || name[0] != 'r' || !isdigit((unsigned char)name[1]))
        return -1;
    char *end;
    long n = strtol(name + 1, &end, 10);
    size_t digits = (size_t)(end - name);
    if (n < 8 || n > 15 || digits + 1 < len)
        return -1;
    static const char suffixes[] = "dwb";
    static const uint8_t sizes[] = {4, 2, 1};
    a->reg_offset = numbered_regs[n - 8];
    a->reg_size = 8;
    a->reg_shift = 0;
    if (digits < len) {
        const char *s = strchr(suffixes, name[digits]);
        if (!s || !*s)
            return -1;
        a->reg_size = sizes[s - suffixes];
    }
    return 0;
}

/* "%reg" at *p: the register, p moved past it. */
static int parse_register(const char **p, struct usdt_arg *a)
{
    if (**p != '%')
        return -1;
    const char *name = *p + 1;
    size_t len = 0;
    while (isalnum((unsigned char)name[len]))
        len++;
    if (len == 0 || lookup_register(name, len, a) < 0)
        return -1;
    *p = name + len;
    return 0;
}

/* The operand after '@'. A form that is an operand but not one of the
 * three sobt reads becomes USDT_ARG_UNSUPPORTED. */
static void parse_operand(const char *p, struct usdt_arg *a)
{
    char *end;
    a->kind = USDT_ARG_UNSUPPORTED;
    if (*p == '$') {
        errno = 0;
        long long v = strtoll(p + 1, &end, 0);
        if (end != p + 1 && !*end && !errno) {
            a->kind = USDT_ARG_CONST;
            a->value = v;
        }
        return;
    }
    if (*p == '%') {
        if (parse_register(&p, a) == 0 && !*p)
            a->kind = USDT_ARG_REG;
        return;
    }
    long long offset = 0;
    if (*p != '(') {
        errno = 0;
        offset = strtoll(p, &end, 0);
        if (end == p || errno)
            return; /* "sym(%rip)", "sym+8(%rip)": a symbol's address */
        p = end;
    }
    if (*p++ != '(' || parse_register(&p, a) < 0 || *p++ != ')' || *p)
        return; /* "(%rax,%rdx,8)": an index register */
    a->kind = USDT_ARG_REG_DEREF;
    a->value = offset;
}

int usdt_arg_parse(const char *spec, struct usdt_arg *out)
{
    memset(out, 0, sizeof(*out));
    char *end;
    long size = strtol(spec, &end, 10);
    if (end == spec || *end != '@')
        return -1;
    out->is_signed = size < 0;
    size = labs(size);
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return -1;
    out->size = (uint8_t)size;
    parse_operand(end + 1, out);
    return 0;
}
