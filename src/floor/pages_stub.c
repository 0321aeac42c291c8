#include "floor/web.h"
const http_route_t fl_welcome_routes[] = {{0}};
const http_route_t fl_desk_routes[] = {{0}};
const http_route_t fl_board_routes[] = {{0}};
const http_route_t fl_live_routes[] = {{0}};
