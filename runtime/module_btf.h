/* The kernel's BTF objects by name: an fentry/fexit program on a module's
 * function is loaded with that module's BTF object (attach_btf_obj_fd), in
 * which its attach_btf_id is numbered. */
#ifndef SOBT_MODULE_BTF_H
#define SOBT_MODULE_BTF_H

/* A new file descriptor of the loaded BTF object named `name` ("watchdog",
 * as /sys/kernel/btf names it), or -1 with errno set (ENOENT: none). */
int module_btf_object_fd(const char *name);

#endif
