/** One CSV record: the physical line it starts on (1-based), its fields, and a syntax problem if any. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Why the record is malformed at the syntax level (quotes), if it is. */
  error?: string;
}

const QUOTE = '"';

/**
 * Splits CSV text into records, RFC 4180 style: fields may be quoted with
 * `"`, a quote inside a quoted field is doubled (`""`), and a quoted field
 * may hold the delimiter or line breaks. Lines end in LF, CRLF or a lone CR.
 * A leading byte-order mark is dropped. Blank lines (only whitespace, no
 * quotes) are skipped, so a trailing newline adds no record.
 *
 * Malformed quoting (a quote inside an unquoted field, text after a closing
 * quote, a quote never closed) marks the record with `error` instead of
 * throwing, so the caller can report every bad line at once.
 */
export function tokenizeCsv(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const atFieldEnd = (k: number) => k >= n || text[k] === delimiter || text[k] === '\n' || text[k] === '\r';

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    let quotedAny = false;
    for (;;) {
      let field: string;
      if (text[i] === QUOTE) {
        quotedAny = true;
        const parts: string[] = [];
        let from = ++i;
        let closed = false;
        while (i < n) {
          const ch = text[i];
          if (ch === QUOTE) {
            parts.push(text.slice(from, i));
            if (text[i + 1] === QUOTE) {
              parts.push(QUOTE);
              i += 2;
              from = i;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          // Count line breaks inside quotes so later line numbers stay physical.
          if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
          i++;
        }
        if (!closed) {
          parts.push(text.slice(from, i));
          error ??= `quoted field ${fields.length + 1} is never closed`;
        } else if (!atFieldEnd(i)) {
          error ??= `field ${fields.length + 1} has text after its closing quote`;
          while (!atFieldEnd(i)) i++;
        }
        field = parts.join('');
      } else {
        const start = i;
        while (!atFieldEnd(i)) i++;
        field = text.slice(start, i);
        if (field.includes(QUOTE)) error ??= `field ${fields.length + 1} has a quote but is not quoted`;
      }
      fields.push(field);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      if (i < n) {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
      }
      break;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0].trim() === '';
    if (!blank) records.push(error === undefined ? { line: startLine, fields } : { line: startLine, fields, error });
  }
  return records;
}
