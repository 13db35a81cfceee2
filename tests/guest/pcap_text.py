"""A pcap file (libpcap savefile, as skboutput() writes it) as lines of text
that a guest case's regexes can match: the file header, then one line per
packet with its lengths, whether its time is near the host's clock (the
guest's clock starts from the host's through qemu's RTC), and what it holds
(an IPv4 packet's addresses, protocol and payload, else its first bytes).
"""
import ipaddress
import struct
import time

# The guest's clock comes from the host's at boot: a packet of this run is
# stamped within a few minutes of the host's time when it is checked.
NEAR_SECONDS = 600


def _shown(data, limit=32):
    text = "".join(chr(b) if 32 <= b < 127 and b != 39 else "." for b in data[:limit])
    return "'%s'%s" % (text, "..." if len(data) > limit else "")


def _content(data):
    if len(data) >= 20 and data[0] >> 4 == 4:
        ihl = (data[0] & 15) * 4
        total, proto = struct.unpack("!H", data[2:4])[0], data[9]
        src, dst = ipaddress.IPv4Address(data[12:16]), ipaddress.IPv4Address(data[16:20])
        payload = data[ihl + 8:] if proto == 17 else data[ihl:]
        return "ipv4 total=%d proto=%d %s > %s payload=%s" % (total, proto, src, dst,
                                                               _shown(payload))
    return "bytes=%s" % _shown(data)


def describe(name, data, now=None):
    """Lines describing the pcap bytes `data` of the file `name`."""
    now = time.time() if now is None else now
    if len(data) < 24:
        return ["pcap %s: %d bytes, no file header" % (name, len(data))]
    magic, major, minor, zone, sigfigs, snaplen, linktype = struct.unpack("<IHHiIII", data[:24])
    lines = ["pcap %s: magic=%08x version=%d.%d zone=%d sigfigs=%d snaplen=%d linktype=%d"
             % (name, magic, major, minor, zone, sigfigs, snaplen, linktype)]
    at, count = 24, 0
    while at + 16 <= len(data):
        sec, usec, caplen, length = struct.unpack("<IIII", data[at:at + 16])
        packet = data[at + 16:at + 16 + caplen]
        at += 16 + caplen
        count += 1
        when = sec + usec / 1e6
        clock = "near" if abs(when - now) < NEAR_SECONDS and usec < 1000000 else \
            "off by %.0f s" % (when - now)
        lines.append("pcap %s: packet %d caplen=%d len=%d time=%s %s"
                     % (name, count, caplen, length, clock, _content(packet)))
    lines.append("pcap %s: %d packets, %d bytes left over" % (name, count, len(data) - at))
    return lines
