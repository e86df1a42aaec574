/** The image repository as image retirement sees it: its tagged images, and deleting tags (ECR). */
import { BatchDeleteImageCommand, paginateDescribeImages, type ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryImage, RetirementRegistry } from '../domain/image-retirement.ts';
import { log } from '../observability/log.ts';

/** BatchDeleteImage takes at most 100 image ids per call. */
const BATCH = 100;

export class EcrRetirementRegistry implements RetirementRegistry {
  private readonly repositoryName: string;

  /** @param repositoryUri `<account>.dkr.ecr.<region>.amazonaws.com/<name>`, as the catalog's urls start */
  constructor(
    private readonly ecr: ECRClient,
    private readonly repositoryUri: string,
  ) {
    this.repositoryName = repositoryUri.slice(repositoryUri.indexOf('/') + 1);
  }

  urlOf(tag: string): string {
    return `${this.repositoryUri}:${tag}`;
  }

  urlOfDigest(digest: string): string {
    return `${this.repositoryUri}@${digest}`;
  }

  async list(): Promise<RegistryImage[]> {
    const images: RegistryImage[] = [];
    for await (const page of paginateDescribeImages({ client: this.ecr }, { repositoryName: this.repositoryName, filter: { tagStatus: 'TAGGED' } })) {
      for (const detail of page.imageDetails ?? []) {
        for (const tag of detail.imageTags ?? []) {
          images.push({
            tag,
            digest: detail.imageDigest ?? '',
            pushedAt: detail.imagePushedAt ?? new Date(0),
            lastPulledAt: detail.lastRecordedPullTime ?? null,
          });
        }
      }
    }
    return images;
  }

  /**
   * Deletes by tag (never by digest: a digest may carry another scope's tag too; ECR deletes the image
   * with its last tag). A tag already gone counts as deleted, so a run that stopped half-way is redone.
   */
  async remove(tags: string[]): Promise<string[]> {
    const gone: string[] = [];
    for (let i = 0; i < tags.length; i += BATCH) {
      const out = await this.ecr.send(
        new BatchDeleteImageCommand({ repositoryName: this.repositoryName, imageIds: tags.slice(i, i + BATCH).map((imageTag) => ({ imageTag })) }),
      );
      for (const id of out.imageIds ?? []) if (id.imageTag) gone.push(id.imageTag);
      for (const failure of out.failures ?? []) {
        if (!failure.imageId?.imageTag) continue;
        if (failure.failureCode === 'ImageNotFound') gone.push(failure.imageId.imageTag);
        else log('error', 'image not retired', { tag: failure.imageId.imageTag, failureCode: failure.failureCode, failureReason: failure.failureReason });
      }
    }
    return gone;
  }
}
