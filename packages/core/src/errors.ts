/** Thrown when an argument has the wrong value, type or option. */
export class InvalidArgumentError extends Error {
  override name = 'InvalidArgumentError';
}

/** Thrown when a tensor has the wrong rank or shape. */
export class ShapeError extends InvalidArgumentError {
  override name = 'ShapeError';
}

/** Thrown by a backend for a kernel it does not implement yet; never faked. */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';
  constructor(backend: string, kernel: string) {
    super(`${backend}: kernel '${kernel}' has no implementation in this backend yet.`);
  }
}

/** Thrown when a backend is asked for but cannot be used (unknown, or its factory failed). */
export class BackendError extends Error {
  override name = 'BackendError';
}
