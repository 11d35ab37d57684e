import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { InvalidInputError, PayloadTooLargeError } from '../common/errors/domain-errors';
import { MAX_FILE_BYTES } from './submission-files';

const parseMultipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_FILE_BYTES, files: 20, fields: 10, fieldSize: 4096 } }).any();
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Lets `POST /api/v1/submissions` take a multipart upload (`exercise` field, one `files` part per
 * file, named by its filename) as well as JSON: the upload is turned into the same
 * `{ exercise, files: { name: source } }` body, so one DTO validates both.
 */
@Injectable()
export class MultipartFilesInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('multipart/form-data')) {
      await new Promise<void>((resolve, reject) =>
        parseMultipart(request, context.switchToHttp().getResponse<Response>(), (error?: unknown) => (error ? reject(toDomainError(error)) : resolve())),
      );
      const uploads = (request.files as Express.Multer.File[] | undefined) ?? [];
      const files: Record<string, string> = {};
      for (const upload of uploads) {
        if (upload.fieldname !== 'files') throw InvalidInputError.field(upload.fieldname, 'is not a file field; send files as "files" parts');
        try {
          files[upload.originalname] = utf8.decode(upload.buffer);
        } catch {
          throw InvalidInputError.field(`files.${upload.originalname}`, 'must be UTF-8 text');
        }
      }
      request.body = { ...(request.body as object), files };
    }
    return next.handle();
  }
}

function toDomainError(error: unknown): Error {
  const { code, field } = error as { code?: string; field?: string };
  if (code === 'LIMIT_FILE_SIZE')
    return new PayloadTooLargeError(`a file is larger than ${MAX_FILE_BYTES} bytes`, [{ field: `files.${field ?? ''}`, reason: `must be at most ${MAX_FILE_BYTES} bytes` }]);
  if (code?.startsWith('LIMIT_')) return InvalidInputError.field(field ?? 'files', `exceeds an upload limit (${code.toLowerCase()})`);
  return InvalidInputError.field('body', 'is not a well-formed multipart upload');
}
