// plugins: importing this module registers every stage's sources, transformers, destinations and services.
// Order does not matter: service providers start in the order their `after` lists give (core/services.ts).
import '../sources/http/index.js';
import '../sources/mllp/index.js';
import '../sources/cron/index.js';
import '../sources/file-drop/index.js';
import '../destinations/file/index.js';
import '../destinations/mllp/index.js';
import '../sandbox/provider.js';
import '../ers/provider.js';
import '../destinations/ers/index.js';
import '../mapping/index.js';
import '../destinations/reply/index.js';
import '../destinations/letter/index.js';
