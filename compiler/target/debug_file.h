/* The separate debug file of a stripped ELF file, looked for where gdb and
 * bcc look: /usr/lib/debug/.build-id/NN/REST.debug by its build id, then by
 * its .gnu_debuglink name next to it, in its .debug/ directory and under
 * /usr/lib/debug/ (those three only when the file's CRC matches). */
#ifndef SOBT_DEBUG_FILE_H
#define SOBT_DEBUG_FILE_H

#include <libelf.h>

/* The debug file's path (malloc'd), or NULL when there is none. elf is the
 * opened file at path. */
char *elf_find_debug_file(Elf *elf, const char *path);

#endif
