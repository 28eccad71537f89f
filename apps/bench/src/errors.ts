/** The first line of an error's message: reasons in tables and notes stay one line. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
