// Worker thread entry for createHeaderWorkerParser: parses and summarizes LoRA headers.
import { serveWorkerTasks } from '../../jobs';
import { type HeaderOutcome, type HeaderTask, parseHeaderTask } from './header.parser';

serveWorkerTasks<HeaderTask, HeaderOutcome>((task) => parseHeaderTask(task));
