// SPDX-License-Identifier: MIT
/*
 * mkinitramfs - pack a staging directory into a cpio newc archive, every entry
 * owned by root, in sorted order, so no fakeroot and no cpio binary are needed.
 */
#include "newc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: mkinitramfs -o ARCHIVE DIR\n"
		   "Pack DIR into an uncompressed cpio newc archive (pipe it through gzip).\n");
}

static int add_path(struct newc_writer *w, const char *root, const char *rel);

static int read_whole(const char *path, size_t size, char **out)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(size ? size : 1);
	int ret = 0;

	if (!f || !buf) {
		ret = -errno;
		goto out;
	}
	if (fread(buf, 1, size, f) != size)
		ret = -EIO;
out:
	if (f)
		fclose(f);
	if (ret)
		free(buf);
	else
		*out = buf;
	return ret;
}

static int add_dir_entries(struct newc_writer *w, const char *root, const char *rel,
			   const char *full)
{
	struct dirent **names;
	int n = scandir(full, &names, NULL, alphasort);
	int ret = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		char *child;

		if (!ret && strcmp(d, ".") && strcmp(d, "..")) {
			if (asprintf(&child, "%s%s%s", rel, *rel ? "/" : "", d) < 0) {
				ret = -ENOMEM;
			} else {
				ret = add_path(w, root, child);
				free(child);
			}
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

static int add_path(struct newc_writer *w, const char *root, const char *rel)
{
	char full[4096];
	struct stat st;
	char *data = NULL;
	int ret;

	if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, rel) >= sizeof(full))
		return -ENAMETOOLONG;
	if (lstat(full, &st))
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		ret = *rel ? newc_add(w, rel, st.st_mode, NULL, 0) : 0;
		return ret ? ret : add_dir_entries(w, root, rel, full);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(full, target, sizeof(target));

		if (n < 0 || (size_t)n >= sizeof(target))
			return n < 0 ? -errno : -ENAMETOOLONG;
		return newc_add(w, rel, st.st_mode, target, (size_t)n);
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr,
			"mkinitramfs: %s: only files, directories and symlinks are packed\n", full);
		return -EINVAL;
	}
	ret = read_whole(full, (size_t)st.st_size, &data);
	if (!ret)
		ret = newc_add(w, rel, st.st_mode, data, (size_t)st.st_size);
	free(data);
	return ret;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct newc_writer w;
	FILE *f;
	int opt, ret;

	while ((opt = getopt(argc, argv, "ho:")) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	f = fopen(out, "wb");
	if (!f) {
		fprintf(stderr, "mkinitramfs: %s: %s\n", out, strerror(errno));
		return 1;
	}
	newc_init(&w, f);
	ret = add_path(&w, argv[optind], "");
	if (!ret)
		ret = newc_finish(&w);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (ret) {
		fprintf(stderr, "mkinitramfs: packing %s failed: %s\n", argv[optind],
			strerror(-ret));
		unlink(out);
		return 1;
	}
	return 0;
}
