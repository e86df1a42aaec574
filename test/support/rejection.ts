import { DomainError } from '../../lambdas/domain/errors.ts';

/** The domain error a call fails with (any other failure, or a success, fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('the call succeeded');
}
