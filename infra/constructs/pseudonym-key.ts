// The keyring of the respondent pseudonyms (README "Personal data"): ingest replaces each respondent id with an
// HMAC under the current key, and forget computes the same HMAC to find a participant. One Secrets Manager secret,
// encrypted with the data key, generated at the first deploy as {"current":"k1","k1":"<64 random characters>"}.
// Kept when the stack is deleted: without the key no stored pseudonym can be matched again (an erasure request
// could no longer find the person, and a re-delivered respondent would look new).
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { CONFIG_GROUPS } from '../../shared/config';
import { acknowledge } from '../nag';

/** The handlers' variable naming the secret (shared/config.ts group `privacy`); checked against it by the compiler. */
export const PSEUDONYM_KEY_SECRET_ENV = 'SATMON_PSEUDONYM_KEY_SECRET' satisfies keyof (typeof CONFIG_GROUPS)['privacy']['vars'];

/** The first key's id and length (letters and digits: 64 characters of ~5.95 bits, ~380 bits in all). */
export const FIRST_KEY_ID = 'k1';
export const KEY_LENGTH = 64;

export function pseudonymKeySecret(scope: Construct, id: string, dataKey: kms.IKey): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: `satmon: keyring of the respondent pseudonyms ({"current":"${FIRST_KEY_ID}","${FIRST_KEY_ID}":"..."}); read by ingest and forget only`,
    encryptionKey: dataKey,
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ current: FIRST_KEY_ID }),
      generateStringKey: FIRST_KEY_ID,
      passwordLength: KEY_LENGTH,
      excludePunctuation: true,
      includeSpace: false,
    },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  acknowledge(
    secret,
    'AwsSolutions-SMG4',
    'Rotation is manual: a new key is added to the keyring under a new id and made current, and the older keys stay so that pseudonyms computed with them remain comparable (README "Personal data"); an automatic rotation replacing the value would make every stored pseudonym un-matchable.',
  );
  return secret;
}
