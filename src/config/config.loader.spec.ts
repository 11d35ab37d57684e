import { ConfigError, loadConfig } from './config.loader';

const valid = { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('loadConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(3000);
    expect(config.WORKER_CONCURRENCY).toBe(2);
    expect(config.DOCKER_HOST).toBeUndefined();
    expect(config.PUBLISH_CATALOG).toBe(true);
    expect(config.OUTBOUND_ALLOWED_NETWORKS).toEqual([]);
  });

  it('sizes the grading pool to the worker concurrency unless it is set; 0 turns it off', () => {
    expect(loadConfig(valid).SANDBOX_GRADING_POOL_SIZE).toBe(2);
    expect(loadConfig({ ...valid, WORKER_CONCURRENCY: '5' }).SANDBOX_GRADING_POOL_SIZE).toBe(5);
    expect(loadConfig({ ...valid, WORKER_CONCURRENCY: '64' }).SANDBOX_GRADING_POOL_SIZE).toBe(32);
    expect(loadConfig({ ...valid, WORKER_CONCURRENCY: '5', SANDBOX_GRADING_POOL_SIZE: '1' }).SANDBOX_GRADING_POOL_SIZE).toBe(1);
    expect(loadConfig({ ...valid, SANDBOX_GRADING_POOL_SIZE: '0' }).SANDBOX_GRADING_POOL_SIZE).toBe(0);
  });

  it('reads the outbound allow-list as ranges', () => {
    expect(loadConfig({ ...valid, OUTBOUND_ALLOWED_NETWORKS: '10.20.0.0/16, 127.0.0.1' }).OUTBOUND_ALLOWED_NETWORKS).toHaveLength(2);
  });

  it.each([
    [{ DATABASE_URL: 'notaurl' }, /^invalid configuration: DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\/ \(got "notaurl"\)$/],
    [{ DATABASE_URL: undefined }, /^invalid configuration: DATABASE_URL .*\(it is not set\)$/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must be a URL starting with redis:\/\//],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: 'abc' }, /PORT/],
    [{ DOCKER_HOST: 'docker.sock' }, /DOCKER_HOST must be unix:/],
    [{ MEMGRADE_ADMIN_TOKEN: 'short' }, /MEMGRADE_ADMIN_TOKEN must be 24 to 200/],
    [{ PUBLISH_CATALOG: 'yes' }, /PUBLISH_CATALOG must be true or false/],
    [{ OUTBOUND_ALLOWED_NETWORKS: '10.0.0.0/8,intranet' }, /OUTBOUND_ALLOWED_NETWORKS must be comma-separated IP addresses or CIDR ranges: "intranet" is not/],
    [{ SANDBOX_DEFAULT_MEMORY_MIB: '4096', SANDBOX_MAX_MEMORY_MIB: '1024' }, /SANDBOX_DEFAULT_MEMORY_MIB \(4096\) must not exceed SANDBOX_MAX_MEMORY_MIB/],
  ])('rejects %j with one line naming the variable', (override, message) => {
    const attempt = () => loadConfig({ ...valid, ...override });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...valid, PORT: '' }).PORT).toBe(3000);
  });
});
