import type { AdmissionControl } from '../../src/http/admission.js';

/** `count` validations that stay in flight until the returned function releases them. */
export function holdInFlight(admission: AdmissionControl, count: number): () => Promise<void> {
  const releases: Array<() => void> = [];
  const settled = Array.from({ length: count }, () => admission.admitted(() => new Promise<void>((resolve) => releases.push(resolve))));
  return async () => {
    for (const release of releases) release();
    await Promise.all(settled);
  };
}
