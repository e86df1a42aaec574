/**
 * Counts what really goes to DynamoDB: a middleware on the client records every command sent (its
 * name, and optionally a copy of its input to replay), and what each read reports (Count,
 * ScannedCount, ConsumedCapacity). Optionally asks for ConsumedCapacity on every request (DynamoDB Local
 * computes it as DynamoDB does, from the bytes read).
 *
 * Round trips are sequential: commands sent together (Promise.all) overlap in time and cost one round
 * trip of latency between them, so the round trips of a request are the longest chain of commands
 * each sent after the previous one answered. Commands are counted too.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface SentCommand {
  name: string;
  input?: Record<string, unknown>;
  count?: number;
  scannedCount?: number;
  capacityUnits?: number;
  /** When it was sent and answered, in the recorder's event order. */
  sentAt: number;
  answeredAt?: number;
}

export class DynamoRecorder {
  sent: SentCommand[] = [];
  /** Keep a deep copy of each command's input (for replays); off while timing. */
  copyInputs = false;
  /** Add ReturnConsumedCapacity: TOTAL to every request. */
  askCapacity = false;
  private events = 0;

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (this.askCapacity && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'TOTAL';
        const entry: SentCommand = {
          name: context.commandName ?? 'unknown',
          sentAt: this.events++,
          ...(this.copyInputs ? { input: structuredClone(input) } : {}),
        };
        this.sent.push(entry);
        const result = await next(args);
        entry.answeredAt = this.events++;
        const output = result.output as {
          Count?: number;
          ScannedCount?: number;
          Responses?: Record<string, unknown[]>;
          ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
        };
        // A BatchGetItem reads (and returns) the items it answers with.
        const batchRead = output.Responses && Object.values(output.Responses).reduce((n, items) => n + items.length, 0);
        if (output.Count !== undefined || batchRead !== undefined) entry.count = output.Count ?? batchRead;
        if (output.ScannedCount !== undefined || batchRead !== undefined) entry.scannedCount = output.ScannedCount ?? batchRead;
        const capacity = [output.ConsumedCapacity ?? []].flat();
        if (capacity.some((c) => c.CapacityUnits !== undefined)) entry.capacityUnits = capacity.reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
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

/**
 * The commands in round trips: each command's round trip is one more than the latest round trip of
 * a command answered before it was sent. Commands sent together share a round trip.
 */
export function roundTrips<T extends SentCommand>(sent: readonly T[]): T[][] {
  const trip = new Map<SentCommand, number>();
  const trips: T[][] = [];
  for (const command of [...sent].sort((a, b) => a.sentAt - b.sentAt)) {
    const after = sent.filter((c) => c.answeredAt !== undefined && c.answeredAt < command.sentAt).map((c) => trip.get(c) ?? -1);
    const t = 1 + Math.max(-1, ...after);
    trip.set(command, t);
    (trips[t] ??= []).push(command);
  }
  return trips;
}

export function totals(sent: readonly SentCommand[]) {
  const trips = roundTrips(sent);
  return {
    roundTrips: trips.length,
    requests: sent.length,
    commands: trips.map((trip) => trip.map((s) => s.name.replace(/Command$/, '')).join(' ‖ ')).join(' → ') || '(none)',
    scanned: sent.reduce((n, s) => n + (s.scannedCount ?? 0), 0),
    returned: sent.reduce((n, s) => n + (s.count ?? 0), 0),
    capacityUnits: sent.some((s) => s.capacityUnits !== undefined) ? sent.reduce((n, s) => n + (s.capacityUnits ?? 0), 0) : null,
  };
}
