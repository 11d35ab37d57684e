import { currentProcessSpace, isOrphan, isProcessAlive, ORPHAN_GRACE_SECONDS, type ContainerSummary, type OrphanContext } from './orphan-reaper';

const now = 1_000_000;
const me = { workerId: 'here/100/aaaa', hostname: 'here', processSpace: 'boot/pid:[1]', pid: 100 };
const alive = new Set([100, 200]);
const context: OrphanContext = { owner: me, nowSeconds: now, isInUse: (id) => id === 'busy', isProcessAlive: (pid) => alive.has(pid) };

function container(labels: Record<string, string>, ageSeconds = 10, id = 'c1'): ContainerSummary {
  return {
    Id: id,
    Created: now - ageSeconds,
    Labels: { 'memgrade.sandbox': '1', 'memgrade.sandbox.lifetime': '80', 'memgrade.sandbox.process-space': 'boot/pid:[1]', ...labels },
  };
}

describe('isOrphan', () => {
  it('reaps a container of a dead worker on this host', () => {
    expect(isOrphan(container({ 'memgrade.sandbox.worker': 'here/300/bbbb', 'memgrade.sandbox.host': 'here', 'memgrade.sandbox.pid': '300' }), context)).toBe(true);
  });

  it('leaves a live worker on this host alone while its container is within its lifetime', () => {
    const other = { 'memgrade.sandbox.worker': 'here/200/cccc', 'memgrade.sandbox.host': 'here', 'memgrade.sandbox.pid': '200' };
    expect(isOrphan(container(other), context)).toBe(false);
    expect(isOrphan(container(other, 80 + ORPHAN_GRACE_SECONDS + 1), context)).toBe(true);
  });

  it('does not trust a pid from another pid namespace or boot of this host', () => {
    const elsewhere = { 'memgrade.sandbox.worker': 'here/300/eeee', 'memgrade.sandbox.host': 'here', 'memgrade.sandbox.pid': '300' };
    for (const space of ['boot/pid:[2]', 'other-boot/pid:[1]']) {
      const labels = { ...elsewhere, 'memgrade.sandbox.process-space': space };
      expect(isOrphan(container(labels), context)).toBe(false);
      expect(isOrphan(container(labels, 80 + ORPHAN_GRACE_SECONDS + 1), context)).toBe(true);
    }
  });

  it('judges containers of other hosts by age alone', () => {
    const remote = { 'memgrade.sandbox.worker': 'there/300/dddd', 'memgrade.sandbox.host': 'there', 'memgrade.sandbox.pid': '300' };
    expect(isOrphan(container(remote, 80 + ORPHAN_GRACE_SECONDS - 1), context)).toBe(false);
    expect(isOrphan(container(remote, 80 + ORPHAN_GRACE_SECONDS + 1), context)).toBe(true);
  });

  it("reaps its own leftovers but never a container in use", () => {
    const mine = { 'memgrade.sandbox.worker': me.workerId, 'memgrade.sandbox.host': 'here', 'memgrade.sandbox.pid': '100' };
    expect(isOrphan(container(mine, ORPHAN_GRACE_SECONDS + 1), context)).toBe(true);
    expect(isOrphan(container(mine, 1), context)).toBe(false); // may be a run's container being made
    expect(isOrphan(container(mine, 1e6, 'busy'), context)).toBe(false);
    expect(isOrphan(container({}, 1e6, 'busy'), context)).toBe(false);
  });

  it('gives unlabelled old containers an hour', () => {
    const bare = { Id: 'x', Created: now - 3000, Labels: { 'memgrade.sandbox': '1' } };
    expect(isOrphan(bare, context)).toBe(false);
    expect(isOrphan({ ...bare, Created: now - 4000 }, context)).toBe(true);
  });
});

describe('currentProcessSpace', () => {
  it('names the boot and the pid namespace', () => {
    expect(currentProcessSpace()).toMatch(/^[0-9a-f-]{36}\/pid:\[\d+\]$/);
  });
});

describe('isProcessAlive', () => {
  it('sees this process and not a pid that cannot exist', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 22 + 1)).toBe(false);
  });
});
