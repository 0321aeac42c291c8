/* ict.h — digital accompaniment: the sessions ICT agents hold at the facilities with people who do
 * not use digital tools (procedures done for them, with them or taught; tools taught), the skill
 * self-assessments taken before and after, and the programme's evaluation. docs/internals/ict.md
 * says how the figures are computed. Other capabilities may read these sets. */
#ifndef FIN_ICT_H
#define FIN_ICT_H

#include <stdbool.h>

#define ICT_TOOLS 8
#define ICT_SKILLS 5
#define ICT_MODES 3
#define ICT_NEXT 3

/* email digital_id esignature video_call pdf online_forms appointment apps */
extern const char *const ict_tools[ICT_TOOLS];
/* The self-assessment's questions: eprocedures email digital_id esignature video_call. */
extern const char *const ict_skills[ICT_SKILLS];
extern const char *const ict_modes[ICT_MODES]; /* for with taught */
extern const char *const ict_nexts[ICT_NEXT];  /* booked course autonomous */

/* Whether v is one of the set of n. */
bool ict_in(const char *v, const char *const *set, int n);

#endif
