/** Human output for the CLI: nested objects as indented `key: value` lines, arrays of records as tables. */
export function formatHuman(value: unknown, indent = ''): string {
  if (value === null || value === undefined) return `${indent}—`;
  if (Array.isArray(value)) {
    if (value.length === 0) return `${indent}(none)`;
    if (value.every(isRecord)) return formatTable(value, indent);
    return value.map((item) => `${indent}- ${scalar(item)}`).join('\n');
  }
  if (isRecord(value)) {
    return Object.entries(value)
      .map(([key, item]) => {
        if (isRecord(item) || (Array.isArray(item) && item.length > 0)) {
          return `${indent}${key}:\n${formatHuman(item, indent + '  ')}`;
        }
        return `${indent}${key}: ${Array.isArray(item) ? '(none)' : scalar(item)}`;
      })
      .join('\n');
  }
  return `${indent}${scalar(value)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value) ?? typeof value;
}

function formatTable(rows: Record<string, unknown>[], indent: string): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((column) =>
    rows.some((row) => row[column] !== null && typeof row[column] !== 'object'),
  );
  const cells = rows.map((row) => columns.map((column) => truncate(scalar(row[column]), 60)));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
