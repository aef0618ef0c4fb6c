/** Header names compared without case and punctuation: `modelVersionId`, `model_version_id` and `ModelVersionID` match. */
export function normalizeColumn(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A field of a table and the column names it may go by, preferred first. */
export type FieldAliases = readonly string[];

/** For each field, the index of the first header column that matches one of its aliases, or -1. */
export function matchColumns(header: readonly string[], fields: readonly FieldAliases[]): Int32Array {
  const byName = new Map<string, number>();
  header.forEach((name, index) => {
    const key = normalizeColumn(name);
    if (!byName.has(key)) byName.set(key, index);
  });
  const result = new Int32Array(fields.length).fill(-1);
  fields.forEach((aliases, field) => {
    for (const alias of aliases) {
      const index = byName.get(normalizeColumn(alias));
      if (index !== undefined) {
        result[field] = index;
        return;
      }
    }
  });
  return result;
}
