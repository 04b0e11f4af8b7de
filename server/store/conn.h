/*
 * conn: what pool.c and db.c share of a connection, private to store/.
 */
#ifndef RECRUITD_STORE_CONN_H
#define RECRUITD_STORE_CONN_H

#include <libpq-fe.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "store/db.h"

struct db {
	PGconn *pg;
	const char *conninfo; /* the pool's, or own_conninfo when standalone */
	char *own_conninfo;
	atomic_bool busy;
	bool standalone;
	/* the statements prepared on this connection: an open-addressed set of their addresses */
	const struct db_stmt **prepared;
	size_t nprepared, capprepared;
	long long next_connect_ms;           /* after a failed connect, not before this */
	void (*after_commit)(struct db *db); /* db_after_commit's, until the transaction ends */
	enum db_fail fail;
	char sqlstate[6];
	char constraint[64];
	char message[256];
	/*
	 * The first failure inside the open transaction, kept until it ends: a
	 * COMMIT that PostgreSQL answers with ROLLBACK (the transaction was
	 * aborted by a failure the caller did not notice) fails with it.
	 */
	bool tx_failed;
	enum db_fail tx_fail;
	char tx_sqlstate[6];
	char tx_constraint[64];
	char tx_message[256];
};

/* Keep what went wrong (res NULL: the connection failed) for db_failure(). */
void db_record_failure(struct db *db, const PGresult *res);

/* Forget every prepared statement (the connection is new), and free the set. */
void db_forget_prepared(struct db *db, bool free_set);

/* (Re)open db's connection, at most once per backoff period. 0 or -1. */
int db_reconnect(struct db *db);

#endif
