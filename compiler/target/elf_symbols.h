/* User-space ELF files (executables and shared libraries) as uprobes need
 * them: their function symbols (with those of a separate debug file, found
 * as gdb and bcc find it), their loadable segments, and the file offset the
 * kernel wants for an address. Read with libelf, once per path. */
#ifndef SOBT_ELF_SYMBOLS_H
#define SOBT_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_function {
    char *name;
    uint64_t addr; /* the symbol's value: a virtual address in the file */
    uint64_t size;
};

struct elf_segment {
    uint64_t vaddr, memsz, offset;
    bool exec;
};

struct elf_binary {
    char *path;
    uint16_t type;              /* ET_EXEC, ET_DYN */
    struct elf_function *funcs; /* STT_FUNC and STT_GNU_IFUNC symbols with an address,
                                   sorted by name (strcmp), one per name */
    int nfuncs;
    struct elf_segment *segs; /* PT_LOAD */
    int nsegs;
};

/* The ELF file at path, read once and kept for the process. NULL when it
 * cannot be read as ELF, with -errno in *err (-ENOEXEC: not ELF). */
const struct elf_binary *elf_binary_get(const char *path, int *err);

/* The function named exactly `name`, or NULL. */
const struct elf_function *elf_binary_function(const struct elf_binary *b, const char *name);

/* The function whose [addr, addr + size) holds addr, or NULL. */
const struct elf_function *elf_binary_function_at(const struct elf_binary *b, uint64_t addr);

/* The file offset of virtual address addr (through the PT_LOAD segment that
 * maps it), as perf's uprobe PMU takes it. False when no segment maps it. */
bool elf_binary_file_offset(const struct elf_binary *b, uint64_t addr, uint64_t *offset);

/* e_type of the ELF file at path (ET_EXEC, ET_DYN, ...), or -1 when it is
 * not a readable ELF file. Cheap: reads the header only. */
int elf_file_type(const char *path);

/* The demangled form of a C++ symbol ("_ZN3foo3barEi" -> "foo::bar(int)"),
 * malloc'd; NULL when name is not a mangled C++ name. */
char *cxx_demangle(const char *name);

/* The value and size of the function or object symbol `name` in `path`
 * (.symtab, else .dynsym), read without caching: uaddr(), once per call
 * site (the uprobe cache keeps functions only). Returns 0, or -1 when the file cannot be read or
 * has no such symbol. */
int elf_symbol_lookup(const char *path, const char *name, uint64_t *value, uint64_t *size);

/* Forgets every file read (for tests and leak checkers). */
void elf_binaries_free(void);

#endif
