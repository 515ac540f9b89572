// SPDX-License-Identifier: MIT
/*
 * bh-blkload: a small block-device load generator and data checker for the
 * storage benchmark and tests (docs/performance.md "Storage").
 *
 * O_DIRECT, so the guest's page cache never answers; requests in flight
 * through Linux native AIO (io_submit/io_getevents, called as raw system
 * calls: no libaio).  Why AIO rather than io_uring is in docs/performance.md.
 * Run `bh-blkload --help` for the modes and the output lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <linux/aio_abi.h>
#include <linux/fs.h>

#include "blkpat.h"
#include "probe.h"

#define ALIGN		4096u
#define MAX_QD		256u
#define MAX_BS		(16u << 20)
#define MAX_LAT		(1u << 18) /* latency samples kept (the first ones) */
#define WAIT_S		60	   /* a request not done by then: the device is stuck */
#define SHOW_BAD	8u	   /* bad sectors named one by one */
#define DEFAULT_SECONDS 5

enum mode { M_RANDREAD, M_RANDWRITE, M_READ, M_WRITE, M_FSYNC, M_STAMP, M_CHECK, M_VERIFY };

static const char *const mode_names[] = { "randread", "randwrite", "read",  "write",
					  "fsync",    "stamp",	   "check", "verify" };

struct slot {
	struct iocb cb;
	uint8_t *buf;
	uint64_t t0;
};

struct load {
	enum mode mode;
	const char *dev;
	int fd;
	uint64_t bs, qd, size, count, seed;
	unsigned long seconds;
	bool force, seed_set, buffered;
	/* the run */
	aio_context_t ctx;
	struct slot *slots;
	struct slot **idle;
	unsigned int n_idle;
	uint64_t rng, pos, next, issued, done, end_ns;
	uint32_t *perm; /* stamp and check: the blocks in a shuffled order */
	uint64_t *lat;
	size_t n_lat;
	uint64_t verdicts[BLKPAT_CORRUPT + 1];
	uint64_t n_bad;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bh-blkload [OPTIONS] MODE DEVICE\n"
		"\n"
		"Load and check a block device (or file) with O_DIRECT requests, QD of them in\n"
		"flight through Linux native AIO.  Only the first SIZE bytes are used.\n"
		"\n"
		"timed modes (SECONDS each, or COUNT requests):\n"
		"  randread | randwrite  BS at random BS-aligned offsets\n"
		"  read | write          BS after BS from offset 0, wrapping at SIZE\n"
		"  fsync                 BS written at a random offset, then fdatasync(), timed\n"
		"                        (the write is not); QD must be 1\n"
		"  each prints one line: MODE bs=B qd=Q: ios=N seconds=S iops=I mibs=M\n"
		"                        lat_median_us=L lat_p99_us=P (fsync: of the fdatasync)\n"
		"check modes (every BS block of SIZE once, in a shuffled order; each 512-byte\n"
		"sector carries SEED and its own number, so what is read back names its fault):\n"
		"  stamp                 write the pattern of SEED, then fdatasync()\n"
		"  check                 read it back and compare\n"
		"  verify                stamp, then check\n"
		"  each prints: MODE bs=B qd=Q seed=S: sectors=N ok=K zero=Z stale=T\n"
		"               misplaced=P corrupt=C; exit status 1 unless every sector is ok\n"
		"\n"
		"options (sizes take a k, m or g suffix):\n"
		"  -b, --bs=BYTES      request size, a multiple of 512 (default 4k;\n"
		"                      read, write: 1m)\n"
		"  -q, --qd=N          requests in flight, 1 to %u (default 1)\n"
		"  -s, --size=BYTES    the region used (default: the whole device)\n"
		"  -t, --seconds=S     length of a timed mode (default %d)\n"
		"  -n, --count=N       requests of a timed mode instead of a time\n"
		"      --seed=N        pattern seed of stamp, check, verify (default: from\n"
		"                      the clock; check needs it)\n"
		"  -f, --force         write to a device that is mounted (destroys its\n"
		"                      file system)\n"
		"  -B, --buffered      without O_DIRECT: through the page cache (AIO then runs\n"
		"                      each request to its end in io_submit: QD 1 in effect)\n"
		"  -h, --help          this text\n"
		"\n"
		"Writing modes destroy what DEVICE holds.  Exit status: 0 done (check: all ok),\n"
		"1 an I/O error, a stuck device (no completion in %d s) or bad data,\n"
		"2 bad usage.\n",
		MAX_QD, DEFAULT_SECONDS, WAIT_S);
}

static int fail_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "bh-blkload: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(bh-blkload --help for the usage)\n");
	return 2;
}

/* A size with an optional k/m/g suffix into @out; false if @s is none. */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (ULLONG_MAX >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

/* ---- Linux native AIO, as raw system calls (include/uapi/linux/aio_abi.h) ---- */

static long aio_setup(unsigned int nr, aio_context_t *ctx)
{
	return syscall(__NR_io_setup, nr, ctx);
}

static long aio_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

static long aio_submit(aio_context_t ctx, long n, struct iocb **cbs)
{
	return syscall(__NR_io_submit, ctx, n, cbs);
}

static long aio_getevents(aio_context_t ctx, long min, long max, struct io_event *ev,
			  struct timespec *ts)
{
	return syscall(__NR_io_getevents, ctx, min, max, ev, ts);
}

/* ---- what to do next ---------------------------------------------------------- */

static uint64_t rng_next(uint64_t *x)
{
	return blkpat_next(x);
}

static bool is_write(enum mode m)
{
	return m == M_RANDWRITE || m == M_WRITE || m == M_FSYNC || m == M_STAMP || m == M_VERIFY;
}

static bool is_timed(enum mode m)
{
	return m <= M_FSYNC;
}

static uint64_t blocks(const struct load *l)
{
	return l->size / l->bs;
}

/* Is there another request to issue? */
static bool load_more(struct load *l)
{
	if (!is_timed(l->mode))
		return l->next < blocks(l);
	if (l->count)
		return l->issued < l->count;
	return probe_now_ns() < l->end_ns;
}

/* The offset of the next request. */
static uint64_t load_offset(struct load *l)
{
	uint64_t off;

	switch (l->mode) {
	case M_READ:
	case M_WRITE:
		off = l->pos;
		l->pos = (l->pos + l->bs) % l->size;
		return off;
	case M_STAMP:
	case M_CHECK:
		return (uint64_t)l->perm[l->next++] * l->bs;
	default:
		return (rng_next(&l->rng) % blocks(l)) * l->bs;
	}
}

static void load_stamp(const struct load *l, uint8_t *buf, uint64_t off)
{
	for (uint64_t i = 0; i < l->bs; i += BLKPAT_SECTOR)
		blkpat_fill(l->seed, (off + i) / BLKPAT_SECTOR, buf + i);
}

/* A completed check read: classify its sectors, name the first bad ones. */
static void load_check(struct load *l, const uint8_t *buf, uint64_t off)
{
	for (uint64_t i = 0; i < l->bs; i += BLKPAT_SECTOR) {
		uint64_t sector = (off + i) / BLKPAT_SECTOR;
		enum blkpat_verdict v = blkpat_check(l->seed, sector, buf + i);

		l->verdicts[v]++;
		if (v == BLKPAT_OK)
			continue;
		if (++l->n_bad <= SHOW_BAD) {
			if (v == BLKPAT_STALE || v == BLKPAT_MISPLACED)
				fprintf(stderr,
					"bh-blkload: sector %llu: %s: holds sector %llu of seed "
					"%llu\n",
					(unsigned long long)sector, blkpat_name(v),
					(unsigned long long)blkpat_get64(buf + i + 16),
					(unsigned long long)blkpat_get64(buf + i + 8));
			else
				fprintf(stderr, "bh-blkload: sector %llu: %s\n",
					(unsigned long long)sector, blkpat_name(v));
		}
	}
}

/* ---- the AIO loop ---------------------------------------------------------------- */

static int load_submit(struct load *l)
{
	struct iocb *cbs[MAX_QD];
	long n = 0, r;
	uint64_t now = probe_now_ns();

	while (l->n_idle && load_more(l)) {
		struct slot *s = l->idle[--l->n_idle];
		uint64_t off = load_offset(l);
		bool wr = l->mode != M_CHECK && is_write(l->mode);

		if (l->mode == M_STAMP)
			load_stamp(l, s->buf, off);
		memset(&s->cb, 0, sizeof(s->cb));
		s->cb.aio_data = (uint64_t)(uintptr_t)s;
		s->cb.aio_lio_opcode = wr ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
		s->cb.aio_fildes = (uint32_t)l->fd;
		s->cb.aio_buf = (uint64_t)(uintptr_t)s->buf;
		s->cb.aio_nbytes = l->bs;
		s->cb.aio_offset = (int64_t)off;
		s->t0 = now;
		cbs[n++] = &s->cb;
		l->issued++;
	}
	for (long at = 0; at < n; at += r) {
		r = aio_submit(l->ctx, n - at, cbs + at);
		if (r <= 0) {
			fprintf(stderr, "bh-blkload: io_submit: %s\n",
				r ? strerror(errno) : "took no request");
			return -1;
		}
	}
	return 0;
}

static int load_reap(struct load *l)
{
	struct io_event ev[MAX_QD];
	struct timespec ts = { .tv_sec = WAIT_S };
	long n = aio_getevents(l->ctx, 1, (long)l->qd, ev, &ts);
	uint64_t now = probe_now_ns();

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		fprintf(stderr, "bh-blkload: io_getevents: %s\n", strerror(errno));
		return -1;
	}
	if (!n) {
		fprintf(stderr,
			"bh-blkload: %s: no request completed in %d s: the device is stuck\n",
			l->dev, WAIT_S);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		struct slot *s = (struct slot *)(uintptr_t)ev[i].data;
		const char *op = s->cb.aio_lio_opcode == IOCB_CMD_PWRITE ? "write" : "read";

		if (ev[i].res < 0) {
			fprintf(stderr, "bh-blkload: %s: %s of %llu bytes at %lld: %s\n", l->dev,
				op, (unsigned long long)l->bs, (long long)s->cb.aio_offset,
				strerror((int)-ev[i].res));
			return -1;
		}
		if ((uint64_t)ev[i].res != l->bs) {
			fprintf(stderr, "bh-blkload: %s: %s at %lld: %lld of %llu bytes\n", l->dev,
				op, (long long)s->cb.aio_offset, (long long)ev[i].res,
				(unsigned long long)l->bs);
			return -1;
		}
		if (l->mode == M_CHECK)
			load_check(l, s->buf, (uint64_t)s->cb.aio_offset);
		if (l->n_lat < MAX_LAT)
			l->lat[l->n_lat++] = now - s->t0;
		l->done++;
		l->idle[l->n_idle++] = s;
	}
	return 0;
}

/* Run the AIO loop of the current mode until it has nothing more to issue. */
static int load_aio(struct load *l)
{
	int err = 0;

	l->ctx = 0; /* io_setup() wants a zeroed context */
	if (aio_setup((unsigned int)l->qd, &l->ctx)) {
		fprintf(stderr, "bh-blkload: io_setup: %s%s\n", strerror(errno),
			errno == ENOSYS ? " (a kernel without CONFIG_AIO)" : "");
		return -1;
	}
	while (!err && (load_more(l) || l->done < l->issued)) {
		err = load_submit(l);
		if (!err && l->done < l->issued)
			err = load_reap(l);
	}
	aio_destroy(l->ctx);
	return err;
}

/* ---- fsync ------------------------------------------------------------------------ */

static int load_fsync(struct load *l)
{
	struct slot *s = &l->slots[0];

	while (load_more(l)) {
		uint64_t off = load_offset(l), t0;
		ssize_t w = pwrite(l->fd, s->buf, l->bs, (off_t)off);

		if (w != (ssize_t)l->bs) {
			fprintf(stderr, "bh-blkload: %s: write at %llu: %s\n", l->dev,
				(unsigned long long)off, w < 0 ? strerror(errno) : "short");
			return -1;
		}
		t0 = probe_now_ns();
		if (fdatasync(l->fd)) {
			fprintf(stderr, "bh-blkload: %s: fdatasync: %s\n", l->dev, strerror(errno));
			return -1;
		}
		if (l->n_lat < MAX_LAT)
			l->lat[l->n_lat++] = probe_now_ns() - t0;
		l->issued++;
		l->done++;
	}
	return 0;
}

/* ---- setup ------------------------------------------------------------------------ */

/* Is @dev (or a partition of it) mounted?  Then writing would wreck a file system. */
static const char *mounted_on(const char *dev)
{
	static char where[256];
	char real[PATH_MAX], line[1024], what[PATH_MAX], rwhat[PATH_MAX];
	size_t n;
	FILE *f;

	if (!realpath(dev, real))
		return NULL;
	n = strlen(real);
	f = fopen("/proc/mounts", "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%4095s %255s", what, where) != 2 || !realpath(what, rwhat))
			continue;
		if (!strncmp(rwhat, real, n) &&
		    (!rwhat[n] || (rwhat[n] >= '0' && rwhat[n] <= '9') || rwhat[n] == 'p')) {
			fclose(f);
			return where;
		}
	}
	fclose(f);
	return NULL;
}

static int load_open(struct load *l)
{
	struct stat st;
	uint64_t dev_size;
	int lbs = BLKPAT_SECTOR;
	const char *mnt;

	if (is_write(l->mode) && !l->force && (mnt = mounted_on(l->dev))) {
		fprintf(stderr,
			"bh-blkload: %s is mounted on %s: writing would destroy its file system "
			"(umount it, or --force)\n",
			l->dev, mnt);
		return 2;
	}
	l->fd = open(l->dev,
		     (is_write(l->mode) ? O_RDWR : O_RDONLY) | (l->buffered ? 0 : O_DIRECT));
	if (l->fd < 0) {
		fprintf(stderr, "bh-blkload: %s: %s%s\n", l->dev, strerror(errno),
			errno == EINVAL ? " (O_DIRECT not supported here?)" : "");
		return 1;
	}
	if (fstat(l->fd, &st)) {
		fprintf(stderr, "bh-blkload: %s: stat: %s\n", l->dev, strerror(errno));
		return 1;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(l->fd, BLKGETSIZE64, &dev_size) || ioctl(l->fd, BLKSSZGET, &lbs)) {
			fprintf(stderr, "bh-blkload: %s: size: %s\n", l->dev, strerror(errno));
			return 1;
		}
	} else if (S_ISREG(st.st_mode)) {
		dev_size = (uint64_t)st.st_size;
	} else {
		fprintf(stderr, "bh-blkload: %s: neither a block device nor a file\n", l->dev);
		return 2;
	}
	if (l->bs % (uint64_t)lbs) {
		fprintf(stderr, "bh-blkload: --bs=%llu: not a multiple of %s's block size %d\n",
			(unsigned long long)l->bs, l->dev, lbs);
		return 2;
	}
	if (!l->size)
		l->size = dev_size - dev_size % l->bs;
	if (l->size > dev_size || l->size < l->bs || l->size % l->bs ||
	    (!is_timed(l->mode) && blocks(l) > UINT32_MAX)) {
		fprintf(stderr,
			"bh-blkload: --size=%llu: want a multiple of --bs=%llu, at most %s's "
			"%llu bytes\n",
			(unsigned long long)l->size, (unsigned long long)l->bs, l->dev,
			(unsigned long long)dev_size);
		return 2;
	}
	return 0;
}

/* The buffers and, for stamp and check, the shuffled block order. */
static int load_alloc(struct load *l)
{
	l->slots = calloc(l->qd, sizeof(*l->slots));
	l->idle = calloc(l->qd, sizeof(*l->idle));
	l->lat = calloc(MAX_LAT, sizeof(*l->lat));
	if (!l->slots || !l->idle || !l->lat)
		return -1;
	for (uint64_t i = 0; i < l->qd; i++) {
		struct slot *s = &l->slots[i];

		if (posix_memalign((void **)&s->buf, ALIGN, l->bs))
			return -1;
		for (uint64_t j = 0; j < l->bs; j += 8)
			blkpat_put64(s->buf + j, rng_next(&l->rng));
		l->idle[l->n_idle++] = s;
	}
	if (is_timed(l->mode))
		return 0;
	l->perm = malloc(blocks(l) * sizeof(*l->perm));
	if (!l->perm)
		return -1;
	for (uint64_t i = 0; i < blocks(l); i++)
		l->perm[i] = (uint32_t)i;
	for (uint64_t i = blocks(l) - 1; i > 0; i--) { /* Fisher-Yates */
		uint64_t j = rng_next(&l->rng) % (i + 1);
		uint32_t t = l->perm[i];

		l->perm[i] = l->perm[j];
		l->perm[j] = t;
	}
	return 0;
}

static void load_reset(struct load *l, enum mode m)
{
	l->mode = m;
	l->pos = l->next = l->issued = l->done = 0;
	l->n_lat = 0;
	memset(l->verdicts, 0, sizeof(l->verdicts));
	l->n_bad = 0;
	l->end_ns = probe_now_ns() + l->seconds * 1000000000ULL;
}

static int load_timed(struct load *l)
{
	uint64_t t0 = probe_now_ns();
	int err = l->mode == M_FSYNC ? load_fsync(l) : load_aio(l);
	double secs = (double)(probe_now_ns() - t0) / 1e9;
	size_t p99;

	if (err)
		return 1;
	qsort(l->lat, l->n_lat, sizeof(*l->lat), probe_cmp);
	p99 = l->n_lat ? (l->n_lat * 99 + 99) / 100 - 1 : 0;
	printf("%s bs=%llu qd=%llu: ios=%llu seconds=%.3f iops=%.1f mibs=%.2f "
	       "lat_median_us=%.1f lat_p99_us=%.1f\n",
	       mode_names[l->mode], (unsigned long long)l->bs, (unsigned long long)l->qd,
	       (unsigned long long)l->done, secs, (double)l->done / secs,
	       (double)(l->done * l->bs) / secs / (1 << 20),
	       l->n_lat ? (double)l->lat[l->n_lat / 2] / 1e3 : 0.0,
	       l->n_lat ? (double)l->lat[p99] / 1e3 : 0.0);
	return 0;
}

static int load_stamp_pass(struct load *l)
{
	load_reset(l, M_STAMP);
	if (load_aio(l))
		return 1;
	if (fdatasync(l->fd)) {
		fprintf(stderr, "bh-blkload: %s: fdatasync: %s\n", l->dev, strerror(errno));
		return 1;
	}
	printf("stamp bs=%llu qd=%llu seed=%llu: sectors=%llu\n", (unsigned long long)l->bs,
	       (unsigned long long)l->qd, (unsigned long long)l->seed,
	       (unsigned long long)(l->size / BLKPAT_SECTOR));
	return 0;
}

static int load_check_pass(struct load *l, const char *name)
{
	uint64_t *v = l->verdicts;

	load_reset(l, M_CHECK);
	if (load_aio(l))
		return 1;
	printf("%s bs=%llu qd=%llu seed=%llu: sectors=%llu ok=%llu zero=%llu stale=%llu "
	       "misplaced=%llu corrupt=%llu\n",
	       name, (unsigned long long)l->bs, (unsigned long long)l->qd,
	       (unsigned long long)l->seed, (unsigned long long)(l->size / BLKPAT_SECTOR),
	       (unsigned long long)v[BLKPAT_OK], (unsigned long long)v[BLKPAT_ZERO],
	       (unsigned long long)v[BLKPAT_STALE], (unsigned long long)v[BLKPAT_MISPLACED],
	       (unsigned long long)v[BLKPAT_CORRUPT]);
	return v[BLKPAT_OK] == l->size / BLKPAT_SECTOR ? 0 : 1;
}

static int load_run(struct load *l)
{
	enum mode m = l->mode;
	int err;

	if (is_timed(m)) {
		load_reset(l, m);
		return load_timed(l);
	}
	if (m == M_CHECK)
		return load_check_pass(l, "check");
	err = load_stamp_pass(l);
	if (err || m == M_STAMP)
		return err;
	return load_check_pass(l, "verify");
}

static void load_free(struct load *l)
{
	for (uint64_t i = 0; l->slots && i < l->qd; i++)
		free(l->slots[i].buf);
	free(l->slots);
	free(l->idle);
	free(l->lat);
	free(l->perm);
	if (l->fd >= 0)
		close(l->fd);
}

/* ---- options ---------------------------------------------------------------------- */

static int load_options(struct load *l, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bs", required_argument, NULL, 'b' },
		{ "qd", required_argument, NULL, 'q' },
		{ "size", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },
		{ "buffered", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, m;

	l->seconds = DEFAULT_SECONDS;
	while ((c = getopt_long(argc, argv, "b:q:s:t:n:fBh", opts, NULL)) != -1) {
		uint64_t v = 0;

		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'f' || c == 'B') {
			*(c == 'f' ? &l->force : &l->buffered) = true;
			continue;
		}
		if (c == '?')
			return fail_usage("bad option%s", "");
		if (!parse_size(optarg, &v))
			return fail_usage("'%s' is not a number", optarg);
		switch (c) {
		case 'b':
			l->bs = v;
			break;
		case 'q':
			l->qd = v;
			break;
		case 's':
			l->size = v;
			break;
		case 't':
			l->seconds = (unsigned long)v;
			break;
		case 'n':
			l->count = v;
			break;
		case 'S':
			l->seed = v;
			l->seed_set = true;
			break;
		default:
			break;
		}
	}
	if (argc - optind != 2)
		return fail_usage("want MODE and DEVICE%s", "");
	for (m = 0; m <= M_VERIFY && strcmp(argv[optind], mode_names[m]); m++)
		;
	if (m > M_VERIFY)
		return fail_usage("unknown mode '%s'", argv[optind]);
	l->mode = (enum mode)m;
	l->dev = argv[optind + 1];
	if (!l->bs)
		l->bs = l->mode == M_READ || l->mode == M_WRITE ? 1u << 20 : 4096;
	if (!l->qd)
		l->qd = 1;
	if (l->bs % BLKPAT_SECTOR || l->bs > MAX_BS)
		return fail_usage("--bs: want a multiple of 512 up to 16m%s", "");
	if (l->qd > MAX_QD)
		return fail_usage("--qd: want 1 to 256%s", "");
	if (l->mode == M_FSYNC && l->qd != 1)
		return fail_usage("fsync: one request at a time: --qd=1%s", "");
	if (!l->seconds && !l->count)
		return fail_usage("--seconds: want at least 1%s", "");
	if (l->mode == M_CHECK && !l->seed_set)
		return fail_usage("check: which pattern? --seed=N, as stamp printed it%s", "");
	if (!l->seed_set)
		l->seed = probe_now_ns() ^ ((uint64_t)getpid() << 32);
	return 0;
}

int main(int argc, char **argv)
{
	struct load l = { .fd = -1 };
	int err = load_options(&l, argc, argv);

	if (err)
		return err;
	l.rng = l.seed ^ 0x5bd1e995ULL;
	err = load_open(&l);
	if (err) {
		load_free(&l);
		return err;
	}
	if (load_alloc(&l)) {
		fprintf(stderr, "bh-blkload: out of memory (--qd=%llu, --bs=%llu)\n",
			(unsigned long long)l.qd, (unsigned long long)l.bs);
		load_free(&l);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = load_run(&l);
	load_free(&l);
	return err;
}
