import { InvalidInputError } from '../common/errors/domain-errors';
import { decodeCursor, encodeCursor } from './cursor';

describe('submission list cursors', () => {
  it('round-trip', () => {
    const cursor = { createdAt: new Date('2026-11-24T01:02:03.456Z'), id: '57f6c4eb-d833-4a3d-b09c-af10f77532dd' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each(['abc', Buffer.from('not-a-date|57f6c4eb-d833-4a3d-b09c-af10f77532dd').toString('base64url'), Buffer.from('2026-11-24T01:02:03Z|x').toString('base64url')])(
    'refuse %s naming the field',
    (value) => {
      expect(() => decodeCursor(value)).toThrow(InvalidInputError);
    },
  );
});
