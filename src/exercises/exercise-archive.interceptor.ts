import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { unzipSync } from 'fflate';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { InvalidInputError, PayloadTooLargeError } from '../common/errors/domain-errors';

const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 4 * 1024 * 1024;
const parseMultipart = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_ARCHIVE_BYTES, files: 1, fields: 5 } }).single('archive');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Lets the publish route take a .zip of the exercise folder (multipart: `archive`, optional `slug`)
 * as well as the JSON form: the archive becomes the same `{ slug, files }` body. A single top
 * folder in the archive is taken as the exercise folder (and its name as the default slug).
 */
@Injectable()
export class ExerciseArchiveInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('multipart/form-data')) {
      await new Promise<void>((resolve, reject) =>
        parseMultipart(request, context.switchToHttp().getResponse<Response>(), (error?: unknown) => {
          const code = (error as { code?: string } | undefined)?.code;
          if (code === 'LIMIT_FILE_SIZE') reject(new PayloadTooLargeError(`the archive is larger than ${MAX_ARCHIVE_BYTES} bytes`, [{ field: 'archive', reason: `must be at most ${MAX_ARCHIVE_BYTES} bytes` }]));
          else if (error) reject(InvalidInputError.field('archive', 'is not a well-formed multipart upload of one file'));
          else resolve();
        }),
      );
      const upload = request.file;
      if (!upload) throw InvalidInputError.field('archive', 'is required: a .zip of the exercise folder');
      const { files, folder } = unpack(upload.buffer);
      const body = request.body as { slug?: string };
      request.body = { slug: body.slug ?? folder, files };
    }
    return next.handle();
  }
}

function unpack(zip: Buffer): { files: Record<string, string>; folder?: string } {
  let entries: Record<string, Uint8Array>;
  let unpacked = 0;
  try {
    entries = unzipSync(new Uint8Array(zip), {
      filter: (file) => {
        unpacked += file.originalSize;
        if (unpacked > MAX_UNPACKED_BYTES) throw new PayloadTooLargeError(`the archive unpacks to more than ${MAX_UNPACKED_BYTES} bytes`, [{ field: 'archive', reason: 'unpacks too large' }]);
        return !file.name.endsWith('/');
      },
    });
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw InvalidInputError.field('archive', 'is not a readable .zip file');
  }
  const paths = Object.keys(entries).filter((path) => !/(^|\/)(__MACOSX|\.DS_Store|__pycache__)(\/|$)/.test(path));
  const tops = new Set(paths.map((path) => path.split('/')[0]));
  const folder = tops.size === 1 && paths.every((path) => path.includes('/')) ? [...tops][0] : undefined;
  const files: Record<string, string> = {};
  for (const path of paths) {
    const relative = folder ? path.slice(folder.length + 1) : path;
    try {
      files[relative] = utf8.decode(entries[path]);
    } catch {
      throw InvalidInputError.field(`archive/${path}`, 'is not UTF-8 text');
    }
  }
  return { files, folder };
}
