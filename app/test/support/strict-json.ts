// A strict JSON reader for log lines: JSON.parse keeps the last of two equal keys silently, which hides exactly the
// fault some log pipelines reject. This one walks the text and reports every object key that appears twice.

export interface StrictJsonResult {
  value: unknown;
  duplicateKeys: string[];
}

export function parseStrictJson(text: string): StrictJsonResult {
  // JSON.parse first: it rejects anything that is not JSON with a precise message.
  const value: unknown = JSON.parse(text);
  const duplicateKeys: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && " \t\r\n".includes(text.charAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    i++; // opening quote
    while (text.charAt(i) !== '"') i += text.charAt(i) === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const readValue = (path: string): void => {
    skipSpace();
    const c = text.charAt(i);
    if (c === "{") {
      i++;
      const seen = new Set<string>();
      skipSpace();
      if (text.charAt(i) === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        const key = readString();
        if (seen.has(key)) duplicateKeys.push(`${path}${key}`);
        seen.add(key);
        skipSpace();
        i++; // colon
        readValue(`${path}${key}.`);
        skipSpace();
        if (text.charAt(i++) === "}") return;
      }
    }
    if (c === "[") {
      i++;
      skipSpace();
      if (text.charAt(i) === "]") {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        readValue(`${path}${n}.`);
        skipSpace();
        if (text.charAt(i++) === "]") return;
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    while (i < text.length && !",}] \t\r\n".includes(text.charAt(i))) i++;
  };
  readValue("");
  return { value, duplicateKeys };
}
