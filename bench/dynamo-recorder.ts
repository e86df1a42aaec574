/**
 * Counts what really goes to DynamoDB: a middleware on the client records every command sent (its
 * name, and optionally a copy of its input to replay), and what each read reports (Count,
 * ScannedCount, ConsumedCapacity). Optionally asks for ConsumedCapacity on every request (dynalite
 * computes it as DynamoDB does, from the bytes read).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface SentCommand {
  name: string;
  input?: Record<string, unknown>;
  count?: number;
  scannedCount?: number;
  capacityUnits?: number;
}

export class DynamoRecorder {
  sent: SentCommand[] = [];
  /** Keep a deep copy of each command's input (for replays); off while timing. */
  copyInputs = false;
  /** Add ReturnConsumedCapacity: TOTAL to every request. */
  askCapacity = false;

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (this.askCapacity && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
        const entry: SentCommand = { name: context.commandName ?? 'unknown', ...(this.copyInputs ? { input: structuredClone(input) } : {}) };
        this.sent.push(entry);
        const result = await next(args);
        const output = result.output as { Count?: number; ScannedCount?: number; ConsumedCapacity?: { CapacityUnits?: number } };
        if (output.Count !== undefined) entry.count = output.Count;
        if (output.ScannedCount !== undefined) entry.scannedCount = output.ScannedCount;
        if (output.ConsumedCapacity?.CapacityUnits !== undefined) entry.capacityUnits = output.ConsumedCapacity.CapacityUnits;
        return result;
      },
      { step: 'initialize', name: 'benchDynamoRecorder' },
    );
  }

  /** Runs `action` and returns what it sent. */
  async during<T>(action: () => Promise<T>): Promise<{ result: T; sent: SentCommand[] }> {
    this.sent = [];
    const result = await action();
    const sent = this.sent;
    this.sent = [];
    return { result, sent };
  }
}

export const totals = (sent: readonly SentCommand[]) => ({
  roundTrips: sent.length,
  commands: sent.map((s) => s.name.replace(/Command$/, '')).join('+') || '(none)',
  scanned: sent.reduce((n, s) => n + (s.scannedCount ?? 0), 0),
  returned: sent.reduce((n, s) => n + (s.count ?? 0), 0),
  capacityUnits: sent.some((s) => s.capacityUnits !== undefined) ? sent.reduce((n, s) => n + (s.capacityUnits ?? 0), 0) : null,
});
