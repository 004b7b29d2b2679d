// The SQL layer: tokenizer, placeholders, statement splitting, classification and fingerprints.
export { SqlSyntaxError, significantTokens, tokenize, type Token, type TokenKind } from "./tokenizer.js";
export { countPlaceholders, toNumberedPlaceholders } from "./placeholders.js";
export { splitStatements } from "./statements.js";
export {
  classify,
  classifyStatements,
  classifyStatementTokens,
  summarize,
  type Classification,
  type StatementClass,
  type StatementClassification,
} from "./classifier.js";
export { runsDynamicSql } from "./dynamic-sql.js";
export { fingerprint, fingerprintId, idOfFingerprint } from "./fingerprint.js";
