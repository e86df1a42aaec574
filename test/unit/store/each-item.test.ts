import { describe, expect, it } from '@jest/globals';
import { eachItem, toItem, type Item } from '../../../lambdas/store/dynamo.ts';

describe('eachItem', () => {
  it('reads page after page, each from the key where the last one stopped, until there is none', async () => {
    // Prepare: three pages, the way DynamoDB pages a Query or Scan
    const pages = [
      { Items: [toItem({ n: 1 }), toItem({ n: 2 })], LastEvaluatedKey: toItem({ k: 'a' }) },
      { Items: [], LastEvaluatedKey: toItem({ k: 'b' }) },
      { Items: [toItem({ n: 3 })] },
    ];
    const starts: (Item | undefined)[] = [];

    // Act
    const items: Item[] = [];
    for await (const item of eachItem(async (start) => {
      starts.push(start);
      return pages[starts.length - 1]!;
    }))
      items.push(item);

    // Assess
    expect(items).toEqual([toItem({ n: 1 }), toItem({ n: 2 }), toItem({ n: 3 })]);
    expect(starts).toEqual([undefined, toItem({ k: 'a' }), toItem({ k: 'b' })]);
  });
});
