/** Jest global teardown: stops the run's shared DynamoDB Local (dynamodb-global-setup.ts). */
export default async function stopSharedDynamoDbLocal(): Promise<void> {
  await globalThis.sharedDynamoDbLocal?.stop();
}
