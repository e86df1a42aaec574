/** Jest global teardown: undoes global-setup.ts (the shared DynamoDB Local, the python3 folder). */
import { removePythonFolder } from './python-without-shim.ts';

export default async function globalTeardown(): Promise<void> {
  await globalThis.sharedDynamoDbLocal?.stop();
  removePythonFolder(globalThis.pythonFolder);
}
