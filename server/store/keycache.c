/* keycache: the data keys a process keeps. See keycache.h. */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/log.h"
#include "core/xalloc.h"
#include "keycache.h"

#define WAYS 4 /* a key may sit in any of the 4 slots of its set */

struct slot {
	unsigned char id[16];
	unsigned char key[SEAL_KEY_LEN];
	bool used;
};

struct shard {
	pthread_mutex_t mu;
	struct slot *slots;   /* sets of WAYS slots */
	unsigned nsets, next; /* next: the way the next miss replaces, round robin */
	atomic_ulong gen;     /* drops so far; changed under mu */
};

static struct shard *shards;

static bool
uuid_bytes(const char *id, unsigned char out[16])
{
	int n = 0;

	for (const char *c = id; *c && n < 32; c++) {
		int v;
		if (*c == '-')
			continue;
		if (*c >= '0' && *c <= '9')
			v = *c - '0';
		else if ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'f')
			v = (*c | 0x20) - 'a' + 10;
		else
			return false;
		if (n % 2 == 0)
			out[n / 2] = (unsigned char)(v << 4);
		else
			out[n / 2] |= (unsigned char)v;
		n++;
	}
	return n == 32;
}

/* The set id belongs to (its shard locked by the caller), or NULL when id is no UUID. */
static struct slot *
set_of(const char *id, unsigned char b[16], struct shard **shard)
{
	if (shards == NULL || !uuid_bytes(id, b))
		return NULL;
	/* A random UUID's bytes are random enough to index by (a v4's byte 6 and 8 are not). */
	unsigned h =
	    (unsigned)b[15] | (unsigned)b[14] << 8 | (unsigned)b[13] << 16 | (unsigned)b[12] << 24;
	*shard = &shards[h % KEYCACHE_SHARDS];
	return &(*shard)->slots[(size_t)((h / KEYCACHE_SHARDS) % (*shard)->nsets) * WAYS];
}

void
keycache_open(size_t keys)
{
	int unlocked = 0;

	shards = xcalloc(KEYCACHE_SHARDS, sizeof(*shards));
	for (int i = 0; i < KEYCACHE_SHARDS; i++) {
		pthread_mutex_init(&shards[i].mu, NULL);
		shards[i].nsets = (unsigned)(keys / KEYCACHE_SHARDS / WAYS) + 1;
		shards[i].slots = xcalloc((size_t)shards[i].nsets * WAYS, sizeof(struct slot));
		atomic_init(&shards[i].gen, 0);
		/* kept out of swap where the system allows (RLIMIT_MEMLOCK); said once if not */
		if (mlock(shards[i].slots, (size_t)shards[i].nsets * WAYS * sizeof(struct slot)) !=
		        0 &&
		    !unlocked++)
			log_msg(
			    LOG_WARN, "data keys",
			    "the key cache cannot be kept in locked memory here (RLIMIT_MEMLOCK); "
			    "it may reach swap");
	}
}

void
keycache_close(void)
{
	if (shards == NULL)
		return;
	for (int i = 0; i < KEYCACHE_SHARDS; i++) {
		size_t len = (size_t)shards[i].nsets * WAYS * sizeof(struct slot);
		OPENSSL_cleanse(shards[i].slots, len);
		munlock(shards[i].slots, len);
		free(shards[i].slots);
		pthread_mutex_destroy(&shards[i].mu);
	}
	free(shards);
	shards = NULL;
}

bool
keycache_get(const char *id, unsigned char key[SEAL_KEY_LEN])
{
	unsigned char b[16];
	struct shard *sh;
	struct slot *set = set_of(id, b, &sh);
	bool hit = false;

	if (set == NULL)
		return false;
	pthread_mutex_lock(&sh->mu);
	for (int w = 0; w < WAYS && !hit; w++)
		if (set[w].used && memcmp(set[w].id, b, 16) == 0) {
			memcpy(key, set[w].key, SEAL_KEY_LEN);
			hit = true;
		}
	pthread_mutex_unlock(&sh->mu);
	return hit;
}

void
keycache_mark(struct keycache_mark *m)
{
	for (int i = 0; i < KEYCACHE_SHARDS; i++)
		m->gen[i] = shards != NULL ? atomic_load(&shards[i].gen) : 0;
}

void
keycache_put(const char *id, const unsigned char key[SEAL_KEY_LEN], const struct keycache_mark *m)
{
	unsigned char b[16];
	struct shard *sh;
	struct slot *set = set_of(id, b, &sh), *s = NULL;

	if (set == NULL)
		return;
	pthread_mutex_lock(&sh->mu);
	if (atomic_load(&sh->gen) != m->gen[sh - shards]) { /* a drop since: maybe of this key */
		pthread_mutex_unlock(&sh->mu);
		return;
	}
	for (int w = 0; w < WAYS && s == NULL; w++) /* its own slot, or a free one */
		if (set[w].used && memcmp(set[w].id, b, 16) == 0)
			s = &set[w];
	for (int w = 0; w < WAYS && s == NULL; w++)
		if (!set[w].used)
			s = &set[w];
	if (s == NULL)
		s = &set[sh->next++ % WAYS];
	memcpy(s->id, b, 16);
	memcpy(s->key, key, SEAL_KEY_LEN);
	s->used = true;
	pthread_mutex_unlock(&sh->mu);
}

void
keycache_drop(const char *id)
{
	unsigned char b[16];
	struct shard *sh;
	struct slot *set = set_of(id, b, &sh);

	if (set == NULL)
		return;
	pthread_mutex_lock(&sh->mu);
	for (int w = 0; w < WAYS; w++)
		if (set[w].used && memcmp(set[w].id, b, 16) == 0) {
			OPENSSL_cleanse(set[w].key, SEAL_KEY_LEN);
			set[w].used = false;
		}
	atomic_fetch_add(&sh->gen, 1);
	pthread_mutex_unlock(&sh->mu);
}

void
keycache_clear(void)
{
	for (int i = 0; shards != NULL && i < KEYCACHE_SHARDS; i++) {
		pthread_mutex_lock(&shards[i].mu);
		OPENSSL_cleanse(shards[i].slots,
		                (size_t)shards[i].nsets * WAYS * sizeof(struct slot));
		atomic_fetch_add(&shards[i].gen, 1);
		pthread_mutex_unlock(&shards[i].mu);
	}
}
