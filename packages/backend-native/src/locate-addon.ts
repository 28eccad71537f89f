import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Finds the compiled addon, or says in one line why there is none and how to
 * get one. node-gyp-build does the finding, with its usual order: a build of
 * this package (build/Release, made by `pnpm build` in the repository or by
 * the install script from source), then a matching prebuilt binary from
 * prebuilds/<platform>-<arch>/ (napi, glibc or musl tags).
 */

/** The package folder (dist/.. or src/..). */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Written by scripts/build-native.mjs when a build from source failed: its one-line reason. */
export const BUILD_FAILED_PATH = join(PACKAGE_ROOT, 'build', 'BUILD_FAILED.txt');
/** Environment variable naming an addon file to load instead (the sanitizer build uses it). */
export const ADDON_ENV = 'BATCHWISE_NATIVE_ADDON';

const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as { path(dir: string): string };

/** The repository has the TypeScript project file; the published package does not. */
const inCheckout = (): boolean => existsSync(join(PACKAGE_ROOT, 'tsconfig.json'));

/** `linux-x64 (glibc)`, the way prebuilt folders and tags name a platform. */
export function platformLabel(): string {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const libc = process.platform === 'linux' ? (report?.header?.glibcVersionRuntime ? ' (glibc)' : ' (musl)') : '';
  return `${process.platform}-${process.arch}${libc}`;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? 'unknown reason';
}

/** The reason recorded by a failed build from source, without its "native build failed: " prefix. */
export function recordedBuildFailure(): string | null {
  if (!existsSync(BUILD_FAILED_PATH)) return null;
  return firstLine(readFileSync(BUILD_FAILED_PATH, 'utf8')).replace(/^native build failed: /, '').replace(/\.$/, '');
}

/** The platforms this copy of the package has prebuilt binaries for, e.g. `linux-x64`, or `none`. */
function shippedPlatforms(): string {
  const dirs = existsSync(join(PACKAGE_ROOT, 'prebuilds')) ? readdirSync(join(PACKAGE_ROOT, 'prebuilds')) : [];
  return dirs.length > 0 ? dirs.sort().join(', ') : 'none';
}

const HOW_TO_BUILD = 'to use it, install CMake >= 3.15 and a C++17 compiler (g++ or clang++), then run `npm rebuild @batchwise/backend-native`';

/** One line saying why no addon file exists and how to get one. */
export function missingAddonReason(): string {
  const failure = recordedBuildFailure();
  if (inCheckout()) {
    return failure !== null
      ? `native build failed: ${failure}.`
      : 'native addon not built: run `pnpm build` at the repository root (needs CMake and a C++17 compiler).';
  }
  const prebuilt = `no prebuilt native addon for ${platformLabel()} (prebuilt: ${shippedPlatforms()})`;
  if (failure !== null) return `${prebuilt}, and building it at install failed: ${failure}; ${HOW_TO_BUILD}.`;
  return (
    `${prebuilt}, and none was built at install (its install script did not run: pnpm, and npm for global installs, ` +
    `run them only for packages you allow); ${HOW_TO_BUILD}.`
  );
}

/** The addon file to load; throws an Error with the one-line reason when there is none. */
export function locateAddon(env: Record<string, string | undefined> = process.env): string {
  const named = env[ADDON_ENV];
  if (named) {
    if (!existsSync(named)) throw new Error(`native addon not found: ${named} (named by ${ADDON_ENV}) does not exist.`);
    return named;
  }
  try {
    return nodeGypBuild.path(PACKAGE_ROOT);
  } catch {
    throw new Error(missingAddonReason());
  }
}
