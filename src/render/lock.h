/* lock.h — the one drawing lock of src/render. fontconfig and pango's font maps are process-wide,
 * so every document (pdf.c's receipt, ticket and readable document; page.c's A4 pages) is drawn
 * under this lock with this font map. */
#ifndef FIN_RENDER_LOCK_H
#define FIN_RENDER_LOCK_H

#include <pango/pangocairo.h>

/* Takes the lock; returns the process's font map (made on first use). */
PangoFontMap *render_lock(void);
void render_unlock(void);

#endif
