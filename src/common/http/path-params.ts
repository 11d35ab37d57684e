import type { PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-errors';

/**
 * Path segments that cannot name anything are answered 404 before they reach the database
 * (a NUL byte, say, is refused by Postgres with an error, and a 20-digit number overflows).
 */
function matching(field: string, pattern: RegExp): PipeTransform<string, string> {
  return {
    transform(value: string) {
      if (!pattern.test(value)) throw new NotFoundError(`${field} "${value.slice(0, 100)}" does not exist`, [{ field, reason: 'names nothing' }]);
      return value;
    },
  };
}

export const slugPipe = (field: string) => matching(field, /^[a-z0-9][a-z0-9-]{0,62}$/);
export const externalIdPipe = (field: string) => matching(field, /^[A-Za-z0-9_.:@-]{1,200}$/);

/** A version number: a positive integer that fits Postgres's INTEGER. */
export function versionNumberPipe(field: string): PipeTransform<unknown, number> {
  return {
    // The global ValidationPipe runs first and may already have made a number (or NaN) of it.
    transform(raw: unknown) {
      const value = String(raw);
      const number = /^[1-9][0-9]{0,8}$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(number)) throw new NotFoundError(`${field} ${value.slice(0, 100)} does not exist`, [{ field, reason: 'is not a version number' }]);
      return number;
    },
  };
}
