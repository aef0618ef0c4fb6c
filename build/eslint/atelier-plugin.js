// Local lint rules that no published plugin expresses: the folder boundaries of DESIGN.md.
import { statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CODE_EXT = /\.(ts|tsx|js|mjs)$/;

/** The boundary folder a file belongs to: `core/<name>` (`core/hosts/<name>`), or a top-level folder. */
function boundaryOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'core' && rel[1] === 'hosts' && rel.length > 3) return `core/hosts/${rel[2]}`;
  if (rel[0] === 'core' && rel.length > 2) return `core/${rel[1]}`;
  if (rel[0] === 'core') return 'core';
  return rel[0];
}

/** A folder's index.ts is its public face; files elsewhere may import only that. */
const noDeepImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Import another folder only through its index.ts (DESIGN.md: no deep imports).' },
    schema: [],
    messages: {
      deep: "'{{source}}' reaches inside {{folder}}; import '{{folder}}' through its index instead.",
    },
  },
  create(context) {
    const file = context.filename;
    const from = boundaryOf(file);
    function check(node) {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const isFolder = statSync(target, { throwIfNoEntry: false })?.isDirectory() ?? false;
      const folder = boundaryOf(isFolder ? path.join(target, 'index.ts') : target.replace(CODE_EXT, '') + '.ts');
      if (!folder.startsWith('core/') || folder === from) return;
      const rel = path.relative(path.join(ROOT, folder), target).replace(CODE_EXT, '');
      if (rel === '' || rel === 'index') return;
      context.report({ node: node.source, messageId: 'deep', data: { source, folder } });
    }
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { rules: { 'no-deep-imports': noDeepImports } };
