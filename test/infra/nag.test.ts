import { jest } from '@jest/globals';
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { RawSettings } from '../../bin/settings.ts';
import { synth, synthFresh } from './synth.ts';

/** cdk-nag 3 findings (AwsSolutions and Serverless packs) that nothing acknowledges. */
function findings(app: App): string[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) =>
    pack.validateScope(app).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
  );
}

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason })),
        ),
    );
}

/** Each of these tests synthesizes the whole app and runs both packs over it. */
const SLOW = 120_000;

const EVERYTHING_SET: RawSettings = {
  corsOrigins: ['https://portal.example.com'],
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms',
  eventBusName: 'portal-events',
  jwtIssuer: 'https://login.example.org/',
  buildkitImage: 'public.ecr.aws/example/buildkit:v0.23.0',
  pullSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  // Platform settings (issue 16)
  imagePullPrincipals: ['arn:aws:iam::111122223333:role/eks-nodes', '444455556666'],
  tags: { team: 'ml-platform' },
  domainName: 'images-api.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
  buildVpcId: 'vpc-0123456789abcdef0',
  buildSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
  maxConcurrentBuilds: 5,
};

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  it.each<[string, RawSettings]>([
    ['the default settings', {}],
    ['every optional setting set', EVERYTHING_SET],
  ])(
    'finds nothing unacknowledged with %s',
    (_, raw) => {
      expect(findings(synth(raw).app)).toEqual([]);
    },
    SLOW,
  );

  it(
    'has a reason, in words, for every acknowledgement',
    () => {
      const acknowledgements = acknowledgementsIn(synth(EVERYTHING_SET).app);

      expect(acknowledgements.length).toBeGreaterThan(0);
      for (const a of acknowledgements) expect([a.id, a.reason.length >= 60]).toEqual([a.id, true]);
    },
    SLOW,
  );

  it(
    'acknowledges only findings that would otherwise be reported, where they are reported',
    () => {
      // Synthesize with acknowledgements recorded but not applied: each one must then match a finding.
      const recorded: Acknowledgement[] = [];
      const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (this: Validations, ...rules) {
        const scope = (this as unknown as { scope: IConstruct }).scope;
        for (const rule of rules) recorded.push({ path: scope.node.path, id: rule.id, reason: rule.reason });
      });
      let unacknowledged: string[];
      try {
        unacknowledged = findings(synthFresh(EVERYTHING_SET).app); // fresh: the spy must see this synthesis
      } finally {
        spy.mockRestore();
      }

      expect(recorded.length).toBeGreaterThan(0);
      for (const a of recorded) {
        const matched = unacknowledged.some((f) => f.startsWith(`${a.id} at ${a.path}/`) || f === `${a.id} at ${a.path}`);
        expect([a.id, a.path, matched]).toEqual([a.id, a.path, true]);
      }
    },
    SLOW,
  );
});
