/*
 * Warnings (batch of one in BatchNormalization, bias before batch norm in
 * summary) go through one replaceable handler so applications and tests can
 * capture them; the default prints with console.warn.
 */

export type WarningHandler = (message: string) => void;

let handler: WarningHandler = (message) => console.warn(message);

/** Replaces the warning handler; returns the previous one. */
export function setWarningHandler(next: WarningHandler): WarningHandler {
  const previous = handler;
  handler = next;
  return previous;
}

export function warn(message: string): void {
  handler(message);
}
