// Parses Node's subjectaltname string ("DNS:a.example, URI:spiffe://td/x, IP Address:10.0.0.1"). Entries are
// separated by ", "; since the 2022 security releases Node writes a value holding a comma, quote or other
// special character as a JSON string literal (URI:"spiffe://td/a\u002cb"), so a crafted value cannot smuggle
// a second entry. Anything that does not follow that grammar is an error: callers fail closed.
export interface SubjectAltName {
  /** "DNS", "URI", "IP Address", "email", "othername", ... as Node prints it. */
  type: string;
  value: string;
}

export class SubjectAltNameSyntaxError extends Error {
  constructor(position: number) {
    super(`malformed subjectaltname at character ${position}`);
    this.name = "SubjectAltNameSyntaxError";
  }
}

const SEPARATOR = ", ";

export function parseSubjectAltNames(text: string | undefined): SubjectAltName[] {
  if (!text) return [];
  const names: SubjectAltName[] = [];
  let i = 0;
  while (i < text.length) {
    const colon = text.indexOf(":", i);
    if (colon <= i) throw new SubjectAltNameSyntaxError(i);
    const type = text.slice(i, colon);
    if (type.includes(",") || type.includes('"')) throw new SubjectAltNameSyntaxError(i);
    i = colon + 1;
    let value: string;
    if (text[i] === '"') {
      const end = endOfJsonString(text, i);
      try {
        value = JSON.parse(text.slice(i, end)) as string;
      } catch {
        throw new SubjectAltNameSyntaxError(i);
      }
      i = end;
    } else {
      const end = text.indexOf(SEPARATOR, i);
      value = end < 0 ? text.slice(i) : text.slice(i, end);
      // Node quotes any value holding these; seeing one bare means this is not Node's format.
      if (value.includes('"') || value.includes(",")) throw new SubjectAltNameSyntaxError(i);
      i = end < 0 ? text.length : end;
    }
    names.push({ type, value });
    if (i < text.length) {
      if (!text.startsWith(SEPARATOR, i)) throw new SubjectAltNameSyntaxError(i);
      i += SEPARATOR.length;
      if (i === text.length) throw new SubjectAltNameSyntaxError(i);
    }
  }
  return names;
}

/** Index just past the closing quote of the JSON string starting at `start`. */
function endOfJsonString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") i += 2;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  throw new SubjectAltNameSyntaxError(start);
}

export function sanUris(text: string | undefined): string[] {
  return parseSubjectAltNames(text)
    .filter((name) => name.type === "URI")
    .map((name) => name.value);
}
