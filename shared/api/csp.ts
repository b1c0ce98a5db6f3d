// The dashboard's Content-Security-Policy, one definition for CloudFront (infra/constructs/dashboard.ts) and the
// local server (infra/local/api-server.ts), so the browser tests run the page under the policy it is deployed with.
// Everything comes from the site itself; the only other origins the page talks to (fetch) are the API and Cognito's
// token endpoint when deployed. No inline script or style: Chart.js styles its canvases through the CSSOM.
export function contentSecurityPolicy(connect: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
