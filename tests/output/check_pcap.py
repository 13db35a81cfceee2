#!/usr/bin/env python3
"""skboutput()'s pcap writer: runs pcap_records (synthetic records through
the event handler) and reads the file back with Python's struct, against
the libpcap savefile format: the file header (magic a1b2c3d4, version 2.4,
snaplen 65535, link type 101 = RAW), then each packet's header (seconds,
microseconds of wall-clock time = boot time + the record's ns since boot,
captured length, original length) and bytes.

Usage: check_pcap.py PCAP_RECORDS
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

PACKETS = 4


def expected_packets(capture_bytes):
    for i in range(PACKETS):
        length = capture_bytes + 500 if i == PACKETS - 1 else 20 + 37 * i
        captured = min(length, capture_bytes)
        data = bytes((i * 31 + j) & 0xff for j in range(captured))
        yield 1000000000 * (i + 1) + 1000 * i, length, data


def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.pcap")
        run = subprocess.run([sys.argv[1], path], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit("pcap_records failed: %s" % run.stderr)
        capture_bytes = int(run.stdout.split()[1])
        boot = time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_BOOTTIME)
        data = open(path, "rb").read()
    failures = []
    magic, major, minor, zone, sigfigs, snaplen, linktype = struct.unpack("=IHHiIII", data[:24])
    if (magic, major, minor, zone, sigfigs, snaplen, linktype) != (0xa1b2c3d4, 2, 4, 0, 0,
                                                                   65535, 101):
        failures.append("file header %r" % ((magic, major, minor, zone, sigfigs, snaplen,
                                              linktype),))
    at = 24
    for i, (boot_ns, length, payload) in enumerate(expected_packets(capture_bytes)):
        if at + 16 > len(data):
            failures.append("packet %d missing" % i)
            break
        sec, usec, caplen, origlen = struct.unpack("=IIII", data[at:at + 16])
        at += 16
        got = data[at:at + caplen]
        at += caplen
        when = sec + usec / 1e6
        if abs(when - (boot + boot_ns / 1e9)) > 1.0 or usec >= 1000000:
            failures.append("packet %d time %d.%06d, boot time %.6f + %d ns" %
                            (i, sec, usec, boot, boot_ns))
        if (caplen, origlen) != (len(payload), length):
            failures.append("packet %d lengths %d/%d, expected %d/%d" %
                            (i, caplen, origlen, len(payload), length))
        if got != payload:
            failures.append("packet %d bytes differ" % i)
    if at != len(data):
        failures.append("%d bytes after the last packet" % (len(data) - at))
    for f in failures:
        print("FAIL", f)
    if failures:
        sys.exit(1)
    print("ok pcap: %d packets" % PACKETS)


main()
