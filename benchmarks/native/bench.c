/*
 * The UcSocket benchmark workloads in plain C, for the ratio-to-C column of benchmarks/run.sh.
 * Each workload runs in timed samples of a fixed number of operations; the median of the samples, in ns per
 * operation (per datagram for the UDP rows), is printed as "workload<TAB>ns". Run inside a private network
 * namespace: the UDP and TCP rows use loopback. An argument runs only the workloads whose name contains it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

#define SAMPLES 15
#define BATCH 32
#define SIZE 64

static volatile long sink;

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static const char *only; /* argv[1]: run only the workloads whose name contains it */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef void (*op_fn)(long n);

/* Runs op in SAMPLES samples of about 100 ms each and prints the median ns per operation. */
static void measure(const char *name, op_fn op, double per_call)
{
	double samples[SAMPLES];
	long n = 16;
	if (only && !strstr(name, only))
		return;
	op(n); /* warm up */
	for (;;) {
		double t0 = now_ns();
		op(n);
		double dt = now_ns() - t0;
		if (dt > 100e6 || n > (1L << 30))
			break;
		n *= 2;
	}
	for (int i = 0; i < SAMPLES; i++) {
		double t0 = now_ns();
		op(n);
		samples[i] = (now_ns() - t0) / n / per_call;
	}
	qsort(samples, SAMPLES, sizeof samples[0], cmp_double);
	printf("%s\t%.2f\n", name, samples[SAMPLES / 2]);
	fflush(stdout);
}

/* ---- sockets ---- */

static int pair[2], tcp_client, udp_rx, udp_tx, gro_rx, gro_tx;
static struct sockaddr_in udp_to, gro_to;

static int udp_bound(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	struct timeval tv = { .tv_sec = 2 };
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv))
		die("udp socket");
	*addr = a;
	return fd;
}

static void setup(void)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair))
		die("socketpair");
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	if (bind(l, (struct sockaddr *)&a, sizeof a) || getsockname(l, (struct sockaddr *)&a, &len) || listen(l, 4))
		die("tcp listen");
	tcp_client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(tcp_client, (struct sockaddr *)&a, sizeof a) || accept4(l, NULL, NULL, SOCK_CLOEXEC) < 0)
		die("tcp connect");
	udp_rx = udp_bound(&udp_to);
	udp_tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	gro_rx = udp_bound(&gro_to);
	gro_tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (setsockopt(gro_rx, SOL_UDP, UDP_GRO, &one, sizeof one))
		die("UDP_GRO");
}

/* ---- workloads ---- */

static void ping_pong(long n)
{
	char b = 42, r;
	for (long i = 0; i < n; i++) {
		send(pair[0], &b, 1, 0);
		recv(pair[1], &r, 1, 0);
		send(pair[1], &b, 1, 0);
		recv(pair[0], &r, 1, 0);
	}
}

static void get_int(long n)
{
	for (long i = 0; i < n; i++) {
		int v;
		socklen_t len = sizeof v;
		getsockopt(tcp_client, SOL_SOCKET, SO_RCVBUF, &v, &len);
		sink = v;
	}
}

static void get_linger(long n)
{
	for (long i = 0; i < n; i++) {
		struct linger v;
		socklen_t len = sizeof v;
		getsockopt(tcp_client, SOL_SOCKET, SO_LINGER, &v, &len);
		sink = v.l_linger;
	}
}

static void get_tcp_info(long n)
{
	for (long i = 0; i < n; i++) {
		struct tcp_info v;
		socklen_t len = sizeof v;
		getsockopt(tcp_client, IPPROTO_TCP, TCP_INFO, &v, &len);
		sink = v.tcpi_state;
	}
}

static void set_int(long n)
{
	for (long i = 0; i < n; i++) {
		int v = 65536;
		sink = setsockopt(tcp_client, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	}
}

static void set_linger(long n)
{
	for (long i = 0; i < n; i++) {
		struct linger v = { 1, 5 };
		sink = setsockopt(tcp_client, SOL_SOCKET, SO_LINGER, &v, sizeof v);
	}
}

/* Codec rows: C has no codec; the struct is copied to bytes and back, as the blittable .NET row does. */
static unsigned char wire[512];
#define ROUND_TRIP(type, value, field)                  \
	do {                                            \
		type back;                              \
		memcpy(wire, &(value), sizeof(type));   \
		__asm__ volatile("" ::: "memory");      \
		memcpy(&back, wire, sizeof(type));      \
		sink = back.field;                      \
	} while (0)

static void codec_linger(long n)
{
	struct linger v = { 1, 5 };
	for (long i = 0; i < n; i++)
		ROUND_TRIP(struct linger, v, l_linger);
}

static void codec_mreqn(long n)
{
	struct ip_mreqn v = { .imr_multiaddr.s_addr = 0x030201ef, .imr_address.s_addr = 0x0100007f, .imr_ifindex = 1 };
	for (long i = 0; i < n; i++)
		ROUND_TRIP(struct ip_mreqn, v, imr_ifindex);
}

static void codec_tcp_info(long n)
{
	struct tcp_info v = { .tcpi_state = 1, .tcpi_snd_mss = 32768 };
	for (long i = 0; i < n; i++)
		ROUND_TRIP(struct tcp_info, v, tcpi_state);
}

static void codec_cmsg(long n)
{
	for (long i = 0; i < n; i++) {
		/* encode with the CMSG macros, as a C program builds a control buffer */
		union {
			char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct timeval))];
			struct cmsghdr align;
		} u;
		struct msghdr m = { .msg_control = u.buf, .msg_controllen = sizeof u.buf };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		int fd = 7;
		struct timeval tv = { 1700000000, 123456 };
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof fd);
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
		c = CMSG_NXTHDR(&m, c);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SO_TIMESTAMP;
		c->cmsg_len = CMSG_LEN(sizeof tv);
		memcpy(CMSG_DATA(c), &tv, sizeof tv);
		__asm__ volatile("" ::: "memory");
		/* decode with the walk */
		long sum = 0;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_RIGHTS) {
				int got;
				memcpy(&got, CMSG_DATA(c), sizeof got);
				sum += got;
			} else if (c->cmsg_type == SO_TIMESTAMP) {
				struct timeval got;
				memcpy(&got, CMSG_DATA(c), sizeof got);
				sum += got.tv_usec;
			}
		}
		sink = sum;
	}
}

static unsigned char payload[BATCH * SIZE], rxbuf[65536];

static void udp_per_call(long n)
{
	for (long k = 0; k < n; k++) {
		for (int i = 0; i < BATCH; i++)
			if (sendto(udp_tx, payload + i * SIZE, SIZE, 0, (struct sockaddr *)&udp_to, sizeof udp_to) < 0)
				die("sendto");
		for (int i = 0; i < BATCH; i++) {
			struct sockaddr_storage from;
			socklen_t len = sizeof from;
			if (recvfrom(udp_rx, rxbuf, sizeof rxbuf, 0, (struct sockaddr *)&from, &len) < 0)
				die("recvfrom");
		}
	}
}

static struct mmsghdr out[BATCH], in[BATCH];
static struct iovec out_iov[BATCH], in_iov[BATCH];
static struct sockaddr_storage names[BATCH];
static unsigned char in_bufs[BATCH][2048];

static void udp_batched(long n)
{
	for (long k = 0; k < n; k++) {
		for (int sent = 0; sent < BATCH;) {
			int r = sendmmsg(udp_tx, out + sent, BATCH - sent, 0);
			if (r < 0)
				die("sendmmsg");
			sent += r;
		}
		for (int got = 0; got < BATCH;) {
			for (int i = got; i < BATCH; i++)
				in[i].msg_hdr.msg_namelen = sizeof names[i];
			int r = recvmmsg(udp_rx, in + got, BATCH - got, MSG_WAITFORONE, NULL);
			if (r < 0)
				die("recvmmsg");
			got += r;
		}
	}
}

static void udp_gso_gro(long n)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl;
	char rxctl[64];
	for (long k = 0; k < n; k++) {
		struct iovec iov = { payload, BATCH * SIZE };
		struct msghdr m = { .msg_name = &gro_to, .msg_namelen = sizeof gro_to, .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		*(uint16_t *)CMSG_DATA(c) = SIZE;
		if (sendmsg(gro_tx, &m, 0) < 0)
			die("sendmsg gso");
		long segments = 0;
		for (long bytes = 0; bytes < BATCH * SIZE;) {
			struct sockaddr_storage from;
			struct iovec riov = { rxbuf, sizeof rxbuf };
			struct msghdr r = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &riov, .msg_iovlen = 1,
					    .msg_control = rxctl, .msg_controllen = sizeof rxctl };
			ssize_t got = recvmsg(gro_rx, &r, 0);
			if (got < 0)
				die("recvmsg gro");
			int size = 0;
			for (c = CMSG_FIRSTHDR(&r); c; c = CMSG_NXTHDR(&r, c))
				if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO)
					memcpy(&size, CMSG_DATA(c), sizeof size);
			for (long off = 0; off < got; off += size ? size : got)
				segments += rxbuf[off];
			bytes += got;
		}
		sink = segments;
	}
}

int main(int argc, char **argv)
{
	only = argc > 1 ? argv[1] : NULL;
	setup();
	for (int i = 0; i < BATCH; i++) {
		out_iov[i] = (struct iovec){ payload + i * SIZE, SIZE };
		out[i].msg_hdr = (struct msghdr){ .msg_name = &udp_to, .msg_namelen = sizeof udp_to, .msg_iov = &out_iov[i], .msg_iovlen = 1 };
		in_iov[i] = (struct iovec){ in_bufs[i], sizeof in_bufs[i] };
		in[i].msg_hdr = (struct msghdr){ .msg_name = &names[i], .msg_namelen = sizeof names[i], .msg_iov = &in_iov[i], .msg_iovlen = 1 };
	}
	measure("ping-pong 1 B", ping_pong, 1);
	measure("getsockopt int", get_int, 1);
	measure("getsockopt linger", get_linger, 1);
	measure("getsockopt tcp_info", get_tcp_info, 1);
	measure("setsockopt int", set_int, 1);
	measure("setsockopt linger", set_linger, 1);
	/* C has no ucode-style layer: its ucode rows are the plain calls. */
	measure("ucode getopt int", get_int, 1);
	measure("ucode setopt int", set_int, 1);
	measure("ucode getopt linger (dict)", get_linger, 1);
	measure("ucode setopt linger (dict)", set_linger, 1);
	measure("codec linger", codec_linger, 1);
	measure("codec ip_mreqn", codec_mreqn, 1);
	measure("codec tcp_info", codec_tcp_info, 1);
	measure("codec cmsg rights+timestamp", codec_cmsg, 1);
	measure("udp 64 B per-call", udp_per_call, BATCH);
	measure("udp 64 B batched x32", udp_batched, BATCH);
	measure("udp 64 B gso/gro x32", udp_gso_gro, BATCH);
	return 0;
}
