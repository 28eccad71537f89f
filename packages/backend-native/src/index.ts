import { InvalidArgumentError, registerBackend } from '@batchwise/core';
import { createNativeBackend, NATIVE_BACKEND_NAME } from './native-backend.js';

export { createNativeBackend, getAddonPath, getIsa, getNumThreads, NATIVE_BACKEND_NAME, setNumThreads } from './native-backend.js';
export type { NativeBackendOptions } from './native-backend.js';
export { createNativeAsyncKernels, type NativeAsyncKernels } from './backend/async.js';

/** Registry priority: above cpu (0), so the native backend is the default when it loads. */
export const NATIVE_PRIORITY = 10;

// The one import side effect: registration. The factory loads the addon lazily,
// so a missing or broken build never throws here; it shows in listBackends()
// as unavailable with its reason, and getBackend() falls back to cpu.
try {
  registerBackend(NATIVE_BACKEND_NAME, () => createNativeBackend(), { priority: NATIVE_PRIORITY });
} catch (e) {
  // A second copy of this module (e.g. src and dist in one test run) finds the
  // name taken; the first registration stands.
  if (!(e instanceof InvalidArgumentError)) throw e;
}
