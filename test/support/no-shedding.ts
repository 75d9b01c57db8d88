/**
 * Load shedding off, for tests: they share the machine's two cores (and, in process, the app's
 * event loop), and their own work (building big requests, bursts of them) would look like a service
 * that has fallen behind. A test that checks shedding turns its own check back on.
 */

/** The admission control's checks off: event-loop lag, commit wait, standing wait, backlog. */
export const NO_ADMISSION_SHEDDING = { PES_MAX_EVENT_LOOP_LAG_MS: '0', PES_MAX_COMMIT_WAIT_MS: '0', PES_MAX_STANDING_WAIT_MS: '0', PES_MAX_BACKLOG_MS: '0' };

/** All shedding off: the admission checks, and the pool's bound on the expected queue wait (an hour). */
export const NO_SHEDDING = { ...NO_ADMISSION_SHEDDING, PES_MAX_QUEUE_WAIT_MS: '3600000' };
