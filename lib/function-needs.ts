/**
 * What a function needs, in one table (lib/api-stack.ts): each environment variable its code reads is
 * given together with the grant that makes it usable, so a variable can be neither set without its
 * permission nor granted without its variable. test/infra/function-needs.test.ts checks the table
 * against what each function's wiring reads.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { DeadLetterQueue } from './dead-letter-queue.ts';

/** One thing a function uses: the variables that tell its code where it is, and the permissions that let it. */
export interface Need {
  /** Variable (a name from lambdas/config.ts's ENV) -> value. */
  readonly env: Readonly<Record<string, string>>;
  /** The role's permissions on what `env` names; absent when the function only reads the values. */
  readonly grant?: (role: iam.Role) => void;
  /**
   * Variables that name a resource the function never calls, only passes on (to a build) or matches
   * events against, so no grant goes with them: variable -> why.
   */
  readonly namesOnly?: Readonly<Record<string, string>>;
}

export interface FunctionNeeds {
  readonly description: string;
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** Only for functions invoked asynchronously (EventBridge targets). */
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly needs: readonly Need[];
}

/** The function's environment: every need's variables (two needs may give the same one, with the same value). */
export function environmentOf(name: string, needs: readonly Need[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const need of needs) {
    for (const [key, value] of Object.entries(need.env)) {
      if (key in environment && environment[key] !== value) throw new Error(`${name}: two needs set ${key} to different values`);
      environment[key] = value;
    }
  }
  return environment;
}

/** Which of the function's variables name a resource it only passes on, and why. */
export const namesOnlyOf = (needs: readonly Need[]): Record<string, string> => Object.assign({}, ...needs.map((n) => n.namesOnly ?? {}));
