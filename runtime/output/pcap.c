/* The pcap writer (pcap.h). The layout is libpcap's savefile format, in the
 * writing machine's byte order (readers tell it by the magic number): a
 * 24-byte file header, then per packet a 16-byte header and the captured
 * bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "output/pcap.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4

struct pcap_writer {
    FILE *f;
};

struct pcap_file_header {
    uint32_t magic;
    uint16_t version_major, version_minor;
    int32_t thiszone; /* timestamps are UTC */
    uint32_t sigfigs; /* always 0 */
    uint32_t snaplen;
    uint32_t linktype;
};

struct pcap_packet_header {
    uint32_t ts_sec, ts_usec;
    uint32_t caplen; /* bytes that follow */
    uint32_t len;    /* bytes the packet had */
};

struct pcap_writer *pcap_open(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    struct pcap_file_header h = {
        .magic = PCAP_MAGIC_USEC,
        .version_major = PCAP_VERSION_MAJOR,
        .version_minor = PCAP_VERSION_MINOR,
        .snaplen = PCAP_SNAPLEN,
        .linktype = PCAP_LINKTYPE_RAW,
    };
    if (fwrite(&h, sizeof(h), 1, f) != 1) {
        int err = errno ? errno : EIO;
        fclose(f);
        errno = err;
        return NULL;
    }
    struct pcap_writer *w = calloc(1, sizeof(*w));
    if (!w) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    w->f = f;
    return w;
}

int pcap_write(struct pcap_writer *w, uint64_t wall_ns, const void *data, uint32_t caplen,
               uint32_t len)
{
    if (caplen > len)
        len = caplen;
    struct pcap_packet_header h = {
        .ts_sec = (uint32_t)(wall_ns / 1000000000),
        .ts_usec = (uint32_t)(wall_ns % 1000000000 / 1000),
        .caplen = caplen,
        .len = len,
    };
    if (fwrite(&h, sizeof(h), 1, w->f) != 1 || (caplen && fwrite(data, caplen, 1, w->f) != 1))
        return errno ? -errno : -EIO;
    return 0;
}

int pcap_close(struct pcap_writer *w)
{
    if (!w)
        return 0;
    int rc = fclose(w->f) == 0 ? 0 : -errno;
    free(w);
    return rc;
}
