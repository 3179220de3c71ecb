/* The arena (arena.h): chunks of 64 KiB (or one allocation's size),
 * reused in order after a reset; the interned strings in an open
 * addressing set of pointers into the chunks. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

struct ion_arena {
    chunk *head, *cur;
    const char **set; /* interned strings: open addressing */
    size_t set_cap, set_n;
};

ion_arena *ion_arena_new(void)
{
    return calloc(1, sizeof(ion_arena));
}

void ion_arena_free(ion_arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a->set);
    free(a);
}

void ion_arena_reset(ion_arena *a)
{
    for (chunk *c = a->head; c; c = c->next)
        c->used = 0;
    a->cur = a->head;
}

void *ion_arena_alloc(ion_arena *a, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    while (a->cur && a->cur->used + size > a->cur->cap && a->cur->next)
        a->cur = a->cur->next;
    if (!a->cur || a->cur->used + size > a->cur->cap) {
        size_t cap = size > (1u << 16) ? size : (1u << 16);
        chunk *c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->used = 0;
        c->cap = cap;
        /* After the current chunk, so that a reset arena reuses it first. */
        if (a->cur) {
            c->next = a->cur->next;
            a->cur->next = c;
        } else {
            c->next = NULL;
            a->head = c;
        }
        a->cur = c;
    }
    void *p = (char *)a->cur->data + a->cur->used;
    a->cur->used += size;
    return p;
}

char *ion_arena_strdup(ion_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ion_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

uint64_t ion_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const char *ion_arena_intern(ion_arena *a, const char *s)
{
    if (a->set_n * 2 >= a->set_cap) {
        size_t cap = a->set_cap ? a->set_cap * 2 : 1024;
        const char **set = calloc(cap, sizeof *set);
        if (!set)
            return NULL;
        for (size_t i = 0; i < a->set_cap; i++)
            if (a->set[i]) {
                size_t j = ion_hash_str(a->set[i]) & (cap - 1);
                while (set[j])
                    j = (j + 1) & (cap - 1);
                set[j] = a->set[i];
            }
        free(a->set);
        a->set = set;
        a->set_cap = cap;
    }
    size_t j = ion_hash_str(s) & (a->set_cap - 1);
    for (; a->set[j]; j = (j + 1) & (a->set_cap - 1))
        if (!strcmp(a->set[j], s))
            return a->set[j];
    char *copy = ion_arena_strdup(a, s);
    if (copy) {
        a->set[j] = copy;
        a->set_n++;
    }
    return copy;
}
