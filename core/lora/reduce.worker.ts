// Worker thread entry for reduceLoraFile: reduces batches of modules, reading the file itself.
import { serveWorkerTasks } from '../jobs';
import { type ModuleOutcome, type ReduceBatch, runReduceBatch } from './reduce.batch';
import { ModuleReducer } from './reduce.module';

const reducer = new ModuleReducer();

serveWorkerTasks<ReduceBatch, ModuleOutcome[], number>(async (batch, context) => {
  const outcomes = await runReduceBatch(batch, reducer, () => context.progress(1));
  for (const outcome of outcomes) {
    if (outcome.status === 'reduced')
      context.transfer(outcome.up.buffer as ArrayBuffer, outcome.down.buffer as ArrayBuffer);
  }
  return outcomes;
});
