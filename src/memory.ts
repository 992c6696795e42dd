// Imported first by the entry point, before any other module is loaded. V8's defaults size the heap
// for throughput: under a steady stream of activities it grows the old generation to several times
// the live data and keeps 2 × 16 MB of young generation, so the bot's resident memory rose from
// ~110 MB idle to ~230 MB after 10,000 junk activities while its live heap stayed at ~35 MB (heap
// snapshots after 1,000 and 5,000 activities: the same objects, no leak). Optimising for size keeps
// the heap close to what is live: idle ~92 MB, ~111 MB after 10,000, peak ~122 MB (bench/results.md).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');
