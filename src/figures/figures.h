/* figures.h — the public header of the figures capability (src/figures/): statistics of every
 * channel, drawn, compared and exported. It offers nothing to call: a capability contributes its
 * figures by listing providers in its cap_t (.figures, core/cap.h), as docs/figures.md explains,
 * and src/figures walks the capability table to find them. */
#ifndef FIN_FIGURES_H
#define FIN_FIGURES_H

#endif
