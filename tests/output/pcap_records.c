/* Feeds synthetic skboutput() records through the event handler
 * (events_handle_record), as the ring buffer would, and closes: the pcap
 * file at argv[1] is what check_pcap.py reads back. Packet i has
 * len = 20 + 37 * i bytes, byte j of it is (i * 31 + j) & 0xff, seen at
 * boot_ns = 1000000000 * (i + 1) + 1000 * i; the last is longer than a
 * record can carry, so the file keeps its first SKBOUTPUT_CAPTURE_BYTES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

#define PACKETS 4

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_records FILE.pcap\n");
        return 2;
    }
    struct async_desc ad = {
        .kind = ASYNC_SKBOUTPUT, .fmt = argv[1], .args = {.size = sizeof(struct skboutput_record)}};
    struct compiled_program prog = {.asyncs = &ad, .nasyncs = 1};
    struct events ev;
    memset(&ev, 0, sizeof(ev));
    ev.prog = &prog;
    struct {
        uint64_t id;
        struct skboutput_record r;
    } rec;
    for (uint32_t i = 0; i < PACKETS; i++) {
        memset(&rec, 0, sizeof(rec));
        rec.r.boot_ns = 1000000000ull * (i + 1) + 1000ull * i;
        rec.r.len = i == PACKETS - 1 ? SKBOUTPUT_CAPTURE_BYTES + 500 : 20 + 37 * i;
        rec.r.caplen = rec.r.len < SKBOUTPUT_CAPTURE_BYTES ? rec.r.len : SKBOUTPUT_CAPTURE_BYTES;
        for (uint32_t j = 0; j < rec.r.caplen; j++)
            rec.r.data[j] = (uint8_t)((i * 31 + j) & 0xff);
        if (events_handle_record(&ev, &rec, sizeof(rec)) != 0 || ev.error) {
            fprintf(stderr, "record %u was not taken\n", i);
            return 1;
        }
    }
    events_close(&ev);
    printf("capture_bytes %d\n", SKBOUTPUT_CAPTURE_BYTES);
    return 0;
}
