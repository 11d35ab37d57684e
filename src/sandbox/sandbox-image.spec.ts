import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { findSandboxDir, resolveSandboxImage, sandboxContentHash } from './sandbox-image';

describe('sandbox image tag', () => {
  const sandboxDir = findSandboxDir();

  it('finds sandbox/ of this checkout', () => {
    expect(sandboxDir).toBe(join(__dirname, '..', '..', 'sandbox'));
  });

  it('is the tag scripts/sandbox-image.sh builds', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'sandbox-image.sh');
    const fromScript = execFileSync('bash', [script, '--tag-only'], { encoding: 'utf8' }).trim();
    expect(resolveSandboxImage(undefined, sandboxDir)).toBe(fromScript);
    expect(fromScript).toMatch(/^memgrade-sandbox:[0-9a-f]{16}$/);
  });

  it('is overridden by SANDBOX_IMAGE', () => {
    expect(resolveSandboxImage('mine:1', null)).toBe('mine:1');
    expect(() => resolveSandboxImage(undefined, null)).toThrow(/SANDBOX_IMAGE/);
  });

  it('changes with the content', () => {
    expect(sandboxContentHash(sandboxDir!)).toHaveLength(16);
  });
});
