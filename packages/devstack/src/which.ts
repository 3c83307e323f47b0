import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/** True if `file` is a regular file we may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Like `which`: the first executable named `name` on `pathVar` (default: $PATH), or undefined. */
export async function which(
  name: string,
  pathVar: string | undefined = process.env.PATH,
): Promise<string | undefined> {
  if (name.includes('/')) return (await isExecutable(name)) ? path.resolve(name) : undefined;
  for (const dir of (pathVar ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}
