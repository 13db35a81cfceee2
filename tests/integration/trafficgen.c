/* trafficgen: deterministic loopback socket activity for the integration tests.
 *
 * Every mode runs inside this one process, so a tracer keyed by comm sees all of
 * it as "trafficgen", and every line printed on stdout says what was done
 * (addresses, ports, byte counts, results) so a test can assert on it. It uses
 * nothing beyond libc and the socket API, so it links with -static for the qemu
 * guest as well.
 *
 * The final line, "total connect=N accept=N", counts the connect(2) and
 * accept(2) calls made, which is what a syscall tracepoint one-liner counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct options {
    int tcp4;          /* TCP connections over 127.0.0.1 */
    int tcp6;          /* TCP connections over ::1 */
    size_t tcp_size;   /* bytes each way per TCP connection, in one send */
    int udp4;          /* datagrams over one connected UDP socket to 127.0.0.1 */
    int udp6;          /* same over ::1 */
    size_t udp_size;   /* bytes per datagram */
    const char *udp_payload; /* the datagrams' bytes: this text repeated; NULL: zeros */
    int refused;       /* connects to a closed port */
    int inprogress;    /* nonblocking connects that report EINPROGRESS */
    int udp_overflow;  /* datagrams sent to a small, never-read UDP socket */
    int ping_overflow; /* ICMP echo requests whose replies overflow a ping socket */
    int loops;         /* repeat all of the above */
    int pause_ms;      /* sleep between loops */
    const char *comm;  /* process name to run under, or NULL */
    bool accept_addr;  /* accept(2) asks for the peer's address, and it is printed */
    bool hold;         /* after the total line, stay alive until stdin is closed */
};

/* What was done, for the summary line. */
static int total_connects;
static int total_accepts;

static void die(const char *what)
{
    fprintf(stderr, "trafficgen: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char *what)
{
    fprintf(stderr, "trafficgen: %s\n", what);
    exit(1);
}

/* A loopback address of the given family with the given port. */
static socklen_t loopback_addr(int family, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof(*sin);
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    sin6->sin6_addr = in6addr_loopback;
    return sizeof(*sin6);
}

static const char *loopback_text(int family)
{
    return family == AF_INET ? "127.0.0.1" : "[::1]";
}

static uint16_t local_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        die("getsockname");
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A socket bound to loopback on a kernel-chosen port. */
static int bound_socket(int family, int type, int protocol)
{
    int fd = socket(family, type, protocol);
    if (fd < 0)
        die("socket");
    struct sockaddr_storage ss;
    socklen_t len = loopback_addr(family, 0, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0)
        die("bind");
    return fd;
}

static int connect_to(int fd, int family, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len = loopback_addr(family, port, &ss);
    total_connects++;
    return connect(fd, (struct sockaddr *)&ss, len);
}

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl");
}

/* Move size bytes from writer to reader. Both are nonblocking and polled
 * together so that a payload larger than the socket buffers cannot deadlock
 * a single-threaded sender and receiver. The first send offers the whole
 * payload at once, so a payload that fits one segment travels as one skb. */
static void transfer(int writer, int reader, size_t size)
{
    char *out = malloc(size ? size : 1);
    char *in = malloc(size ? size : 1);
    if (!out || !in)
        fail("out of memory");
    memset(out, 'x', size);
    size_t sent = 0, received = 0;
    while (sent < size || received < size) {
        struct pollfd fds[2] = {
            {.fd = writer, .events = sent < size ? POLLOUT : 0},
            {.fd = reader, .events = received < size ? POLLIN : 0},
        };
        if (poll(fds, 2, 5000) <= 0)
            fail("transfer timed out");
        if (fds[0].revents & POLLOUT) {
            ssize_t n = send(writer, out + sent, size - sent, 0);
            if (n < 0 && errno != EAGAIN)
                die("send");
            if (n > 0)
                sent += (size_t)n;
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = read(reader, in + received, size - received);
            if (n < 0 && errno != EAGAIN)
                die("read");
            if (n == 0)
                fail("unexpected end of stream");
            if (n > 0)
                received += (size_t)n;
        }
    }
    free(out);
    free(in);
}

/* The peer address accept(2) returned, as "accept4 127.0.0.1:PORT
 * peer=127.0.0.1:PEERPORT": a tracer that reads accept's sockaddr argument
 * (soaccept.bt) has an address to read, and a test knows what it must print. */
static void print_accepted_peer(int family, uint16_t port, const struct sockaddr_storage *peer)
{
    uint16_t peer_port = peer->ss_family == AF_INET
                             ? ntohs(((const struct sockaddr_in *)peer)->sin_port)
                             : ntohs(((const struct sockaddr_in6 *)peer)->sin6_port);
    printf("accept%d %s:%u peer=%s:%u\n", family == AF_INET ? 4 : 6, loopback_text(family), port,
           loopback_text(peer->ss_family), peer_port);
}

/* connect + accept, a request of size bytes and a reply of size bytes (the
 * client reads after connecting), then close. With accept_addr, accept(2) is
 * given a buffer for the peer's address (glibc's accept() passes NULL
 * otherwise, and the kernel then writes none). */
static void tcp_flow(int family, size_t size, bool accept_addr)
{
    int listener = bound_socket(family, SOCK_STREAM, 0);
    if (listen(listener, 8) < 0)
        die("listen");
    uint16_t port = local_port(listener);

    int client = socket(family, SOCK_STREAM, 0);
    if (client < 0)
        die("socket");
    if (connect_to(client, family, port) < 0)
        die("connect");
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof(peer);
    int server = accept_addr ? accept(listener, (struct sockaddr *)&peer, &peer_len)
                             : accept(listener, NULL, NULL);
    total_accepts++;
    if (server < 0)
        die("accept");
    if (accept_addr)
        print_accepted_peer(family, port, &peer);

    /* No Nagle: each send leaves as soon as it is written, so segment sizes
     * follow the payload size rather than the timing. */
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    set_nonblocking(client);
    set_nonblocking(server);
    transfer(client, server, size);
    transfer(server, client, size);

    printf("tcp%d %s:%u connect=ok sent=%zu received=%zu\n", family == AF_INET ? 4 : 6,
           loopback_text(family), port, size, size);
    close(client);
    close(server);
    close(listener);
}

/* One connected UDP socket sends count datagrams; the server answers each one
 * and the client reads the answer. */
static void udp_flow(int family, int count, size_t size, const char *payload)
{
    int server = bound_socket(family, SOCK_DGRAM, 0);
    uint16_t port = local_port(server);
    int client = socket(family, SOCK_DGRAM, 0);
    if (client < 0)
        die("socket");
    if (connect_to(client, family, port) < 0)
        die("connect");

    char *buf = calloc(1, size ? size : 1);
    if (!buf)
        fail("out of memory");
    int answered = 0;
    for (int i = 0; i < count; i++) {
        for (size_t j = 0; payload && j < size; j++)
            buf[j] = payload[j % strlen(payload)];
        if (send(client, buf, size, 0) != (ssize_t)size)
            die("send");
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof(from);
        ssize_t n = recvfrom(server, buf, size, 0, (struct sockaddr *)&from, &fromlen);
        if (n != (ssize_t)size)
            die("recvfrom");
        if (sendto(server, buf, size, 0, (struct sockaddr *)&from, fromlen) != (ssize_t)size)
            die("sendto");
        if (read(client, buf, size) == (ssize_t)size)
            answered++;
    }
    printf("udp%d %s:%u connect=ok datagrams=%d size=%zu answered=%d\n", family == AF_INET ? 4 : 6,
           loopback_text(family), port, count, size, answered);
    free(buf);
    close(client);
    close(server);
}

/* A port nobody listens on: bind to get a free one, then close it. */
static uint16_t closed_port(void)
{
    int fd = bound_socket(AF_INET, SOCK_STREAM, 0);
    uint16_t port = local_port(fd);
    close(fd);
    return port;
}

static void refused_connect(void)
{
    uint16_t port = closed_port();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    int rc = connect_to(fd, AF_INET, port);
    int err = errno;
    close(fd);
    if (rc == 0 || err != ECONNREFUSED)
        fail("connect to a closed port was not refused");
    printf("refused4 127.0.0.1:%u connect=ECONNREFUSED\n", port);
}

/* A nonblocking connect to a listener: the loopback handshake completes in
 * softirq after connect(2) has returned, so the call reports EINPROGRESS. */
static void inprogress_connect(void)
{
    int listener = bound_socket(AF_INET, SOCK_STREAM, 0);
    if (listen(listener, 8) < 0)
        die("listen");
    uint16_t port = local_port(listener);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0)
        die("socket");
    int rc = connect_to(fd, AF_INET, port);
    int err = errno;
    if (rc == 0 || err != EINPROGRESS) {
        fprintf(stderr, "trafficgen: nonblocking connect returned %d (%s)\n", rc,
                rc ? strerror(err) : "connected at once");
        exit(1);
    }
    struct pollfd pfd = {.fd = fd, .events = POLLOUT};
    if (poll(&pfd, 1, 5000) != 1)
        fail("nonblocking connect did not complete");
    int soerr = 0;
    socklen_t len = sizeof(soerr);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    printf("inprogress4 127.0.0.1:%u connect=EINPROGRESS completed=%s\n", port,
           soerr ? strerror(soerr) : "ok");
    close(fd);
    close(listener);
}

static int small_rcvbuf(int fd)
{
    int want = 1024; /* the kernel doubles it and raises it to its minimum */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) < 0)
        die("setsockopt SO_RCVBUF");
    int got = 0;
    socklen_t len = sizeof(got);
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
    return got;
}

/* Many datagrams at a UDP socket with a tiny receive buffer that is never
 * read. The kernel drops most of them (see /proc/net/udp "drops"). Note: UDP
 * checks its receive buffer itself and does not fire sock:sock_rcvqueue_full
 * on Linux 6.x; --ping-overflow does. */
static void udp_overflow(int count)
{
    int sink = bound_socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = small_rcvbuf(sink);
    uint16_t port = local_port(sink);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    struct sockaddr_storage ss;
    socklen_t len = loopback_addr(AF_INET, port, &ss);
    char buf[1000] = {0};
    int sent = 0;
    for (int i = 0; i < count; i++)
        if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, len) == sizeof(buf))
            sent++;
    printf("udp_overflow4 127.0.0.1:%u rcvbuf=%d sent=%d size=%zu\n", port, rcvbuf, sent,
           sizeof(buf));
    close(fd);
    close(sink);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0)
        die(path);
}

static void bring_loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        die("SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        die("SIOCSIFFLAGS lo");
    close(fd);
}

static uint16_t icmp_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

/* ICMP echo requests from a ping socket (SOCK_DGRAM, IPPROTO_ICMP) with a tiny
 * receive buffer that is never read: the echo replies are queued through
 * sock_queue_rcv_skb, which fires sock:sock_rcvqueue_full once the buffer is
 * full. Ping sockets are allowed only to groups in net.ipv4.ping_group_range,
 * so this runs in a child in a private network namespace where that setting
 * (and the loopback device) can be changed without touching the host. */
static void ping_overflow_in_netns(int count)
{
    if (unshare(CLONE_NEWNET) < 0)
        die("unshare(CLONE_NEWNET) (needs root)");
    bring_loopback_up();
    char range[64];
    snprintf(range, sizeof(range), "%u %u", (unsigned)getgid(), (unsigned)getgid());
    write_file("/proc/sys/net/ipv4/ping_group_range", range);

    int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
    if (fd < 0)
        die("socket(IPPROTO_ICMP)");
    int rcvbuf = small_rcvbuf(fd);
    struct sockaddr_storage ss;
    socklen_t len = loopback_addr(AF_INET, 0, &ss);
    unsigned char packet[sizeof(struct icmphdr) + 1000];
    int sent = 0;
    for (int i = 0; i < count; i++) {
        memset(packet, 'p', sizeof(packet));
        struct icmphdr *icmp = (struct icmphdr *)packet;
        icmp->type = ICMP_ECHO;
        icmp->code = 0;
        icmp->checksum = 0;
        icmp->un.echo.id = 0; /* the kernel puts the socket's id here */
        icmp->un.echo.sequence = htons((uint16_t)i);
        icmp->checksum = icmp_checksum(packet, sizeof(packet));
        if (sendto(fd, packet, sizeof(packet), 0, (struct sockaddr *)&ss, len) ==
            (ssize_t)sizeof(packet))
            sent++;
    }
    printf("ping_overflow4 127.0.0.1 rcvbuf=%d sent=%d size=%zu\n", rcvbuf, sent, sizeof(packet));
    fflush(stdout);
    close(fd);
}

static void ping_overflow(int count)
{
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        ping_overflow_in_netns(count);
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) < 0)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("ping overflow failed");
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: trafficgen [options]\n"
            "  --tcp4 N           N TCP connections to 127.0.0.1 (connect, accept, send, reply)\n"
            "  --tcp6 N           N TCP connections to ::1\n"
            "  --tcp-size BYTES   bytes each way per TCP connection (default 1000)\n"
            "  --udp4 N           N datagrams over a connected UDP socket, each answered\n"
            "  --udp6 N           same over ::1\n"
            "  --udp-size BYTES   bytes per datagram (default 1000)\n"
            "  --udp-payload TEXT the datagrams' bytes: TEXT repeated (default zeros)\n"
            "  --refused N        N connects to a closed port (ECONNREFUSED)\n"
            "  --inprogress N     N nonblocking connects (EINPROGRESS)\n"
            "  --udp-overflow N   N datagrams to a tiny never-read UDP socket\n"
            "  --ping-overflow N  N pings whose replies overflow a ping socket\n"
            "                     (fires sock:sock_rcvqueue_full; needs root)\n"
            "  --loops N          repeat everything N times (default 1)\n"
            "  --pause-ms MS      sleep between loops\n"
            "  --comm NAME        run as NAME (at most 15 characters), so that a tracer\n"
            "                     keyed by comm tells this run from any other\n"
            "  --accept-addr      accept(2) with a peer address buffer; prints\n"
            "                     \"acceptF ADDR:PORT peer=ADDR:PEERPORT\" per accept\n"
            "  --hold             after the total line, wait for EOF on stdin before exiting\n"
            "                     (a tracer resolves user stacks from /proc/PID/maps\n"
            "                     when it prints them, so the process must still exist)\n"
            "Prints one line per action and a final \"total connect=N accept=N\".\n");
}

static int parse_count(const char *text, const char *flag)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || *end || value < 0 || value > 100000000) {
        fprintf(stderr, "trafficgen: bad number for %s: %s\n", flag, text);
        exit(2);
    }
    return (int)value;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
    static const struct option longopts[] = {
        {"tcp4", required_argument, NULL, 1},
        {"tcp6", required_argument, NULL, 2},
        {"tcp-size", required_argument, NULL, 3},
        {"udp4", required_argument, NULL, 4},
        {"udp6", required_argument, NULL, 5},
        {"udp-size", required_argument, NULL, 6},
        {"refused", required_argument, NULL, 7},
        {"inprogress", required_argument, NULL, 8},
        {"udp-overflow", required_argument, NULL, 9},
        {"ping-overflow", required_argument, NULL, 10},
        {"loops", required_argument, NULL, 11},
        {"pause-ms", required_argument, NULL, 12},
        {"comm", required_argument, NULL, 13},
        {"accept-addr", no_argument, NULL, 14},
        {"hold", no_argument, NULL, 15},
        {"udp-payload", required_argument, NULL, 16},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *opt = (struct options){.tcp_size = 1000, .udp_size = 1000, .loops = 1};
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        const char *flag = c > 0 && c <= 16 ? longopts[c - 1].name : "";
        switch (c) {
        case 1:
            opt->tcp4 = parse_count(optarg, flag);
            break;
        case 2:
            opt->tcp6 = parse_count(optarg, flag);
            break;
        case 3:
            opt->tcp_size = (size_t)parse_count(optarg, flag);
            break;
        case 4:
            opt->udp4 = parse_count(optarg, flag);
            break;
        case 5:
            opt->udp6 = parse_count(optarg, flag);
            break;
        case 6:
            opt->udp_size = (size_t)parse_count(optarg, flag);
            break;
        case 7:
            opt->refused = parse_count(optarg, flag);
            break;
        case 8:
            opt->inprogress = parse_count(optarg, flag);
            break;
        case 9:
            opt->udp_overflow = parse_count(optarg, flag);
            break;
        case 10:
            opt->ping_overflow = parse_count(optarg, flag);
            break;
        case 11:
            opt->loops = parse_count(optarg, flag);
            break;
        case 12:
            opt->pause_ms = parse_count(optarg, flag);
            break;
        case 13:
            opt->comm = optarg;
            break;
        case 14:
            opt->accept_addr = true;
            break;
        case 15:
            opt->hold = true;
            break;
        case 16:
            if (!*optarg)
                fail("--udp-payload must not be empty");
            opt->udp_payload = optarg;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            exit(2);
        }
    }
    if (optind != argc) {
        usage(stderr);
        exit(2);
    }
    if (opt->comm && (strlen(opt->comm) == 0 || strlen(opt->comm) > 15))
        fail("--comm needs 1 to 15 characters");
    if (opt->udp_size > 65000)
        fail("--udp-size must be at most 65000");
}

int main(int argc, char **argv)
{
    struct options opt;
    parse_options(argc, argv, &opt);
    /* Line-buffered even into a pipe, so a test reading the output while a
     * tracer runs sees each action as it happens. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (opt.comm && prctl(PR_SET_NAME, opt.comm) < 0)
        die("prctl(PR_SET_NAME)");

    for (int loop = 0; loop < opt.loops; loop++) {
        if (loop && opt.pause_ms)
            sleep_ms(opt.pause_ms);
        for (int i = 0; i < opt.tcp4; i++)
            tcp_flow(AF_INET, opt.tcp_size, opt.accept_addr);
        for (int i = 0; i < opt.tcp6; i++)
            tcp_flow(AF_INET6, opt.tcp_size, opt.accept_addr);
        if (opt.udp4)
            udp_flow(AF_INET, opt.udp4, opt.udp_size, opt.udp_payload);
        if (opt.udp6)
            udp_flow(AF_INET6, opt.udp6, opt.udp_size, opt.udp_payload);
        for (int i = 0; i < opt.refused; i++)
            refused_connect();
        for (int i = 0; i < opt.inprogress; i++)
            inprogress_connect();
        if (opt.udp_overflow)
            udp_overflow(opt.udp_overflow);
        if (opt.ping_overflow)
            ping_overflow(opt.ping_overflow);
    }
    printf("total connect=%d accept=%d\n", total_connects, total_accepts);
    if (opt.hold) {
        char buf[256];
        while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
            ;
    }
    return 0;
}
