import { expect, it } from 'vitest';
import { BatchSizer } from './batch.sizer';

it('sizes batches to the target time from the time per row seen, within bounds', () => {
  const sizer = new BatchSizer(2000, 5_000, 50_000);
  expect(sizer.next()).toBe(5_000);
  sizer.observe(5_000, 1000);
  expect(sizer.next()).toBe(10_000);
  // Recent batches weigh half: 0.2 ms and then 0.01 ms a row average to 0.105 ms.
  sizer.observe(10_000, 100);
  expect(sizer.next()).toBe(Math.round(2000 / 0.105));
  for (let i = 0; i < 5; i++) sizer.observe(50_000, 50);
  expect(sizer.next()).toBe(50_000);
  for (let i = 0; i < 5; i++) sizer.observe(5_000, 20_000);
  expect(sizer.next()).toBe(5_000);
});

it('keeps a fixed size fixed', () => {
  const sizer = BatchSizer.fixed(500);
  sizer.observe(500, 10_000);
  expect(sizer.next()).toBe(500);
});
