/**
 * Refuses `cdk deploy` while leaving `cdk synth` alone: a CloudFormation rule whose assertion is
 * false, so CloudFormation rejects the template before it creates or changes any resource (the
 * change set fails with the reason). Synth, diff and the tests still work offline; only a deployment
 * is stopped. Rules check parameters, so the refused value is a parameter's default: the rule then
 * compares a parameter with a value, as CloudFormation documents it.
 */
import { CfnParameter, CfnRule, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface DeploymentGuardProps {
  /** The value deploying with is refused, e.g. the placeholder issuer. */
  readonly refusedValue: string;
  /** What to do instead, shown by CloudFormation when it refuses (at most 1,024 characters). */
  readonly reason: string;
}

export class DeploymentGuard extends Construct {
  readonly rule: CfnRule;

  constructor(scope: Construct, id: string, props: DeploymentGuardProps) {
    super(scope, id);
    const value = new CfnParameter(this, 'Value', {
      type: 'String',
      default: props.refusedValue,
      description: `Checked before deployment and refused: ${props.reason}`.slice(0, 4000),
    });
    this.rule = new CfnRule(this, 'Rule', {
      assertions: [
        {
          assert: Fn.conditionNot(Fn.conditionEquals(value.valueAsString, props.refusedValue)),
          assertDescription: props.reason.slice(0, 1024),
        },
      ],
    });
  }
}
