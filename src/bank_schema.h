/* The bank's schema and its migrations (bank_schema.c), and the few
 * helpers of bank.c they run their SQL with. Only the bank's files
 * include this; everyone else has bank.h. */
#ifndef ION_BANK_SCHEMA_H
#define ION_BANK_SCHEMA_H

#include "bank.h"

/* SQL's current UTC time, as the bank writes its times. */
#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

/* refuse(err, KEY, SIG, ...): fills err with the catalogue's message KEY
 * (ion_fail_key, text.h) and is ION_BANK_EINVAL: the request itself is
 * wrong. */
#define refuse(err, ...) (ion_fail_key((err), "", 0, __VA_ARGS__), ION_BANK_EINVAL)

/* Brings the bank b, opened at path, to the current schema: a new, empty
 * file gets it whole (with the application id and a fresh secret), an
 * older version its migrations in turn, all in one transaction, with the
 * foreign keys off meanwhile and checked at the end. A file that is not a
 * bank, or one from a newer ionsheet, is refused (ION_BANK_EINVAL). */
int bank_schema_upgrade(ion_bank *b, const char *path, ion_error *err);

/* For a read-only open, which cannot upgrade: refuses any schema but the
 * current one. */
int bank_schema_check(ion_bank *b, const char *path, ion_error *err);

/* bank.c's, for the schema: runs sql (err.db.setup when it fails); the
 * integer a one-value query (a PRAGMA) returns; a fresh random secret
 * stored. Each returns 0, or an error with err filled. */
int bank_exec_sql(ion_bank *b, const char *sql, ion_error *err);
int bank_query_int(ion_bank *b, const char *sql, int *out, ion_error *err);
int bank_put_secret(ion_bank *b, ion_error *err);

#endif
