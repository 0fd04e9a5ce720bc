/**
 * A strict RFC 4180 reader for the tests: records end in CRLF, quoted fields may hold commas,
 * quotes (doubled) and line breaks. Throws on anything a spreadsheet might read differently
 * (a bare quote inside an unquoted field, a record not ended by CRLF), so a test reading our
 * output with it also checks the output's form. A leading byte order mark is skipped.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let i = text.startsWith("\uFEFF") ? 1 : 0;
  let record: string[] = [];
  let field = "";
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === "") {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      if (text[i] !== "," && text[i] !== "\r") throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (ch === ",") {
      record.push(field);
      field = "";
      i++;
      continue;
    }
    if (ch === "\r") {
      if (text[i + 1] !== "\n") throw new Error(`CR without LF at ${i}`);
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 2;
      continue;
    }
    if (ch === "\n") throw new Error(`bare LF at ${i}`);
    if (ch === '"') throw new Error(`quote inside an unquoted field at ${i}`);
    field += ch;
    i++;
  }
  if (field !== "" || record.length > 0) throw new Error("last record not ended by CRLF");
  return records;
}
