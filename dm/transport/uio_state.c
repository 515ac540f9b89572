// SPDX-License-Identifier: MIT
/*
 * The uio transport's state record, crash-consistent by construction
 * (dm/include/dm/uio_state.h, docs/device-model.md "Restart").
 *
 * Two slots, each a header and a record.  A save writes the slot that does
 * not hold the newest committed record: first its commit word is emptied,
 * then the words that differ from what the slot holds are stored, then the
 * commit word (magic and a generation one above the newest).  Every store
 * is one naturally aligned 64-bit store, single-copy atomic (Arm ARM
 * B2.2.1), so a model killed at any instruction leaves, in each slot, an
 * empty commit word or one that was stored after its whole record.  The
 * successor takes the newest committed slot.
 *
 * A successor never runs beside its predecessor: it takes the node's flock
 * only once the killed process's files are closed, after its last store.
 * So what it reads is a prefix, in program order, of the stores of the
 * save that was interrupted.  The barriers below keep that order for any
 * observer all the same; they pair with the acquire load of each commit
 * word in uio_rec_slot().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm/uio_state.h"

#define UIO_HDR_WORDS (sizeof(struct uio_state_hdr) / 8u)

_Static_assert(sizeof(struct uio_state_hdr) % 8 == 0, "the header is whole words");
_Static_assert(UIO_SLOTS == 2, "a save alternates between two slots");

enum uio_slot_kind { UIO_SLOT_EMPTY, UIO_SLOT_WHOLE, UIO_SLOT_TORN, UIO_SLOT_FOREIGN };

static uint64_t uio_rec_commit_word(uint32_t gen)
{
	return (uint64_t)gen << 32 | UIO_STATE_MAGIC;
}

void uio_rec_init(struct uio_rec *r, volatile void *page)
{
	memset(r, 0, sizeof(*r));
	r->page = page;
	r->cur = -1;
}

static uint32_t uio_rec_csum(const uint64_t *words, size_t len)
{
	struct uio_state_hdr h;
	uint32_t sum;

	/* the header as stored, with csum 0, then the record */
	memcpy(&h, words, sizeof(h));
	h.csum = 0;
	sum = uio_state_csum(&h, sizeof(h));
	return uio_state_csum_more(sum, (const uint8_t *)words + sizeof(h), len);
}

/* Read slot @k into its shadow and say what it holds. */
static enum uio_slot_kind uio_rec_slot(struct uio_rec *r, unsigned int k, uint32_t *gen)
{
	volatile uint64_t *w = r->page + k * UIO_SLOT_WORDS;
	uint64_t *sh = r->shadow[k];
	struct uio_state_hdr h;
	unsigned int i;

	/* pairs with the release store of the commit word in uio_rec_apply() */
	sh[0] = __atomic_load_n(&w[0], __ATOMIC_ACQUIRE);
	for (i = 1; i < UIO_SLOT_WORDS; i++)
		sh[i] = w[i];
	memcpy(&h, sh, sizeof(h));
	*gen = (uint32_t)(h.commit >> 32);
	if (!h.commit)
		return UIO_SLOT_EMPTY;
	if ((uint32_t)h.commit != UIO_STATE_MAGIC)
		return UIO_SLOT_FOREIGN;
	if (h.version != UIO_STATE_VERSION || h.len > UIO_RECORD_MAX ||
	    uio_rec_csum(sh, h.len) != h.csum)
		return UIO_SLOT_TORN;
	return UIO_SLOT_WHOLE;
}

/* Both slots committed: the newer by one generation, or -1. */
static int uio_rec_newer(uint32_t g0, uint32_t g1)
{
	if (g0 - g1 == 1)
		return 0;
	if (g1 - g0 == 1)
		return 1;
	return -1;
}

enum uio_rec_found uio_rec_pick(struct uio_rec *r, const char **why)
{
	enum uio_slot_kind kind[UIO_SLOTS];
	uint32_t gen[UIO_SLOTS];
	unsigned int k;
	int newest;

	for (k = 0; k < UIO_SLOTS; k++)
		kind[k] = uio_rec_slot(r, k, &gen[k]);
	r->cur = -1;
	r->gen = 0;
	r->scrub = false;
	if (kind[0] == UIO_SLOT_EMPTY && kind[1] == UIO_SLOT_EMPTY)
		return UIO_REC_NONE;
	if (kind[0] == UIO_SLOT_EMPTY || kind[1] == UIO_SLOT_EMPTY)
		newest = kind[0] == UIO_SLOT_EMPTY;
	else if (kind[0] == UIO_SLOT_FOREIGN || kind[1] == UIO_SLOT_FOREIGN)
		newest = -1;
	else
		newest = uio_rec_newer(gen[0], gen[1]);
	r->scrub = true;
	if (newest < 0) {
		/* write slot 0 next, then empty slot 1 */
		r->cur = 1;
		r->gen = gen[0] > gen[1] ? gen[0] : gen[1];
		*why = kind[0] == UIO_SLOT_FOREIGN || kind[1] == UIO_SLOT_FOREIGN
			       ? "a commit word that no model wrote"
			       : "two records whose generations are not consecutive";
		return UIO_REC_UNTRUSTED;
	}
	r->cur = newest;
	r->gen = gen[newest];
	if (kind[newest] != UIO_SLOT_WHOLE) {
		*why = kind[newest] == UIO_SLOT_FOREIGN ? "a commit word that no model wrote"
							: "the newest record fails its checks";
		return UIO_REC_UNTRUSTED;
	}
	r->scrub = false;
	return UIO_REC_FOUND;
}

const struct uio_state_hdr *uio_rec_hdr(const struct uio_rec *r)
{
	return (const struct uio_state_hdr *)r->shadow[r->cur < 0 ? 0 : r->cur];
}

const void *uio_rec_data(const struct uio_rec *r)
{
	return (const uint8_t *)uio_rec_hdr(r) + sizeof(struct uio_state_hdr);
}

void uio_rec_distrust(struct uio_rec *r)
{
	r->scrub = true;
}

void *uio_rec_payload(struct uio_rec *r)
{
	memset(r->img, 0, sizeof(r->img));
	return (uint8_t *)r->img + sizeof(struct uio_state_hdr);
}

static void uio_rec_push(struct uio_rec *r, unsigned int word, uint64_t val)
{
	r->plan[r->nplan].word = word;
	r->plan[r->nplan].val = val;
	r->nplan++;
}

unsigned int uio_rec_plan(struct uio_rec *r, const struct uio_state_hdr *h, size_t len)
{
	unsigned int t = r->cur < 0 ? 0 : 1 - (unsigned int)r->cur, o = 1 - t;
	uint64_t *sh = r->shadow[t];
	struct uio_state_hdr hd = *h;
	unsigned int i, nwords;

	r->nplan = 0;
	if (len > UIO_RECORD_MAX)
		return 0;
	hd.commit = uio_rec_commit_word(r->gen + 1);
	hd.version = UIO_STATE_VERSION;
	hd.len = (uint32_t)len;
	hd.csum = 0;
	memcpy(r->img, &hd, sizeof(hd));
	hd.csum = uio_rec_csum(r->img, len);
	memcpy(r->img, &hd, sizeof(hd));
	nwords = (unsigned int)((sizeof(hd) + len + 7) / 8);
	/* the slot reads empty before any of its words changes */
	if (sh[0])
		uio_rec_push(r, t * UIO_SLOT_WORDS, 0);
	for (i = 1; i < nwords; i++)
		if (r->img[i] != sh[i])
			uio_rec_push(r, t * UIO_SLOT_WORDS + i, r->img[i]);
	uio_rec_push(r, t * UIO_SLOT_WORDS, r->img[0]);
	memcpy(sh, r->img, nwords * 8);
	if (r->scrub && r->shadow[o][0]) {
		/* only now that a record is committed in the other slot */
		uio_rec_push(r, o * UIO_SLOT_WORDS, 0);
		r->shadow[o][0] = 0;
	}
	r->scrub = false;
	r->cur = (int)t;
	r->gen++;
	return r->nplan;
}

void uio_rec_apply(struct uio_rec *r)
{
	unsigned int i;

	for (i = 0; i < r->nplan; i++) {
		const struct uio_rec_store *s = &r->plan[i];
		bool commit_word = s->word % UIO_SLOT_WORDS == 0;

		if (commit_word && s->val) {
			/*
			 * The commit, after every word of its record: release,
			 * pairs with the acquire load in uio_rec_slot().
			 */
			__atomic_store_n(&r->page[s->word], s->val, __ATOMIC_RELEASE);
			continue;
		}
		r->page[s->word] = s->val;
		/*
		 * A slot emptied: before any of its words changes (release
		 * fence: orders this store before the stores that follow; pairs
		 * with the same acquire load).
		 */
		if (commit_word)
			__atomic_thread_fence(__ATOMIC_RELEASE);
	}
}

int uio_rec_peek(volatile void *page, struct uio_state_hdr *h)
{
	struct uio_rec *r = malloc(sizeof(*r));
	const char *why;
	int ret = -ENOENT;

	memset(h, 0, sizeof(*h));
	if (!r)
		return -ENOMEM;
	uio_rec_init(r, page);
	if (uio_rec_pick(r, &why) == UIO_REC_FOUND) {
		*h = *uio_rec_hdr(r);
		ret = 0;
	}
	free(r);
	return ret;
}
