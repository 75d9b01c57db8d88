// What the validation pool's threads load. Piscina loads its task file with require(), and on
// Node 20.19+ require() of an ES module runs the module graph synchronously (require(esm), new
// in that line). A CI run aborted the whole test process there (a fatal error under
// importSyncForRequire; not reproduced since). This CommonJS file leaves validation.worker.js
// to import(), the loader worker threads have used for years.
import { writeFileSync } from 'node:fs';
import type { HeadroomOutcome, HeadroomTask, ValidationOutcome, ValidationTask } from './messages.js';

// The thread names itself here, at once (THREAD_NAMES.validation of src/observability/threads.ts,
// which is an ES module): Piscina blocks an idle thread in Atomics.wait, so the import below
// completes only with the thread's first task.
try {
  writeFileSync('/proc/thread-self/comm', 'pes-validation');
} catch {
  // not Linux: nothing to name
}

const loading = import('./validation.worker.js');

async function validate(task: ValidationTask): Promise<ValidationOutcome> {
  return (await loading).default(task);
}

async function headroom(task: HeadroomTask): Promise<HeadroomOutcome> {
  return (await loading).headroom(task);
}

export = Object.assign(validate, { headroom });
