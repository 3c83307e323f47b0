/**
 * What never appears in a log line: credentials in request headers, cookies being set, and fields that carry
 * passwords, secrets, tokens or keys wherever they sit in a logged object. Used as pino's `redact` option.
 */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.apiKey',
  '*.key',
  '*.clientSecret',
  'password',
  'secrets',
  'token',
];

export const logRedaction = { paths: logRedactPaths, censor: '[redacted]' };
