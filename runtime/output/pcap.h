/* A pcap capture file, as skboutput() writes it: the classic libpcap format
 * (not pcapng) with microsecond timestamps and link type RAW (raw IP, no
 * link-layer header), the file bpftrace's skboutput() makes. */
#ifndef SOBT_OUTPUT_PCAP_H
#define SOBT_OUTPUT_PCAP_H

#include <stdint.h>

#define PCAP_LINKTYPE_RAW 101 /* LINKTYPE_RAW: the packet begins with its IPv4 or IPv6 header */
#define PCAP_SNAPLEN 65535

struct pcap_writer;

/* Creates (truncates) path and writes the file header. NULL with errno set
 * when it cannot. */
struct pcap_writer *pcap_open(const char *path);
/* One packet: captured bytes `data` (caplen of them) of a packet that was
 * `len` bytes long, seen at wall-clock time `wall_ns` (ns since the epoch).
 * Returns 0, or -errno. */
int pcap_write(struct pcap_writer *w, uint64_t wall_ns, const void *data, uint32_t caplen,
               uint32_t len);
/* Flushes and closes; returns 0 or -errno. NULL is allowed. */
int pcap_close(struct pcap_writer *w);

#endif
