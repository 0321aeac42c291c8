/* web.h — what the chat capability's web files share (cap.c, web.c, api.c, pages*.c). */
#ifndef FIN_CHAT_WEB_H
#define FIN_CHAT_WEB_H

#include "chat/internal.h"
#include "http/http.h"

/* Person-facing staff answer chats; coordinators (and administrators) keep the quick replies and
 * the chat hours, and may act on any conversation. */
#define CH_ROLES ROLE_PEOPLE
#define CH_COORD (ROLE_ADMIN | ROLE_COORDINATOR)

/* From a request: connection, arena, app, now, language, the signed-in staff member (display and
 * kiosk accounts act as citizens), the client's hashed address, the audit hook ("chat:ID"). */
void ch_ctx_from_req(ch_ctx_t *ctx, http_req_t *r);
/* The per-address limit of a purpose: "chat.start" (chat.rate_start a minute), "chat.say"
 * (chat.rate_messages a minute); staff are never limited. True within it; otherwise it has
 * answered 429 with Retry-After. */
bool ch_rate_guard(http_req_t *r, const char *bucket, const char *setting);
/* A chat id from the path, or 0. */
int64_t ch_path_id(http_req_t *r);
/* A staff member with a session cookie on a route that citizens use too (RT_NO_CSRF): its CSRF
 * token must be right. False when it has answered 403. */
bool ch_staff_csrf(http_req_t *r);
/* The inbox's conversations of a status (agent 0: anyone's; others: leave out the actor's), oldest
 * first: their status with name, mine, since, href, service_name. New. */
json_t *ch_inbox_json(ch_ctx_t *ctx, const char *status, int64_t agent, bool others);
/* The conversation's page model: messages with their parts, the status, the procedure. New. */
json_t *ch_conversation_model(ch_ctx_t *ctx, const ch_chat_t *ch);

extern const http_route_t ch_api_routes[];
extern const http_route_t ch_page_routes[];
extern const http_route_t ch_staff_routes[];
extern const http_route_t ch_admin_routes[];

#endif
