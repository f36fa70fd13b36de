// Workspace development only (decision 0007): piscina threads load this plain JS module, which registers tsx
// in the thread and then imports the TypeScript task module named in workerData. Built packages load
// dist/batch-worker.js directly and never touch this file.
import { workerData } from 'piscina';
import { register } from 'tsx/esm/api';

register();
const task = await import(workerData.entry);
export default task.default;
