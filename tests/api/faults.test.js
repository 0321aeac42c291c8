'use strict';
// Storage fault injection over every state-changing route, part 1 of 3 (tests/api/lib/faults_suite.js):
// the n-th database call of a request fails, for every n, and nothing may be half-written. This part
// also checks that every route that `finestreta routes` lists with POST, PUT, PATCH or DELETE has a
// case in tests/api/faults/ (or a written reason to have none).
require('./lib/faults_suite.js').run(0);
