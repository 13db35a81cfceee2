#include "module_btf.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

int module_btf_object_fd(const char *name)
{
    __u32 id = 0;
    while (bpf_btf_get_next_id(id, &id) == 0) {
        int fd = bpf_btf_get_fd_by_id(id);
        if (fd < 0)
            continue; /* unloaded meanwhile */
        char object_name[64] = "";
        struct bpf_btf_info info;
        memset(&info, 0, sizeof(info));
        info.name = (__u64)(unsigned long)object_name;
        info.name_len = sizeof(object_name);
        __u32 len = sizeof(info);
        if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.kernel_btf &&
            strcmp(object_name, name) == 0)
            return fd;
        close(fd);
    }
    errno = ENOENT;
    return -1;
}
