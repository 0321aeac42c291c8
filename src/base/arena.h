/* arena.h — a region allocator for one request.
 *
 * Everything allocated from an arena lives until arena_free; nothing is freed one by one. A
 * request's parsed parameters, cookies and strings live in its arena. Allocation failure aborts. */
#ifndef FIN_ARENA_H
#define FIN_ARENA_H

#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *a);
/* Zeroed memory, aligned for any type. Borrowed from the arena. */
void *arena_alloc(arena_t *a, size_t n);
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A growable array in the arena: returns arr with room for at least n + 1 elements of size
 * elem, doubling *cap (from 8) when it is full. A grown array is a new zeroed copy; the old one
 * stays in the arena until it is freed, which doubling keeps below the final array's size.
 * ARENA_PUSH appends one zeroed element and yields a pointer to it. */
void *arena_grow(arena_t *a, void *arr, size_t n, size_t *cap, size_t elem);
#define ARENA_PUSH(a, arr, n, cap) ((arr) = arena_grow((a), (arr), (n), &(cap), sizeof *(arr)), &(arr)[(n)++])

/* Bytes handed out so far (for metrics and tests). */
size_t arena_used(const arena_t *a);

#endif
