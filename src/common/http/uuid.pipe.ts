import type { PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id in a path that is not a UUID names nothing: 404, as for an id that does not exist. */
export function uuidPipe(field: string): PipeTransform<string, string> {
  return {
    transform(value: string) {
      if (!UUID.test(value)) throw new NotFoundError(`${field} ${value} does not exist`, [{ field, reason: 'no such id' }]);
      return value;
    },
  };
}
