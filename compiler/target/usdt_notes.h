/* USDT probes of an ELF file: the SystemTap notes (.note.stapsdt) that
 * <sys/sdt.h> leaves at each probe site, read with libelf, and their
 * argument specifications decoded for x86-64 ("-4@%edi", "8@-16(%rbp)",
 * "8@$5"). */
#ifndef SOBT_USDT_NOTES_H
#define SOBT_USDT_NOTES_H

#include <stdbool.h>
#include <stdint.h>

#define USDT_MAX_ARGS 12

enum usdt_arg_kind {
    USDT_ARG_CONST,       /* $N: the value itself */
    USDT_ARG_REG,         /* %reg: a register of the probed instruction */
    USDT_ARG_REG_DEREF,   /* N(%reg): memory at the register plus an offset */
    USDT_ARG_UNSUPPORTED, /* anything else ("sym(%rip)", index registers) */
};

struct usdt_arg {
    enum usdt_arg_kind kind;
    uint8_t size; /* 1, 2, 4 or 8 bytes */
    bool is_signed;
    int64_t value;       /* CONST: the value; REG_DEREF: the offset */
    uint16_t reg_offset; /* REG, REG_DEREF: the register's offset in struct pt_regs */
    uint8_t reg_shift;   /* bits to shift the register right first (%ah: 8) */
    uint8_t reg_size;    /* the register's width in bytes as named (%eax: 4) */
};

struct usdt_probe {
    char *provider, *name;
    uint64_t pc_offset;        /* file offset of the probe's instruction */
    uint64_t semaphore_offset; /* file offset of its semaphore; 0: none */
    char *args_text;           /* the specification as written, for messages */
    struct usdt_arg args[USDT_MAX_ARGS];
    int nargs;
};

/* Every USDT probe site of the ELF file at path, in note order; a probe
 * placed at several sites has one entry per site. Returns 0 (count may be
 * 0) or -errno (-ENOEXEC: not ELF). */
int usdt_probes_read(const char *path, struct usdt_probe **probes, int *count);
void usdt_probes_free(struct usdt_probe *probes, int count);

/* Decodes one argument specification ("-4@%edi"). 0, or -1 for text that is
 * not a specification at all (a form sobt cannot read is USDT_ARG_UNSUPPORTED). */
int usdt_arg_parse(const char *spec, struct usdt_arg *out);

#endif
