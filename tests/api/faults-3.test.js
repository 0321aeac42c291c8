'use strict';
// Storage fault injection over every state-changing route, part 3 of 3 (tests/api/lib/faults_suite.js).
require('./lib/faults_suite.js').run(2);
