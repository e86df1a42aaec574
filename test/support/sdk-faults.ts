/**
 * Faults for AWS SDK v3 clients, injected as middleware on the real client (so the SDK's own retry
 * strategy, error classification and the adapters' error handling all run as in AWS):
 *   - `before`: the call fails before it is sent (a throttled or refused request: nothing happened);
 *   - `afterCommit`: the call is sent and done, then fails (a timeout after the write landed);
 *   - `insideRetries`: the attempt fails inside the SDK's retry loop, which retries it if the error is
 *     retryable (throttling, 5xx), as the real service's answer would be.
 * And a fake service that answers inside the retry loop, for clients with nothing to talk to.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- middleware stacks are typed per client
type AnyStack = { middlewareStack: { add: (...args: any[]) => void; remove: (name: string) => boolean } };

export interface SdkCall {
  command: string;
  input: Record<string, unknown>;
}

/** An error as the SDK deserialises a service's error answer. */
export function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

export const throttled = (message = 'Rate exceeded') => awsError('ThrottlingException', message);
export const throughputExceeded = () =>
  awsError('ProvisionedThroughputExceededException', 'The level of configured provisioned throughput for the table was exceeded.');
export const conditionFailed = () => awsError('ConditionalCheckFailedException', 'The conditional request failed');
export const internalError = () => awsError('InternalServerError', 'Internal server error (injected after the write)', 500);

export type Where = 'before' | 'afterCommit' | 'insideRetries';

export interface FaultInjector {
  /** Calls seen, by command. */
  readonly seen: Record<string, number>;
  /** Faults injected, by command. */
  readonly injected: Record<string, number>;
  remove(): void;
}

let injectors = 0;

/** Fails the calls `decide` picks (it returns the error), at the given place. */
export function injectFaults(client: AnyStack, where: Where, decide: (call: SdkCall) => Error | undefined): FaultInjector {
  const seen: Record<string, number> = {};
  const injected: Record<string, number> = {};
  const name = `injectFaults${++injectors}`;
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => {
    const call = { command: context.commandName ?? 'unknown', input: args.input };
    seen[call.command] = (seen[call.command] ?? 0) + 1;
    const error = decide(call);
    if (!error) return next(args);
    injected[call.command] = (injected[call.command] ?? 0) + 1;
    if (where === 'afterCommit') await next(args);
    throw error;
  };
  if (where === 'insideRetries') client.middlewareStack.add(middleware, { step: 'finalizeRequest', priority: 'normal', name });
  else client.middlewareStack.add(middleware, { step: 'initialize', priority: 'high', name });
  return { seen, injected, remove: () => void client.middlewareStack.remove(name) };
}

/** Answers every call without the network, inside the retry loop (faults added with `insideRetries` come first). */
export function fakeService(client: AnyStack, respond: (call: SdkCall) => Record<string, unknown>): void {
  client.middlewareStack.add(
    (_next: unknown, context: { commandName?: string }) => async (args: { input: Record<string, unknown> }) => ({
      output: { $metadata: { httpStatusCode: 200 }, ...respond({ command: context.commandName ?? 'unknown', input: args.input }) },
      response: { statusCode: 200, headers: {} },
    }),
    // Inside the retry middleware (finalizeRequest, high) and behind injected faults (normal); above the deserializer.
    { step: 'finalizeRequest', priority: 'low', name: 'fakeService' },
  );
}

/** A small deterministic random number generator (so a failing run can be repeated). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}
