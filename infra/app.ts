// `npx cdk synth | diff | deploy` entry (cdk.json: "app": "npx tsx infra/app.ts"). Optional context:
//   -c region=ap-southeast-3  -c stackName=Satmon  -c alertEmails=a@x.id,b@x.id  -c opsEmails=ops@x.id
import { buildApp } from './build';

buildApp().app.synth();
