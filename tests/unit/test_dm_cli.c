// SPDX-License-Identifier: MIT
/*
 * The bulkhead-dm binary: --help, errors naming the bad option, and the pty
 * backend carrying text both ways, driven by the test frontend over a sim
 * socket passed as fd 3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_net.h>

#include "dm/net.h"

#include "dm_test_frontend.h"

#ifndef DM_HOST_BIN
#define DM_HOST_BIN "build/dm/host/bulkhead-dm"
#endif

#define FEATURES                                                                     \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |         \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_CONSOLE_F_SIZE) | (1ULL << VIRTIO_CONSOLE_F_MULTIPORT))

static char dm_bin[4200];
/* DM_TEST_WRAPPER=qemu-aarch64 DM_TEST_BIN=build/dm/aarch64/bulkhead-dm */
static const char *dm_wrapper;

struct proc {
	pid_t pid;
	int out, err; /* pipes from the child's stdout/stderr */
	int sim;      /* our end of the sim socket, or -1 */
};

static void find_binary(void)
{
	char self[4096];
	ssize_t n;
	char *slash;

	dm_wrapper = getenv("DM_TEST_WRAPPER");
	if (getenv("DM_TEST_BIN")) {
		snprintf(dm_bin, sizeof(dm_bin), "%s", getenv("DM_TEST_BIN"));
		return;
	}
	if (access(DM_HOST_BIN, X_OK) == 0) {
		snprintf(dm_bin, sizeof(dm_bin), "%s", DM_HOST_BIN);
		return;
	}
	/* build/dm/tests/test_dm_cli -> build/dm/host/bulkhead-dm */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(dm_bin, sizeof(dm_bin), "%s/../host/bulkhead-dm", self);
}

/*
 * Start bulkhead-dm with @args (NULL-terminated); fd 3 = sim socket.
 * @in: fd to give the child as stdin, or -1 to inherit ours.
 */
static void spawn_in(struct proc *p, const char *const *args, bool with_sim, int in)
{
	int out[2], err[2], sv[2] = { -1, -1 };
	const char *argv[64];
	unsigned int i;

	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	if (with_sim)
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	i = 0;
	if (dm_wrapper)
		argv[i++] = dm_wrapper;
	argv[i++] = dm_bin;
	for (; *args; args++)
		argv[i++] = *args;
	argv[i] = NULL;
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (!p->pid) {
		if (in >= 0)
			dup2(in, 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (with_sim)
			dup2(sv[1], 3);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	if (with_sim)
		close(sv[1]);
	p->out = out[0];
	p->err = err[0];
	p->sim = sv[0];
}

static void spawn(struct proc *p, const char *const *args, bool with_sim)
{
	spawn_in(p, args, with_sim, -1);
}

/* Read @fd until EOF or until @want appears; returns what was read. */
static char *slurp(int fd, const char *want, int timeout_ms)
{
	size_t cap = 65536, len = 0;
	char *buf = calloc(1, cap + 1);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (len < cap && poll(&pfd, 1, timeout_ms) > 0) {
		ssize_t n = read(fd, buf + len, cap - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (want && strstr(buf, want))
			break;
	}
	return buf;
}

static int reap(struct proc *p, int timeout_ms)
{
	int st, i;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	return -1;
}

static void close_proc(struct proc *p)
{
	close(p->out);
	close(p->err);
	if (p->sim >= 0)
		close(p->sim);
}

/* Run to completion; returns exit code, stdout, stderr. */
static int run(const char *const *args, bool with_sim, char **out, char **err)
{
	struct proc p;
	int rc;

	spawn(&p, args, with_sim);
	if (p.sim >= 0) {
		close(p.sim); /* a config error exits before using it */
		p.sim = -1;
	}
	*err = slurp(p.err, NULL, 5000);
	*out = slurp(p.out, NULL, 1000);
	rc = reap(&p, 5000);
	close_proc(&p);
	return rc;
}

static void test_help(void **state)
{
	const char *args[] = { "--help", NULL };
	char *out, *err;

	(void)state;
	assert_int_equal(run(args, false, &out, &err), 0);
	assert_non_null(strstr(out, "Usage: bulkhead-dm"));
	assert_non_null(strstr(out, "-chardev pty,id=ID"));
	assert_non_null(strstr(out, "-device virtio-console,chardev=ID"));
	assert_non_null(strstr(out, "virtserialport"));
	assert_non_null(strstr(out, "-transport sim"));
	assert_non_null(strstr(out, "-netdev tap,id=ID,ifname=NAME"));
	assert_non_null(strstr(out, "-netdev socket,id=ID,path=PATH"));
	assert_non_null(strstr(out, "-device virtio-net,netdev=ID"));
	assert_string_equal(err, "");
	free(out);
	free(err);
}

static void expect_error(const char *const *args, bool with_sim, const char *needle)
{
	char *out, *err;

	assert_int_equal(run(args, with_sim, &out, &err), 1);
	if (!strstr(err, needle))
		fail_msg("stderr '%s' does not name '%s'", err, needle);
	assert_non_null(strstr(err, "bulkhead-dm: "));
	free(out);
	free(err);
}

static void test_bad_options(void **state)
{
	const char *a1[] = { "-bogus", NULL };
	const char *a2[] = { "-chardev", NULL };
	const char *a3[] = { "-transport", "sim,fd=3", "-chardev",
			     "pty,id=c0",  "-device",  "virtio-console,chardev=c0,frob=1",
			     NULL };
	const char *a4[] = { "-transport", "sim,fd=3", "-chardev", "nosuch,id=x", NULL };
	const char *a5[] = { "-transport", "sim,fd=3", "-device", "virtio-console,chardev=nope",
			     NULL };
	const char *a6[] = { "-transport", "sim,fd=3", "-chardev",
			     "pty,id=c0",  "-device",  "virtio-console,chardev=c0,max_ports=99",
			     NULL };
	const char *a7[] = { "-transport", "sim,fd=3", "-chardev",
			     "pty,id=c0",  "-device",  "virtio-gpu,chardev=c0",
			     NULL };
	const char *a8[] = { "-transport", "sim,fd=3",
			     "-chardev",   "pty,id=c0",
			     "-device",	   "virtio-console,chardev=c0,iommu_platform=maybe",
			     NULL };
	const char *a9[] = { "-transport", "uio,id=u,root=/nonexistent",
			     "-chardev",   "pty,id=c0",
			     "-device",	   "virtio-console,chardev=c0,name=fe9-console",
			     NULL };
	const char *a13[] = { "-transport", "uio,id=u", "-chardev",
			      "pty,id=c0",  "-device",	"virtio-console,chardev=c0",
			      NULL };
	const char *a14[] = { "-transport", "sim,fd=3", "-chardev",
			      "pty,id=c0",  "-device",	"virtio-console,chardev=c0,name=x",
			      NULL };
	const char *a10[] = { "-transport", "sim,fd=3", "-chardev", "socket,id=s", NULL };
	const char *a11[] = { "-transport", "sim,fd=3",
			      "-chardev",   "pty,id=c0",
			      "-device",    "virtio-console,chardev=c0",
			      "-chardev",   "pty,id=c1",
			      "-device",    "virtserialport,bus=vc9,chardev=c1",
			      NULL };
	const char *a12[] = { NULL };
	const char *a15[] = { "-transport", "sim,fd=3", "-chardev",
			      "pty,id=c0",  "-device",	"virtio-console,chardev=c0,fair=sometimes",
			      NULL };

	(void)state;
	expect_error(a1, false, "'-bogus'");
	expect_error(a2, false, "'-chardev'");
	expect_error(a3, true, "'frob'");
	expect_error(a4, true, "'nosuch'");
	expect_error(a5, true, "'nope'");
	expect_error(a6, true, "'max_ports'");
	expect_error(a7, true, "'virtio-gpu'");
	expect_error(a8, true, "'iommu_platform'");
	expect_error(a9, false, "'fe9-console' not found");
	expect_error(a13, false, "name=");
	expect_error(a14, true, "name=");
	expect_error(a10, true, "'path'");
	expect_error(a11, true, "'vc9'");
	expect_error(a12, false, "--help");
	expect_error(a15, true, "'fair'");
}

/* -netdev and -device virtio-net: every error names what is wrong. */
static void test_bad_net_options(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char nd[160];
	int ls;
	const char *b1[] = { "-transport", "sim,fd=3",
			     "-netdev",	   "tap,id=n0,ifname=bad/name",
			     "-device",	   "virtio-net,netdev=n0",
			     NULL };
	const char *b2[] = { "-transport", "sim,fd=3", "-netdev", "socket,id=n0", NULL };
	const char *b3[] = { "-transport", "sim,fd=3", "-netdev",
			     "socket,id=n0,path=/nonexistent/net.sock", NULL };
	const char *b4[] = { "-transport", "sim,fd=3", "-device", "virtio-net", NULL };
	const char *b5[] = { "-transport", "sim,fd=3", "-device", "virtio-net,netdev=nope", NULL };
	const char *b6[] = { "-transport", "sim,fd=3", "-netdev",
			     nd,	   "-device",  "virtio-net,netdev=n0,mac=01:00:5e:00:00:01",
			     NULL };
	const char *b7[] = { "-transport", "sim,fd=3", "-netdev",
			     nd,	   "-device",  "virtio-net,netdev=n0,mtu=40",
			     NULL };
	const char *b8[] = { "-transport", "sim,fd=3", "-netdev", "tap,id=n0", NULL };
	const char *b9[] = { "-transport", "sim,fd=3",
			     "-netdev",	   nd,
			     "-device",	   "virtio-net,netdev=n0",
			     "-device",	   "virtio-net,netdev=n0",
			     NULL };
	const char *b10[] = { "-transport", "sim,fd=3", "-netdev", "vde,id=n0", NULL };
	const char *b11[] = { "-transport", "sim,fd=3", "-netdev", "socket,path=/x", NULL };
	const char *b12[] = { "-transport", "sim,fd=3", "-netdev", "socket,id=n0,fd=2", NULL };
	const char *b13[] = { "-transport", "sim,fd=3", "-netdev",
			      nd,	    "-device",	"virtio-net,netdev=n0,speed=10",
			      NULL };

	(void)state;
	/* a peer for the devices' netdev: connecting needs no accept */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/dm-test-%d-nd.sock", (int)getpid());
	snprintf(nd, sizeof(nd), "socket,id=n0,path=%s", sa.sun_path);
	unlink(sa.sun_path);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 16), 0);
	/* /dev/net/tun missing, or TUNSETIFF refusing the name: both name it */
	expect_error(b1, true, "-netdev tap,id=n0: ");
	expect_error(b2, true, "'path' and 'fd'");
	expect_error(b3, true, "path '/nonexistent/net.sock'");
	expect_error(b4, true, "'netdev' is required");
	expect_error(b5, true, "netdev 'nope' not found");
	expect_error(b6, true, "'mac'");
	expect_error(b7, true, "'mtu'");
	expect_error(b8, true, "'ifname' is required");
	expect_error(b9, true, "netdev 'n0' is already in use");
	expect_error(b10, true, "'vde'");
	expect_error(b11, true, "'id' is required");
	expect_error(b12, true, "fd 2 is not a SOCK_SEQPACKET socket");
	expect_error(b13, true, "'speed'");
	close(ls);
	unlink(sa.sun_path);
}

/* ---- through the real binary ------------------------------------------- */

struct guest {
	struct tfe_link link;
	struct tfe_mem mem;
	struct tfe_dev dev;
	struct tfe_port port;
};

static void guest_up(struct guest *g, int sock, unsigned int slot, unsigned int nq, bool port)
{
	unsigned int i;

	tfe_link_init(&g->link, sock);
	assert_int_equal(tfe_mem_init(&g->mem, 0x20000000ULL, 4ULL << 20), 0);
	assert_int_equal(tfe_link_attach(&g->link, slot, &g->mem), 0);
	tfe_dev_init(&g->dev, &g->link, slot, NULL, &g->mem);
	assert_int_equal(tfe_probe(&g->dev, FEATURES), 0);
	for (i = 0; i < nq; i++)
		assert_int_equal(tfe_vq_setup(&g->dev, i, 64), 0);
	tfe_driver_ok(&g->dev);
	if (port)
		assert_int_equal(tfe_port_init(&g->port, &g->dev, 0, 1, 1024), 0);
}

struct text {
	char buf[256];
	size_t len;
};

static void text_sink(void *ctx, const uint8_t *d, size_t n)
{
	struct text *t = ctx;

	if (t->len + n < sizeof(t->buf)) {
		memcpy(t->buf + t->len, d, n);
		t->len += n;
	}
}

/* The pty the model announced, from exactly QEMU's line (label serial1). */
static void pty_path(struct proc *p, char *path, size_t len)
{
	regmatch_t mt[2];
	regex_t re;
	char *line = slurp(p->out, "\n", 5000);

	assert_int_equal(regcomp(&re,
				 "^char device redirected to "
				 "(/dev/pts/[0-9]+) \\(label serial1\\)\n$",
				 REG_EXTENDED),
			 0);
	if (regexec(&re, line, 2, mt, 0))
		fail_msg("unexpected pty line '%s'", line);
	snprintf(path, len, "%.*s", (int)(mt[1].rm_eo - mt[1].rm_so), line + mt[1].rm_so);
	regfree(&re);
	free(line);
}

static void test_pty_both_ways(void **state)
{
	const char *args[] = { "-transport", "sim,id=t0,fd=3",
			       "-chardev",   "pty,id=serial1",
			       "-device",    "virtio-console,chardev=serial1,transport=t0",
			       NULL };
	static const char to_guest[] = "hello guest, from the pty\n";
	static const char to_host[] = "hello pty, from the guest\n";
	struct guest g;
	struct text t = { .len = 0 };
	struct termios tio;
	struct proc p;
	char path[64], got[256];
	size_t n = 0;
	int pty, i;

	(void)state;
	spawn(&p, args, true);
	pty_path(&p, path, sizeof(path));

	pty = open(path, O_RDWR | O_NOCTTY);
	assert_true(pty >= 0);
	assert_int_equal(tcgetattr(pty, &tio), 0);
	assert_false(tio.c_lflag & ECHO); /* raw, as QEMU leaves it */

	guest_up(&g, p.sim, 0, 2, true);

	/* pty -> guest */
	assert_int_equal(write(pty, to_guest, strlen(to_guest)), (ssize_t)strlen(to_guest));
	for (i = 0; i < 100 && t.len < strlen(to_guest); i++) {
		tfe_link_poll(&g.link, 50);
		tfe_ack_irq(&g.dev);
		tfe_port_poll_rx(&g.port, text_sink, &t);
	}
	t.buf[t.len] = '\0';
	assert_string_equal(t.buf, to_guest);

	/* guest -> pty */
	assert_int_equal(tfe_port_send(&g.port, to_host, strlen(to_host)), strlen(to_host));
	tfe_vq_kick(g.port.tx);
	for (i = 0; i < 100 && n < strlen(to_host); i++) {
		struct pollfd pfd = { .fd = pty, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		r = read(pty, got + n, sizeof(got) - 1 - n);
		if (r > 0)
			n += (size_t)r;
	}
	got[n] = '\0';
	assert_string_equal(got, to_host);
	close(pty);

	/* the frontend leaves: the model exits cleanly */
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g.mem);
}

struct pattern_sink {
	size_t len;
	bool ok;
};

static uint8_t pattern_byte(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

static void pattern_check(void *ctx, const uint8_t *d, size_t n)
{
	struct pattern_sink *ps = ctx;

	for (size_t i = 0; i < n; i++)
		ps->ok &= d[i] == pattern_byte(ps->len + i);
	ps->len += n;
}

/*
 * A writer that closes the pty right after its last byte, while the guest
 * has no buffers (back-pressure): every byte still reaches the guest once it
 * gives buffers.  The backend's `cat file > /dev/pts/N` does exactly this.
 */
static void test_pty_writer_leaves_bytes_queued(void **state)
{
	const char *args[] = { "-transport", "sim,id=t0,fd=3",
			       "-chardev",   "pty,id=serial1",
			       "-device",    "virtio-console,chardev=serial1,transport=t0",
			       NULL };
	/* 64 KiB of guest buffers, then 2 KiB left queued in the pty */
	enum { TOTAL = 66 << 10 };
	struct pattern_sink ps = { .len = 0, .ok = true };
	static uint8_t buf[TOTAL];
	struct guest g;
	struct proc p;
	char path[64];
	int i, status;
	pid_t writer;

	(void)state;
	spawn(&p, args, true);
	pty_path(&p, path, sizeof(path));
	guest_up(&g, p.sim, 0, 2, true);
	for (i = 0; i < TOTAL; i++)
		buf[i] = pattern_byte((size_t)i);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0) {
		int pty = open(path, O_RDWR | O_NOCTTY);

		_exit(pty < 0 || write(pty, buf, sizeof(buf)) != (ssize_t)sizeof(buf));
	}
	/*
	 * The guest takes nothing while the writer writes, so that it closes
	 * with bytes still queued.  But the pty holds only so much beyond what
	 * the guest's buffers took (a read fills a buffer with what the pty has
	 * at that moment, often less than 1 KiB): if the writer is still
	 * blocked after a while, let the guest take some, or writer and test
	 * would wait for each other for ever.
	 */
	for (i = 0; i < 6000; i++) {
		pid_t w = waitpid(writer, &status, WNOHANG);

		assert_true(w >= 0);
		if (w == writer)
			break;
		if (i >= 200) {
			tfe_link_poll(&g.link, 10);
			tfe_ack_irq(&g.dev);
			tfe_port_poll_rx(&g.port, pattern_check, &ps);
		} else {
			usleep(10 * 1000);
		}
	}
	assert_true(i < 6000);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	usleep(300 * 1000); /* the model sees the hang-up with the guest's buffers full */
	for (i = 0; i < 600 && ps.len < TOTAL; i++) {
		tfe_link_poll(&g.link, 50);
		tfe_ack_irq(&g.dev);
		tfe_port_poll_rx(&g.port, pattern_check, &ps);
	}
	assert_int_equal(ps.len, TOTAL);
	assert_true(ps.ok);

	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g.mem);
}

static void test_several_devices_and_ports(void **state)
{
	const char *args[] = {
		"-transport", "sim,id=t0,fd=3",
		"-chardev",   "pty,id=a",
		"-chardev",   "pty,id=b",
		"-chardev",   "pty,id=c",
		"-device",    "virtio-console,chardev=a",
		"-device",    "virtio-console,id=vc1,chardev=b,max_ports=4,slot=1",
		"-device",    "virtserialport,bus=vc1.0,chardev=c,name=org.bulkhead.x",
		NULL
	};
	struct guest g[2];
	struct proc p;
	char *out;

	(void)state;
	spawn(&p, args, true);
	out = slurp(p.out, "(label c)\n", 5000);
	assert_non_null(strstr(out, "(label a)"));
	assert_non_null(strstr(out, "(label b)"));
	assert_non_null(strstr(out, "(label c)"));
	free(out);
	guest_up(&g[0], p.sim, 0, 2, false);
	assert_false(g[0].dev.features & (1ULL << VIRTIO_CONSOLE_F_MULTIPORT));
	guest_up(&g[1], p.sim, 1, 10, false);
	assert_true(g[1].dev.features & (1ULL << VIRTIO_CONSOLE_F_MULTIPORT));
	assert_int_equal(tfe_read32(&g[1].dev, VIRTIO_MMIO_CONFIG + 4), 4);
	/* slot 2 is empty: Linux sees no magic and ignores it */
	g[1].dev.slot = 2;
	assert_int_equal(tfe_read32(&g[1].dev, VIRTIO_MMIO_MAGIC_VALUE), 0);
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g[0].mem);
	tfe_mem_fini(&g[1].mem);
}

/* Receive @want on port 0 of @g. */
static void guest_expect(struct guest *g, const char *want)
{
	struct text t = { .len = 0 };
	int i;

	for (i = 0; i < 100 && t.len < strlen(want); i++) {
		tfe_link_poll(&g->link, 50);
		tfe_ack_irq(&g->dev);
		tfe_port_poll_rx(&g->port, text_sink, &t);
	}
	t.buf[t.len] = '\0';
	assert_string_equal(t.buf, want);
}

static void guest_say(struct guest *g, const char *text)
{
	int i;

	assert_int_equal(tfe_port_send(&g->port, text, strlen(text)), strlen(text));
	tfe_vq_kick(g->port.tx);
	for (i = 0; i < 100; i++) {
		tfe_link_poll(&g->link, 20);
		tfe_ack_irq(&g->dev);
		if (tfe_port_reap_tx(&g->port))
			return;
	}
	fail_msg("TX buffer not used");
}

static void test_file_backend(void **state)
{
	char in[64], out[64], cd[200], got[64] = "";
	const char *args[] = { "-transport", "sim,fd=3", "-chardev",
			       cd,	     "-device",	 "virtio-console,chardev=f",
			       NULL };
	struct guest g;
	struct proc p;
	FILE *f;

	(void)state;
	snprintf(in, sizeof(in), "/tmp/dm-test-%d.in", (int)getpid());
	snprintf(out, sizeof(out), "/tmp/dm-test-%d.out", (int)getpid());
	snprintf(cd, sizeof(cd), "file,id=f,path=%s,input-path=%s", out, in);
	f = fopen(in, "w");
	assert_non_null(f);
	fputs("input from a file\n", f);
	fclose(f);
	spawn(&p, args, true);
	guest_up(&g, p.sim, 0, 2, true);
	/* a regular file is not pollable: read until EOF, then stop */
	guest_expect(&g, "input from a file\n");
	guest_say(&g, "output to a file\n");
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof(got), f));
	fclose(f);
	assert_string_equal(got, "output to a file\n");
	unlink(in);
	unlink(out);
	tfe_mem_fini(&g.mem);
}

static void test_stdio_backend(void **state)
{
	const char *args[] = { "-transport", "sim,fd=3", "-chardev",
			       "stdio,id=s", "-device",	 "virtio-console,chardev=s",
			       NULL };
	struct guest g;
	struct proc p;
	int in[2];
	char *out;

	(void)state;
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	spawn_in(&p, args, true, in[0]);
	close(in[0]);
	guest_up(&g, p.sim, 0, 2, true);
	assert_int_equal(write(in[1], "typed on stdin\n", 15), 15);
	guest_expect(&g, "typed on stdin\n");
	guest_say(&g, "printed on stdout\n");
	out = slurp(p.out, "\n", 5000);
	assert_string_equal(out, "printed on stdout\n");
	free(out);
	close(in[1]);
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g.mem);
}

/* Run a stdio console on a fresh terminal; check the modes the model set. */
static void stdio_tty_check(const char *chardev, bool isig)
{
	const char *args[] = { "-transport", "sim,fd=3", "-chardev",
			       chardev,	     "-device",	 "virtio-console,chardev=s",
			       NULL };
	struct termios t;
	struct guest g;
	struct proc p;
	int m, tty;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	tty = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(tty >= 0);
	spawn_in(&p, args, true, tty);
	close(tty);
	/* the probe's round trips pass the loop: the terminal is set by now */
	guest_up(&g, p.sim, 0, 2, true);
	assert_int_equal(tcgetattr(m, &t), 0);
	assert_int_equal(t.c_lflag & ICANON, 0);
	assert_int_equal(!!(t.c_lflag & ISIG), isig);
	if (!isig) {
		/* ^C is data for the guest, not a signal for the model */
		assert_int_equal(write(m, "\x03", 1), 1);
		guest_expect(&g, "\x03");
	}
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g.mem);
	close(m);
}

/* A terminal on stdin is raw; ISIG stays unless signal=off (as QEMU). */
static void test_stdio_tty_signal(void **state)
{
	(void)state;
	stdio_tty_check("stdio,id=s", true);
	stdio_tty_check("stdio,id=s,signal=off", false);
}

/* Push @bytes through port 0; every TX buffer must come back. */
static void guest_flood(struct guest *g, size_t bytes)
{
	static const char chunk[1024];
	size_t sent = 0;
	int idle = 0;

	while (sent < bytes && idle < 100) {
		size_t n;
		bool any = false;

		while (sent < bytes && (n = tfe_port_send(&g->port, chunk, sizeof(chunk)))) {
			sent += n;
			any = true;
		}
		if (any)
			tfe_vq_kick(g->port.tx);
		tfe_link_poll(&g->link, 20);
		tfe_ack_irq(&g->dev);
		idle = tfe_port_reap_tx(&g->port) || any ? 0 : idle + 1;
	}
	assert_int_equal(sent, bytes);
	for (idle = 0; idle < 100 && g->port.n_tx_free < TFE_PORT_BUFS; idle++) {
		tfe_link_poll(&g->link, 20);
		tfe_port_reap_tx(&g->port);
	}
	assert_int_equal(g->port.n_tx_free, TFE_PORT_BUFS);
}

/* utime + stime of @pid in clock ticks */
static unsigned long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	assert_non_null(p);
	/* fields after ")": state(3) ... utime(14) stime(15) */
	assert_int_equal(
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st), 2);
	return ut + st;
}

static void test_pty_tx_without_reader(void **state)
{
	const char *args[] = { "-transport", "sim,fd=3", "-chardev",
			       "pty,id=p",   "-device",	 "virtio-console,chardev=p",
			       NULL };
	struct guest g;
	struct proc p;
	char *line, path[64];
	unsigned long t0;
	int fd;

	(void)state;
	spawn(&p, args, true);
	line = slurp(p.out, "\n", 5000);
	assert_int_equal(sscanf(line, "char device redirected to %63s", path), 1);
	free(line);
	guest_up(&g, p.sim, 0, 2, true);
	/* nobody ever opened the pty: Linux's hvc would spin otherwise */
	guest_flood(&g, 2U << 20);
	/* a reader comes and goes (slave HUP is level-triggered) */
	fd = open(path, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	guest_say(&g, "anyone there?\n");
	close(fd);
	usleep(100000);
	guest_flood(&g, 1U << 20);
	/* idle now: the model must sleep in epoll, not spin on the HUP */
	t0 = cpu_ticks(p.pid);
	usleep(500000);
	assert_true(cpu_ticks(p.pid) - t0 <= 5);
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	tfe_mem_fini(&g.mem);
}

/*
 * The same two pty tests on the fallback for kernels without inotify (the
 * Bulkhead guest kernel): a timer checks the master for HUP while nobody is
 * connected.
 */
static void test_pty_both_ways_polled(void **state)
{
	setenv("BULKHEAD_DM_PTY_POLL", "1", 1);
	test_pty_both_ways(state);
	unsetenv("BULKHEAD_DM_PTY_POLL");
}

static void test_pty_tx_without_reader_polled(void **state)
{
	setenv("BULKHEAD_DM_PTY_POLL", "1", 1);
	test_pty_tx_without_reader(state);
	unsetenv("BULKHEAD_DM_PTY_POLL");
}

/* -transport sim,path=P: the model connects to a listening frontend. */
static void test_sim_path(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char arg[160];
	const char *args[] = { "-transport", arg,
			       "-chardev",   "file,id=f,path=/dev/null",
			       "-device",    "virtio-console,chardev=f,transport=sim",
			       NULL };
	struct pollfd pfd;
	struct guest g;
	struct proc p;
	int ls, fd;

	(void)state;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/dm-test-%d-fe.sock", (int)getpid());
	snprintf(arg, sizeof(arg), "sim,id=t,path=%s", sa.sun_path);
	unlink(sa.sun_path);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	spawn(&p, args, false);
	pfd.fd = ls;
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	assert_true(fd >= 0);
	guest_up(&g, fd, 0, 2, true);
	guest_say(&g, "to /dev/null\n");
	close(fd);
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	close(ls);
	unlink(sa.sun_path);
	tfe_mem_fini(&g.mem);
}

/* Frames both ways through the binary, its -netdev socket on our listener. */
static void test_net_socket_path(void **state)
{
	const uint64_t want = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
			      (1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_NET_F_MAC) |
			      (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MRG_RXBUF);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char arg[160];
	const char *args[] = { "-transport", "sim,fd=3", "-netdev",
			       arg,	     "-device",	 "virtio-net,netdev=n0,id=vnet7",
			       NULL };
	uint8_t frame[600], buf[2048], mac[ETH_ALEN], want_mac[ETH_ALEN];
	struct pollfd pfd;
	struct guest g;
	struct tfe_net n;
	struct proc p;
	unsigned int i, nbufs;
	int ls, wire;
	long r;

	(void)state;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/dm-test-%d-net.sock", (int)getpid());
	snprintf(arg, sizeof(arg), "socket,id=n0,path=%s", sa.sun_path);
	unlink(sa.sun_path);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	spawn(&p, args, true);
	pfd = (struct pollfd){ .fd = ls, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 5000), 1);
	wire = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	assert_true(wire >= 0);
	tfe_link_init(&g.link, p.sim);
	assert_int_equal(tfe_mem_init(&g.mem, 0x20000000ULL, 4ULL << 20), 0);
	assert_int_equal(tfe_link_attach(&g.link, 0, &g.mem), 0);
	tfe_dev_init(&g.dev, &g.link, 0, NULL, &g.mem);
	assert_int_equal(tfe_probe(&g.dev, want), 0);
	assert_int_equal(g.dev.device_id, 1); /* VIRTIO_ID_NET */
	assert_int_equal(tfe_vq_setup(&g.dev, 0, 64), 0);
	assert_int_equal(tfe_vq_setup(&g.dev, 1, 64), 0);
	tfe_driver_ok(&g.dev);
	assert_int_equal(tfe_net_init(&n, &g.dev, 1536, 16, 1536), 0);
	/* no mac=: the address derived from the device's name */
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)tfe_read(&g.dev, VIRTIO_MMIO_CONFIG + i, 1);
	net_default_mac("vnet7", want_mac);
	assert_memory_equal(mac, want_mac, ETH_ALEN);
	for (i = 0; i < 20; i++) {
		tfe_random(frame, sizeof(frame), i);
		assert_int_equal(tfe_net_send(&n, frame, sizeof(frame) - i), 0);
		tfe_vq_kick(n.tx);
		pfd = (struct pollfd){ .fd = wire, .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 5000), 1);
		assert_int_equal(recv(wire, buf, sizeof(buf), 0), (ssize_t)(sizeof(frame) - i));
		assert_memory_equal(buf, frame, sizeof(frame) - i);
		tfe_net_reap_tx(&n);
		tfe_random(frame, sizeof(frame), 100 + i);
		assert_int_equal(send(wire, frame, sizeof(frame) - i, 0),
				 (ssize_t)(sizeof(frame) - i));
		while ((r = tfe_net_recv(&n, buf, sizeof(buf), &nbufs)) == -EAGAIN)
			tfe_link_poll(&g.link, 100);
		assert_int_equal(r, (long)(sizeof(frame) - i));
		assert_memory_equal(buf, frame, sizeof(frame) - i);
		tfe_ack_irq(&g.dev);
	}
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	close(wire);
	close(ls);
	unlink(sa.sun_path);
	tfe_mem_fini(&g.mem);
}

/* -drive and -device virtio-blk: every error names what is wrong. */
static void test_bad_blk_options(void **state)
{
	char img[96], d0[160], lock[160];
	const char *c1[] = { "-transport", "sim,fd=3", "-drive", "file=/nonexistent/x.img,id=d0",
			     NULL };
	const char *c2[] = {
		"-transport", "sim,fd=3", "-drive", d0, "-device", "virtio-blk", NULL
	};
	const char *c3[] = { "-transport", "sim,fd=3", "-device", "virtio-blk,drive=nope", NULL };
	const char *c4[] = { "-transport", "sim,fd=3", "-drive", "file=/x.img", NULL };
	const char *c5[] = { "-transport", "sim,fd=3", "-drive", "id=d0", NULL };
	const char *c6[] = { "-transport", "sim,fd=3", "-drive", lock, NULL };
	const char *c7[] = { "-transport", "sim,fd=3", "-drive", d0, "-drive", d0, NULL };
	const char *c8[] = { "-transport", "sim,fd=3",
			     "-drive",	   d0,
			     "-device",	   "virtio-blk,drive=d0",
			     "-device",	   "virtio-blk,drive=d0",
			     NULL };
	const char *c9[] = { "-transport", "sim,fd=3",
			     "-drive",	   d0,
			     "-device",	   "virtio-blk,drive=d0,serial=123456789012345678901",
			     NULL };
	const char *c10[] = { "-transport", "sim,fd=3", "-drive",
			      d0,	    "-device",	"virtio-blk,drive=d0,queue-size=4",
			      NULL };
	int fd;

	(void)state;
	snprintf(img, sizeof(img), "/tmp/dm-test-%d.img", (int)getpid());
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	snprintf(d0, sizeof(d0), "file=%s,id=d0", img);
	expect_error(c1, true, "-drive d0: '/nonexistent/x.img': cannot open");
	expect_error(c2, true, "'drive' is required");
	expect_error(c3, true, "drive 'nope' not found");
	expect_error(c4, true, "'id' is required");
	expect_error(c5, true, "-drive d0: property 'file' is required");
	snprintf(lock, sizeof(lock), "file=%s,id=d0,cache=unsafe", img);
	expect_error(c6, true, "'unsafe'");
	snprintf(lock, sizeof(lock), "file=%s,id=d0,format=qcow2", img);
	expect_error(c6, true, "'qcow2'");
	snprintf(lock, sizeof(lock), "file=%s,id=d0,aio=native", img);
	expect_error(c6, true, "'aio'");
	/* the image is locked: a second drive on it (another model) is refused */
	expect_error(c7, true, "in use by another process");
	expect_error(c8, true, "drive 'd0' is already in use");
	expect_error(c9, true, "'serial' is too long");
	expect_error(c10, true, "'queue-size'");
	assert_int_equal(ftruncate(fd, 100), 0);
	expect_error(c2, true, "smaller than one 512-byte sector");
	close(fd);
	unlink(img);
}

static uint8_t blk_req(struct guest *g, uint64_t base, uint32_t type, uint64_t sector, uint32_t len)
{
	struct virtio_blk_outhdr h = { .type = type, .sector = sector };
	struct tfe_buf b[3] = { { base, 16 }, { base + 4096, len }, { base + 16, 1 } };
	uint32_t used;
	void *c;

	memcpy(tfe_ptr(&g->mem, base), &h, sizeof(h));
	*(uint8_t *)tfe_ptr(&g->mem, base + 16) = 0xee;
	if (type == VIRTIO_BLK_T_OUT)
		assert_true(tfe_vq_add(&g->dev.vqs[0], b, 2, b + 2, 1, g, false) >= 0);
	else if (len)
		assert_true(tfe_vq_add(&g->dev.vqs[0], b, 1, b + 1, 2, g, false) >= 0);
	else
		assert_true(tfe_vq_add(&g->dev.vqs[0], b, 1, b + 2, 1, g, false) >= 0);
	tfe_vq_kick(&g->dev.vqs[0]);
	while (!(c = tfe_vq_get(&g->dev.vqs[0], &used)))
		assert_true(tfe_link_poll(&g->link, 5000) >= 0);
	tfe_ack_irq(&g->dev);
	return *(uint8_t *)tfe_ptr(&g->mem, base + 16);
}

/* virtio-blk through the binary: its I/O threads, the image written and read, GET_ID. */
static void test_blk_through_binary(void **state)
{
	char img[96], d0[160];
	const char *args[] = { "-transport", "sim,fd=3", "-drive",
			       d0,	     "-device",	 "virtio-blk,drive=d0,serial=cli-disk",
			       NULL };
	uint8_t data[8192], back[8192];
	uint64_t base = 0x20000000ULL + (2ULL << 20);
	struct guest g;
	struct proc p;
	int fd;

	(void)state;
	snprintf(img, sizeof(img), "/tmp/dm-test-%d-blk.img", (int)getpid());
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	snprintf(d0, sizeof(d0), "file=%s,id=d0", img);
	spawn(&p, args, true);
	tfe_link_init(&g.link, p.sim);
	assert_int_equal(tfe_mem_init(&g.mem, 0x20000000ULL, 4ULL << 20), 0);
	assert_int_equal(tfe_link_attach(&g.link, 0, &g.mem), 0);
	tfe_dev_init(&g.dev, &g.link, 0, NULL, &g.mem);
	assert_int_equal(tfe_probe(&g.dev, (1ULL << VIRTIO_F_VERSION_1) |
						   (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
						   (1ULL << VIRTIO_BLK_F_FLUSH)),
			 0);
	assert_int_equal(g.dev.device_id, 2); /* VIRTIO_ID_BLOCK */
	/* capacity: 1 MiB in 512-byte sectors */
	assert_int_equal(tfe_read32(&g.dev, VIRTIO_MMIO_CONFIG), 2048);
	assert_int_equal(tfe_vq_setup(&g.dev, 0, 64), 0);
	tfe_driver_ok(&g.dev);
	tfe_random(data, sizeof(data), 8);
	memcpy(tfe_ptr(&g.mem, base + 4096), data, sizeof(data));
	assert_int_equal(blk_req(&g, base, VIRTIO_BLK_T_OUT, 40, sizeof(data)), VIRTIO_BLK_S_OK);
	assert_int_equal(blk_req(&g, base, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(pread(fd, back, sizeof(back), 40 * 512), (ssize_t)sizeof(back));
	assert_memory_equal(back, data, sizeof(data));
	memset(tfe_ptr(&g.mem, base + 4096), 0, sizeof(data));
	assert_int_equal(blk_req(&g, base, VIRTIO_BLK_T_IN, 40, sizeof(data)), VIRTIO_BLK_S_OK);
	assert_memory_equal(tfe_ptr(&g.mem, base + 4096), data, sizeof(data));
	assert_int_equal(blk_req(&g, base, VIRTIO_BLK_T_GET_ID, 0, 20), VIRTIO_BLK_S_OK);
	assert_memory_equal(tfe_ptr(&g.mem, base + 4096), "cli-disk\0\0\0\0\0\0\0\0\0\0\0", 20);
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
	close(fd);
	unlink(img);
	tfe_mem_fini(&g.mem);
}

/* The frontend dies with a read outstanding: exit, don't spin. */
static void test_frontend_dies_mid_read(void **state)
{
	const char *args[] = { "-transport", "sim,fd=3", "-chardev",
			       "pty,id=p",   "-device",	 "virtio-console,chardev=p",
			       NULL };
	struct sim_msg m = { .type = SIM_MSG_READ, .offset = 0, .size = 4 };
	struct proc p;
	int i;

	(void)state;
	spawn(&p, args, true);
	free(slurp(p.out, "\n", 5000));
	for (i = 0; i < 200; i++)
		assert_int_equal(send(p.sim, &m, sizeof(m), 0), sizeof(m));
	close(p.sim);
	p.sim = -1;
	assert_int_equal(reap(&p, 5000), 0);
	close_proc(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_bad_net_options),
		cmocka_unit_test(test_bad_blk_options),
		cmocka_unit_test(test_blk_through_binary),
		cmocka_unit_test(test_pty_both_ways),
		cmocka_unit_test(test_pty_writer_leaves_bytes_queued),
		cmocka_unit_test(test_several_devices_and_ports),
		cmocka_unit_test(test_file_backend),
		cmocka_unit_test(test_stdio_backend),
		cmocka_unit_test(test_stdio_tty_signal),
		cmocka_unit_test(test_pty_tx_without_reader),
		cmocka_unit_test(test_pty_both_ways_polled),
		cmocka_unit_test(test_pty_tx_without_reader_polled),
		cmocka_unit_test(test_sim_path),
		cmocka_unit_test(test_net_socket_path),
		cmocka_unit_test(test_frontend_dies_mid_read),
	};

	signal(SIGPIPE, SIG_IGN);
	find_binary();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
