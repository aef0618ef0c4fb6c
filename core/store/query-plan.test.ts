import { describe, expect, it } from 'vitest';
import { JOB_QUERIES } from './job.repository';
import { useTestDatabase } from './store.test-support';

interface PlanRow {
  detail: string;
}

describe('hot queries', () => {
  const database = useTestDatabase();

  function plan(sql: string, ...params: unknown[]): string {
    const rows = database()
      .connection.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params) as PlanRow[];
    return rows.map((r) => r.detail).join('\n');
  }

  it('jobs by state search the state index', () => {
    const byStates = plan(JOB_QUERIES.listByStates, '["running"]', 10);
    expect(byStates).toMatch(/SEARCH jobs USING INDEX jobs_state \(state=\?\)/);
    expect(byStates).not.toMatch(/SCAN jobs/);

    const interrupt = plan(JOB_QUERIES.interruptUnfinished, '2025-01-01T00:00:00.000Z');
    expect(interrupt).toMatch(/SEARCH jobs USING INDEX jobs_state \(state=\?\)/);
  });

  it('the job list walks the created_at index instead of sorting', () => {
    const all = plan(JOB_QUERIES.listAll, 10);
    expect(all).toMatch(/SCAN jobs USING INDEX jobs_created_at/);
    expect(all).not.toMatch(/TEMP B-TREE/);
  });

  it('lora files by tensor hash search their index', () => {
    const detail = plan('SELECT id, path FROM lora_files WHERE tensor_hash = ?', 'ab'.repeat(32));
    expect(detail).toMatch(/SEARCH lora_files USING INDEX lora_files_tensor_hash \(tensor_hash=\?\)/);
  });

  it("a user's images come from the index already in time order", () => {
    const detail = plan('SELECT id FROM images WHERE user_id = ? ORDER BY created_at DESC LIMIT 50', 1);
    expect(detail).toMatch(/SEARCH images USING (COVERING )?INDEX images_user_id_created_at \(user_id=\?\)/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });
});
