/* An arena of strings and small arrays, with interning: many small
 * allocations freed at once, and one stored copy of a string however often
 * it comes. The answer key reader (gradekey*.c) keeps a key in two: what
 * lives as long as the key, and the students held, reset at each load. */
#ifndef ION_ARENA_H
#define ION_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct ion_arena ion_arena;

/* NULL when out of memory. */
ion_arena *ion_arena_new(void);
void ion_arena_free(ion_arena *a);

/* Forgets everything allocated (keeping the memory for the next
 * allocations) but not the interned strings' set. */
void ion_arena_reset(ion_arena *a);

/* size bytes aligned for any type; NULL when out of memory. */
void *ion_arena_alloc(ion_arena *a, size_t size);
char *ion_arena_strdup(ion_arena *a, const char *s);

/* The one stored copy of s (thousands of students share their choice ids
 * and most feedback texts); NULL when out of memory. Interned strings
 * must outlive a reset: intern only into an arena never reset. */
const char *ion_arena_intern(ion_arena *a, const char *s);

/* FNV-1a of a string, for hash tables. */
uint64_t ion_hash_str(const char *s);

#endif
