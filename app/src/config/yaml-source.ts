// Reads the YAML file into plain data and keeps the document, so errors can point at line numbers.
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { ConfigIssue } from "./config-error.js";

export interface YamlSource {
  data: unknown;
  /** "line 7" for a dotted key path, as deep as the document goes; undefined when the key is not in the file. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

export function parseYamlSource(text: string): { source?: YamlSource; issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length) {
    return {
      issues: document.errors.map((error) => ({
        path: "",
        message: `YAML syntax: ${error.message.split("\n")[0]}`,
        origin: `line ${lineCounter.linePos(error.pos[0]).line}, column ${lineCounter.linePos(error.pos[0]).col}`,
      })),
    };
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);
  return {
    issues: [],
    source: {
      data,
      lineOf(path) {
        let node = document.contents as Node | null;
        let line = lineAt(node?.range?.[0]);
        let matched = 0;
        for (const segment of path) {
          if (isMap(node)) {
            const pair = node.items.find(
              (item) => String((item.key as { value?: unknown } | null)?.value) === String(segment),
            );
            if (!pair) break;
            line = lineAt((pair.key as Node | null)?.range?.[0]) ?? line;
            node = pair.value as Node | null;
          } else if (isSeq(node)) {
            const item = node.items[Number(segment)] as Node | undefined;
            if (!item) break;
            line = lineAt(item.range?.[0]) ?? line;
            node = item;
          } else break;
          matched++;
        }
        return matched > 0 || path.length === 0 ? line : undefined;
      },
    },
  };
}
